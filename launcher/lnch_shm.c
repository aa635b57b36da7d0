/*
 * lnch_shm.c -- remove a job's leftover shared-memory files (see lnch_shm.h).
 */
#include "lnch_shm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lnch_shm_cleanup(const char *dir, const char *job_id)
{
    char prefix[128];
    int plen = snprintf(prefix, sizeof(prefix), "minimpi-%s-", job_id);
    if (plen < 0 || (size_t)plen >= sizeof(prefix))
        return -1;

    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;             /* no shared memory on this system: nothing to leak */
        fprintf(stderr, "mini-mpirun: cannot read %s to remove the job's files: %s\n", dir,
                strerror(errno));
        return -1;
    }
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)plen) != 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
        else if (errno != ENOENT)
            fprintf(stderr, "mini-mpirun: cannot remove %s/%s: %s\n", dir, e->d_name,
                    strerror(errno));
    }
    closedir(d);
    return removed;
}

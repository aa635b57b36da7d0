/*
 * fuzz_slurm.c -- Slurm's compressed host lists and task counts as
 * mini-mpirun expands them (launcher/lnch_slurm.c).  The input is
 * "NODELIST\nTASKS_PER_NODE": an expanded list holds 1..LNCH_SLURM_HOSTS_MAX
 * non-empty names, and task counts parsed for it are all positive.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_slurm.h"

void fuzz_slurm(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    char *tasks = strchr(text, '\n');
    if (tasks != NULL)
        *tasks++ = '\0';
    char err[512];
    char **names = NULL;
    int count = 0;
    int nodes = 3;
    if (lnch_slurm_expand_nodelist(text, &names, &count, err, sizeof(err)) == 0) {
        FUZZ_ASSERT(count >= 1 && count <= LNCH_SLURM_HOSTS_MAX);
        for (int i = 0; i < count; i++)
            FUZZ_ASSERT(names[i] != NULL && names[i][0] != '\0');
        lnch_slurm_free_names(names, count);
        nodes = count;
    } else {
        FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
    }
    if (tasks != NULL) {
        int *per_node = calloc((size_t)nodes, sizeof(int));
        if (per_node == NULL)
            abort();
        if (lnch_slurm_tasks_per_node(tasks, nodes, per_node, err, sizeof(err)) == 0)
            for (int i = 0; i < nodes; i++)
                FUZZ_ASSERT(per_node[i] >= 1);
        free(per_node);
    }
    free(text);
}

/*
 * fuzz_hosts.c -- the host lists of mini-mpirun (launcher/lnch_hosts.c):
 * the input is tried as an -H list and as a hostfile.  A list that parses
 * holds between 1 and LNCH_NODES_MAX hosts, each with a non-empty name
 * that fits and at least one slot.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_hosts.h"

static void check_hosts(const lnch_hosts_t *h)
{
    FUZZ_ASSERT(h->num >= 1 && h->num <= LNCH_NODES_MAX);
    for (int i = 0; i < h->num; i++) {
        FUZZ_ASSERT(h->nodes[i].name[0] != '\0');
        FUZZ_ASSERT(memchr(h->nodes[i].name, '\0', LNCH_HOSTNAME_MAX) != NULL);
        FUZZ_ASSERT(h->nodes[i].slots >= 1);
    }
    FUZZ_ASSERT(lnch_hosts_slots(h) >= h->num);
}

void fuzz_hosts(const uint8_t *data, size_t size)
{
    char err[512];
    char *list = fuzz_strndup(data, size);
    lnch_hosts_t h = {0};
    if (lnch_hosts_add_list(&h, list, err, sizeof(err)) == 0)
        check_hosts(&h);
    else
        FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
    lnch_hosts_fini(&h);
    free(list);

    if (size == 0)
        return;
    FILE *f = fmemopen((void *)data, size, "r");
    if (f == NULL)
        abort();
    lnch_hosts_t hf = {0};
    if (lnch_hosts_add_file(&hf, f, "fuzz", err, sizeof(err)) == 0) {
        if (hf.num > 0)
            check_hosts(&hf);
    } else {
        FUZZ_ASSERT(strncmp(err, "fuzz:", 5) == 0);
    }
    fclose(f);
    lnch_hosts_fini(&hf);
}

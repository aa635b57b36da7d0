/*
 * fuzz_mapping.c -- PMI_process_mapping as a rank parses it
 * (runtime/rt_boot_mapping.c).  The first byte picks the job size (1..64),
 * the rest is the value.  A mapping that parses must put every rank on a
 * node below the node count it returns.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "runtime/rt_boot.h"

void fuzz_mapping(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    int ranks = 1 + data[0] % 64;
    char *text = fuzz_strndup(data + 1, size - 1);
    int node_of_rank[64];
    for (int i = 0; i < 64; i++)
        node_of_rank[i] = -1;
    int nodes = rt_boot_parse_mapping(text, ranks, node_of_rank);
    if (nodes >= 0) {
        FUZZ_ASSERT(nodes >= 1);
        for (int i = 0; i < ranks; i++)
            FUZZ_ASSERT(node_of_rank[i] >= 0 && node_of_rank[i] < nodes);
    }
    free(text);
}

/*
 * rt_boot_mapping.c -- parse PMI_process_mapping (see rt_boot.h).  Its own
 * file so that the fuzzer (tests/fuzz/) can reach the parser without the
 * rest of the runtime: the value comes from the process manager, and a
 * malformed one must be an error, never a crash.
 */
#include "rt_boot.h"

#include <ctype.h>
#include <string.h>

static int parse_int(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s - '0');
        if (v > (1L << 30))
            return -1;
        s++;
    }
    *out = (int)v;
    *p = s;
    return 0;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

int rt_boot_parse_mapping(const char *mapping, int size, int *node_of_rank)
{
    enum { MAX_BLOCKS = 64 };
    int block_node[MAX_BLOCKS], block_nnodes[MAX_BLOCKS], block_ppn[MAX_BLOCKS];
    int num_blocks = 0;
    const char *p = mapping;

    if (strncmp(p, "(vector", 7) != 0)
        return -1;
    p += 7;
    while (*p == ',') {
        p++;
        if (num_blocks == MAX_BLOCKS)
            return -1;
        if (expect(&p, '(') || parse_int(&p, &block_node[num_blocks]) || expect(&p, ',') ||
            parse_int(&p, &block_nnodes[num_blocks]) || expect(&p, ',') ||
            parse_int(&p, &block_ppn[num_blocks]) || expect(&p, ')'))
            return -1;
        if (block_nnodes[num_blocks] < 1 || block_ppn[num_blocks] < 1)
            return -1;
        num_blocks++;
    }
    if (expect(&p, ')') || *p != '\0' || num_blocks == 0)
        return -1;

    /* Walk the blocks in order, repeating the vector until every rank is placed. */
    int rank = 0, num_nodes = 0;
    while (rank < size) {
        for (int b = 0; b < num_blocks && rank < size; b++) {
            for (int n = 0; n < block_nnodes[b] && rank < size; n++) {
                int node = block_node[b] + n;
                for (int k = 0; k < block_ppn[b] && rank < size; k++)
                    node_of_rank[rank++] = node;
                if (node + 1 > num_nodes)
                    num_nodes = node + 1;
            }
        }
    }
    return num_nodes;
}


/*
 * lnch_map.c -- rank to node mapping (see lnch_map.h).
 */
#include "lnch_map.h"

#include <stdio.h>
#include <stdlib.h>

int lnch_map_ranks(const lnch_hosts_t *h, int np, int npernode, int np_max, int **node_of_rank,
                   int *np_out, char *err, size_t err_len)
{
    *node_of_rank = NULL;
    if (h->num < 1) {
        snprintf(err, err_len, "no hosts to run on");
        return -1;
    }
    long total = npernode > 0 ? (long)npernode * h->num : lnch_hosts_slots(h);
    if (np == 0)
        np = total > np_max ? np_max + 1 : (int)total;
    if (np > np_max) {
        snprintf(err, err_len, "%d ranks requested by the host list: at most %d", np, np_max);
        return -1;
    }
    if (npernode > 0 && np > total) {
        snprintf(err, err_len, "-n %d is more than %d per node on %d node(s)", np, npernode,
                 h->num);
        return -1;
    }
    int *map = malloc((size_t)np * sizeof(*map));
    if (map == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    int rank = 0;
    for (int n = 0; n < h->num && rank < np; n++) {
        int take = npernode > 0 ? npernode : h->nodes[n].slots;
        for (int i = 0; i < take && rank < np; i++)
            map[rank++] = n;
    }
    for (int n = 0; rank < np; n = (n + 1) % h->num)
        map[rank++] = n;          /* beyond the slots: round-robin */
    *node_of_rank = map;
    *np_out = np;
    return 0;
}

int lnch_map_process_mapping(const int *node_of_rank, int np, char *out, size_t out_len)
{
    size_t used = 0;
    int n = snprintf(out, out_len, "(vector");
    if (n < 0 || (size_t)n >= out_len)
        return -1;
    used = (size_t)n;
    int r = 0;
    while (r < np) {
        /* A block: nnodes consecutive nodes from `node`, each with ppn
         * consecutive ranks. */
        int node = node_of_rank[r], ppn = 0;
        while (r + ppn < np && node_of_rank[r + ppn] == node)
            ppn++;
        int nnodes = 1;
        r += ppn;
        for (;;) {
            int k = 0;
            while (r + k < np && k < ppn && node_of_rank[r + k] == node + nnodes)
                k++;
            if (k != ppn || (r + k < np && node_of_rank[r + k] == node + nnodes))
                break;
            nnodes++;
            r += ppn;
        }
        n = snprintf(out + used, out_len - used, ",(%d,%d,%d)", node, nnodes, ppn);
        if (n < 0 || (size_t)n >= out_len - used)
            return -1;
        used += (size_t)n;
    }
    n = snprintf(out + used, out_len - used, ")");
    return n < 0 || (size_t)n >= out_len - used ? -1 : 0;
}

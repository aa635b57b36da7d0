/*
 * lnch_map.h -- which node each rank runs on, and the PMI_process_mapping
 * value that tells the ranks.
 *
 * Ranks fill the slots of the host list in order (rank 0 to the first
 * slot of the first host), as Open MPI's --map-by slot does; with
 * -N/--npernode K every host takes K ranks instead.  Ranks beyond all the
 * slots are dealt round-robin, one per host, since we never refuse to
 * oversubscribe.
 */
#ifndef MINIMPI_LNCH_MAP_H
#define MINIMPI_LNCH_MAP_H

#include <stddef.h>

#include "lnch_hosts.h"

/*
 * Map the ranks.  np: -n (0 when not given: every slot, or K per host with
 * npernode); npernode: -N (0 when not given).  Returns 0 with *np_out ranks
 * and a malloc'ed node_of_rank[*np_out], or -1 with the reason in err.
 */
int lnch_map_ranks(const lnch_hosts_t *h, int np, int npernode, int np_max, int **node_of_rank,
                   int *np_out, char *err, size_t err_len);

/*
 * Write the PMI_process_mapping value for node_of_rank[np]:
 * "(vector,(first node,node count,ranks per node),...)", consecutive runs
 * merged as MPICH's Hydra does.  Returns 0, or -1 when it does not fit.
 */
int lnch_map_process_mapping(const int *node_of_rank, int np, char *out, size_t out_len);

#endif /* MINIMPI_LNCH_MAP_H */

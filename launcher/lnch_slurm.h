/*
 * lnch_slurm.h -- what mini-mpirun reads of a Slurm allocation it runs in:
 * SLURM_JOB_NODELIST in Slurm's compressed hostlist syntax
 * ("node[01-04,07],login1", several bracket groups per name allowed, zero
 * padding kept) and SLURM_TASKS_PER_NODE ("2(x3),1": counts with
 * repetitions, in node order).
 */
#ifndef MINIMPI_LNCH_SLURM_H
#define MINIMPI_LNCH_SLURM_H

#include <stddef.h>

#include "lnch_hosts.h"

/* The most hosts one expanded list may name (a guard against "n[0-99999999]"). */
#define LNCH_SLURM_HOSTS_MAX 65536

/*
 * Expand `list` into *names_out (count_out entries, each malloc'd, the array
 * too; free with lnch_slurm_free_names).  Returns 0, or -1 with a message in
 * err naming the offending part.
 */
int lnch_slurm_expand_nodelist(const char *list, char ***names_out, int *count_out, char *err,
                               size_t err_len);
void lnch_slurm_free_names(char **names, int count);

/*
 * Parse SLURM_TASKS_PER_NODE for `num_nodes` nodes into tasks_out[num_nodes].
 * Returns 0, or -1 with a message in err (malformed, or the counts do not
 * cover exactly num_nodes nodes).
 */
int lnch_slurm_tasks_per_node(const char *spec, int num_nodes, int *tasks_out, char *err,
                              size_t err_len);

/* Whether mini-mpirun runs inside a Slurm allocation (SLURM_JOB_NODELIST set). */
int lnch_slurm_in_allocation(void);

/*
 * Add the allocation's hosts to `hosts`, each with its task count as slots
 * (SLURM_JOB_NODELIST, SLURM_TASKS_PER_NODE).  Returns 0, or -1 with the
 * reason (naming the variable) in err.
 */
int lnch_slurm_hosts(lnch_hosts_t *hosts, char *err, size_t err_len);

/* The launch agent for the daemons of an allocation: one srun step per node
 * ("AGENT HOST mini-mpid ..."), sharing the allocation's cpus with the ranks. */
#define LNCH_SLURM_AGENT "srun --nodes=1 --ntasks=1 --overlap --cpu-bind=none --mpi=none --nodelist"

#endif /* MINIMPI_LNCH_SLURM_H */

/*
 * lnch_place_job.h -- placement on this machine: load its topology, compute
 * where each rank runs (lnch_place.h), bind each child before it execs, tell
 * the ranks through PMI keys, and print what --display-map and
 * --report-bindings ask for.
 *
 * Two layers.  lnch_node_place_* is one node's share, for whatever starts
 * the ranks of a node (this launcher, or a per-node daemon of a multi-node
 * launcher): it knows node-local ranks, and the caller says which job-wide
 * rank each one is.  lnch_place_job_* applies it to the single-node job,
 * where the two numberings are the same.
 */
#ifndef MINIMPI_LNCH_PLACE_JOB_H
#define MINIMPI_LNCH_PLACE_JOB_H

#include <stdio.h>
#include <sys/types.h>

#include "lnch_job.h"
#include "lnch_place.h"

/* One node's placement and the topology it refers to. */
typedef struct lnch_job_place {
    lnch_place_t place;           /* zero until computed */
    hwloc_topology_t topo;
    hwloc_bitmap_t allowed;       /* where this node's ranks may run */
    int report;                   /* --report-bindings */
} lnch_node_place_t;

/*
 * Place the ranks of this node, in two steps since the node may share its
 * machine with other nodes of the job.  Load: the topology and the allowed
 * set (this process's binding within the cgroup's cpus, within --cpu-set);
 * returns 0 and sets *out, or the exit code for the launcher after printing
 * why: 2 for a --cpu-set naming cpus not available here, 1 otherwise.
 * Compute, once the shares are known: place `num_ranks` ranks (share: NULL
 * when the node is alone on its machine) and print the map with
 * --display-map (world_ranks[i]: the job-wide rank of local rank i; NULL:
 * the same) to `map_out` (stdout for this launcher; a daemon sends it on to
 * mini-mpirun); returns 0, or 1 after printing why.
 */
int lnch_node_place_load(lnch_node_place_t **out, const lnch_place_opts_t *opts);
int lnch_node_place_compute(lnch_node_place_t *np, const lnch_place_opts_t *opts, int num_ranks,
                            const lnch_place_share_t *share, const char *host,
                            const int *world_ranks, FILE *map_out);

/*
 * Which machine this node is, for lnch_place_share: the kernel's boot id
 * (/proc/sys/kernel/random/boot_id, one per running kernel, so the same in
 * every container and namespace on it, and different on another machine or
 * virtual machine) and the allowed cpu list (containers given disjoint
 * cpusets do not share cores).  Empty when the boot id cannot be read: the
 * node is then taken to be alone.  Host names cannot tell (containers have
 * their own, network namespaces share one, and the job's node names are the
 * host list's), nor can hwloc, whose topology carries no machine identity;
 * /etc/machine-id is copied into container images.
 */
void lnch_node_place_machine(const lnch_node_place_t *np, char *buf, size_t len);

/* In the child of local rank `local_rank`, after fork: bind it.  Returns 0,
 * or -1 with errno set. */
int lnch_node_place_bind(const lnch_node_place_t *np, int local_rank);

/* The PMI key and value that tell local rank `local_rank`, job-wide rank
 * `world_rank`, where it runs.  Returns 0, or -1 when they do not fit. */
int lnch_node_place_key(const lnch_node_place_t *np, int local_rank, int world_rank, char *key,
                        size_t key_len, char *value, size_t value_len);

/* With --report-bindings, print local rank `local_rank`'s line on stderr. */
void lnch_node_place_report(const lnch_node_place_t *np, int local_rank, int world_rank,
                            const char *host, pid_t pid);

void lnch_node_place_free(lnch_node_place_t *np);

/*
 * The job: place the ranks this process starts (all of a single-node job;
 * those of the launcher's own node in a multi-node job) and publish their
 * keys in its key-value store.  Returns 0, or the exit code (as
 * lnch_node_place_load).  A daemon's job has only its node's ranks.
 */
int lnch_place_job_setup(lnch_job_t *job, const lnch_place_opts_t *opts);

/*
 * The same in two steps for a multi-node job, whose own node may share its
 * machine with other nodes: load this node's topology before anything
 * starts (so a bad --cpu-set is reported first), its machine id
 * (lnch_node_place_machine; "" when no rank runs here), then place and
 * publish once the shares are known.  lnch_place_job_setup is both with a
 * NULL share.
 */
int lnch_place_job_load(lnch_job_t *job, const lnch_place_opts_t *opts);
void lnch_place_job_machine(const lnch_job_t *job, char *buf, size_t len);
int lnch_place_job_share(lnch_job_t *job, const lnch_place_opts_t *opts,
                         const lnch_place_share_t *share);

/* In the child of job->ranks[idx]: bind it (nothing when the job is not
 * placed). */
int lnch_place_job_bind_child(const lnch_job_t *job, int idx);

/* --report-bindings: one line per started rank on stderr (needs the pids).
 * In a multi-node job the lines are kept until every node's are in
 * (lnch_place_job_remote_report), then printed in rank order. */
void lnch_place_job_report(lnch_job_t *job);

/* The report line of rank `rank`, from its node's daemon. */
void lnch_place_job_remote_report(lnch_job_t *job, int rank, const char *line, size_t len);

void lnch_place_job_fini(lnch_job_t *job);

#endif /* MINIMPI_LNCH_PLACE_JOB_H */

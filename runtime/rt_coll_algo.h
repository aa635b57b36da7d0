/*
 * rt_coll_algo.h -- the collective algorithms and how one is chosen.
 *
 * Every algorithm is a builder: it writes the schedule of one rank for one
 * call (rt_coll_sched.h) from the call's arguments.  All builders have the
 * same signature, so the selection table (rt_coll_select.c) can name them,
 * and a node-aware algorithm can run another one on part of the
 * communicator: builders work on a team, a list of the communicator's ranks
 * (the whole communicator, the ranks of one node, or one leader per node).
 * Roots, block positions (gather, allgather, alltoall) and the order of
 * non-commutative reductions are team indices.
 */
#ifndef MINIMPI_RT_COLL_ALGO_H
#define MINIMPI_RT_COLL_ALGO_H

#include <stddef.h>

#include "rt.h"
#include "rt_coll.h"
#include "rt_coll_sched.h"

typedef enum rt_coll_kind {
    RT_COLL_BARRIER,
    RT_COLL_BCAST,
    RT_COLL_REDUCE,
    RT_COLL_ALLREDUCE,
    RT_COLL_GATHER,
    RT_COLL_GATHERV,
    RT_COLL_SCATTER,
    RT_COLL_SCATTERV,
    RT_COLL_ALLGATHER,
    RT_COLL_ALLGATHERV,
    RT_COLL_ALLTOALL,
    RT_COLL_ALLTOALLV,
    RT_COLL_ALLTOALLW,
    RT_COLL_REDUCE_SCATTER,        /* Reduce_scatter and Reduce_scatter_block */
    RT_COLL_SCAN,
    RT_COLL_EXSCAN,
    RT_COLL_NUM_KINDS,
} rt_coll_kind_t;

/* Part of a communicator: team index i is communicator rank ranks[i]
 * (ranks NULL: the identity). */
typedef struct rt_coll_team {
    const rt_comm_t *comm;
    int size;
    int rank;                      /* my team index */
    const int *ranks;
} rt_coll_team_t;

static inline int rt_coll_team_peer(const rt_coll_team_t *t, int index)
{
    return t->ranks != NULL ? t->ranks[index] : index;
}

/*
 * A call's arguments.  Single-type collectives (bcast, reductions) use
 * sbuf/rbuf with count and dt.  sbuf may be MPI_IN_PLACE where the standard
 * allows it.  Per-rank arrays are indexed by team index; displacements
 * count elements of rdt/sdt, except for alltoallw where they count bytes.
 */
typedef struct rt_coll_args {
    rt_coll_kind_t kind;
    const void *sbuf;
    size_t scount;
    rt_datatype_t *sdt;
    void *rbuf;
    size_t rcount;
    rt_datatype_t *rdt;
    size_t count;                  /* single-type collectives */
    rt_datatype_t *dt;
    const int *scounts, *sdispls, *rcounts, *rdispls;
    rt_datatype_t *const *sdts, *const *rdts;
    rt_op_t *op;
    int root;
} rt_coll_args_t;

typedef void (*rt_coll_builder_fn)(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                   const rt_coll_args_t *a);

/* Select an algorithm for the call and build its schedule (NULL only when
 * out of memory). */
rt_coll_sched_t *rt_coll_build(rt_comm_t *comm, const rt_coll_args_t *a);

/* Run a blocking collective to the end: directly when the algorithm
 * selected has a direct form that takes the call, else through its
 * schedule.  Returns the collective's error class. */
int rt_coll_run(rt_comm_t *comm, const rt_coll_args_t *a);

/* A direct form: runs a blocking call without a schedule and returns its
 * error class, or RT_COLL_NOT_DIRECT (before doing anything) when it cannot
 * take this call, which then runs through the schedule. */
#define RT_COLL_NOT_DIRECT (-1)
typedef int (*rt_coll_direct_fn)(rt_comm_t *comm, const rt_coll_args_t *a);

/* The node of world rank `world` as the collectives see it: the job's
 * layout, or MINIMPI_COLL_NODE_SIZE consecutive ranks per node when set
 * (rt_coll_node.c). */
int rt_coll_node_of(int world);
/* Whether the communicator's ranks live on more than one node, in that
 * sense (so a faked layout selects the node-aware algorithms too). */
int rt_coll_spans_nodes(const rt_comm_t *comm);

/* Byte offset of `n` elements of `dt`. */
static inline size_t rt_coll_span(size_t n, const rt_datatype_t *dt)
{
    return n * (size_t)dt->extent;
}

/* Pointer `n` elements of `dt` after `buf`. */
static inline void *rt_coll_at(const void *buf, size_t n, const rt_datatype_t *dt)
{
    return (char *)buf + rt_coll_span(n, dt);
}

/* Pointer `disp` elements of `dt` after `buf` (a v-variant displacement,
 * which may be negative). */
static inline void *rt_coll_disp(const void *buf, int disp, const rt_datatype_t *dt)
{
    return (char *)buf + (ptrdiff_t)disp * (ptrdiff_t)dt->extent;
}

/* Block i of a buffer of blocks: evenly spaced, `count` elements apart
 * (gather, scatter, alltoall), or where a v variant's counts and
 * displacements put it (when counts != NULL). */
static inline void *rt_coll_block(const void *buf, size_t count, const int *counts,
                                  const int *displs, const rt_datatype_t *dt, int i,
                                  size_t *block_count)
{
    if (counts != NULL) {
        *block_count = (size_t)counts[i];
        return rt_coll_disp(buf, displs[i], dt);
    }
    *block_count = count;
    return rt_coll_at(buf, count * (size_t)i, dt);
}

/* Largest power of two not above n (n >= 1). */
static inline int rt_coll_pow2_floor(int n)
{
    int p = 1;
    while (p * 2 <= n)
        p *= 2;
    return p;
}

/* ---- Builders, per collective (rt_coll_<collective>.c) ---------------------- */
void rt_coll_barrier_dissemination(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                   const rt_coll_args_t *a);
void rt_coll_barrier_tree(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);

void rt_coll_bcast_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
int rt_coll_bcast_binomial_direct(rt_comm_t *comm, const rt_coll_args_t *a);
void rt_coll_bcast_scatter_allgather(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                     const rt_coll_args_t *a);
void rt_coll_bcast_node_aware(rt_coll_sched_t *s, const rt_coll_team_t *t,
                              const rt_coll_args_t *a);

void rt_coll_reduce_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_reduce_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);

void rt_coll_allreduce_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                          const rt_coll_args_t *a);
void rt_coll_allreduce_rabenseifner(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                    const rt_coll_args_t *a);
void rt_coll_allreduce_reduce_bcast(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                    const rt_coll_args_t *a);
void rt_coll_allreduce_node_aware(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                  const rt_coll_args_t *a);

void rt_coll_gather_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_gather_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_scatter_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_scatter_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);

void rt_coll_allgather_ring(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_allgather_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                          const rt_coll_args_t *a);
void rt_coll_allgather_bruck(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_allgatherv_ring(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);

void rt_coll_alltoall_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                               const rt_coll_args_t *a);
void rt_coll_alltoall_bruck(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_alltoall_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_alltoallv_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                const rt_coll_args_t *a);
void rt_coll_alltoallw_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                const rt_coll_args_t *a);

void rt_coll_reduce_scatter_reduce_scatterv(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                            const rt_coll_args_t *a);
void rt_coll_reduce_scatter_ring(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                 const rt_coll_args_t *a);

void rt_coll_scan_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                     const rt_coll_args_t *a);
void rt_coll_scan_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_exscan_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                       const rt_coll_args_t *a);
void rt_coll_exscan_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);

/* Through a buffer shared by the ranks of one node, for small messages
 * (rt_coll_shm.c); what does not fit runs the collective's first algorithm. */
void rt_coll_barrier_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_bcast_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_reduce_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_allreduce_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
void rt_coll_alltoall_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a);
/* The direct form of these (rt_coll_shm.c), once the area is made. */
int rt_coll_shm_direct(rt_comm_t *comm, const rt_coll_args_t *a);

#endif /* MINIMPI_RT_COLL_ALGO_H */

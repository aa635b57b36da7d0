/*
 * rt_coll_select.c -- which algorithm runs a collective call.
 *
 * One table of rules (first match wins) by collective, communicator size
 * and message size, as measured in bytes of data per rank (per pair for
 * alltoall).  Thresholds come from the usual trade-offs (latency-bound
 * log p algorithms for small messages, bandwidth-optimal ones for large)
 * and were checked with bench/coll on a 2-core machine.
 *
 * MINIMPI_COLL_<COLLECTIVE>=<algorithm> forces one (tests run every
 * algorithm that way); MINIMPI_VERBOSE=coll prints every choice.
 */
#include "rt_coll_algo.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "rt_coll_shm.h"
#include "rt_op.h"

typedef struct algo {
    const char *name;
    rt_coll_builder_fn build;
    rt_coll_direct_fn direct;      /* NULL: blocking calls run the schedule too */
} algo_t;

typedef struct coll_info {
    const char *name;              /* as in messages */
    const char *var;               /* the variable forcing an algorithm */
    const algo_t *algos;           /* ends with {NULL, NULL} */
} coll_info_t;

#define ALGOS(NAME, ...) static const algo_t NAME[] = {__VA_ARGS__, {NULL, NULL, NULL}}
ALGOS(barrier_algos,
      {"dissemination", rt_coll_barrier_dissemination, NULL},
      {"tree", rt_coll_barrier_tree, NULL},
      {"shm", rt_coll_barrier_shm, rt_coll_shm_direct});
ALGOS(bcast_algos,
      {"binomial", rt_coll_bcast_binomial, rt_coll_bcast_binomial_direct},
      {"scatter_allgather", rt_coll_bcast_scatter_allgather, NULL},
      {"node_aware", rt_coll_bcast_node_aware, NULL},
      {"shm", rt_coll_bcast_shm, rt_coll_shm_direct});
ALGOS(reduce_algos,
      {"binomial", rt_coll_reduce_binomial, NULL},
      {"linear", rt_coll_reduce_linear, NULL},
      {"shm", rt_coll_reduce_shm, rt_coll_shm_direct});
ALGOS(allreduce_algos,
      {"recursive_doubling", rt_coll_allreduce_recursive_doubling, NULL},
      {"rabenseifner", rt_coll_allreduce_rabenseifner, NULL},
      {"reduce_bcast", rt_coll_allreduce_reduce_bcast, NULL},
      {"node_aware", rt_coll_allreduce_node_aware, NULL},
      {"shm", rt_coll_allreduce_shm, rt_coll_shm_direct});
ALGOS(gather_algos,
      {"binomial", rt_coll_gather_binomial, NULL},
      {"linear", rt_coll_gather_linear, NULL});
ALGOS(gatherv_algos,
      {"linear", rt_coll_gather_linear, NULL});
ALGOS(scatter_algos,
      {"binomial", rt_coll_scatter_binomial, NULL},
      {"linear", rt_coll_scatter_linear, NULL});
ALGOS(scatterv_algos,
      {"linear", rt_coll_scatter_linear, NULL});
ALGOS(allgather_algos,
      {"ring", rt_coll_allgather_ring, NULL},
      {"recursive_doubling", rt_coll_allgather_recursive_doubling, NULL},
      {"bruck", rt_coll_allgather_bruck, NULL});
ALGOS(allgatherv_algos,
      {"ring", rt_coll_allgatherv_ring, NULL});
ALGOS(alltoall_algos,
      {"pairwise", rt_coll_alltoall_pairwise, NULL},
      {"bruck", rt_coll_alltoall_bruck, NULL},
      {"linear", rt_coll_alltoall_linear, NULL},
      {"shm", rt_coll_alltoall_shm, rt_coll_shm_direct});
ALGOS(alltoallv_algos,
      {"pairwise", rt_coll_alltoallv_pairwise, NULL});
ALGOS(alltoallw_algos,
      {"pairwise", rt_coll_alltoallw_pairwise, NULL});
ALGOS(reduce_scatter_algos,
      {"reduce_scatterv", rt_coll_reduce_scatter_reduce_scatterv, NULL},
      {"ring", rt_coll_reduce_scatter_ring, NULL});
ALGOS(scan_algos,
      {"recursive_doubling", rt_coll_scan_recursive_doubling, NULL},
      {"linear", rt_coll_scan_linear, NULL});
ALGOS(exscan_algos,
      {"recursive_doubling", rt_coll_exscan_recursive_doubling, NULL},
      {"linear", rt_coll_exscan_linear, NULL});

static const coll_info_t colls[RT_COLL_NUM_KINDS] = {
    [RT_COLL_BARRIER] = {"barrier", "MINIMPI_COLL_BARRIER", barrier_algos},
    [RT_COLL_BCAST] = {"bcast", "MINIMPI_COLL_BCAST", bcast_algos},
    [RT_COLL_REDUCE] = {"reduce", "MINIMPI_COLL_REDUCE", reduce_algos},
    [RT_COLL_ALLREDUCE] = {"allreduce", "MINIMPI_COLL_ALLREDUCE", allreduce_algos},
    [RT_COLL_GATHER] = {"gather", "MINIMPI_COLL_GATHER", gather_algos},
    [RT_COLL_GATHERV] = {"gatherv", "MINIMPI_COLL_GATHERV", gatherv_algos},
    [RT_COLL_SCATTER] = {"scatter", "MINIMPI_COLL_SCATTER", scatter_algos},
    [RT_COLL_SCATTERV] = {"scatterv", "MINIMPI_COLL_SCATTERV", scatterv_algos},
    [RT_COLL_ALLGATHER] = {"allgather", "MINIMPI_COLL_ALLGATHER", allgather_algos},
    [RT_COLL_ALLGATHERV] = {"allgatherv", "MINIMPI_COLL_ALLGATHERV", allgatherv_algos},
    [RT_COLL_ALLTOALL] = {"alltoall", "MINIMPI_COLL_ALLTOALL", alltoall_algos},
    [RT_COLL_ALLTOALLV] = {"alltoallv", "MINIMPI_COLL_ALLTOALLV", alltoallv_algos},
    [RT_COLL_ALLTOALLW] = {"alltoallw", "MINIMPI_COLL_ALLTOALLW", alltoallw_algos},
    [RT_COLL_REDUCE_SCATTER] = {"reduce_scatter", "MINIMPI_COLL_REDUCE_SCATTER",
                                reduce_scatter_algos},
    [RT_COLL_SCAN] = {"scan", "MINIMPI_COLL_SCAN", scan_algos},
    [RT_COLL_EXSCAN] = {"exscan", "MINIMPI_COLL_EXSCAN", exscan_algos},
};

#define ANY INT_MAX
/* Largest message the automatic choice sends through the shared buffer
 * (bench/coll, 2 and 8 ranks on 2 cores). */
#define RT_COLL_SHM_AUTO_BYTES 4096
#define ANY_BYTES ((size_t)-1)

/* A rule applies to communicators of at most max_ranks ranks, messages of
 * at most max_bytes, and, by its `where` column: 0 anywhere;
 * 1 (MULTI_NODE) only to communicators spanning several nodes;
 * 2 (OVERSUBSCRIBED) only in a one-node job with more ranks than cores;
 * 3 (ONE_NODE) only to communicators whose ranks are all on one node;
 * 4 (ONE_NODE_OVERSUBSCRIBED) both 2 and 3 (a layout faked by
 * MINIMPI_COLL_NODE_SIZE then counts, as for 3).
 * Oversubscribed, idle ranks yield or sleep, so an algorithm pays for every round in
 * which a rank must be scheduled again (a wake-up, often a time slice), and
 * all ranks share the same few cores' copy bandwidth: the fewer rounds and
 * the fewer bytes copied in total, the better, whatever the critical path
 * of a dedicated-core analysis says.  (A job-wide fact, so every rank of a
 * communicator decides alike.) */
enum { MULTI_NODE = 1, OVERSUBSCRIBED = 2, ONE_NODE = 3, ONE_NODE_OVERSUBSCRIBED = 4 };

typedef struct rule {
    rt_coll_kind_t kind;
    int where;
    int max_ranks;
    size_t max_bytes;
    const char *algo;
} rule_t;

static const rule_t rules[] = {
    /* shm: through a shared buffer when every rank is on this node (the
     * rows for several nodes come first); it runs the collective's first
     * algorithm itself when the call does not fit (rt_coll_shm.c).  With 8
     * ranks on 2 cores it takes half the time of the point-to-point barrier
     * and allreduce up to 4 KiB, and equal time with 2 ranks.  Bcast and
     * reduce only for data that fits in a rank's flag or a cell of its slot
     * (RT_COLL_SHM_CELL): there the root (the other ranks for reduce) runs
     * up to 63 calls ahead of ranks waiting for a core, as eager messages
     * let it: a loop of small bcasts with 8 ranks on 2 cores takes 0.1 us
     * per call against binomial's 1-3, of 16-byte reduces 1.5 us against
     * 9.7 (with 2 ranks 0.13 against 0.21), of 256-byte to 4 KiB reduces
     * 1.9-4.1 us against 3.9-8.2 (2 ranks: 0.23-0.52 against 0.28-0.65);
     * with larger data (only 3 calls ahead) a loop of them runs 5 to 50
     * times slower than binomial. */
    {RT_COLL_BARRIER, 0, ANY, ANY_BYTES, "shm"},
    {RT_COLL_BARRIER, 0, ANY, ANY_BYTES, "dissemination"},

    {RT_COLL_BCAST, 1, ANY, ANY_BYTES, "node_aware"},
    {RT_COLL_BCAST, ONE_NODE, ANY, RT_COLL_SHM_CELL, "shm"},
    {RT_COLL_BCAST, 0, 3, ANY_BYTES, "binomial"},
    /* scatter_allgather's p - 1 ring rounds and extra copies cost 3 to 5
     * times binomial's log p rounds at 64 KiB to 1 MiB with 8 ranks on 2
     * cores; large pieces go single-copy (CMA) either way. */
    {RT_COLL_BCAST, OVERSUBSCRIBED, ANY, ANY_BYTES, "binomial"},
    {RT_COLL_BCAST, 0, ANY, 64 << 10, "binomial"},
    {RT_COLL_BCAST, 0, ANY, ANY_BYTES, "scatter_allgather"},

    {RT_COLL_REDUCE, ONE_NODE, ANY, RT_COLL_SHM_CELL, "shm"},
    {RT_COLL_REDUCE, 0, ANY, ANY_BYTES, "binomial"},

    {RT_COLL_ALLREDUCE, 1, ANY, ANY_BYTES, "node_aware"},
    {RT_COLL_ALLREDUCE, 0, ANY, RT_COLL_SHM_AUTO_BYTES, "shm"},
    /* Above 16 KiB Rabenseifner's two rounds of half the data beat one
     * round of all of it, with 2 ranks too (it also reduces only half):
     * 64 KiB 4.9 against 5.4 us, 1 MiB 130 against 144 (medians of 3). */
    {RT_COLL_ALLREDUCE, 0, ANY, 16 << 10, "recursive_doubling"},
    {RT_COLL_ALLREDUCE, 0, ANY, ANY_BYTES, "rabenseifner"},

    {RT_COLL_GATHER, 0, ANY, ANY_BYTES, "binomial"},
    {RT_COLL_GATHERV, 0, ANY, ANY_BYTES, "linear"},
    {RT_COLL_SCATTER, 0, ANY, ANY_BYTES, "binomial"},
    {RT_COLL_SCATTERV, 0, ANY, ANY_BYTES, "linear"},

    {RT_COLL_ALLGATHER, 0, ANY, 1 << 10, "bruck"},
    {RT_COLL_ALLGATHER, 0, ANY, ANY_BYTES, "ring"},
    {RT_COLL_ALLGATHERV, 0, ANY, ANY_BYTES, "ring"},

    /* Through the shared buffer up to 1 KiB per pair (p blocks per slot;
     * more than fits runs pairwise): with 2 ranks 0.8 x bruck at 4 B, with 8
     * ranks on 2 cores 0.45 x bruck at 4 B and 0.2 x pairwise at 1 KiB,
     * whose p - 1 rounds each wait for ranks to be scheduled. */
    {RT_COLL_ALLTOALL, ONE_NODE, ANY, 1 << 10, "shm"},
    /* Oversubscribed, larger blocks too, while a rank's p blocks fill its
     * slot (512 KiB up to 8 ranks, rt_coll_shm.c): 8 ranks on 2 cores,
     * 4 KiB blocks, 40 us against 102 with linear; 16 KiB 85 us against
     * linear's 90 once warm and 110-1500 us over its first 500 calls, while
     * ranks that run ahead leave messages unexpected; 64 KiB 155-180
     * against 220-265 (bench/coll: 0.33 and 0.44 x Open MPI, were 1.03 and
     * 0.84). */
    {RT_COLL_ALLTOALL, ONE_NODE_OVERSUBSCRIBED, 8, 64 << 10, "shm"},
    /* Every message posted at once lets whichever ranks hold a core move
     * data: 8 ranks on 2 cores, 0.4 x pairwise at 4 KiB, 0.45 x at 16 KiB,
     * 0.65-0.9 x at 64 KiB. */
    {RT_COLL_ALLTOALL, OVERSUBSCRIBED, ANY, ANY_BYTES, "linear"},
    {RT_COLL_ALLTOALL, 0, ANY, 256, "bruck"},
    {RT_COLL_ALLTOALL, 0, ANY, ANY_BYTES, "pairwise"},
    {RT_COLL_ALLTOALLV, 0, ANY, ANY_BYTES, "pairwise"},
    {RT_COLL_ALLTOALLW, 0, ANY, ANY_BYTES, "pairwise"},

    {RT_COLL_REDUCE_SCATTER, 0, ANY, ANY_BYTES, "ring"},
    {RT_COLL_SCAN, 0, ANY, ANY_BYTES, "recursive_doubling"},
    {RT_COLL_EXSCAN, 0, ANY, ANY_BYTES, "recursive_doubling"},
};

static const algo_t *find_algo(rt_coll_kind_t kind, const char *name)
{
    for (const algo_t *al = colls[kind].algos; al->name != NULL; al++)
        if (strcasecmp(al->name, name) == 0)
            return al;
    return NULL;
}

/* The algorithm of each rule and the first rule of each collective, looked
 * up by name once: choose() runs on every call. */
#define NUM_RULES (sizeof(rules) / sizeof(rules[0]))
static const algo_t *rule_algo[NUM_RULES];
static size_t first_rule[RT_COLL_NUM_KINDS];
static int rules_resolved;

static void resolve_rules(void)
{
    for (int k = 0; k < RT_COLL_NUM_KINDS; k++)
        first_rule[k] = NUM_RULES;
    for (size_t i = NUM_RULES; i-- > 0;) {
        rule_algo[i] = find_algo(rules[i].kind, rules[i].algo);
        first_rule[rules[i].kind] = i;
    }
    rules_resolved = 1;
}

/* The algorithm forced by the environment, looked up once per process;
 * NULL for automatic choice.  A name that is not an algorithm of that
 * collective gets one warning listing the valid ones. */
static const algo_t *forced_algo(rt_coll_kind_t kind)
{
    static int looked_up[RT_COLL_NUM_KINDS];
    static const algo_t *forced[RT_COLL_NUM_KINDS];
    if (looked_up[kind])
        return forced[kind];
    looked_up[kind] = 1;
    const char *value = cfg_get(colls[kind].var);
    if (value[0] == '\0' || strcasecmp(value, "auto") == 0)
        return NULL;
    forced[kind] = find_algo(kind, value);
    if (forced[kind] == NULL && rt_proc.world_rank == 0) {
        char names[256] = "";
        for (const algo_t *al = colls[kind].algos; al->name != NULL; al++) {
            strncat(names, " ", sizeof(names) - strlen(names) - 1);
            strncat(names, al->name, sizeof(names) - strlen(names) - 1);
        }
        fprintf(stderr, "minimpi: warning: %s=%s is not an algorithm of %s (auto%s); "
                        "choosing automatically\n", colls[kind].var, value, colls[kind].name,
                names);
    }
    return forced[kind];
}

static int verbose_coll(void)
{
    static int on = -1;
    if (on < 0)
        on = rt_verbose_on("coll");
    return on;
}

/* Data per rank (per pair for alltoall) that decides between algorithms. */
static size_t message_bytes(const rt_coll_args_t *a, int n)
{
    switch (a->kind) {
    case RT_COLL_BARRIER:
        return 0;
    case RT_COLL_GATHER:
        /* Every rank must measure the same: the root may have no send
         * side (MPI_IN_PLACE) and the others no receive side. */
        if (a->sdt != NULL && a->sbuf != MPI_IN_PLACE)
            return a->scount * a->sdt->size;
        return a->rcount * a->rdt->size;
    case RT_COLL_SCATTER:
        if (a->rdt != NULL && a->rbuf != MPI_IN_PLACE)
            return a->rcount * a->rdt->size;
        return a->scount * a->sdt->size;
    case RT_COLL_ALLGATHER:
    case RT_COLL_ALLTOALL:
        return a->rcount * a->rdt->size;
    case RT_COLL_GATHERV:
    case RT_COLL_SCATTERV:
    case RT_COLL_ALLGATHERV:
    case RT_COLL_ALLTOALLV:
    case RT_COLL_ALLTOALLW:
        return 0;
    case RT_COLL_REDUCE_SCATTER:
        return a->count * a->dt->size / (size_t)(n > 0 ? n : 1);
    default:
        return a->count * a->dt->size;
    }
}

/* One-node job with more ranks than cores (the same answer on every rank). */
static int node_oversubscribed(void)
{
    return rt_proc.job.num_nodes == 1 && rt_proc.job.oversubscribed;
}

static const algo_t *choose(rt_comm_t *comm, const rt_coll_args_t *a, size_t bytes)
{
    if (RT_UNLIKELY(!rules_resolved))
        resolve_rules();
    int multi = -1;
    for (size_t i = first_rule[a->kind]; i < NUM_RULES; i++) {
        const rule_t *r = &rules[i];
        if (r->kind != a->kind)
            break;                 /* a collective's rules are consecutive */
        if (comm->size > r->max_ranks || bytes > r->max_bytes)
            continue;
        if (r->where == MULTI_NODE || r->where == ONE_NODE ||
            r->where == ONE_NODE_OVERSUBSCRIBED) {
            if (multi < 0)
                multi = rt_coll_spans_nodes(comm);
            if (multi != (r->where == MULTI_NODE))
                continue;
        }
        if ((r->where == OVERSUBSCRIBED || r->where == ONE_NODE_OVERSUBSCRIBED) &&
            !node_oversubscribed())
            continue;
        return rule_algo[i];
    }
    return &colls[a->kind].algos[0];
}

/* The algorithm for the call (forced or chosen), said when verbose. */
static const algo_t *select_algo(rt_comm_t *comm, const rt_coll_args_t *a)
{
    size_t bytes = message_bytes(a, comm->size);
    const algo_t *forced = forced_algo(a->kind);
    const algo_t *al = forced != NULL ? forced : choose(comm, a, bytes);
    if (verbose_coll())
        rt_verbose("coll", "%s on %s (%d ranks, %zu bytes%s%s): %s%s", colls[a->kind].name,
                   comm->name, comm->size, bytes, a->op != NULL ? ", " : "",
                   a->op != NULL ? a->op->name : "", al->name, forced != NULL ? " (forced)" : "");
    return al;
}

static rt_coll_sched_t *build_with(rt_comm_t *comm, const rt_coll_args_t *a, const algo_t *al)
{
    rt_coll_sched_t *s = rt_coll_sched_new(comm);
    if (s == NULL)
        return NULL;
    rt_coll_team_t team = {comm, comm->size, comm->rank, NULL};
    al->build(s, &team, a);
    return s;
}

rt_coll_sched_t *rt_coll_build(rt_comm_t *comm, const rt_coll_args_t *a)
{
    return build_with(comm, a, select_algo(comm, a));
}

int rt_coll_run(rt_comm_t *comm, const rt_coll_args_t *a)
{
    const algo_t *al = select_algo(comm, a);
    if (al->direct != NULL) {
        int err = al->direct(comm, a);
        if (err != RT_COLL_NOT_DIRECT)
            return err;
    }
    rt_coll_sched_t *s = build_with(comm, a, al);
    if (s == NULL)
        return MPI_ERR_NO_MEM;
    return rt_coll_sched_run(s);
}

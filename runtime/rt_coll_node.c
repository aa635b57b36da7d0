/*
 * rt_coll_node.c -- node-aware algorithms, for communicators that span
 * several nodes: work inside each node over shared memory, and send only
 * one message per node across the network.
 *
 * bcast node_aware: binomial among one leader per node (the root leads its
 *   own node), then binomial inside every node from its leader.
 * allreduce node_aware: binomial reduce inside every node to its leader
 *   (the node's lowest rank), allreduce among the leaders, binomial
 *   broadcast inside every node.  It reorders ranks by node, so
 *   non-commutative operations use recursive doubling instead.
 *
 * The selection table picks these only when the communicator spans nodes;
 * forced on one node they run with a single leader.  For tests on one
 * machine, MINIMPI_COLL_NODE_SIZE=N makes them, and the selection, treat
 * every N consecutive world ranks as one node.
 */
#include "rt_coll_algo.h"
#include "rt_op.h"

#include <stdlib.h>

#include "cfg.h"

typedef struct node_split {
    int *leaders;                  /* comm ranks of the leaders, by team index */
    int num_leaders;
    int my_leader_index;           /* my index among the leaders, or -1 */
    int root_leader_index;         /* the root's node's leader's index */
    int *local;                    /* comm ranks on my node, by team index */
    int num_local;
    int my_local_index;
    int leader_local_index;        /* my node's leader among them */
} node_split_t;

/* MINIMPI_COLL_NODE_SIZE, read once; 0 when unset. */
static long long fake_node_size(void)
{
    static long long fake = -1;
    if (fake < 0) {
        fake = cfg_get_num("MINIMPI_COLL_NODE_SIZE");
        if (fake < 0)
            fake = 0;
    }
    return fake;
}

int rt_coll_node_of(int world)
{
    long long fake = fake_node_size();
    if (fake > 0)
        return (int)(world / fake);
    const tp_job_t *job = &rt_proc.job;
    return job->node_of_rank != NULL ? job->node_of_rank[world] : 0;
}

int rt_coll_spans_nodes(const rt_comm_t *comm)
{
    /* A job on one node answers at once, so it never pays for the question. */
    const tp_job_t *job = &rt_proc.job;
    if (fake_node_size() == 0 && (job->num_nodes <= 1 || job->node_of_rank == NULL))
        return 0;
    int first = rt_coll_node_of(comm->world_rank_of[0]);
    for (int i = 1; i < comm->size; i++)
        if (rt_coll_node_of(comm->world_rank_of[i]) != first)
            return 1;
    return 0;
}

static int node_of(const rt_coll_team_t *t, int index)
{
    return rt_coll_node_of(t->comm->world_rank_of[rt_coll_team_peer(t, index)]);
}

static void split_free(node_split_t *ns)
{
    free(ns->leaders);
    free(ns->local);
}

/* Split the team by node; the root leads its node.  0, or -1 when out of
 * memory. */
static int split(const rt_coll_team_t *t, int root, node_split_t *ns)
{
    int n = t->size;
    int *node = malloc((size_t)n * sizeof(int));
    ns->leaders = malloc((size_t)n * sizeof(int));
    ns->local = malloc((size_t)n * sizeof(int));
    if (node == NULL || ns->leaders == NULL || ns->local == NULL) {
        free(node);
        split_free(ns);
        return -1;
    }
    for (int i = 0; i < n; i++)
        node[i] = node_of(t, i);
    ns->num_leaders = ns->num_local = 0;
    ns->my_leader_index = -1;
    for (int i = 0; i < n; i++) {
        int leader = i;
        if (node[i] == node[root]) {
            leader = root;
        } else {
            for (int j = 0; j < i; j++)
                if (node[j] == node[i]) {
                    leader = j;
                    break;
                }
        }
        if (leader == i) {
            if (i == t->rank)
                ns->my_leader_index = ns->num_leaders;
            if (i == root)
                ns->root_leader_index = ns->num_leaders;
            ns->leaders[ns->num_leaders++] = rt_coll_team_peer(t, i);
        }
        if (node[i] == node[t->rank]) {
            if (i == t->rank)
                ns->my_local_index = ns->num_local;
            if (leader == i)
                ns->leader_local_index = ns->num_local;
            ns->local[ns->num_local++] = rt_coll_team_peer(t, i);
        }
    }
    free(node);
    return 0;
}

void rt_coll_bcast_node_aware(rt_coll_sched_t *s, const rt_coll_team_t *t,
                              const rt_coll_args_t *a)
{
    node_split_t ns;
    if (split(t, a->root, &ns) != 0) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return;
    }
    rt_coll_args_t b = *a;
    if (ns.my_leader_index >= 0) {
        rt_coll_team_t leaders = {t->comm, ns.num_leaders, ns.my_leader_index, ns.leaders};
        b.root = ns.root_leader_index;
        rt_coll_bcast_binomial(s, &leaders, &b);
    }
    rt_coll_team_t local = {t->comm, ns.num_local, ns.my_local_index, ns.local};
    b.root = ns.leader_local_index;
    rt_coll_bcast_binomial(s, &local, &b);
    split_free(&ns);
}

void rt_coll_allreduce_node_aware(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                  const rt_coll_args_t *a)
{
    node_split_t ns;
    if (!a->op->commutative) {
        rt_coll_allreduce_recursive_doubling(s, t, a);
        return;
    }
    /* Team index 0 leads its node; every other node's lowest rank leads. */
    if (split(t, 0, &ns) != 0) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return;
    }
    rt_coll_team_t local = {t->comm, ns.num_local, ns.my_local_index, ns.local};
    rt_coll_args_t r = *a;
    r.root = ns.leader_local_index;
    rt_coll_reduce_binomial(s, &local, &r);
    if (ns.my_leader_index >= 0) {
        rt_coll_team_t leaders = {t->comm, ns.num_leaders, ns.my_leader_index, ns.leaders};
        rt_coll_args_t l = *a;
        l.sbuf = MPI_IN_PLACE;
        if (a->count * a->dt->size > (16 << 10))
            rt_coll_allreduce_rabenseifner(s, &leaders, &l);
        else
            rt_coll_allreduce_recursive_doubling(s, &leaders, &l);
    }
    rt_coll_bcast_binomial(s, &local, &r);
    split_free(&ns);
}

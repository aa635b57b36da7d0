/*
 * rt_coll_reduce.c -- reduce algorithms.
 *
 * binomial: partial results flow up a binomial tree (relative to the root
 *   for commutative operations; rooted at rank 0, then sent to the root,
 *   for non-commutative ones, so every combination joins adjacent rank
 *   ranges in rank order).
 * linear: the root receives every contribution and combines them from the
 *   highest rank down, which keeps rank order for any operation; p - 1
 *   messages into one rank, fine for small communicators.
 * Both combine in a fixed order, so results are reproducible bit for bit.
 */
#include "rt_coll_algo.h"
#include "rt_op.h"

/* The caller's contribution: the receive buffer for MPI_IN_PLACE. */
static const void *input_of(const rt_coll_args_t *a)
{
    return a->sbuf == MPI_IN_PLACE ? a->rbuf : a->sbuf;
}

void rt_coll_reduce_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    int tree_root = a->op->commutative ? root : 0;
    int vr = (me - tree_root + n) % n;
    void *acc = me == root && me == tree_root ? a->rbuf : rt_coll_sched_tmp(s, a->count, a->dt);
    void *child = rt_coll_sched_tmp(s, a->count, a->dt);
    if (acc == NULL || child == NULL)
        return;
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt, acc, a->dt);
    for (int mask = 1; mask < n; mask <<= 1) {
        if (vr & mask) {
            rt_coll_sched_send(s, acc, a->count, a->dt,
                               rt_coll_team_peer(t, (vr - mask + tree_root) % n));
            rt_coll_sched_round(s);
            break;
        }
        if (vr + mask < n) {
            rt_coll_sched_recv(s, child, a->count, a->dt,
                               rt_coll_team_peer(t, (vr + mask + tree_root) % n));
            rt_coll_sched_round(s);
            /* The child's subtree holds higher ranks than ours. */
            rt_coll_sched_reduce_right(s, child, acc, a->count, a->dt, a->op);
        }
    }
    if (tree_root != root) {
        if (me == tree_root)
            rt_coll_sched_send(s, acc, a->count, a->dt, rt_coll_team_peer(t, root));
        else if (me == root)
            rt_coll_sched_recv(s, a->rbuf, a->count, a->dt, rt_coll_team_peer(t, tree_root));
        rt_coll_sched_round(s);
    }
}

void rt_coll_reduce_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    if (me != root) {
        rt_coll_sched_send(s, a->sbuf, a->count, a->dt, rt_coll_team_peer(t, root));
        rt_coll_sched_round(s);
        return;
    }
    if (n == 1) {
        rt_coll_sched_copy(s, input_of(a), a->count, a->dt, a->rbuf, a->dt);
        return;
    }
    /* Receive every contribution into its own slot, then fold from the top:
     * acc = x[p-1]; acc = x[i] op acc for i = p-2 .. 0. */
    char *slots = rt_coll_sched_tmp(s, a->count * (size_t)n, a->dt);
    if (slots == NULL)
        return;
    for (int i = 0; i < n; i++)
        if (i != me)
            rt_coll_sched_recv(s, rt_coll_at(slots, a->count * (size_t)i, a->dt), a->count,
                               a->dt, rt_coll_team_peer(t, i));
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt,
                       rt_coll_at(slots, a->count * (size_t)me, a->dt), a->dt);
    rt_coll_sched_round(s);
    void *acc = rt_coll_at(slots, a->count * (size_t)(n - 1), a->dt);
    for (int i = n - 2; i >= 0; i--)
        rt_coll_sched_reduce(s, rt_coll_at(slots, a->count * (size_t)i, a->dt), acc, a->count,
                             a->dt, a->op);
    rt_coll_sched_copy(s, acc, a->count, a->dt, a->rbuf, a->dt);
}

/*
 * rt_coll_barrier.c -- barrier algorithms.
 *
 * dissemination: in round k every rank signals rank + 2^k and waits for
 *   rank - 2^k (mod p): ceil(log2 p) rounds for any p, no root.
 * tree: empty messages up a binomial tree to rank 0 and back down;
 *   2 log2 p rounds, but each rank talks to fewer peers.
 */
#include "rt_coll_algo.h"

void rt_coll_barrier_dissemination(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                   const rt_coll_args_t *a)
{
    (void)a;
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    int n = t->size, me = t->rank;
    for (int d = 1; d < n; d <<= 1) {
        rt_coll_sched_send(s, NULL, 0, byte, rt_coll_team_peer(t, (me + d) % n));
        rt_coll_sched_recv(s, NULL, 0, byte, rt_coll_team_peer(t, (me - d + n) % n));
        rt_coll_sched_round(s);
    }
}

void rt_coll_barrier_tree(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    (void)a;
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    int n = t->size, me = t->rank;
    int mask = 1;
    /* Up: wait for every child, then tell the parent. */
    for (; mask < n; mask <<= 1) {
        if (me & mask) {
            rt_coll_sched_send(s, NULL, 0, byte, rt_coll_team_peer(t, me - mask));
            rt_coll_sched_round(s);
            rt_coll_sched_recv(s, NULL, 0, byte, rt_coll_team_peer(t, me - mask));
            rt_coll_sched_round(s);
            break;
        }
        if (me + mask < n)
            rt_coll_sched_recv(s, NULL, 0, byte, rt_coll_team_peer(t, me + mask));
    }
    rt_coll_sched_round(s);
    /* Down: release the children, largest subtree first. */
    for (mask >>= 1; mask > 0; mask >>= 1)
        if (me + mask < n)
            rt_coll_sched_send(s, NULL, 0, byte, rt_coll_team_peer(t, me + mask));
    rt_coll_sched_round(s);
}

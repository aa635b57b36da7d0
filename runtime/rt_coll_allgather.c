/*
 * rt_coll_allgather.c -- allgather algorithms.  Block i of the receive
 * buffer (rcount elements of rdt) comes from team index i.
 *
 * ring: p - 1 steps, each passing one block to the right neighbour; every
 *   link carries the minimum, best for large blocks.
 * recursive_doubling: log2 p exchanges of doubling size; powers of two
 *   only (others use bruck).
 * bruck: log2 p steps for any p, through a temporary buffer rotated so
 *   that my own block comes first; best for small blocks.
 * allgatherv uses the ring, with each rank's own count and displacement.
 */
#include "rt_coll_algo.h"

static void *block(const rt_coll_args_t *a, int i)
{
    return rt_coll_at(a->rbuf, a->rcount * (size_t)i, a->rdt);
}

/* Put my own contribution in its block, unless it is there already. */
static void place_own(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    if (a->sbuf != MPI_IN_PLACE)
        rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, block(a, t->rank), a->rdt);
}

void rt_coll_allgather_ring(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    place_own(s, t, a);
    int right = rt_coll_team_peer(t, (me + 1) % n), left = rt_coll_team_peer(t, (me - 1 + n) % n);
    for (int k = 0; k < n - 1; k++) {
        rt_coll_sched_send(s, block(a, (me - k + n) % n), a->rcount, a->rdt, right);
        rt_coll_sched_recv(s, block(a, (me - k - 1 + n) % n), a->rcount, a->rdt, left);
        rt_coll_sched_round(s);
    }
}

void rt_coll_allgather_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                          const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    if (rt_coll_pow2_floor(n) != n) {
        rt_coll_allgather_bruck(s, t, a);
        return;
    }
    place_own(s, t, a);
    for (int mask = 1; mask < n; mask <<= 1) {
        int partner = me ^ mask;
        int mine = me & ~(mask - 1), theirs = partner & ~(mask - 1);
        int peer = rt_coll_team_peer(t, partner);
        rt_coll_sched_send(s, block(a, mine), a->rcount * (size_t)mask, a->rdt, peer);
        rt_coll_sched_recv(s, block(a, theirs), a->rcount * (size_t)mask, a->rdt, peer);
        rt_coll_sched_round(s);
    }
}

void rt_coll_allgather_bruck(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    if (n == 1) {
        place_own(s, t, a);
        return;
    }
    /* tmp block j holds the block of team index (me + j) mod p. */
    char *tmp = rt_coll_sched_tmp(s, a->rcount * (size_t)n, a->rdt);
    if (tmp == NULL)
        return;
#define TMP(j) rt_coll_at(tmp, a->rcount * (size_t)(j), a->rdt)
    if (a->sbuf != MPI_IN_PLACE)
        rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, TMP(0), a->rdt);
    else
        rt_coll_sched_copy(s, block(a, me), a->rcount, a->rdt, TMP(0), a->rdt);
    for (int k = 1; k < n; k <<= 1) {
        int nblocks = k < n - k ? k : n - k;
        rt_coll_sched_send(s, TMP(0), a->rcount * (size_t)nblocks, a->rdt,
                           rt_coll_team_peer(t, (me - k + n) % n));
        rt_coll_sched_recv(s, TMP(k), a->rcount * (size_t)nblocks, a->rdt,
                           rt_coll_team_peer(t, (me + k) % n));
        rt_coll_sched_round(s);
    }
    for (int j = 0; j < n; j++)
        rt_coll_sched_copy(s, TMP(j), a->rcount, a->rdt, block(a, (me + j) % n), a->rdt);
#undef TMP
}

void rt_coll_allgatherv_ring(rt_coll_sched_t *s, const rt_coll_team_t *t,
                             const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
#define VBLOCK(i) rt_coll_disp(a->rbuf, a->rdispls[i], a->rdt)
    if (a->sbuf != MPI_IN_PLACE)
        rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, VBLOCK(me), a->rdt);
    int right = rt_coll_team_peer(t, (me + 1) % n), left = rt_coll_team_peer(t, (me - 1 + n) % n);
    for (int k = 0; k < n - 1; k++) {
        int sb = (me - k + n) % n, rb = (me - k - 1 + n) % n;
        if (a->rcounts[sb] > 0)
            rt_coll_sched_send(s, VBLOCK(sb), (size_t)a->rcounts[sb], a->rdt, right);
        if (a->rcounts[rb] > 0)
            rt_coll_sched_recv(s, VBLOCK(rb), (size_t)a->rcounts[rb], a->rdt, left);
        rt_coll_sched_round(s);
    }
#undef VBLOCK
}

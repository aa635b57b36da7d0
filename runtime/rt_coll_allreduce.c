/*
 * rt_coll_allreduce.c -- allreduce algorithms.
 *
 * Non-powers of two (p = 2^k + r) use the usual first and last step: of
 * the first 2r ranks, each even one hands its data to the odd one above
 * it and sits out; the 2^k remaining ranks ("new ranks") run the
 * power-of-two algorithm; the odd ranks then hand the result back.  New
 * rank i stands for ranks {2i, 2i+1} when i < r, else for rank i + r, so
 * aligned groups of new ranks are contiguous ranges of ranks and
 * combining the lower group on the left keeps rank order.
 *
 * recursive_doubling: log2 p exchanges of the whole vector; best for
 *   small vectors.
 * rabenseifner: reduce-scatter by recursive halving, then allgather by
 *   recursive doubling: about 2 (p-1)/p of the vector per rank; best for
 *   large vectors.  Its halving combines distant ranks first, so it is used
 *   for commutative operations only (non-commutative ones fall back to
 *   recursive doubling).
 * reduce_bcast: binomial reduce to rank 0, binomial broadcast.
 */
#include "rt_coll_algo.h"
#include "rt_op.h"

#include <stdlib.h>

/* The pre-step for non-powers of two.  Returns my new rank, or -1 when I
 * sit out; *rem_out is r. */
static int fold_in(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a,
                   void *acc, void *tmp, int *rem_out)
{
    int n = t->size, me = t->rank;
    int rem = n - rt_coll_pow2_floor(n);
    *rem_out = rem;
    if (me >= 2 * rem)
        return me - rem;
    if (me % 2 == 0) {
        rt_coll_sched_send(s, acc, a->count, a->dt, rt_coll_team_peer(t, me + 1));
        rt_coll_sched_round(s);
        return -1;
    }
    rt_coll_sched_recv(s, tmp, a->count, a->dt, rt_coll_team_peer(t, me - 1));
    rt_coll_sched_round(s);
    rt_coll_sched_reduce(s, tmp, acc, a->count, a->dt, a->op);
    return me / 2;
}

/* The last step: odd ranks among the first 2r give the result back. */
static void fold_out(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a,
                     void *acc, int rem)
{
    int me = t->rank;
    if (me >= 2 * rem)
        return;
    if (me % 2 == 1)
        rt_coll_sched_send(s, acc, a->count, a->dt, rt_coll_team_peer(t, me - 1));
    else
        rt_coll_sched_recv(s, acc, a->count, a->dt, rt_coll_team_peer(t, me + 1));
    rt_coll_sched_round(s);
}

static int real_rank(int newrank, int rem)
{
    return newrank < rem ? 2 * newrank + 1 : newrank + rem;
}

void rt_coll_allreduce_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                          const rt_coll_args_t *a)
{
    void *acc = a->rbuf;
    if (a->sbuf != MPI_IN_PLACE)
        rt_coll_sched_copy(s, a->sbuf, a->count, a->dt, acc, a->dt);
    if (t->size == 1)
        return;
    void *tmp = rt_coll_sched_tmp(s, a->count, a->dt);
    if (tmp == NULL)
        return;
    int rem;
    int newrank = fold_in(s, t, a, acc, tmp, &rem);
    int p2 = rt_coll_pow2_floor(t->size);
    for (int mask = 1; newrank >= 0 && mask < p2; mask <<= 1) {
        int np = newrank ^ mask;
        int peer = rt_coll_team_peer(t, real_rank(np, rem));
        rt_coll_sched_send(s, acc, a->count, a->dt, peer);
        rt_coll_sched_recv(s, tmp, a->count, a->dt, peer);
        rt_coll_sched_round(s);
        if (np < newrank)
            rt_coll_sched_reduce(s, tmp, acc, a->count, a->dt, a->op);
        else
            rt_coll_sched_reduce_right(s, tmp, acc, a->count, a->dt, a->op);
    }
    fold_out(s, t, a, acc, rem);
}

void rt_coll_allreduce_rabenseifner(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                    const rt_coll_args_t *a)
{
    int p2 = rt_coll_pow2_floor(t->size);
    if (!a->op->commutative || a->count < (size_t)p2) {
        rt_coll_allreduce_recursive_doubling(s, t, a);
        return;
    }
    void *acc = a->rbuf;
    if (a->sbuf != MPI_IN_PLACE)
        rt_coll_sched_copy(s, a->sbuf, a->count, a->dt, acc, a->dt);
    void *tmp = rt_coll_sched_tmp(s, a->count, a->dt);
    /* disp[i]: first element of block i; block i is [disp[i], disp[i+1]). */
    size_t *disp = malloc((size_t)(p2 + 1) * sizeof(size_t));
    int *steps_lo = malloc(32 * sizeof(int)), *steps_hi = malloc(32 * sizeof(int));
    if (tmp == NULL || disp == NULL || steps_lo == NULL || steps_hi == NULL) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        goto free_arrays;
    }
    for (int i = 0; i <= p2; i++)
        disp[i] = a->count / (size_t)p2 * (size_t)i +
                  ((size_t)i < a->count % (size_t)p2 ? (size_t)i : a->count % (size_t)p2);
#define BLOCK(buf, lo) rt_coll_at(buf, disp[lo], a->dt)
#define ELEMS(lo, hi) (disp[hi] - disp[lo])
    int rem;
    int newrank = fold_in(s, t, a, acc, tmp, &rem);
    if (newrank >= 0) {
        /* Reduce-scatter by recursive halving: keep half of my range. */
        int lo = 0, hi = p2, nsteps = 0;
        for (int mask = p2 / 2; mask >= 1; mask >>= 1) {
            int np = newrank ^ mask;
            int peer = rt_coll_team_peer(t, real_rank(np, rem));
            int mid = lo + (hi - lo) / 2;
            int klo = newrank < np ? lo : mid, khi = newrank < np ? mid : hi;
            int slo = newrank < np ? mid : lo, shi = newrank < np ? hi : mid;
            rt_coll_sched_send(s, BLOCK(acc, slo), ELEMS(slo, shi), a->dt, peer);
            rt_coll_sched_recv(s, BLOCK(tmp, klo), ELEMS(klo, khi), a->dt, peer);
            rt_coll_sched_round(s);
            rt_coll_sched_reduce(s, BLOCK(tmp, klo), BLOCK(acc, klo), ELEMS(klo, khi), a->dt,
                                 a->op);
            steps_lo[nsteps] = lo;
            steps_hi[nsteps] = hi;
            nsteps++;
            lo = klo;
            hi = khi;
        }
        /* Allgather by recursive doubling: the same partners, in reverse. */
        for (int k = nsteps - 1, mask = 1; k >= 0; k--, mask <<= 1) {
            int np = newrank ^ mask;
            int peer = rt_coll_team_peer(t, real_rank(np, rem));
            int olo = lo == steps_lo[k] ? hi : steps_lo[k];
            int ohi = lo == steps_lo[k] ? steps_hi[k] : lo;
            rt_coll_sched_send(s, BLOCK(acc, lo), ELEMS(lo, hi), a->dt, peer);
            rt_coll_sched_recv(s, BLOCK(acc, olo), ELEMS(olo, ohi), a->dt, peer);
            rt_coll_sched_round(s);
            lo = steps_lo[k];
            hi = steps_hi[k];
        }
    }
    fold_out(s, t, a, acc, rem);
#undef BLOCK
#undef ELEMS
free_arrays:
    free(steps_hi);
    free(steps_lo);
    free(disp);
}

void rt_coll_allreduce_reduce_bcast(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                    const rt_coll_args_t *a)
{
    /* The reduce takes the contribution from rbuf for MPI_IN_PLACE. */
    rt_coll_args_t r = *a;
    r.root = 0;
    rt_coll_reduce_binomial(s, t, &r);
    rt_coll_bcast_binomial(s, t, &r);
}

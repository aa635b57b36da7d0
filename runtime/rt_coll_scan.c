/*
 * rt_coll_scan.c -- reduce_scatter, scan and exscan.
 *
 * reduce_scatter (rcounts[i] elements end at rank i):
 *   reduce_scatterv: binomial reduce of the whole vector to rank 0, then
 *     scatterv; any operation.
 *   ring: p - 1 steps, each passing one partially reduced block to the
 *     right neighbour; bandwidth-optimal.  It combines blocks starting from
 *     different ranks, so non-commutative operations use reduce_scatterv.
 * scan and exscan:
 *   recursive_doubling: log2 p exchanges of the partial result of aligned
 *     groups of ranks (contiguous, so rank order holds).
 *   linear: a chain from rank 0 up; p - 1 steps.
 */
#include "rt_coll_algo.h"
#include "rt_op.h"

#include <stdlib.h>

/* The caller's contribution: the receive buffer for MPI_IN_PLACE. */
static const void *input_of(const rt_coll_args_t *a)
{
    return a->sbuf == MPI_IN_PLACE ? a->rbuf : a->sbuf;
}

void rt_coll_reduce_scatter_reduce_scatterv(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                            const rt_coll_args_t *a)
{
    int n = t->size;
    int *displs = malloc((size_t)n * sizeof(int));
    void *all = rt_coll_sched_tmp(s, a->count, a->dt);
    if (displs == NULL || all == NULL) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        free(displs);
        return;
    }
    for (int i = 0, d = 0; i < n; d += a->rcounts[i], i++)
        displs[i] = d;
    rt_coll_args_t r = *a;
    r.root = 0;
    r.sbuf = input_of(a);
    r.rbuf = all;
    rt_coll_reduce_binomial(s, t, &r);
    rt_coll_args_t sc = *a;
    sc.root = 0;
    sc.sbuf = all;
    sc.scounts = a->rcounts;
    sc.sdispls = displs;
    sc.sdt = a->dt;
    sc.rcount = (size_t)a->rcounts[t->rank];
    sc.rdt = a->dt;
    rt_coll_scatter_linear(s, t, &sc);
    free(displs);
}

void rt_coll_reduce_scatter_ring(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                 const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    if (!a->op->commutative || n == 1) {
        rt_coll_reduce_scatter_reduce_scatterv(s, t, a);
        return;
    }
    size_t *displs = malloc((size_t)n * sizeof(size_t));
    size_t max = 0;
    if (displs == NULL) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return;
    }
    for (int i = 0; i < n; i++) {
        displs[i] = i ? displs[i - 1] + (size_t)a->rcounts[i - 1] : 0;
        if ((size_t)a->rcounts[i] > max)
            max = (size_t)a->rcounts[i];
    }
    void *acc = rt_coll_sched_tmp(s, a->count, a->dt);
    void *in = rt_coll_sched_tmp(s, max, a->dt);
    if (acc == NULL || in == NULL) {
        free(displs);
        return;
    }
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt, acc, a->dt);
    int right = rt_coll_team_peer(t, (me + 1) % n), left = rt_coll_team_peer(t, (me - 1 + n) % n);
    for (int k = 0; k < n - 1; k++) {
        int sb = (me - k - 1 + n) % n, rb = (me - k - 2 + n) % n;
        if (a->rcounts[sb] > 0)
            rt_coll_sched_send(s, rt_coll_at(acc, displs[sb], a->dt), (size_t)a->rcounts[sb],
                               a->dt, right);
        if (a->rcounts[rb] > 0)
            rt_coll_sched_recv(s, in, (size_t)a->rcounts[rb], a->dt, left);
        rt_coll_sched_round(s);
        rt_coll_sched_reduce(s, in, rt_coll_at(acc, displs[rb], a->dt), (size_t)a->rcounts[rb],
                             a->dt, a->op);
    }
    rt_coll_sched_copy(s, rt_coll_at(acc, displs[me], a->dt), (size_t)a->rcounts[me], a->dt,
                       a->rbuf, a->dt);
    free(displs);
}

/* Scan and exscan by recursive doubling; `inclusive` selects scan. */
static void scan_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a,
                          int inclusive)
{
    int n = t->size, me = t->rank;
    void *partial = rt_coll_sched_tmp(s, a->count, a->dt);   /* my aligned group's reduction */
    void *in = rt_coll_sched_tmp(s, a->count, a->dt);
    if (partial == NULL || in == NULL)
        return;
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt, partial, a->dt);
    if (inclusive)
        rt_coll_sched_copy(s, input_of(a), a->count, a->dt, a->rbuf, a->dt);
    int have_result = inclusive;
    for (int mask = 1; mask < n; mask <<= 1) {
        int partner = me ^ mask;
        if (partner >= n)
            continue;
        rt_coll_sched_send(s, partial, a->count, a->dt, rt_coll_team_peer(t, partner));
        rt_coll_sched_recv(s, in, a->count, a->dt, rt_coll_team_peer(t, partner));
        rt_coll_sched_round(s);
        if (partner < me) {
            rt_coll_sched_reduce(s, in, partial, a->count, a->dt, a->op);
            if (have_result)
                rt_coll_sched_reduce(s, in, a->rbuf, a->count, a->dt, a->op);
            else
                rt_coll_sched_copy(s, in, a->count, a->dt, a->rbuf, a->dt);
            have_result = 1;
        } else {
            rt_coll_sched_reduce_right(s, in, partial, a->count, a->dt, a->op);
        }
    }
}

void rt_coll_scan_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                     const rt_coll_args_t *a)
{
    scan_doubling(s, t, a, 1);
}

void rt_coll_exscan_recursive_doubling(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                       const rt_coll_args_t *a)
{
    scan_doubling(s, t, a, 0);
}

void rt_coll_scan_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt, a->rbuf, a->dt);
    if (me > 0) {
        void *prefix = rt_coll_sched_tmp(s, a->count, a->dt);
        if (prefix == NULL)
            return;
        rt_coll_sched_recv(s, prefix, a->count, a->dt, rt_coll_team_peer(t, me - 1));
        rt_coll_sched_round(s);
        rt_coll_sched_reduce(s, prefix, a->rbuf, a->count, a->dt, a->op);
    }
    if (me < n - 1)
        rt_coll_sched_send(s, a->rbuf, a->count, a->dt, rt_coll_team_peer(t, me + 1));
    rt_coll_sched_round(s);
}

void rt_coll_exscan_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    if (me == 0) {
        if (n > 1)
            rt_coll_sched_send(s, input_of(a), a->count, a->dt, rt_coll_team_peer(t, 1));
        rt_coll_sched_round(s);
        return;
    }
    void *prefix = rt_coll_sched_tmp(s, a->count, a->dt);
    void *mine = rt_coll_sched_tmp(s, a->count, a->dt);
    if (prefix == NULL || mine == NULL)
        return;
    rt_coll_sched_copy(s, input_of(a), a->count, a->dt, mine, a->dt);
    rt_coll_sched_recv(s, prefix, a->count, a->dt, rt_coll_team_peer(t, me - 1));
    rt_coll_sched_round(s);
    rt_coll_sched_reduce(s, prefix, mine, a->count, a->dt, a->op);
    rt_coll_sched_copy(s, prefix, a->count, a->dt, a->rbuf, a->dt);
    if (me < n - 1)
        rt_coll_sched_send(s, mine, a->count, a->dt, rt_coll_team_peer(t, me + 1));
    rt_coll_sched_round(s);
}

/*
 * rt_coll_alltoall.c -- alltoall and its v and w variants.  Block i of the
 * send buffer goes to team index i; block i of the receive buffer comes
 * from it.
 *
 * pairwise: in step k rank r sends to r + k and receives from r - k:
 *   p - 1 steps, one message in flight each way: best for large blocks.
 * bruck: log2 p steps, each moving about half of the blocks (packed), for
 *   any p: best for small blocks, where latency dominates.
 * linear: every send and receive posted at once.
 * MPI_IN_PLACE (data and result in the receive buffer) first copies the
 * receive buffer aside and then runs as usual from the copy.
 */
#include "rt_coll_algo.h"

#include <string.h>

/* The send side after MPI_IN_PLACE is resolved. */
typedef struct send_side {
    const void *buf;
    size_t count;
    rt_datatype_t *dt;
} send_side_t;

static send_side_t send_side(rt_coll_sched_t *s, const rt_coll_team_t *t,
                             const rt_coll_args_t *a)
{
    send_side_t ss = {a->sbuf, a->scount, a->sdt};
    if (a->sbuf == MPI_IN_PLACE) {
        size_t total = a->rcount * (size_t)t->size;
        void *copy = rt_coll_sched_tmp(s, total, a->rdt);
        if (copy != NULL)
            rt_coll_sched_copy(s, a->rbuf, total, a->rdt, copy, a->rdt);
        ss.buf = copy;
        ss.count = a->rcount;
        ss.dt = a->rdt;
    }
    return ss;
}

void rt_coll_alltoall_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                               const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    send_side_t ss = send_side(s, t, a);
    if (ss.buf == NULL)
        return;
    rt_coll_sched_copy(s, rt_coll_at(ss.buf, ss.count * (size_t)me, ss.dt), ss.count, ss.dt,
                       rt_coll_at(a->rbuf, a->rcount * (size_t)me, a->rdt), a->rdt);
    for (int k = 1; k < n; k++) {
        int to = (me + k) % n, from = (me - k + n) % n;
        rt_coll_sched_send(s, rt_coll_at(ss.buf, ss.count * (size_t)to, ss.dt), ss.count, ss.dt,
                           rt_coll_team_peer(t, to));
        rt_coll_sched_recv(s, rt_coll_at(a->rbuf, a->rcount * (size_t)from, a->rdt), a->rcount,
                           a->rdt, rt_coll_team_peer(t, from));
        rt_coll_sched_round(s);
    }
}

void rt_coll_alltoall_linear(rt_coll_sched_t *s, const rt_coll_team_t *t,
                             const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    send_side_t ss = send_side(s, t, a);
    if (ss.buf == NULL)
        return;
    rt_coll_sched_round(s);
    for (int k = 0; k < n; k++) {
        int i = (me + k) % n;      /* start with the neighbours, not all at rank 0 */
        if (i == me) {
            rt_coll_sched_copy(s, rt_coll_at(ss.buf, ss.count * (size_t)me, ss.dt), ss.count,
                               ss.dt, rt_coll_at(a->rbuf, a->rcount * (size_t)me, a->rdt),
                               a->rdt);
            continue;
        }
        rt_coll_sched_recv(s, rt_coll_at(a->rbuf, a->rcount * (size_t)i, a->rdt), a->rcount,
                           a->rdt, rt_coll_team_peer(t, i));
        rt_coll_sched_send(s, rt_coll_at(ss.buf, ss.count * (size_t)i, ss.dt), ss.count, ss.dt,
                           rt_coll_team_peer(t, i));
    }
    rt_coll_sched_round(s);
}

void rt_coll_alltoall_bruck(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    send_side_t ss = send_side(s, t, a);
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    size_t blk = a->rcount * a->rdt->size;      /* packed bytes per block */
    /* work block j: after the initial rotation, the block for me + j; after
     * step k, blocks with bit k set have moved k ranks further. */
    char *work = rt_coll_sched_tmp(s, blk * (size_t)n, byte);
    char *out = rt_coll_sched_tmp(s, blk * (size_t)((n + 1) / 2), byte);
    char *in = rt_coll_sched_tmp(s, blk * (size_t)((n + 1) / 2), byte);
    if (ss.buf == NULL || work == NULL || out == NULL || in == NULL)
        return;
    for (int j = 0; j < n; j++)
        rt_coll_sched_copy(s, rt_coll_at(ss.buf, ss.count * (size_t)((me + j) % n), ss.dt),
                           ss.count, ss.dt, work + blk * (size_t)j, byte);
    for (int k = 1; k < n; k <<= 1) {
        size_t nb = 0;
        for (int j = 1; j < n; j++)
            if (j & k)
                rt_coll_sched_copy(s, work + blk * (size_t)j, blk, byte, out + blk * nb++, byte);
        rt_coll_sched_send(s, out, blk * nb, byte, rt_coll_team_peer(t, (me + k) % n));
        rt_coll_sched_recv(s, in, blk * nb, byte, rt_coll_team_peer(t, (me - k + n) % n));
        rt_coll_sched_round(s);
        nb = 0;
        for (int j = 1; j < n; j++)
            if (j & k)
                rt_coll_sched_copy(s, in + blk * nb++, blk, byte, work + blk * (size_t)j, byte);
    }
    /* Now work block j came from me - j. */
    for (int j = 0; j < n; j++)
        rt_coll_sched_copy(s, work + blk * (size_t)j, blk, byte,
                           rt_coll_at(a->rbuf, a->rcount * (size_t)((me - j + n) % n), a->rdt),
                           a->rdt);
}

void rt_coll_alltoallv_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    const void *sbuf = a->sbuf;
    const int *scounts = a->scounts, *sdispls = a->sdispls;
    rt_datatype_t *sdt = a->sdt;
    if (sbuf == MPI_IN_PLACE) {
        /* Copy the whole span the receive layout covers. */
        int lo = 0, hi = 0;
        for (int i = 0; i < n; i++) {
            if (a->rdispls[i] < lo)
                lo = a->rdispls[i];
            if (a->rdispls[i] + a->rcounts[i] > hi)
                hi = a->rdispls[i] + a->rcounts[i];
        }
        char *copy = rt_coll_sched_tmp(s, (size_t)(hi - lo), a->rdt);
        if (copy == NULL)
            return;
        rt_coll_sched_copy(s, rt_coll_disp(a->rbuf, lo, a->rdt), (size_t)(hi - lo), a->rdt,
                           copy, a->rdt);
        sbuf = rt_coll_disp(copy, -lo, a->rdt);
        scounts = a->rcounts;
        sdispls = a->rdispls;
        sdt = a->rdt;
    }
    rt_coll_sched_copy(s, rt_coll_disp(sbuf, sdispls[me], sdt), (size_t)scounts[me], sdt,
                       rt_coll_disp(a->rbuf, a->rdispls[me], a->rdt), a->rdt);
    for (int k = 1; k < n; k++) {
        int to = (me + k) % n, from = (me - k + n) % n;
        if (scounts[to] > 0)
            rt_coll_sched_send(s, rt_coll_disp(sbuf, sdispls[to], sdt), (size_t)scounts[to], sdt,
                               rt_coll_team_peer(t, to));
        if (a->rcounts[from] > 0)
            rt_coll_sched_recv(s, rt_coll_disp(a->rbuf, a->rdispls[from], a->rdt),
                               (size_t)a->rcounts[from], a->rdt, rt_coll_team_peer(t, from));
        rt_coll_sched_round(s);
    }
}

void rt_coll_alltoallw_pairwise(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank;
    const char *sbuf = a->sbuf;
    const int *scounts = a->scounts, *sdispls = a->sdispls;
    rt_datatype_t *const *sdts = a->sdts;
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    if (a->sbuf == MPI_IN_PLACE) {
        /* Byte displacements: copy the bytes the receive layout spans. */
        size_t hi = 0;
        for (int i = 0; i < n; i++) {
            size_t end = (size_t)a->rdispls[i] + (size_t)a->rcounts[i] * (size_t)a->rdts[i]->extent;
            if (a->rcounts[i] > 0 && end > hi)
                hi = end;
        }
        char *copy = rt_coll_sched_tmp(s, hi, byte);
        if (copy == NULL)
            return;
        rt_coll_sched_copy(s, a->rbuf, hi, byte, copy, byte);
        sbuf = copy;
        scounts = a->rcounts;
        sdispls = a->rdispls;
        sdts = a->rdts;
    }
#define SBLK(i) (sbuf + sdispls[i])
#define RBLK(i) ((char *)a->rbuf + a->rdispls[i])
    rt_coll_sched_copy(s, SBLK(me), (size_t)scounts[me], sdts[me], RBLK(me), a->rdts[me]);
    for (int k = 1; k < n; k++) {
        int to = (me + k) % n, from = (me - k + n) % n;
        if (scounts[to] > 0)
            rt_coll_sched_send(s, SBLK(to), (size_t)scounts[to], sdts[to], rt_coll_team_peer(t, to));
        if (a->rcounts[from] > 0)
            rt_coll_sched_recv(s, RBLK(from), (size_t)a->rcounts[from], a->rdts[from],
                               rt_coll_team_peer(t, from));
        rt_coll_sched_round(s);
    }
#undef SBLK
#undef RBLK
}

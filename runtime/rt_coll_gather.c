/*
 * rt_coll_gather.c -- gather and scatter, with their v variants.
 *
 * binomial: blocks travel up (gather) or down (scatter) a binomial tree
 *   relative to the root, each rank handling its subtree's blocks in one
 *   message: log2 p steps, best for small blocks.
 * linear: the root exchanges one message with every rank.
 * Arguments that the standard makes significant only at the root
 * (recvcount and recvtype of gather, sendcount and sendtype of scatter) are
 * read only there; intermediate ranks hold blocks in their own type.
 */
#include "rt_coll_algo.h"

/* Ranks in the subtree of relative rank vr: itself and those below it. */
static int subtree_size(int vr, int n)
{
    int low = vr == 0 ? n : (vr & -vr);
    return low < n - vr ? low : n - vr;
}

void rt_coll_gather_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    int vr = (me - root + n) % n;
    int is_root = me == root;
    /* A block in my own terms: what I send, or at the root what it receives. */
    size_t ucount = is_root ? a->rcount : a->scount;
    rt_datatype_t *udt = is_root ? a->rdt : a->sdt;
    int sub = subtree_size(vr, n);
    if (n == 1) {
        if (a->sbuf != MPI_IN_PLACE)
            rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, a->rbuf, a->rdt);
        return;
    }
    char *tmp = rt_coll_sched_tmp(s, ucount * (size_t)sub, udt);
    if (tmp == NULL)
        return;
#define TMP(j) rt_coll_at(tmp, ucount * (size_t)(j), udt)
    if (is_root && a->sbuf == MPI_IN_PLACE)
        rt_coll_sched_copy(s, rt_coll_at(a->rbuf, a->rcount * (size_t)me, a->rdt), a->rcount,
                           a->rdt, TMP(0), udt);
    else
        rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, TMP(0), udt);
    int mask = 1;
    for (; mask < n && !(vr & mask); mask <<= 1)
        if (vr + mask < n)
            rt_coll_sched_recv(s, TMP(mask), ucount * (size_t)subtree_size(vr + mask, n), udt,
                               rt_coll_team_peer(t, (vr + mask + root) % n));
    rt_coll_sched_round(s);
    if (!is_root) {
        rt_coll_sched_send(s, TMP(0), ucount * (size_t)sub, udt,
                           rt_coll_team_peer(t, (vr - mask + root) % n));
        rt_coll_sched_round(s);
        return;
    }
    for (int j = 0; j < n; j++)
        rt_coll_sched_copy(s, TMP(j), a->rcount, a->rdt,
                           rt_coll_at(a->rbuf, a->rcount * (size_t)((j + root) % n), a->rdt),
                           a->rdt);
#undef TMP
}

/* Gather and Gatherv. */
void rt_coll_gather_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    if (me != root) {
        rt_coll_sched_send(s, a->sbuf, a->scount, a->sdt, rt_coll_team_peer(t, root));
        rt_coll_sched_round(s);
        return;
    }
    for (int i = 0; i < n; i++) {
        size_t count;
        void *blk = rt_coll_block(a->rbuf, a->rcount, a->rcounts, a->rdispls, a->rdt, i, &count);
        if (i != me)
            rt_coll_sched_recv(s, blk, count, a->rdt, rt_coll_team_peer(t, i));
        else if (a->sbuf != MPI_IN_PLACE)
            rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, blk, a->rdt);
    }
    rt_coll_sched_round(s);
}

void rt_coll_scatter_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t,
                              const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    int vr = (me - root + n) % n;
    int is_root = me == root;
    size_t ucount = is_root ? a->scount : a->rcount;
    rt_datatype_t *udt = is_root ? a->sdt : a->rdt;
    int sub = subtree_size(vr, n);
    if (n == 1) {
        if (a->rbuf != MPI_IN_PLACE)
            rt_coll_sched_copy(s, a->sbuf, a->scount, a->sdt, a->rbuf, a->rdt);
        return;
    }
    /* tmp block j belongs to relative rank vr + j. */
    char *tmp = rt_coll_sched_tmp(s, ucount * (size_t)sub, udt);
    if (tmp == NULL)
        return;
#define TMP(j) rt_coll_at(tmp, ucount * (size_t)(j), udt)
    int mask = 1;
    if (is_root) {
        for (int j = 0; j < n; j++)
            rt_coll_sched_copy(s, rt_coll_at(a->sbuf, a->scount * (size_t)((j + root) % n), a->sdt),
                               a->scount, a->sdt, TMP(j), udt);
        mask = 1;
        while (mask < n)
            mask <<= 1;
    } else {
        for (; mask < n && !(vr & mask); mask <<= 1)
            ;
        rt_coll_sched_recv(s, TMP(0), ucount * (size_t)sub, udt,
                           rt_coll_team_peer(t, (vr - mask + root) % n));
        rt_coll_sched_round(s);
    }
    for (mask >>= 1; mask > 0; mask >>= 1)
        if (vr + mask < n)
            rt_coll_sched_send(s, TMP(mask), ucount * (size_t)subtree_size(vr + mask, n), udt,
                               rt_coll_team_peer(t, (vr + mask + root) % n));
    if (!(is_root && a->rbuf == MPI_IN_PLACE))
        rt_coll_sched_copy(s, TMP(0), ucount, udt, a->rbuf, a->rdt);
    rt_coll_sched_round(s);
#undef TMP
}

/* Scatter and Scatterv. */
void rt_coll_scatter_linear(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, me = t->rank, root = a->root;
    if (me != root) {
        rt_coll_sched_recv(s, a->rbuf, a->rcount, a->rdt, rt_coll_team_peer(t, root));
        rt_coll_sched_round(s);
        return;
    }
    for (int i = 0; i < n; i++) {
        size_t count;
        const void *blk =
            rt_coll_block(a->sbuf, a->scount, a->scounts, a->sdispls, a->sdt, i, &count);
        if (i != me)
            rt_coll_sched_send(s, blk, count, a->sdt, rt_coll_team_peer(t, i));
        else if (a->rbuf != MPI_IN_PLACE)
            rt_coll_sched_copy(s, blk, count, a->sdt, a->rbuf, a->rdt);
    }
    rt_coll_sched_round(s);
}

/*
 * rt_coll_inter.c -- blocking collectives on intercommunicators (see
 * rt_coll_inter.h).  Roots follow the standard: in the root's group the
 * root passes MPI_ROOT and the others MPI_PROC_NULL; in the other group
 * everyone passes the root's rank there.  The "all" collectives give each
 * group the other group's data.
 *
 * Leaders are rank 0 of each group.  Messages between the groups carry the
 * intercommunicator's next collective sequence number as their tag, as
 * the intracommunicator collectives do, so consecutive collectives never
 * mix.
 */
#include "rt_coll_inter.h"

#include <stdlib.h>
#include <string.h>

#include "rt_coll.h"
#include "rt_coll_msg.h"
#include "rt_coll_sched.h"

static rt_request_t *isend(rt_comm_t *c, const void *buf, size_t count, rt_datatype_t *dt,
                           int peer, int tag)
{
    return rt_coll_msg_start(RT_REQ_SEND, c, buf, count, dt, peer, tag);
}

static rt_request_t *irecv(rt_comm_t *c, void *buf, size_t count, rt_datatype_t *dt, int peer,
                           int tag)
{
    return rt_coll_msg_start(RT_REQ_RECV, c, buf, count, dt, peer, tag);
}

static int wait_msg(rt_request_t *req)
{
    return rt_coll_msg_finish(req);
}

static int wait_all(rt_request_t **reqs, int n)
{
    return rt_coll_msg_finish_all(reqs, n);
}

/* Leaders swap: send `scount` of sdt, receive `rcount` of rdt. */
static int leaders_swap(rt_comm_t *c, int tag, const void *sbuf, size_t scount,
                        rt_datatype_t *sdt, void *rbuf, size_t rcount, rt_datatype_t *rdt)
{
    rt_request_t *r = irecv(c, rbuf, rcount, rdt, 0, tag);
    rt_request_t *s = isend(c, sbuf, scount, sdt, 0, tag);
    int err = wait_msg(s);
    int e = wait_msg(r);
    return err != MPI_SUCCESS ? err : e;
}

/* A buffer for `count` elements of dt (at least one byte). */
static void *scratch(size_t count, const rt_datatype_t *dt)
{
    size_t bytes = count * (size_t)(dt->extent > 0 ? dt->extent : 0);
    return malloc(bytes > 0 ? bytes : 1);
}

static int barrier(rt_comm_t *c, rt_comm_t *local, int tag)
{
    int err = rt_coll_barrier(local);
    if (err == MPI_SUCCESS && local->rank == 0)
        err = leaders_swap(c, tag, NULL, 0, rt_datatype_get(MPI_BYTE), NULL, 0,
                           rt_datatype_get(MPI_BYTE));
    if (err == MPI_SUCCESS)
        err = rt_coll_barrier(local);
    return err;
}

static int bcast(rt_comm_t *c, rt_comm_t *local, int tag, const rt_coll_args_t *a)
{
    if (a->root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (a->root == MPI_ROOT)
        return wait_msg(isend(c, a->rbuf, a->count, a->dt, 0, tag));
    int err = MPI_SUCCESS;
    if (local->rank == 0)
        err = wait_msg(irecv(c, a->rbuf, a->count, a->dt, a->root, tag));
    if (err == MPI_SUCCESS)
        err = rt_coll_bcast(local, a->rbuf, a->count, a->dt, 0);
    return err;
}

/* Reduce and allreduce: each group reduces its own data, the leaders swap
 * (allreduce) or the sending group's leader gives it to the root. */
static int reduction(rt_comm_t *c, rt_comm_t *local, int tag, const rt_coll_args_t *a, int all)
{
    if (!all && a->root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (!all && a->root == MPI_ROOT)
        return wait_msg(irecv(c, a->rbuf, a->count, a->dt, 0, tag));
    void *mine = scratch(a->count, a->dt);
    if (mine == NULL)
        return MPI_ERR_NO_MEM;
    int err = rt_coll_allreduce(local, a->sbuf, mine, a->count, a->dt, a->op);
    if (err == MPI_SUCCESS && local->rank == 0) {
        if (all)
            err = leaders_swap(c, tag, mine, a->count, a->dt, a->rbuf, a->count, a->dt);
        else
            err = wait_msg(isend(c, mine, a->count, a->dt, a->root, tag));
    }
    if (err == MPI_SUCCESS && all)
        err = rt_coll_bcast(local, a->rbuf, a->count, a->dt, 0);
    free(mine);
    return err;
}

static int allgather(rt_comm_t *c, rt_comm_t *local, int tag, const rt_coll_args_t *a)
{
    void *mine = scratch(a->scount * (size_t)local->size, a->sdt);
    if (mine == NULL)
        return MPI_ERR_NO_MEM;
    int err = rt_coll_allgather(local, a->sbuf, a->scount, a->sdt, mine);
    size_t rtotal = a->rcount * (size_t)c->peer_size;
    if (err == MPI_SUCCESS && local->rank == 0)
        err = leaders_swap(c, tag, mine, a->scount * (size_t)local->size, a->sdt, a->rbuf,
                           rtotal, a->rdt);
    if (err == MPI_SUCCESS)
        err = rt_coll_bcast(local, a->rbuf, rtotal, a->rdt, 0);
    free(mine);
    return err;
}

/* Gather, scatter and their v variants: the root talks to every rank of
 * the other group. */
static int rooted(rt_comm_t *c, int tag, const rt_coll_args_t *a, int gather)
{
    if (a->root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (a->root != MPI_ROOT) {
        if (gather)
            return wait_msg(isend(c, a->sbuf, a->scount, a->sdt, a->root, tag));
        return wait_msg(irecv(c, a->rbuf, a->rcount, a->rdt, a->root, tag));
    }
    int n = c->peer_size;
    rt_request_t **reqs = malloc((size_t)n * sizeof(*reqs));
    if (reqs == NULL)
        return MPI_ERR_NO_MEM;
    for (int r = 0; r < n; r++) {
        size_t count;
        if (gather) {
            void *blk = rt_coll_block(a->rbuf, a->rcount, a->rcounts, a->rdispls, a->rdt, r,
                                      &count);
            reqs[r] = irecv(c, blk, count, a->rdt, r, tag);
        } else {
            const void *blk = rt_coll_block(a->sbuf, a->scount, a->scounts, a->sdispls, a->sdt,
                                            r, &count);
            reqs[r] = isend(c, blk, count, a->sdt, r, tag);
        }
    }
    int err = wait_all(reqs, n);
    free(reqs);
    return err;
}

/*
 * Every exchange with every remote rank: alltoall(v) (block r to remote
 * rank r), alltoallw (the same with a type and byte displacement per
 * block), allgatherv (each sends the same block to all).  One message per
 * pair; intercommunicator collectives are for correctness first, and the
 * groups are small.
 */
static int pairwise(rt_comm_t *c, int tag, const rt_coll_args_t *a)
{
    int n = c->peer_size;
    int typed = a->kind == RT_COLL_ALLTOALLW;
    rt_request_t **reqs = malloc(2 * (size_t)n * sizeof(*reqs));
    if (reqs == NULL)
        return MPI_ERR_NO_MEM;
    for (int r = 0; r < n; r++) {
        if (typed) {
            reqs[r] = irecv(c, (char *)a->rbuf + a->rdispls[r], (size_t)a->rcounts[r],
                            a->rdts[r], r, tag);
        } else {
            size_t count;
            void *blk = rt_coll_block(a->rbuf, a->rcount, a->rcounts, a->rdispls, a->rdt, r,
                                      &count);
            reqs[r] = irecv(c, blk, count, a->rdt, r, tag);
        }
    }
    for (int r = 0; r < n; r++) {
        if (a->kind == RT_COLL_ALLGATHERV) {
            reqs[n + r] = isend(c, a->sbuf, a->scount, a->sdt, r, tag);
        } else if (typed) {
            reqs[n + r] = isend(c, (const char *)a->sbuf + a->sdispls[r],
                                (size_t)a->scounts[r], a->sdts[r], r, tag);
        } else {
            size_t count;
            const void *blk = rt_coll_block(a->sbuf, a->scount, a->scounts, a->sdispls, a->sdt,
                                            r, &count);
            reqs[n + r] = isend(c, blk, count, a->sdt, r, tag);
        }
    }
    int err = wait_all(reqs, 2 * n);
    free(reqs);
    return err;
}

/*
 * Reduce_scatter (and _block): each group reduces its own vector, the
 * leaders swap the results, and each leader hands rank r of its group the
 * r-th block of the other group's result.  Those hand-outs run on the
 * local intracommunicator's collective context under a sequence number of
 * its own, which every rank of the group draws in the same order.
 */
static int reduce_scatter(rt_comm_t *c, rt_comm_t *local, int tag, const rt_coll_args_t *a)
{
    int ltag = rt_coll_take_tag(local);
    void *mine = scratch(a->count, a->dt);
    void *theirs = local->rank == 0 ? scratch(a->count, a->dt) : NULL;
    rt_request_t **reqs = local->rank == 0 ? malloc((size_t)local->size * sizeof(*reqs)) : NULL;
    rt_request_t *in = NULL;
    int err = MPI_ERR_NO_MEM;
    if (mine == NULL || (local->rank == 0 && (theirs == NULL || reqs == NULL)))
        goto out;
    err = rt_coll_allreduce(local, a->sbuf, mine, a->count, a->dt, a->op);
    if (err == MPI_SUCCESS)
        in = rt_coll_msg_start(RT_REQ_RECV, local, a->rbuf, (size_t)a->rcounts[local->rank],
                               a->dt, 0, ltag);
    if (err == MPI_SUCCESS && local->rank == 0) {
        err = leaders_swap(c, tag, mine, a->count, a->dt, theirs, a->count, a->dt);
        size_t at = 0;
        for (int r = 0; r < local->size; r++) {
            reqs[r] = rt_coll_msg_start(RT_REQ_SEND, local, rt_coll_at(theirs, at, a->dt),
                                        (size_t)a->rcounts[r], a->dt, r, ltag);
            at += (size_t)a->rcounts[r];
        }
        int e = wait_all(reqs, local->size);
        if (err == MPI_SUCCESS)
            err = e;
    }
    if (in != NULL) {
        int e = wait_msg(in);
        if (err == MPI_SUCCESS)
            err = e;
    }
out:
    free(reqs);
    free(theirs);
    free(mine);
    return err;
}

int rt_coll_inter_run(rt_comm_t *c, const rt_coll_args_t *a)
{
    rt_comm_t *local = rt_comm_get(c->local_comm);
    if (local == NULL)
        return MPI_ERR_INTERN;
    int tag = rt_coll_take_tag(c);
    switch (a->kind) {
    case RT_COLL_BARRIER: return barrier(c, local, tag);
    case RT_COLL_BCAST: return bcast(c, local, tag, a);
    case RT_COLL_REDUCE: return reduction(c, local, tag, a, 0);
    case RT_COLL_ALLREDUCE: return reduction(c, local, tag, a, 1);
    case RT_COLL_ALLGATHER: return allgather(c, local, tag, a);
    case RT_COLL_GATHER:
    case RT_COLL_GATHERV: return rooted(c, tag, a, 1);
    case RT_COLL_SCATTER:
    case RT_COLL_SCATTERV: return rooted(c, tag, a, 0);
    case RT_COLL_ALLTOALL:
    case RT_COLL_ALLGATHERV:
    case RT_COLL_ALLTOALLV:
    case RT_COLL_ALLTOALLW: return pairwise(c, tag, a);
    case RT_COLL_REDUCE_SCATTER: return reduce_scatter(c, local, tag, a);
    default: return MPI_ERR_COMM;
    }
}

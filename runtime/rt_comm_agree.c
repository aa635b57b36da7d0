/*
 * rt_comm_agree.c -- the small exchanges communicator creation needs
 * (context-id masks, split colours and keys, intercommunicator leaders).
 *
 * They run as runtime-internal point-to-point messages on the
 * communicator's collective context (context_id + 1) with a tag above the
 * program's range, so they never match the program's messages nor the
 * collectives' own.  Sizes are a few hundred bytes per rank, and
 * communicators are created rarely: every rank simply sends to every
 * other, posting all receives first so nothing waits on a rendezvous.
 * (Once the collectives of runtime/rt_coll.h are in, allgather can move
 * there; the interface here stays.)
 */
#include "rt_comm_new.h"

#include <stdlib.h>
#include <string.h>

#include "rt_proto.h"
#include "rt_request.h"

static rt_request_t *start(rt_req_kind_t kind, rt_comm_t *ctx_comm, void *buf, size_t len,
                           int peer, int tag)
{
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    /* The view's context is the collective one (collective_view). */
    rt_request_t *req = kind == RT_REQ_RECV
                            ? rt_proto_irecv(ctx_comm, ctx_comm->context_id, buf, len, byte, peer, tag)
                            : rt_proto_isend(ctx_comm, ctx_comm->context_id, buf, len, byte, peer, tag);
    return req;
}

/* Wait for a request and release it: the received length must be exact. */
static int finish(rt_request_t *req, size_t want)
{
    rt_request_wait(req);
    int err = req->status.MPI_ERROR;
    if (err == MPI_SUCCESS && req->kind == RT_REQ_RECV &&
        (size_t)req->status.minimpi_count != want)
        err = MPI_ERR_TRUNCATE;
    rt_request_release(req);
    return err;
}

/* A copy of comm that addresses its collective context (requests only
 * read the context, ranks and rank lists through it). */
static void collective_view(const rt_comm_t *comm, rt_comm_t *view)
{
    *view = *comm;
    view->context_id = comm->context_id + 1;
    view->peer_size = comm->size;
    view->peer_world_rank_of = comm->world_rank_of;
}

int rt_comm_allgather_bytes(rt_comm_t *comm, const void *mine, size_t len, void *all)
{
    return rt_comm_allgather_tagged(comm, RT_TAG_COMM_AGREE, mine, len, all);
}

int rt_comm_allgather_tagged(rt_comm_t *comm, int tag, const void *mine, size_t len, void *all)
{
    rt_comm_t view;
    collective_view(comm, &view);
    int n = comm->size, me = comm->rank;
    memcpy((char *)all + (size_t)me * len, mine, len);
    if (n == 1)
        return MPI_SUCCESS;
    rt_request_t **reqs = malloc(2 * (size_t)n * sizeof(*reqs));
    if (reqs == NULL)
        return MPI_ERR_NO_MEM;
    int k = 0;
    for (int r = 0; r < n; r++)
        if (r != me)
            reqs[k++] = start(RT_REQ_RECV, &view, (char *)all + (size_t)r * len, len, r, tag);
    for (int r = 0; r < n; r++)
        if (r != me)
            reqs[k++] = start(RT_REQ_SEND, &view, (void *)mine, len, r, tag);
    int err = MPI_SUCCESS;
    for (int i = 0; i < k; i++) {
        int e = finish(reqs[i], len);
        if (err == MPI_SUCCESS)
            err = e;
    }
    free(reqs);
    return err;
}

int rt_comm_bcast_bytes(rt_comm_t *comm, void *buf, size_t len, int root)
{
    rt_comm_t view;
    collective_view(comm, &view);
    if (comm->rank != root)
        return finish(start(RT_REQ_RECV, &view, buf, len, root, RT_TAG_COMM_AGREE), len);
    int err = MPI_SUCCESS;
    for (int r = 0; r < comm->size; r++) {
        if (r == root)
            continue;
        int e = finish(start(RT_REQ_SEND, &view, buf, len, r, RT_TAG_COMM_AGREE), len);
        if (err == MPI_SUCCESS)
            err = e;
    }
    return err;
}

int rt_comm_sendrecv_bytes(rt_comm_t *comm, int peer, int tag, const void *sendbuf,
                           size_t sendlen, void *recvbuf, size_t recvlen)
{
    rt_request_t *r = start(RT_REQ_RECV, comm, recvbuf, recvlen, peer, tag);
    rt_request_t *s = start(RT_REQ_SEND, comm, (void *)sendbuf, sendlen, peer, tag);
    int err = finish(s, sendlen);
    int e = finish(r, recvlen);
    return err != MPI_SUCCESS ? err : e;
}

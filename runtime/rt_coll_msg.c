/*
 * rt_coll_msg.c -- messages on the collective context (see rt_coll_msg.h).
 */
#include "rt_coll_msg.h"

#include "rt_proto.h"

rt_request_t *rt_coll_msg_start(rt_req_kind_t kind, rt_comm_t *c, const void *buf, size_t count,
                                rt_datatype_t *dt, int peer, int tag)
{
    int context_id = c->context_id + 1;   /* the collective context */
    rt_request_t *req = kind == RT_REQ_RECV
                            ? rt_proto_irecv(c, context_id, (void *)buf, count, dt, peer, tag)
                            : rt_proto_isend(c, context_id, buf, count, dt, peer, tag);
    return req;
}

int rt_coll_msg_finish(rt_request_t *req)
{
    rt_request_wait(req);
    int err = req->status.MPI_ERROR;
    rt_request_release(req);
    return err;
}

int rt_coll_msg_finish_all(rt_request_t **reqs, int n)
{
    int err = MPI_SUCCESS;
    for (int i = 0; i < n; i++) {
        int e = rt_coll_msg_finish(reqs[i]);
        if (err == MPI_SUCCESS)
            err = e;
    }
    return err;
}

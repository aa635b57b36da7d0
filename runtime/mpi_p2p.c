/*
 * mpi_p2p.c -- the point-to-point MPI calls that start messages: blocking
 * and nonblocking sends and receives in every mode, Sendrecv(_replace),
 * buffer attach/detach, and persistent requests with Start/Startall.
 *
 * Every call checks its arguments with the RT_CHECK_* macros, then builds a
 * request and hands it to rt_proto.  Blocking calls wait on their own
 * request; nothing here knows about packets or transports.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_bsend.h"
#include "rt_insight.h"
#include "rt_proto.h"
#include "rt_request.h"

/* Checks shared by every send: they declare `c` and `dt`. */
#define CHECK_SEND_ARGS(CALL)                                                 \
    rt_comm_t *c;                                                             \
    rt_datatype_t *dt;                                                        \
    RT_CHECK_INIT(CALL);                                                      \
    RT_CHECK_COMM(CALL, comm, c);                                             \
    RT_CHECK_COUNT(CALL, c, count);                                           \
    RT_CHECK_DATATYPE(CALL, c, datatype, dt);                                 \
    RT_CHECK_BUFFER_DT(CALL, c, buf, count, dt);                              \
    RT_CHECK_DEST(CALL, c, dest);                                             \
    RT_CHECK_SEND_TAG(CALL, c, tag)

#define CHECK_RECV_ARGS(CALL)                                                 \
    rt_comm_t *c;                                                             \
    rt_datatype_t *dt;                                                        \
    RT_CHECK_INIT(CALL);                                                      \
    RT_CHECK_COMM(CALL, comm, c);                                             \
    RT_CHECK_COUNT(CALL, c, count);                                           \
    RT_CHECK_DATATYPE(CALL, c, datatype, dt);                                 \
    RT_CHECK_BUFFER_DT(CALL, c, buf, count, dt);                              \
    RT_CHECK_SOURCE(CALL, c, source);                                         \
    RT_CHECK_RECV_TAG(CALL, c, tag)

#define CHECK_PTR(CALL, COMM, PTR, NAME)                                      \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

/* A status argument may be MPI_STATUS_IGNORE but not NULL. */
#define CHECK_STATUS(CALL, COMM, STATUS)                                      \
    CHECK_PTR(CALL, COMM, STATUS, "status (use MPI_STATUS_IGNORE)")

static rt_request_t *new_send(rt_comm_t *c, const void *buf, int count, rt_datatype_t *dt,
                              int dest, int tag, rt_send_mode_t mode)
{
    rt_request_t *req = rt_request_alloc(RT_REQ_SEND);
    req->comm = c;
    req->context_id = c->context_id;
    rt_comm_retain(c);             /* a freed communicator lives on while it is used */
    req->holds_comm = 1;
    req->buf = (void *)buf;
    req->count = (size_t)count;
    req->dt = dt;
    rt_datatype_retain(dt);        /* released with the request */
    req->peer = dest;
    req->tag = tag;
    req->mode = (uint8_t)mode;
    return req;
}

static rt_request_t *new_recv(rt_comm_t *c, void *buf, int count, rt_datatype_t *dt, int source,
                              int tag)
{
    rt_request_t *req = rt_request_alloc(RT_REQ_RECV);
    req->comm = c;
    req->context_id = c->context_id;
    rt_comm_retain(c);             /* a freed communicator lives on while it is used */
    req->holds_comm = 1;
    req->buf = buf;
    req->count = (size_t)count;
    req->dt = dt;
    rt_datatype_retain(dt);        /* released with the request */
    req->peer = source;
    req->tag = tag;
    return req;
}

/* A blocking send: start it and wait for it. */
static int send_blocking(const char *call, rt_comm_t *c, const void *buf, int count,
                         rt_datatype_t *dt, int dest, int tag, rt_send_mode_t mode)
{
    rt_hang_enter(call, c, RT_HANG_DEST, dest, tag);
    rt_request_t *req = new_send(c, buf, count, dt, dest, tag, mode);
    rt_proto_send_start(req);
    rt_request_wait(req);
    rt_request_release(req);
    rt_hang_exit();
    return MPI_SUCCESS;
}

/* Wait for a receive, report it to `status`, raise its error as `call`'s. */
static int recv_complete(rt_request_t *req, MPI_Status *status, const char *call)
{
    rt_request_wait(req);
    int err = req->status.MPI_ERROR;
    if (status != MPI_STATUS_IGNORE)
        *status = req->status;
    if (err != MPI_SUCCESS)
        err = rt_request_raise(req, call, err);
    rt_request_release(req);
    return err;
}

/* ---- Blocking ------------------------------------------------------------------ */

int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    CHECK_SEND_ARGS("MPI_Send");
    if (rt_proto_send_now(c, c->context_id, buf, (size_t)count, dt, dest, tag))
        return MPI_SUCCESS;
    return send_blocking("MPI_Send", c, buf, count, dt, dest, tag, RT_SEND_STANDARD);
}

int MPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    CHECK_SEND_ARGS("MPI_Ssend");
    return send_blocking("MPI_Ssend", c, buf, count, dt, dest, tag, RT_SEND_SYNC);
}

/* Ready mode: the standard lets it behave as a standard send. */
int MPI_Rsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    CHECK_SEND_ARGS("MPI_Rsend");
    if (rt_proto_send_now(c, c->context_id, buf, (size_t)count, dt, dest, tag))
        return MPI_SUCCESS;
    return send_blocking("MPI_Rsend", c, buf, count, dt, dest, tag, RT_SEND_READY);
}

int MPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    CHECK_SEND_ARGS("MPI_Bsend");
    return rt_bsend_start("MPI_Bsend", c, buf, count, dt, dest, tag);
}

int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    CHECK_RECV_ARGS("MPI_Recv");
    CHECK_STATUS("MPI_Recv", c, status);
    rt_hang_enter("MPI_Recv", c, RT_HANG_SOURCE, source, tag);
    rt_request_t *req = new_recv(c, buf, count, dt, source, tag);
    rt_proto_recv_start(req);
    int err = recv_complete(req, status, "MPI_Recv");
    rt_hang_exit();
    return err;
}

int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                 void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                 MPI_Comm comm, MPI_Status *status)
{
    const char *call = "MPI_Sendrecv";
    rt_comm_t *c;
    rt_datatype_t *sdt, *rdt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    RT_CHECK_COUNT(call, c, sendcount);
    RT_CHECK_DATATYPE(call, c, sendtype, sdt);
    RT_CHECK_BUFFER_DT(call, c, sendbuf, sendcount, sdt);
    RT_CHECK_DEST(call, c, dest);
    RT_CHECK_SEND_TAG(call, c, sendtag);
    RT_CHECK_COUNT(call, c, recvcount);
    RT_CHECK_DATATYPE(call, c, recvtype, rdt);
    RT_CHECK_BUFFER_DT(call, c, recvbuf, recvcount, rdt);
    RT_CHECK_SOURCE(call, c, source);
    RT_CHECK_RECV_TAG(call, c, recvtag);
    CHECK_STATUS(call, c, status);
    /* Post the receive first, so the peer's message need not be buffered. */
    rt_hang_enter(call, c, RT_HANG_SOURCE, source, recvtag);
    rt_request_t *rreq = new_recv(c, recvbuf, recvcount, rdt, source, recvtag);
    rt_proto_recv_start(rreq);
    rt_request_t *sreq = new_send(c, sendbuf, sendcount, sdt, dest, sendtag, RT_SEND_STANDARD);
    rt_proto_send_start(sreq);
    rt_request_wait(sreq);
    rt_request_release(sreq);
    int err = recv_complete(rreq, status, call);
    rt_hang_exit();
    return err;
}

int MPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag,
                         int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    const char *call = "MPI_Sendrecv_replace";
    rt_comm_t *c;
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    RT_CHECK_COUNT(call, c, count);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    RT_CHECK_BUFFER_DT(call, c, buf, count, dt);
    RT_CHECK_DEST(call, c, dest);
    RT_CHECK_SEND_TAG(call, c, sendtag);
    RT_CHECK_SOURCE(call, c, source);
    RT_CHECK_RECV_TAG(call, c, recvtag);
    CHECK_STATUS(call, c, status);
    /* The outgoing message leaves from a packed copy, so the receive may
     * overwrite `buf` while the send is still in flight. */
    size_t bytes = (size_t)count * dt->size;
    void *copy = NULL;
    if (dest != MPI_PROC_NULL && bytes > 0) {
        copy = malloc(bytes);
        if (copy == NULL)
            return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory copying %zu bytes", bytes);
        if (dt->contiguous)
            memcpy(copy, (const char *)buf + dt->lb, bytes);
        else
            rt_datatype_pack(dt, buf, (size_t)count, copy);
    }
    rt_request_t *sreq = new_send(c, copy, count, dt, dest, sendtag, RT_SEND_STANDARD);
    sreq->prepacked = 1;
    sreq->tmp = copy;              /* freed when the send completes */
    rt_request_t *rreq = new_recv(c, buf, count, dt, source, recvtag);
    rt_hang_enter(call, c, RT_HANG_SOURCE, source, recvtag);
    rt_proto_recv_start(rreq);
    rt_proto_send_start(sreq);
    rt_request_wait(sreq);
    rt_request_release(sreq);
    int err = recv_complete(rreq, status, call);
    rt_hang_exit();
    return err;
}

/* ---- Nonblocking ------------------------------------------------------------------ */

static int isend(const char *call, const void *buf, int count, MPI_Datatype datatype, int dest,
                 int tag, MPI_Comm comm, MPI_Request *request, rt_send_mode_t mode)
{
    CHECK_SEND_ARGS(call);
    CHECK_PTR(call, c, request, "request");
    rt_request_t *req = mode != RT_SEND_SYNC
                            ? rt_proto_isend_now(c, buf, (size_t)count, dt, dest, tag)
                            : NULL;
    if (req != NULL) {
        req->call = call;
        *request = req->handle;
        return MPI_SUCCESS;
    }
    req = new_send(c, buf, count, dt, dest, tag, mode);
    req->call = call;
    rt_proto_send_start(req);
    *request = req->handle;
    return MPI_SUCCESS;
}

int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
              MPI_Request *request)
{
    return isend("MPI_Isend", buf, count, datatype, dest, tag, comm, request, RT_SEND_STANDARD);
}

int MPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return isend("MPI_Issend", buf, count, datatype, dest, tag, comm, request, RT_SEND_SYNC);
}

int MPI_Irsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return isend("MPI_Irsend", buf, count, datatype, dest, tag, comm, request, RT_SEND_READY);
}

/* The message is copied into the attached buffer at once, so the request
 * the program gets back is already complete. */
int MPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    CHECK_SEND_ARGS("MPI_Ibsend");
    CHECK_PTR("MPI_Ibsend", c, request, "request");
    int err = rt_bsend_start("MPI_Ibsend", c, buf, count, dt, dest, tag);
    if (err != MPI_SUCCESS)
        return err;
    rt_request_t *req = new_send(c, buf, count, dt, dest, tag, RT_SEND_BUFFERED);
    req->call = "MPI_Ibsend";
    rt_status_set_empty(&req->status);
    req->state = RT_STATE_DONE;
    req->complete = 1;
    *request = req->handle;
    return MPI_SUCCESS;
}

int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
              MPI_Request *request)
{
    CHECK_RECV_ARGS("MPI_Irecv");
    CHECK_PTR("MPI_Irecv", c, request, "request");
    rt_request_t *req = new_recv(c, buf, count, dt, source, tag);
    req->call = "MPI_Irecv";
    rt_proto_recv_start(req);
    *request = req->handle;
    return MPI_SUCCESS;
}

/* ---- Buffer attach / detach -------------------------------------------------------- */

int MPI_Buffer_attach(void *buffer, int size)
{
    RT_CHECK_INIT("MPI_Buffer_attach");
    return rt_bsend_attach(buffer, size);
}

int MPI_Buffer_detach(void *buffer_addr, int *size)
{
    RT_CHECK_INIT("MPI_Buffer_detach");
    return rt_bsend_detach(buffer_addr, size);
}

/* ---- Persistent requests ------------------------------------------------------------- */

static int send_init(const char *call, const void *buf, int count, MPI_Datatype datatype,
                     int dest, int tag, MPI_Comm comm, MPI_Request *request, rt_send_mode_t mode)
{
    CHECK_SEND_ARGS(call);
    CHECK_PTR(call, c, request, "request");
    rt_request_t *req = new_send(c, buf, count, dt, dest, tag, mode);
    req->call = call;
    req->persistent = 1;
    req->active = 0;
    *request = req->handle;
    return MPI_SUCCESS;
}

int MPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    return send_init("MPI_Send_init", buf, count, datatype, dest, tag, comm, request,
                     RT_SEND_STANDARD);
}

int MPI_Ssend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    return send_init("MPI_Ssend_init", buf, count, datatype, dest, tag, comm, request,
                     RT_SEND_SYNC);
}

int MPI_Rsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    return send_init("MPI_Rsend_init", buf, count, datatype, dest, tag, comm, request,
                     RT_SEND_READY);
}

int MPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    return send_init("MPI_Bsend_init", buf, count, datatype, dest, tag, comm, request,
                     RT_SEND_BUFFERED);
}

int MPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    CHECK_RECV_ARGS("MPI_Recv_init");
    CHECK_PTR("MPI_Recv_init", c, request, "request");
    rt_request_t *req = new_recv(c, buf, count, dt, source, tag);
    req->call = "MPI_Recv_init";
    req->persistent = 1;
    req->active = 0;
    *request = req->handle;
    return MPI_SUCCESS;
}

/* The persistent request behind *handle, inactive and ready to start. */
static int startable(const char *call, MPI_Request handle, rt_request_t **out)
{
    rt_request_t *req = rt_request_get(handle);
    if (req == NULL)
        return rt_err(NULL, call, MPI_ERR_REQUEST, "invalid request handle 0x%x",
                      (unsigned)handle);
    if (!req->persistent)
        return rt_err(req->comm, call, MPI_ERR_REQUEST, "request 0x%x is not persistent",
                      (unsigned)handle);
    if (req->active)
        return rt_err(req->comm, call, MPI_ERR_REQUEST,
                      "request 0x%x is already active (complete it before starting it again)",
                      (unsigned)handle);
    *out = req;
    return MPI_SUCCESS;
}

static int start(const char *call, rt_request_t *req)
{
    req->active = 1;
    if (req->kind == RT_REQ_RECV) {
        rt_proto_recv_start(req);
        return MPI_SUCCESS;
    }
    if (req->mode != RT_SEND_BUFFERED) {
        rt_proto_send_start(req);
        return MPI_SUCCESS;
    }
    int err = rt_bsend_start(call, req->comm, req->buf, (int)req->count, req->dt, req->peer,
                             req->tag);
    if (err != MPI_SUCCESS) {
        req->active = 0;
        return err;
    }
    rt_status_set_empty(&req->status);
    req->state = RT_STATE_DONE;
    req->complete = 1;
    return MPI_SUCCESS;
}

int MPI_Start(MPI_Request *request)
{
    RT_CHECK_INIT("MPI_Start");
    CHECK_PTR("MPI_Start", NULL, request, "request");
    rt_request_t *req;
    int err = startable("MPI_Start", *request, &req);
    if (err != MPI_SUCCESS)
        return err;
    return start("MPI_Start", req);
}

int MPI_Startall(int count, MPI_Request array_of_requests[])
{
    RT_CHECK_INIT("MPI_Startall");
    RT_CHECK_COUNT("MPI_Startall", NULL, count);
    if (count > 0)
        CHECK_PTR("MPI_Startall", NULL, array_of_requests, "array_of_requests");
    /* Check every request before starting any. */
    rt_request_t *req;
    for (int i = 0; i < count; i++) {
        int err = startable("MPI_Startall", array_of_requests[i], &req);
        if (err != MPI_SUCCESS)
            return err;
    }
    for (int i = 0; i < count; i++) {
        req = rt_request_get(array_of_requests[i]);
        if (req->active)
            return rt_err(req->comm, "MPI_Startall", MPI_ERR_REQUEST,
                          "request 0x%x appears twice in array_of_requests",
                          (unsigned)array_of_requests[i]);
        int err = start("MPI_Startall", req);
        if (err != MPI_SUCCESS)
            return err;
    }
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Bsend = PMPI_Bsend
#pragma weak MPI_Bsend_init = PMPI_Bsend_init
#pragma weak MPI_Buffer_attach = PMPI_Buffer_attach
#pragma weak MPI_Buffer_detach = PMPI_Buffer_detach
#pragma weak MPI_Ibsend = PMPI_Ibsend
#pragma weak MPI_Irecv = PMPI_Irecv
#pragma weak MPI_Irsend = PMPI_Irsend
#pragma weak MPI_Isend = PMPI_Isend
#pragma weak MPI_Issend = PMPI_Issend
#pragma weak MPI_Recv = PMPI_Recv
#pragma weak MPI_Recv_init = PMPI_Recv_init
#pragma weak MPI_Rsend = PMPI_Rsend
#pragma weak MPI_Rsend_init = PMPI_Rsend_init
#pragma weak MPI_Send = PMPI_Send
#pragma weak MPI_Send_init = PMPI_Send_init
#pragma weak MPI_Sendrecv = PMPI_Sendrecv
#pragma weak MPI_Sendrecv_replace = PMPI_Sendrecv_replace
#pragma weak MPI_Ssend = PMPI_Ssend
#pragma weak MPI_Ssend_init = PMPI_Ssend_init
#pragma weak MPI_Start = PMPI_Start
#pragma weak MPI_Startall = PMPI_Startall

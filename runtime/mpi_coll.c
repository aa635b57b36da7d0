/*
 * mpi_coll.c -- the MPI collective calls, blocking and nonblocking.
 *
 * Each call checks its arguments (RT_CHECK_* and the checks below, with the
 * standard's error classes: MPI_ERR_ROOT for a bad root, MPI_ERR_OP for an
 * operation not defined on the type, ...), fills an rt_coll_args_t and
 * launches the schedule the selection table picks: a blocking call runs it
 * to the end, a nonblocking one returns its request.  Per-rank arrays
 * (counts, displacements, types) are read while the schedule is built, so
 * the program may reuse them as soon as the call returns.
 */
#include <stdlib.h>

#include "rt.h"
#include "rt_coll_algo.h"
#include "rt_coll_inter.h"
#include "rt_coll_sched.h"
#include "rt_insight.h"
#include "rt_op.h"
#include "rt_request.h"

#define CHECK_PTR(CALL, COMM, PTR, NAME)                                      \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

/* On an intercommunicator the root's group passes MPI_ROOT (the root) or
 * MPI_PROC_NULL (the others), the other group the root's rank there. */
#define CHECK_ROOT(CALL, COMM, ROOT)                                          \
    do {                                                                      \
        if (RT_UNLIKELY((COMM)->is_inter                                      \
                            ? (ROOT) != MPI_ROOT && (ROOT) != MPI_PROC_NULL && \
                                  ((ROOT) < 0 || (ROOT) >= (COMM)->peer_size) \
                            : (ROOT) < 0 || (ROOT) >= (COMM)->size))          \
            return rt_err(COMM, CALL, MPI_ERR_ROOT,                           \
                          "invalid root %d (communicator size %d)", (ROOT),   \
                          (COMM)->peer_size);                                 \
    } while (0)

/* Whether this rank is the root (MPI_ROOT marks it on an intercommunicator). */
#define IS_ROOT(COMM, ROOT) ((COMM)->is_inter ? (ROOT) == MPI_ROOT : (COMM)->rank == (ROOT))

#define CHECK_NOT_IN_PLACE(CALL, COMM, BUF, NAME)                             \
    do {                                                                      \
        if (RT_UNLIKELY((BUF) == MPI_IN_PLACE))                               \
            return rt_err(COMM, CALL, MPI_ERR_BUFFER,                         \
                          "MPI_IN_PLACE is not allowed as %s", NAME);         \
    } while (0)

static int check_op(const char *call, rt_comm_t *c, MPI_Op op, rt_datatype_t *dt,
                    rt_op_t **out)
{
    *out = rt_op_get(op);
    if (*out == NULL)
        return rt_err(c, call, MPI_ERR_OP, "invalid operation 0x%x", (unsigned)op);
    if (rt_op_check(*out, dt) != MPI_SUCCESS)
        return rt_err(c, call, MPI_ERR_OP, "%s is not defined on %s", (*out)->name, dt->name);
    return MPI_SUCCESS;
}

/* A count array of n entries: every entry non-negative. */
static int check_n_counts(const char *call, rt_comm_t *c, const int *counts, int n,
                          const char *name)
{
    CHECK_PTR(call, c, counts, name);
    for (int i = 0; i < n; i++)
        if (counts[i] < 0)
            return rt_err(c, call, MPI_ERR_COUNT, "invalid count %d in %s[%d]", counts[i], name,
                          i);
    return MPI_SUCCESS;
}

/* A count array with an entry per rank addressed (of the remote group on
 * an intercommunicator). */
static int check_counts(const char *call, rt_comm_t *c, const int *counts, const char *name)
{
    return check_n_counts(call, c, counts, c->peer_size, name);
}

static int launch_now(const char *call, rt_comm_t *c, const rt_coll_args_t *a,
                      MPI_Request *request);

/* Whether the collective has a root (shown by the hang diagnosis). */
static int has_root(int kind)
{
    return kind == RT_COLL_BCAST || kind == RT_COLL_REDUCE || kind == RT_COLL_GATHER ||
           kind == RT_COLL_GATHERV || kind == RT_COLL_SCATTER || kind == RT_COLL_SCATTERV;
}

/* Build and run (request NULL) or start the collective. */
static int launch(const char *call, rt_comm_t *c, const rt_coll_args_t *a, MPI_Request *request)
{
    if (request != NULL)
        return launch_now(call, c, a, request);
    rt_hang_enter(call, c, has_root(a->kind) ? RT_HANG_ROOT : RT_HANG_NO_PEER, a->root, 0);
    int err = launch_now(call, c, a, request);
    rt_hang_exit();
    return err;
}

static int launch_now(const char *call, rt_comm_t *c, const rt_coll_args_t *a,
                      MPI_Request *request)
{
    if (c->is_inter) {
        if (request != NULL)
            return rt_err(c, call, MPI_ERR_COMM,
                          "nonblocking collectives on intercommunicators are not supported");
        int err = rt_coll_inter_run(c, a);
        if (err == MPI_ERR_COMM)
            return rt_err(c, call, err, "not supported on an intercommunicator");
        if (err != MPI_SUCCESS)
            return rt_err(c, call, err, "the collective failed with error class %d", err);
        return MPI_SUCCESS;
    }
    if (request == NULL) {
        int err = rt_coll_run(c, a);
        if (err == MPI_ERR_NO_MEM)
            return rt_err(c, call, err, "out of memory running the collective");
        if (err != MPI_SUCCESS)
            return rt_err(c, call, err, "the collective failed with error class %d "
                          "(do all ranks pass matching counts and types?)", err);
        return MPI_SUCCESS;
    }
    rt_coll_sched_t *s = rt_coll_build(c, a);
    if (s == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory building the schedule");
    rt_request_t *req;
    int err = rt_coll_sched_start(s, &req);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "cannot start the collective (error class %d)", err);
    req->call = call;              /* the hang diagnosis lists it while incomplete */
    *request = req->handle;
    return MPI_SUCCESS;
}

#define COMM_ARGS(CALL)                                                       \
    rt_comm_t *c;                                                             \
    RT_CHECK_INIT(CALL);                                                      \
    RT_CHECK_COMM(CALL, comm, c)

#define REQUEST_ARG(CALL)                                                     \
    if (request != NULL || nonblocking)                                       \
    CHECK_PTR(CALL, c, request, "request")

/* ---- Barrier, broadcast ---------------------------------------------------------- */

static int barrier(const char *call, MPI_Comm comm, MPI_Request *request, int nonblocking)
{
    COMM_ARGS(call);
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_BARRIER};
    return launch(call, c, &a, request);
}

int MPI_Barrier(MPI_Comm comm) { return barrier("MPI_Barrier", comm, NULL, 0); }
int MPI_Ibarrier(MPI_Comm comm, MPI_Request *request)
{
    return barrier("MPI_Ibarrier", comm, request, 1);
}

static int bcast(const char *call, void *buffer, int count, MPI_Datatype datatype, int root,
                 MPI_Comm comm, MPI_Request *request, int nonblocking)
{
    rt_datatype_t *dt;
    COMM_ARGS(call);
    RT_CHECK_COUNT(call, c, count);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    RT_CHECK_BUFFER(call, c, buffer, count);
    CHECK_NOT_IN_PLACE(call, c, buffer, "buffer");
    CHECK_ROOT(call, c, root);
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_BCAST, .rbuf = buffer, .count = (size_t)count, .dt = dt,
                        .root = root};
    return launch(call, c, &a, request);
}

int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    return bcast("MPI_Bcast", buffer, count, datatype, root, comm, NULL, 0);
}

int MPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
               MPI_Request *request)
{
    return bcast("MPI_Ibcast", buffer, count, datatype, root, comm, request, 1);
}

/* ---- Reductions ------------------------------------------------------------------ */

/* Reduce (root >= 0), allreduce (root -1), scan and exscan (kind). */
static int reduction(const char *call, rt_coll_kind_t kind, const void *sendbuf, void *recvbuf,
                     int count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                     MPI_Request *request, int nonblocking)
{
    rt_datatype_t *dt;
    rt_op_t *o;
    COMM_ARGS(call);
    RT_CHECK_COUNT(call, c, count);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    int err = check_op(call, c, op, dt, &o);
    if (err != MPI_SUCCESS)
        return err;
    if (kind == RT_COLL_REDUCE) {
        CHECK_ROOT(call, c, root);
        if (sendbuf == MPI_IN_PLACE && !IS_ROOT(c, root))
            return rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is allowed at the root only");
    }
    RT_CHECK_BUFFER(call, c, sendbuf, count);
    if (kind != RT_COLL_REDUCE || IS_ROOT(c, root)) {
        RT_CHECK_BUFFER(call, c, recvbuf, count);
        CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    }
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = kind, .sbuf = sendbuf, .rbuf = recvbuf, .count = (size_t)count,
                        .dt = dt, .op = o, .root = root};
    return launch(call, c, &a, request);
}

int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               int root, MPI_Comm comm)
{
    return reduction("MPI_Reduce", RT_COLL_REDUCE, sendbuf, recvbuf, count, datatype, op, root,
                     comm, NULL, 0);
}

int MPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                int root, MPI_Comm comm, MPI_Request *request)
{
    return reduction("MPI_Ireduce", RT_COLL_REDUCE, sendbuf, recvbuf, count, datatype, op, root,
                     comm, request, 1);
}

int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                  MPI_Op op, MPI_Comm comm)
{
    return reduction("MPI_Allreduce", RT_COLL_ALLREDUCE, sendbuf, recvbuf, count, datatype, op,
                     -1, comm, NULL, 0);
}

int MPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                   MPI_Op op, MPI_Comm comm, MPI_Request *request)
{
    return reduction("MPI_Iallreduce", RT_COLL_ALLREDUCE, sendbuf, recvbuf, count, datatype, op,
                     -1, comm, request, 1);
}

int MPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
             MPI_Comm comm)
{
    return reduction("MPI_Scan", RT_COLL_SCAN, sendbuf, recvbuf, count, datatype, op, -1, comm,
                     NULL, 0);
}

int MPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               MPI_Comm comm)
{
    return reduction("MPI_Exscan", RT_COLL_EXSCAN, sendbuf, recvbuf, count, datatype, op, -1,
                     comm, NULL, 0);
}

static int reduce_scatter(const char *call, const void *sendbuf, void *recvbuf,
                          const int *recvcounts, int *block, MPI_Datatype datatype, MPI_Op op,
                          MPI_Comm comm)
{
    rt_datatype_t *dt;
    rt_op_t *o;
    COMM_ARGS(call);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    int err = check_op(call, c, op, dt, &o);
    if (err != MPI_SUCCESS)
        return err;
    int *counts = NULL;
    if (block != NULL) {
        RT_CHECK_COUNT(call, c, *block);
        counts = malloc((size_t)c->size * sizeof(int));
        if (counts == NULL)
            return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
        for (int i = 0; i < c->size; i++)
            counts[i] = *block;
        recvcounts = counts;
    }
    /* One count per rank of the local group, also on an intercommunicator. */
    err = check_n_counts(call, c, recvcounts, c->size, "recvcounts");
    size_t total = 0;
    for (int i = 0; err == MPI_SUCCESS && i < c->size; i++)
        total += (size_t)recvcounts[i];
    if (err == MPI_SUCCESS && ((sendbuf == NULL && total > 0) ||
                               (recvbuf == NULL && recvcounts[c->rank] > 0)))
        err = rt_err(c, call, MPI_ERR_BUFFER, "invalid buffer NULL");
    if (err == MPI_SUCCESS && recvbuf == MPI_IN_PLACE)
        err = rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is not allowed as recvbuf");
    if (err == MPI_SUCCESS) {
        rt_coll_args_t a = {.kind = RT_COLL_REDUCE_SCATTER, .sbuf = sendbuf, .rbuf = recvbuf,
                            .count = total, .dt = dt, .rcounts = recvcounts, .op = o};
        err = launch(call, c, &a, NULL);
    }
    free(counts);
    return err;
}

int MPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                       MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return reduce_scatter("MPI_Reduce_scatter", sendbuf, recvbuf, recvcounts, NULL, datatype, op,
                          comm);
}

int MPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                             MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return reduce_scatter("MPI_Reduce_scatter_block", sendbuf, recvbuf, NULL, &recvcount,
                          datatype, op, comm);
}

/* ---- Gather, scatter, allgather, alltoall ------------------------------------------ */

/* The send side (sendcount, sendtype, sendbuf) unless it is MPI_IN_PLACE. */
#define CHECK_SEND_SIDE(CALL)                                                 \
    if (sendbuf != MPI_IN_PLACE) {                                            \
        RT_CHECK_COUNT(CALL, c, sendcount);                                   \
        RT_CHECK_DATATYPE(CALL, c, sendtype, sdt);                            \
        RT_CHECK_BUFFER(CALL, c, sendbuf, sendcount);                         \
    }
#define CHECK_RECV_SIDE(CALL)                                                 \
    do {                                                                      \
        RT_CHECK_COUNT(CALL, c, recvcount);                                   \
        RT_CHECK_DATATYPE(CALL, c, recvtype, rdt);                            \
        RT_CHECK_BUFFER(CALL, c, recvbuf, recvcount);                         \
    } while (0)

static int gather(const char *call, const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                  void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                  MPI_Request *request, int nonblocking)
{
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_ROOT(call, c, root);
    if (sendbuf == MPI_IN_PLACE && !IS_ROOT(c, root))
        return rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is allowed at the root only");
    CHECK_SEND_SIDE(call);
    if (IS_ROOT(c, root)) {
        CHECK_RECV_SIDE(call);
        CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    }
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_GATHER, .sbuf = sendbuf, .scount = (size_t)sendcount,
                        .sdt = sdt, .rbuf = recvbuf, .rcount = (size_t)recvcount, .rdt = rdt,
                        .root = root};
    if (sdt == NULL)
        a.scount = 0;
    return launch(call, c, &a, request);
}

int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
               int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return gather("MPI_Gather", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
                  comm, NULL, 0);
}

int MPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                MPI_Request *request)
{
    return gather("MPI_Igather", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
                  comm, request, 1);
}

int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                MPI_Comm comm)
{
    const char *call = "MPI_Gatherv";
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_ROOT(call, c, root);
    if (sendbuf == MPI_IN_PLACE && !IS_ROOT(c, root))
        return rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is allowed at the root only");
    CHECK_SEND_SIDE(call);
    if (IS_ROOT(c, root)) {
        int err = check_counts(call, c, recvcounts, "recvcounts");
        if (err != MPI_SUCCESS)
            return err;
        CHECK_PTR(call, c, displs, "displs");
        RT_CHECK_DATATYPE(call, c, recvtype, rdt);
        CHECK_PTR(call, c, recvbuf, "recvbuf");
        CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    }
    rt_coll_args_t a = {.kind = RT_COLL_GATHERV, .sbuf = sendbuf, .scount = (size_t)sendcount,
                        .sdt = sdt, .rbuf = recvbuf, .rcounts = recvcounts, .rdispls = displs,
                        .rdt = rdt, .root = root};
    return launch(call, c, &a, NULL);
}

static int scatter(const char *call, const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                   void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                   MPI_Request *request, int nonblocking)
{
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_ROOT(call, c, root);
    if (recvbuf == MPI_IN_PLACE && !IS_ROOT(c, root))
        return rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is allowed at the root only");
    if (IS_ROOT(c, root)) {
        RT_CHECK_COUNT(call, c, sendcount);
        RT_CHECK_DATATYPE(call, c, sendtype, sdt);
        RT_CHECK_BUFFER(call, c, sendbuf, sendcount);
        CHECK_NOT_IN_PLACE(call, c, sendbuf, "sendbuf");
    }
    if (recvbuf != MPI_IN_PLACE)
        CHECK_RECV_SIDE(call);
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_SCATTER, .sbuf = sendbuf, .scount = (size_t)sendcount,
                        .sdt = sdt, .rbuf = recvbuf, .rcount = (size_t)recvcount, .rdt = rdt,
                        .root = root};
    if (rdt == NULL)
        a.rcount = 0;
    return launch(call, c, &a, request);
}

int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return scatter("MPI_Scatter", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                   root, comm, NULL, 0);
}

int MPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                 MPI_Request *request)
{
    return scatter("MPI_Iscatter", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                   root, comm, request, 1);
}

int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                 MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                 int root, MPI_Comm comm)
{
    const char *call = "MPI_Scatterv";
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_ROOT(call, c, root);
    if (recvbuf == MPI_IN_PLACE && !IS_ROOT(c, root))
        return rt_err(c, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is allowed at the root only");
    if (IS_ROOT(c, root)) {
        int err = check_counts(call, c, sendcounts, "sendcounts");
        if (err != MPI_SUCCESS)
            return err;
        CHECK_PTR(call, c, displs, "displs");
        RT_CHECK_DATATYPE(call, c, sendtype, sdt);
        CHECK_PTR(call, c, sendbuf, "sendbuf");
        CHECK_NOT_IN_PLACE(call, c, sendbuf, "sendbuf");
    }
    if (recvbuf != MPI_IN_PLACE)
        CHECK_RECV_SIDE(call);
    rt_coll_args_t a = {.kind = RT_COLL_SCATTERV, .sbuf = sendbuf, .scounts = sendcounts,
                        .sdispls = displs, .sdt = sdt, .rbuf = recvbuf,
                        .rcount = rdt != NULL ? (size_t)recvcount : 0, .rdt = rdt, .root = root};
    return launch(call, c, &a, NULL);
}

static int allgather(const char *call, const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                     void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                     MPI_Request *request, int nonblocking)
{
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_SEND_SIDE(call);
    CHECK_RECV_SIDE(call);
    CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_ALLGATHER, .sbuf = sendbuf,
                        .scount = sdt != NULL ? (size_t)sendcount : 0, .sdt = sdt,
                        .rbuf = recvbuf, .rcount = (size_t)recvcount, .rdt = rdt};
    return launch(call, c, &a, request);
}

int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return allgather("MPI_Allgather", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                     comm, NULL, 0);
}

int MPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    return allgather("MPI_Iallgather", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                     recvtype, comm, request, 1);
}

int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                   MPI_Comm comm)
{
    const char *call = "MPI_Allgatherv";
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_SEND_SIDE(call);
    int err = check_counts(call, c, recvcounts, "recvcounts");
    if (err != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, c, displs, "displs");
    RT_CHECK_DATATYPE(call, c, recvtype, rdt);
    CHECK_PTR(call, c, recvbuf, "recvbuf");
    CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    rt_coll_args_t a = {.kind = RT_COLL_ALLGATHERV, .sbuf = sendbuf,
                        .scount = sdt != NULL ? (size_t)sendcount : 0, .sdt = sdt,
                        .rbuf = recvbuf, .rcounts = recvcounts, .rdispls = displs, .rdt = rdt};
    return launch(call, c, &a, NULL);
}

static int alltoall(const char *call, const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                    void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                    MPI_Request *request, int nonblocking)
{
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    CHECK_SEND_SIDE(call);
    CHECK_RECV_SIDE(call);
    CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    REQUEST_ARG(call);
    rt_coll_args_t a = {.kind = RT_COLL_ALLTOALL, .sbuf = sendbuf,
                        .scount = sdt != NULL ? (size_t)sendcount : 0, .sdt = sdt,
                        .rbuf = recvbuf, .rcount = (size_t)recvcount, .rdt = rdt};
    return launch(call, c, &a, request);
}

int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return alltoall("MPI_Alltoall", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                    comm, NULL, 0);
}

int MPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    return alltoall("MPI_Ialltoall", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                    comm, request, 1);
}

int MPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                  MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                  const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    const char *call = "MPI_Alltoallv";
    rt_datatype_t *sdt = NULL, *rdt = NULL;
    COMM_ARGS(call);
    int err;
    if (sendbuf != MPI_IN_PLACE) {
        if ((err = check_counts(call, c, sendcounts, "sendcounts")) != MPI_SUCCESS)
            return err;
        CHECK_PTR(call, c, sdispls, "sdispls");
        RT_CHECK_DATATYPE(call, c, sendtype, sdt);
        CHECK_PTR(call, c, sendbuf, "sendbuf");
    }
    if ((err = check_counts(call, c, recvcounts, "recvcounts")) != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, c, rdispls, "rdispls");
    RT_CHECK_DATATYPE(call, c, recvtype, rdt);
    CHECK_PTR(call, c, recvbuf, "recvbuf");
    CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    rt_coll_args_t a = {.kind = RT_COLL_ALLTOALLV, .sbuf = sendbuf, .scounts = sendcounts,
                        .sdispls = sdispls, .sdt = sdt, .rbuf = recvbuf, .rcounts = recvcounts,
                        .rdispls = rdispls, .rdt = rdt};
    return launch(call, c, &a, NULL);
}

/* Translate a type array into the runtime's (freed by the caller). */
static int type_array(const char *call, rt_comm_t *c, const MPI_Datatype *types,
                      const char *name, rt_datatype_t ***out)
{
    *out = NULL;
    CHECK_PTR(call, c, types, name);
    rt_datatype_t **dts = malloc((size_t)c->peer_size * sizeof(*dts));
    if (dts == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    for (int i = 0; i < c->peer_size; i++) {
        dts[i] = rt_datatype_get(types[i]);
        if (dts[i] == NULL) {
            free(dts);
            return rt_err(c, call, MPI_ERR_TYPE, "invalid datatype in %s[%d]", name, i);
        }
        if (!dts[i]->committed) {
            free(dts);
            return rt_err(c, call, MPI_ERR_TYPE, "datatype in %s[%d] is not committed", name,
                          i);
        }
    }
    *out = dts;
    return MPI_SUCCESS;
}

int MPI_Alltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                  const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                  const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    const char *call = "MPI_Alltoallw";
    rt_datatype_t **sdts = NULL, **rdts = NULL;
    COMM_ARGS(call);
    int err;
    if (sendbuf != MPI_IN_PLACE) {
        if ((err = check_counts(call, c, sendcounts, "sendcounts")) != MPI_SUCCESS)
            return err;
        CHECK_PTR(call, c, sdispls, "sdispls");
        CHECK_PTR(call, c, sendbuf, "sendbuf");
    }
    if ((err = check_counts(call, c, recvcounts, "recvcounts")) != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, c, rdispls, "rdispls");
    CHECK_PTR(call, c, recvbuf, "recvbuf");
    CHECK_NOT_IN_PLACE(call, c, recvbuf, "recvbuf");
    if (sendbuf != MPI_IN_PLACE &&
        (err = type_array(call, c, sendtypes, "sendtypes", &sdts)) != MPI_SUCCESS)
        return err;
    if ((err = type_array(call, c, recvtypes, "recvtypes", &rdts)) != MPI_SUCCESS)
        goto free_sdts;
    rt_coll_args_t a = {.kind = RT_COLL_ALLTOALLW, .sbuf = sendbuf, .scounts = sendcounts,
                        .sdispls = sdispls, .sdts = sdts, .rbuf = recvbuf,
                        .rcounts = recvcounts, .rdispls = rdispls, .rdts = rdts};
    err = launch(call, c, &a, NULL);
    free(rdts);
free_sdts:
    free(sdts);
    return err;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Allgather = PMPI_Allgather
#pragma weak MPI_Allgatherv = PMPI_Allgatherv
#pragma weak MPI_Allreduce = PMPI_Allreduce
#pragma weak MPI_Alltoall = PMPI_Alltoall
#pragma weak MPI_Alltoallv = PMPI_Alltoallv
#pragma weak MPI_Alltoallw = PMPI_Alltoallw
#pragma weak MPI_Barrier = PMPI_Barrier
#pragma weak MPI_Bcast = PMPI_Bcast
#pragma weak MPI_Exscan = PMPI_Exscan
#pragma weak MPI_Gather = PMPI_Gather
#pragma weak MPI_Gatherv = PMPI_Gatherv
#pragma weak MPI_Iallgather = PMPI_Iallgather
#pragma weak MPI_Iallreduce = PMPI_Iallreduce
#pragma weak MPI_Ialltoall = PMPI_Ialltoall
#pragma weak MPI_Ibarrier = PMPI_Ibarrier
#pragma weak MPI_Ibcast = PMPI_Ibcast
#pragma weak MPI_Igather = PMPI_Igather
#pragma weak MPI_Ireduce = PMPI_Ireduce
#pragma weak MPI_Iscatter = PMPI_Iscatter
#pragma weak MPI_Reduce = PMPI_Reduce
#pragma weak MPI_Reduce_scatter = PMPI_Reduce_scatter
#pragma weak MPI_Reduce_scatter_block = PMPI_Reduce_scatter_block
#pragma weak MPI_Scan = PMPI_Scan
#pragma weak MPI_Scatter = PMPI_Scatter
#pragma weak MPI_Scatterv = PMPI_Scatterv

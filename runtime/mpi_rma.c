/*
 * mpi_rma.c -- MPI entry points of the one-sided operations: argument
 * checks, then rt_rma_start (runtime/rt_win_ops.c).  The blocking forms
 * detach their request (it completes at the next flush or epoch end); the
 * R forms hand it to the program.
 */
#include "rt_coll.h"
#include "rt_op.h"
#include "rt_win.h"

/* Checks of one (buffer, count, datatype) triple; OUT gets the type. */
#define CHECK_TRIPLE(CALL, W, BUF, COUNT, TYPE, OUT)                          \
    do {                                                                      \
        RT_CHECK_COUNT(CALL, (W)->comm, COUNT);                               \
        RT_CHECK_DATATYPE(CALL, (W)->comm, TYPE, OUT);                        \
        RT_CHECK_BUFFER_DT(CALL, (W)->comm, BUF, COUNT, OUT);                 \
    } while (0)

/* An operation RMA allows: a predefined one, REPLACE or NO_OP, valid on the
 * target type.  Returns from the caller on error. */
#define CHECK_RMA_OP(CALL, W, OP, TYPE)                                       \
    do {                                                                      \
        rt_op_t *o_ = rt_op_get(OP);                                          \
        if (o_ == NULL || o_->user_fn != NULL)                                \
            return rt_err((W)->comm, CALL, MPI_ERR_OP,                        \
                          "invalid operation (one-sided calls take only "     \
                          "predefined ones)");                                \
        if ((OP) != MPI_REPLACE && (OP) != MPI_NO_OP &&                       \
            rt_op_check(o_, TYPE) != MPI_SUCCESS)                             \
            return rt_err((W)->comm, CALL, MPI_ERR_OP,                        \
                          "%s is not defined on this datatype", o_->name);    \
    } while (0)

/* The common tail: the target rank's check, matching sizes, the start. */
static int start(rt_win_t *w, rt_rma_args_t *a, const char *call, MPI_Request *request)
{
    if (a->target != MPI_PROC_NULL && (a->target < 0 || a->target >= w->comm->size))
        return rt_err(w->comm, call, MPI_ERR_RANK, "invalid target rank %d (window of %d ranks)",
                      a->target, w->comm->size);
    size_t tbytes = a->target_count * a->target_dt->size;
    if (a->origin_dt != NULL && a->op != MPI_NO_OP &&
        a->origin_count * a->origin_dt->size != tbytes)
        return rt_err(w->comm, call, MPI_ERR_COUNT,
                      "the origin holds %zu bytes, the target %zu",
                      a->origin_count * a->origin_dt->size, tbytes);
    if (a->result_dt != NULL && a->result_count * a->result_dt->size != tbytes)
        return rt_err(w->comm, call, MPI_ERR_COUNT, "the result holds %zu bytes, the target %zu",
                      a->result_count * a->result_dt->size, tbytes);
    int err;
    rt_request_t *req = rt_rma_start(w, a, call, &err);
    if (req == NULL)
        return err;
    if (request != NULL)
        *request = req->handle;
    else if (req->complete)
        rt_request_release(req);
    else
        rt_request_detach(req);
    return MPI_SUCCESS;
}

static int put(const char *call, const void *origin_addr, int origin_count,
               MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp,
               int target_count, MPI_Datatype target_datatype, MPI_Win win,
               MPI_Request *request)
{
    rt_win_t *w;
    rt_rma_args_t a = {.kind = RT_RMA_PUT, .origin = origin_addr, .target = target_rank,
                       .disp = target_disp, .op = MPI_REPLACE};
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    CHECK_TRIPLE(call, w, origin_addr, origin_count, origin_datatype, a.origin_dt);
    CHECK_TRIPLE(call, w, (void *)1, target_count, target_datatype, a.target_dt);
    a.origin_count = (size_t)origin_count;
    a.target_count = (size_t)target_count;
    return start(w, &a, call, request);
}

static int get(const char *call, void *origin_addr, int origin_count,
               MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp,
               int target_count, MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request)
{
    rt_win_t *w;
    rt_rma_args_t a = {.kind = RT_RMA_GET, .result = origin_addr, .target = target_rank,
                       .disp = target_disp, .op = MPI_NO_OP};
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    CHECK_TRIPLE(call, w, origin_addr, origin_count, origin_datatype, a.result_dt);
    CHECK_TRIPLE(call, w, (void *)1, target_count, target_datatype, a.target_dt);
    a.result_count = (size_t)origin_count;
    a.target_count = (size_t)target_count;
    return start(w, &a, call, request);
}

static int get_accumulate(const char *call, const void *origin_addr, int origin_count,
                          MPI_Datatype origin_datatype, void *result_addr, int result_count,
                          MPI_Datatype result_datatype, int target_rank, MPI_Aint target_disp,
                          int target_count, MPI_Datatype target_datatype, MPI_Op op,
                          MPI_Win win, MPI_Request *request)
{
    rt_win_t *w;
    rt_rma_args_t a = {.kind = result_addr != NULL || result_count > 0 ? RT_RMA_GET_ACC
                                                                        : RT_RMA_ACC,
                       .origin = origin_addr, .result = result_addr, .target = target_rank,
                       .disp = target_disp, .op = op, .atomic = 1};
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    CHECK_TRIPLE(call, w, (void *)1, target_count, target_datatype, a.target_dt);
    CHECK_RMA_OP(call, w, op, a.target_dt);
    if (op != MPI_NO_OP) {
        CHECK_TRIPLE(call, w, origin_addr, origin_count, origin_datatype, a.origin_dt);
        a.origin_count = (size_t)origin_count;
    } else if (a.kind == RT_RMA_ACC) {
        /* Accumulating nothing changes nothing. */
        a.target = MPI_PROC_NULL;
    }
    if (a.kind == RT_RMA_GET_ACC) {
        CHECK_TRIPLE(call, w, result_addr, result_count, result_datatype, a.result_dt);
        a.result_count = (size_t)result_count;
        if (op == MPI_NO_OP) {
            /* Only a fetch: nothing travels to the target but the question. */
            a.kind = RT_RMA_GET;
        }
    }
    a.target_count = (size_t)target_count;
    return start(w, &a, call, request);
}

int MPI_Put(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
            int target_rank, MPI_Aint target_disp, int target_count,
            MPI_Datatype target_datatype, MPI_Win win)
{
    return put("MPI_Put", origin_addr, origin_count, origin_datatype, target_rank, target_disp,
               target_count, target_datatype, win, NULL);
}

int MPI_Rput(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
             int target_rank, MPI_Aint target_disp, int target_count,
             MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request)
{
    if (request == NULL)
        return rt_err(NULL, "MPI_Rput", MPI_ERR_ARG, "request is NULL");
    return put("MPI_Rput", origin_addr, origin_count, origin_datatype, target_rank, target_disp,
               target_count, target_datatype, win, request);
}

int MPI_Get(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
            MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win)
{
    return get("MPI_Get", origin_addr, origin_count, origin_datatype, target_rank, target_disp,
               target_count, target_datatype, win, NULL);
}

int MPI_Rget(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
             MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win,
             MPI_Request *request)
{
    if (request == NULL)
        return rt_err(NULL, "MPI_Rget", MPI_ERR_ARG, "request is NULL");
    return get("MPI_Rget", origin_addr, origin_count, origin_datatype, target_rank, target_disp,
               target_count, target_datatype, win, request);
}

int MPI_Accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                   int target_rank, MPI_Aint target_disp, int target_count,
                   MPI_Datatype target_datatype, MPI_Op op, MPI_Win win)
{
    return get_accumulate("MPI_Accumulate", origin_addr, origin_count, origin_datatype, NULL, 0,
                          MPI_DATATYPE_NULL, target_rank, target_disp, target_count,
                          target_datatype, op, win, NULL);
}

int MPI_Raccumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                    int target_rank, MPI_Aint target_disp, int target_count,
                    MPI_Datatype target_datatype, MPI_Op op, MPI_Win win, MPI_Request *request)
{
    if (request == NULL)
        return rt_err(NULL, "MPI_Raccumulate", MPI_ERR_ARG, "request is NULL");
    return get_accumulate("MPI_Raccumulate", origin_addr, origin_count, origin_datatype, NULL, 0,
                          MPI_DATATYPE_NULL, target_rank, target_disp, target_count,
                          target_datatype, op, win, request);
}

int MPI_Get_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                       void *result_addr, int result_count, MPI_Datatype result_datatype,
                       int target_rank, MPI_Aint target_disp, int target_count,
                       MPI_Datatype target_datatype, MPI_Op op, MPI_Win win)
{
    if (result_addr == NULL && result_count > 0)
        return rt_err(NULL, "MPI_Get_accumulate", MPI_ERR_BUFFER, "result_addr is NULL");
    return get_accumulate("MPI_Get_accumulate", origin_addr, origin_count, origin_datatype,
                          result_addr, result_count, result_datatype, target_rank, target_disp,
                          target_count, target_datatype, op, win, NULL);
}

int MPI_Rget_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype,
                        void *result_addr, int result_count, MPI_Datatype result_datatype,
                        int target_rank, MPI_Aint target_disp, int target_count,
                        MPI_Datatype target_datatype, MPI_Op op, MPI_Win win,
                        MPI_Request *request)
{
    if (request == NULL)
        return rt_err(NULL, "MPI_Rget_accumulate", MPI_ERR_ARG, "request is NULL");
    return get_accumulate("MPI_Rget_accumulate", origin_addr, origin_count, origin_datatype,
                          result_addr, result_count, result_datatype, target_rank, target_disp,
                          target_count, target_datatype, op, win, request);
}

int MPI_Fetch_and_op(const void *origin_addr, void *result_addr, MPI_Datatype datatype,
                     int target_rank, MPI_Aint target_disp, MPI_Op op, MPI_Win win)
{
    if (result_addr == NULL)
        return rt_err(NULL, "MPI_Fetch_and_op", MPI_ERR_BUFFER, "result_addr is NULL");
    return get_accumulate("MPI_Fetch_and_op", origin_addr, 1, datatype, result_addr, 1,
                          datatype, target_rank, target_disp, 1, datatype, op, win, NULL);
}

int MPI_Compare_and_swap(const void *origin_addr, const void *compare_addr, void *result_addr,
                         MPI_Datatype datatype, int target_rank, MPI_Aint target_disp,
                         MPI_Win win)
{
    static const char call[] = "MPI_Compare_and_swap";
    rt_win_t *w;
    rt_rma_args_t a = {.kind = RT_RMA_CAS, .origin = origin_addr, .origin_count = 1,
                       .result = result_addr, .result_count = 1, .compare = compare_addr,
                       .target = target_rank, .disp = target_disp, .target_count = 1,
                       .op = MPI_REPLACE};
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    RT_CHECK_DATATYPE(call, w->comm, datatype, a.target_dt);
    if (a.target_dt->derived || !a.target_dt->contiguous)
        return rt_err(w->comm, call, MPI_ERR_TYPE, "the datatype must be a predefined one");
    RT_WIN_CHECK_ARG(call, w->comm, origin_addr, "origin_addr");
    RT_WIN_CHECK_ARG(call, w->comm, compare_addr, "compare_addr");
    RT_WIN_CHECK_ARG(call, w->comm, result_addr, "result_addr");
    a.origin_dt = a.result_dt = a.target_dt;
    return start(w, &a, call, NULL);
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Accumulate = PMPI_Accumulate
#pragma weak MPI_Compare_and_swap = PMPI_Compare_and_swap
#pragma weak MPI_Fetch_and_op = PMPI_Fetch_and_op
#pragma weak MPI_Get = PMPI_Get
#pragma weak MPI_Get_accumulate = PMPI_Get_accumulate
#pragma weak MPI_Put = PMPI_Put
#pragma weak MPI_Raccumulate = PMPI_Raccumulate
#pragma weak MPI_Rget = PMPI_Rget
#pragma weak MPI_Rget_accumulate = PMPI_Rget_accumulate
#pragma weak MPI_Rput = PMPI_Rput

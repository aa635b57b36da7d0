/*
 * mpi_request.c -- completing requests: Wait, Test and their any/all/some
 * forms, Request_free, Cancel, Test_cancelled, Get_count.
 *
 * Conventions of the standard that shape this file:
 *   - MPI_REQUEST_NULL and inactive persistent requests are "inactive": they
 *     complete at once with the empty status, and the Waitany-like calls skip
 *     them (reporting MPI_UNDEFINED when nothing is active);
 *   - completing a nonblocking request frees it (the handle becomes
 *     MPI_REQUEST_NULL); a persistent one becomes inactive instead;
 *   - an error inside a request is raised by the call that completes it, on
 *     the request's communicator; calls that take status arrays raise
 *     MPI_ERR_IN_STATUS and leave each request's error in its status.
 */
#include <limits.h>

#include "rt.h"
#include "rt_insight.h"
#include "rt_proto.h"
#include "rt_request.h"

#define CHECK_PTR(CALL, PTR, NAME)                                            \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

/* Look up a handle that may be MPI_REQUEST_NULL (*out = NULL then). */
static int lookup(const char *call, MPI_Request handle, int index, rt_request_t **out)
{
    *out = NULL;
    if (handle == MPI_REQUEST_NULL)
        return MPI_SUCCESS;
    *out = rt_request_get(handle);
    if (*out != NULL)
        return MPI_SUCCESS;
    if (index < 0)
        return rt_err(NULL, call, MPI_ERR_REQUEST, "invalid request handle 0x%x",
                      (unsigned)handle);
    return rt_err(NULL, call, MPI_ERR_REQUEST, "invalid request handle 0x%x at index %d",
                  (unsigned)handle, index);
}

/* Validate a request array (count, pointer, every handle). */
static int check_array(const char *call, int count, const MPI_Request reqs[])
{
    if (count < 0)
        return rt_err(NULL, call, MPI_ERR_COUNT, "invalid count %d", count);
    if (count > 0 && reqs == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "array_of_requests is NULL");
    rt_request_t *req;
    for (int i = 0; i < count; i++) {
        int err = lookup(call, reqs[i], i, &req);
        if (err != MPI_SUCCESS)
            return err;
    }
    return MPI_SUCCESS;
}

static void set_empty(MPI_Status *status)
{
    if (status != MPI_STATUS_IGNORE)
        rt_status_set_empty(status);
}

static MPI_Status *status_at(MPI_Status *statuses, int i)
{
    return statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[i];
}

/* Report one complete (or inactive) request; raise its error as `call`'s. */
static int finish_one(const char *call, rt_request_t *req, MPI_Request *handle,
                      MPI_Status *status)
{
    int err = MPI_SUCCESS;
    if (req->active && req->status.MPI_ERROR != MPI_SUCCESS)
        err = rt_request_raise(req, call, req->status.MPI_ERROR);
    rt_request_finish(req, handle, status);
    return err;
}

/* Report the complete requests reqs[which[0..n-1]] (which NULL: reqs[0..n-1]);
 * raise MPI_ERR_IN_STATUS when one of them failed.  The k-th status goes to
 * statuses[k] when `compact` (Waitsome, Testsome), else to statuses[which[k]]. */
static int finish_many(const char *call, MPI_Request reqs[], const int which[], int n,
                       MPI_Status *statuses, int compact)
{
    int err = MPI_SUCCESS;
    for (int k = 0; k < n; k++) {
        rt_request_t *req = rt_request_get(reqs[which != NULL ? which[k] : k]);
        if (req != NULL && req->active && req->status.MPI_ERROR != MPI_SUCCESS) {
            err = rt_request_raise(req, call, MPI_ERR_IN_STATUS);
            break;
        }
    }
    for (int k = 0; k < n; k++) {
        int i = which != NULL ? which[k] : k;
        MPI_Status *st = status_at(statuses, compact ? k : i);
        rt_request_t *req = rt_request_get(reqs[i]);
        if (req == NULL) {
            set_empty(st);
            continue;
        }
        rt_request_finish(req, &reqs[i], st);
    }
    return err;
}

/* ---- Single request ------------------------------------------------------------- */

/* Wait for one request as part of `call`, which the hang diagnosis shows
 * with the request's peer and tag. */
static void wait_request(const char *call, rt_request_t *req)
{
    int kind = req->kind == RT_REQ_SEND ? RT_HANG_DEST
               : req->kind == RT_REQ_RECV ? RT_HANG_SOURCE
                                          : RT_HANG_NO_PEER;
    rt_hang_enter(call, req->comm, kind, req->peer, req->tag);
    rt_request_wait(req);
    rt_hang_exit();
}

int MPI_Wait(MPI_Request *request, MPI_Status *status)
{
    RT_CHECK_INIT("MPI_Wait");
    CHECK_PTR("MPI_Wait", request, "request");
    CHECK_PTR("MPI_Wait", status, "status (use MPI_STATUS_IGNORE)");
    rt_request_t *req;
    int err = lookup("MPI_Wait", *request, -1, &req);
    if (err != MPI_SUCCESS)
        return err;
    if (req == NULL) {
        set_empty(status);
        return MPI_SUCCESS;
    }
    if (req->active)
        wait_request("MPI_Wait", req);
    return finish_one("MPI_Wait", req, request, status);
}

int MPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
    RT_CHECK_INIT("MPI_Test");
    CHECK_PTR("MPI_Test", request, "request");
    CHECK_PTR("MPI_Test", flag, "flag");
    CHECK_PTR("MPI_Test", status, "status (use MPI_STATUS_IGNORE)");
    rt_request_t *req;
    int err = lookup("MPI_Test", *request, -1, &req);
    if (err != MPI_SUCCESS)
        return err;
    if (req == NULL) {
        *flag = 1;
        set_empty(status);
        return MPI_SUCCESS;
    }
    if (req->active && !req->complete)
        rt_progress();
    if (req->active && !req->complete) {
        *flag = 0;
        return MPI_SUCCESS;
    }
    *flag = 1;
    return finish_one("MPI_Test", req, request, status);
}

/* ---- All ------------------------------------------------------------------------------ */

int MPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status array_of_statuses[])
{
    const char *call = "MPI_Waitall";
    RT_CHECK_INIT(call);
    int err = check_array(call, count, array_of_requests);
    if (err != MPI_SUCCESS)
        return err;
    if (count > 0)
        CHECK_PTR(call, array_of_statuses, "array_of_statuses (use MPI_STATUSES_IGNORE)");
    /* The hang diagnosis shows the whole array: the rank waits for the
     * peers of all its incomplete requests.  Each request completed counts
     * as progress. */
    rt_hang_enter_reqs(call, count, array_of_requests);
    for (int i = 0; i < count; i++) {
        rt_request_t *req = rt_request_get(array_of_requests[i]);
        if (rt_request_is_active(req)) {
            rt_request_wait(req);
            rt_hang.steps++;
        }
    }
    rt_hang_exit();
    return finish_many(call, array_of_requests, NULL, count, array_of_statuses, 0);
}

int MPI_Testall(int count, MPI_Request array_of_requests[], int *flag,
                MPI_Status array_of_statuses[])
{
    const char *call = "MPI_Testall";
    RT_CHECK_INIT(call);
    int err = check_array(call, count, array_of_requests);
    if (err != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, flag, "flag");
    if (count > 0)
        CHECK_PTR(call, array_of_statuses, "array_of_statuses (use MPI_STATUSES_IGNORE)");
    rt_progress();
    for (int i = 0; i < count; i++) {
        rt_request_t *req = rt_request_get(array_of_requests[i]);
        if (rt_request_is_active(req) && !req->complete) {
            /* Not all done: the standard leaves every request untouched. */
            *flag = 0;
            return MPI_SUCCESS;
        }
    }
    *flag = 1;
    return finish_many(call, array_of_requests, NULL, count, array_of_statuses, 0);
}

/* ---- Any ------------------------------------------------------------------------------- */

/* One pass over the array: the index of a complete active request, -1 when
 * some are active but none is complete, MPI_UNDEFINED when none is active. */
static int find_complete(int count, MPI_Request reqs[])
{
    int any_active = 0;
    for (int i = 0; i < count; i++) {
        rt_request_t *req = rt_request_get(reqs[i]);
        if (!rt_request_is_active(req))
            continue;
        if (req->complete)
            return i;
        any_active = 1;
    }
    return any_active ? -1 : MPI_UNDEFINED;
}

int MPI_Waitany(int count, MPI_Request array_of_requests[], int *index, MPI_Status *status)
{
    const char *call = "MPI_Waitany";
    RT_CHECK_INIT(call);
    int err = check_array(call, count, array_of_requests);
    if (err != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, index, "index");
    CHECK_PTR(call, status, "status (use MPI_STATUS_IGNORE)");
    unsigned idle = 0;
    int i;
    rt_hang_enter_reqs(call, count, array_of_requests);
    while ((i = find_complete(count, array_of_requests)) == -1) {
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    rt_hang_exit();
    if (i == MPI_UNDEFINED) {
        *index = MPI_UNDEFINED;
        set_empty(status);
        return MPI_SUCCESS;
    }
    *index = i;
    return finish_one(call, rt_request_get(array_of_requests[i]), &array_of_requests[i], status);
}

int MPI_Testany(int count, MPI_Request array_of_requests[], int *index, int *flag,
                MPI_Status *status)
{
    const char *call = "MPI_Testany";
    RT_CHECK_INIT(call);
    int err = check_array(call, count, array_of_requests);
    if (err != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, index, "index");
    CHECK_PTR(call, flag, "flag");
    CHECK_PTR(call, status, "status (use MPI_STATUS_IGNORE)");
    int i = find_complete(count, array_of_requests);
    if (i == -1) {
        rt_progress();
        i = find_complete(count, array_of_requests);
    }
    if (i == -1) {
        *flag = 0;
        *index = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    *flag = 1;
    if (i == MPI_UNDEFINED) {
        *index = MPI_UNDEFINED;
        set_empty(status);
        return MPI_SUCCESS;
    }
    *index = i;
    return finish_one(call, rt_request_get(array_of_requests[i]), &array_of_requests[i], status);
}

/* ---- Some -------------------------------------------------------------------------------- */

/* Collect the complete active requests into indices[]; returns how many,
 * or MPI_UNDEFINED when none is active. */
static int collect_complete(int count, MPI_Request reqs[], int indices[])
{
    int any_active = 0, n = 0;
    for (int i = 0; i < count; i++) {
        rt_request_t *req = rt_request_get(reqs[i]);
        if (!rt_request_is_active(req))
            continue;
        any_active = 1;
        if (req->complete)
            indices[n++] = i;
    }
    return any_active ? n : MPI_UNDEFINED;
}

static int some(const char *call, int incount, MPI_Request reqs[], int *outcount, int indices[],
                MPI_Status statuses[], int blocking)
{
    RT_CHECK_INIT(call);
    int err = check_array(call, incount, reqs);
    if (err != MPI_SUCCESS)
        return err;
    CHECK_PTR(call, outcount, "outcount");
    if (incount > 0) {
        CHECK_PTR(call, indices, "array_of_indices");
        CHECK_PTR(call, statuses, "array_of_statuses (use MPI_STATUSES_IGNORE)");
    }
    unsigned idle = 0;
    int n = collect_complete(incount, reqs, indices);
    if (blocking)
        rt_hang_enter_reqs(call, incount, reqs);
    while (n == 0) {
        int events = rt_progress();
        n = collect_complete(incount, reqs, indices);
        if (n != 0 || !blocking)
            break;
        if (events == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    if (blocking)
        rt_hang_exit();
    *outcount = n;
    if (n == MPI_UNDEFINED || n == 0)
        return MPI_SUCCESS;
    return finish_many(call, reqs, indices, n, statuses, 1);
}

int MPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount,
                 int array_of_indices[], MPI_Status array_of_statuses[])
{
    return some("MPI_Waitsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, 1);
}

int MPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount,
                 int array_of_indices[], MPI_Status array_of_statuses[])
{
    return some("MPI_Testsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, 0);
}

/* ---- Free, cancel, status queries ---------------------------------------------------------- */

int MPI_Request_free(MPI_Request *request)
{
    RT_CHECK_INIT("MPI_Request_free");
    CHECK_PTR("MPI_Request_free", request, "request");
    rt_request_t *req = rt_request_get(*request);
    if (req == NULL)
        return rt_err(NULL, "MPI_Request_free", MPI_ERR_REQUEST, "invalid request handle 0x%x",
                      (unsigned)*request);
    if (req->complete || !req->active)
        rt_request_release(req);
    else
        rt_request_detach(req);    /* released when its protocol ends */
    *request = MPI_REQUEST_NULL;
    return MPI_SUCCESS;
}

/*
 * Only receives that are still posted can be cancelled.  A send is never
 * cancelled: once its first packet left it may have matched already, and
 * the standard allows a cancel to fail; the send then completes normally
 * and MPI_Test_cancelled reports false.
 */
int MPI_Cancel(MPI_Request *request)
{
    RT_CHECK_INIT("MPI_Cancel");
    CHECK_PTR("MPI_Cancel", request, "request");
    rt_request_t *req = rt_request_get(*request);
    if (req == NULL)
        return rt_err(NULL, "MPI_Cancel", MPI_ERR_REQUEST, "invalid request handle 0x%x",
                      (unsigned)*request);
    if (!req->active)
        return rt_err(req->comm, "MPI_Cancel", MPI_ERR_REQUEST,
                      "request 0x%x is an inactive persistent request", (unsigned)*request);
    if (req->kind == RT_REQ_RECV && !req->complete)
        rt_proto_recv_cancel(req);
    return MPI_SUCCESS;
}

int MPI_Test_cancelled(const MPI_Status *status, int *flag)
{
    RT_CHECK_INIT("MPI_Test_cancelled");
    if (status == NULL || status == MPI_STATUS_IGNORE)
        return rt_err(NULL, "MPI_Test_cancelled", MPI_ERR_ARG, "invalid status %s",
                      status == NULL ? "NULL" : "MPI_STATUS_IGNORE");
    CHECK_PTR("MPI_Test_cancelled", flag, "flag");
    *flag = status->minimpi_cancelled != 0;
    return MPI_SUCCESS;
}

int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    RT_CHECK_INIT("MPI_Get_count");
    if (status == NULL || status == MPI_STATUS_IGNORE)
        return rt_err(NULL, "MPI_Get_count", MPI_ERR_ARG, "invalid status %s",
                      status == NULL ? "NULL" : "MPI_STATUS_IGNORE");
    rt_datatype_t *dt;
    RT_CHECK_DATATYPE("MPI_Get_count", NULL, datatype, dt);
    CHECK_PTR("MPI_Get_count", count, "count");
    long long bytes = status->minimpi_count;
    if (dt->size == 0)
        *count = bytes == 0 ? 0 : MPI_UNDEFINED;
    else if (bytes % (long long)dt->size != 0 || bytes / (long long)dt->size > INT_MAX)
        *count = MPI_UNDEFINED;
    else
        *count = (int)(bytes / (long long)dt->size);
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Cancel = PMPI_Cancel
#pragma weak MPI_Get_count = PMPI_Get_count
#pragma weak MPI_Request_free = PMPI_Request_free
#pragma weak MPI_Test = PMPI_Test
#pragma weak MPI_Test_cancelled = PMPI_Test_cancelled
#pragma weak MPI_Testall = PMPI_Testall
#pragma weak MPI_Testany = PMPI_Testany
#pragma weak MPI_Testsome = PMPI_Testsome
#pragma weak MPI_Wait = PMPI_Wait
#pragma weak MPI_Waitall = PMPI_Waitall
#pragma weak MPI_Waitany = PMPI_Waitany
#pragma weak MPI_Waitsome = PMPI_Waitsome

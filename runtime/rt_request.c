/*
 * rt_request.c -- the request pool and the completion of requests (see
 * rt_request.h).
 */
#include "rt_request.h"

#include <stdlib.h>
#include <string.h>

/* The handle keeps 24 bits for index + 1. */
#define RT_REQ_MAX (0xffffff - 1)

rt_request_t **rt_req_chunks;
size_t rt_req_num_chunks;
static size_t rt_req_chunks_cap;
static rt_request_t *rt_req_free;
static size_t rt_req_detached_sends;

int rt_request_pool_init(void)
{
    rt_req_chunks = NULL;
    rt_req_num_chunks = 0;
    rt_req_chunks_cap = 0;
    rt_req_free = NULL;
    rt_req_detached_sends = 0;
    return MPI_SUCCESS;
}

void rt_request_pool_finalize(void)
{
    for (size_t i = 0; i < rt_req_num_chunks; i++) {
        /* Temporaries of requests the program never completed would leak. */
        for (size_t j = 0; j < RT_REQ_CHUNK; j++)
            free(rt_req_chunks[i][j].tmp);
        free(rt_req_chunks[i]);
    }
    free(rt_req_chunks);
    rt_request_pool_init();
}

/* Add one chunk of requests to the free list (the only malloc of the pool). */
static void pool_grow(void)
{
    size_t first = rt_req_num_chunks * RT_REQ_CHUNK;
    if (first + RT_REQ_CHUNK > RT_REQ_MAX)
        rt_fatal("more than %d requests are in use at once", RT_REQ_MAX);
    if (rt_req_num_chunks == rt_req_chunks_cap) {
        size_t cap = rt_req_chunks_cap ? 2 * rt_req_chunks_cap : 16;
        rt_request_t **chunks = realloc(rt_req_chunks, cap * sizeof(*chunks));
        if (chunks == NULL)
            rt_fatal("out of memory growing the request table to %zu chunks", cap);
        rt_req_chunks = chunks;
        rt_req_chunks_cap = cap;
    }
    rt_request_t *chunk = calloc(RT_REQ_CHUNK, sizeof(*chunk));
    if (chunk == NULL)
        rt_fatal("out of memory allocating %d requests", RT_REQ_CHUNK);
    rt_req_chunks[rt_req_num_chunks++] = chunk;
    /* Push in reverse so the lowest index comes out first. */
    for (size_t j = RT_REQ_CHUNK; j-- > 0;) {
        chunk[j].handle = (MPI_Request)(RT_REQ_HANDLE_BASE | (unsigned)(first + j + 1));
        chunk[j].next_free = rt_req_free;
        rt_req_free = &chunk[j];
    }
}

rt_request_t *rt_request_alloc(rt_req_kind_t kind)
{
    if (RT_UNLIKELY(rt_req_free == NULL))
        pool_grow();
    rt_request_t *req = rt_req_free;
    rt_req_free = req->next_free;
    MPI_Request handle = req->handle;
    memset(req, 0, sizeof(*req));
    req->handle = handle;
    req->kind = (uint8_t)kind;
    req->active = 1;
    return req;
}

void rt_request_release(rt_request_t *req)
{
    if (RT_UNLIKELY(req->tmp != NULL)) {
        free(req->tmp);
        req->tmp = NULL;
    }
    rt_datatype_release(req->dt);
    req->dt = NULL;
    if (req->holds_comm)
        rt_comm_release(req->comm);
    req->holds_comm = 0;
    req->kind = RT_REQ_UNUSED;
    req->next_free = rt_req_free;
    rt_req_free = req;
}

void rt_request_foreach(int (*fn)(rt_request_t *req, void *arg), void *arg)
{
    for (size_t i = 0; i < rt_req_num_chunks; i++)
        for (size_t j = 0; j < RT_REQ_CHUNK; j++)
            if (rt_req_chunks[i][j].kind != RT_REQ_UNUSED && fn(&rt_req_chunks[i][j], arg))
                return;
}

uint32_t rt_request_id(const rt_request_t *req)
{
    return (uint32_t)req->handle & 0xffffffu;
}

void rt_request_complete_slow(rt_request_t *req)
{
    if (req->tmp != NULL) {
        /* A receive staged non-contiguous data in packed form. */
        if (req->kind == RT_REQ_RECV && req->status.minimpi_count > 0)
            rt_datatype_unpack(req->dt, req->tmp, (size_t)req->status.minimpi_count, req->buf);
        free(req->tmp);
        req->tmp = NULL;
    }
    rt_request_mark_done(req);
    if (req->on_complete != NULL)
        req->on_complete(req);
    if (req->detached) {
        if (req->kind == RT_REQ_SEND)
            rt_req_detached_sends--;
        rt_request_release(req);
    }
}

void rt_request_detach(rt_request_t *req)
{
    req->detached = 1;
    if (req->kind == RT_REQ_SEND)
        rt_req_detached_sends++;
}

size_t rt_request_num_detached_sends(void)
{
    return rt_req_detached_sends;
}

void rt_request_wait(rt_request_t *req)
{
    unsigned idle = 0;
    while (!req->complete) {
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
}

void rt_status_set_empty(MPI_Status *st)
{
    st->MPI_SOURCE = MPI_ANY_SOURCE;
    st->MPI_TAG = MPI_ANY_TAG;
    st->MPI_ERROR = MPI_SUCCESS;
    st->minimpi_cancelled = 0;
    st->minimpi_count = 0;
}

int rt_request_finish(rt_request_t *req, MPI_Request *handle, MPI_Status *status)
{
    MPI_Status empty;
    const MPI_Status *st = &req->status;
    if (req->persistent && !req->active) {
        /* An inactive persistent request reports the empty status. */
        rt_status_set_empty(&empty);
        st = &empty;
    }
    int err = st->MPI_ERROR;
    if (status != MPI_STATUS_IGNORE)
        *status = *st;
    if (req->persistent) {
        req->active = 0;
    } else {
        rt_request_release(req);
        *handle = MPI_REQUEST_NULL;
    }
    return err;
}

int rt_request_raise(const rt_request_t *req, const char *call, int errclass)
{
    const MPI_Status *st = &req->status;
    if (st->MPI_ERROR == MPI_ERR_TRUNCATE)
        return rt_err(req->comm, call, errclass,
                      "message of %zu bytes truncated to a buffer of %zu bytes from rank %d tag %d",
                      req->msg_len, req->bytes, st->MPI_SOURCE, st->MPI_TAG);
    return rt_err(req->comm, call, errclass, "request failed with error class %d",
                  st->MPI_ERROR);
}

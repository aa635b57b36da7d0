/*
 * rt_request.h -- point-to-point requests: the pool behind MPI_Request
 * handles and the state each send or receive carries through its protocol.
 *
 * A request lives in a pool (chunks that are never freed before
 * MPI_Finalize, and a free list), so starting a message costs no malloc
 * once the pool has grown to the program's working set.  Its handle is
 * MINIMPI_KIND_REQUEST << 24 | (index + 1): never MPI_REQUEST_NULL, and
 * checkable.  The index (plus one) is also the request's id on the wire,
 * carried in packets so that replies (SYNC_ACK, CTS, DATA, FIN) find it.
 *
 * Life of a request:
 *   alloc -> fields set -> rt_proto_*_start -> ... protocol ... ->
 *   rt_request_complete (data in place, status set) -> the MPI completion
 *   call reports it (rt_request_finish) -> release.
 * A persistent request goes back to inactive instead of being released.
 * A request the program freed (MPI_Request_free) while it was still in
 * flight is "detached": it is released by rt_request_complete itself.
 */
#ifndef MINIMPI_RT_REQUEST_H
#define MINIMPI_RT_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "rt.h"
#include "rt_match.h"

typedef enum rt_req_kind {
    RT_REQ_UNUSED = 0,             /* in the free list */
    RT_REQ_SEND,
    RT_REQ_RECV,
    RT_REQ_COLL,                   /* a nonblocking collective: advanced by its schedule */
    RT_REQ_RMA,                    /* a one-sided operation: completes when the target answered */
} rt_req_kind_t;

typedef enum rt_send_mode {
    RT_SEND_STANDARD = 0,
    RT_SEND_SYNC,                  /* completes only once matched */
    RT_SEND_READY,                 /* sent as a standard send (allowed by the standard) */
    RT_SEND_BUFFERED,              /* persistent MPI_Bsend_init: Start copies into the buffer */
} rt_send_mode_t;

/*
 * Where a request stands in its protocol.  Packet handlers check it, so a
 * packet naming the wrong request is reported as an internal error instead
 * of silently corrupting memory.
 */
typedef enum rt_req_state {
    RT_STATE_IDLE = 0,             /* created, or persistent and inactive */
    RT_STATE_SEND_WAIT_TAKEN,      /* eager: completes when the transport takes it */
    RT_STATE_SEND_WAIT_ACK,        /* eager synchronous: completes on SYNC_ACK */
    RT_STATE_SEND_WAIT_REPLY,      /* RTS sent: waits for FIN (get done) or CTS */
    RT_STATE_SEND_STREAMING,       /* CTS came: DATA chunks going out */
    RT_STATE_RECV_POSTED,          /* in the posted queue */
    RT_STATE_RECV_GET,             /* matched a RTS, get() in flight */
    RT_STATE_RECV_DATA,            /* matched a RTS, CTS sent, DATA chunks coming */
    RT_STATE_DONE,
} rt_req_state_t;

typedef struct rt_request rt_request_t;

struct rt_request {
    MPI_Request handle;
    uint8_t kind;                  /* rt_req_kind_t */
    uint8_t state;                 /* rt_req_state_t */
    uint8_t mode;                  /* rt_send_mode_t (sends) */
    uint8_t persistent;
    uint8_t active;                /* persistent: started and not yet reported */
    uint8_t detached;              /* freed by the program (or internal) while in flight */
    uint8_t complete;              /* the protocol is done; status is valid */
    uint8_t has_desc;              /* `desc` holds an exposed (send) or remote (recv) buffer */
    uint8_t prepacked;             /* send: buf already holds count * dt->size packed bytes */
    uint8_t holds_comm;            /* took a reference on comm (released with the request) */

    /* The call's arguments. */
    rt_comm_t *comm;
    int context_id;                /* comm->context_id, or its collective one */
    void *buf;
    size_t count;
    rt_datatype_t *dt;
    int peer;                      /* comm rank, MPI_ANY_SOURCE or MPI_PROC_NULL */
    int tag;                       /* MPI_ANY_TAG allowed for receives */

    /* Data: `bytes` packed bytes (send: the message; receive: capacity).
     * `tmp` holds the packed form when the datatype is not contiguous. */
    size_t bytes;
    void *tmp;
    const void *sdata;             /* send: where the packed bytes are read from */

    /* Protocol. */
    int peer_world;                /* world rank of the other side, once known */
    uint32_t remote_id;            /* the other side's request id (0: none) */
    size_t msg_len;                /* receive: length of the message matched */
    size_t rndv_len;               /* bytes the rendezvous moves */
    size_t rndv_done;              /* bytes moved so far */
    tp_t *tp;                      /* transport of the rendezvous (send: to release desc) */
    tp_mem_desc_t desc;
    tp_comp_t comp;                /* receive: completion of get() */
    rt_match_entry_t match;        /* receive: envelope, posted-queue link */

    MPI_Status status;             /* valid once complete */

    /* Called at completion (buffered sends free their block there). */
    void (*on_complete)(rt_request_t *req);
    void *on_complete_arg;

    /* The nonblocking MPI call that made it ("MPI_Irecv", "MPI_Send_init",
     * "MPI_Ibarrier", ...) when the program holds its handle; NULL for the requests of
     * blocking calls and the runtime's own.  The hang diagnosis lists the
     * incomplete ones (rt_insight_hang.c). */
    const char *call;

    /* RT_REQ_COLL: the schedule that completes it (rt_coll_sched.h). */
    struct rt_coll_sched *sched;

    rt_request_t *next_free;
};

/* Pool lifetime (MPI_Init / MPI_Finalize). */
int rt_request_pool_init(void);
void rt_request_pool_finalize(void);

/* A fresh request of `kind`, fields zeroed, handle set, active; never NULL
 * (running out of memory is fatal). */
rt_request_t *rt_request_alloc(rt_req_kind_t kind);
void rt_request_release(rt_request_t *req);

/* The pool, for the inline lookups below (rt_request.c owns it): requests
 * come in chunks of RT_REQ_CHUNK, and a chunk is never freed before
 * MPI_Finalize, so a request's address and id stay valid while it lives.
 * Request id i (1-based; 0 is none) is entry (i - 1) of the chunks. */
#define RT_REQ_CHUNK 256
#define RT_REQ_HANDLE_BASE ((unsigned)MINIMPI_KIND_REQUEST << 24)
extern rt_request_t **rt_req_chunks;
extern size_t rt_req_num_chunks;

/* The live request of wire id `id` (NULL when none). */
static inline rt_request_t *rt_request_from_id(uint32_t id)
{
    if (id == 0)
        return NULL;
    size_t index = id - 1;
    size_t chunk = index / RT_REQ_CHUNK;
    if (chunk >= rt_req_num_chunks)
        return NULL;
    rt_request_t *req = &rt_req_chunks[chunk][index % RT_REQ_CHUNK];
    return req->kind == RT_REQ_UNUSED ? NULL : req;
}

/* The live request behind a handle, or NULL (invalid, freed or NULL handle).
 * Inline: Waitall looks up every handle it is given more than once. */
static inline rt_request_t *rt_request_get(MPI_Request handle)
{
    unsigned h = (unsigned)handle;
    if ((h & 0xff000000u) != RT_REQ_HANDLE_BASE)
        return NULL;
    rt_request_t *req = rt_request_from_id(h & 0xffffffu);
    /* A detached request belongs to the runtime now, not to any handle. */
    return req != NULL && !req->detached ? req : NULL;
}

/* Call fn(req, arg) for every request in use (not in the free list), in
 * pool order, until fn returns nonzero.  Costs a pass over the whole pool:
 * for diagnostics, never for the fast path. */
void rt_request_foreach(int (*fn)(rt_request_t *req, void *arg), void *arg);

/* Wire id: the id carried in packets (rt_request_from_id finds it back). */
uint32_t rt_request_id(const rt_request_t *req);

/*
 * The protocol finished: move staged data into the user's buffer, free
 * temporaries, mark complete, run on_complete, and release a detached
 * request.  The status must already be set.  Inline for the common request
 * with none of these (a small message's receive): it is only marked.
 */
static inline void rt_request_mark_done(rt_request_t *req)
{
    req->sdata = NULL;
    req->state = RT_STATE_DONE;
    req->complete = 1;
}
void rt_request_complete_slow(rt_request_t *req);
static inline void rt_request_complete(rt_request_t *req)
{
    if (RT_UNLIKELY(req->tmp != NULL || req->on_complete != NULL || req->detached))
        rt_request_complete_slow(req);
    else
        rt_request_mark_done(req);
}

/* Detach a request the program freed (or the runtime owns) while it is in
 * flight: rt_request_complete releases it. */
void rt_request_detach(rt_request_t *req);

/* Number of detached sends still in flight: MPI_Finalize waits for them
 * (buffered sends, sends freed with MPI_Request_free).  Detached receives
 * are not counted: one that never matches must not hang MPI_Finalize. */
size_t rt_request_num_detached_sends(void);

/* Progress until `req` is complete. */
void rt_request_wait(rt_request_t *req);

/*
 * Report a completed (or inactive persistent) request to the program: copy
 * its status to `status` (unless MPI_STATUS_IGNORE), release it and set
 * *handle to MPI_REQUEST_NULL, or make a persistent one inactive.  Returns
 * the status's MPI_ERROR.
 */
int rt_request_finish(rt_request_t *req, MPI_Request *handle, MPI_Status *status);

/*
 * Raise the error of a completed request as `errclass` (its own error, or
 * MPI_ERR_IN_STATUS from the calls that take arrays) through the request's
 * communicator, with a message saying what went wrong (a truncation names
 * sizes, source and tag).  Call it before rt_request_finish releases the
 * request.  Returns rt_err's code.
 */
int rt_request_raise(const rt_request_t *req, const char *call, int errclass);

/* The standard's empty status: ANY_SOURCE, ANY_TAG, SUCCESS, count 0. */
void rt_status_set_empty(MPI_Status *st);

/* A request that has something to wait for (not null, not inactive). */
static inline int rt_request_is_active(const rt_request_t *req)
{
    return req != NULL && req->active;
}

#endif /* MINIMPI_RT_REQUEST_H */

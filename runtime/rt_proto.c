/*
 * rt_proto.c -- eager and rendezvous protocols, and the handler of arriving
 * packets (see rt_proto.h for the packet types).
 *
 * Buffer lifetimes, which the protocol exists to get right:
 *   - a send request completes only when nothing will read its data again:
 *     eager once the transport took the packet (it copies), rendezvous on
 *     FIN (the receiver's get() is over) or once the last DATA chunk was
 *     taken; its exposed memory is released before it completes;
 *   - a receive request completes only once every byte it will ever get is
 *     in place (and unpacked), so its buffer is never written afterwards;
 *   - a truncated rendezvous still sends FIN (or streams only the prefix
 *     asked for in CTS), so the sender always completes.
 */
#include "rt_proto.h"

#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "copy_small.h"
#include "rt_dt.h"
#include "rt_match.h"
#include "rt_progress.h"
#include "rt_win.h"

/* Unexpected eager payloads up to this size are kept inside their
 * descriptor, so short unexpected messages cost no malloc once the
 * descriptor free list is warm. */
#define RT_UNEXP_INLINE 128

/* Larger payloads go to a malloc'd buffer that the descriptor keeps when it
 * returns to the free list, as long as the free list holds at most this
 * many bytes of them.  Freed at once, a run of unexpected messages of tens
 * of KiB (a broadcast root running ahead of its children) makes malloc
 * give the heap top back and fault it in again page by page: 8 ranks
 * broadcasting 64 KiB took 6 to 10 ms a call instead of 0.3 to 0.6. */
#define RT_UNEXP_KEEP_BYTES (1u << 20)

/* A message that arrived before a receive for it was posted. */
typedef struct rt_unexp rt_unexp_t;
struct rt_unexp {
    rt_match_entry_t match;        /* its envelope, in the unexpected queue */
    rt_unexp_t *next_free;
    rt_pkt_hdr_t hdr;              /* EAGER or RTS, as it arrived */
    int src_world;
    void *data;                    /* EAGER: the payload (inline_data or buf) */
    void *buf;                     /* malloc'd payload buffer, kept while free */
    size_t buf_cap;
    int incoming;                  /* EAGER with RT_PKT_MULTI: parts still coming */
    tp_mem_desc_t desc;            /* RTS with RT_PKT_DESC: the sender's buffer */
    _Alignas(8) unsigned char inline_data[RT_UNEXP_INLINE];
};

/* A message sent in several packets (RT_PKT_MULTI) whose parts are still
 * arriving from one sender: they go to the matched receive, or to the
 * unexpected message until a receive matches it. */
typedef struct rt_multi_in {
    rt_request_t *req;
    rt_unexp_t *u;
    size_t total;                  /* the message's length */
    size_t done;                   /* bytes arrived so far */
} rt_multi_in_t;

static rt_match_t rt_matcher;
static rt_unexp_t *rt_unexp_free;
static size_t rt_unexp_free_bytes;  /* buf_cap summed over the free list */
static rt_multi_in_t *rt_multi_in;  /* [world size], by sender */

/* Packets sent, by type (index rt_pkt_type_t), and EAGER ones with
 * RT_PKT_MULTI: reported with MINIMPI_VERBOSE=proto, which tests use to
 * check which protocol a message took.  Counted only when that category is
 * on, decided once at init, so that an ordinary run pays one predictable
 * branch on a flag per packet and nothing more. */
static unsigned long rt_sent[RT_PKT_WRITTEN + 1];
static unsigned long rt_sent_multi;
static int rt_counting;

/* MINIMPI_SHM_CMA_SPLIT: messages of at least this many bytes are copied by
 * both ranks at once (see rt_proto.h); 0: never.  The default: on 2 pinned
 * cores the split paid at every rendezvous size measured, from 80 KiB
 * (best-window bandwidth 14.3 -> 16.3 GB/s) to 1 MiB (16.5 -> 45.2 GB/s). */
#define RT_SPLIT_MIN ((size_t)64 << 10)
static size_t rt_split_min;

void rt_proto_init(void)
{
    rt_match_init(&rt_matcher);
    rt_unexp_free = NULL;
    rt_unexp_free_bytes = 0;
    rt_multi_in = calloc((size_t)rt_proc.job.world_size, sizeof(*rt_multi_in));
    if (rt_multi_in == NULL)
        rt_fatal("out of memory for %d senders", rt_proc.job.world_size);
    memset(rt_sent, 0, sizeof(rt_sent));
    rt_sent_multi = 0;
    rt_counting = rt_verbose_on("proto");
    /* Unset on an oversubscribed node: no core is idle to lend, and the
     * receive would wait for a sender that may not be running: copy alone. */
    int unset = cfg_get("MINIMPI_SHM_CMA_SPLIT")[0] == '\0';
    if (unset) {
        rt_split_min = rt_proc.job.oversubscribed ? 0 : RT_SPLIT_MIN;
    } else {
        long long split = cfg_get_num("MINIMPI_SHM_CMA_SPLIT");
        rt_split_min = split > 0 ? (size_t)split : 0;
    }
    if (rt_split_min > 0)
        rt_verbose("transport", "single-copy rendezvous of %zu bytes and more: both ranks copy "
                   "(MINIMPI_SHM_CMA_SPLIT)", rt_split_min);
    else
        rt_verbose("transport", "single-copy rendezvous: the receiver copies alone "
                   "(MINIMPI_SHM_CMA_SPLIT %s)", unset ? "unset on an oversubscribed node" : "0");
}

/* Count a packet about to be sent (out of line: it runs only with
 * MINIMPI_VERBOSE=proto). */
static void __attribute__((noinline, cold)) count_sent_slow(const rt_pkt_hdr_t *h)
{
    if (h->type < sizeof(rt_sent) / sizeof(rt_sent[0]))
        rt_sent[h->type]++;
    if (h->type == RT_PKT_EAGER && (h->flags & RT_PKT_MULTI))
        rt_sent_multi++;
}

static inline void count_sent(const rt_pkt_hdr_t *h)
{
    if (RT_UNLIKELY(rt_counting))
        count_sent_slow(h);
}

/* count_sent of a plain EAGER packet, for senders that build no header. */
static inline void count_sent_eager(void)
{
    if (RT_UNLIKELY(rt_counting))
        rt_sent[RT_PKT_EAGER]++;
}

static void unexp_release(rt_unexp_t *u)
{
    u->data = NULL;
    if (rt_unexp_free_bytes + u->buf_cap > RT_UNEXP_KEEP_BYTES) {
        free(u->buf);
        u->buf = NULL;
        u->buf_cap = 0;
    }
    rt_unexp_free_bytes += u->buf_cap;
    u->next_free = rt_unexp_free;
    rt_unexp_free = u;
}

/* Room for `len` bytes of payload in `u` (NULL when out of memory). */
static void *unexp_data(rt_unexp_t *u, size_t len)
{
    if (len <= RT_UNEXP_INLINE)
        return u->inline_data;
    if (len > u->buf_cap) {
        free(u->buf);
        u->buf_cap = 0;
        u->buf = malloc(len);
        if (u->buf != NULL)
            u->buf_cap = len;
    }
    return u->buf;
}

void rt_proto_finalize(void)
{
    rt_verbose("proto", "packets sent: eager %lu (of which multi %lu) rts %lu cts %lu data %lu "
               "fin %lu sync_ack %lu split %lu written %lu", rt_sent[RT_PKT_EAGER], rt_sent_multi,
               rt_sent[RT_PKT_RTS], rt_sent[RT_PKT_CTS], rt_sent[RT_PKT_DATA], rt_sent[RT_PKT_FIN],
               rt_sent[RT_PKT_SYNC_ACK], rt_sent[RT_PKT_SPLIT], rt_sent[RT_PKT_WRITTEN]);
    free(rt_multi_in);
    rt_multi_in = NULL;
    /* Messages nobody received: the program's business, but not a leak. */
    for (rt_match_entry_t *e; (e = rt_match_pop_unexpected(&rt_matcher)) != NULL;)
        unexp_release(rt_container_of(e, rt_unexp_t, match));
    while (rt_unexp_free != NULL) {
        rt_unexp_t *u = rt_unexp_free;
        rt_unexp_free = u->next_free;
        free(u->buf);
        free(u);
    }
    rt_unexp_free_bytes = 0;
}

static rt_unexp_t *unexp_alloc(void)
{
    rt_unexp_t *u = rt_unexp_free;
    if (u != NULL) {
        rt_unexp_free = u->next_free;
        rt_unexp_free_bytes -= u->buf_cap;
        return u;
    }
    u = malloc(sizeof(*u));
    if (u == NULL)
        rt_fatal("out of memory storing an unexpected message");
    u->buf = NULL;
    u->buf_cap = 0;
    return u;
}

/* ---- Small helpers -------------------------------------------------------- */

/* Where a receive's bytes land: the staging buffer for non-contiguous types,
 * else the user's buffer at the type's lower bound. */
static inline char *recv_dest(rt_request_t *req)
{
    /* Staged only when bytes land through a copy: a scatter/gather read
     * (getv) writes the user's buffer in place. */
    if (RT_UNLIKELY(req->tmp == NULL && !req->dt->contiguous && req->bytes > 0)) {
        req->tmp = malloc(req->bytes);
        if (req->tmp == NULL)
            rt_fatal("out of memory staging a receive of %zu bytes", req->bytes);
    }
    if (req->tmp != NULL)
        return req->tmp;
    return req->dt->lb == 0 ? (char *)req->buf : (char *)req->buf + req->dt->lb;
}

/* A protocol packet between two requests (CTS, FIN, SPLIT, WRITTEN, ...),
 * with an optional payload that must outlive the send (a descriptor kept in
 * the request). */
/* The header of a message (EAGER, RTS): its envelope and length, the rest
 * zero; the caller sets the flags and request ids its protocol step needs. */
static inline void message_header(rt_pkt_hdr_t *h, rt_pkt_type_t type, int context_id,
                                  int src_rank, int tag, uint64_t length)
{
    memset(h, 0, sizeof(*h));
    h->type = (uint8_t)type;
    h->context_id = context_id;
    h->src_rank = src_rank;
    h->tag = tag;
    h->length = length;
}

static void send_reply(int world_rank, rt_pkt_type_t type, uint8_t flags, uint32_t sreq,
                       uint32_t rreq, uint64_t offset, uint64_t length, const void *payload,
                       size_t payload_len)
{
    rt_pkt_hdr_t h;
    memset(&h, 0, sizeof(h));
    h.type = (uint8_t)type;
    h.flags = flags;
    h.sreq = sreq;
    h.rreq = rreq;
    h.offset = offset;
    h.length = length;
    count_sent(&h);
    rt_progress_send(world_rank, &h, payload, payload_len, NULL);
}

static void send_ctrl(int world_rank, rt_pkt_type_t type, uint32_t sreq, uint32_t rreq,
                      uint64_t length)
{
    send_reply(world_rank, type, 0, sreq, rreq, 0, length, NULL, 0);
}

/* The request a reply names, which must be waiting for exactly this reply
 * from exactly this peer: anything else is a runtime bug, reported as such. */
static rt_request_t *reply_target(uint32_t id, rt_req_kind_t kind, rt_req_state_t state,
                                  int src_world, const char *what)
{
    rt_request_t *req = rt_request_from_id(id);
    if (req == NULL || req->kind != kind || req->state != state || req->peer_world != src_world)
        rt_fatal("protocol error: %s from rank %d names request %u, which is not waiting for it",
                 what, src_world, id);
    return req;
}

/* A matched receive takes the message's envelope and as much as fits. */
static void recv_set_status_of(rt_request_t *req, int src_rank, int tag, size_t len)
{
    req->msg_len = len;
    req->status.MPI_SOURCE = src_rank;
    req->status.MPI_TAG = tag;
    req->status.MPI_ERROR = len > req->bytes ? MPI_ERR_TRUNCATE : MPI_SUCCESS;
    req->status.minimpi_cancelled = 0;
    req->status.minimpi_count = (long long)(len > req->bytes ? req->bytes : len);
}

static void recv_set_status(rt_request_t *req, const rt_pkt_hdr_t *h)
{
    recv_set_status_of(req, h->src_rank, h->tag, (size_t)h->length);
}

/* ---- Receiving -------------------------------------------------------------- */

/* A matched receive takes a whole message of `len` bytes at `data`. */
static void recv_take(rt_request_t *req, int src_rank, int tag, const void *data, size_t len)
{
    recv_set_status_of(req, src_rank, tag, len);
    size_t n = (size_t)req->status.minimpi_count;
    if (n > 0)
        copy_small(recv_dest(req), data, n);
}

static void recv_eager(rt_request_t *req, int src_world, const rt_pkt_hdr_t *h, const void *data)
{
    recv_take(req, h->src_rank, h->tag, data, (size_t)h->length);
    if (h->flags & RT_PKT_SYNC)
        send_ctrl(src_world, RT_PKT_SYNC_ACK, h->sreq, 0, 0);
    rt_request_complete(req);
}

/*
 * A receive matched a message sent in several packets, of which `have`
 * bytes are at `data`: take them, and have the rest follow into it.
 */
static void recv_multi(rt_request_t *req, int src_world, const rt_pkt_hdr_t *h, const void *data,
                       size_t have)
{
    recv_set_status(req, h);
    req->peer_world = src_world;
    req->rndv_len = (size_t)req->status.minimpi_count;
    size_t n = have < req->rndv_len ? have : req->rndv_len;
    if (n > 0)
        memcpy(recv_dest(req), data, n);
    req->state = RT_STATE_RECV_DATA;
    rt_multi_in_t *in = &rt_multi_in[src_world];
    in->req = req;
    in->u = NULL;
    in->total = (size_t)h->length;
    in->done = have;
}

static void recv_get_finish(rt_request_t *req)
{
    send_ctrl(req->peer_world, RT_PKT_FIN, req->remote_id, 0, 0);
    rt_request_complete(req);
}

static void recv_get_done(tp_comp_t *comp, tp_status_t status)
{
    rt_request_t *req = rt_container_of(comp, rt_request_t, comp);
    if (status != TP_OK)
        rt_fatal_transport(status,
                           "reading a %zu-byte message from rank %d failed (transport %s, status %d)",
                           req->rndv_len, req->peer_world, req->tp->name, (int)status);
    recv_get_finish(req);
}

/*
 * Read the message with getv: the remote list from the sender's layout
 * (or its one contiguous buffer), the local one from the receive type (or
 * its one contiguous buffer), both cut at rndv_len bytes.
 */
static tp_status_t recv_getv(rt_request_t *req, int src_world, const tp_mem_desc_t *desc,
                             const rt_pkt_runs_t *runs)
{
    tp_iov_t one_remote = {0, req->rndv_len}, one_local;
    tp_iov_t *riov = &one_remote, *liov = &one_local;
    long nr = 1, nl = 1;
    if (runs != NULL)
        nr = rt_dt_runs_iov((const rt_dt_block_t *)(runs + 1), (int)runs->num_blocks,
                            (size_t)runs->count, (MPI_Aint)runs->extent, runs->origin,
                            req->rndv_len, &riov);
    if (req->dt->contiguous) {
        one_local.base = (uint64_t)(uintptr_t)recv_dest(req);
        one_local.len = req->rndv_len;
    } else {
        nl = rt_dt_runs_iov(req->dt->blocks, req->dt->num_blocks, req->count, req->dt->extent,
                            (int64_t)(uintptr_t)req->buf, req->rndv_len, &liov);
    }
    if (nr < 0 || nl < 0)
        rt_fatal("out of memory listing the pieces of a %zu-byte message", req->rndv_len);
    tp_t *tp = req->tp;
    tp_status_t st = tp->ops->getv(tp, src_world, desc, riov, (size_t)nr, liov, (size_t)nl,
                                   &req->comp);
    if (riov != &one_remote)
        free(riov);
    if (liov != &one_local)
        free(liov);
    return st;
}

/* Ask the sender to stream bytes [start, end) of the message as DATA. */
static void send_cts(rt_request_t *req, size_t start, size_t end)
{
    req->state = RT_STATE_RECV_DATA;
    send_reply(req->peer_world, RT_PKT_CTS, 0, req->remote_id, rt_request_id(req), start, end,
               NULL, 0);
}

/* Every byte of a receive is in place: release its exposed buffer (a
 * cooperative copy) and complete. */
static void recv_all_in(rt_request_t *req)
{
    if (req->has_desc) {
        req->tp->ops->mem_release(req->tp, &req->desc);
        req->has_desc = 0;
    }
    rt_request_complete(req);
}

/*
 * The cooperative single copy (see rt_proto.h): when the message and the
 * receive are contiguous, large enough, and the transport can write into a
 * peer (putv, which also makes get synchronous), ask the sender to write the
 * second part while this rank reads the first.  The receive then waits for
 * WRITTEN in RT_STATE_RECV_GET, or in RT_STATE_RECV_DATA when its own read
 * was refused (single copy denied since start-up).  Returns 0, having sent
 * nothing, when the copy is not split.
 */
static int recv_split(rt_request_t *req, int src_world, const tp_mem_desc_t *desc)
{
    tp_t *tp = req->tp;
    if (rt_split_min == 0 || req->rndv_len < rt_split_min || tp->ops->putv == NULL ||
        !req->dt->contiguous)
        return 0;
    char *dest = recv_dest(req);
    if (tp->ops->mem_expose(tp, dest, req->rndv_len, &req->desc) != TP_OK)
        return 0;
    req->has_desc = 1;
    /* The parts meet at a page boundary of the receive buffer, so that no
     * page is pinned by both copies. */
    uintptr_t mid = ((uintptr_t)dest + req->rndv_len / 2) & ~(uintptr_t)4095;
    size_t split = mid > (uintptr_t)dest ? (size_t)(mid - (uintptr_t)dest) : req->rndv_len / 2;

    /* req->desc outlives the packet: the receive waits for WRITTEN. */
    send_reply(src_world, RT_PKT_SPLIT, 0, req->remote_id, rt_request_id(req), split,
               req->rndv_len, &req->desc, sizeof(req->desc));

    req->state = RT_STATE_RECV_GET;
    tp_status_t st = tp->ops->get(tp, src_world, desc, 0, dest, split, &req->comp);
    if (st == TP_OK)
        req->rndv_done = split;
    else if (st == TP_ENOTSUP)
        req->state = RT_STATE_RECV_DATA; /* streamed after WRITTEN */
    else
        rt_fatal("reading %zu bytes of a %zu-byte message from rank %d failed (transport %s, "
                 "status %d)", split, req->rndv_len, src_world, tp->name, (int)st);
    return 1;
}

/* A receive matched a RTS: read the data with get() (getv for scattered
 * data) when the transport can, else ask the sender to stream it (CTS). */
static void recv_rndv(rt_request_t *req, int src_world, const rt_pkt_hdr_t *h,
                      const tp_mem_desc_t *desc, const rt_pkt_runs_t *runs)
{
    recv_set_status(req, h);
    req->peer_world = src_world;
    req->remote_id = h->sreq;
    req->rndv_len = (size_t)req->status.minimpi_count;
    req->rndv_done = 0;
    req->tp = rt_progress_peer(src_world)->tp;
    if (req->rndv_len == 0) {
        /* Truncated to nothing: no data moves, but the sender must complete. */
        recv_get_finish(req);
        return;
    }
    tp_t *tp = req->tp;
    if (desc != NULL && runs == NULL && tp->can_get && recv_split(req, src_world, desc))
        return;
    if (desc != NULL && tp->can_get) {
        req->state = RT_STATE_RECV_GET;
        req->comp.done = recv_get_done;
        tp_status_t st = TP_ENOTSUP;
        if ((runs != NULL || !req->dt->contiguous) && tp->ops->getv != NULL)
            st = recv_getv(req, src_world, desc, runs);
        else if (runs == NULL)
            st = tp->ops->get(tp, src_world, desc, 0, recv_dest(req), req->rndv_len,
                              &req->comp);
        if (st == TP_OK) {
            recv_get_finish(req);
            return;
        }
        if (st == TP_INPROGRESS)
            return;
        if (st != TP_ENOTSUP)
            rt_fatal_transport(st, "reading a %zu-byte message from rank %d failed "
                                   "(transport %s, status %d)",
                               req->rndv_len, src_world, tp->name, (int)st);
        /* TP_ENOTSUP: this peer cannot be read; fall back to streaming. */
    }
    req->state = RT_STATE_RECV_DATA;
    send_ctrl(src_world, RT_PKT_CTS, h->sreq, rt_request_id(req), req->rndv_len);
}

void rt_proto_recv_start(rt_request_t *req)
{
    req->complete = 0;
    req->has_desc = 0;
    req->remote_id = 0;
    rt_status_set_empty(&req->status);
    if (req->peer == MPI_PROC_NULL) {
        req->status.MPI_SOURCE = MPI_PROC_NULL;
        req->status.MPI_TAG = MPI_ANY_TAG;
        rt_request_complete(req);
        return;
    }
    req->bytes = req->count * req->dt->size;
    rt_match_entry_set(&req->match, req->context_id, req->peer, req->tag);
    req->state = RT_STATE_RECV_POSTED;
    rt_match_entry_t *e = rt_match_post(&rt_matcher, &req->match);
    if (e == NULL)
        return;
    rt_unexp_t *u = rt_container_of(e, rt_unexp_t, match);
    if (u->hdr.type == RT_PKT_EAGER && u->incoming)
        recv_multi(req, u->src_world, &u->hdr, u->data, rt_multi_in[u->src_world].done);
    else if (u->hdr.type == RT_PKT_EAGER)
        recv_eager(req, u->src_world, &u->hdr, u->data);
    else
        recv_rndv(req, u->src_world, &u->hdr, (u->hdr.flags & RT_PKT_DESC) ? &u->desc : NULL,
                  (u->hdr.flags & RT_PKT_RUNS) ? u->data : NULL);
    unexp_release(u);
}

int rt_proto_recv_cancel(rt_request_t *req)
{
    if (req->state != RT_STATE_RECV_POSTED || !rt_match_cancel(&rt_matcher, &req->match))
        return 0;
    rt_status_set_empty(&req->status);
    req->status.minimpi_cancelled = 1;
    rt_request_complete(req);
    return 1;
}

int rt_proto_send_now(rt_comm_t *comm, int context_id, const void *buf, size_t count,
                      rt_datatype_t *dt, int dest, int tag)
{
    if (RT_UNLIKELY((dest == MPI_PROC_NULL) | !dt->contiguous))
        return 0;
    size_t bytes = count * dt->size;
    int world = comm->peer_world_rank_of[dest];
    if (bytes > rt_progress_peer(world)->eager_limit)
        return 0;
    rt_pkt_short_t s = {.context_id = context_id, .src_rank = comm->rank, .tag = tag};
    const void *data = bytes == 0 ? buf : (const char *)buf + dt->lb;
    if (!rt_progress_try_short(world, &s, data, bytes))
        return 0;
    count_sent_eager();
    /* Counted once sent: a message handed back to the request path is
     * counted there. */
    if (RT_UNLIKELY(rt_prof_on))
        rt_prof_message_slow(world, bytes);
    return 1;
}

rt_request_t *rt_proto_isend_now(rt_comm_t *comm, const void *buf, size_t count,
                                 rt_datatype_t *dt, int dest, int tag)
{
    if (!rt_proto_send_now(comm, comm->context_id, buf, count, dt, dest, tag))
        return NULL;
    rt_request_t *req = rt_request_alloc(RT_REQ_SEND);
    rt_status_set_empty(&req->status);
    rt_request_complete(req);
    return req;
}

rt_request_t *rt_proto_isend(rt_comm_t *comm, int context_id, const void *buf, size_t count,
                             rt_datatype_t *dt, int dest, int tag)
{
    rt_request_t *req = rt_request_alloc(RT_REQ_SEND);
    req->comm = comm;
    req->context_id = context_id;
    req->buf = (void *)buf;
    req->count = count;
    req->dt = dt;
    rt_datatype_retain(dt);        /* released with the request */
    req->peer = dest;
    req->tag = tag;
    req->mode = RT_SEND_STANDARD;
    rt_proto_send_start(req);
    return req;
}

rt_request_t *rt_proto_irecv(rt_comm_t *comm, int context_id, void *buf, size_t count,
                             rt_datatype_t *dt, int source, int tag)
{
    rt_request_t *req = rt_request_alloc(RT_REQ_RECV);
    req->comm = comm;
    req->context_id = context_id;
    req->buf = buf;
    req->count = count;
    req->dt = dt;
    rt_datatype_retain(dt);        /* released with the request */
    req->peer = source;
    req->tag = tag;
    rt_proto_recv_start(req);
    return req;
}

int rt_proto_probe(rt_comm_t *comm, int source, int tag, MPI_Status *status)
{
    MPI_Status st;
    rt_status_set_empty(&st);
    if (source == MPI_PROC_NULL) {
        st.MPI_SOURCE = MPI_PROC_NULL;
    } else {
        rt_match_entry_t *e = rt_match_probe(&rt_matcher, comm->context_id, source, tag);
        if (e == NULL)
            return 0;
        rt_unexp_t *u = rt_container_of(e, rt_unexp_t, match);
        st.MPI_SOURCE = u->hdr.src_rank;
        st.MPI_TAG = u->hdr.tag;
        st.minimpi_count = (long long)u->hdr.length;
    }
    if (status != MPI_STATUS_IGNORE)
        *status = st;
    return 1;
}

/* ---- Sending ------------------------------------------------------------------ */

/* Pack a non-contiguous send into req->tmp, where it is sent from. */
static void send_pack(rt_request_t *req)
{
    free(req->tmp);
    req->tmp = malloc(req->bytes);
    if (req->tmp == NULL)
        rt_fatal("out of memory packing a send of %zu bytes", req->bytes);
    rt_datatype_pack(req->dt, req->buf, req->count, req->tmp);
    req->sdata = req->tmp;
}

/*
 * The single-copy rendezvous of an unpacked non-contiguous buffer (see
 * rt_pkt_runs_t): expose the bytes the type spans and send RTS with the
 * layout.  Returns 0, having sent nothing, when the type or the transport
 * does not allow it.  The RTS payload lives in req->tmp until the request
 * completes; if the receiver answers CTS instead, the data is packed then.
 */
static int send_runs(rt_request_t *req, tp_t *tp)
{
    const rt_datatype_t *dt = req->dt;
    if (!tp->can_get || tp->ops->getv == NULL || dt->num_blocks > RT_RUNS_MAX ||
        dt->extent <= 0 || dt->true_extent <= 0)
        return 0;
    size_t blocks_len = (size_t)dt->num_blocks * sizeof(rt_dt_block_t);
    size_t len = sizeof(tp_mem_desc_t) + sizeof(rt_pkt_runs_t) + blocks_len;
    if (len > tp->am_max_payload)
        return 0;
    /* From the first element's lowest byte to the last one's highest. */
    uintptr_t lo = (uintptr_t)req->buf + (uintptr_t)dt->true_lb;
    size_t span = (req->count - 1) * (size_t)dt->extent + (size_t)dt->true_extent;
    unsigned char *payload = malloc(len);
    if (payload == NULL)
        return 0;
    if (tp->ops->mem_expose(tp, (const void *)lo, span, &req->desc) != TP_OK) {
        free(payload);
        return 0;
    }
    req->tp = tp;
    req->has_desc = 1;
    req->sdata = NULL;
    free(req->tmp);
    req->tmp = payload;
    rt_pkt_runs_t runs = {.count = req->count, .extent = dt->extent,
                          .origin = -(int64_t)dt->true_lb, .num_blocks = (uint32_t)dt->num_blocks};
    memcpy(payload, &req->desc, sizeof(tp_mem_desc_t));
    memcpy(payload + sizeof(tp_mem_desc_t), &runs, sizeof(runs));
    memcpy(payload + sizeof(tp_mem_desc_t) + sizeof(runs), dt->blocks, blocks_len);

    rt_pkt_hdr_t h;
    message_header(&h, RT_PKT_RTS, req->context_id, req->comm->rank, req->tag, req->bytes);
    h.flags = RT_PKT_DESC | RT_PKT_RUNS;
    h.sreq = rt_request_id(req);
    req->state = RT_STATE_SEND_WAIT_REPLY;
    count_sent(&h);
    rt_progress_send(req->peer_world, &h, payload, len, NULL);
    return 1;
}

void rt_proto_send_start(rt_request_t *req)
{
    req->complete = 0;
    req->has_desc = 0;
    req->remote_id = 0;
    rt_status_set_empty(&req->status);
    /* mini-mpirun --profile shares the test for MPI_PROC_NULL (one branch,
     * not taken on the fast path), so that it costs sends nothing when off. */
    if (RT_UNLIKELY((req->peer == MPI_PROC_NULL) | rt_prof_on)) {
        if (req->peer == MPI_PROC_NULL) {
            rt_request_complete(req);
            return;
        }
        rt_prof_message_slow(req->comm->peer_world_rank_of[req->peer],
                             req->count * req->dt->size);
    }
    size_t bytes = req->count * req->dt->size;
    req->bytes = bytes;
    int world = req->comm->peer_world_rank_of[req->peer];
    req->peer_world = world;
    rt_peer_t *peer = rt_progress_peer(world);
    if (req->prepacked || bytes == 0) {
        req->sdata = req->buf;
    } else if (req->dt->contiguous) {
        req->sdata = (const char *)req->buf + req->dt->lb;
    } else if (bytes > peer->copy_limit && send_runs(req, peer->tp)) {
        return;
    } else {
        send_pack(req);
    }

    rt_pkt_hdr_t h;
    message_header(&h, RT_PKT_EAGER, req->context_id, req->comm->rank, req->tag, bytes);
    if (bytes <= peer->eager_limit) {
        if (req->mode == RT_SEND_SYNC) {
            h.flags = RT_PKT_SYNC;
            h.sreq = rt_request_id(req);
            req->state = RT_STATE_SEND_WAIT_ACK;
            rt_progress_send(world, &h, req->sdata, bytes, NULL);
        } else {
            req->state = RT_STATE_SEND_WAIT_TAKEN;
            count_sent(&h);
            rt_pkt_short_t s = {.context_id = h.context_id, .src_rank = h.src_rank,
                                .tag = h.tag};
            if (rt_progress_try_short(world, &s, req->sdata, bytes))
                rt_request_complete(req);
            else
                rt_progress_send(world, &h, req->sdata, bytes, req);
        }
        return;
    }

    if (bytes <= peer->copy_limit && req->mode != RT_SEND_SYNC) {
        /* Eagerly in several packets: the first EAGER, the rest streamed
         * as DATA right behind it (rreq 0: the receiver knows where the
         * sender's current message goes).  The request completes once the
         * last part was taken. */
        size_t first = peer->eager_limit;
        h.flags = RT_PKT_MULTI;
        req->tp = peer->tp;
        req->remote_id = 0;
        req->rndv_len = bytes;
        req->rndv_done = first;
        req->state = RT_STATE_SEND_STREAMING;
        count_sent(&h);
        rt_progress_send(world, &h, req->sdata, first, NULL);
        rt_progress_stream(world, req);
        return;
    }

    /* Rendezvous: a synchronous send needs nothing more, since the
     * receiver answers only once it matched. */
    tp_t *tp = peer->tp;
    req->tp = tp;
    h.type = RT_PKT_RTS;
    h.sreq = rt_request_id(req);
    if (tp->can_get) {
        tp_status_t st = tp->ops->mem_expose(tp, req->sdata, bytes, &req->desc);
        if (st == TP_OK) {
            req->has_desc = 1;
            h.flags = RT_PKT_DESC;
        } else {
            rt_verbose("transport", "exposing %zu bytes for rank %d failed (status %d): "
                       "the message is streamed instead", bytes, world, (int)st);
        }
    }
    req->state = RT_STATE_SEND_WAIT_REPLY;
    count_sent(&h);
    rt_progress_send(world, &h, req->has_desc ? &req->desc : NULL,
                     req->has_desc ? sizeof(req->desc) : 0, NULL);
}

static void send_release_desc(rt_request_t *req)
{
    if (req->has_desc) {
        req->tp->ops->mem_release(req->tp, &req->desc);
        req->has_desc = 0;
    }
}

int rt_proto_stream_push(rt_request_t *req)
{
    tp_t *tp = req->tp;
    size_t chunk = tp->am_max_payload;
    rt_pkt_hdr_t h;
    memset(&h, 0, sizeof(h));
    h.type = RT_PKT_DATA;
    h.flags = req->remote_id == 0 ? RT_PKT_MULTI : 0;
    h.rreq = req->remote_id;
    while (req->rndv_done < req->rndv_len) {
        size_t n = req->rndv_len - req->rndv_done;
        if (n > chunk)
            n = chunk;
        h.offset = req->rndv_done;
        h.length = n;
        tp_status_t st = tp->ops->am_send(tp, req->peer_world, &h, sizeof(h),
                                          (const char *)req->sdata + req->rndv_done, n);
        if (st == TP_AGAIN)
            return 0;
        if (st != TP_OK)
            rt_fatal_transport(st, "sending data to rank %d failed (transport %s, status %d)",
                               req->peer_world, tp->name, (int)st);
        count_sent(&h);
        req->rndv_done += n;
    }
    rt_request_complete(req);
    return 1;
}

/* ---- Arrivals ------------------------------------------------------------------- */

/* A message no posted receive matched: kept, with its payload (eager), its
 * buffer's descriptor and layout (RTS), for a later receive or probe. */
static void store_unexpected(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                             size_t payload_len, const tp_mem_desc_t *descp,
                             const rt_pkt_runs_t *runs, size_t runs_len)
{
    int multi = h->type == RT_PKT_EAGER && (h->flags & RT_PKT_MULTI);
    rt_unexp_t *u = unexp_alloc();
    u->hdr = *h;
    u->src_world = src_world;
    u->data = NULL;
    u->incoming = multi;
    if (h->type == RT_PKT_EAGER && payload_len > 0) {
        /* A message in several parts is stored whole, its parts to come. */
        size_t len = multi ? (size_t)h->length : payload_len;
        u->data = unexp_data(u, len);
        if (u->data == NULL)
            rt_fatal("out of memory storing an unexpected message of %zu bytes from rank %d",
                     len, src_world);
        memcpy(u->data, payload, payload_len);
    }
    if (multi) {
        rt_multi_in_t *in = &rt_multi_in[src_world];
        in->req = NULL;
        in->u = u;
        in->total = (size_t)h->length;
        in->done = payload_len;
    }
    if (descp != NULL)
        u->desc = *descp;
    if (runs != NULL) {
        /* The layout is kept where an eager payload would be (aligned:
         * malloc'd, or the inline buffer at its 8-byte boundary). */
        u->data = unexp_data(u, runs_len);
        if (u->data == NULL)
            rt_fatal("out of memory storing an unexpected message from rank %d", src_world);
        memcpy(u->data, runs, runs_len);
    }
    rt_match_entry_set(&u->match, h->context_id, h->src_rank, h->tag);
    rt_match_add_unexpected(&rt_matcher, &u->match);
}

static void handle_message(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                           size_t payload_len)
{
    tp_mem_desc_t desc;
    const tp_mem_desc_t *descp = NULL;
    int multi = h->type == RT_PKT_EAGER && (h->flags & RT_PKT_MULTI);
    if (h->type == RT_PKT_EAGER && (multi ? payload_len >= h->length : h->length != payload_len))
        rt_fatal("protocol error: eager message from rank %d says %llu bytes but carries %zu",
                 src_world, (unsigned long long)h->length, payload_len);
    if (multi && (rt_multi_in[src_world].req != NULL || rt_multi_in[src_world].u != NULL))
        rt_fatal("protocol error: rank %d starts a message before the last one's parts came",
                 src_world);
    const rt_pkt_runs_t *runs = NULL;
    size_t runs_len = 0;
    uint64_t runs_buf[(sizeof(rt_pkt_runs_t) + RT_RUNS_MAX * sizeof(rt_dt_block_t)) / 8];
    if (h->type == RT_PKT_RTS && (h->flags & RT_PKT_DESC)) {
        if (h->flags & RT_PKT_RUNS) {
            runs_len = payload_len - sizeof(desc);
            if (payload_len < sizeof(desc) + sizeof(rt_pkt_runs_t))
                rt_fatal("protocol error: RTS from rank %d carries %zu bytes of layout",
                         src_world, payload_len);
            /* Copied out: the transport's payload need not be aligned. */
            memcpy(runs_buf, (const char *)payload + sizeof(desc),
                   runs_len < sizeof(runs_buf) ? runs_len : sizeof(runs_buf));
            runs = (const rt_pkt_runs_t *)runs_buf;
            if (runs->num_blocks > RT_RUNS_MAX ||
                runs_len != sizeof(*runs) + runs->num_blocks * sizeof(rt_dt_block_t))
                rt_fatal("protocol error: RTS from rank %d: a layout of %u blocks in %zu bytes",
                         src_world, runs->num_blocks, runs_len);
        } else if (payload_len != sizeof(desc)) {
            rt_fatal("protocol error: RTS from rank %d carries %zu bytes of descriptor",
                     src_world, payload_len);
        }
        memcpy(&desc, payload, sizeof(desc));
        descp = &desc;
    }

    rt_match_entry_t *e = rt_match_arrive(&rt_matcher, h->context_id, h->src_rank, h->tag);
    if (e != NULL) {
        rt_request_t *req = rt_container_of(e, rt_request_t, match);
        if (multi)
            recv_multi(req, src_world, h, payload, payload_len);
        else if (h->type == RT_PKT_EAGER)
            recv_eager(req, src_world, h, payload);
        else
            recv_rndv(req, src_world, h, descp, runs);
        return;
    }
    store_unexpected(src_world, h, payload, payload_len, descp, runs, runs_len);
}

static void handle_fin(int src_world, const rt_pkt_hdr_t *h)
{
    rt_request_t *req =
        reply_target(h->sreq, RT_REQ_SEND, RT_STATE_SEND_WAIT_REPLY, src_world, "FIN");
    send_release_desc(req);
    rt_request_complete(req);
}

/*
 * The receiver asks this rank to write its part of a cooperative copy.
 * When this rank may not (single copy denied since start-up), WRITTEN says
 * so with RT_PKT_DESC and this buffer's descriptor, for the receiver to
 * read the part itself.  Either way the request waits on for FIN or CTS.
 */
static void handle_split(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                         size_t payload_len)
{
    rt_request_t *req =
        reply_target(h->sreq, RT_REQ_SEND, RT_STATE_SEND_WAIT_REPLY, src_world, "SPLIT");
    if (payload_len != sizeof(tp_mem_desc_t) || h->length > req->bytes ||
        h->offset > h->length || req->sdata == NULL || !req->has_desc)
        rt_fatal("protocol error: SPLIT from rank %d asks for bytes %llu to %llu of a %zu-byte "
                 "message (%zu bytes of descriptor)", src_world, (unsigned long long)h->offset,
                 (unsigned long long)h->length, req->bytes, payload_len);
    tp_mem_desc_t remote;
    memcpy(&remote, payload, sizeof(remote));
    size_t n = (size_t)(h->length - h->offset);
    tp_iov_t riov = {h->offset, n};
    tp_iov_t liov = {(uint64_t)(uintptr_t)req->sdata + h->offset, n};
    tp_t *tp = req->tp;
    tp_status_t st = tp->ops->putv(tp, src_world, &remote, &riov, 1, &liov, 1);
    if (st != TP_OK && st != TP_ENOTSUP)
        rt_fatal_transport(st, "writing %zu bytes of a message into rank %d failed "
                               "(transport %s, status %d)",
                           n, src_world, tp->name, (int)st);
    /* req->desc outlives the packet: the request waits for FIN or CTS. */
    int refused = st != TP_OK;
    send_reply(src_world, RT_PKT_WRITTEN, refused ? RT_PKT_DESC : 0, 0, h->rreq, h->offset, n,
               refused ? &req->desc : NULL, refused ? sizeof(req->desc) : 0);
}

/* The sender's part of a cooperative copy is written, or refused (then read
 * it here, or have it streamed); the first part was read or refused before. */
static void handle_written(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                           size_t payload_len)
{
    rt_request_t *req = rt_request_from_id(h->rreq);
    int refused = (h->flags & RT_PKT_DESC) != 0;
    if (req == NULL || req->kind != RT_REQ_RECV || req->peer_world != src_world ||
        (req->state != RT_STATE_RECV_GET && req->state != RT_STATE_RECV_DATA) ||
        !req->has_desc || h->offset > req->rndv_len || h->length != req->rndv_len - h->offset ||
        payload_len != (refused ? sizeof(tp_mem_desc_t) : 0))
        rt_fatal("protocol error: WRITTEN from rank %d names request %u, which is not waiting "
                 "for bytes %llu to %llu", src_world, h->rreq, (unsigned long long)h->offset,
                 (unsigned long long)(h->offset + h->length));
    size_t split = (size_t)h->offset;
    int own_in = req->state == RT_STATE_RECV_GET;
    if (refused && own_in) {
        tp_mem_desc_t remote;
        memcpy(&remote, payload, sizeof(remote));
        tp_status_t st = req->tp->ops->get(req->tp, src_world, &remote, split,
                                           recv_dest(req) + split, req->rndv_len - split,
                                           &req->comp);
        if (st != TP_OK && st != TP_ENOTSUP)
            rt_fatal_transport(st, "reading a %zu-byte message from rank %d failed "
                                   "(transport %s, status %d)",
                               req->rndv_len, src_world, req->tp->name, (int)st);
        refused = st != TP_OK;
    }
    if (!refused)
        req->rndv_done += req->rndv_len - split;
    if (own_in && !refused) {
        /* Nothing more is read from the sender's buffer: it may go. */
        send_ctrl(src_world, RT_PKT_FIN, req->remote_id, 0, 0);
        recv_all_in(req);
    } else {
        /* What neither could copy is streamed: the first part, the second,
         * or both. */
        send_cts(req, own_in ? split : 0, refused ? req->rndv_len : split);
    }
}

static void handle_cts(int src_world, const rt_pkt_hdr_t *h)
{
    rt_request_t *req =
        reply_target(h->sreq, RT_REQ_SEND, RT_STATE_SEND_WAIT_REPLY, src_world, "CTS");
    if (h->length > req->bytes || h->offset > h->length)
        rt_fatal("protocol error: CTS from rank %d asks for bytes %llu to %llu of a %zu-byte "
                 "message", src_world, (unsigned long long)h->offset,
                 (unsigned long long)h->length, req->bytes);
    /* The receiver will not read the exposed buffer: release it now.  An
     * unpacked non-contiguous buffer is packed for streaming. */
    send_release_desc(req);
    if (req->sdata == NULL && h->length > 0)
        send_pack(req);
    req->remote_id = h->rreq;
    req->rndv_len = (size_t)h->length;
    req->rndv_done = (size_t)h->offset;
    req->state = RT_STATE_SEND_STREAMING;
    if (req->rndv_done == req->rndv_len)
        rt_request_complete(req);
    else
        rt_progress_stream(src_world, req);
}

/* A later part of a message sent in several packets. */
static void handle_multi_data(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                              size_t payload_len)
{
    rt_multi_in_t *in = &rt_multi_in[src_world];
    if ((in->req == NULL && in->u == NULL) || h->length != payload_len ||
        h->offset != in->done || payload_len > in->total - in->done)
        rt_fatal("protocol error: rank %d sends %zu bytes at offset %llu of a message of which "
                 "%zu of %zu bytes came", src_world, payload_len, (unsigned long long)h->offset,
                 in->done, in->total);
    if (in->req != NULL) {
        /* A truncated receive keeps only its first rndv_len bytes. */
        rt_request_t *req = in->req;
        if (in->done < req->rndv_len) {
            size_t n = req->rndv_len - in->done;
            memcpy(recv_dest(req) + in->done, payload, payload_len < n ? payload_len : n);
        }
    } else {
        memcpy((char *)in->u->data + in->done, payload, payload_len);
    }
    in->done += payload_len;
    if (in->done < in->total)
        return;
    if (in->req != NULL)
        rt_request_complete(in->req);
    else
        in->u->incoming = 0;
    in->req = NULL;
    in->u = NULL;
}

static void handle_data(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                        size_t payload_len)
{
    if (h->flags & RT_PKT_MULTI) {
        handle_multi_data(src_world, h, payload, payload_len);
        return;
    }
    rt_request_t *req =
        reply_target(h->rreq, RT_REQ_RECV, RT_STATE_RECV_DATA, src_world, "DATA");
    if (h->length != payload_len || h->offset > req->rndv_len ||
        payload_len > req->rndv_len - h->offset)
        rt_fatal("protocol error: DATA from rank %d of %zu bytes at offset %llu overflows a "
                 "%zu-byte transfer", src_world, payload_len, (unsigned long long)h->offset,
                 req->rndv_len);
    memcpy(recv_dest(req) + h->offset, payload, payload_len);
    req->rndv_done += payload_len;
    if (req->rndv_done == req->rndv_len)
        recv_all_in(req);
}

static void handle_sync_ack(int src_world, const rt_pkt_hdr_t *h)
{
    rt_request_t *req =
        reply_target(h->sreq, RT_REQ_SEND, RT_STATE_SEND_WAIT_ACK, src_world, "SYNC_ACK");
    rt_request_complete(req);
}

/* A plain EAGER packet sent short (rt_pkt_short_t): the common small
 * message, taken straight into a posted receive; unexpected, its full
 * header is rebuilt and it is stored as any other. */
static inline void handle_short(int src_world, const void *hdr, const void *payload,
                                size_t payload_len)
{
    /* Field by field: the transport promises no alignment. */
    int32_t context_id, src_rank, tag;
    const char *at = hdr;
    memcpy(&context_id, at + offsetof(rt_pkt_short_t, context_id), sizeof(context_id));
    memcpy(&src_rank, at + offsetof(rt_pkt_short_t, src_rank), sizeof(src_rank));
    memcpy(&tag, at + offsetof(rt_pkt_short_t, tag), sizeof(tag));
    rt_match_entry_t *e = rt_match_arrive(&rt_matcher, context_id, src_rank, tag);
    if (RT_LIKELY(e != NULL)) {
        rt_request_t *req = rt_container_of(e, rt_request_t, match);
        recv_take(req, src_rank, tag, payload, payload_len);
        rt_request_complete(req);
        return;
    }
    rt_pkt_hdr_t h;
    message_header(&h, RT_PKT_EAGER, context_id, src_rank, tag, payload_len);
    store_unexpected(src_world, &h, payload, payload_len, NULL, NULL, 0);
}

/* Every other packet: the full header.  Not inlined into the handler, so
 * that a short message does not pay for this one's stack frame. */
static void __attribute__((noinline)) handle_packet(int src_world_rank, const void *hdr,
                                                    size_t hdr_len, const void *payload,
                                                    size_t payload_len)
{
    rt_pkt_hdr_t h;
    if (RT_UNLIKELY(hdr_len != sizeof(h)))
        rt_fatal("protocol error: a packet header of %zu bytes from rank %d (expected %zu)",
                 hdr_len, src_world_rank, sizeof(h));
    /* Copy: the transport promises no alignment. */
    memcpy(&h, hdr, sizeof(h));
    switch (h.type) {
    case RT_PKT_EAGER:
    case RT_PKT_RTS:
        handle_message(src_world_rank, &h, payload, payload_len);
        break;
    case RT_PKT_DATA:
        handle_data(src_world_rank, &h, payload, payload_len);
        break;
    case RT_PKT_FIN:
        handle_fin(src_world_rank, &h);
        break;
    case RT_PKT_CTS:
        handle_cts(src_world_rank, &h);
        break;
    case RT_PKT_SYNC_ACK:
        handle_sync_ack(src_world_rank, &h);
        break;
    case RT_PKT_RMA:
        rt_win_am_handler(src_world_rank, &h, payload, payload_len);
        break;
    case RT_PKT_SPLIT:
        handle_split(src_world_rank, &h, payload, payload_len);
        break;
    case RT_PKT_WRITTEN:
        handle_written(src_world_rank, &h, payload, payload_len);
        break;
    default:
        rt_fatal("protocol error: unknown packet type %u from rank %d", h.type, src_world_rank);
    }
}

void rt_proto_am_handler(void *arg, int src_world_rank, const void *hdr, size_t hdr_len,
                         const void *payload, size_t payload_len)
{
    (void)arg;
    if (hdr_len == sizeof(rt_pkt_short_t))
        handle_short(src_world_rank, hdr, payload, payload_len);
    else
        handle_packet(src_world_rank, hdr, hdr_len, payload, payload_len);
}

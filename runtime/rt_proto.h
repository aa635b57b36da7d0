/*
 * rt_proto.h -- the point-to-point wire protocol: packet header, eager and
 * rendezvous sends, and the handler of arriving packets.
 *
 * Packets (one active message each, header below + payload):
 *   EAGER     envelope + the whole message as payload.  With RT_PKT_SYNC
 *             (MPI_Ssend) the receiver answers SYNC_ACK once it matched.
 *   RTS       envelope + message length + sender's request id; payload is
 *             the sender's tp_mem_desc_t when RT_PKT_DESC is set, then the
 *             layout of an unpacked non-contiguous buffer with RT_PKT_RUNS.
 *   FIN       receiver -> sender: the get() finished (or there was nothing
 *             to move): the sender completes and releases its buffer.
 *   CTS       receiver -> sender when get() is impossible: stream bytes
 *             [offset, length) as DATA to request `rreq` (offset 0 but
 *             after a cooperative copy that could not copy its first part).
 *   DATA      sender -> receiver: `length` bytes at `offset`.
 *   SYNC_ACK  receiver -> sender: the synchronous eager message matched.
 *   SPLIT     receiver -> sender, instead of reading a large contiguous
 *             message alone (see "Cooperative single copy" below): payload
 *             the receiver's tp_mem_desc_t; write bytes [offset, length)
 *             into it.  The receiver reads [0, offset) meanwhile.
 *   WRITTEN   sender -> receiver (`rreq`): the `length` bytes at `offset`
 *             that SPLIT asked for are in place; with RT_PKT_DESC they are
 *             not (this rank may not write), and the payload is the
 *             sender's tp_mem_desc_t again, for the receiver to read them.
 *
 * A message above the eager limit but at most the peer's copy limit
 * (rt_peer_t.copy_limit) goes without a handshake: EAGER with RT_PKT_MULTI
 * carries the envelope, the whole length and the first bytes, and DATA
 * packets with RT_PKT_MULTI (rreq 0) carry the rest at increasing offsets,
 * right behind it: per-sender ordering and the per-peer send queue keep no
 * other message of that sender in between, so the receiver keeps one
 * "message coming in" per sender.
 *
 * Cooperative single copy: with one copy by the receiver, the sender sits
 * idle in its wait while one core copies.  A contiguous message of at
 * least MINIMPI_SHM_CMA_SPLIT bytes to a contiguous receive, through a
 * transport that can write into a peer (putv), is copied by both at once:
 * the receiver exposes its buffer in SPLIT and reads the first half, the
 * sender writes the second half on receipt and answers WRITTEN.  Once
 * WRITTEN came and its own half is in, the receiver sends FIN and completes;
 * the sender completes on FIN, after which nobody reads its buffer.  A part
 * that a rank may not copy (single copy denied after start-up) is read by
 * the other rank, or else streamed after CTS [offset, length).  The price:
 * the receive waits for the sender to make progress (enter the library),
 * which a streamed rendezvous needs anyway.
 *
 * Envelope fields are the sender's comm rank and the communicator's context
 * id; request ids are rt_request_id() of the request on each side.
 *
 * A plain EAGER packet (no flags: standard, ready or buffered mode, the
 * whole message) may instead travel with the 12-byte rt_pkt_short_t as its
 * header; the receiver tells the two apart by the header's length and
 * takes the message length from the payload's.  28 bytes fewer per small
 * message put 40 bytes of payload in the shared-memory fast box's first
 * cache line instead of 12 (transports/shm/shm_fbox.h).
 */
#ifndef MINIMPI_RT_PROTO_H
#define MINIMPI_RT_PROTO_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"
#include "rt_request.h"

typedef enum rt_pkt_type {
    RT_PKT_EAGER = 1,
    RT_PKT_RTS,
    RT_PKT_CTS,
    RT_PKT_DATA,
    RT_PKT_FIN,
    RT_PKT_SYNC_ACK,
    RT_PKT_RMA,                    /* one-sided communication (runtime/rt_win.h) */
    RT_PKT_SPLIT,                  /* cooperative single copy: the sender's part */
    RT_PKT_WRITTEN,                /* ... is written */
} rt_pkt_type_t;

#define RT_PKT_SYNC 0x01           /* EAGER: answer SYNC_ACK when matched */
#define RT_PKT_DESC 0x02           /* RTS: payload is a tp_mem_desc_t */
#define RT_PKT_RUNS 0x04           /* RTS: ... followed by rt_pkt_runs_t and its blocks */
#define RT_PKT_MULTI 0x08          /* EAGER: the first part only; DATA: a later part */

/*
 * A non-contiguous send on the single-copy path is not packed: the sender
 * exposes the bytes its type spans and describes the layout after the
 * descriptor (this, then num_blocks rt_dt_block_t), so the receiver reads
 * the pieces straight into place with the transport's getv.  Only types of
 * at most RT_RUNS_MAX blocks travel this way; others are packed.
 */
#define RT_RUNS_MAX 16
typedef struct rt_pkt_runs {
    uint64_t count;                /* elements */
    int64_t extent;
    int64_t origin;                /* element 0's start, relative to the exposed buffer */
    uint32_t num_blocks;
    uint32_t reserved;
} rt_pkt_runs_t;

typedef struct rt_pkt_hdr {
    uint8_t type;                  /* rt_pkt_type_t */
    uint8_t flags;
    uint16_t reserved;
    int32_t context_id;            /* EAGER, RTS */
    int32_t src_rank;              /* EAGER, RTS: sender's rank in the communicator */
    int32_t tag;                   /* EAGER, RTS */
    uint64_t length;               /* EAGER, RTS: message bytes; CTS: bytes wanted; DATA: chunk;
                                    * SPLIT: bytes moved in all; WRITTEN: bytes written */
    uint64_t offset;               /* DATA: where the chunk goes; SPLIT: the sender's part starts */
    uint32_t sreq;                 /* sender's request id (RTS, SYNC eager, FIN, CTS, SYNC_ACK,
                                    * SPLIT) */
    uint32_t rreq;                 /* receiver's request id (CTS, DATA, SPLIT, WRITTEN) */
} rt_pkt_hdr_t;

/* 40 bytes: small enough to share a 64-byte shared-memory cell header with
 * the transport's own fields, and 8-byte aligned throughout. */
static_assert(sizeof(rt_pkt_hdr_t) == 40, "rt_pkt_hdr_t must stay 40 bytes");

/* The header of a plain EAGER packet sent short (see above). */
typedef struct rt_pkt_short {
    int32_t context_id;
    int32_t src_rank;
    int32_t tag;
} rt_pkt_short_t;

static_assert(sizeof(rt_pkt_short_t) == 12, "rt_pkt_short_t is 12 bytes");

/* Matching state and unexpected-message storage (MPI_Init / MPI_Finalize). */
void rt_proto_init(void);
void rt_proto_finalize(void);

/*
 * Start a send request whose arguments are set (comm, buf, count, dt,
 * peer, tag, mode): pack if needed, then eager or rendezvous to the peer.
 * The request completes later (or at once: eager, or MPI_PROC_NULL).
 */
void rt_proto_send_start(rt_request_t *req);

/*
 * A blocking standard-mode send of a small contiguous message without a
 * request, on `context_id` (comm->context_id for the program's messages,
 * comm->context_id + 1 for collectives): when the message goes EAGER and
 * the peer's transport takes it at once (nothing queued before it, room in
 * the transport), it is sent and complete: returns 1.  Returns 0, having
 * sent nothing, in every other case (MPI_PROC_NULL, a larger or
 * non-contiguous message, a transport that said TP_AGAIN); the caller then
 * takes the request path.
 */
int rt_proto_send_now(rt_comm_t *comm, int context_id, const void *buf, size_t count,
                      rt_datatype_t *dt, int dest, int tag);

/*
 * The nonblocking form (standard and ready modes): when rt_proto_send_now
 * sends the message at once, a request born complete (it holds neither
 * communicator nor datatype: nothing is left to do with them); else NULL,
 * and the caller takes the request path.  A window of small Isends thus
 * costs no protocol state per message.
 */
rt_request_t *rt_proto_isend_now(rt_comm_t *comm, const void *buf, size_t count,
                                 rt_datatype_t *dt, int dest, int tag);

/* Start a receive request whose arguments are set: match it against the
 * unexpected queue or post it. */
void rt_proto_recv_start(rt_request_t *req);

/*
 * The runtime's own point-to-point (collectives, the finalize barrier): a
 * standard-mode send or a receive of `count` elements on an explicit
 * context id of `comm` (comm->context_id + 1 for its collective traffic),
 * started at once.  No argument checks: the caller passes valid values.
 * Wait with rt_request_wait, read req->status (a truncated receive has
 * MPI_ERR_TRUNCATE there), then rt_request_release.
 */
rt_request_t *rt_proto_isend(rt_comm_t *comm, int context_id, const void *buf, size_t count,
                             rt_datatype_t *dt, int dest, int tag);
rt_request_t *rt_proto_irecv(rt_comm_t *comm, int context_id, void *buf, size_t count,
                             rt_datatype_t *dt, int source, int tag);

/* Cancel a receive if it is still posted: 1 when cancelled (and complete). */
int rt_proto_recv_cancel(rt_request_t *req);

/* Look for an unexpected message matching (source, tag) in comm without
 * receiving it; fills *status (unless ignored) and returns 1 when found. */
int rt_proto_probe(rt_comm_t *comm, int source, int tag, MPI_Status *status);

/*
 * Push the DATA chunks of a streaming send (after CTS) into the transport
 * until it refuses one.  Returns 1 when the last chunk was taken (the
 * request is then complete), 0 when chunks remain.
 */
int rt_proto_stream_push(rt_request_t *req);

/* The transports' tp_am_handler_fn: dispatches an arriving packet. */
void rt_proto_am_handler(void *arg, int src_world_rank, const void *hdr, size_t hdr_len,
                         const void *payload, size_t payload_len);

#endif /* MINIMPI_RT_PROTO_H */

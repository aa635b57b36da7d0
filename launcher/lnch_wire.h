/*
 * lnch_wire.h -- the protocol between mini-mpirun and its per-node daemons
 * (mini-mpid), over one TCP connection per daemon.
 *
 * A frame is a 12-byte header (payload length, type, argument; big-endian)
 * and the payload.  The argument is a global rank for the per-rank frames
 * (PMI, STDOUT, STDERR, STARTED, EXIT), so a frame means the same thing
 * wherever it travels: a daemon in the middle of a k-ary tree of daemons
 * relays its children's frames upwards unchanged, and frames for a rank
 * downwards to the child whose subtree holds that rank's node.  (The tree
 * built today is a tree of launches only: every daemon connects straight
 * back to mini-mpirun, see lnch_remote.h.)
 *
 *   HELLO    d->m  arg node id; payload: the job secret (hex), sent first
 *   STARTED  d->m  arg rank; payload: its pid (decimal)
 *   PMI      both  arg rank; payload: one PMI-1 line from the rank (d->m),
 *                  or the reply to write to the rank (m->d)
 *   STDOUT,
 *   STDERR   d->m  arg rank; payload: bytes the rank wrote
 *   EXIT     d->m  arg rank; payload: "<wait status> <pid>"
 *   ERROR    d->m  arg exit code; payload: why the daemon gives up
 *   SIGNAL   m->d  arg signal number: send it to every rank's process group
 *   PING     both  heartbeat, once a second: a silent peer is a lost peer
 *   LAUNCH   m->d  arg node id; payload: the argv (NUL-terminated strings)
 *                  of the launch agent that starts that node's daemon; the
 *                  daemon runs it with the job secret on its stdin
 *   AGENT_EXIT d->m arg node id; payload: the wait status (decimal) of the
 *                  agent the daemon started for that node
 *   PLACE    d->m  arg rank; payload: the value of its PMI key
 *                  minimpi-place-<rank> (where it runs on its node), sent
 *                  before the rank starts so that it is in the store first
 *   REPORT   d->m  arg rank; payload: its --report-bindings line; arg -1:
 *                  the node's --display-map block (lnch_place_job.h)
 *   MACHINE  d->m  arg node id; payload: which machine the node is
 *                  (lnch_node_place_machine), sent right after HELLO
 *   SHARE    m->d  payload: "<offset> <machine ranks> <machine nodes>", the
 *                  node's share of its machine (lnch_place_share_t), once
 *                  every node's MACHINE is in: only then does the daemon
 *                  place and start its ranks (mini-mpirun its own node's)
 *
 * The daemon ends when all its ranks are reaped and their output sent;
 * mini-mpirun sees its connection close after the last EXIT.  A
 * connection that closes, or stays silent longer than the heartbeat
 * timeout, while ranks of its node live means the node is lost.
 */
#ifndef MINIMPI_LNCH_WIRE_H
#define MINIMPI_LNCH_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Heartbeats are sent this often (seconds). */
#define LNCH_WIRE_PING_INTERVAL 1.0

/* The largest payload accepted: more is a broken or hostile peer. */
#define LNCH_WIRE_PAYLOAD_MAX (1u << 20)

#define LNCH_WIRE_HEADER 12

/* Bytes of the random secret; sent as twice as many hex digits. */
#define LNCH_WIRE_SECRET_BYTES 16

typedef enum lnch_wire_type {
    LNCH_WIRE_HELLO = 1,
    LNCH_WIRE_STARTED,
    LNCH_WIRE_PMI,
    LNCH_WIRE_STDOUT,
    LNCH_WIRE_STDERR,
    LNCH_WIRE_EXIT,
    LNCH_WIRE_ERROR,
    LNCH_WIRE_SIGNAL,
    LNCH_WIRE_PING,
    LNCH_WIRE_LAUNCH,
    LNCH_WIRE_AGENT_EXIT,
    LNCH_WIRE_PLACE,
    LNCH_WIRE_REPORT,
    LNCH_WIRE_MACHINE,
    LNCH_WIRE_SHARE,
} lnch_wire_type_t;

typedef struct lnch_wire_frame {
    int type;
    int32_t arg;
    const char *data;             /* points into the connection's buffer */
    size_t len;
} lnch_wire_frame_t;

typedef struct lnch_conn {
    int fd;                       /* -1 once closed */
    char *in;
    size_t in_len, in_off, in_cap;
    double last_rx, last_tx;      /* monotonic seconds of the last frame each way */
} lnch_conn_t;

/* Take over a connected TCP socket: blocking sends bounded by `send_timeout`
 * seconds (a peer that stops reading is lost, not waited for forever). */
void lnch_conn_init(lnch_conn_t *c, int fd, double send_timeout);
void lnch_conn_close(lnch_conn_t *c);

/* Send one frame.  Returns 0, or -1 when the connection broke. */
int lnch_wire_send(lnch_conn_t *c, int type, int32_t arg, const void *data, size_t len);

/* Read what the socket holds now.  Returns 0, or 1 at end of file or on an
 * error (the connection stays open for the caller to report and close). */
int lnch_wire_read(lnch_conn_t *c);

/* The next complete frame received: 1 and *f, or 0 when none is complete,
 * or -1 when the peer announced a payload over LNCH_WIRE_PAYLOAD_MAX. */
int lnch_wire_next(lnch_conn_t *c, lnch_wire_frame_t *f);

/* A fresh secret as 2 * LNCH_WIRE_SECRET_BYTES hex digits and a '\0'. */
int lnch_wire_make_secret(char *out, size_t out_len);

/* Compare secrets in time independent of where they differ. */
int lnch_wire_secret_eq(const char *a, size_t a_len, const char *b);

#endif /* MINIMPI_LNCH_WIRE_H */

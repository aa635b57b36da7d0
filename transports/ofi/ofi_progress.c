/*
 * ofi_progress.c -- the libfabric transport's progress engine: read the
 * completion queue, hand arrived messages to the runtime and post their
 * buffers again, recycle send buffers, finish reads, turn completion
 * errors into fatal errors naming the peer and its host, and notice a peer
 * that stays silent while we wait for it.
 *
 * libfabric does not report a dead peer or a cut link: a send or read
 * towards it just never completes.  So every peer with operations
 * outstanding carries the time of its last completion, and once that is
 * MINIMPI_OFI_TIMEOUT seconds old the job ends naming the peer.
 */
#include "ofi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double ofi_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void ofi_fail(ofi_tp_t *ofi, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    char msg[1024];
    snprintf(msg, sizeof(msg), "libfabric transport: %s", text);
    if (ofi->fatal != NULL)
        ofi->fatal(msg);
    fprintf(stderr, "minimpi: rank %d on %s: %s\n", ofi->world_rank, ofi->host, msg);
    abort();
}

/* One operation towards `peer` finished: it has shown signs of life. */
static void peer_op_done(ofi_tp_t *ofi, int peer)
{
    ofi_peer_t *p = &ofi->peers[peer];
    p->outstanding--;
    p->busy_since = ofi_now();
}

static void deliver(ofi_tp_t *ofi, ofi_op_t *op, size_t len)
{
    ofi_wire_t wire;
    if (len < sizeof(wire))
        ofi_fail(ofi, "a message of %zu bytes arrived, shorter than its header", len);
    memcpy(&wire, op->buf, sizeof(wire));
    size_t hdr_room = (wire.hdr_len + 7u) & ~7u;
    if (wire.src >= (uint32_t)ofi->world_size || wire.hdr_len > OFI_MAX_HDR ||
        sizeof(wire) + hdr_room + wire.payload_len != len)
        ofi_fail(ofi, "a malformed message arrived (%zu bytes, says rank %u, %u + %u bytes)",
                 len, wire.src, wire.hdr_len, wire.payload_len);
    ofi_peer_t *p = &ofi->peers[wire.src];
    if (wire.seq != p->recv_seq)
        ofi_fail(ofi, "message %u from rank %u on %s arrived when %u was next: the provider "
                      "does not keep the order of sends (FI_ORDER_SAS)",
                 wire.seq, wire.src, p->host, p->recv_seq);
    p->recv_seq++;
    ofi->am_handler(ofi->am_handler_arg, (int)wire.src, op->buf + sizeof(wire), wire.hdr_len,
                    op->buf + sizeof(wire) + hdr_room, wire.payload_len);
}

static void complete(ofi_tp_t *ofi, const struct fi_cq_msg_entry *e)
{
    ofi_op_t *op = (ofi_op_t *)e->op_context;
    switch (op->kind) {
    case OFI_OP_SEND:
        peer_op_done(ofi, op->peer);
        ofi->sends_outstanding--;
        op->next = ofi->send_free;
        ofi->send_free = op;
        break;
    case OFI_OP_RECV:
        deliver(ofi, op, e->len);
        ofi_post_recv(ofi, op);
        break;
    case OFI_OP_READ:
    case OFI_OP_WRITE:
    case OFI_OP_ATOMIC:
        ofi_rma_done(ofi, op, TP_OK);
        break;
    }
}

/* A failed completion: name the peer, its host and libfabric's reason. */
static void complete_error(ofi_tp_t *ofi)
{
    struct fi_cq_err_entry err;
    memset(&err, 0, sizeof(err));
    ssize_t rc = fi_cq_readerr(ofi->cq, &err, 0);
    if (rc < 0)
        ofi_fail(ofi, "reading a completion error failed: %s", ofi_strerror((int)-rc));
    ofi_op_t *op = (ofi_op_t *)err.op_context;
    const char *prov_err = fi_cq_strerror(ofi->cq, err.prov_errno, err.err_data, NULL, 0);
    if (op != NULL && op->kind == OFI_OP_RECV && err.err == FI_ECANCELED)
        return;                    /* a receive cancelled while closing */
    if (op == NULL || op->kind == OFI_OP_RECV)
        ofi_fail(ofi, "a receive failed: %s (%s)", ofi_strerror(err.err),
                 prov_err ? prov_err : "no detail");
    const char *what = op->kind == OFI_OP_SEND    ? "sending to"
                       : op->kind == OFI_OP_WRITE ? "writing into"
                       : op->kind == OFI_OP_ATOMIC ? "an atomic operation on"
                                                  : "reading from";
    ofi_fail(ofi, "%s rank %d on %s failed: %s (%s)", what, op->peer, ofi->peers[op->peer].host,
             ofi_strerror(err.err), prov_err ? prov_err : "no detail");
}

/* A peer with operations outstanding that did not complete any for too long. */
static void check_silence(ofi_tp_t *ofi)
{
    double now = ofi_now();
    if (ofi->timeout <= 0 || now < ofi->next_check)
        return;
    ofi->next_check = now + 1.0;
    for (int r = 0; r < ofi->world_size; r++) {
        ofi_peer_t *p = &ofi->peers[r];
        if (p->outstanding > 0 && now - p->busy_since > ofi->timeout)
            ofi_fail(ofi, "rank %d on %s has not answered for %.0f s with %d operations "
                          "pending on it (MINIMPI_OFI_TIMEOUT=%.0f): the rank or its node is "
                          "lost, or the network between us is cut",
                     r, p->host, now - p->busy_since, p->outstanding, ofi->timeout);
    }
}

int ofi_progress(tp_t *tp)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    /* A handler that calls progress again would be handed messages out of
     * order; it gets nothing instead. */
    if (ofi->in_progress)
        return 0;
    ofi->in_progress = 1;
    int n = 0;
    while (ofi->repost != NULL) {
        ofi_op_t *op = ofi->repost;
        ofi->repost = op->next;
        ofi_post_recv(ofi, op);
        if (ofi->repost == op)
            break;                 /* refused again: the provider needs progress first */
    }
    if (ofi->rma_waiting != NULL)
        n += ofi_rma_retry(ofi);

    struct fi_cq_msg_entry entries[OFI_CQ_BATCH];
    ssize_t got = fi_cq_read(ofi->cq, entries, OFI_CQ_BATCH);
    if (got > 0) {
        for (ssize_t i = 0; i < got; i++)
            complete(ofi, &entries[i]);
        n += (int)got;
    } else if (got == -FI_EAVAIL) {
        complete_error(ofi);
    } else if (got != -FI_EAGAIN) {
        ofi_fail(ofi, "reading the completion queue failed: %s", ofi_strerror((int)-got));
    }
    if (ofi->sends_outstanding > 0 || ofi->rma_outstanding > 0)
        check_silence(ofi);
    ofi->in_progress = 0;
    return n;
}

int ofi_pending(tp_t *tp)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    return ofi->sends_outstanding + ofi->rma_outstanding;
}

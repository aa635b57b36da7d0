/*
 * ofi_ops.c -- the libfabric transport's ops table and its send path:
 * am_send copies the message into a free bounce buffer and posts it with
 * fi_send; the buffer comes back to the free list when its completion is
 * read (ofi_progress.c).
 */
#include "ofi.h"

#include <stdio.h>
#include <string.h>

static int ofi_reachable(tp_t *tp, int peer)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    return peer >= 0 && peer < ofi->world_size && ofi->peers[peer].addr != FI_ADDR_NOTAVAIL;
}

static tp_status_t ofi_am_send(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                               const void *payload, size_t payload_len)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    if (!ofi_reachable(tp, peer) || hdr_len > OFI_MAX_HDR || payload_len > OFI_MAX_PAYLOAD) {
        fprintf(stderr, "minimpi: rank %d: ofi: am_send to rank %d of %zu + %zu bytes: %s\n",
                ofi->world_rank, peer, hdr_len, payload_len,
                ofi_reachable(tp, peer) ? "message larger than a bounce buffer"
                                        : "peer not in the address vector");
        return TP_EINVAL;
    }
    ofi_op_t *op = ofi->send_free;
    if (op == NULL)
        return TP_AGAIN;
    ofi_peer_t *p = &ofi->peers[peer];

    /* Header and payload follow the wire header; the header is padded to 8
     * bytes so the payload's alignment does not depend on it. */
    size_t hdr_room = (hdr_len + 7u) & ~(size_t)7u;
    ofi_wire_t wire = {
        .src = (uint32_t)ofi->world_rank,
        .seq = p->send_seq,
        .hdr_len = (uint32_t)hdr_len,
        .payload_len = (uint32_t)payload_len,
    };
    memcpy(op->buf, &wire, sizeof(wire));
    if (hdr_len > 0)
        memcpy(op->buf + sizeof(wire), hdr, hdr_len);
    if (payload_len > 0)
        memcpy(op->buf + sizeof(wire) + hdr_room, payload, payload_len);

    ssize_t rc = fi_send(ofi->ep, op->buf, sizeof(wire) + hdr_room + payload_len, ofi->bufs_desc,
                         p->addr, &op->ctx);
    if (rc == -FI_EAGAIN)
        return TP_AGAIN;           /* nothing taken: the runtime retries after progress */
    if (rc != 0) {
        fprintf(stderr, "minimpi: rank %d: ofi: fi_send to rank %d on %s failed: %s\n",
                ofi->world_rank, peer, p->host, ofi_strerror((int)-rc));
        return TP_EPEER;
    }
    ofi->send_free = op->next;
    op->peer = peer;
    p->send_seq++;
    if (p->outstanding++ == 0)
        p->busy_since = ofi_now();
    ofi->sends_outstanding++;
    return TP_OK;
}

const tp_ops_t tp_ofi_ops = {
    .name = "ofi",
    .init = ofi_init,
    .reachable = ofi_reachable,
    .am_send = ofi_am_send,
    .mem_expose = ofi_mem_expose,
    .mem_release = ofi_mem_release,
    .get = ofi_get,
    .progress = ofi_progress,
    .finalize = ofi_finalize,
    .pending = ofi_pending,
    .putv_async = ofi_putv_async,
    .getv_async = ofi_getv_async,
    .atomic_max = ofi_atomic_max,
    .atomic_async = ofi_atomic_async,
};

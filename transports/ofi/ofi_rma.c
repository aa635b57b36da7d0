/*
 * ofi_rma.c -- rendezvous single copy over libfabric: mem_expose registers
 * the sender's buffer for remote reads (fi_mr_reg), and the receiver's
 * get() pulls it with fi_read, in chunks of at most the provider's largest
 * message, one chunk in flight per read.  Only when every rank's provider
 * offered FI_RMA (can_get); otherwise the runtime streams DATA chunks
 * through active messages instead.
 */
#include "ofi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tp_status_t ofi_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    if (!tp->can_get)
        return TP_ENOTSUP;
    struct fid_mr *mr = NULL;
    /* Without FI_MR_PROV_KEY the keys are ours to choose, unique per domain. */
    uint64_t key = ofi->next_key++;
    int rc = fi_mr_reg(ofi->domain, buf, len, FI_REMOTE_READ, 0, key, 0, &mr, NULL);
    if (rc == 0 && (ofi->mr_mode & FI_MR_ENDPOINT)) {
        rc = fi_mr_bind(mr, &ofi->ep->fid, 0);
        if (rc == 0)
            rc = fi_mr_enable(mr);
    }
    if (rc != 0) {
        if (mr != NULL)
            fi_close(&mr->fid);
        fprintf(stderr, "minimpi: rank %d: ofi: registering %zu bytes for a remote read "
                        "failed: %s\n",
                ofi->world_rank, len, fi_strerror(-rc));
        return TP_ESYS;
    }
    ofi_desc_t d = {
        .addr = (ofi->mr_mode & FI_MR_VIRT_ADDR) ? (uint64_t)(uintptr_t)buf : 0,
        .key = fi_mr_key(mr),
        .len = len,
        .mr = (uint64_t)(uintptr_t)mr,
    };
    memset(desc, 0, sizeof(*desc));
    memcpy(desc->bytes, &d, sizeof(d));
    return TP_OK;
}

void ofi_mem_release(tp_t *tp, tp_mem_desc_t *desc)
{
    (void)tp;
    ofi_desc_t d;
    memcpy(&d, desc->bytes, sizeof(d));
    struct fid_mr *mr = (struct fid_mr *)(uintptr_t)d.mr;
    if (mr != NULL)
        fi_close(&mr->fid);
}

/* Post the read's next chunk.  Returns 0, or -FI_EAGAIN when the provider
 * wants progress first. */
static ssize_t read_next_chunk(ofi_tp_t *ofi, ofi_op_t *op)
{
    size_t n = op->len - op->done;
    if (n > ofi->max_msg_size)
        n = ofi->max_msg_size;
    void *desc = op->local_mr != NULL ? fi_mr_desc(op->local_mr) : NULL;
    ssize_t rc = fi_read(ofi->ep, op->local + op->done, n, desc, ofi->peers[op->peer].addr,
                         op->remote_addr + op->done, op->remote_key, &op->ctx);
    if (rc != 0 && rc != -FI_EAGAIN)
        ofi_fail(ofi, "reading %zu bytes from rank %d on %s failed: %s", n, op->peer,
                 ofi->peers[op->peer].host, fi_strerror((int)-rc));
    return rc;
}

static void wait_for_progress(ofi_tp_t *ofi, ofi_op_t *op)
{
    op->next = NULL;
    if (ofi->reads_waiting_tail != NULL)
        ofi->reads_waiting_tail->next = op;
    else
        ofi->reads_waiting = op;
    ofi->reads_waiting_tail = op;
}

tp_status_t ofi_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset, void *local,
                    size_t len, tp_comp_t *comp)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    if (!tp->can_get)
        return TP_ENOTSUP;
    ofi_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    if (!tp->ops->reachable(tp, peer) || offset > d.len || len > d.len - offset) {
        fprintf(stderr, "minimpi: rank %d: ofi: get of %zu bytes at %zu from rank %d: %s\n",
                ofi->world_rank, len, offset, peer,
                tp->ops->reachable(tp, peer) ? "outside the exposed buffer" : "peer unknown");
        return TP_EINVAL;
    }
    if (len == 0)
        return TP_OK;
    ofi_op_t *op = calloc(1, sizeof(*op));
    if (op == NULL)
        return TP_ENOMEM;
    op->kind = OFI_OP_READ;
    op->peer = peer;
    op->comp = comp;
    op->local = local;
    op->len = len;
    op->remote_addr = d.addr + offset;
    op->remote_key = d.key;
    if (ofi->mr_mode & FI_MR_LOCAL) {
        int rc = fi_mr_reg(ofi->domain, local, len, FI_READ, 0, ofi->next_key++, 0,
                           &op->local_mr, NULL);
        if (rc == 0 && (ofi->mr_mode & FI_MR_ENDPOINT)) {
            rc = fi_mr_bind(op->local_mr, &ofi->ep->fid, 0);
            if (rc == 0)
                rc = fi_mr_enable(op->local_mr);
        }
        if (rc != 0) {
            if (op->local_mr != NULL)
                fi_close(&op->local_mr->fid);
            free(op);
            /* The runtime streams the message instead. */
            return TP_ENOTSUP;
        }
    }
    ofi_peer_t *p = &ofi->peers[peer];
    if (p->outstanding++ == 0)
        p->busy_since = ofi_now();
    ofi->reads_outstanding++;
    if (read_next_chunk(ofi, op) == -FI_EAGAIN)
        wait_for_progress(ofi, op);
    return TP_INPROGRESS;
}

int ofi_reads_retry(ofi_tp_t *ofi)
{
    int n = 0;
    while (ofi->reads_waiting != NULL) {
        ofi_op_t *op = ofi->reads_waiting;
        if (read_next_chunk(ofi, op) == -FI_EAGAIN)
            break;
        ofi->reads_waiting = op->next;
        if (ofi->reads_waiting == NULL)
            ofi->reads_waiting_tail = NULL;
        n++;
    }
    return n;
}

void ofi_read_done(ofi_tp_t *ofi, ofi_op_t *op, tp_status_t status)
{
    ofi_peer_t *p = &ofi->peers[op->peer];
    p->busy_since = ofi_now();
    if (status == TP_OK) {
        size_t n = op->len - op->done;
        op->done += n > ofi->max_msg_size ? ofi->max_msg_size : n;
        if (op->done < op->len) {
            if (read_next_chunk(ofi, op) == -FI_EAGAIN)
                wait_for_progress(ofi, op);
            return;
        }
    }
    p->outstanding--;
    ofi->reads_outstanding--;
    if (op->local_mr != NULL)
        fi_close(&op->local_mr->fid);
    tp_comp_t *comp = op->comp;
    free(op);
    comp->done(comp, status);
}

/*
 * ofi_rma.c -- one-sided reads and writes over libfabric.  mem_expose
 * registers a buffer for remote access (fi_mr_reg): a rendezvous sender's
 * buffer, which the receiver's get() pulls with fi_read, or a window's
 * memory, which origins on other nodes write with fi_write (putv_async)
 * and read with fi_read (getv_async).  Every contiguous piece is one
 * operation, in chunks of at most the provider's largest message, one
 * chunk in flight per piece.  Only when every rank's provider offered
 * FI_RMA (can_get); otherwise the runtime streams DATA chunks (p2p) or
 * sends RMA packets (windows) through active messages instead.
 *
 * Writes ask for FI_DELIVERY_COMPLETE: their completion must mean the
 * bytes are in the target's memory, since the runtime's flush, unlock and
 * fence rest on it, and a target may learn of the fence through a third
 * rank (a barrier) before its provider handled a write that completed
 * only on the wire (FI_TRANSMIT_COMPLETE).
 */
#include "ofi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tp_status_t ofi_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    /* The whole address space (dynamic windows) cannot be registered. */
    if (!tp->can_get || buf == NULL || len == SIZE_MAX)
        return TP_ENOTSUP;
    struct fid_mr *mr = NULL;
    /* Without FI_MR_PROV_KEY the keys are ours to choose, unique per domain. */
    uint64_t key = ofi->next_key++;
    /* Remote writes too: a window's memory is written by Put (buffers of
     * messages only ever are read; the job's ranks trust each other). */
    int rc = fi_mr_reg(ofi->domain, buf, len, FI_REMOTE_READ | FI_REMOTE_WRITE, 0, key, 0, &mr,
                       NULL);
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
                ofi->world_rank, len, ofi_strerror(-rc));
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

/* Post the piece's next chunk.  Returns 0, or -FI_EAGAIN when the
 * provider wants progress first. */
static ssize_t post_next_chunk(ofi_tp_t *ofi, ofi_op_t *op)
{
    size_t n = op->len - op->done;
    if (n > ofi->max_msg_size)
        n = ofi->max_msg_size;
    if (op->kind == OFI_OP_ATOMIC)
        return ofi_atomic_post(ofi, op);
    void *desc = op->local_mr != NULL ? fi_mr_desc(op->local_mr) : NULL;
    ssize_t rc;
    if (op->kind == OFI_OP_READ) {
        rc = fi_read(ofi->ep, op->local + op->done, n, desc, ofi->peers[op->peer].addr,
                     op->remote_addr + op->done, op->remote_key, &op->ctx);
    } else {
        struct iovec iov = {.iov_base = op->local + op->done, .iov_len = n};
        struct fi_rma_iov rma = {
            .addr = op->remote_addr + op->done, .len = n, .key = op->remote_key};
        struct fi_msg_rma msg = {
            .msg_iov = &iov,
            .desc = &desc,
            .iov_count = 1,
            .addr = ofi->peers[op->peer].addr,
            .rma_iov = &rma,
            .rma_iov_count = 1,
            .context = &op->ctx,
        };
        rc = fi_writemsg(ofi->ep, &msg, FI_COMPLETION | FI_DELIVERY_COMPLETE);
    }
    if (rc != 0 && rc != -FI_EAGAIN)
        ofi_fail(ofi, "%s %zu bytes %s rank %d on %s failed: %s",
                 op->kind == OFI_OP_READ ? "reading" : "writing", n,
                 op->kind == OFI_OP_READ ? "from" : "into", op->peer, ofi->peers[op->peer].host,
                 ofi_strerror((int)-rc));
    return rc;
}

void ofi_rma_wait_for_progress(ofi_tp_t *ofi, ofi_op_t *op)
{
    op->next = NULL;
    if (ofi->rma_waiting_tail != NULL)
        ofi->rma_waiting_tail->next = op;
    else
        ofi->rma_waiting = op;
    ofi->rma_waiting_tail = op;
}

/* Register a piece's local side when the provider asks for it
 * (FI_MR_LOCAL).  Returns 0 or a negative libfabric error. */
static int register_local(ofi_tp_t *ofi, ofi_op_t *op)
{
    if (!(ofi->mr_mode & FI_MR_LOCAL))
        return 0;
    uint64_t access = op->kind == OFI_OP_READ ? FI_READ : FI_WRITE;
    int rc = fi_mr_reg(ofi->domain, op->local, op->len, access, 0, ofi->next_key++, 0,
                       &op->local_mr, NULL);
    if (rc == 0 && (ofi->mr_mode & FI_MR_ENDPOINT)) {
        rc = fi_mr_bind(op->local_mr, &ofi->ep->fid, 0);
        if (rc == 0)
            rc = fi_mr_enable(op->local_mr);
    }
    if (rc != 0 && op->local_mr != NULL) {
        fi_close(&op->local_mr->fid);
        op->local_mr = NULL;
    }
    return rc;
}

static void free_pieces(ofi_op_t **ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ops[i]->local_mr != NULL)
            fi_close(&ops[i]->local_mr->fid);
        free(ops[i]);
    }
    free(ops);
}

/*
 * Read or write the pieces where the lists `riov` (offsets in the buffer
 * `remote` describes) and `liov` (addresses here) meet.  Every piece is
 * made (and registered) before any is posted, so a refusal leaves nothing
 * behind.
 */
static tp_status_t rma_start(ofi_tp_t *ofi, ofi_op_kind_t kind, int peer,
                             const tp_mem_desc_t *remote, const tp_iov_t *riov, size_t nr,
                             const tp_iov_t *liov, size_t nl, tp_comp_t *comp)
{
    tp_t *tp = &ofi->base;
    if (!tp->can_get)
        return TP_ENOTSUP;
    ofi_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    uint64_t rbytes = 0, lbytes = 0;
    int inside = 1;
    for (size_t i = 0; i < nr; i++) {
        if (riov[i].base > d.len || riov[i].len > d.len - riov[i].base)
            inside = 0;
        rbytes += riov[i].len;
    }
    for (size_t i = 0; i < nl; i++)
        lbytes += liov[i].len;
    if (!tp->ops->reachable(tp, peer) || !inside || rbytes != lbytes) {
        fprintf(stderr, "minimpi: rank %d: ofi: %s of %llu bytes with rank %d: %s\n",
                ofi->world_rank, kind == OFI_OP_READ ? "read" : "write",
                (unsigned long long)rbytes, peer,
                !tp->ops->reachable(tp, peer) ? "peer unknown"
                : !inside                     ? "outside the exposed buffer"
                                              : "lists of different lengths");
        return TP_EINVAL;
    }
    if (rbytes == 0)
        return TP_OK;
    /* The pieces: where a remote entry and a local one overlap. */
    size_t n = 0, cap = nr + nl, ri = 0, li = 0, roff = 0, loff = 0;
    if (cap > OFI_MAX_PIECES + 1)
        cap = OFI_MAX_PIECES + 1;
    ofi_op_t **ops = malloc(cap * sizeof(*ops));
    ofi_group_t *group = calloc(1, sizeof(*group));
    if (ops == NULL || group == NULL) {
        free(ops);
        free(group);
        return TP_ENOMEM;
    }
    tp_status_t st = TP_OK;
    while (ri < nr && li < nl) {
        uint64_t rleft = riov[ri].len - roff, lleft = liov[li].len - loff;
        uint64_t take = rleft < lleft ? rleft : lleft;
        if (take > 0) {
            ofi_op_t *op = n < OFI_MAX_PIECES ? calloc(1, sizeof(*op)) : NULL;
            if (op == NULL) {
                /* Too many pieces for operations of their own (or no memory):
                 * the runtime sends the whole thing as messages. */
                st = n < OFI_MAX_PIECES ? TP_ENOMEM : TP_ENOTSUP;
                break;
            }
            ops[n++] = op;
            op->kind = kind;
            op->peer = peer;
            op->group = group;
            op->local = (char *)(uintptr_t)(liov[li].base + loff);
            op->len = (size_t)take;
            op->remote_addr = d.addr + riov[ri].base + roff;
            op->remote_key = d.key;
            if (register_local(ofi, op) != 0) {
                st = TP_ENOTSUP;
                break;
            }
        }
        roff += take;
        loff += take;
        if (roff == riov[ri].len) {
            ri++;
            roff = 0;
        }
        if (loff == liov[li].len) {
            li++;
            loff = 0;
        }
    }
    if (st != TP_OK) {
        free_pieces(ops, n);
        free(group);
        return st;
    }
    group->comp = comp;
    group->left = n;
    ofi_peer_t *p = &ofi->peers[peer];
    if (p->outstanding == 0)
        p->busy_since = ofi_now();
    for (size_t i = 0; i < n; i++) {
        p->outstanding++;
        ofi->rma_outstanding++;
        if (post_next_chunk(ofi, ops[i]) == -FI_EAGAIN)
            ofi_rma_wait_for_progress(ofi, ops[i]);
    }
    free(ops);
    return TP_INPROGRESS;
}

tp_status_t ofi_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset, void *local,
                    size_t len, tp_comp_t *comp)
{
    tp_iov_t r = {offset, len}, l = {(uint64_t)(uintptr_t)local, len};
    return rma_start((ofi_tp_t *)tp, OFI_OP_READ, peer, remote, &r, 1, &l, 1, comp);
}

tp_status_t ofi_getv_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                           size_t riov_count, const tp_iov_t *liov, size_t liov_count,
                           tp_comp_t *comp)
{
    return rma_start((ofi_tp_t *)tp, OFI_OP_READ, peer, remote, riov, riov_count, liov,
                     liov_count, comp);
}

tp_status_t ofi_putv_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                           size_t riov_count, const tp_iov_t *liov, size_t liov_count,
                           tp_comp_t *comp)
{
    return rma_start((ofi_tp_t *)tp, OFI_OP_WRITE, peer, remote, riov, riov_count, liov,
                     liov_count, comp);
}

int ofi_rma_retry(ofi_tp_t *ofi)
{
    int n = 0;
    while (ofi->rma_waiting != NULL) {
        ofi_op_t *op = ofi->rma_waiting;
        if (post_next_chunk(ofi, op) == -FI_EAGAIN)
            break;
        ofi->rma_waiting = op->next;
        if (ofi->rma_waiting == NULL)
            ofi->rma_waiting_tail = NULL;
        n++;
    }
    return n;
}

void ofi_rma_done(ofi_tp_t *ofi, ofi_op_t *op, tp_status_t status)
{
    ofi_peer_t *p = &ofi->peers[op->peer];
    p->busy_since = ofi_now();
    if (status == TP_OK && op->kind != OFI_OP_ATOMIC) {
        size_t n = op->len - op->done;
        op->done += n > ofi->max_msg_size ? ofi->max_msg_size : n;
        if (op->done < op->len) {
            if (post_next_chunk(ofi, op) == -FI_EAGAIN)
                ofi_rma_wait_for_progress(ofi, op);
            return;
        }
    }
    p->outstanding--;
    ofi->rma_outstanding--;
    if (op->local_mr != NULL)
        fi_close(&op->local_mr->fid);
    ofi_group_t *g = op->group;
    free(op);
    if (status != TP_OK)
        g->status = status;
    if (--g->left > 0)
        return;
    tp_comp_t *comp = g->comp;
    status = g->status;
    free(g);
    comp->done(comp, status);
}

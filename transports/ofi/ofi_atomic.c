/*
 * ofi_atomic.c -- remote atomics over libfabric (fi_atomic,
 * fi_fetch_atomic, fi_compare_atomic) on memory a peer exposed with
 * mem_expose: the runtime's accumulates toward windows that took the
 * libfabric path (runtime/rt_win_atomic.c).  Only when every rank's
 * provider offered FI_ATOMIC (ofi->atomic, tp_t.can_atomic) and the
 * provider needs no local registration (FI_MR_LOCAL): the operands are
 * small buffers of the runtime's, registering each would cost more than
 * the operation.
 *
 * One operation is one ofi_op_t (kind OFI_OP_ATOMIC) in a group of its
 * own, so completion, the retry queue of refused operations and the
 * silence check are those of reads and writes (ofi_rma.c).  Operations
 * that return nothing ask for FI_DELIVERY_COMPLETE, as writes do: the
 * runtime's flush, unlock and fence rest on the target having applied
 * them.  Toward this process itself the operation goes through the
 * provider as well (our own address is in the address vector), so it is
 * atomic against the other ranks' operations on the same element.
 */
#include "ofi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const enum fi_op fi_ops[TP_AOP_COUNT] = {
    [TP_AOP_MIN] = FI_MIN,     [TP_AOP_MAX] = FI_MAX,     [TP_AOP_SUM] = FI_SUM,
    [TP_AOP_PROD] = FI_PROD,   [TP_AOP_LOR] = FI_LOR,     [TP_AOP_LAND] = FI_LAND,
    [TP_AOP_BOR] = FI_BOR,     [TP_AOP_BAND] = FI_BAND,   [TP_AOP_LXOR] = FI_LXOR,
    [TP_AOP_BXOR] = FI_BXOR,   [TP_AOP_READ] = FI_ATOMIC_READ,
    [TP_AOP_WRITE] = FI_ATOMIC_WRITE, [TP_AOP_CSWAP] = FI_CSWAP,
};

static const enum fi_datatype fi_types[TP_ATYPE_COUNT] = {
    [TP_ATYPE_INT8] = FI_INT8,     [TP_ATYPE_UINT8] = FI_UINT8,   [TP_ATYPE_INT16] = FI_INT16,
    [TP_ATYPE_UINT16] = FI_UINT16, [TP_ATYPE_INT32] = FI_INT32,   [TP_ATYPE_UINT32] = FI_UINT32,
    [TP_ATYPE_INT64] = FI_INT64,   [TP_ATYPE_UINT64] = FI_UINT64, [TP_ATYPE_FLOAT] = FI_FLOAT,
    [TP_ATYPE_DOUBLE] = FI_DOUBLE,
};

void ofi_atomic_query(ofi_tp_t *ofi)
{
    memset(ofi->atomic_max, 0, sizeof(ofi->atomic_max));
    if (!ofi->atomic || ofi->ep == NULL || (ofi->mr_mode & FI_MR_LOCAL))
        return;
    for (int o = 0; o < TP_AOP_COUNT; o++) {
        for (int t = 0; t < TP_ATYPE_COUNT; t++) {
            size_t n = 0;
            if (o == TP_AOP_CSWAP) {
                if (fi_compare_atomicvalid(ofi->ep, fi_types[t], fi_ops[o], &n) == 0)
                    ofi->atomic_max[o][t][0] = ofi->atomic_max[o][t][1] = n;
                continue;
            }
            if (o != TP_AOP_READ && fi_atomicvalid(ofi->ep, fi_types[t], fi_ops[o], &n) == 0)
                ofi->atomic_max[o][t][0] = n;
            n = 0;
            if (fi_fetch_atomicvalid(ofi->ep, fi_types[t], fi_ops[o], &n) == 0)
                ofi->atomic_max[o][t][1] = n;
        }
    }
}

size_t ofi_atomic_max(tp_t *tp, tp_atomic_op_t op, tp_atomic_type_t type, int fetch)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    if (!tp->can_atomic || (unsigned)op >= TP_AOP_COUNT || (unsigned)type >= TP_ATYPE_COUNT)
        return 0;
    return ofi->atomic_max[op][type][fetch != 0];
}

ssize_t ofi_atomic_post(ofi_tp_t *ofi, ofi_op_t *op)
{
    fi_addr_t dest = op->peer == ofi->world_rank ? ofi->self_addr : ofi->peers[op->peer].addr;
    enum fi_datatype type = (enum fi_datatype)op->fi_type;
    enum fi_op fop = (enum fi_op)op->fi_op;
    ssize_t rc;
    if (op->compare != NULL) {
        rc = fi_compare_atomic(ofi->ep, op->local, op->len, NULL, op->compare, NULL, op->result,
                               NULL, dest, op->remote_addr, op->remote_key, type, fop,
                               &op->ctx);
    } else if (op->result != NULL) {
        rc = fi_fetch_atomic(ofi->ep, op->local, op->len, NULL, op->result, NULL, dest,
                             op->remote_addr, op->remote_key, type, fop, &op->ctx);
    } else {
        struct fi_ioc ioc = {.addr = op->local, .count = op->len};
        struct fi_rma_ioc rma = {
            .addr = op->remote_addr, .count = op->len, .key = op->remote_key};
        struct fi_msg_atomic msg = {
            .msg_iov = &ioc,
            .iov_count = 1,
            .addr = dest,
            .rma_iov = &rma,
            .rma_iov_count = 1,
            .datatype = type,
            .op = fop,
            .context = &op->ctx,
        };
        rc = fi_atomicmsg(ofi->ep, &msg, FI_COMPLETION | FI_DELIVERY_COMPLETE);
    }
    if (rc != 0 && rc != -FI_EAGAIN)
        ofi_fail(ofi, "an atomic operation on %zu elements of rank %d on %s failed: %s", op->len,
                 op->peer, ofi->peers[op->peer].host, ofi_strerror((int)-rc));
    return rc;
}

tp_status_t ofi_atomic_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, uint64_t offset,
                             tp_atomic_op_t op, tp_atomic_type_t type, size_t count,
                             const void *operand, const void *compare, void *result,
                             tp_comp_t *comp)
{
    ofi_tp_t *ofi = (ofi_tp_t *)tp;
    int fetch = result != NULL || op == TP_AOP_CSWAP;
    size_t max = ofi_atomic_max(tp, op, type, fetch);
    if (max == 0 || count > max || (op == TP_AOP_CSWAP) != (compare != NULL) ||
        (peer != ofi->world_rank && !tp->ops->reachable(tp, peer)))
        return TP_ENOTSUP;
    if (count == 0)
        return TP_OK;
    ofi_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    ofi_op_t *o = calloc(1, sizeof(*o));
    ofi_group_t *g = calloc(1, sizeof(*g));
    if (o == NULL || g == NULL) {
        free(o);
        free(g);
        return TP_ENOMEM;
    }
    g->comp = comp;
    g->left = 1;
    o->kind = OFI_OP_ATOMIC;
    o->peer = peer;
    o->group = g;
    /* The provider reads the operand, never writes it (READ: ignored). */
    o->local = (char *)(uintptr_t)(operand != NULL ? operand : result);
    o->len = count;
    o->remote_addr = d.addr + offset;
    o->remote_key = d.key;
    o->fi_op = (int)fi_ops[op];
    o->fi_type = (int)fi_types[type];
    o->compare = compare;
    o->result = result;
    ofi_peer_t *p = &ofi->peers[peer];
    if (p->outstanding == 0)
        p->busy_since = ofi_now();
    p->outstanding++;
    ofi->rma_outstanding++;
    if (ofi_atomic_post(ofi, o) == -FI_EAGAIN)
        ofi_rma_wait_for_progress(ofi, o);
    return TP_INPROGRESS;
}

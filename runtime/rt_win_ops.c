/*
 * rt_win_ops.c -- Put, Get and the accumulates: the origin cuts an
 * operation into RT_PKT_RMA packets that fit the transport, the target
 * applies each one in its progress engine and answers it (ACK, or
 * GET_RESP with data), and the origin's request completes with the last
 * answer.  See rt_win.h for the packet kinds and the progress rule.
 *
 * A packet covers the bytes [offset, offset + length) of the operation's
 * packed stream (the target type's typemap order, as MPI defines it), so
 * the target can apply any packet on its own.  Accumulate packets hold
 * whole target elements, because operations combine whole elements.
 *
 * Buffers: the origin's packets live in the request's `tmp` (behind the
 * staged result of a get), which is freed at completion, when every packet
 * has been answered and so taken by the transport long ago.  The target's
 * answers with data are owned by a detached helper request that the
 * progress engine completes, and so frees, once the transport took them.
 */
#include "rt_win.h"

#include <stdlib.h>
#include <string.h>

#include "rt_coll.h"
#include "rt_dt.h"
#include "rt_op.h"
#include "rt_progress.h"

/* ---- Moving bytes between a packed stream and a typed layout ----------- */

/* The basic type an accumulate on `t` (a predefined type, or the one
 * basic type of a derived one) combines piece by piece, or NULL when it
 * must combine whole elements of `t` (pair types and mixed types). */
const rt_datatype_t *rt_rma_acc_basic(MPI_Datatype basic)
{
    const rt_datatype_t *b = basic != 0 ? rt_datatype_get(basic) : NULL;
    return b != NULL && b->contiguous && b->num_basic == 1 ? b : NULL;
}

long rt_rma_pieces(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                   int64_t addr, size_t limit, tp_iov_t *one, tp_iov_t **iov)
{
    const rt_dt_block_t *b = blocks;
    if (num_blocks == 1 && (b->count == 1 || b->stride == (MPI_Aint)b->len) &&
        (MPI_Aint)(b->len * b->count) == extent) {
        /* Elements follow each other without gaps: one piece, found
         * without walking them (count may be a million bytes). */
        one->base = (uint64_t)(addr + b->offset);
        one->len = limit;
        *iov = one;
        return 1;
    }
    return rt_dt_runs_iov(blocks, num_blocks, count, extent, addr, limit, iov);
}

/* rt_rma_move, and with `op` (RT_RMA_COMBINE) the accumulate of the packed
 * bytes into place, pieces being whole elements of `basic`. */
static int walk(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                char *addr, size_t offset, size_t len, char *packed, rt_rma_move_t mode,
                const rt_op_t *op, const rt_datatype_t *basic)
{
    if (len == 0)
        return 0;
    tp_iov_t *iov, one;
    long n = rt_rma_pieces(blocks, num_blocks, count, extent, (int64_t)(intptr_t)addr,
                           offset + len, &one, &iov);
    if (n < 0)
        return -1;
    size_t pos = 0;
    for (long i = 0; i < n; i++) {
        size_t plen = (size_t)iov[i].len, skip = 0;
        if (pos + plen <= offset) {
            pos += plen;
            continue;
        }
        if (pos < offset)
            skip = offset - pos;
        char *p = (char *)(intptr_t)iov[i].base + skip;
        size_t take = plen - skip;
        char *q = packed + (pos + skip - offset);
        if (mode == RT_RMA_SCATTER)
            memcpy(p, q, take);
        else if (mode == RT_RMA_GATHER)
            memcpy(q, p, take);
        else
            rt_op_apply(op, q, p, take / basic->size, basic);
        pos += plen;
    }
    if (iov != &one)
        free(iov);
    return 0;
}

int rt_rma_move(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                char *addr, size_t offset, size_t len, char *packed, rt_rma_move_t mode)
{
    return walk(blocks, num_blocks, count, extent, addr, offset, len, packed, mode, NULL, NULL);
}

/* ---- Target side --------------------------------------------------------- */

/* Answer packet `h` (ACK, or GET_RESP with `data`, which is taken over). */
static void answer(const rt_win_t *w, int src_world, const rt_pkt_hdr_t *h, rt_rma_kind_t kind,
                   void *data, size_t len, int error)
{
    rt_pkt_hdr_t a;
    rt_rma_header(&a, w, kind);
    a.sreq = h->sreq;
    a.rreq = (uint32_t)error;
    a.offset = h->offset;
    a.length = len;
    if (data == NULL) {
        rt_progress_send(src_world, &a, NULL, 0, NULL);
        return;
    }
    rt_request_t *owner = rt_request_alloc(RT_REQ_RMA);
    owner->tmp = data;
    rt_request_detach(owner);
    rt_progress_send(src_world, &a, data, len, owner);
}

/* Where displacement `disp` (bytes) points in w, if [disp + lo, disp + hi)
 * lies inside the window (or an attached region); else NULL. */
static char *target_addr(rt_win_t *w, int64_t disp, int64_t lo, int64_t hi)
{
    if (w->flavor == MPI_WIN_FLAVOR_DYNAMIC) {
        uintptr_t a = (uintptr_t)disp;
        for (rt_win_region_t *r = w->regions; r != NULL; r = r->next)
            if ((int64_t)(a - r->base) + lo >= 0 && (int64_t)(a - r->base) + hi <= (int64_t)r->size)
                return (char *)a;
        return NULL;
    }
    if (disp + lo < 0 || disp + hi > (int64_t)w->size)
        return NULL;
    return (char *)w->base + disp;
}

/* The target type as the kernels want it: the predefined object, or a
 * stand-in built from the layout the packet carries. */
static const rt_datatype_t *target_type(const rt_rma_desc_t *d, const rt_dt_block_t *blocks,
                                        rt_datatype_t *fake)
{
    if (d->type != 0)
        return rt_datatype_get(d->type);
    memset(fake, 0, sizeof(*fake));
    fake->size = (size_t)d->size;
    fake->extent = (MPI_Aint)d->extent;
    fake->lb = (MPI_Aint)d->lb;
    fake->true_lb = (MPI_Aint)d->true_lb;
    fake->true_extent = (MPI_Aint)d->true_extent;
    fake->contiguous = d->contiguous;
    fake->num_blocks = (int)d->num_blocks;
    fake->blocks = blocks;
    fake->derived = 1;
    fake->committed = 1;
    fake->basic = d->basic;
    rt_datatype_t *b = rt_datatype_get(d->basic);
    fake->num_basic = b != NULL && b->size > 0 ? fake->size / b->size : 0;
    fake->handle = MPI_DATATYPE_NULL;
    return fake;
}

int rt_rma_combine(const rt_rma_desc_t *d, const rt_dt_block_t *blocks, char *addr,
                   size_t offset, size_t len, const char *data)
{
    MPI_Op oph = (MPI_Op)d->op;
    if (oph == MPI_NO_OP || len == 0)
        return 0;
    if (oph == MPI_REPLACE)
        return rt_rma_move(blocks, (int)d->num_blocks, (size_t)d->count, (MPI_Aint)d->extent,
                           addr, offset, len, (char *)data, RT_RMA_SCATTER);
    rt_op_t *op = rt_op_get(oph);
    if (op == NULL)
        return -1;
    const rt_datatype_t *basic = rt_rma_acc_basic(d->basic);
    if (basic != NULL)
        return walk(blocks, (int)d->num_blocks, (size_t)d->count, (MPI_Aint)d->extent, addr,
                    offset, len, (char *)data, RT_RMA_COMBINE, op, basic);
    rt_datatype_t fake;
    const rt_datatype_t *dt = target_type(d, blocks, &fake);
    if (dt == NULL || dt->size == 0)
        return -1;
    size_t first = offset / dt->size, k = len / dt->size;
    /* The contribution in the target's layout, element `first` at `in`. */
    /* Kernels of pair types read whole structs (padding included): room
     * for k full extents plus the data itself. */
    size_t span = k * (size_t)dt->extent + (size_t)dt->true_extent;
    char *buf = malloc(span > 0 ? span : 1);
    if (buf == NULL)
        return -1;
    char *in = buf - dt->true_lb;
    rt_datatype_unpack(dt, data, len, in);
    rt_op_apply(op, in, addr + (MPI_Aint)first * dt->extent, k, dt);
    free(buf);
    return 0;
}

/* One operation packet: apply it and answer. */
static void target_op(rt_win_t *w, int src_world, const rt_pkt_hdr_t *h, const char *payload,
                      size_t payload_len)
{
    rt_rma_desc_t d;
    if (payload_len < sizeof(d))
        rt_fatal("protocol error: a short RMA packet from rank %d", src_world);
    memcpy(&d, payload, sizeof(d));
    size_t blocks_len = (size_t)d.num_blocks * sizeof(rt_dt_block_t);
    /* Copied out: the transport promises no alignment. */
    rt_dt_block_t *blocks = malloc(blocks_len > 0 ? blocks_len : 1);
    if (blocks == NULL)
        rt_fatal("out of memory applying a one-sided operation");
    memcpy(blocks, payload + sizeof(d), blocks_len);
    const char *data = payload + sizeof(d) + blocks_len;
    rt_rma_kind_t kind = (rt_rma_kind_t)h->tag;
    /* Runs (send_runs): the blocks cover exactly this packet's bytes. */
    size_t offset = d.runs ? 0 : (size_t)h->offset, len = (size_t)h->length;

    int64_t hi = d.count > 0 ? (int64_t)(d.count - 1) * d.extent + d.true_lb + d.true_extent : 0;
    char *addr = d.count > 0 ? target_addr(w, d.disp, d.true_lb, hi) : (char *)w->base;
    int err = addr == NULL && d.count > 0 ? MPI_ERR_RMA_RANGE : MPI_SUCCESS;
    char *old = NULL;
    int fetch = kind == RT_RMA_GET || kind == RT_RMA_GET_ACC || kind == RT_RMA_CAS;
    if (err == MPI_SUCCESS && fetch && len > 0) {
        old = malloc(len);
        if (old == NULL || rt_rma_move(blocks, (int)d.num_blocks, (size_t)d.count,
                                       (MPI_Aint)d.extent, addr, offset, len, old,
                                        RT_RMA_GATHER) != 0)
            rt_fatal("out of memory applying a one-sided operation");
    }
    if (err == MPI_SUCCESS) {
        int rc = 0;
        switch (kind) {
        case RT_RMA_PUT:
            rc = rt_rma_move(blocks, (int)d.num_blocks, (size_t)d.count, (MPI_Aint)d.extent, addr,
                             offset, len, (char *)data, RT_RMA_SCATTER);
            break;
        case RT_RMA_ACC:
        case RT_RMA_GET_ACC:
            rc = rt_rma_combine(&d, blocks, addr, offset, len, data);
            break;
        case RT_RMA_CAS:
            /* data: the new value, then the one to compare with. */
            if (len > 0 && memcmp(old, data + len, len) == 0)
                rc = rt_rma_move(blocks, (int)d.num_blocks, (size_t)d.count, (MPI_Aint)d.extent,
                                 addr, offset, len, (char *)data, RT_RMA_SCATTER);
            break;
        default:
            break;
        }
        if (rc != 0)
            rt_fatal("out of memory applying a one-sided operation");
    }
    free(blocks);
    if (fetch) {
        if (err != MPI_SUCCESS)
            len = 0;
        answer(w, src_world, h, RT_RMA_GET_RESP, old, old != NULL ? len : 0, err);
    } else {
        answer(w, src_world, h, RT_RMA_ACK, NULL, 0, err);
    }
}

/* ---- Origin side: answers ---------------------------------------------- */

static void origin_answer(rt_win_t *w, int src_rank, const rt_pkt_hdr_t *h, const void *payload,
                          size_t payload_len)
{
    if (h->sreq == 0 && (rt_rma_kind_t)h->tag == RT_RMA_ACK) {
        /* The answer to UNLOCK: no request waits for it, only flushes. */
        w->peers[src_rank].pending--;
        return;
    }
    rt_request_t *req = rt_request_from_id(h->sreq);
    if (req == NULL || req->kind != RT_REQ_RMA || req->complete || req->rndv_len == 0)
        rt_fatal("protocol error: an RMA answer from rank %d names request %u, which is not "
                 "waiting for it", w->comm->world_rank_of[src_rank], h->sreq);
    if (h->rreq != 0 && w->error == MPI_SUCCESS)
        w->error = (int)h->rreq;
    if (payload_len > 0 && req->tmp != NULL)
        memcpy((char *)req->tmp + h->offset, payload, payload_len);
    w->peers[src_rank].pending--;
    if (--req->rndv_len > 0)
        return;
    if (req->bytes > 0 && h->rreq == 0)
        rt_datatype_unpack(req->dt, req->tmp, req->bytes, req->buf);
    rt_request_complete(req);
}

void rt_win_am_handler(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                       size_t payload_len)
{
    rt_win_t *w = rt_win_find(h->context_id);
    if (w == NULL)
        rt_fatal("protocol error: a one-sided packet from rank %d for window %d, which "
                 "does not exist here", src_world, h->context_id);
    int src_rank = h->src_rank;
    if (src_rank < 0 || src_rank >= w->comm->size || w->comm->world_rank_of[src_rank] != src_world)
        rt_fatal("protocol error: a one-sided packet from rank %d claims window rank %d",
                 src_world, src_rank);
    switch ((rt_rma_kind_t)h->tag) {
    case RT_RMA_PUT:
    case RT_RMA_GET:
    case RT_RMA_ACC:
    case RT_RMA_GET_ACC:
    case RT_RMA_CAS:
        target_op(w, src_world, h, payload, payload_len);
        break;
    case RT_RMA_ACK:
    case RT_RMA_GET_RESP:
        origin_answer(w, src_rank, h, payload, payload_len);
        break;
    case RT_RMA_REGION_QUERY:
        rt_win_dyn_query(w, src_world, h);
        break;
    case RT_RMA_REGION_ANSWER:
        rt_win_dyn_answer(w, src_rank, payload, payload_len);
        break;
    default:
        rt_win_sync_packet(w, src_rank, h);
        break;
    }
}

/* ---- Origin side: starting operations ---------------------------------- */

void rt_rma_send_ctrl(rt_win_t *w, int rank, rt_rma_kind_t kind, uint32_t arg)
{
    rt_pkt_hdr_t h;
    rt_rma_header(&h, w, kind);
    h.rreq = arg;
    rt_progress_send(w->comm->world_rank_of[rank], &h, NULL, 0, NULL);
}

void rt_rma_flush(rt_win_t *w, int target)
{
    unsigned idle = 0;
    for (int r = target < 0 ? 0 : target; r < (target < 0 ? w->comm->size : target + 1); r++) {
        while (w->peers[r].pending > 0) {
            if (rt_progress() == 0)
                rt_progress_idle(&idle);
            else
                idle = 0;
        }
    }
    /* Every access to a target's attached memory completed: it may detach. */
    if (w->flavor == MPI_WIN_FLAVOR_DYNAMIC)
        rt_win_dyn_forget(w, target);
}

int rt_rma_raise_pending(rt_win_t *w, const char *call)
{
    int err = w->error;
    if (err == MPI_SUCCESS)
        return MPI_SUCCESS;
    w->error = MPI_SUCCESS;
    return rt_err(w->comm, call, err,
                  "a target found an operation outside its window (or no memory attached "
                  "there)");
}

void rt_rma_describe(const rt_rma_args_t *a, int64_t disp, rt_rma_desc_t *d)
{
    const rt_datatype_t *t = a->target_dt;
    int acc = a->kind == RT_RMA_ACC || a->kind == RT_RMA_GET_ACC;
    memset(d, 0, sizeof(*d));
    d->disp = disp;
    d->count = a->target_count;
    d->extent = t->extent;
    d->total = a->target_count * t->size;
    d->size = t->size;
    d->lb = t->lb;
    d->true_lb = t->true_lb;
    d->true_extent = t->true_extent;
    d->type = t->derived ? 0 : t->handle;
    d->basic = t->basic;
    d->op = acc ? a->op : 0;
    d->contiguous = (uint8_t)t->contiguous;
    d->num_blocks = (uint32_t)t->num_blocks;
}

/* The bytes the target type spans from the displacement: [*lo, *hi). */
static void target_span(const rt_rma_args_t *a, int64_t *lo, int64_t *hi)
{
    const rt_datatype_t *t = a->target_dt;
    *lo = t->true_lb;
    *hi = (int64_t)(a->target_count - 1) * t->extent + t->true_lb + t->true_extent;
}

/* Send one operation packet: `head_len` bytes of descriptor and blocks,
 * then `len` bytes of `data` (and, for CAS, `len` bytes of `cmp`), in one
 * buffer the transports take as the payload, owned by a detached request
 * until they took it. */
static void send_packet(int world, const rt_pkt_hdr_t *h, const void *head, size_t head_len,
                        const char *data, const char *cmp, size_t len)
{
    size_t plen = data == NULL ? 0 : cmp != NULL ? 2 * len : len;
    char *whole = malloc(head_len + plen);
    if (whole == NULL)
        rt_fatal("out of memory in a one-sided operation");
    memcpy(whole, head, head_len);
    if (data != NULL)
        memcpy(whole + head_len, data, len);
    if (cmp != NULL)
        memcpy(whole + head_len + len, cmp, len);
    rt_request_t *owner = rt_request_alloc(RT_REQ_RMA);
    owner->tmp = whole;
    rt_request_detach(owner);
    rt_progress_send(world, h, whole, head_len + plen, owner);
}

/*
 * An operation whose target layout does not fit a packet beside its data
 * (an indexed type of thousands of blocks): every packet carries only the
 * runs of target memory its own bytes go to, as a layout of one element
 * (desc.runs set, so the target applies it from its start, while
 * hdr.offset still says where the bytes sit in the packed stream, for the
 * answers).  Runs are cut between units (basic elements for accumulates,
 * which the target then combines piece by piece).  Counts the packets into
 * req->rndv_len before sending any.
 */
static void send_runs(rt_win_t *w, const rt_rma_args_t *a, const rt_rma_desc_t *d0,
                      rt_pkt_hdr_t *h, size_t max, size_t unit, const char *odata, size_t bytes,
                      rt_request_t *req)
{
    const rt_datatype_t *t = a->target_dt;
    int world = w->comm->world_rank_of[a->target];
    tp_iov_t *runs;
    long nruns = rt_dt_runs_iov(t->blocks, t->num_blocks, a->target_count, t->extent, 0, bytes,
                                &runs);
    /* Scratch for one packet's descriptor and blocks. */
    char *head = malloc(max);
    if (nruns < 0 || head == NULL)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    rt_dt_block_t *blk = (rt_dt_block_t *)(void *)(head + sizeof(rt_rma_desc_t));
    for (int pass = 0; pass < 2; pass++) {
        size_t pos = 0, npkt = 0, skip = 0;
        long i = 0;
        while (pos < bytes) {
            size_t room = max - sizeof(rt_rma_desc_t), k = 0, len = 0;
            int64_t lo = INT64_MAX, hi = INT64_MIN;
            while (i < nruns && room >= sizeof(rt_dt_block_t) + unit) {
                size_t left = (size_t)runs[i].len - skip;
                size_t take = room - sizeof(rt_dt_block_t);
                take = take >= left ? left : take - take % unit;
                int64_t at = (int64_t)runs[i].base + (int64_t)skip;
                if (pass == 1) {
                    blk[k] = (rt_dt_block_t){.offset = (MPI_Aint)at, .len = take, .count = 1,
                                             .stride = 0};
                    lo = at < lo ? at : lo;
                    hi = at + (int64_t)take > hi ? at + (int64_t)take : hi;
                }
                k++;
                len += take;
                room -= sizeof(rt_dt_block_t) + take;
                skip += take;
                if (skip == (size_t)runs[i].len) {
                    i++;
                    skip = 0;
                }
            }
            if (k == 0)
                rt_fatal("one-sided operation: packets of %zu bytes cannot hold one run", max);
            if (pass == 1) {
                rt_rma_desc_t d = *d0;
                d.runs = 1;
                d.count = 1;
                d.num_blocks = (uint32_t)k;
                d.lb = d.true_lb = lo;
                d.extent = d.true_extent = hi - lo;
                d.size = len;
                memcpy(head, &d, sizeof(d));
                h->offset = pos;
                h->length = len;
                w->peers[a->target].pending++;
                send_packet(world, h, head, sizeof(d) + k * sizeof(rt_dt_block_t),
                            odata != NULL ? odata + pos : NULL, NULL, len);
            }
            pos += len;
            npkt++;
        }
        if (pass == 0)
            req->rndv_len = npkt;
    }
    free(head);
    free(runs);
}

rt_request_t *rt_rma_start(rt_win_t *w, const rt_rma_args_t *a, const char *call, int *err)
{
    rt_request_t *req = rt_request_alloc(RT_REQ_RMA);
    req->comm = w->comm;
    req->peer = a->target;
    rt_status_set_empty(&req->status);
    *err = MPI_SUCCESS;
    const rt_datatype_t *t = a->target_dt;
    size_t bytes = a->target_count * t->size;
    if (a->target == MPI_PROC_NULL || bytes == 0) {
        rt_request_complete(req);
        return req;
    }
    int fetch = a->kind == RT_RMA_GET || a->kind == RT_RMA_GET_ACC || a->kind == RT_RMA_CAS;
    int acc = a->kind == RT_RMA_ACC || a->kind == RT_RMA_GET_ACC;
    rt_win_peer_t *p = &w->peers[a->target];
    int64_t disp = (int64_t)a->disp * p->disp_unit, lo, hi;
    if (w->flavor == MPI_WIN_FLAVOR_DYNAMIC)
        disp = (int64_t)a->disp;
    target_span(a, &lo, &hi);
    if (w->flavor != MPI_WIN_FLAVOR_DYNAMIC && (disp + lo < 0 || disp + hi > (int64_t)p->size)) {
        rt_request_release(req);
        *err = rt_err(w->comm, call, MPI_ERR_RMA_RANGE,
                      "target bytes [%lld, %lld) lie outside rank %d's window of %lld bytes",
                      (long long)(disp + lo), (long long)(disp + hi), a->target,
                      (long long)p->size);
        return NULL;
    }
    /* Memory this process maps: the origin does the work itself. */
    if (p->direct != NULL) {
        rt_rma_direct(w, a, p->direct + disp, bytes);
        w->ops_direct++;
        rt_request_complete(req);
        return req;
    }
    /* Accumulates of a window that took the network's atomics go there,
     * whatever the target (rt_win_atomic.c). */
    if (rt_rma_atomic(w, a, disp, bytes, req)) {
        w->ops_atomic++;
        return req;
    }
    /* A process of this node: Put and Get by single copy; of another node:
     * by libfabric RMA (rt_win_cma.c). */
    if ((p->cma || w->flavor == MPI_WIN_FLAVOR_DYNAMIC) && rt_rma_cma(w, a, disp, bytes, req)) {
        if (p->rdma || !p->cma)
            w->ops_rdma++;
        else
            w->ops_cma++;
        return req;
    }
    w->ops_am++;

    /* How much data one packet carries. */
    int world = w->comm->world_rank_of[a->target];
    size_t max = rt_progress_peer(world)->tp->am_max_payload;
    size_t head = sizeof(rt_rma_desc_t) + (size_t)t->num_blocks * sizeof(rt_dt_block_t);
    size_t per = head < max ? max - head : 0;
    if (a->kind == RT_RMA_CAS)
        per /= 2;
    /* Packets hold whole elements of what the target combines. */
    const rt_datatype_t *b = acc ? rt_rma_acc_basic(t->basic) : NULL;
    size_t unit = !acc ? 1 : b != NULL ? b->size : t->size;
    per -= per % unit;
    /* A layout that leaves less than half a packet to the data goes in runs
     * (below), if the target can combine it piece by piece. */
    int runs = head > max / 2 && a->kind != RT_RMA_CAS && (!acc || b != NULL);
    if (per == 0 && !runs) {
        rt_request_release(req);
        *err = rt_err(w->comm, call, MPI_ERR_TYPE,
                      "the target datatype is too complex for one-sided operations here "
                      "(%d blocks, %zu bytes per element of pair or mixed types)",
                      t->num_blocks, t->size);
        return NULL;
    }
    size_t npkt = runs ? 0 : (bytes + per - 1) / per;
    size_t dlen = a->kind == RT_RMA_GET ? 0 : a->kind == RT_RMA_CAS ? 2 * bytes : bytes;
    size_t result_len = fetch ? bytes : 0;
    /* [result staging][packed origin data][compare][npkt headers] */
    char *mem = malloc(result_len + dlen + npkt * head);
    if (mem == NULL)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    char *odata = mem + result_len;
    if (dlen > 0)
        rt_datatype_pack(a->origin_dt, a->origin, a->origin_count, odata);
    if (a->kind == RT_RMA_CAS)
        memcpy(odata + bytes, a->compare, bytes);
    req->tmp = mem;
    if (fetch) {
        req->buf = a->result;
        req->count = a->result_count;
        req->dt = a->result_dt;
        rt_datatype_retain(req->dt);
        req->bytes = bytes;
    }

    rt_rma_desc_t d;
    rt_rma_describe(a, disp, &d);
    rt_pkt_hdr_t h;
    rt_rma_header(&h, w, a->kind);
    h.sreq = rt_request_id(req);
    if (runs) {
        send_runs(w, a, &d, &h, max, unit, a->kind == RT_RMA_GET ? NULL : odata, bytes, req);
        return req;
    }
    req->rndv_len = npkt;
    char *hdrs = odata + dlen;
    for (size_t i = 0; i < npkt; i++) {
        size_t off = i * per, len = bytes - off < per ? bytes - off : per;
        /* A packet is its header area followed, in one buffer, by its data:
         * the data is copied next to the header (CAS: value then compare). */
        char *pk = hdrs + i * head;
        memcpy(pk, &d, sizeof(d));
        memcpy(pk + sizeof(d), t->blocks, (size_t)t->num_blocks * sizeof(rt_dt_block_t));
        h.offset = off;
        h.length = len;
        p->pending++;
        if (a->kind == RT_RMA_GET) {
            rt_progress_send(world, &h, pk, head, NULL);
            continue;
        }
        if (a->kind == RT_RMA_CAS)
            send_packet(world, &h, pk, head, odata, odata + bytes, len);
        else
            send_packet(world, &h, pk, head, odata + off, NULL, len);
    }
    return req;
}

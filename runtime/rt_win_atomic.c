/*
 * rt_win_atomic.c -- accumulates (Accumulate, Get_accumulate, Fetch_and_op,
 * Compare_and_swap) by the network's remote atomics: libfabric's
 * fi_atomic family through tp_ops_t.atomic_async, on window memory the
 * transport registered at creation (rt_win_cma.c), without the target's
 * progress engine doing the work.
 *
 * Which path an accumulate takes, and why it stays atomic per element.
 * An accumulate that reaches an element by libfabric atomics is atomic
 * against another one only if that one also goes through the provider:
 * the target's progress engine applying a message (the AM path, rt_win_ops.c)
 * or the target's own plain store races with it.  So the path is chosen
 * for a whole window and an element type, never per origin:
 *   - at creation (rt_win_atomic_decide, collective) the window takes the
 *     libfabric path only if EVERY rank can: its transport toward other
 *     ranks offers atomics (tp_t.can_atomic, which the ofi transport sets
 *     only when every rank's provider offered FI_ATOMIC and it can address
 *     itself), that transport reaches every rank of the window, and it
 *     registered the rank's window memory (no dynamic window, whose memory
 *     is attached later, and no shared segment, which same-node ranks
 *     update with hardware atomics: rt_win_direct.c).  Then every
 *     accumulate to any target, same-node ones and the target's own
 *     included, goes through that transport's endpoint (toward itself, a
 *     process uses its own address).  Otherwise the whole window stays on
 *     messages, as before;
 *   - within such a window, an element type goes by atomics only if every
 *     rank's provider does every operation MPI allows on it (integers:
 *     arithmetic, logical and bitwise; float and double: MIN, MAX, SUM,
 *     PROD), with and without fetch, plus REPLACE, the NO_OP fetch and
 *     compare-and-swap (on the unsigned integer of its width, so floats
 *     compare bits, as the message path does).  Every other type (pair
 *     types for MINLOC/MAXLOC, long double, complex, bool, ...) goes by
 *     messages for every operation, in every window.
 * The path thus depends only on the window and the basic type, the same
 * for every origin and operation.  That is enough: MPI promises atomicity
 * only among accumulates to one location with the same predefined type
 * (MPI-3.1 section 11.7.1), and those all take one path.  Put and Get keep
 * their own paths (fi_write/fi_read, single copy): concurrent Put and
 * accumulate to one location are erroneous in MPI anyway.
 *
 * Completion: every atomic operation counts in peers[].pending until its
 * completion (the provider's delivery completion, or the fetched values
 * here), which flush, unlock and fence wait for, as for messages.
 */
#include "rt_win.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rt_comm_new.h"
#include "rt_progress.h"

/* The transport's type for an MPI basic type, or -1. */
static int atomic_type(MPI_Datatype t, size_t size)
{
    static const tp_atomic_type_t sint[9] = {
        [1] = TP_ATYPE_INT8, [2] = TP_ATYPE_INT16, [4] = TP_ATYPE_INT32, [8] = TP_ATYPE_INT64};
    static const tp_atomic_type_t uint[9] = {
        [1] = TP_ATYPE_UINT8, [2] = TP_ATYPE_UINT16, [4] = TP_ATYPE_UINT32, [8] = TP_ATYPE_UINT64};
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return -1;
    switch (t) {
    case MPI_CHAR: case MPI_SIGNED_CHAR: case MPI_SHORT: case MPI_INT: case MPI_LONG:
    case MPI_LONG_LONG_INT: case MPI_INT8_T: case MPI_INT16_T: case MPI_INT32_T:
    case MPI_INT64_T: case MPI_AINT: case MPI_OFFSET: case MPI_COUNT:
        return (int)sint[size];
    case MPI_UNSIGNED_CHAR: case MPI_BYTE: case MPI_UNSIGNED_SHORT: case MPI_UNSIGNED:
    case MPI_UNSIGNED_LONG: case MPI_UNSIGNED_LONG_LONG: case MPI_UINT8_T: case MPI_UINT16_T:
    case MPI_UINT32_T: case MPI_UINT64_T:
        return (int)uint[size];
    case MPI_FLOAT:
        return size == 4 ? TP_ATYPE_FLOAT : -1;
    case MPI_DOUBLE:
        return size == 8 ? TP_ATYPE_DOUBLE : -1;
    default:
        return -1;
    }
}

static int is_float(int type)
{
    return type == TP_ATYPE_FLOAT || type == TP_ATYPE_DOUBLE;
}

/* The unsigned integer of a type's width: compare-and-swap compares bits. */
static tp_atomic_type_t cas_type(int type)
{
    return type == TP_ATYPE_FLOAT ? TP_ATYPE_UINT32
           : type == TP_ATYPE_DOUBLE ? TP_ATYPE_UINT64
                                     : (tp_atomic_type_t)(type | 1);
}

/* The transport's operation for an MPI operation, or -1. */
static int atomic_op(MPI_Op op)
{
    switch (op) {
    case MPI_MIN: return TP_AOP_MIN;
    case MPI_MAX: return TP_AOP_MAX;
    case MPI_SUM: return TP_AOP_SUM;
    case MPI_PROD: return TP_AOP_PROD;
    case MPI_LOR: return TP_AOP_LOR;
    case MPI_LAND: return TP_AOP_LAND;
    case MPI_BOR: return TP_AOP_BOR;
    case MPI_BAND: return TP_AOP_BAND;
    case MPI_LXOR: return TP_AOP_LXOR;
    case MPI_BXOR: return TP_AOP_BXOR;
    case MPI_REPLACE: return TP_AOP_WRITE;
    case MPI_NO_OP: return TP_AOP_READ;
    default: return -1;
    }
}

/* The element types this rank's provider does every operation on. */
static uint32_t types_offered(tp_t *tp)
{
    uint32_t mask = 0;
    for (int t = 0; t < TP_ATYPE_COUNT; t++) {
        int ok = tp->ops->atomic_max(tp, TP_AOP_CSWAP, cas_type(t), 1) > 0 &&
                 tp->ops->atomic_max(tp, TP_AOP_READ, (tp_atomic_type_t)t, 1) > 0;
        int last = is_float(t) ? TP_AOP_PROD : TP_AOP_BXOR;
        for (int o = 0; ok && o <= TP_AOP_WRITE; o++) {
            if (o > last && o < TP_AOP_READ)
                continue;
            if (o != TP_AOP_READ &&
                tp->ops->atomic_max(tp, (tp_atomic_op_t)o, (tp_atomic_type_t)t, 0) == 0)
                ok = 0;
            if (tp->ops->atomic_max(tp, (tp_atomic_op_t)o, (tp_atomic_type_t)t, 1) == 0)
                ok = 0;
        }
        if (ok)
            mask |= 1u << t;
    }
    return mask;
}

/* What every rank tells the others at creation. */
typedef struct atomic_info {
    int32_t ok;                    /* this rank can take the libfabric path */
    uint32_t types;                /* types_offered() */
    tp_mem_desc_t desc;            /* its window memory, as that transport exposed it */
} atomic_info_t;

/* This rank's transport with remote atomics toward every rank of w, and
 * its descriptor of the window memory; NULL (with *why) if there is none. */
static tp_t *find_transport(rt_win_t *w, atomic_info_t *mine, const char **why)
{
    tp_t *tp = NULL;
    if (w->flavor == MPI_WIN_FLAVOR_DYNAMIC) {
        *why = "a dynamic window";
        return NULL;
    }
    if (w->segment != NULL) {
        *why = "a shared segment";
        return NULL;
    }
    if (!cfg_get_bool("MINIMPI_OFI_ATOMIC")) {
        *why = "MINIMPI_OFI_ATOMIC=0";
        return NULL;
    }
    for (int r = 0; r < w->comm->size && tp == NULL; r++) {
        tp_t *t = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        if (t->can_atomic && t->ops->atomic_async != NULL && t->ops->atomic_max != NULL)
            tp = t;
    }
    if (tp == NULL) {
        *why = "no transport with remote atomics";
        return NULL;
    }
    for (int r = 0; r < w->comm->size; r++) {
        if (r != w->comm->rank && !tp->ops->reachable(tp, w->comm->world_rank_of[r])) {
            *why = "a rank its atomics cannot reach";
            return NULL;
        }
    }
    int k = 0;
    while (k < 2 && w->exposed_tp[k] != tp)
        k++;
    if (k < 2)
        mine->desc = w->exposed[k];
    else if (w->size > 0) {
        *why = "window memory not registered";
        return NULL;
    }
    return tp;
}

int rt_win_atomic_decide(rt_win_t *w)
{
    atomic_info_t mine;
    memset(&mine, 0, sizeof(mine));
    const char *why = "";
    tp_t *tp = find_transport(w, &mine, &why);
    if (tp != NULL) {
        mine.ok = 1;
        mine.types = types_offered(tp);
    }
    atomic_info_t *all = malloc((size_t)w->comm->size * sizeof(*all));
    int err = all != NULL ? rt_comm_allgather_bytes(w->comm, &mine, sizeof(mine), all)
                          : MPI_ERR_NO_MEM;
    uint32_t types = ~0u;
    int ok = err == MPI_SUCCESS;
    for (int r = 0; ok && r < w->comm->size; r++) {
        if (!all[r].ok) {
            ok = 0;
            if (why[0] == '\0')
                why = "another rank cannot";
        }
        types &= all[r].types;
    }
    if (ok && types != 0) {
        w->atomic_tp = tp;
        w->atomic_types = types;
        for (int r = 0; r < w->comm->size; r++)
            w->peers[r].adesc = all[r].desc;
    } else if (ok) {
        why = "no element type offered by every rank";
    }
    free(all);
    if (err == MPI_SUCCESS)
        rt_verbose("rma", "window %d: accumulates by %s%s%s", w->id,
                   w->atomic_tp != NULL ? "libfabric atomics" : "messages",
                   w->atomic_tp != NULL ? "" : ": ", w->atomic_tp != NULL ? "" : why);
    return err;
}

/* ---- One operation --------------------------------------------------------- */

/* An accumulate in flight: its atomic operations share it, the last one
 * done completes the request. */
typedef struct atomic_state {
    rt_win_t *w;
    int target;
    rt_request_t *req;
    size_t left;                   /* operations not completed */
    char *operand;                 /* packed origin data (CAS: then the compare value) */
    char *result;                  /* fetched old values, packed, or NULL */
    const rt_datatype_t *result_dt;
    void *result_buf;
    size_t result_count;
    size_t bytes;
} atomic_state_t;

typedef struct atomic_comp {
    tp_comp_t comp;                /* first: the transport hands it back */
    atomic_state_t *s;
} atomic_comp_t;

/* One share of the operation is done: the last completes the request. */
static void state_put(atomic_state_t *s)
{
    if (--s->left > 0)
        return;
    if (s->result != NULL) {
        /* The old values, packed in the target type's order, into the
         * result buffer's layout (the bytes agree: the call checked). */
        rt_datatype_unpack(s->result_dt, s->result, s->bytes, s->result_buf);
    }
    rt_request_complete(s->req);
    free(s->operand);
    free(s->result);
    free(s);
}

static void atomic_done(tp_comp_t *c, tp_status_t status)
{
    atomic_comp_t *ac = (atomic_comp_t *)(void *)c;
    atomic_state_t *s = ac->s;
    free(ac);
    if (status != TP_OK)
        rt_fatal("an atomic operation on window rank %d failed (transport status %d)",
                 s->target, (int)status);
    s->w->peers[s->target].pending--;
    state_put(s);
}

int rt_rma_atomic(rt_win_t *w, const rt_rma_args_t *a, int64_t disp, size_t bytes,
                  rt_request_t *req)
{
    if (w->atomic_tp == NULL || (!a->atomic && a->kind != RT_RMA_CAS))
        return 0;
    const rt_datatype_t *t = a->target_dt;
    MPI_Datatype basic = t->derived ? t->basic : t->handle;
    const rt_datatype_t *b = basic != 0 ? rt_datatype_get(basic) : NULL;
    if (b == NULL || !b->contiguous || b->num_basic != 1)
        return 0;
    int type = atomic_type(basic, b->size);
    if (type < 0 || !(w->atomic_types & (1u << type)))
        return 0;
    int fetch = a->kind != RT_RMA_ACC;
    int op = a->kind == RT_RMA_CAS   ? TP_AOP_CSWAP
             : a->kind == RT_RMA_GET ? TP_AOP_READ
                                     : atomic_op(a->op);
    if (op < 0)
        return 0;
    tp_atomic_type_t ttype = op == TP_AOP_CSWAP ? cas_type(type) : (tp_atomic_type_t)type;
    tp_t *tp = w->atomic_tp;
    size_t max = tp->ops->atomic_max(tp, (tp_atomic_op_t)op, ttype, fetch);
    if (max == 0)
        return 0;
    /* Every run of the target layout, as offsets in the exposed memory. */
    tp_iov_t one, *runs;
    long n = rt_rma_pieces(t->blocks, t->num_blocks, a->target_count, t->extent, disp, bytes,
                           &one, &runs);
    atomic_state_t *s = calloc(1, sizeof(*s));
    size_t olen = a->kind == RT_RMA_GET ? 0 : a->kind == RT_RMA_CAS ? 2 * bytes : bytes;
    char *operand = olen > 0 ? malloc(olen) : NULL;
    char *result = fetch ? malloc(bytes) : NULL;
    if (n < 0 || s == NULL || (olen > 0 && operand == NULL) || (fetch && result == NULL))
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    if (a->kind == RT_RMA_CAS) {
        memcpy(operand, a->origin, bytes);
        memcpy(operand + bytes, a->compare, bytes);
    } else if (olen > 0) {
        rt_datatype_pack(a->origin_dt, a->origin, a->origin_count, operand);
    }
    *s = (atomic_state_t){.w = w, .target = a->target, .req = req, .operand = operand,
                          .result = result, .result_dt = a->result_dt, .result_buf = a->result,
                          .result_count = a->result_count, .bytes = bytes};
    if (fetch) {
        /* As the message path does: the request holds the result type. */
        req->dt = a->result_dt;
        rt_datatype_retain(req->dt);
    }
    /* The issuing loop holds one share of its own, so an operation that
     * completes at once never completes the request early. */
    size_t esz = b->size;
    s->left = 1;
    int world = w->comm->world_rank_of[a->target];
    rt_win_peer_t *p = &w->peers[a->target];
    size_t pos = 0;
    for (long i = 0; i < n; i++) {
        for (size_t done = 0; done < runs[i].len;) {
            size_t count = (size_t)(runs[i].len - done) / esz;
            if (count > max)
                count = max;
            atomic_comp_t *ac = malloc(sizeof(*ac));
            if (ac == NULL)
                rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
            *ac = (atomic_comp_t){.comp = {.done = atomic_done}, .s = s};
            s->left++;
            p->pending++;
            tp_status_t st = tp->ops->atomic_async(
                tp, world, &p->adesc, runs[i].base + done, (tp_atomic_op_t)op, ttype, count,
                operand != NULL ? operand + pos : NULL,
                op == TP_AOP_CSWAP ? operand + bytes + pos : NULL,
                result != NULL ? result + pos : NULL, &ac->comp);
            if (st == TP_OK)
                atomic_done(&ac->comp, TP_OK);
            else if (st != TP_INPROGRESS)
                rt_fatal("an atomic operation on window rank %d could not start (transport "
                         "status %d)", a->target, (int)st);
            done += count * esz;
            pos += count * esz;
        }
    }
    if (runs != &one)
        free(runs);
    state_put(s);
    return 1;
}

/*
 * rt_win_direct.c -- operations on window memory this process maps (the
 * shared segment of MPI_Win_allocate_shared), done by the origin itself
 * without a message.
 *
 * Accumulates must stay atomic per element against every other origin,
 * which also works directly.  Basic elements of 1, 2, 4 or 8 bytes (all
 * integers, float, double, float complex, ...) at aligned addresses are
 * updated with a compare-and-swap loop around the operation's kernel (one
 * hardware instruction for SUM, BAND, BOR, BXOR on integers, REPLACE and
 * NO_OP, which are the common cases); everything else takes the window's
 * lock, a word in the segment's header.  The standard lets concurrent
 * accumulates to one location use only the same basic type, so a location
 * is always reached the same way and the two never race on one element.
 */
#include "rt_win.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rt_coll.h"
#include "rt_dt.h"
#include "rt_op.h"

/* ---- One element, atomically --------------------------------------------- */

/* The integer types whose SUM and bitwise operations map to one fetch-op
 * instruction (two's complement: signed and unsigned add alike). */
static int is_integer(MPI_Datatype t)
{
    switch (t) {
    case MPI_CHAR: case MPI_SIGNED_CHAR: case MPI_UNSIGNED_CHAR: case MPI_BYTE:
    case MPI_SHORT: case MPI_UNSIGNED_SHORT: case MPI_INT: case MPI_UNSIGNED:
    case MPI_LONG: case MPI_UNSIGNED_LONG: case MPI_LONG_LONG_INT: case MPI_UNSIGNED_LONG_LONG:
    case MPI_INT8_T: case MPI_INT16_T: case MPI_INT32_T: case MPI_INT64_T:
    case MPI_UINT8_T: case MPI_UINT16_T: case MPI_UINT32_T: case MPI_UINT64_T:
    case MPI_AINT: case MPI_OFFSET: case MPI_COUNT:
        return 1;
    default:
        return 0;
    }
}

/*
 * Update the element at `p` with `in` (old value to `old` unless NULL) for
 * one width.  A kernel computes the new value on a private copy, and the
 * compare-and-swap retries until nobody changed the element meanwhile.
 */
#define DEFINE_ELEM_UPDATE(NAME, T)                                                        \
    static void NAME(T *p, const void *in, void *old, const rt_op_t *op, MPI_Op oph,       \
                     MPI_Datatype basic, int fast)                                         \
    {                                                                                      \
        T x, cur;                                                                          \
        memcpy(&x, in, sizeof(T));                                                         \
        if (oph == MPI_NO_OP) {                                                            \
            cur = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                    \
        } else if (oph == MPI_REPLACE) {                                                   \
            cur = __atomic_exchange_n(p, x, __ATOMIC_SEQ_CST);                             \
        } else if (fast && oph == MPI_SUM) {                                               \
            cur = __atomic_fetch_add(p, x, __ATOMIC_SEQ_CST);                              \
        } else if (fast && oph == MPI_BAND) {                                              \
            cur = __atomic_fetch_and(p, x, __ATOMIC_SEQ_CST);                              \
        } else if (fast && oph == MPI_BOR) {                                               \
            cur = __atomic_fetch_or(p, x, __ATOMIC_SEQ_CST);                               \
        } else if (fast && oph == MPI_BXOR) {                                              \
            cur = __atomic_fetch_xor(p, x, __ATOMIC_SEQ_CST);                              \
        } else {                                                                           \
            cur = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                    \
            T next;                                                                        \
            do {                                                                           \
                next = cur;                                                                \
                op->kernel(&x, &next, 1, basic);                                           \
            } while (!__atomic_compare_exchange_n(p, &cur, next, 0, __ATOMIC_SEQ_CST,      \
                                                  __ATOMIC_SEQ_CST));                      \
        }                                                                                  \
        if (old != NULL)                                                                   \
            memcpy(old, &cur, sizeof(T));                                                  \
    }

DEFINE_ELEM_UPDATE(update8, uint8_t)
DEFINE_ELEM_UPDATE(update16, uint16_t)
DEFINE_ELEM_UPDATE(update32, uint32_t)
DEFINE_ELEM_UPDATE(update64, uint64_t)

#define DEFINE_ELEM_CAS(NAME, T)                                                           \
    static void NAME(T *p, const void *in, const void *cmp, void *old)                     \
    {                                                                                      \
        T x, cur;                                                                          \
        memcpy(&x, in, sizeof(T));                                                         \
        memcpy(&cur, cmp, sizeof(T));                                                      \
        __atomic_compare_exchange_n(p, &cur, x, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);    \
        memcpy(old, &cur, sizeof(T));                                                      \
    }

DEFINE_ELEM_CAS(cas8, uint8_t)
DEFINE_ELEM_CAS(cas16, uint16_t)
DEFINE_ELEM_CAS(cas32, uint32_t)
DEFINE_ELEM_CAS(cas64, uint64_t)

static void elem_update(char *p, size_t width, const void *in, void *old, const rt_op_t *op,
                        MPI_Op oph, MPI_Datatype basic, int fast)
{
    switch (width) {
    case 1: update8((uint8_t *)p, in, old, op, oph, basic, fast); break;
    case 2: update16((uint16_t *)(void *)p, in, old, op, oph, basic, fast); break;
    case 4: update32((uint32_t *)(void *)p, in, old, op, oph, basic, fast); break;
    default: update64((uint64_t *)(void *)p, in, old, op, oph, basic, fast); break;
    }
}

static void elem_cas(char *p, size_t width, const void *in, const void *cmp, void *old)
{
    switch (width) {
    case 1: cas8((uint8_t *)p, in, cmp, old); break;
    case 2: cas16((uint16_t *)(void *)p, in, cmp, old); break;
    case 4: cas32((uint32_t *)(void *)p, in, cmp, old); break;
    default: cas64((uint64_t *)(void *)p, in, cmp, old); break;
    }
}

/* ---- Whole operations ------------------------------------------------------ */

/* The basic type the atomics work on, or 0 when the operation must take
 * the lock: a single basic type of 1, 2, 4 or 8 bytes. */
static MPI_Datatype atomic_basic(const rt_datatype_t *t)
{
    MPI_Datatype b = t->derived ? t->basic : t->handle;
    const rt_datatype_t *bt = b != 0 ? rt_datatype_get(b) : NULL;
    if (bt == NULL || bt->num_basic != 1 || !bt->contiguous)
        return 0;
    size_t s = bt->size;
    return s == 1 || s == 2 || s == 4 || s == 8 ? b : 0;
}

/*
 * Walk the target's pieces element by element with atomics.  Returns 0, or
 * -1 when an element is not aligned (nothing was changed then: alignment is
 * checked for every piece first).
 */
static int atomic_walk(const rt_rma_args_t *a, char *taddr, size_t bytes, MPI_Datatype basic,
                       const char *in, const char *cmp, char *old)
{
    const rt_datatype_t *t = a->target_dt;
    size_t width = rt_datatype_get(basic)->size;
    tp_iov_t *iov, one;
    long n = rt_rma_pieces(t->blocks, t->num_blocks, a->target_count, t->extent,
                           (int64_t)(intptr_t)taddr, bytes, &one, &iov);
    if (n < 0)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    for (long i = 0; i < n; i++) {
        if (iov[i].base % width != 0 || iov[i].len % width != 0) {
            if (iov != &one)
                free(iov);
            return -1;
        }
    }
    rt_op_t *op = rt_op_get(a->op);
    int fast = is_integer(basic);
    size_t pos = 0;
    for (long i = 0; i < n; i++) {
        char *p = (char *)(intptr_t)iov[i].base;
        for (size_t k = 0; k < iov[i].len; k += width, pos += width) {
            if (a->kind == RT_RMA_CAS)
                elem_cas(p + k, width, in + pos, cmp + pos, old + pos);
            else
                elem_update(p + k, width, in + pos, old != NULL ? old + pos : NULL, op, a->op,
                            basic, fast);
        }
    }
    if (iov != &one)
        free(iov);
    return 0;
}

static void segment_lock(rt_win_t *w)
{
    while (__atomic_exchange_n(w->segment_lock, 1, __ATOMIC_ACQUIRE) != 0)
        while (__atomic_load_n(w->segment_lock, __ATOMIC_RELAXED) != 0)
            sched_yield();
}

static void segment_unlock(rt_win_t *w)
{
    __atomic_store_n(w->segment_lock, 0, __ATOMIC_RELEASE);
}

/* The same under the window's lock, for any type. */
static void locked_op(rt_win_t *w, const rt_rma_args_t *a, char *taddr, size_t bytes,
                      const char *in, const char *cmp, char *old)
{
    const rt_datatype_t *t = a->target_dt;
    rt_rma_desc_t d;
    rt_rma_describe(a, 0, &d);
    int rc = 0;
    segment_lock(w);
    if (old != NULL)
        rc = rt_rma_move(t->blocks, t->num_blocks, a->target_count, t->extent, taddr, 0, bytes,
                         old, RT_RMA_GATHER);
    if (rc == 0 && a->kind == RT_RMA_CAS) {
        if (memcmp(old, cmp, bytes) == 0)
            rc = rt_rma_move(t->blocks, t->num_blocks, a->target_count, t->extent, taddr, 0,
                             bytes, (char *)in, RT_RMA_SCATTER);
    } else if (rc == 0) {
        rc = rt_rma_combine(&d, t->blocks, taddr, 0, bytes, in);
    }
    segment_unlock(w);
    if (rc != 0)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
}

void rt_rma_direct(rt_win_t *w, const rt_rma_args_t *a, char *taddr, size_t bytes)
{
    const rt_datatype_t *t = a->target_dt;
    int fetch = a->kind == RT_RMA_GET || a->kind == RT_RMA_GET_ACC || a->kind == RT_RMA_CAS;
    int sends = a->kind != RT_RMA_GET;
    /* [origin packed][result staging] */
    char *buf = malloc(2 * bytes);
    if (buf == NULL)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    char *in = buf, *old = fetch ? buf + bytes : NULL;
    if (sends && a->kind != RT_RMA_CAS)
        rt_datatype_pack(a->origin_dt, a->origin, a->origin_count, in);
    else if (a->kind == RT_RMA_CAS)
        memcpy(in, a->origin, bytes);
    int rc = 0;
    switch (a->kind) {
    case RT_RMA_PUT:
        rc = rt_rma_move(t->blocks, t->num_blocks, a->target_count, t->extent, taddr, 0, bytes,
                         in, RT_RMA_SCATTER);
        break;
    case RT_RMA_GET:
        rc = rt_rma_move(t->blocks, t->num_blocks, a->target_count, t->extent, taddr, 0, bytes,
                         old, RT_RMA_GATHER);
        break;
    default: {
        MPI_Datatype basic = atomic_basic(t);
        if (basic == 0 ||
            atomic_walk(a, taddr, bytes, basic, in, a->compare, old) != 0)
            locked_op(w, a, taddr, bytes, in, a->compare, old);
        break;
    }
    }
    if (rc != 0)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    if (fetch)
        rt_datatype_unpack(a->result_dt, old, bytes, a->result);
    free(buf);
}

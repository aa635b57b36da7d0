/*
 * rt_op.c -- the operation table behind MPI_Op handles (see rt_op.h).
 *
 * Predefined operations keep the index of their handle (1..14).  User
 * operations get indices from RT_OP_USER_BASE on; a freed one stays in the
 * table, marked dead, so that a nonblocking collective still running with
 * it keeps a valid pointer (the standard lets MPI_Op_free return before
 * such collectives complete).
 */
#include "rt_op.h"

#include <limits.h>
#include <stdlib.h>

#define RT_OP_USER_BASE 0x100
#define RT_OP_USER_MAX (0xffffff - RT_OP_USER_BASE)

#define PREDEF(H, KERNEL) [(H) & 0xff] = {(H), #H, 1, KERNEL, NULL}

static rt_op_t predefined[MINIMPI_OP_PREDEFINED_LAST + 1] = {
    PREDEF(MPI_MAX, rt_op_kernel_max),
    PREDEF(MPI_MIN, rt_op_kernel_min),
    PREDEF(MPI_SUM, rt_op_kernel_sum),
    PREDEF(MPI_PROD, rt_op_kernel_prod),
    PREDEF(MPI_LAND, rt_op_kernel_land),
    PREDEF(MPI_BAND, rt_op_kernel_band),
    PREDEF(MPI_LOR, rt_op_kernel_lor),
    PREDEF(MPI_BOR, rt_op_kernel_bor),
    PREDEF(MPI_LXOR, rt_op_kernel_lxor),
    PREDEF(MPI_BXOR, rt_op_kernel_bxor),
    PREDEF(MPI_MINLOC, rt_op_kernel_minloc),
    PREDEF(MPI_MAXLOC, rt_op_kernel_maxloc),
    /* Defined for one-sided accumulates only: no collective accepts them. */
    PREDEF(MPI_REPLACE, NULL),
    PREDEF(MPI_NO_OP, NULL),
};

typedef struct user_op {
    rt_op_t op;
    int alive;
} user_op_t;

static user_op_t **user_ops;       /* pointers, so entries never move */
static size_t num_user_ops;
static size_t user_ops_cap;

rt_op_t *rt_op_get(MPI_Op handle)
{
    unsigned h = (unsigned)handle;
    unsigned index = h & 0xffffffu;
    if ((h >> 24) != MINIMPI_KIND_OP)
        return NULL;
    if (index >= 1 && index <= MINIMPI_OP_PREDEFINED_LAST)
        return &predefined[index];
    if (index < RT_OP_USER_BASE || index - RT_OP_USER_BASE >= num_user_ops)
        return NULL;
    user_op_t *u = user_ops[index - RT_OP_USER_BASE];
    return u->alive ? &u->op : NULL;
}

/*
 * A predefined operation applies to a derived type whose basic elements are
 * all one predefined type it allows (a vector of doubles for MPI_SUM, as
 * MPICH accepts): the kernel then runs over the type's runs of that type.
 * A type mixing basic types (or made of pair types) has no such kernel.
 */
static MPI_Datatype kernel_type(const rt_datatype_t *dt)
{
    if (!dt->derived)
        return dt->handle;
    /* A duplicate of a predefined type is that type (MPI_MINLOC accepts a
     * duplicate of MPI_2INT although a pair type is no single basic type). */
    if (dt->contents.combiner == MPI_COMBINER_DUP) {
        const rt_datatype_t *old = rt_datatype_get(dt->contents.types[0]);
        if (old != NULL && !old->derived)
            return old->handle;
    }
    return dt->basic;
}

int rt_op_check(const rt_op_t *op, const rt_datatype_t *dt)
{
    if (op->user_fn != NULL)
        return MPI_SUCCESS;
    if (op->kernel == NULL)
        return MPI_ERR_OP;
    MPI_Datatype basic = kernel_type(dt);
    if (basic == 0)
        return MPI_ERR_OP;
    return op->kernel(NULL, NULL, 0, basic);
}

/* The kernel over `count` elements of a derived type made of one basic
 * type: one call per block of the flattened description. */
static void apply_derived(const rt_op_t *op, const char *in, char *inout, size_t count,
                          const rt_datatype_t *dt)
{
    size_t basic_size = dt->size / dt->num_basic;
    if (dt->contiguous) {
        op->kernel(in + dt->lb, inout + dt->lb, count * dt->num_basic, dt->basic);
        return;
    }
    for (size_t e = 0; e < count; e++, in += dt->extent, inout += dt->extent)
        for (const rt_dt_block_t *b = dt->blocks, *end = b + dt->num_blocks; b < end; b++)
            for (size_t r = 0; r < b->count; r++) {
                MPI_Aint off = b->offset + (MPI_Aint)r * b->stride;
                op->kernel(in + off, inout + off, b->len / basic_size, dt->basic);
            }
}

void rt_op_apply(const rt_op_t *op, const void *in, void *inout, size_t count,
                 const rt_datatype_t *dt)
{
    if (count == 0)
        return;
    if (op->user_fn == NULL) {
        /* A predefined type, or a duplicate of one, is a plain array. */
        MPI_Datatype kt = kernel_type(dt);
        if (!dt->derived || kt != dt->basic)
            op->kernel(in, inout, count, kt);
        else if (dt->size > 0)
            apply_derived(op, in, inout, count, dt);
        return;
    }
    /* A user function takes an int count: call it in slices. */
    MPI_Datatype handle = dt->handle;
    const char *a = in;
    char *b = inout;
    while (count > 0) {
        int len = count > INT_MAX ? INT_MAX : (int)count;
        op->user_fn((void *)a, b, &len, &handle);
        a += (size_t)len * (size_t)dt->extent;
        b += (size_t)len * (size_t)dt->extent;
        count -= (size_t)len;
    }
}

int rt_op_create(MPI_User_function *fn, int commutative, MPI_Op *out)
{
    if (num_user_ops >= RT_OP_USER_MAX)
        return MPI_ERR_INTERN;
    if (num_user_ops == user_ops_cap) {
        size_t cap = user_ops_cap ? 2 * user_ops_cap : 16;
        user_op_t **table = realloc(user_ops, cap * sizeof(*table));
        if (table == NULL)
            return MPI_ERR_NO_MEM;
        user_ops = table;
        user_ops_cap = cap;
    }
    user_op_t *u = calloc(1, sizeof(*u));
    if (u == NULL)
        return MPI_ERR_NO_MEM;
    u->op.handle = (MPI_Op)((MINIMPI_KIND_OP << 24) | (unsigned)(RT_OP_USER_BASE + num_user_ops));
    u->op.name = "user operation";
    u->op.commutative = commutative != 0;
    u->op.user_fn = fn;
    u->alive = 1;
    user_ops[num_user_ops++] = u;
    *out = u->op.handle;
    return MPI_SUCCESS;
}

int rt_op_free(MPI_Op handle)
{
    rt_op_t *op = rt_op_get(handle);
    if (op == NULL || op->user_fn == NULL)
        return MPI_ERR_OP;
    rt_container_of(op, user_op_t, op)->alive = 0;
    return MPI_SUCCESS;
}

void rt_op_finalize(void)
{
    for (size_t i = 0; i < num_user_ops; i++)
        free(user_ops[i]);
    free(user_ops);
    user_ops = NULL;
    num_user_ops = 0;
    user_ops_cap = 0;
}

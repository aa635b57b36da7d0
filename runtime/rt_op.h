/*
 * rt_op.h -- reduction operations: the predefined ones (with one kernel per
 * operation that knows which types the standard allows it on) and the
 * program's own, made by MPI_Op_create.
 *
 * Every operation combines two vectors in place the way a user function
 * does: inout[i] = in[i] op inout[i], where `in` holds the contribution of
 * the lower ranks.  Collectives keep that order for non-commutative
 * operations, so the result is always x0 op x1 op ... op x(p-1).
 */
#ifndef MINIMPI_RT_OP_H
#define MINIMPI_RT_OP_H

#include <stddef.h>

#include "rt.h"
#include "rt_coll.h"

/*
 * A predefined kernel: combines `count` elements of the basic type `dt`, or
 * returns MPI_ERR_OP when the operation is not defined on that type (a count
 * of 0 only asks that question).
 */
typedef int (*rt_op_kernel_fn)(const void *in, void *inout, size_t count, MPI_Datatype dt);

struct rt_op {
    MPI_Op handle;
    const char *name;              /* "MPI_SUM", or "user operation" */
    int commutative;
    rt_op_kernel_fn kernel;        /* predefined; NULL for REPLACE and NO_OP (RMA only) */
    MPI_User_function *user_fn;    /* MPI_Op_create'd */
};

/* MPI_SUCCESS, or MPI_ERR_OP when `op` cannot combine elements of `dt`.  A
 * user operation takes any type; a predefined one its allowed predefined
 * types and derived types made of a single one of them. */
int rt_op_check(const rt_op_t *op, const rt_datatype_t *dt);

/* inout = in op inout over `count` elements of `dt` (laid out with its
 * extent); rt_op_check must have accepted the pair. */
void rt_op_apply(const rt_op_t *op, const void *in, void *inout, size_t count,
                 const rt_datatype_t *dt);

/* MPI_Op_create / MPI_Op_free; errors are MPI error classes (the caller
 * reports them). */
int rt_op_create(MPI_User_function *fn, int commutative, MPI_Op *out);
int rt_op_free(MPI_Op handle);

/* Forget the user operations (MPI_Finalize). */
void rt_op_finalize(void);

/* The kernels of the predefined operations (rt_op_kernels.c). */
int rt_op_kernel_max(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_min(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_sum(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_prod(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_land(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_lor(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_lxor(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_band(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_bor(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_bxor(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_minloc(const void *in, void *inout, size_t count, MPI_Datatype dt);
int rt_op_kernel_maxloc(const void *in, void *inout, size_t count, MPI_Datatype dt);

#endif /* MINIMPI_RT_OP_H */

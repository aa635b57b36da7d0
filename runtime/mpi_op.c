/*
 * mpi_op.c -- reduction operation handles: MPI_Op_create, MPI_Op_free,
 * MPI_Op_commutative and MPI_Reduce_local.
 */
#include "rt.h"
#include "rt_op.h"

int MPI_Op_create(MPI_User_function *user_fn, int commute, MPI_Op *op)
{
    const char *call = "MPI_Op_create";
    RT_CHECK_INIT(call);
    if (user_fn == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "user_fn is NULL");
    if (op == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "op is NULL");
    int err = rt_op_create(user_fn, commute, op);
    if (err != MPI_SUCCESS)
        return rt_err(NULL, call, err, "cannot create another operation");
    return MPI_SUCCESS;
}

int MPI_Op_free(MPI_Op *op)
{
    const char *call = "MPI_Op_free";
    RT_CHECK_INIT(call);
    if (op == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "op is NULL");
    rt_op_t *o = rt_op_get(*op);
    if (o == NULL)
        return rt_err(NULL, call, MPI_ERR_OP, "invalid operation 0x%x", (unsigned)*op);
    if (o->user_fn == NULL)
        return rt_err(NULL, call, MPI_ERR_OP, "%s is predefined and cannot be freed", o->name);
    rt_op_free(*op);
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}

int MPI_Op_commutative(MPI_Op op, int *commute)
{
    const char *call = "MPI_Op_commutative";
    RT_CHECK_INIT(call);
    rt_op_t *o = rt_op_get(op);
    if (o == NULL)
        return rt_err(NULL, call, MPI_ERR_OP, "invalid operation 0x%x", (unsigned)op);
    if (commute == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "commute is NULL");
    *commute = o->commutative;
    return MPI_SUCCESS;
}

int MPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype,
                     MPI_Op op)
{
    const char *call = "MPI_Reduce_local";
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    RT_CHECK_COUNT(call, NULL, count);
    RT_CHECK_DATATYPE(call, NULL, datatype, dt);
    RT_CHECK_BUFFER(call, NULL, inbuf, count);
    RT_CHECK_BUFFER(call, NULL, inoutbuf, count);
    if (inbuf == MPI_IN_PLACE || inoutbuf == MPI_IN_PLACE)
        return rt_err(NULL, call, MPI_ERR_BUFFER, "MPI_IN_PLACE is not allowed here");
    rt_op_t *o = rt_op_get(op);
    if (o == NULL)
        return rt_err(NULL, call, MPI_ERR_OP, "invalid operation 0x%x", (unsigned)op);
    if (rt_op_check(o, dt) != MPI_SUCCESS)
        return rt_err(NULL, call, MPI_ERR_OP, "%s is not defined on %s", o->name, dt->name);
    rt_op_apply(o, inbuf, inoutbuf, (size_t)count, dt);
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Op_commutative = PMPI_Op_commutative
#pragma weak MPI_Op_create = PMPI_Op_create
#pragma weak MPI_Op_free = PMPI_Op_free
#pragma weak MPI_Reduce_local = PMPI_Reduce_local

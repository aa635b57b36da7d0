/*
 * mpi_attr.c -- MPI entry points for attribute keys and cached
 * attributes, with the MPI-1 names (Keyval_create, Attr_put, ...) that old
 * and current codes still call.
 */
#include "rt_attr.h"

static int raise(rt_comm_t *c, const char *call, int err, int keyval)
{
    if (err == MPI_ERR_KEYVAL)
        return rt_err(c, call, err, "invalid keyval 0x%x (not created, freed, or predefined "
                      "and read-only, or no attribute cached under it)", (unsigned)keyval);
    if (err == MPI_ERR_NO_MEM)
        return rt_err(c, call, err, "out of memory");
    return rt_err(c, call, err, "an attribute callback for keyval 0x%x failed (code %d)",
                  (unsigned)keyval, err);
}

int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function *comm_copy_attr_fn,
                           MPI_Comm_delete_attr_function *comm_delete_attr_fn,
                           int *comm_keyval, void *extra_state)
{
    RT_CHECK_INIT("MPI_Comm_create_keyval");
    if (comm_keyval == NULL)
        return rt_err(NULL, "MPI_Comm_create_keyval", MPI_ERR_ARG, "comm_keyval is NULL");
    int err = rt_keyval_create(comm_copy_attr_fn, comm_delete_attr_fn, extra_state, comm_keyval);
    if (err != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Comm_create_keyval", err, "out of memory");
    return MPI_SUCCESS;
}

int MPI_Comm_free_keyval(int *comm_keyval)
{
    RT_CHECK_INIT("MPI_Comm_free_keyval");
    if (comm_keyval == NULL)
        return rt_err(NULL, "MPI_Comm_free_keyval", MPI_ERR_ARG, "comm_keyval is NULL");
    int err = rt_keyval_free(*comm_keyval);
    if (err != MPI_SUCCESS)
        return raise(NULL, "MPI_Comm_free_keyval", err, *comm_keyval);
    *comm_keyval = MPI_KEYVAL_INVALID;
    return MPI_SUCCESS;
}

static int set_attr(const char *call, MPI_Comm comm, int keyval, void *value)
{
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    int err = rt_attr_set(c, keyval, value);
    return err == MPI_SUCCESS ? MPI_SUCCESS : raise(c, call, err, keyval);
}

static int get_attr(const char *call, MPI_Comm comm, int keyval, void *value, int *flag)
{
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    if (value == NULL || flag == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "attribute_val or flag is NULL");
    void *v = NULL;
    int err = rt_attr_get(c, keyval, &v, flag);
    if (err != MPI_SUCCESS)
        return raise(c, call, err, keyval);
    if (*flag)
        *(void **)value = v;
    return MPI_SUCCESS;
}

static int delete_attr(const char *call, MPI_Comm comm, int keyval)
{
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    int err = rt_attr_delete(c, keyval);
    return err == MPI_SUCCESS ? MPI_SUCCESS : raise(c, call, err, keyval);
}

int MPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void *attribute_val)
{
    return set_attr("MPI_Comm_set_attr", comm, comm_keyval, attribute_val);
}

int MPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag)
{
    return get_attr("MPI_Comm_get_attr", comm, comm_keyval, attribute_val, flag);
}

int MPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval)
{
    return delete_attr("MPI_Comm_delete_attr", comm, comm_keyval);
}

int MPI_Keyval_create(MPI_Copy_function *copy_fn, MPI_Delete_function *delete_fn, int *keyval,
                      void *extra_state)
{
    return MPI_Comm_create_keyval(copy_fn, delete_fn, keyval, extra_state);
}

int MPI_Keyval_free(int *keyval)
{
    return MPI_Comm_free_keyval(keyval);
}

int MPI_Attr_put(MPI_Comm comm, int keyval, void *attribute_val)
{
    return set_attr("MPI_Attr_put", comm, keyval, attribute_val);
}

int MPI_Attr_get(MPI_Comm comm, int keyval, void *attribute_val, int *flag)
{
    return get_attr("MPI_Attr_get", comm, keyval, attribute_val, flag);
}

int MPI_Attr_delete(MPI_Comm comm, int keyval)
{
    return delete_attr("MPI_Attr_delete", comm, keyval);
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Attr_delete = PMPI_Attr_delete
#pragma weak MPI_Attr_get = PMPI_Attr_get
#pragma weak MPI_Attr_put = PMPI_Attr_put
#pragma weak MPI_Comm_create_keyval = PMPI_Comm_create_keyval
#pragma weak MPI_Comm_delete_attr = PMPI_Comm_delete_attr
#pragma weak MPI_Comm_free_keyval = PMPI_Comm_free_keyval
#pragma weak MPI_Comm_get_attr = PMPI_Comm_get_attr
#pragma weak MPI_Comm_set_attr = PMPI_Comm_set_attr
#pragma weak MPI_Keyval_create = PMPI_Keyval_create
#pragma weak MPI_Keyval_free = PMPI_Keyval_free

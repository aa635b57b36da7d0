/*
 * rt_errhandler.c -- created error handlers (see rt_errhandler.h).
 */
#include "rt_errhandler.h"

#include <stdlib.h>

#include "rt_handles.h"

typedef struct rt_errhandler {
    MPI_Comm_errhandler_function *fn;
    int refcount;                  /* handles given out + communicators using it */
} rt_errhandler_t;

static rt_htable_t eh_table = RT_HTABLE_INIT(MINIMPI_KIND_ERRHANDLER, 3);

/* A created handler stays in the table, findable by its handle, while
 * anything references it. */
static rt_errhandler_t *eh_get(MPI_Errhandler h)
{
    return rt_htable_get(&eh_table, h);
}

int rt_errhandler_is_predefined(MPI_Errhandler h)
{
    return h == MPI_ERRORS_ARE_FATAL || h == MPI_ERRORS_RETURN || h == MPI_ERRORS_ABORT;
}

int rt_errhandler_valid(MPI_Errhandler h)
{
    return rt_errhandler_is_predefined(h) || eh_get(h) != NULL;
}

void rt_errhandler_retain(MPI_Errhandler h)
{
    rt_errhandler_t *e = eh_get(h);
    if (e != NULL)
        e->refcount++;
}

void rt_errhandler_release(MPI_Errhandler h)
{
    rt_errhandler_t *e = eh_get(h);
    if (e != NULL && --e->refcount == 0) {
        rt_htable_remove(&eh_table, h);
        free(e);
    }
}

int rt_errhandler_create(MPI_Comm_errhandler_function *fn, MPI_Errhandler *out)
{
    rt_errhandler_t *e = malloc(sizeof(*e));
    if (e == NULL)
        return MPI_ERR_NO_MEM;
    int h = rt_htable_add(&eh_table, e);
    if (h == -1) {
        free(e);
        return MPI_ERR_NO_MEM;
    }
    e->fn = fn;
    e->refcount = 1;
    *out = h;
    return MPI_SUCCESS;
}

/* As in MPICH, a handle is one reference among those of the
 * communicators using the handler (and of MPI_Comm_get_errhandler's
 * results): freeing it drops that reference only. */
void rt_errhandler_unregister(MPI_Errhandler h)
{
    rt_errhandler_release(h);
}

int rt_errhandler_invoke(rt_comm_t *comm, MPI_Errhandler h, int errcode)
{
    rt_errhandler_t *e = eh_get(h);
    if (e == NULL)
        return 0;
    MPI_Comm handle = comm != NULL ? comm->handle : MPI_COMM_WORLD;
    e->fn(&handle, &errcode);
    return 1;
}

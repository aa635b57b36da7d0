/*
 * rt_errhandler.c -- created error handlers (see rt_errhandler.h).
 */
#include "rt_errhandler.h"

#include <stdlib.h>

#include "rt_handles.h"

typedef struct rt_errhandler {
    /* The two kinds differ in the handle the function is given. */
    int for_win;
    union {
        MPI_Comm_errhandler_function *comm;
        MPI_Win_errhandler_function *win;
    } fn;
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

int rt_errhandler_fits_win(MPI_Errhandler h)
{
    rt_errhandler_t *e = eh_get(h);
    return rt_errhandler_is_predefined(h) || (e != NULL && e->for_win);
}

int rt_errhandler_fits_comm(MPI_Errhandler h)
{
    rt_errhandler_t *e = eh_get(h);
    return rt_errhandler_is_predefined(h) || (e != NULL && !e->for_win);
}

static rt_errhandler_t *eh_new(MPI_Errhandler *out)
{
    rt_errhandler_t *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return NULL;
    int h = rt_htable_add(&eh_table, e);
    if (h == -1) {
        free(e);
        return NULL;
    }
    e->refcount = 1;
    *out = h;
    return e;
}

int rt_errhandler_create(MPI_Comm_errhandler_function *fn, MPI_Errhandler *out)
{
    rt_errhandler_t *e = eh_new(out);
    if (e == NULL)
        return MPI_ERR_NO_MEM;
    e->fn.comm = fn;
    return MPI_SUCCESS;
}

int rt_errhandler_create_win(MPI_Win_errhandler_function *fn, MPI_Errhandler *out)
{
    rt_errhandler_t *e = eh_new(out);
    if (e == NULL)
        return MPI_ERR_NO_MEM;
    e->for_win = 1;
    e->fn.win = fn;
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
    if (e->for_win) {
        /* Set only on windows (rt_errhandler_fits_win), so comm->win is one. */
        if (comm == NULL || comm->win == 0)
            return 0;
        MPI_Win win = comm->win;
        e->fn.win(&win, &errcode);
        return 1;
    }
    MPI_Comm handle = comm != NULL ? comm->handle : MPI_COMM_WORLD;
    e->fn.comm(&handle, &errcode);
    return 1;
}

/*
 * mpi_win.c -- MPI entry points for window objects: the four creation
 * flavors, Win_free, the shared-memory query, dynamic attach/detach, and
 * the window's group, attributes, error handler and name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_comm_new.h"
#include "rt_errhandler.h"
#include "rt_info.h"
#include "rt_win.h"

/* Checks shared by the creation calls; returns from the caller on error. */
#define CHECK_CREATE(CALL, COMM, C, SIZE, DISP_UNIT, INFO, WIN)               \
    do {                                                                      \
        RT_CHECK_INIT(CALL);                                                  \
        RT_CHECK_COMM(CALL, COMM, C);                                         \
        if ((C)->is_inter)                                                    \
            return rt_err(C, CALL, MPI_ERR_COMM,                              \
                          "windows need an intracommunicator");               \
        if ((SIZE) < 0)                                                       \
            return rt_err(C, CALL, MPI_ERR_SIZE, "invalid size %lld",         \
                          (long long)(SIZE));                                 \
        if ((DISP_UNIT) <= 0)                                                 \
            return rt_err(C, CALL, MPI_ERR_DISP, "invalid disp_unit %d",      \
                          (DISP_UNIT));                                       \
        if ((INFO) != MPI_INFO_NULL && !rt_info_valid(INFO))                  \
            return rt_err(C, CALL, MPI_ERR_INFO, "invalid info");             \
        RT_WIN_CHECK_ARG(CALL, C, WIN, "win");                                \
    } while (0)

int MPI_Win_create(void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                   MPI_Win *win)
{
    rt_comm_t *c;
    CHECK_CREATE("MPI_Win_create", comm, c, size, disp_unit, info, win);
    if (base == NULL && size > 0)
        return rt_err(c, "MPI_Win_create", MPI_ERR_BASE, "base is NULL with size %lld",
                      (long long)size);
    rt_win_t *w;
    int err = rt_win_new(c, MPI_WIN_FLAVOR_CREATE, base, size, disp_unit, &w);
    if (err != MPI_SUCCESS)
        return rt_err(c, "MPI_Win_create", err, "cannot create the window");
    err = rt_win_cma_expose(w);
    if (err != MPI_SUCCESS) {
        rt_win_destroy(w);
        return rt_err(c, "MPI_Win_create", err, "cannot create the window");
    }
    *win = w->handle;
    return MPI_SUCCESS;
}

/* The value of boolean info key `key`, or `dflt` when unset. */
static int info_flag(MPI_Info info, const char *key, int dflt)
{
    char value[16];
    int flag = 0;
    if (info == MPI_INFO_NULL ||
        MPI_Info_get(info, key, (int)sizeof(value) - 1, value, &flag) != MPI_SUCCESS || !flag)
        return dflt;
    return strcmp(value, "true") == 0;
}

/*
 * When every rank is on this node, the memory comes from a shared segment
 * (as MPICH does, and its info key alloc_shm=false turns that off), so that
 * operations take the direct path; if the segment cannot be had, from the
 * heap, on every rank alike (the segment's allocation agrees on failure).
 */
int MPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr,
                     MPI_Win *win)
{
    rt_comm_t *c;
    CHECK_CREATE("MPI_Win_allocate", comm, c, size, disp_unit, info, win);
    RT_WIN_CHECK_ARG("MPI_Win_allocate", c, baseptr, "baseptr");
    rt_win_t *w;
    int err = rt_win_new(c, MPI_WIN_FLAVOR_ALLOCATE, NULL, size, disp_unit, &w);
    if (err != MPI_SUCCESS)
        return rt_err(c, "MPI_Win_allocate", err, "cannot create the window");
    void *mem = NULL;
    if (c->size > 1 && rt_win_all_on_node(c) && info_flag(info, "alloc_shm", 1) &&
        rt_win_shm_allocate(w, size, 0, &mem) == MPI_SUCCESS && w->segment != NULL) {
        w->base = mem;
    } else {
        mem = calloc(1, size > 0 ? (size_t)size : 1);
        if (mem == NULL) {
            rt_win_destroy(w);
            return rt_err(c, "MPI_Win_allocate", MPI_ERR_NO_MEM,
                          "cannot allocate a window of %lld bytes", (long long)size);
        }
        w->owned = mem;
        w->base = mem;
        /* Collective: every rank takes this branch when one does. */
        err = rt_win_cma_expose(w);
        if (err != MPI_SUCCESS) {
            rt_win_destroy(w);
            return rt_err(c, "MPI_Win_allocate", err, "cannot create the window");
        }
    }
    *(void **)baseptr = mem;
    *win = w->handle;
    return MPI_SUCCESS;
}

int MPI_Win_allocate_shared(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                            void *baseptr, MPI_Win *win)
{
    rt_comm_t *c;
    CHECK_CREATE("MPI_Win_allocate_shared", comm, c, size, disp_unit, info, win);
    RT_WIN_CHECK_ARG("MPI_Win_allocate_shared", c, baseptr, "baseptr");
    rt_win_t *w;
    int err = rt_win_new(c, MPI_WIN_FLAVOR_SHARED, NULL, size, disp_unit, &w);
    if (err != MPI_SUCCESS)
        return rt_err(c, "MPI_Win_allocate_shared", err, "cannot create the window");
    void *base = NULL;
    err = rt_win_shm_allocate(w, size, info_flag(info, "alloc_shared_noncontig", 0), &base);
    if (err != MPI_SUCCESS) {
        rt_win_destroy(w);
        return rt_err(c, "MPI_Win_allocate_shared", err,
                      err == MPI_ERR_RMA_SHARED
                          ? "the communicator's ranks are not all on one node"
                          : "cannot map a shared segment for the window");
    }
    w->base = base;
    *(void **)baseptr = base;
    *win = w->handle;
    return MPI_SUCCESS;
}

int MPI_Win_shared_query(MPI_Win win, int rank, MPI_Aint *size, int *disp_unit, void *baseptr)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_shared_query");
    RT_CHECK_WIN("MPI_Win_shared_query", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_shared_query", w->comm, size, "size");
    RT_WIN_CHECK_ARG("MPI_Win_shared_query", w->comm, disp_unit, "disp_unit");
    RT_WIN_CHECK_ARG("MPI_Win_shared_query", w->comm, baseptr, "baseptr");
    if (w->flavor != MPI_WIN_FLAVOR_SHARED)
        return rt_err(w->comm, "MPI_Win_shared_query", MPI_ERR_RMA_FLAVOR,
                      "not a window made by MPI_Win_allocate_shared");
    if (rank != MPI_PROC_NULL && (rank < 0 || rank >= w->comm->size))
        return rt_err(w->comm, "MPI_Win_shared_query", MPI_ERR_RANK, "invalid rank %d", rank);
    if (rank == MPI_PROC_NULL) {
        /* The first rank with a non-empty part. */
        rank = 0;
        while (rank < w->comm->size - 1 && w->peers[rank].size == 0)
            rank++;
    }
    *size = w->peers[rank].size;
    *disp_unit = w->peers[rank].disp_unit;
    *(void **)baseptr = w->peers[rank].direct;
    return MPI_SUCCESS;
}

int MPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win *win)
{
    rt_comm_t *c;
    CHECK_CREATE("MPI_Win_create_dynamic", comm, c, 0, 1, info, win);
    rt_win_t *w;
    int err = rt_win_new(c, MPI_WIN_FLAVOR_DYNAMIC, NULL, 0, 1, &w);
    if (err == MPI_SUCCESS) {
        err = rt_win_cma_expose(w);
        if (err != MPI_SUCCESS)
            rt_win_destroy(w);
    }
    if (err != MPI_SUCCESS)
        return rt_err(c, "MPI_Win_create_dynamic", err, "cannot create the window");
    *win = w->handle;
    return MPI_SUCCESS;
}

int MPI_Win_attach(MPI_Win win, void *base, MPI_Aint size)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_attach");
    RT_CHECK_WIN("MPI_Win_attach", win, w);
    if (w->flavor != MPI_WIN_FLAVOR_DYNAMIC)
        return rt_err(w->comm, "MPI_Win_attach", MPI_ERR_RMA_FLAVOR,
                      "not a window made by MPI_Win_create_dynamic");
    if (size < 0)
        return rt_err(w->comm, "MPI_Win_attach", MPI_ERR_SIZE, "invalid size %lld",
                      (long long)size);
    if (base == NULL && size > 0)
        return rt_err(w->comm, "MPI_Win_attach", MPI_ERR_BASE, "base is NULL");
    rt_win_region_t *r = malloc(sizeof(*r));
    if (r == NULL)
        return rt_err(w->comm, "MPI_Win_attach", MPI_ERR_NO_MEM, "out of memory");
    r->base = (uintptr_t)base;
    r->size = (size_t)size;
    rt_win_dyn_attach(w, r);
    r->next = w->regions;
    w->regions = r;
    return MPI_SUCCESS;
}

int MPI_Win_detach(MPI_Win win, const void *base)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_detach");
    RT_CHECK_WIN("MPI_Win_detach", win, w);
    if (w->flavor != MPI_WIN_FLAVOR_DYNAMIC)
        return rt_err(w->comm, "MPI_Win_detach", MPI_ERR_RMA_FLAVOR,
                      "not a window made by MPI_Win_create_dynamic");
    for (rt_win_region_t **p = &w->regions; *p != NULL; p = &(*p)->next) {
        if ((*p)->base == (uintptr_t)base) {
            rt_win_region_t *r = *p;
            *p = r->next;
            rt_win_dyn_detach(r);
            free(r);
            return MPI_SUCCESS;
        }
    }
    return rt_err(w->comm, "MPI_Win_detach", MPI_ERR_RMA_ATTACH,
                  "no memory attached at %p", base);
}

int MPI_Win_free(MPI_Win *win)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_free");
    RT_WIN_CHECK_ARG("MPI_Win_free", NULL, win, "win");
    RT_CHECK_WIN("MPI_Win_free", *win, w);
    int err = rt_win_destroy(w);
    *win = MPI_WIN_NULL;
    if (err != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Win_free", err, "the closing barrier failed");
    return MPI_SUCCESS;
}

int MPI_Win_get_group(MPI_Win win, MPI_Group *group)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_get_group");
    RT_CHECK_WIN("MPI_Win_get_group", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_get_group", w->comm, group, "group");
    rt_group_t *g = rt_group_new(w->comm->size, w->comm->world_rank_of);
    if (g == NULL)
        return rt_err(w->comm, "MPI_Win_get_group", MPI_ERR_NO_MEM, "out of memory");
    *group = g->handle;
    return MPI_SUCCESS;
}

int MPI_Win_get_attr(MPI_Win win, int win_keyval, void *attribute_val, int *flag)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_get_attr");
    RT_CHECK_WIN("MPI_Win_get_attr", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_get_attr", w->comm, attribute_val, "attribute_val");
    RT_WIN_CHECK_ARG("MPI_Win_get_attr", w->comm, flag, "flag");
    /* The values live in the window, so the pointers handed out stay valid
     * as long as it does; the base is returned itself, the others through
     * a pointer, as the standard says. */
    static int model = MPI_WIN_UNIFIED;
    *flag = 1;
    switch (win_keyval) {
    case MPI_WIN_BASE:
        *(void **)attribute_val = w->base;
        break;
    case MPI_WIN_SIZE:
        *(MPI_Aint **)attribute_val = &w->size;
        break;
    case MPI_WIN_DISP_UNIT:
        *(int **)attribute_val = &w->disp_unit;
        break;
    case MPI_WIN_CREATE_FLAVOR:
        *(int **)attribute_val = &w->flavor;
        break;
    case MPI_WIN_MODEL:
        *(int **)attribute_val = &model;
        break;
    default:
        *flag = 0;
        return rt_err(w->comm, "MPI_Win_get_attr", MPI_ERR_KEYVAL,
                      "invalid keyval %d (only the predefined window attributes exist)",
                      win_keyval);
    }
    return MPI_SUCCESS;
}

int MPI_Win_set_errhandler(MPI_Win win, MPI_Errhandler errhandler)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_set_errhandler");
    RT_CHECK_WIN("MPI_Win_set_errhandler", win, w);
    if (!rt_errhandler_fits_win(errhandler))
        return rt_err(w->comm, "MPI_Win_set_errhandler", MPI_ERR_ARG,
                      "invalid error handler (windows take the predefined ones and those "
                      "made by MPI_Win_create_errhandler)");
    /* MPI_ERRORS_ABORT (MPI-4) ends the job like ERRORS_ARE_FATAL here. */
    rt_errhandler_retain(errhandler);
    rt_errhandler_release(w->comm->errhandler);
    w->comm->errhandler = errhandler == MPI_ERRORS_ABORT ? MPI_ERRORS_ARE_FATAL : errhandler;
    return MPI_SUCCESS;
}

int MPI_Win_get_errhandler(MPI_Win win, MPI_Errhandler *errhandler)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_get_errhandler");
    RT_CHECK_WIN("MPI_Win_get_errhandler", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_get_errhandler", w->comm, errhandler, "errhandler");
    /* The caller gets a reference of its own, to free with MPI_Errhandler_free. */
    rt_errhandler_retain(w->comm->errhandler);
    *errhandler = w->comm->errhandler;
    return MPI_SUCCESS;
}

int MPI_Win_call_errhandler(MPI_Win win, int errorcode)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_call_errhandler");
    RT_CHECK_WIN("MPI_Win_call_errhandler", win, w);
    rt_err(w->comm, "MPI_Win_call_errhandler", errorcode, "error code %d raised by the program",
           errorcode);
    return MPI_SUCCESS;
}

int MPI_Win_create_errhandler(MPI_Win_errhandler_function *win_errhandler_fn,
                              MPI_Errhandler *errhandler)
{
    RT_CHECK_INIT("MPI_Win_create_errhandler");
    if (win_errhandler_fn == NULL || errhandler == NULL)
        return rt_err(NULL, "MPI_Win_create_errhandler", MPI_ERR_ARG,
                      "win_errhandler_fn or errhandler is NULL");
    int err = rt_errhandler_create_win(win_errhandler_fn, errhandler);
    if (err != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Win_create_errhandler", err, "out of memory");
    return MPI_SUCCESS;
}

int MPI_Win_set_name(MPI_Win win, const char *win_name)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_set_name");
    RT_CHECK_WIN("MPI_Win_set_name", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_set_name", w->comm, win_name, "win_name");
    snprintf(w->name, sizeof(w->name), "%s", win_name);
    return MPI_SUCCESS;
}

int MPI_Win_get_name(MPI_Win win, char *win_name, int *resultlen)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_get_name");
    RT_CHECK_WIN("MPI_Win_get_name", win, w);
    RT_WIN_CHECK_ARG("MPI_Win_get_name", w->comm, win_name, "win_name");
    RT_WIN_CHECK_ARG("MPI_Win_get_name", w->comm, resultlen, "resultlen");
    size_t len = strlen(w->name);
    memcpy(win_name, w->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Win_allocate = PMPI_Win_allocate
#pragma weak MPI_Win_allocate_shared = PMPI_Win_allocate_shared
#pragma weak MPI_Win_attach = PMPI_Win_attach
#pragma weak MPI_Win_call_errhandler = PMPI_Win_call_errhandler
#pragma weak MPI_Win_create = PMPI_Win_create
#pragma weak MPI_Win_create_errhandler = PMPI_Win_create_errhandler
#pragma weak MPI_Win_create_dynamic = PMPI_Win_create_dynamic
#pragma weak MPI_Win_detach = PMPI_Win_detach
#pragma weak MPI_Win_free = PMPI_Win_free
#pragma weak MPI_Win_get_attr = PMPI_Win_get_attr
#pragma weak MPI_Win_get_errhandler = PMPI_Win_get_errhandler
#pragma weak MPI_Win_get_group = PMPI_Win_get_group
#pragma weak MPI_Win_get_name = PMPI_Win_get_name
#pragma weak MPI_Win_set_errhandler = PMPI_Win_set_errhandler
#pragma weak MPI_Win_set_name = PMPI_Win_set_name
#pragma weak MPI_Win_shared_query = PMPI_Win_shared_query

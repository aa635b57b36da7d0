/*
 * rt_win.c -- window objects: the handle table, creation (every flavor
 * shares rt_win_new) and destruction, and lookup by the id packets carry.
 */
#include "rt_win.h"

#include <stdlib.h>
#include <string.h>

#include "rt_coll.h"
#include "rt_comm_new.h"
#include "rt_errhandler.h"
#include "rt_handles.h"
#include "rt_progress.h"

static rt_htable_t win_table = RT_HTABLE_INIT(MINIMPI_KIND_WIN, 1);

rt_win_t *rt_win_get(MPI_Win handle)
{
    return rt_htable_get(&win_table, handle);
}

/* Few windows live at once, so a walk of the table is cheap enough for
 * the packets that need it (one per operation packet). */
rt_win_t *rt_win_find(int id)
{
    for (size_t i = 0; i < win_table.cap; i++) {
        rt_win_t *w = rt_htable_at(&win_table, i);
        if (w != NULL && w->id == id)
            return w;
    }
    return NULL;
}

int rt_win_rank_of_world(const rt_win_t *w, int world)
{
    for (int r = 0; r < w->comm->size; r++)
        if (w->comm->world_rank_of[r] == world)
            return r;
    return -1;
}

void rt_win_wait_for(const volatile int *flag)
{
    unsigned idle = 0;
    while (!*flag) {
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
}

/* What every rank tells the others about its part of the window. */
typedef struct win_info {
    int64_t size;
    int32_t disp_unit;
    int32_t reserved;
} win_info_t;

int rt_win_new(rt_comm_t *comm, int flavor, void *base, MPI_Aint size, int disp_unit,
               rt_win_t **out)
{
    int ctx;
    int err = rt_comm_agree_context(comm, &ctx);
    if (err != MPI_SUCCESS)
        return err;
    rt_win_t *w = calloc(1, sizeof(*w));
    rt_comm_t *c = rt_comm_new(comm, ctx, comm->rank, comm->size, comm->world_rank_of, 0, NULL);
    if (w == NULL || c == NULL) {
        free(w);
        if (c != NULL)
            rt_comm_destroy(c);
        else
            rt_ctx_give_back(ctx);
        return MPI_ERR_NO_MEM;
    }
    /* A window starts with MPI_ERRORS_ARE_FATAL whatever its communicator has. */
    rt_errhandler_release(c->errhandler);
    c->errhandler = MPI_ERRORS_ARE_FATAL;
    w->comm = c;
    w->id = ctx;
    w->flavor = flavor;
    w->base = base;
    w->size = size;
    w->disp_unit = disp_unit;
    w->peers = calloc((size_t)comm->size, sizeof(*w->peers));
    int h = w->peers != NULL ? rt_htable_add(&win_table, w) : -1;
    if (h < 0) {
        free(w->peers);
        rt_comm_destroy(c);
        free(w);
        return MPI_ERR_NO_MEM;
    }
    w->handle = h;
    c->win = h;
    /* Registered before the exchange: once any rank is past it, every rank
     * knows the window, so the first operation always finds it. */
    win_info_t mine = {size, disp_unit, 0};
    win_info_t *all = malloc((size_t)comm->size * sizeof(*all));
    err = all != NULL ? rt_comm_allgather_bytes(c, &mine, sizeof(mine), all) : MPI_ERR_NO_MEM;
    if (err == MPI_SUCCESS) {
        for (int r = 0; r < comm->size; r++) {
            w->peers[r].size = (MPI_Aint)all[r].size;
            w->peers[r].disp_unit = all[r].disp_unit;
        }
    }
    free(all);
    if (err != MPI_SUCCESS) {
        rt_htable_remove(&win_table, w->handle);
        free(w->peers);
        rt_comm_destroy(c);
        free(w);
        return err;
    }
    *out = w;
    return MPI_SUCCESS;
}

static void win_release(rt_win_t *w)
{
    rt_htable_remove(&win_table, w->handle);
    while (w->waiters != NULL) {
        rt_win_waiter_t *n = w->waiters->next;
        free(w->waiters);
        w->waiters = n;
    }
    while (w->regions != NULL) {
        rt_win_region_t *n = w->regions->next;
        rt_win_dyn_detach(w->regions);
        free(w->regions);
        w->regions = n;
    }
    if (w->start_group != NULL)
        rt_group_free(w->start_group);
    if (w->post_group != NULL)
        rt_group_free(w->post_group);
    rt_win_dyn_forget(w, -1);
    rt_win_shm_free(w);
    rt_win_cma_release(w);
    free(w->owned);
    free(w->peers);
    rt_comm_free(w->comm);
    free(w);
}

int rt_win_destroy(rt_win_t *w)
{
    /* My operations are answered, then nobody's are outstanding toward me
     * once everyone passed the barrier, which keeps progressing meanwhile. */
    rt_rma_flush(w, -1);
    int err = rt_coll_barrier(w->comm);
    rt_verbose("rma", "window %d freed: %lu Put/Get by single copy, %lu by messages, "
               "%lu direct, %lu by libfabric RMA, %lu accumulates by libfabric atomics", w->id,
               w->ops_cma, w->ops_am, w->ops_direct, w->ops_rdma, w->ops_atomic);
    win_release(w);
    return err;
}

void rt_win_finalize(void)
{
    for (size_t i = 0; i < win_table.cap; i++) {
        rt_win_t *w = rt_htable_at(&win_table, i);
        if (w != NULL)
            win_release(w);
    }
    rt_htable_clear(&win_table);
}

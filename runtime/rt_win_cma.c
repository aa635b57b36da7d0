/*
 * rt_win_cma.c -- Put and Get toward a window of another process of this
 * node whose memory is not mapped here (MPI_Win_create, MPI_Win_allocate
 * from the heap, dynamic windows): one copy by the kernel, straight
 * between the origin's buffer and the target's window (the shm
 * transport's CMA, tp_ops_t.putv and getv), without the target's progress
 * engine.
 *
 * At creation every rank exposes its window memory through the transport
 * of its same-node peers, if that transport writes and reads single copy,
 * and tells everyone the descriptor; a dynamic window exposes the whole
 * address space, since the origin addresses attached memory by its address
 * (the target's attach list is not known to origins: an address outside
 * it is only caught when it is not mapped, then the copy fails and the
 * operation goes as messages, whose target reports MPI_ERR_RMA_RANGE).
 *
 * Between nodes the same goes through the network when the transport
 * toward the target writes and reads one-sided (tp_ops_t.putv_async and
 * getv_async: libfabric's fi_write and fi_read into window memory it
 * registered at creation).  Dynamic windows cannot register the whole
 * address space: their attached regions are registered one by one
 * (rt_win_dyn.c).  Below MINIMPI_RMA_CMA_MIN bytes a single copy costs more
 * than a message, so those go as messages.
 *
 * Completion and ordering: a copy is complete, at the origin and in the
 * target's memory, when the system call returns, so flushes, unlocks,
 * fences and Win_complete need nothing more for it; a network write or
 * read counts in peers[].pending until its completion (a write's meaning
 * its bytes reached the target's memory), which is what those calls wait
 * for, as they do for the operations that went as messages (accumulates),
 * so a Put after a flush never overtakes an accumulate before it.  Accumulates, and the
 * fetches of the accumulate family (atomic per element), never take a plain
 * copy, which could tear an element another origin's accumulate is
 * updating: they travel as messages, or by the network's atomics
 * (rt_win_atomic.c).
 */
#include "rt_win.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rt_comm_new.h"
#include "rt_progress.h"

/* Most transports one rank exposes its window through: the one of its
 * node's peers and the one toward other nodes. */
#define CMA_MAX_TP 2

/* What every rank tells the others about its exposed memory. */
typedef struct cma_info {
    int32_t count;                 /* valid entries of x */
    int32_t reserved;
    struct {
        char tp_name[12];          /* the transport that made desc */
        int32_t reserved;
        tp_mem_desc_t desc;
    } x[CMA_MAX_TP];
} cma_info_t;

/* The transport writes into a peer's exposed memory later, through the
 * network (putv_async), rather than at once (putv). */
static int is_async(const tp_t *tp)
{
    return tp->ops->putv == NULL;
}

/* The transport can write and read exposed memory one-sided. */
static int one_sided(const tp_t *tp)
{
    const tp_ops_t *o = tp->ops;
    return tp->can_get && o->mem_expose != NULL &&
           ((o->putv != NULL && o->getv != NULL) ||
            (o->putv_async != NULL && o->getv_async != NULL));
}

int rt_win_cma_expose(rt_win_t *w)
{
    cma_info_t mine;
    memset(&mine, 0, sizeof(mine));
    int dynamic = w->flavor == MPI_WIN_FLAVOR_DYNAMIC;
    const void *base = dynamic ? NULL : w->base;
    size_t len = dynamic ? SIZE_MAX : (size_t)w->size;
    /* Expose through each transport toward a peer that can use it. */
    for (int r = 0; r < w->comm->size && (dynamic || len > 0); r++) {
        if (r == w->comm->rank)
            continue;
        tp_t *tp = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        int k = 0;
        while (k < mine.count && w->exposed_tp[k] != tp)
            k++;
        if (k < mine.count || mine.count == CMA_MAX_TP || !one_sided(tp))
            continue;
        /* A network transport cannot register the whole address space:
         * it says so (TP_ENOTSUP), and that is no error. */
        if (tp->ops->mem_expose(tp, base, len, &mine.x[k].desc) != TP_OK)
            continue;
        snprintf(mine.x[k].tp_name, sizeof(mine.x[k].tp_name), "%s", tp->name);
        w->exposed_tp[k] = tp;
        w->exposed[k] = mine.x[k].desc;
        mine.count++;
    }
    cma_info_t *all = malloc((size_t)w->comm->size * sizeof(*all));
    int err = all != NULL ? rt_comm_allgather_bytes(w->comm, &mine, sizeof(mine), all)
                          : MPI_ERR_NO_MEM;
    int n = 0, nrdma = 0;
    for (int r = 0; err == MPI_SUCCESS && r < w->comm->size; r++) {
        rt_win_peer_t *p = &w->peers[r];
        if (r == w->comm->rank || p->direct != NULL)
            continue;
        /* A descriptor means something only to the same transport here. */
        tp_t *tp = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        if (!one_sided(tp))
            continue;
        for (int k = 0; k < all[r].count && k < CMA_MAX_TP; k++) {
            if (strncmp(tp->name, all[r].x[k].tp_name, sizeof(all[r].x[k].tp_name)) != 0)
                continue;
            p->cma = 1;
            p->rdma = is_async(tp);
            p->desc = all[r].x[k].desc;
            if (p->rdma)
                nrdma++;
            else
                n++;
            break;
        }
    }
    free(all);
    if (err == MPI_SUCCESS)
        rt_verbose("rma", "window %d: Put/Get by single copy to %d of %d ranks%s, by libfabric "
                   "RMA to %d", w->id, n, w->comm->size,
                   mine.count == 0 ? " (no single copy here)" : "", nrdma);
    /* Collective too: every rank that exposed decides the accumulates' path. */
    if (err == MPI_SUCCESS)
        err = rt_win_atomic_decide(w);
    return err;
}

void rt_win_cma_release(rt_win_t *w)
{
    for (int k = 0; k < CMA_MAX_TP; k++) {
        tp_t *tp = w->exposed_tp[k];
        if (tp != NULL && tp->ops->mem_release != NULL)
            tp->ops->mem_release(tp, &w->exposed[k]);
        w->exposed_tp[k] = NULL;
    }
}

/* A network write or read in flight: its completion answers for it. */
typedef struct rma_comp {
    tp_comp_t comp;                /* first: the transport hands it back */
    rt_win_t *w;
    int target;
    rt_request_t *req;
} rma_comp_t;

static void rma_comp_done(tp_comp_t *c, tp_status_t status)
{
    rma_comp_t *rc = (rma_comp_t *)(void *)c;
    if (status != TP_OK)
        rt_fatal("a one-sided Put or Get with window rank %d failed (transport status %d)",
                 rc->target, (int)status);
    rc->w->peers[rc->target].pending--;
    rt_request_complete(rc->req);
    free(rc);
}

/* MINIMPI_RMA_CMA_MIN, read once: below it a message beats a system call. */
static size_t cma_min(void)
{
    static long long min = -1;
    if (min < 0) {
        min = cfg_get_num("MINIMPI_RMA_CMA_MIN");
        if (min < 0)
            min = 0;
    }
    return (size_t)min;
}

int rt_rma_cma(rt_win_t *w, const rt_rma_args_t *a, int64_t disp, size_t bytes,
               rt_request_t *req)
{
    rt_win_peer_t *p = &w->peers[a->target];
    int put = a->kind == RT_RMA_PUT;
    int dyn_net = w->flavor == MPI_WIN_FLAVOR_DYNAMIC && !p->cma;
    if ((!p->cma && !dyn_net) || a->atomic || (!put && a->kind != RT_RMA_GET))
        return 0;
    int world = w->comm->world_rank_of[a->target];
    tp_t *tp = rt_progress_peer(world)->tp;
    /* The transport may have turned single copy off since (denied later). */
    if (!tp->can_get)
        return 0;
    const rt_datatype_t *t = a->target_dt;
    const tp_mem_desc_t *desc = &p->desc;
    int async = p->rdma;
    /* A small Put or Get by single copy costs a system call (and the
     * kernel's page walk), more than a message the target's progress
     * engine applies: those go as messages (bench/rma, flavor create). */
    if (!async && !dyn_net && bytes < cma_min())
        return 0;
    if (dyn_net) {
        /* A dynamic window through the network: into the region the target
         * registered at Win_attach (rt_win_dyn.c), offsets from its start. */
        if (tp->ops->putv_async == NULL)
            return 0;
        int64_t lo = disp + t->true_lb;
        int64_t hi = disp + (int64_t)(a->target_count - 1) * t->extent + t->true_lb +
                     t->true_extent;
        const rt_win_region_t *r = rt_win_dyn_region(w, a->target, (uintptr_t)lo, (uintptr_t)hi);
        if (r == NULL)
            return 0;
        desc = &r->desc;
        async = 1;
        disp -= (int64_t)r->base;
    }
    /* The window's runs, as offsets in what the target exposed (its window
     * base or attached region; dynamic on one node: address 0), and this
     * buffer's runs, as addresses. */
    const rt_datatype_t *l = put ? a->origin_dt : a->result_dt;
    size_t lcount = put ? a->origin_count : a->result_count;
    const void *laddr = put ? a->origin : a->result;
    tp_iov_t rone, lone, *riov, *liov;
    long nr = rt_rma_pieces(t->blocks, t->num_blocks, a->target_count, t->extent, disp, bytes,
                            &rone, &riov);
    long nl = rt_rma_pieces(l->blocks, l->num_blocks, lcount, l->extent,
                            (int64_t)(intptr_t)laddr, bytes, &lone, &liov);
    if (nr < 0 || nl < 0)
        rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
    tp_status_t st;
    rma_comp_t *rc = NULL;
    if (async) {
        rc = malloc(sizeof(*rc));
        if (rc == NULL)
            rt_fatal("out of memory in a one-sided operation of %zu bytes", bytes);
        *rc = (rma_comp_t){.comp = {.done = rma_comp_done}, .w = w, .target = a->target,
                           .req = req};
        st = put ? tp->ops->putv_async(tp, world, desc, riov, (size_t)nr, liov, (size_t)nl,
                                       &rc->comp)
                 : tp->ops->getv_async(tp, world, desc, riov, (size_t)nr, liov, (size_t)nl,
                                       &rc->comp);
    } else {
        st = put ? tp->ops->putv(tp, world, &p->desc, riov, (size_t)nr, liov, (size_t)nl)
                 : tp->ops->getv(tp, world, &p->desc, riov, (size_t)nr, liov, (size_t)nl, NULL);
    }
    if (riov != &rone)
        free(riov);
    if (liov != &lone)
        free(liov);
    if (st == TP_INPROGRESS) {
        p->pending++;
        return 1;
    }
    free(rc);
    if (st == TP_OK) {
        rt_request_complete(req);
        return 1;
    }
    /* The kernel refused (a security module denied it after the probe at
     * start-up): this target gets messages from now on.  Other failures (a
     * dynamic window's address not mapped there; through the network, a
     * layout of too many pieces) are this operation's. */
    if (st == TP_ENOTSUP && !async)
        p->cma = 0;
    return 0;
}

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
 * Completion and ordering: a copy is complete, at the origin and in the
 * target's memory, when the system call returns, so flushes, unlocks,
 * fences and Win_complete need nothing more for it; they still wait for
 * the operations that went as messages (accumulates), so a Put after a
 * flush never overtakes an accumulate before it.  Accumulates, and the
 * fetches of the accumulate family (atomic per element), always travel as
 * messages: a plain copy could tear an element another origin's accumulate
 * is updating.
 */
#include "rt_win.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_comm_new.h"
#include "rt_progress.h"

/* What every rank tells the others about its exposed memory. */
typedef struct cma_info {
    int32_t exposed;               /* 1: desc is valid */
    char tp_name[12];              /* the transport that made desc */
    tp_mem_desc_t desc;
} cma_info_t;

/* The transport of this process's same-node peers in the window, if it
 * copies single copy both ways (getv and putv); else NULL. */
static tp_t *cma_transport(const rt_win_t *w)
{
    for (int r = 0; r < w->comm->size; r++) {
        if (r == w->comm->rank)
            continue;
        tp_t *tp = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        if (tp->can_get && tp->ops->putv != NULL && tp->ops->getv != NULL &&
            tp->ops->mem_expose != NULL)
            return tp;
    }
    return NULL;
}

int rt_win_cma_expose(rt_win_t *w)
{
    cma_info_t mine;
    memset(&mine, 0, sizeof(mine));
    tp_t *tp = cma_transport(w);
    if (tp != NULL) {
        int dynamic = w->flavor == MPI_WIN_FLAVOR_DYNAMIC;
        const void *base = dynamic ? NULL : w->base;
        size_t len = dynamic ? SIZE_MAX : (size_t)w->size;
        if (tp->ops->mem_expose(tp, base, len, &mine.desc) == TP_OK) {
            mine.exposed = 1;
            snprintf(mine.tp_name, sizeof(mine.tp_name), "%s", tp->name);
            w->exposed_tp = tp;
            w->exposed = mine.desc;
        }
    }
    cma_info_t *all = malloc((size_t)w->comm->size * sizeof(*all));
    int err = all != NULL ? rt_comm_allgather_bytes(w->comm, &mine, sizeof(mine), all)
                          : MPI_ERR_NO_MEM;
    int n = 0;
    for (int r = 0; err == MPI_SUCCESS && r < w->comm->size; r++) {
        rt_win_peer_t *p = &w->peers[r];
        if (r == w->comm->rank || !all[r].exposed || p->direct != NULL)
            continue;
        /* The descriptor means something only to the same transport here. */
        tp_t *mine_tp = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        if (mine_tp->ops->putv == NULL || !mine_tp->can_get ||
            strncmp(mine_tp->name, all[r].tp_name, sizeof(all[r].tp_name)) != 0)
            continue;
        p->cma = 1;
        p->desc = all[r].desc;
        n++;
    }
    free(all);
    if (err == MPI_SUCCESS)
        rt_verbose("rma", "window %d: Put/Get by single copy to %d of %d ranks%s", w->id, n,
                   w->comm->size, tp == NULL ? " (no single copy here)" : "");
    return err;
}

void rt_win_cma_release(rt_win_t *w)
{
    if (w->exposed_tp != NULL && w->exposed_tp->ops->mem_release != NULL)
        w->exposed_tp->ops->mem_release(w->exposed_tp, &w->exposed);
    w->exposed_tp = NULL;
}

int rt_rma_cma(rt_win_t *w, const rt_rma_args_t *a, int64_t disp, size_t bytes)
{
    rt_win_peer_t *p = &w->peers[a->target];
    int put = a->kind == RT_RMA_PUT;
    if (!p->cma || a->atomic || (!put && a->kind != RT_RMA_GET))
        return 0;
    int world = w->comm->world_rank_of[a->target];
    tp_t *tp = rt_progress_peer(world)->tp;
    /* The transport may have turned single copy off since (denied later). */
    if (!tp->can_get)
        return 0;
    /* The window's runs, as offsets in what the target exposed (its window
     * base; dynamic: address 0), and this buffer's runs, as addresses. */
    const rt_datatype_t *t = a->target_dt;
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
    tp_status_t st = put ? tp->ops->putv(tp, world, &p->desc, riov, (size_t)nr, liov, (size_t)nl)
                         : tp->ops->getv(tp, world, &p->desc, riov, (size_t)nr, liov, (size_t)nl,
                                         NULL);
    if (riov != &rone)
        free(riov);
    if (liov != &lone)
        free(liov);
    if (st == TP_OK)
        return 1;
    /* The kernel refused (a security module denied it after the probe at
     * start-up): this target gets messages from now on.  Other failures (a
     * dynamic window's address not mapped there) are this operation's. */
    if (st == TP_ENOTSUP)
        p->cma = 0;
    return 0;
}

/*
 * rt_win_dyn.c -- Put and Get toward a dynamic window on another node (or
 * any rank, with MINIMPI_TRANSPORTS=ofi) by the network's one-sided writes
 * and reads (tp_ops_t.putv_async/getv_async: libfabric's fi_write and
 * fi_read), without the target's progress engine moving the data.
 *
 * A network transport cannot register the whole address space, as single
 * copy on one node exposes it (rt_win_cma.c), so MPI_Win_attach registers
 * each attached region with the transport toward other ranks and
 * MPI_Win_detach releases it; a region the transport refuses stays
 * reachable by messages only.  Origins do not know what a target
 * attached: the first Put or Get into a region asks the target
 * (RT_RMA_REGION_QUERY, answered by RT_RMA_REGION_ANSWER with the region's
 * bounds and descriptor, or "not registered"), and the origin keeps the
 * answer in peers[].dyn until its next flush, unlock, fence or Win_complete
 * toward that target (every one goes through rt_rma_flush).  MPI lets a
 * target detach memory only once the origins' accesses to it completed,
 * which takes one of those calls at the origin, so a kept answer is never
 * used after the region it describes was detached (then a new region at
 * the same address would have another key).  Accumulates on dynamic
 * windows stay messages (rt_win_atomic.c).
 */
#include "rt_win.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_progress.h"

/* What the answer to a query carries. */
typedef struct dyn_answer {
    uint64_t base;
    uint64_t size;
    int32_t found;                 /* registered: desc is valid */
    int32_t reserved;
    tp_mem_desc_t desc;
} dyn_answer_t;

/* The transport this process writes and reads other ranks' memory with
 * one-sided through the network, or NULL. */
static tp_t *network_tp(const rt_win_t *w)
{
    for (int r = 0; r < w->comm->size; r++) {
        if (r == w->comm->rank)
            continue;
        tp_t *tp = rt_progress_peer(w->comm->world_rank_of[r])->tp;
        const tp_ops_t *o = tp->ops;
        if (tp->can_get && o->mem_expose != NULL && o->putv_async != NULL &&
            o->getv_async != NULL)
            return tp;
    }
    return NULL;
}

void rt_win_dyn_attach(rt_win_t *w, rt_win_region_t *r)
{
    r->tp = r->size > 0 ? network_tp(w) : NULL;
    if (r->tp != NULL &&
        r->tp->ops->mem_expose(r->tp, (const void *)r->base, r->size, &r->desc) != TP_OK)
        r->tp = NULL;
}

void rt_win_dyn_detach(rt_win_region_t *r)
{
    if (r->tp != NULL && r->tp->ops->mem_release != NULL)
        r->tp->ops->mem_release(r->tp, &r->desc);
    r->tp = NULL;
}

void rt_win_dyn_forget(rt_win_t *w, int target)
{
    for (int t = target < 0 ? 0 : target; t < (target < 0 ? w->comm->size : target + 1); t++) {
        rt_win_peer_t *p = &w->peers[t];
        while (p->dyn != NULL) {
            rt_win_region_t *n = p->dyn->next;
            free(p->dyn);
            p->dyn = n;
        }
    }
}

/* ---- Target: answering a query ------------------------------------------ */

void rt_win_dyn_query(rt_win_t *w, int src_world, const rt_pkt_hdr_t *h)
{
    dyn_answer_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        rt_fatal("out of memory answering a one-sided operation");
    uintptr_t lo = (uintptr_t)h->offset;
    for (rt_win_region_t *r = w->regions; r != NULL; r = r->next) {
        if (lo >= r->base && lo - r->base < r->size) {
            a->base = r->base;
            a->size = r->size;
            a->found = r->tp != NULL;
            if (a->found)
                a->desc = r->desc;
            break;
        }
    }
    rt_pkt_hdr_t ans;
    rt_rma_header(&ans, w, RT_RMA_REGION_ANSWER);
    ans.offset = h->offset;
    ans.length = sizeof(*a);
    rt_request_t *owner = rt_request_alloc(RT_REQ_RMA);
    owner->tmp = a;
    rt_request_detach(owner);
    rt_progress_send(src_world, &ans, a, sizeof(*a), owner);
}

/* ---- Origin ------------------------------------------------------------- */

void rt_win_dyn_answer(rt_win_t *w, int src_rank, const void *payload, size_t len)
{
    rt_win_peer_t *p = &w->peers[src_rank];
    dyn_answer_t a;
    if (len != sizeof(a) || p->dyn_answered)
        rt_fatal("protocol error: an unexpected region answer from window rank %d", src_rank);
    memcpy(&a, payload, sizeof(a));
    /* Kept only when registered: an unregistered or unknown address asks
     * again next time (it may be attached by then). */
    if (a.found) {
        rt_win_region_t *r = calloc(1, sizeof(*r));
        if (r == NULL)
            rt_fatal("out of memory in a one-sided operation");
        r->base = (uintptr_t)a.base;
        r->size = (size_t)a.size;
        r->desc = a.desc;
        r->tp = rt_progress_peer(w->comm->world_rank_of[src_rank])->tp;
        r->next = p->dyn;
        p->dyn = r;
    }
    p->dyn_answered = 1;
}

const rt_win_region_t *rt_win_dyn_region(rt_win_t *w, int target, uintptr_t lo, uintptr_t hi)
{
    rt_win_peer_t *p = &w->peers[target];
    for (int asked = 0;; asked = 1) {
        for (rt_win_region_t *r = p->dyn; r != NULL; r = r->next)
            if (lo >= r->base && hi <= r->base + r->size && lo < hi)
                return r;
        if (asked)
            return NULL;
        p->dyn_answered = 0;
        rt_pkt_hdr_t h;
        rt_rma_header(&h, w, RT_RMA_REGION_QUERY);
        h.offset = lo;
        rt_progress_send(w->comm->world_rank_of[target], &h, NULL, 0, NULL);
        rt_win_wait_for(&p->dyn_answered);
    }
}

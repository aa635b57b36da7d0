/*
 * rt_win_sync.c -- synchronization epochs.
 *
 * Passive target: the target keeps its lock's state (exclusive holder,
 * number of shared holders, a FIFO of requests it could not grant) and
 * answers LOCK with LOCK_GRANT once it can; Win_lock waits for the grant,
 * Win_unlock flushes (every operation answered, hence applied) and sends
 * UNLOCK, which the target answers too (the next flush waits for that).  Active target: Win_post sends POST to every origin of its group,
 * Win_start waits for the POSTs of its group, Win_complete flushes and sends
 * COMPLETE, Win_wait waits for the COMPLETEs of its group.  Win_fence is a
 * flush and a barrier.
 */
#include "rt_win.h"

#include <stdlib.h>

#include "rt_coll.h"
#include "rt_progress.h"
#include "rt_win_sync.h"

/* ---- Target side ----------------------------------------------------------- */

static int grantable(const rt_win_t *w, int type)
{
    if (w->lock_exclusive != 0)
        return 0;
    return type == MPI_LOCK_SHARED || w->lock_shared == 0;
}

static void grant(rt_win_t *w, int rank, int type)
{
    if (type == MPI_LOCK_EXCLUSIVE)
        w->lock_exclusive = rank + 1;
    else
        w->lock_shared++;
    rt_rma_send_ctrl(w, rank, RT_RMA_LOCK_GRANT, 0);
}

/* Grant waiting requests in arrival order while the head is grantable. */
static void grant_waiters(rt_win_t *w)
{
    while (w->waiters != NULL && grantable(w, w->waiters->type)) {
        rt_win_waiter_t *q = w->waiters;
        w->waiters = q->next;
        if (w->waiters == NULL)
            w->waiters_tail = NULL;
        grant(w, q->rank, q->type);
        free(q);
    }
}

void rt_win_sync_packet(rt_win_t *w, int src, const rt_pkt_hdr_t *h)
{
    switch ((rt_rma_kind_t)h->tag) {
    case RT_RMA_LOCK: {
        int type = (int)h->rreq;
        if (w->waiters == NULL && grantable(w, type)) {
            grant(w, src, type);
            break;
        }
        rt_win_waiter_t *q = malloc(sizeof(*q));
        if (q == NULL)
            rt_fatal("out of memory queueing a window lock request");
        q->next = NULL;
        q->rank = src;
        q->type = type;
        if (w->waiters_tail != NULL)
            w->waiters_tail->next = q;
        else
            w->waiters = q;
        w->waiters_tail = q;
        break;
    }
    case RT_RMA_UNLOCK:
        if (w->lock_exclusive == src + 1)
            w->lock_exclusive = 0;
        else if (w->lock_shared > 0)
            w->lock_shared--;
        else
            rt_fatal("protocol error: rank %d unlocks a window it did not lock", src);
        /* Answered, so that the origin's Win_free (which flushes) cannot
         * free the window before this packet arrived here. */
        rt_rma_send_ctrl(w, src, RT_RMA_ACK, 0);
        grant_waiters(w);
        break;
    case RT_RMA_LOCK_GRANT:
        w->peers[src].lock_granted = 1;
        break;
    case RT_RMA_POST:
        w->peers[src].posts++;
        break;
    case RT_RMA_COMPLETE:
        w->completes++;
        break;
    default:
        rt_fatal("protocol error: unknown one-sided packet kind %d from window rank %d", h->tag,
                 src);
    }
}

/* ---- Origin side ------------------------------------------------------------ */

void rt_win_lock(rt_win_t *w, int type, int rank)
{
    w->peers[rank].lock_granted = 0;
    w->peers[rank].locked = 1;
    rt_rma_send_ctrl(w, rank, RT_RMA_LOCK, (uint32_t)type);
    rt_win_wait_for(&w->peers[rank].lock_granted);
}

void rt_win_lock_all(rt_win_t *w)
{
    for (int r = 0; r < w->comm->size; r++) {
        w->peers[r].lock_granted = 0;
        w->peers[r].locked = 1;
        rt_rma_send_ctrl(w, r, RT_RMA_LOCK, MPI_LOCK_SHARED);
    }
    for (int r = 0; r < w->comm->size; r++)
        rt_win_wait_for(&w->peers[r].lock_granted);
}

void rt_win_unlock(rt_win_t *w, int rank)
{
    rt_rma_flush(w, rank);
    w->peers[rank].locked = 0;
    w->peers[rank].lock_granted = 0;
    w->peers[rank].pending++;      /* answered by an ACK */
    rt_rma_send_ctrl(w, rank, RT_RMA_UNLOCK, 0);
}

int rt_win_fence(rt_win_t *w)
{
    rt_rma_flush(w, -1);
    return rt_coll_barrier(w->comm);
}

/* The window ranks of a group's members, or -1 for one not in the window. */
static int group_rank(const rt_win_t *w, const rt_group_t *g, int i)
{
    return rt_win_rank_of_world(w, g->world_ranks[i]);
}

int rt_win_post(rt_win_t *w, rt_group_t *g)
{
    for (int i = 0; i < g->size; i++)
        if (group_rank(w, g, i) < 0)
            return MPI_ERR_GROUP;
    w->post_group = g;
    for (int i = 0; i < g->size; i++)
        rt_rma_send_ctrl(w, group_rank(w, g, i), RT_RMA_POST, 0);
    return MPI_SUCCESS;
}

int rt_win_start(rt_win_t *w, rt_group_t *g)
{
    for (int i = 0; i < g->size; i++)
        if (group_rank(w, g, i) < 0)
            return MPI_ERR_GROUP;
    w->start_group = g;
    unsigned idle = 0;
    for (int i = 0; i < g->size; i++) {
        rt_win_peer_t *p = &w->peers[group_rank(w, g, i)];
        while (p->posts == 0) {
            if (rt_progress() == 0)
                rt_progress_idle(&idle);
            else
                idle = 0;
        }
        p->posts--;
    }
    return MPI_SUCCESS;
}

void rt_win_complete(rt_win_t *w)
{
    rt_group_t *g = w->start_group;
    for (int i = 0; i < g->size; i++)
        rt_rma_flush(w, group_rank(w, g, i));
    for (int i = 0; i < g->size; i++)
        rt_rma_send_ctrl(w, group_rank(w, g, i), RT_RMA_COMPLETE, 0);
    rt_group_free(g);
    w->start_group = NULL;
}

int rt_win_wait(rt_win_t *w, int block)
{
    rt_group_t *g = w->post_group;
    unsigned idle = 0;
    rt_progress();
    while (w->completes < g->size) {
        if (!block)
            return 0;
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    w->completes -= g->size;
    rt_group_free(g);
    w->post_group = NULL;
    return 1;
}

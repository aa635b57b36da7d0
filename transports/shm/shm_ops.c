/*
 * shm_ops.c -- the shared-memory transport's ops table and its fast path:
 * am_send copies a small message into our fast box towards the receiver,
 * anything else (or when the box is full) into the receiver's queue;
 * progress drains the boxes others send us through, then our queue.
 * No lock, no system call and no allocation on either path.
 *
 * Keeping the two paths in send order (MPI's non-overtaking rule).  A
 * sender numbers its box messages to a receiver (out_next) and counts its
 * queue messages to it (out_queued).  Every queue cell carries the box
 * number the sender had reached (fbox_before), every box slot the queue
 * count (queue_before).  The receiver keeps the same two counters per
 * sender (in_next, in_queued) and delivers
 *   - a box message only when in_queued == its queue_before: every queue
 *     message sent before it has been delivered;
 *   - a queue cell only after draining that sender's box up to its
 *     fbox_before.  Those box messages were published before the cell
 *     (the cell's release store orders them), so they are there.
 * A box message waiting for an earlier queue message never blocks the
 * queue: the queue is drained in order and brings in_queued up to it.
 */
#include "shm.h"

#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shm_cma.h"

static int shm_reachable(tp_t *tp, int peer)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    return peer >= 0 && peer < shm->world_size && shm->queue_of[peer] != NULL;
}

/*
 * Sleeping and waking (oversubscribed nodes only).  The receiver R and a
 * sender S follow Dekker's pattern on R's slot:
 *   R: bell = doorbell; asleep = 1; fence; if nothing arrived: futex_wait(doorbell, bell)
 *   S: publish the message; fence; if asleep: doorbell++, futex_wake(doorbell)
 * With both fences sequentially consistent, either S sees asleep (and
 * rings, which makes a futex_wait that has not started yet return at once,
 * since doorbell moved) or R sees the message before sleeping.  So no
 * wake-up is lost; the wait's timeout is only a safety net.
 */
static void ring(shm_tp_t *shm, shm_pair_t *pair)
{
    if (!shm->ring_bells)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&pair->slot->asleep, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&pair->slot->doorbell, 1, memory_order_relaxed);
        syscall(SYS_futex, &pair->slot->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

static tp_status_t shm_am_send(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                               const void *payload, size_t payload_len)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    TP_CONTRACT(shm_reachable(tp, peer), "shm", "am_send");
    TP_CONTRACT(hdr_len <= tp->am_max_hdr && payload_len <= tp->am_max_payload, "shm", "am_send");
    shm_pair_t *pair = &shm->pair[peer];
    if (hdr_len + payload_len <= SHM_FBOX_MAX_INLINE) {
        if (pair->out_box == NULL && !pair->no_out_box) {
            /* First small message to this peer: take a box of its pool. */
            pair->out_box = shm_fbox_claim(pair->pool, shm->world_rank);
            pair->no_out_box = pair->out_box == NULL;
        }
        if (pair->out_box != NULL &&
            shm_fbox_push(pair->out_box, &pair->out_next, &pair->out_limit, pair->out_queued,
                          hdr, hdr_len, payload, payload_len) == TP_OK) {
            ring(shm, pair);
            return TP_OK;
        }
    }
    tp_status_t st = shm_queue_push(shm->queue_of[peer], shm->world_rank, pair->out_next, hdr,
                                    hdr_len, payload, payload_len);
    if (st == TP_OK) {
        pair->out_queued++;
        ring(shm, pair);
    }
    return st;
}

/* Start polling boxes that senders claimed in our pool since last time. */
static void find_new_boxes(shm_tp_t *shm)
{
    uint32_t claimed = shm_fbox_num_claimed(shm->own_pool);
    while ((uint32_t)shm->num_in_boxes < claimed) {
        shm_fbox_t *box = shm_fbox_claimed(shm->own_pool, (uint32_t)shm->num_in_boxes);
        if (box == NULL)
            break;                 /* claimed, owner not written yet: next time */
        int src = atomic_load_explicit(&box->owner, memory_order_relaxed);
        if (src < 0 || src >= shm->world_size || shm->queue_of[src] == NULL) {
            fprintf(stderr, "minimpi: rank %d: shm: a fast box claims to come from rank %d, "
                            "which is not on this node\n", shm->world_rank, src);
            abort();
        }
        shm->pair[src].in_box = box;
        shm->in_box_src[shm->num_in_boxes++] = src;
    }
}

static void deliver_box_message(shm_tp_t *shm, int src, shm_pair_t *pair,
                                const shm_fbox_slot_t *slot)
{
    shm->am_handler(shm->am_handler_arg, src, shm_fbox_slot_hdr(slot), slot->hdr_len,
                    shm_fbox_slot_payload(slot), slot->payload_len);
    shm_fbox_pop(pair->in_box, &pair->in_next);
}

/* Deliver the box messages `src` sent before the queue cell in hand. */
static int drain_box_before(shm_tp_t *shm, int src, shm_pair_t *pair, uint32_t fbox_before)
{
    int n = 0;
    /* Boxes are taken in the order they were claimed, and a sender writes
     * its box's owner just after claiming it: a sender preempted between the
     * two (oversubscribed nodes) holds back the boxes claimed after its own.
     * The box this cell needs was claimed, written and used before the cell
     * was sent, so the wait is for that other sender's next store only. */
    while (pair->in_next != fbox_before && pair->in_box == NULL) {
        find_new_boxes(shm);
        if (pair->in_box != NULL ||
            (uint32_t)shm->num_in_boxes >= shm_fbox_num_claimed(shm->own_pool))
            break;                 /* found, or every claimed box is known */
        sched_yield();
    }
    while (pair->in_next != fbox_before) {
        const shm_fbox_slot_t *slot =
            pair->in_box != NULL ? shm_fbox_peek(pair->in_box, pair->in_next) : NULL;
        if (slot == NULL) {
            fprintf(stderr, "minimpi: rank %d: shm: message %u of rank %d's fast box is "
                            "missing though a later one arrived through the queue\n",
                    shm->world_rank, pair->in_next, src);
            abort();
        }
        deliver_box_message(shm, src, pair, slot);
        n++;
    }
    return n;
}

static int shm_progress(tp_t *tp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    /* A handler that calls progress again would see the cell it is being
     * handed a second time; it gets nothing instead. */
    if (shm->in_progress)
        return 0;
    shm->in_progress = 1;
    int delivered = 0;
    /* Looked at inline: an idle rank polls this on every call. */
    if ((uint32_t)shm->num_in_boxes < shm_fbox_num_claimed(shm->own_pool))
        find_new_boxes(shm);
    for (int i = 0; i < shm->num_in_boxes; i++) {
        int src = shm->in_box_src[i];
        shm_pair_t *pair = &shm->pair[src];
        const shm_fbox_slot_t *slot;
        while (delivered < SHM_PROGRESS_BATCH &&
               (slot = shm_fbox_peek(pair->in_box, pair->in_next)) != NULL &&
               slot->queue_before == pair->in_queued) {
            deliver_box_message(shm, src, pair, slot);
            delivered++;
        }
    }
    const shm_cell_t *cell;
    while (delivered < SHM_PROGRESS_BATCH && (cell = shm_queue_peek(shm->own_queue)) != NULL) {
        shm_pair_t *pair = &shm->pair[cell->src];
        if (pair->in_next != cell->fbox_before)
            delivered += drain_box_before(shm, cell->src, pair, cell->fbox_before);
        shm->am_handler(shm->am_handler_arg, cell->src, shm_cell_hdr(cell), cell->hdr_len,
                        shm_cell_payload(cell), (size_t)cell->payload_len);
        shm_queue_pop(shm->own_queue, cell);
        pair->in_queued++;
        delivered++;
    }
    shm->in_progress = 0;
    return delivered;
}

/* Something to deliver: a queue cell, a box message, or a newly claimed box. */
static int shm_pending(shm_tp_t *shm)
{
    if (shm_queue_peek(shm->own_queue) != NULL)
        return 1;
    if ((uint32_t)shm->num_in_boxes < shm_fbox_num_claimed(shm->own_pool))
        return 1;
    for (int i = 0; i < shm->num_in_boxes; i++) {
        shm_pair_t *pair = &shm->pair[shm->in_box_src[i]];
        if (shm_fbox_peek(pair->in_box, pair->in_next) != NULL)
            return 1;
    }
    return 0;
}

static void shm_wait(tp_t *tp, int timeout_ms)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    shm_slot_t *me = shm->own_slot;
    if (!shm->ring_bells)
        return;                    /* nobody would ring: never sleep */
    uint32_t bell = atomic_load_explicit(&me->doorbell, memory_order_relaxed);
    atomic_store_explicit(&me->asleep, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (!shm_pending(shm) && (tp->other_pending == NULL || !tp->other_pending())) {
        struct timespec ts = {.tv_sec = timeout_ms / 1000,
                              .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
        /* EAGAIN (rung already), EINTR and ETIMEDOUT all mean: poll again.
         * The counts are only reported (MINIMPI_VERBOSE=transport). */
        long rc = syscall(SYS_futex, &me->doorbell, FUTEX_WAIT, bell, &ts, NULL, 0);
        int err = rc == 0 ? 0 : errno;
        shm->sleeps++;
        if (rc == 0 || err == EAGAIN ||
            atomic_load_explicit(&me->doorbell, memory_order_relaxed) != bell) {
            shm->sleeps_rung++;
        } else if (err == ETIMEDOUT) {
            shm->sleeps_timed_out++;
            /* A message (or a shared-memory collective's flag) is here and
             * its sender never rang, though we were asleep all along.  (A sender preempted between publishing and
             * ringing shows here too, but only for as long as a time limit.) */
            if (shm_pending(shm) || (tp->other_pending != NULL && tp->other_pending()))
                shm->sleeps_lost++;
        }
    }
    atomic_store_explicit(&me->asleep, 0, memory_order_relaxed);
}

static void shm_wake(tp_t *tp, int peer)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    TP_CONTRACT(shm_reachable(tp, peer), "shm", "wake");
    ring(shm, &shm->pair[peer]);
}

static tp_status_t shm_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (!tp->can_get)
        return TP_ENOTSUP;
    shm_cma_expose(shm->pid, buf, len, desc);
    return TP_OK;
}

static void shm_mem_release(tp_t *tp, tp_mem_desc_t *desc)
{
    /* CMA pins nothing: the buffer was only described, not registered. */
    (void)tp;
    (void)desc;
}

static tp_status_t shm_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset,
                           void *local, size_t len, tp_comp_t *comp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    (void)comp; /* always synchronous */
    if (!tp->can_get)
        return TP_ENOTSUP;
    if (!shm_reachable(tp, peer)) {
        fprintf(stderr, "minimpi: rank %d: shm: get from rank %d: peer not on this node\n",
                shm->world_rank, peer);
        return TP_EINVAL;
    }
    tp_status_t st = shm_cma_get(shm->world_rank, shm->pid_of[peer], remote, offset, local, len);
    /* Single copy was denied after the probe at start-up (a seccomp filter, a
     * security module): stop trying, so that every later rendezvous goes
     * straight to the pipelined copy instead of failing (and saying so) once
     * per message. */
    if (st == TP_ENOTSUP)
        tp->can_get = 0;
    return st;
}

static tp_status_t shm_getv(tp_t *tp, int peer, const tp_mem_desc_t *remote,
                            const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                            size_t liov_count, tp_comp_t *comp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    (void)comp; /* always synchronous */
    if (!tp->can_get || !shm_reachable(tp, peer))
        return TP_ENOTSUP;
    return shm_cma_getv(shm->world_rank, shm->pid_of[peer], remote, riov, riov_count, liov,
                        liov_count);
}

static tp_status_t shm_putv(tp_t *tp, int peer, const tp_mem_desc_t *remote,
                            const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                            size_t liov_count)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (!tp->can_get || !shm_reachable(tp, peer))
        return TP_ENOTSUP;
    tp_status_t st = shm_cma_putv(shm->world_rank, shm->pid_of[peer], remote, riov, riov_count,
                                  liov, liov_count);
    /* Denied after the start-up probe: stop trying, as shm_get does. */
    if (st == TP_ENOTSUP)
        tp->can_get = 0;
    return st;
}

const tp_ops_t tp_shm_ops = {
    .name = "shm",
    .init = shm_init,
    .reachable = shm_reachable,
    .am_send = shm_am_send,
    .mem_expose = shm_mem_expose,
    .mem_release = shm_mem_release,
    .get = shm_get,
    .getv = shm_getv,
    .progress = shm_progress,
    .finalize = shm_finalize,
    .wait = shm_wait,
    .wake = shm_wake,
    .putv = shm_putv,
};

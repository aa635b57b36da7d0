/*
 * shm_ops.c -- the shared-memory transport's ops table and its fast path:
 * am_send copies small answers into the pair's duplex lane, other small
 * messages into our fast box towards the receiver, anything else (or when
 * lane or box refuses) into the receiver's queue; progress drains the lanes
 * and boxes others send us through, then our queue.  No lock, no system
 * call and no allocation on either path.
 *
 * Keeping the three paths in send order (MPI's non-overtaking rule).  A
 * sender numbers its lane messages (duplex.out_next) and its box messages
 * (out_next) to a receiver and counts its queue messages to it
 * (out_queued).  Every message carries the sender's counters of the two
 * paths it does not take, as they were when it was sent: a queue cell its
 * fbox_before and duplex_before, a box slot its queue_before and
 * duplex_before, a lane message its queue_before and fbox_before.  The
 * receiver keeps the same three counters per sender (duplex.in_next, in_next,
 * in_queued) and delivers
 *   - a lane or box message only when the receiver's counters of the two
 *     other paths equal the ones it carries: every earlier message of
 *     those paths has been delivered (of its own path too, as each path
 *     is read in order);
 *   - a queue cell only after delivering that sender's lane and box
 *     messages up to the counters it carries.  Those were published
 *     before the cell (the cell's release store orders them), so they are
 *     there, and among them the next one in send order is always
 *     deliverable by the rule above.
 * A lane or box message waiting for an earlier queue message never blocks
 * the queue: the queue is drained in order and brings in_queued up to it.
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
static void ring_if_asleep(shm_pair_t *pair)
{
    if (atomic_load_explicit(&pair->slot->asleep, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&pair->slot->doorbell, 1, memory_order_relaxed);
        syscall(SYS_futex, &pair->slot->doorbell, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

static void ring(shm_tp_t *shm, shm_pair_t *pair)
{
    if (!shm->ring_bells)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    ring_if_asleep(pair);
}

/* Poll `src`'s box or lane towards us from now on. */
static void poll_fast_src(shm_tp_t *shm, int src, shm_pair_t *pair)
{
    if (!pair->polled) {
        pair->polled = 1;
        shm->fast_src[shm->num_fast_src++] = src;
    }
}

/* First small message to `peer`: take a box of its pool.  When we are the
 * lower rank of the pair, the box's lane becomes the pair's, and the peer's
 * messages in it come to us there. */
static void claim_out_box(shm_tp_t *shm, int peer, shm_pair_t *pair)
{
    pair->out_box = shm_fbox_claim(pair->pool, shm->world_rank);
    pair->no_out_box = pair->out_box == NULL;
    if (pair->out_box != NULL && peer > shm->world_rank) {
        shm_duplex_end_open(&pair->duplex, &pair->out_box->duplex, 0);
        poll_fast_src(shm, peer, pair);
    }
}

/* am_send claims a box for any message up to the lane's size, so every one
 * the box can take finds it claimed. */
_Static_assert(SHM_DUPLEX_MAX_INLINE >= SHM_FBOX_MAX_INLINE, "box messages claim a box");

static tp_status_t shm_am_send(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                               const void *payload, size_t payload_len)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    TP_CONTRACT(shm_reachable(tp, peer), "shm", "am_send");
    TP_CONTRACT(hdr_len <= tp->am_max_hdr && payload_len <= tp->am_max_payload, "shm", "am_send");
    shm_pair_t *pair = &shm->pair[peer];
    size_t len = hdr_len + payload_len;
    /* A box, claimed at the first small message (towards a higher rank it
     * carries the pair's lane). */
    if (len <= SHM_DUPLEX_MAX_INLINE && pair->out_box == NULL && !pair->no_out_box)
        claim_out_box(shm, peer, pair);
    int answer = pair->heard;
    pair->heard = 0;
    if (answer && len <= SHM_DUPLEX_MAX_INLINE) {
        /* Only answers take the lane (see heard in shm.h). */
        shm_duplex_end_t *lane = &pair->duplex;
        if (lane->lane != NULL) {
            if (lane->in_next != lane->in_at_send) {
                /* An answer: into the entry of what we read last. */
                lane->in_at_send = lane->in_next;
                shm_duplex_align(lane, pair->out_queued, pair->out_next);
            }
            if (shm_duplex_push(lane, pair->out_queued, pair->out_next, hdr, hdr_len, payload,
                                payload_len) == TP_OK) {
                ring(shm, pair);
                return TP_OK;
            }
        }
    }
    if (len <= SHM_FBOX_MAX_INLINE && pair->out_box != NULL &&
        shm_fbox_push(pair->out_box, &pair->out_next, &pair->out_limit, pair->out_queued,
                      pair->duplex.out_next, hdr, hdr_len, payload, payload_len) == TP_OK) {
        ring(shm, pair);
        return TP_OK;
    }
    if (!pair->queue_mapped) {
        pair->queue_mapped = 1;
        shm_segment_prefault_queue(shm->seg, shm->queue_of[peer]);
    }
    tp_status_t st = shm_queue_push(shm->queue_of[peer], shm->world_rank, pair->out_next,
                                    pair->duplex.out_next, hdr, hdr_len, payload, payload_len);
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
        shm_pair_t *pair = &shm->pair[src];
        pair->in_box = box;
        if (src < shm->world_rank) {
            /* Claimed by the lower rank of the pair: the pair's lane. */
            shm_duplex_end_open(&pair->duplex, &box->duplex, 1);
        }
        poll_fast_src(shm, src, pair);
        shm->num_in_boxes++;
    }
}

/* Hand `src`'s next message in send order to the runtime if it is in the
 * lane or the box and nothing sent before it is still to come (see the
 * top of this file): 1, else 0. */
static inline int deliver_next_fast(shm_tp_t *shm, int src, shm_pair_t *pair)
{
    if (pair->duplex.lane != NULL) {
        const shm_duplex_entry_t *entry;
        while ((entry = shm_duplex_peek(&pair->duplex)) != NULL &&
               entry->queue_before == (uint16_t)pair->in_queued &&
               entry->fbox_before == (uint16_t)pair->in_next) {
            /* A filler only moved the sender's next message: consumed in
             * its turn, not a message (nor counted as one). */
            int filler = entry->hdr_len == SHM_DUPLEX_FILLER;
            if (!filler)
                shm->am_handler(shm->am_handler_arg, src, entry->data, entry->hdr_len,
                                shm_duplex_payload(entry), entry->payload_len);
            shm_duplex_pop(&pair->duplex);
            if (!filler) {
                pair->heard = 1;
                return 1;
            }
        }
    }
    if (pair->in_box != NULL) {
        /* duplex_before matters though the lane was looked at first: the
         * sender may have published a lane message and then this box
         * message between our look at the lane and this one. */
        const shm_fbox_slot_t *slot = shm_fbox_peek(pair->in_box, pair->in_next);
        if (slot != NULL && slot->queue_before == pair->in_queued &&
            slot->duplex_before == (uint16_t)pair->duplex.in_next) {
            shm->am_handler(shm->am_handler_arg, src, shm_fbox_slot_hdr(slot), slot->hdr_len,
                            shm_fbox_slot_payload(slot), slot->payload_len);
            shm_fbox_pop(pair->in_box, &pair->in_next);
            pair->heard = 1;
            return 1;
        }
    }
    return 0;
}

/* Whether `src` sent lane or box messages before this queue cell that we
 * have not delivered yet (the cell carries the sender's two counters). */
static inline int fast_before(const shm_pair_t *pair, const shm_cell_t *cell)
{
    return pair->in_next != cell->fbox_before || pair->duplex.in_next != cell->duplex_before;
}

/* Deliver the lane and box messages `src` sent before the queue cell in hand. */
static int drain_fast_before(shm_tp_t *shm, int src, shm_pair_t *pair, const shm_cell_t *cell)
{
    int n = 0;
    /* Boxes are taken in the order they were claimed, and a sender writes
     * its box's owner just after claiming it: a sender preempted between the
     * two (oversubscribed nodes) holds back the boxes claimed after its own.
     * The box (or lane) this cell needs was claimed, written and used before
     * the cell was sent, so the wait is for that other sender's next store
     * only. */
    while ((pair->in_next != cell->fbox_before && pair->in_box == NULL) ||
           (pair->duplex.in_next != cell->duplex_before && pair->duplex.lane == NULL)) {
        find_new_boxes(shm);
        if ((uint32_t)shm->num_in_boxes >= shm_fbox_num_claimed(shm->own_pool))
            break;                 /* every claimed box is known */
        sched_yield();
    }
    while (fast_before(pair, cell)) {
        /* Nothing handed on may still mean progress: fillers consumed. */
        int got = deliver_next_fast(shm, src, pair);
        if (!got && fast_before(pair, cell)) {
            fprintf(stderr, "minimpi: rank %d: shm: rank %d's fast-box message %u or lane "
                            "message %u is missing though a later one arrived through the "
                            "queue\n",
                    shm->world_rank, src, pair->in_next, pair->duplex.in_next);
            abort();
        }
        n += got;
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
    for (int i = 0; i < shm->num_fast_src; i++) {
        int src = shm->fast_src[i];
        shm_pair_t *pair = &shm->pair[src];
        while (delivered < SHM_PROGRESS_BATCH && deliver_next_fast(shm, src, pair))
            delivered++;
    }
    const shm_cell_t *cell;
    while (delivered < SHM_PROGRESS_BATCH && (cell = shm_queue_peek(shm->own_queue)) != NULL) {
        shm_pair_t *pair = &shm->pair[cell->src];
        if (fast_before(pair, cell))
            delivered += drain_fast_before(shm, cell->src, pair, cell);
        shm->am_handler(shm->am_handler_arg, cell->src, shm_cell_hdr(cell), cell->hdr_len,
                        shm_cell_payload(cell), (size_t)cell->payload_len);
        shm_queue_pop(shm->own_queue, cell);
        pair->in_queued++;
        pair->heard = 1;
        delivered++;
    }
    shm->in_progress = 0;
    return delivered;
}

/* Something to deliver: a queue cell, a lane or box message, or a newly claimed box. */
static int shm_pending(shm_tp_t *shm)
{
    if (shm_queue_peek(shm->own_queue) != NULL)
        return 1;
    if ((uint32_t)shm->num_in_boxes < shm_fbox_num_claimed(shm->own_pool))
        return 1;
    for (int i = 0; i < shm->num_fast_src; i++) {
        shm_pair_t *pair = &shm->pair[shm->fast_src[i]];
        if (pair->in_box != NULL && shm_fbox_peek(pair->in_box, pair->in_next) != NULL)
            return 1;
        if (pair->duplex.lane != NULL && shm_duplex_peek(&pair->duplex) != NULL)
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

/* One fence for all the peers: a shared-memory collective wakes every
 * other rank of its communicator each time it publishes. */
static void shm_wake(tp_t *tp, const int *peers, size_t num_peers)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (!shm->ring_bells)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    for (size_t i = 0; i < num_peers; i++) {
        int peer = peers[i];
        if (peer == shm->world_rank)
            continue;
        TP_CONTRACT(shm_reachable(tp, peer), "shm", "wake");
        ring_if_asleep(&shm->pair[peer]);
    }
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

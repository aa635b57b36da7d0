/*
 * shm_queue.c -- the receive queue of one process: many senders, one
 * receiver, bounded, lock-free, messages copied inline into cells.
 *
 * Algorithm (Dmitry Vyukov's bounded queue, reduced to one consumer).
 * The queue is a ring of `depth` cells (a power of two) and two 64-bit
 * counters that only grow: `tail`, the next position a sender will claim,
 * and `head`, the next position the receiver will read.  Position p lives in
 * cell p % depth.  Every cell carries a sequence number `seq` that says what
 * the cell is waiting for:
 *   seq == p            free, waiting for the sender of position p;
 *   seq == p + 1        full, holding position p, waiting for the receiver;
 *   seq == p + depth    freed by the receiver, i.e. free for position p + depth.
 * A sender reads tail = p and the seq of cell p % depth.  If seq == p it
 * tries to claim p with a compare-and-swap tail: p -> p + 1; on success the
 * cell is its own: it copies the message in and publishes it by storing
 * seq = p + 1.  If seq < p the cell still holds position p - depth, which
 * the receiver has not consumed yet: the queue is full, TP_AGAIN.  If
 * seq > p another sender claimed p first: reload tail and retry.
 * The receiver looks at cell head % depth: when seq == head + 1 the message
 * is there; after handing it on it stores seq = head + depth and advances
 * head.  Counters are 64 bits, so they never wrap in practice (at 10^9
 * messages per second that takes 584 years); comparisons use the signed
 * difference anyway.
 *
 * Memory ordering.  The sender's store of seq = p + 1 is a release and the
 * receiver's load of seq is an acquire, so the receiver sees the whole
 * message the sender copied before publishing it.  Symmetrically the
 * receiver's store of seq = p + depth is a release and the sender's load of
 * seq an acquire, so a sender never overwrites bytes the receiver is still
 * reading.  The compare-and-swap on tail only arbitrates between senders and
 * publishes nothing by itself, so it is relaxed.  head is private to the
 * receiver and needs no atomics.
 *
 * Ordering guarantee.  One sender claims its positions in program order, and
 * the receiver consumes positions in increasing order, so messages from one
 * sender arrive in the order they were sent: MPI's non-overtaking rule.
 * A sender stalled between claim and publish holds back everything claimed
 * after it (the receiver sees an unpublished cell and reports "empty");
 * it never loses or reorders anything.
 */
#include "shm_queue.h"

#include <string.h>

#define SHM_QUEUE_MAGIC 0x6d696e69714c4945ULL /* "miniqLIE": a laid-out queue */

size_t shm_queue_bytes(uint32_t depth, uint32_t cell_size)
{
    return sizeof(shm_queue_t) + (size_t)depth * cell_size;
}

int shm_queue_geometry_ok(uint32_t depth, uint32_t cell_size)
{
    return depth >= 2 && (depth & (depth - 1)) == 0 && cell_size % SHM_CACHE_LINE == 0 &&
           cell_size >= sizeof(shm_cell_t) + SHM_QUEUE_MAX_HDR;
}

static inline shm_cell_t *queue_cell(shm_queue_t *q, uint64_t pos)
{
    char *cells = (char *)q + sizeof(shm_queue_t);
    return (shm_cell_t *)(cells + (size_t)(pos & (q->depth - 1)) * q->cell_size);
}

void shm_queue_init(shm_queue_t *q, uint32_t depth, uint32_t cell_size)
{
    q->depth = depth;
    q->cell_size = cell_size;
    q->magic = SHM_QUEUE_MAGIC;
    q->head = 0;
    for (uint64_t pos = 0; pos < depth; pos++) {
        shm_cell_t *cell = queue_cell(q, pos);
        cell->src = -1;
        cell->hdr_len = 0;
        cell->payload_len = 0;
        cell->fbox_before = 0;
        cell->duplex_before = 0;
        atomic_init(&cell->seq, pos);
    }
    /* Processes that map the queue later synchronise with us through the
     * bootstrap fence; the release store keeps this correct for threads too. */
    atomic_store_explicit(&q->tail, 0, memory_order_release);
}

tp_status_t shm_queue_push(shm_queue_t *q, int src, uint32_t fbox_before,
                           uint32_t duplex_before, const void *hdr, size_t hdr_len,
                           const void *payload, size_t payload_len)
{
    if (hdr_len > SHM_QUEUE_MAX_HDR || payload_len > shm_queue_max_payload(q->cell_size))
        return TP_EINVAL;

    uint64_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    shm_cell_t *cell;
    for (;;) {
        cell = queue_cell(q, pos);
        uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        int64_t diff = (int64_t)(seq - pos);
        if (diff == 0) {
            /* On failure the CAS reloads pos with the current tail. */
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            return TP_AGAIN;
        } else {
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }

    cell->src = src;
    cell->fbox_before = fbox_before;
    cell->duplex_before = duplex_before;
    cell->hdr_len = (uint32_t)hdr_len;
    cell->payload_len = payload_len;
    if (hdr_len > 0)
        memcpy((char *)shm_cell_hdr(cell), hdr, hdr_len);
    if (payload_len > 0)
        memcpy((char *)shm_cell_payload(cell), payload, payload_len);
    atomic_store_explicit(&cell->seq, pos + 1, memory_order_release);
    return TP_OK;
}

const shm_cell_t *shm_queue_peek(shm_queue_t *q)
{
    shm_cell_t *cell = queue_cell(q, q->head);
    uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
    return seq == q->head + 1 ? cell : NULL;
}

void shm_queue_pop(shm_queue_t *q, const shm_cell_t *cell)
{
    shm_cell_t *own = (shm_cell_t *)cell;
    atomic_store_explicit(&own->seq, q->head + q->depth, memory_order_release);
    q->head++;
}

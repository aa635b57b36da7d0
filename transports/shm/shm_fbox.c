/*
 * shm_fbox.c -- fast boxes (see shm_fbox.h).
 *
 * Algorithm: the shared-memory queue's sequence numbers (shm_queue.c),
 * reduced to one sender, so no compare-and-swap is needed.  The sender
 * numbers its messages to this receiver m = first, first + 1, ...; message
 * m goes to slot m % SHM_FBOX_SLOTS.  The sender writes the message and
 * stores seq = m + 1 (release).  The receiver, expecting message m, waits
 * for seq == m + 1 (acquire) and hands the message on; a slot's older
 * number never equals it, so nothing needs clearing after it.
 *
 * Room.  The receiver counts what it consumed in `consumed`, a line only
 * it writes, every SHM_FBOX_CONSUMED_BATCH messages (release, after it read
 * them).  The sender may write message m while m < consumed + SLOTS; it
 * keeps that bound (limit) and reads the counter (acquire) only when it
 * reaches it.  So a small message costs the sender stores only: it never
 * reads a line the receiver is polling, which would wait for the line to
 * come back across the cores (a second transfer per message, measured as
 * most of the gap to a bare cache-line bounce); and the receiver writes
 * nothing in the slots, so the sender's next lap finds them unshared.
 * Numbers are 32 bits, compared only by equality and differences; the
 * number of slots divides 2^32, so a counter that wraps still lands on the
 * right slot.
 */
#include "shm_fbox.h"

#include <string.h>

void shm_fbox_pool_init(shm_fbox_pool_t *pool, uint32_t first)
{
    for (uint32_t b = 0; b < SHM_FBOX_PER_RANK; b++) {
        shm_fbox_t *box = &pool->boxes[b];
        box->first = first;
        for (uint32_t i = 0; i < SHM_FBOX_SLOTS; i++) {
            /* Slot i first holds the message numbered first + k that maps
             * to it (k in 0..SLOTS-1); its seq starts at that number, which
             * never reads as the message arrived (first + k + 1). */
            uint32_t m = first + ((i - first) % SHM_FBOX_SLOTS);
            shm_fbox_slot_t *slot = (shm_fbox_slot_t *)(box->slots + (size_t)i * SHM_FBOX_SLOT_SIZE);
            memset(slot, 0, sizeof(*slot));
            atomic_init(&slot->seq, m);
        }
        shm_duplex_init(&box->duplex, first);
        atomic_init(&box->owner, -1);
        atomic_init(&box->consumed, first);
    }
    atomic_store_explicit(&pool->claimed, 0, memory_order_release);
}

shm_fbox_t *shm_fbox_claim(shm_fbox_pool_t *pool, int src)
{
    /* Cheap test first, so that a full pool is not hammered by every later
     * sender's fetch-and-add. */
    if (atomic_load_explicit(&pool->claimed, memory_order_relaxed) >= SHM_FBOX_PER_RANK)
        return NULL;
    uint32_t index = atomic_fetch_add_explicit(&pool->claimed, 1, memory_order_relaxed);
    if (index >= SHM_FBOX_PER_RANK)
        return NULL;
    shm_fbox_t *box = &pool->boxes[index];
    /* Release: the receiver that sees the owner sees the box as laid out. */
    atomic_store_explicit(&box->owner, src, memory_order_release);
    return box;
}

shm_fbox_t *shm_fbox_claimed(shm_fbox_pool_t *pool, uint32_t index)
{
    if (index >= SHM_FBOX_PER_RANK)
        return NULL;
    shm_fbox_t *box = &pool->boxes[index];
    return atomic_load_explicit(&box->owner, memory_order_acquire) >= 0 ? box : NULL;
}

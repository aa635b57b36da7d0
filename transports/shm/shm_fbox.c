/*
 * shm_fbox.c -- fast boxes (see shm_fbox.h).
 *
 * Algorithm: the shared-memory queue's sequence numbers (shm_queue.c),
 * reduced to one sender, so no compare-and-swap is needed.  The sender
 * numbers its messages to this receiver m = first, first + 1, ...; message
 * m goes to slot m % SHM_FBOX_SLOTS, whose seq reads m while the slot is
 * free for it.  The sender checks that, writes the message and stores
 * seq = m + 1 (release).  The receiver, expecting message m, waits for
 * seq == m + 1 (acquire), hands the message on, and stores
 * seq = m + SHM_FBOX_SLOTS (release): free for the sender's next lap.
 * The sender reads seq before writing a slot, so the full check touches
 * only the line it is about to write; there is no shared head or tail.
 * Numbers are 32 bits and compared only for equality; the number of slots
 * divides 2^32, so a counter that wraps still lands on the right slot.
 */
#include "shm_fbox.h"

#include <string.h>

void shm_fbox_pool_init(shm_fbox_pool_t *pool, uint32_t first)
{
    for (uint32_t b = 0; b < SHM_FBOX_PER_RANK; b++) {
        shm_fbox_t *box = &pool->boxes[b];
        box->first = first;
        for (uint32_t i = 0; i < SHM_FBOX_SLOTS; i++) {
            /* Slot i is first free for the message numbered first + k that
             * maps to it, with k in 0..SLOTS-1. */
            uint32_t m = first + ((i - first) % SHM_FBOX_SLOTS);
            shm_fbox_slot_t *slot = (shm_fbox_slot_t *)(box->slots + (size_t)i * SHM_FBOX_SLOT_SIZE);
            memset(slot, 0, sizeof(*slot));
            atomic_init(&slot->seq, m);
        }
        atomic_init(&box->owner, -1);
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

tp_status_t shm_fbox_push(shm_fbox_t *box, uint32_t *next, uint32_t queue_before,
                          const void *hdr, size_t hdr_len, const void *payload,
                          size_t payload_len)
{
    if (hdr_len + payload_len > SHM_FBOX_MAX_INLINE)
        return TP_AGAIN;
    uint32_t m = *next;
    shm_fbox_slot_t *slot =
        (shm_fbox_slot_t *)(box->slots + (size_t)(m % SHM_FBOX_SLOTS) * SHM_FBOX_SLOT_SIZE);
    if (atomic_load_explicit(&slot->seq, memory_order_acquire) != m)
        return TP_AGAIN;
    slot->queue_before = queue_before;
    slot->hdr_len = (uint8_t)hdr_len;
    slot->payload_len = (uint8_t)payload_len;
    char *p = (char *)slot + sizeof(*slot);
    if (hdr_len > 0)
        memcpy(p, hdr, hdr_len);
    if (payload_len > 0)
        memcpy(p + hdr_len, payload, payload_len);
    atomic_store_explicit(&slot->seq, m + 1, memory_order_release);
    *next = m + 1;
    return TP_OK;
}

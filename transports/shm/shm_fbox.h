/*
 * shm_fbox.h -- fast boxes: a one-sender one-receiver ring of small slots
 * per pair of ranks that actually talk, for small messages.
 *
 * A message of up to SHM_FBOX_MAX_INLINE bytes (runtime header + payload)
 * is written inline after a 12-byte slot header.  The runtime sends a
 * standard eager message with a 12-byte envelope (rt_pkt_short_t), so
 * header, envelope and up to 40 bytes of payload fill one cache line: such
 * a message costs one line written by the sender and one line read by the
 * receiver, with no compare-and-swap (one sender per box).  Up to 104 bytes
 * of payload take the slot's second line too.  Each slot carries a
 * sequence number instead of a full flag, and the receiver hands slots
 * back through a counter on a line of its own (see shm_fbox.c).
 *
 * Boxes are not made for every pair: each receiver owns a pool of
 * SHM_FBOX_PER_RANK boxes in the node's segment, and a sender claims one
 * the first time it sends to that receiver.  A node's fast-box memory is
 * therefore linear in its rank count.  When the pool is used up, or a box
 * is full, or a message is too big, the message goes through the
 * receiver's many-sender queue instead; shm_ops.c keeps the two paths in
 * send order.
 */
#ifndef MINIMPI_SHM_FBOX_H
#define MINIMPI_SHM_FBOX_H

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "copy_small.h"
#include "shm_duplex.h"
#include "shm_queue.h"
#include "shm_room.h"

/* Two cache lines per slot: 116 bytes inline, i.e. 104 bytes of payload
 * behind a 12-byte envelope (the 0..64-byte latency range and more). */
#define SHM_FBOX_SLOT_SIZE 128u
/*
 * 16 slots (2 KiB) per box.  The fewer lines a box cycles through, the
 * faster each one changes hands between the two cores: a bare two-ring
 * ping-pong on this machine's slower core pairing takes 0.31-0.32 us
 * one-way with 4 to 16 slots, 0.33 with 32, 0.35 with 64, 0.36 with 128
 * (a single line bounced both ways: 0.22).  Measured, 2 ranks, medians of
 * 5 alternating runs: 0-32 B latency 0.355-0.372 -> 0.333-0.347 us with 16
 * slots instead of 64; message rate and bandwidth of small messages the
 * same (a window of 64 sends overflows into the queue in order, while the
 * receiver drains); bidirectional bandwidth of small messages 6-17% lower,
 * when both ranks fill each other's boxes before either reads.
 */
#define SHM_FBOX_SLOTS 16u
/* Boxes per receiver: its most talkative peers get one each. */
#define SHM_FBOX_PER_RANK 8u

/*
 * The number of the first message of every box, and the start of the
 * counters that order box and queue (shm_ops.c): 64 below 2^32, so that
 * every job crosses the 32-bit wrap within its first 64 messages per path,
 * where the tests see it, instead of after four billion.
 */
#define SHM_FBOX_FIRST 0xffffffc0u

/* The receiver reports the messages it consumed every this many (a
 * divisor of SHM_FBOX_SLOTS): one store to the counter's line per batch,
 * and a sender that finds the box full sees room again in batches. */
#define SHM_FBOX_CONSUMED_BATCH 8u

typedef struct shm_fbox_slot {
    /* Message number m is in slot m % SHM_FBOX_SLOTS, whose seq reads
     * m + 1 once it holds it (and an older number before).  32 bits,
     * compared only for equality, so wrapping around is harmless. */
    _Atomic uint32_t seq;
    uint32_t queue_before;         /* queue messages this sender had sent to
                                      the receiver before this one */
    uint8_t hdr_len;               /* at most SHM_FBOX_MAX_INLINE, so a byte */
    uint8_t payload_len;
    uint16_t duplex_before;        /* low 16 bits of the sender's next duplex-lane
                                      number (shm_duplex.h) */
    /* hdr_len bytes of runtime header, then the payload, follow inline. */
} shm_fbox_slot_t;

static_assert(sizeof(shm_fbox_slot_t) == 12, "a slot header is 12 bytes");

#define SHM_FBOX_MAX_INLINE (SHM_FBOX_SLOT_SIZE - sizeof(shm_fbox_slot_t))
static_assert(SHM_FBOX_MAX_INLINE <= UINT8_MAX, "slot lengths fit a byte");

/* One box: which sender owns it, what the receiver consumed, the slots,
 * and a duplex lane, used when the owner is the lower rank of the pair. */
typedef struct shm_fbox {
    alignas(SHM_CACHE_LINE) _Atomic int32_t owner;  /* sender's world rank, -1 when unclaimed */
    uint32_t first;                /* the number of the first message (tests start
                                      near 2^32 to exercise wrap-around) */
    /* Written by the receiver only, read by the sender only when its last
     * look says the box is full: the number of the first message not yet
     * consumed, rounded down to SHM_FBOX_CONSUMED_BATCH. */
    alignas(SHM_CACHE_LINE) _Atomic uint32_t consumed;
    alignas(SHM_CACHE_LINE) unsigned char slots[SHM_FBOX_SLOTS * SHM_FBOX_SLOT_SIZE];
    shm_duplex_t duplex;
} shm_fbox_t;

/* Its lane starts at the first offset aligned as the lane's entries. */
#define SHM_FBOX_LANE_OFFSET                                                                   \
    ((2 * SHM_CACHE_LINE + SHM_FBOX_SLOTS * SHM_FBOX_SLOT_SIZE + alignof(shm_duplex_t) - 1) / \
     alignof(shm_duplex_t) * alignof(shm_duplex_t))
static_assert(offsetof(shm_fbox_t, duplex) == SHM_FBOX_LANE_OFFSET &&
                  sizeof(shm_fbox_t) == SHM_FBOX_LANE_OFFSET + sizeof(shm_duplex_t),
              "a box is a control line, a counter line, its slots and a lane");
static_assert(SHM_FBOX_SLOTS % SHM_FBOX_CONSUMED_BATCH == 0, "batches divide the box");

/* A receiver's pool: a claim counter on its own line, then its boxes
 * (aligned as their lanes' entries are). */
typedef struct shm_fbox_pool {
    alignas(SHM_CACHE_LINE) _Atomic uint32_t claimed;  /* boxes handed out (may exceed the
                                                          pool: later claimers got none) */
    shm_fbox_t boxes[SHM_FBOX_PER_RANK];
} shm_fbox_pool_t;

/* Lay out an empty pool; message numbers start at `first`. */
void shm_fbox_pool_init(shm_fbox_pool_t *pool, uint32_t first);

/* Sender: claim a box of the receiver's pool for `src`; NULL when none is left. */
shm_fbox_t *shm_fbox_claim(shm_fbox_pool_t *pool, int src);

/* Receiver: the box claimed at `index`, once its owner is written; else NULL. */
shm_fbox_t *shm_fbox_claimed(shm_fbox_pool_t *pool, uint32_t index);

/* Receiver: how many boxes of the pool are claimed so far. */
static inline uint32_t shm_fbox_num_claimed(shm_fbox_pool_t *pool)
{
    uint32_t n = atomic_load_explicit(&pool->claimed, memory_order_relaxed);
    return n < SHM_FBOX_PER_RANK ? n : SHM_FBOX_PER_RANK;
}

/*
 * Sender: write message number *next into the box and publish it, then
 * advance *next: TP_OK.  TP_AGAIN when its slot is still in use (the box is
 * full) or the message does not fit inline; nothing is written then.
 * *limit as for shm_room (start it equal to *next).  Inline: the fast path
 * of every small message.
 */
static inline tp_status_t shm_fbox_push(shm_fbox_t *box, uint32_t *next, uint32_t *limit,
                                        uint32_t queue_before, uint32_t duplex_before,
                                        const void *hdr, size_t hdr_len, const void *payload,
                                        size_t payload_len)
{
    if (hdr_len + payload_len > SHM_FBOX_MAX_INLINE)
        return TP_AGAIN;
    uint32_t m = *next;
    if (!shm_room(&box->consumed, SHM_FBOX_SLOTS, m, limit))
        return TP_AGAIN;
    shm_fbox_slot_t *slot =
        (shm_fbox_slot_t *)(box->slots + (size_t)(m % SHM_FBOX_SLOTS) * SHM_FBOX_SLOT_SIZE);
    slot->queue_before = queue_before;
    slot->duplex_before = (uint16_t)duplex_before;
    slot->hdr_len = (uint8_t)hdr_len;
    slot->payload_len = (uint8_t)payload_len;
    char *p = (char *)slot + sizeof(*slot);
    copy_small(p, hdr, hdr_len);
    copy_small(p + hdr_len, payload, payload_len);
    atomic_store_explicit(&slot->seq, m + 1, memory_order_release);
    *next = m + 1;
    return TP_OK;
}

/* Receiver: the slot of message number `next` if it has arrived, else NULL. */
static inline const shm_fbox_slot_t *shm_fbox_peek(shm_fbox_t *box, uint32_t next)
{
    shm_fbox_slot_t *slot =
        (shm_fbox_slot_t *)(box->slots + (size_t)(next % SHM_FBOX_SLOTS) * SHM_FBOX_SLOT_SIZE);
    return atomic_load_explicit(&slot->seq, memory_order_acquire) == next + 1 ? slot : NULL;
}

static inline const void *shm_fbox_slot_hdr(const shm_fbox_slot_t *slot)
{
    return (const char *)slot + sizeof(*slot);
}

static inline const void *shm_fbox_slot_payload(const shm_fbox_slot_t *slot)
{
    return (const char *)slot + sizeof(*slot) + slot->hdr_len;
}

/* Receiver: done with message number *next (its slot is read); advance
 * *next, and hand the batch's slots back when it ends. */
static inline void shm_fbox_pop(shm_fbox_t *box, uint32_t *next)
{
    (*next)++;
    if (*next % SHM_FBOX_CONSUMED_BATCH == 0)
        atomic_store_explicit(&box->consumed, *next, memory_order_release);
}

#endif /* MINIMPI_SHM_FBOX_H */

/*
 * shm_duplex.h -- a pair's duplex lane: small messages of both directions
 * between two ranks take turns in the same places.  The lane is a ring of
 * SHM_DUPLEX_ENTRIES entries of SHM_DUPLEX_ENTRY_LINES cache lines; message
 * number m of either direction goes to entry m % SHM_DUPLEX_ENTRIES, once
 * whatever is there has been read.
 *
 * Why.  In a ping-pong the answer is then written into the lines its
 * question was just read from, so each one-way trip moves them once, as
 * the latency floor does (bench/p2p/floor): the writer already holds them
 * and only takes them back from the reader's cache.  With a ring per
 * direction (the fast box) it first takes back lines the other side
 * polls.  Measured on this machine's slower core pairing (floor 0.21-0.24
 * us), 2 ranks, osu latency: 16-32 B 0.34-0.36 us one-way through fast
 * boxes, 0.25-0.26 through this lane; 0-8 B 0.27-0.30 through the lane
 * of half lines it replaces (10 bytes of payload at most, so that two
 * directions could share a line without taking turns).  A message longer
 * than one line spans several of its entry's lines; a reader polling the
 * entry prefetches as many as the peer's last message took, so that in a
 * ping-pong they all cross at once: 64 / 128 / 256 B 0.27 / 0.29 / 0.32
 * us, against 0.31 / 0.47 / 0.50 prefetching the second line only and
 * 0.38-0.43 for 64 B prefetching nothing until a poll found nothing (128
 * and 256 B through the queue: 0.52-0.56).
 *
 * Taking turns.  An entry's state word says what it holds: nothing yet, or
 * direction d's message number m, being written (CLAIMED) or published
 * (FULL).  A sender may overwrite an entry whose message has been read:
 * its own earlier one once the receiver's consumed counter says so
 * (shm_room, read only when the sender's bound runs out), or one of the
 * other direction that it has itself read (it is that direction's
 * receiver).  Both senders may find the same entry free at once: each
 * claims it by compare-and-swap from the state it saw to CLAIMED, and the
 * loser sends that message another way (fast box or queue) instead of
 * waiting.  Numbers in the state word are truncated to 29 bits: a reader
 * never lags by 2^28 messages.
 *
 * Where.  Every fast box carries a lane; a pair uses the one of the box the
 * lower rank claimed in the higher rank's pool, which both find without
 * asking: the lower rank when it claims, the higher rank when it sees the
 * box in its pool.  A pair whose lower rank never claims that box (it sent
 * no small message to the higher rank, or the pool was full) has no lane.
 *
 * Order.  The lane is a third path between the pair next to box and queue;
 * shm_ops.c keeps all three in send order.  A message in the lane carries
 * the low 16 bits of the sender's queue and box counters: a receiver never
 * lags a sender's path by 2^16 messages or more (a box holds
 * SHM_FBOX_SLOTS, a queue at most SHM_MAX_DEPTH = 2^15 cells), so equal low
 * bits mean equal counters.
 */
#ifndef MINIMPI_SHM_DUPLEX_H
#define MINIMPI_SHM_DUPLEX_H

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "copy_small.h"
#include "shm_queue.h"
#include "shm_room.h"

/* Entries per lane.  Unlike a fast box's slots, more are faster here, up
 * to a point (0-32 B ping-pong with entries of two lines, same runs: 4
 * entries 0.40 us, 8 0.36, 16 0.30, 32 0.255, 64 0.25, 128 0.26). */
#define SHM_DUPLEX_ENTRIES 32u

/* The receiver reports what it consumed every this many messages. */
#define SHM_DUPLEX_CONSUMED_BATCH 8u

/* Lines per entry: a 12-byte envelope and up to 480 bytes of payload. */
#define SHM_DUPLEX_ENTRY_LINES 8u

/* Direction 0 carries the lower rank's messages, direction 1 the higher's. */
typedef struct shm_duplex_entry {
    /* SHM_DUPLEX_EMPTY, or shm_duplex_state(kind, dir, m). */
    _Atomic uint32_t state;
    uint16_t queue_before;         /* low 16 bits of the sender's queue count */
    uint16_t fbox_before;          /* ... and of its next fast-box number */
    uint16_t payload_len;
    uint8_t hdr_len;               /* at most SHM_QUEUE_MAX_HDR, or SHM_DUPLEX_FILLER */
    uint8_t unused;
    /* hdr_len bytes of header, then the payload at the next multiple of
     * SHM_DUPLEX_PAYLOAD_ALIGN from the entry's start (shm_duplex_payload):
     * the runtime applies reduction operations to a payload in place. */
    unsigned char data[SHM_DUPLEX_ENTRY_LINES * SHM_CACHE_LINE - 12];
} shm_duplex_entry_t;

static_assert(sizeof(shm_duplex_entry_t) == SHM_DUPLEX_ENTRY_LINES * SHM_CACHE_LINE,
              "an entry is whole lines");

/* Header and payload bytes of the largest message an entry could take
 * (less the payload's alignment padding: see shm_duplex_fits). */
#define SHM_DUPLEX_MAX_INLINE (sizeof(((shm_duplex_entry_t *)0)->data))

/* A payload in an entry is aligned as a queue cell's is, enough for any
 * type a reduction works on (long double). */
#define SHM_DUPLEX_PAYLOAD_ALIGN 16u

/* Where a payload behind a header of hdr_len bytes starts, from the entry's start. */
static inline size_t shm_duplex_payload_offset(size_t hdr_len)
{
    size_t end = offsetof(shm_duplex_entry_t, data) + hdr_len;
    return (end + SHM_DUPLEX_PAYLOAD_ALIGN - 1) / SHM_DUPLEX_PAYLOAD_ALIGN *
           SHM_DUPLEX_PAYLOAD_ALIGN;
}

/* Whether a message fits an entry. */
static inline int shm_duplex_fits(size_t hdr_len, size_t payload_len)
{
    return hdr_len <= SHM_QUEUE_MAX_HDR &&
           shm_duplex_payload_offset(hdr_len) + payload_len <= sizeof(shm_duplex_entry_t);
}

/* The payload of the message in an entry. */
static inline const unsigned char *shm_duplex_payload(const shm_duplex_entry_t *entry)
{
    return (const unsigned char *)entry + shm_duplex_payload_offset(entry->hdr_len);
}

typedef struct shm_duplex {
    /* consumed[d]: written by the receiver of direction d only, read by
     * its sender when its bound says its own earlier message may still be
     * unread (see shm_room.h). */
    struct {
        alignas(SHM_CACHE_LINE) _Atomic uint32_t n;
    } consumed[2];
    /* Entry-aligned: a line's pair (what a spatial prefetcher fetches with
     * it) is in its own entry, never the next one. */
    alignas(SHM_DUPLEX_ENTRY_LINES * SHM_CACHE_LINE) shm_duplex_entry_t entries[SHM_DUPLEX_ENTRIES];
} shm_duplex_t;

static_assert(sizeof(shm_duplex_t) ==
                  SHM_DUPLEX_ENTRY_LINES * SHM_CACHE_LINE * (1 + SHM_DUPLEX_ENTRIES),
              "a lane is two counter lines, aligned as an entry, and its entries");
static_assert(SHM_DUPLEX_ENTRIES % SHM_DUPLEX_CONSUMED_BATCH == 0, "batches divide the lane");

/* State words: kind in bits 0-1, direction in bit 2, message number above. */
#define SHM_DUPLEX_EMPTY 0u             /* also what a zeroed word reads */
#define SHM_DUPLEX_CLAIMED 1u
#define SHM_DUPLEX_FULL 2u
#define SHM_DUPLEX_NUMBER_BITS 29u

static inline uint32_t shm_duplex_state(uint32_t kind, unsigned dir, uint32_t m)
{
    return m << 3 | (uint32_t)dir << 2 | kind;
}
/* Lay out an empty lane whose messages are numbered from `first` both ways. */
void shm_duplex_init(shm_duplex_t *lane, uint32_t first);

/*
 * One rank's end of a lane: its counters both ways and what it knows of
 * each entry, in its own memory.  `known` is each entry's state as this
 * end last wrote or read it, so a sender decides from its own memory
 * whether an entry is free and touches the entry's line only to claim it;
 * a claim that fails (the other sender wrote there since) records what it
 * found instead.
 */
typedef struct shm_duplex_end {
    shm_duplex_t *lane;            /* NULL until the pair's lane is known */
    unsigned out;                  /* our direction: 0 when we are the lower rank */
    uint32_t out_next;             /* number of our next message */
    uint32_t out_limit;            /* the first number our direction may not
                                      write yet, as far as we know (shm_room) */
    uint32_t in_next;              /* number of the peer's next message */
    uint32_t in_at_send;           /* in_next when we last sent */
    unsigned in_lines;             /* lines the peer's last message took */
    uint32_t known[SHM_DUPLEX_ENTRIES];
} shm_duplex_end_t;

/* An end with no lane yet, both ways numbered from `first`. */
void shm_duplex_end_init(shm_duplex_end_t *end, uint32_t first);

/* The pair's lane is known: use it in direction `out`. */
static inline void shm_duplex_end_open(shm_duplex_end_t *end, shm_duplex_t *lane, unsigned out)
{
    end->lane = lane;
    end->out = out;
}

/* The hdr_len of a filler: a lane message that carries nothing, written
 * only to move the sender's next message to another entry
 * (shm_duplex_align); the receiver consumes it in its turn, in order. */
#define SHM_DUPLEX_FILLER 0xffu

static_assert(SHM_QUEUE_MAX_HDR < SHM_DUPLEX_FILLER, "no header is as long as a filler's");
static_assert(SHM_DUPLEX_MAX_INLINE <= UINT16_MAX, "payload lengths fit 16 bits");

/*
 * Sender: claim the entry of our message number m if what it holds has
 * been read.  Returns the entry, now CLAIMED, or NULL (nothing written).
 */
static inline shm_duplex_entry_t *shm_duplex_claim(shm_duplex_end_t *end, uint32_t m)
{
    uint32_t k = m % SHM_DUPLEX_ENTRIES;
    uint32_t seen = end->known[k];
    if (seen != SHM_DUPLEX_EMPTY) {
        if ((seen & 3u) != SHM_DUPLEX_FULL)
            return NULL;           /* the other sender was writing it: not read yet */
        if ((seen >> 2 & 1u) == end->out) {
            /* Our own message m - SHM_DUPLEX_ENTRIES: read once the receiver says so. */
            if (!shm_room(&end->lane->consumed[end->out].n, SHM_DUPLEX_ENTRIES, m, &end->out_limit))
                return NULL;
        } else {
            /* The other direction's message: read if it is below in_next. */
            uint32_t behind = (end->in_next - (seen >> 3)) & ((1u << SHM_DUPLEX_NUMBER_BITS) - 1);
            if (behind == 0 || behind >= 1u << (SHM_DUPLEX_NUMBER_BITS - 1))
                return NULL;
        }
    }
    shm_duplex_entry_t *entry = &end->lane->entries[k];
    /* Acquire: what the reader of the entry's last message read is done
     * before we write (its release is the consumed counter, or our own
     * program order when we are that reader). */
    if (!atomic_compare_exchange_strong_explicit(&entry->state, &seen,
                                                 shm_duplex_state(SHM_DUPLEX_CLAIMED, end->out, m),
                                                 memory_order_acquire, memory_order_relaxed)) {
        end->known[k] = seen;      /* the other sender took it first */
        return NULL;
    }
    return entry;
}

/* Fill our claimed entry with our next message (hdr_len SHM_DUPLEX_FILLER:
 * a filler), publish it and advance out_next. */
static inline void shm_duplex_fill(shm_duplex_end_t *end, shm_duplex_entry_t *entry,
                                   uint32_t queue_before, uint32_t fbox_before, const void *hdr,
                                   size_t hdr_len, const void *payload, size_t payload_len)
{
    entry->queue_before = (uint16_t)queue_before;
    entry->fbox_before = (uint16_t)fbox_before;
    entry->hdr_len = (uint8_t)hdr_len;
    entry->payload_len = (uint16_t)payload_len;
    if (hdr_len != SHM_DUPLEX_FILLER) {
        copy_small(entry->data, hdr, hdr_len);
        copy_small((unsigned char *)entry + shm_duplex_payload_offset(hdr_len), payload,
                   payload_len);
    }
    uint32_t full = shm_duplex_state(SHM_DUPLEX_FULL, end->out, end->out_next);
    atomic_store_explicit(&entry->state, full, memory_order_release);
    end->known[end->out_next % SHM_DUPLEX_ENTRIES] = full;
    end->out_next++;
}

/*
 * Sender: write our next message and publish it: TP_OK.  TP_AGAIN when
 * its entry is not free (see shm_duplex_claim) or the message does not
 * fit; nothing is written then.  `queue_before` and `fbox_before` are the
 * sender's counters of its other two paths to the receiver (truncated
 * here).
 */
static inline tp_status_t shm_duplex_push(shm_duplex_end_t *end, uint32_t queue_before,
                                          uint32_t fbox_before, const void *hdr, size_t hdr_len,
                                          const void *payload, size_t payload_len)
{
    if (!shm_duplex_fits(hdr_len, payload_len))
        return TP_AGAIN;
    shm_duplex_entry_t *entry = shm_duplex_claim(end, end->out_next);
    if (entry == NULL)
        return TP_AGAIN;
    shm_duplex_fill(end, entry, queue_before, fbox_before, hdr, hdr_len, payload, payload_len);
    return TP_OK;
}

/*
 * Sender that read the peer's messages since its own last one: make its
 * next message answer in the entry of the last one read, where the peer
 * reads next (the point of the lane), by writing fillers into the entries
 * before it.  Needed when the two directions' counts differ (a message
 * that went by box or queue, one not answered); once aligned, a ping-pong
 * stays so without fillers.  Nothing is done when our last message is
 * already in that entry (we asked, the peer answered: our next question
 * takes the next entry); the fillers stop at the first entry not free.
 */
static inline void shm_duplex_align(shm_duplex_end_t *end, uint32_t queue_before,
                                    uint32_t fbox_before)
{
    uint32_t last_in = end->in_next - 1;
    /* Numbers map to entries modulo SHM_DUPLEX_ENTRIES, which divides 2^32. */
    uint32_t gap = (last_in - end->out_next) % SHM_DUPLEX_ENTRIES;
    if (gap == 0 || (end->out_next - 1) % SHM_DUPLEX_ENTRIES == last_in % SHM_DUPLEX_ENTRIES)
        return;
    for (uint32_t i = 0; i < gap; i++) {
        shm_duplex_entry_t *entry = shm_duplex_claim(end, end->out_next);
        if (entry == NULL)
            return;
        shm_duplex_fill(end, entry, queue_before, fbox_before, NULL, SHM_DUPLEX_FILLER, NULL, 0);
    }
}

/* Receiver: the peer's next message if it has arrived, else NULL.  As
 * many lines as the peer's last message took are fetched meanwhile beyond
 * the first, so that a message of that size crosses all at once. */
static inline const shm_duplex_entry_t *shm_duplex_peek(const shm_duplex_end_t *end)
{
    shm_duplex_entry_t *entry = &end->lane->entries[end->in_next % SHM_DUPLEX_ENTRIES];
    for (unsigned line = 1; line < end->in_lines; line++)
        __builtin_prefetch((const char *)entry + line * SHM_CACHE_LINE);
    if (atomic_load_explicit(&entry->state, memory_order_acquire) ==
        shm_duplex_state(SHM_DUPLEX_FULL, 1 - end->out, end->in_next))
        return entry;
    return NULL;
}

/* Receiver: done with the peer's message in hand (from shm_duplex_peek);
 * advance in_next, hand back a batch. */
static inline void shm_duplex_pop(shm_duplex_end_t *end)
{
    unsigned dir = 1 - end->out;
    const shm_duplex_entry_t *entry = &end->lane->entries[end->in_next % SHM_DUPLEX_ENTRIES];
    if (entry->hdr_len != SHM_DUPLEX_FILLER)
        end->in_lines = (unsigned)((shm_duplex_payload_offset(entry->hdr_len) +
                                    entry->payload_len + SHM_CACHE_LINE - 1) /
                                   SHM_CACHE_LINE);
    end->known[end->in_next % SHM_DUPLEX_ENTRIES] =
        shm_duplex_state(SHM_DUPLEX_FULL, dir, end->in_next);
    end->in_next++;
    if (end->in_next % SHM_DUPLEX_CONSUMED_BATCH == 0)
        atomic_store_explicit(&end->lane->consumed[dir].n, end->in_next, memory_order_release);
}

#endif /* MINIMPI_SHM_DUPLEX_H */

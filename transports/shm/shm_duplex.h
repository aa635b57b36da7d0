/*
 * shm_duplex.h -- a pair's duplex lane: the smallest messages of both
 * directions between two ranks share cache lines, the lower rank's message
 * number k in the first half of line k % SHM_DUPLEX_LINES, the higher
 * rank's message number k in the second half of the same line.
 *
 * Why.  In a ping-pong the answer is then written into the line its
 * question was just read from, so each one-way trip moves one line once,
 * as the latency floor does (bench/p2p/floor); with a ring per direction
 * the writer first takes back a line the reader last held.  A bare
 * ping-pong on this machine's slower core pairing: 0.26-0.27 us one-way
 * with 16 duplex lines, 0.35-0.36 with two rings of 16 lines, 0.23 for one
 * line bounced.  Half a line holds a 10-byte header and 22 bytes of runtime
 * header and payload: the runtime's 12-byte envelope and up to 10 bytes
 * (every 0-8-byte message).  Two cache lines shared this way were slower
 * than two rings, so larger messages take the fast box (shm_fbox.h).
 *
 * Where.  Every fast box carries a lane; a pair uses the one of the box the
 * lower rank claimed in the higher rank's pool, which both find without
 * asking: the lower rank when it claims, the higher rank when it sees the
 * box in its pool.  A pair whose lower rank never claims that box (it sent
 * no small message to the higher rank, or the pool was full) has no lane.
 *
 * Algorithm: the fast box's (shm_fbox.c), per direction: sequence numbers
 * in the message, a counter of consumed messages on a line of the
 * receiver's.  The lane is a third path between the pair next to box and
 * queue; shm_ops.c keeps all three in send order.  A message in the lane
 * carries the low 16 bits of the sender's queue and box counters: a
 * receiver never lags a sender's path by 2^16 messages or more (a box
 * holds SHM_FBOX_SLOTS, a queue at most SHM_MAX_DEPTH = 2^15 cells), so
 * equal low bits mean equal counters.
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

/* Lines per lane: as for fast boxes, the fewer lines a lane cycles
 * through, the faster each one changes hands. */
#define SHM_DUPLEX_LINES 16u

/* The receiver reports what it consumed every this many messages. */
#define SHM_DUPLEX_CONSUMED_BATCH 8u

/* Direction 0 carries the lower rank's messages, direction 1 the higher's. */
typedef struct shm_duplex_half {
    /* Message number m is in line m % SHM_DUPLEX_LINES, whose seq reads
     * m + 1 once it holds it; compared only for equality. */
    _Atomic uint32_t seq;
    uint16_t queue_before;         /* low 16 bits of the sender's queue count */
    uint16_t fbox_before;          /* ... and of its next fast-box number */
    uint8_t hdr_len;
    uint8_t payload_len;
    unsigned char data[22];        /* hdr_len bytes of header, then the payload */
} shm_duplex_half_t;

static_assert(sizeof(shm_duplex_half_t) == SHM_CACHE_LINE / 2, "a half is half a line");

#define SHM_DUPLEX_MAX_INLINE (sizeof(((shm_duplex_half_t *)0)->data))

typedef struct shm_duplex {
    /* consumed[d]: written by the receiver of direction d only, read by
     * its sender when its bound says the lane is full (see shm_fbox.h). */
    struct {
        alignas(SHM_CACHE_LINE) _Atomic uint32_t n;
    } consumed[2];
    alignas(SHM_CACHE_LINE) shm_duplex_half_t lines[SHM_DUPLEX_LINES][2];
} shm_duplex_t;

static_assert(sizeof(shm_duplex_t) == (2 + SHM_DUPLEX_LINES) * SHM_CACHE_LINE,
              "a lane is two counter lines and its lines");
static_assert(SHM_DUPLEX_LINES % SHM_DUPLEX_CONSUMED_BATCH == 0, "batches divide the lane");

/* Lay out an empty lane whose messages are numbered from `first` both ways. */
void shm_duplex_init(shm_duplex_t *lane, uint32_t first);

/* The hdr_len of a filler: a lane message that carries nothing, written
 * only to move the sender's next message to another line
 * (shm_duplex_align); the receiver consumes it in its turn, in order. */
#define SHM_DUPLEX_FILLER 0xffu

static_assert(SHM_DUPLEX_MAX_INLINE < SHM_DUPLEX_FILLER, "no header is as long as a filler's");

/* Sender: room for message number m (see shm_room). */
static inline int shm_duplex_room(shm_duplex_t *lane, unsigned dir, uint32_t m, uint32_t *limit)
{
    return shm_room(&lane->consumed[dir].n, SHM_DUPLEX_LINES, m, limit);
}

/* Write message number m (hdr_len SHM_DUPLEX_FILLER: a filler) and publish it. */
static inline void shm_duplex_write(shm_duplex_t *lane, unsigned dir, uint32_t m,
                                    uint32_t queue_before, uint32_t fbox_before, const void *hdr,
                                    size_t hdr_len, const void *payload, size_t payload_len)
{
    shm_duplex_half_t *half = &lane->lines[m % SHM_DUPLEX_LINES][dir];
    half->queue_before = (uint16_t)queue_before;
    half->fbox_before = (uint16_t)fbox_before;
    half->hdr_len = (uint8_t)hdr_len;
    half->payload_len = (uint8_t)payload_len;
    if (hdr_len != SHM_DUPLEX_FILLER) {
        copy_small(half->data, hdr, hdr_len);
        copy_small(half->data + hdr_len, payload, payload_len);
    }
    atomic_store_explicit(&half->seq, m + 1, memory_order_release);
}

/*
 * Sender in direction `dir`: write message number *next and publish it,
 * then advance *next: TP_OK.  TP_AGAIN when the lane is full that way or
 * the message does not fit; nothing is written then.  *limit as for
 * shm_fbox_push.  `queue_before` and `fbox_before` are the sender's
 * counters of its other two paths to the receiver (truncated here).
 */
static inline tp_status_t shm_duplex_push(shm_duplex_t *lane, unsigned dir, uint32_t *next,
                                          uint32_t *limit, uint32_t queue_before,
                                          uint32_t fbox_before, const void *hdr, size_t hdr_len,
                                          const void *payload, size_t payload_len)
{
    if (hdr_len + payload_len > SHM_DUPLEX_MAX_INLINE || !shm_duplex_room(lane, dir, *next, limit))
        return TP_AGAIN;
    shm_duplex_write(lane, dir, *next, queue_before, fbox_before, hdr, hdr_len, payload,
                     payload_len);
    (*next)++;
    return TP_OK;
}

/*
 * Sender in direction `dir` that read the other direction's message number
 * `last_in` since its own last message: make its next message answer in
 * that message's line, where the peer reads next (the point of the lane),
 * by writing fillers into the lines before it.  Needed when the two
 * directions' counts differ (a message that went by box or queue, one not
 * answered); once aligned, a ping-pong stays so without fillers.  Nothing
 * is done when our last message is already in that line (we asked, the
 * peer answered: our next question takes the next line) or when the lane
 * lacks room for the fillers and the message.
 */
static inline void shm_duplex_align(shm_duplex_t *lane, unsigned dir, uint32_t *next,
                                    uint32_t *limit, uint32_t last_in, uint32_t queue_before,
                                    uint32_t fbox_before)
{
    /* Numbers map to lines modulo SHM_DUPLEX_LINES, which divides 2^32. */
    uint32_t gap = (last_in - *next) % SHM_DUPLEX_LINES;
    if (gap == 0 || (*next - 1) % SHM_DUPLEX_LINES == last_in % SHM_DUPLEX_LINES ||
        !shm_duplex_room(lane, dir, *next + gap, limit))
        return;
    for (uint32_t i = 0; i < gap; i++, (*next)++)
        shm_duplex_write(lane, dir, *next, queue_before, fbox_before, NULL, SHM_DUPLEX_FILLER,
                         NULL, 0);
}

/* Receiver of direction `dir`: message number `next` if it has arrived, else NULL. */
static inline const shm_duplex_half_t *shm_duplex_peek(shm_duplex_t *lane, unsigned dir,
                                                       uint32_t next)
{
    shm_duplex_half_t *half = &lane->lines[next % SHM_DUPLEX_LINES][dir];
    return atomic_load_explicit(&half->seq, memory_order_acquire) == next + 1 ? half : NULL;
}

/* Receiver: done with message number *next; advance it, hand back a batch. */
static inline void shm_duplex_pop(shm_duplex_t *lane, unsigned dir, uint32_t *next)
{
    (*next)++;
    if (*next % SHM_DUPLEX_CONSUMED_BATCH == 0)
        atomic_store_explicit(&lane->consumed[dir].n, *next, memory_order_release);
}

#endif /* MINIMPI_SHM_DUPLEX_H */

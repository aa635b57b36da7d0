/*
 * check_shm_fbox.c -- fast boxes on their own, in an anonymous mapping:
 * message numbers that wrap around 2^32, a full box that refuses and then
 * recovers a batch of slots at a time, messages too big for a slot, every header and payload length
 * up to the inline limit, the one-line layout of a message of up to 40
 * bytes behind a 12-byte envelope, claims from a receiver's pool running
 * out, and the duplex lane every box carries (both directions at once,
 * full and wrapping; an answer in its question's entry; an entry the other
 * side took).  (The order
 * between a box and the queue is tested on the whole transport, in
 * check_shm_transport.)
 */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transports/shm/shm_fbox.h"
#include "check_run.h"

static shm_fbox_pool_t *pool_new(uint32_t first)
{
    void *mem = mmap(NULL, sizeof(shm_fbox_pool_t), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(mem, MAP_FAILED);
    shm_fbox_pool_init(mem, first);
    return mem;
}

static void pool_free(shm_fbox_pool_t *pool)
{
    munmap(pool, sizeof(*pool));
}

/* Sends `count` messages numbered from `first`, receiving in batches of
 * `batch`, checking every header and payload on the way out.  A batch fits
 * the box when every earlier message was consumed: at most
 * SHM_FBOX_SLOTS - SHM_FBOX_CONSUMED_BATCH + 1, since the receiver hands
 * slots back in batches. */
static void stream(uint32_t first, unsigned count, unsigned batch)
{
    shm_fbox_pool_t *pool = pool_new(first);
    shm_fbox_t *box = shm_fbox_claim(pool, 3);
    ck_assert_ptr_nonnull(box);
    uint32_t snext = first, slimit = first, rnext = first;
    unsigned sent = 0, got = 0;
    while (got < count) {
        for (unsigned b = 0; b < batch && sent < count; b++, sent++) {
            uint32_t hdr = sent, payload[4] = {sent, ~sent, sent * 7u, 1};
            size_t len = (sent % 5) * 4;  /* 0..16 bytes */
            ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, sent * 3u, 0, &hdr, sizeof(hdr),
                                           payload, len),
                             TP_OK);
        }
        const shm_fbox_slot_t *slot;
        while ((slot = shm_fbox_peek(box, rnext)) != NULL) {
            uint32_t hdr;
            ck_assert_uint_eq(slot->hdr_len, sizeof(hdr));
            memcpy(&hdr, shm_fbox_slot_hdr(slot), sizeof(hdr));
            ck_assert_uint_eq(hdr, got);
            ck_assert_uint_eq(slot->queue_before, got * 3u);
            ck_assert_uint_eq(slot->payload_len, (got % 5) * 4);
            uint32_t payload[4] = {0};
            memcpy(payload, shm_fbox_slot_payload(slot), slot->payload_len);
            if (slot->payload_len >= 8) {
                ck_assert_uint_eq(payload[0], got);
                ck_assert_uint_eq(payload[1], ~got);
            }
            shm_fbox_pop(box, &rnext);
            got++;
        }
        ck_assert_uint_eq(got, sent);
    }
    ck_assert_uint_eq(snext, first + count);
    ck_assert_uint_eq(rnext, first + count);
    pool_free(pool);
}

START_TEST(test_numbers_wrap_around)
{
    /* Starting just below 2^32, every batch size crosses the wrap. */
    stream(0xffffffffu - 5, 5 * SHM_FBOX_SLOTS, 1);
    stream(0xffffffffu - 100, 5 * SHM_FBOX_SLOTS, 7);
    stream(0xffffffffu - 100, 5 * SHM_FBOX_SLOTS,
           SHM_FBOX_SLOTS - SHM_FBOX_CONSUMED_BATCH + 1);
    stream(SHM_FBOX_FIRST, 5 * SHM_FBOX_SLOTS, SHM_FBOX_SLOTS);
    stream(SHM_FBOX_FIRST, 5 * SHM_FBOX_SLOTS, SHM_FBOX_SLOTS - SHM_FBOX_CONSUMED_BATCH - 1);
    stream(0, 3 * SHM_FBOX_SLOTS, 5);
}
END_TEST

START_TEST(test_full_box_refuses_then_recovers)
{
    shm_fbox_pool_t *pool = pool_new(0xfffffff0u);
    shm_fbox_t *box = shm_fbox_claim(pool, 0);
    uint32_t snext = 0xfffffff0u, slimit = snext, rnext = snext;
    for (uint32_t i = 0; i < SHM_FBOX_SLOTS; i++)
        ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, &i, sizeof(i), NULL, 0), TP_OK);
    uint32_t extra = 99;
    uint32_t before = snext;
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, &extra, sizeof(extra), NULL, 0),
                     TP_AGAIN);
    ck_assert_uint_eq(snext, before);           /* nothing taken */
    /* Slots come back a batch at a time: one message out frees none yet,
     * a whole batch frees the batch's slots. */
    const shm_fbox_slot_t *slot;
    for (uint32_t i = 0; i < SHM_FBOX_CONSUMED_BATCH; i++) {
        slot = shm_fbox_peek(box, rnext);
        ck_assert_ptr_nonnull(slot);
        shm_fbox_pop(box, &rnext);
        if (i + 1 < SHM_FBOX_CONSUMED_BATCH)
            ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, &extra, sizeof(extra), NULL,
                                           0),
                             TP_AGAIN);
    }
    for (uint32_t i = 0; i < SHM_FBOX_CONSUMED_BATCH; i++)
        ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, &extra, sizeof(extra), NULL, 0),
                         TP_OK);
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, &extra, sizeof(extra), NULL, 0),
                     TP_AGAIN);
    /* The rest come out in order, the extra ones last. */
    for (uint32_t i = SHM_FBOX_CONSUMED_BATCH; i < SHM_FBOX_SLOTS + SHM_FBOX_CONSUMED_BATCH; i++) {
        slot = shm_fbox_peek(box, rnext);
        ck_assert_ptr_nonnull(slot);
        uint32_t v;
        memcpy(&v, shm_fbox_slot_hdr(slot), sizeof(v));
        ck_assert_uint_eq(v, i < SHM_FBOX_SLOTS ? i : extra);
        shm_fbox_pop(box, &rnext);
    }
    ck_assert_ptr_null(shm_fbox_peek(box, rnext));
    pool_free(pool);
}
END_TEST

START_TEST(test_too_big_is_refused)
{
    shm_fbox_pool_t *pool = pool_new(0);
    shm_fbox_t *box = shm_fbox_claim(pool, 0);
    static char big[SHM_FBOX_MAX_INLINE + 1];
    uint32_t snext = 0, slimit = 0;
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, big, 40, big, SHM_FBOX_MAX_INLINE - 40),
                     TP_OK);
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, big, 40, big, SHM_FBOX_MAX_INLINE - 39),
                     TP_AGAIN);
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, big, 12, big, SHM_FBOX_MAX_INLINE - 11),
                     TP_AGAIN);
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, NULL, 0, big, SHM_FBOX_MAX_INLINE + 1),
                     TP_AGAIN);
    ck_assert_uint_eq(snext, 1);
    pool_free(pool);
}
END_TEST

/* Every header length and every payload length that fits, in turn, with
 * the bytes checked on the way out and the slot's lengths read back. */
START_TEST(test_every_size_up_to_the_limit)
{
    static const size_t hdr_lens[] = {0, 12, 16, 40, SHM_FBOX_MAX_INLINE};
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_fbox_t *box = shm_fbox_claim(pool, 1);
    uint32_t snext = SHM_FBOX_FIRST, slimit = snext, rnext = snext;
    unsigned char hdr[SHM_FBOX_MAX_INLINE], payload[SHM_FBOX_MAX_INLINE];
    unsigned n = 0;
    for (size_t h = 0; h < sizeof(hdr_lens) / sizeof(hdr_lens[0]); h++) {
        size_t hl = hdr_lens[h];
        for (size_t pl = 0; hl + pl <= SHM_FBOX_MAX_INLINE; pl++, n++) {
            for (size_t i = 0; i < hl; i++)
                hdr[i] = (unsigned char)(n * 7 + i);
            for (size_t i = 0; i < pl; i++)
                payload[i] = (unsigned char)(n * 13 + i * 3 + 1);
            ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, n, 0, hdr, hl, payload, pl), TP_OK);
            const shm_fbox_slot_t *slot = shm_fbox_peek(box, rnext);
            ck_assert_ptr_nonnull(slot);
            ck_assert_uint_eq(slot->hdr_len, hl);
            ck_assert_uint_eq(slot->payload_len, pl);
            ck_assert_uint_eq(slot->queue_before, n);
            ck_assert_int_eq(memcmp(shm_fbox_slot_hdr(slot), hdr, hl), 0);
            ck_assert_int_eq(memcmp(shm_fbox_slot_payload(slot), payload, pl), 0);
            /* The message stays within its own slot. */
            ck_assert_uint_le((size_t)((const char *)shm_fbox_slot_payload(slot) + pl -
                                       (const char *)slot), SHM_FBOX_SLOT_SIZE);
            shm_fbox_pop(box, &rnext);
        }
    }
    ck_assert_uint_eq(snext, SHM_FBOX_FIRST + n);
    ck_assert_uint_eq(rnext, snext);
    ck_assert_ptr_null(shm_fbox_peek(box, rnext));
    pool_free(pool);
}
END_TEST

START_TEST(test_small_message_is_one_line)
{
    /* The runtime's 12-byte envelope (rt_pkt_short_t) and up to 40 bytes
     * of payload end within the slot's first cache line: one line written,
     * one line read.  Checked on a real slot of a real box. */
    shm_fbox_pool_t *pool = pool_new(0);
    shm_fbox_t *box = shm_fbox_claim(pool, 0);
    uint32_t snext = 0, slimit = 0;
    unsigned char bytes[40] = {0};
    ck_assert_int_eq(shm_fbox_push(box, &snext, &slimit, 0, 0, bytes, 12, bytes, 40), TP_OK);
    const shm_fbox_slot_t *slot = shm_fbox_peek(box, 0);
    ck_assert_ptr_nonnull(slot);
    ck_assert_uint_eq((uintptr_t)slot % SHM_CACHE_LINE, 0);
    ck_assert_uint_le((size_t)((const char *)shm_fbox_slot_payload(slot) + 40 - (const char *)slot),
                      SHM_CACHE_LINE);
    ck_assert_uint_eq(SHM_FBOX_SLOT_SIZE % SHM_CACHE_LINE, 0);
    ck_assert_uint_eq(offsetof(shm_fbox_t, slots) % SHM_CACHE_LINE, 0);
    /* And 64 bytes of payload, the top of the latency range, fit a slot. */
    ck_assert_uint_ge(SHM_FBOX_MAX_INLINE, 12 + 64);
    pool_free(pool);
}
END_TEST

START_TEST(test_pool_runs_out)
{
    shm_fbox_pool_t *pool = pool_new(0);
    ck_assert_uint_eq(shm_fbox_num_claimed(pool), 0);
    ck_assert_ptr_null(shm_fbox_claimed(pool, 0));
    for (uint32_t i = 0; i < SHM_FBOX_PER_RANK; i++) {
        shm_fbox_t *box = shm_fbox_claim(pool, (int)(10 + i));
        ck_assert_ptr_nonnull(box);
        ck_assert_ptr_eq(shm_fbox_claimed(pool, i), box);
        ck_assert_int_eq(atomic_load(&box->owner), (int)(10 + i));
    }
    ck_assert_ptr_null(shm_fbox_claim(pool, 99));
    ck_assert_ptr_null(shm_fbox_claim(pool, 100));
    ck_assert_uint_eq(shm_fbox_num_claimed(pool), SHM_FBOX_PER_RANK);
    ck_assert_ptr_null(shm_fbox_claimed(pool, SHM_FBOX_PER_RANK));
    pool_free(pool);
}
END_TEST

/* ---- Duplex lanes ------------------------------------------------------ */

/* The two ends of a fresh lane: end[0] sends direction 0 (the lower rank),
 * end[1] direction 1. */
static shm_duplex_t *lane_open(shm_fbox_pool_t *pool, shm_duplex_end_t end[2], uint32_t first)
{
    shm_duplex_t *lane = &shm_fbox_claim(pool, 0)->duplex;
    for (unsigned d = 0; d < 2; d++) {
        shm_duplex_end_init(&end[d], first);
        shm_duplex_end_open(&end[d], lane, d);
    }
    return lane;
}

/* What an entry holds, as the test keeps it: the direction and number of
 * the last message written there, dir -1 before any. */
typedef struct {
    int dir;
    uint32_t m;
} held_t;

/* Whether end[d]'s next message may go: its entry is empty, or holds one
 * of our own messages whose reader reported it consumed (in batches), or
 * one of the other direction's that we have read. */
static int entry_free(const shm_duplex_end_t end[2], const held_t *held, unsigned d)
{
    uint32_t m = end[d].out_next;
    const held_t *h = &held[m % SHM_DUPLEX_ENTRIES];
    if (h->dir < 0)
        return 1;
    if ((unsigned)h->dir == d) {
        uint32_t reported = end[1 - d].in_next & ~(SHM_DUPLEX_CONSUMED_BATCH - 1);
        return m - reported < SHM_DUPLEX_ENTRIES;
    }
    return (int32_t)(end[d].in_next - h->m) > 0;
}

/* Both directions of one lane, numbers wrapping around 2^32: each side
 * sends `burst` messages (the sides take turns going first), then reads
 * the other's, round after round.  Every message goes exactly when its
 * entry is free, and comes out whole, in order, with the counters it
 * carried; both sides fill the lane, both meet entries the other holds. */
START_TEST(test_duplex_both_ways_wrap_and_fill)
{
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_end_t end[2];
    lane_open(pool, end, SHM_FBOX_FIRST);
    held_t held[SHM_DUPLEX_ENTRIES];
    for (unsigned k = 0; k < SHM_DUPLEX_ENTRIES; k++)
        held[k].dir = -1;
    uint32_t sent[2] = {0, 0}, got[2] = {0, 0};
    unsigned refused_own = 0, refused_other = 0;
    /* Bursts of 1 to SHM_DUPLEX_ENTRIES + 3, twice over. */
    for (unsigned round = 0; round < 2 * (SHM_DUPLEX_ENTRIES + 3); round++) {
        unsigned burst = 1 + round % (SHM_DUPLEX_ENTRIES + 3);
        for (unsigned i = 0; i < 2; i++) {
            unsigned d = (round + i) % 2;
            for (unsigned j = 0; j < burst; j++) {
                uint32_t v = sent[d] * 2 + d;
                unsigned char payload[SHM_DUPLEX_MAX_INLINE - sizeof(v)];
                size_t plen = sent[d] % (sizeof(payload) + 1);
                memset(payload, (int)(v & 0xff), plen);
                int free_now = entry_free(end, held, d);
                held_t before = held[end[d].out_next % SHM_DUPLEX_ENTRIES];
                uint32_t m = end[d].out_next;
                tp_status_t st = shm_duplex_push(&end[d], sent[d] * 3, sent[d] * 7, &v,
                                                 sizeof(v), payload, plen);
                ck_assert_int_eq(st, free_now ? TP_OK : TP_AGAIN);
                if (st == TP_AGAIN) {
                    ck_assert_uint_eq(end[d].out_next, m);
                    if ((unsigned)before.dir == d)
                        refused_own++;
                    else
                        refused_other++;
                    break;
                }
                ck_assert_uint_eq(end[d].out_next, m + 1);
                held[m % SHM_DUPLEX_ENTRIES] = (held_t){(int)d, m};
                sent[d]++;
            }
        }
        for (unsigned d = 0; d < 2; d++) {
            shm_duplex_end_t *reader = &end[1 - d];
            const shm_duplex_entry_t *entry;
            while ((entry = shm_duplex_peek(reader)) != NULL) {
                uint32_t v;
                ck_assert_uint_eq(entry->hdr_len, sizeof(v));
                memcpy(&v, entry->data, sizeof(v));
                ck_assert_uint_eq(v, got[d] * 2 + d);
                ck_assert_uint_eq(entry->queue_before, (uint16_t)(got[d] * 3));
                ck_assert_uint_eq(entry->fbox_before, (uint16_t)(got[d] * 7));
                ck_assert_uint_eq(entry->payload_len,
                                  got[d] % (SHM_DUPLEX_MAX_INLINE - sizeof(v) + 1));
                const unsigned char *p = shm_duplex_payload(entry);
                ck_assert_uint_eq((uintptr_t)p % SHM_DUPLEX_PAYLOAD_ALIGN, 0);
                for (unsigned k = 0; k < entry->payload_len; k++)
                    ck_assert_uint_eq(p[k], v & 0xff);
                shm_duplex_pop(reader);
                got[d]++;
            }
            ck_assert_uint_eq(got[d], sent[d]);
        }
    }
    /* Far enough to wrap (64 below 2^32) and to fill the lane many times. */
    ck_assert_uint_gt(sent[0], 4 * SHM_DUPLEX_ENTRIES);
    ck_assert_uint_gt(sent[1], 4 * SHM_DUPLEX_ENTRIES);
    ck_assert_uint_gt(refused_own, 0);
    ck_assert_uint_gt(refused_other, 0);
    pool_free(pool);
}
END_TEST

/* What the lane is for: the answer to a message goes into the entry that
 * message was read from.  An answer tried before its question is read is
 * refused, and goes once it is.  A message that does not fit is refused. */
START_TEST(test_duplex_answer_takes_the_question_entry)
{
    shm_fbox_pool_t *pool = pool_new(0);
    shm_duplex_end_t end[2];
    lane_open(pool, end, 0);
    unsigned char bytes[SHM_DUPLEX_MAX_INLINE + 1] = {0};
    /* The most payload behind a 12-byte header (the runtime's envelope). */
    size_t most = sizeof(shm_duplex_entry_t) - shm_duplex_payload_offset(12);
    for (unsigned k = 0; k < 3 * SHM_DUPLEX_ENTRIES; k++) {
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, bytes, 12, bytes, most), TP_OK);
        /* Its entry holds the question, unread: the answer waits, also
         * when tried again (it knows now what the entry holds). */
        uint32_t before = end[1].out_next;
        for (unsigned again = 0; again < 2; again++)
            ck_assert_int_eq(shm_duplex_push(&end[1], 0, 0, bytes, 12, bytes, 8), TP_AGAIN);
        ck_assert_uint_eq(end[1].out_next, before);
        const shm_duplex_entry_t *q = shm_duplex_peek(&end[1]);
        ck_assert_ptr_nonnull(q);
        shm_duplex_pop(&end[1]);
        ck_assert_int_eq(shm_duplex_push(&end[1], 0, 0, bytes, 12, bytes, 8), TP_OK);
        const shm_duplex_entry_t *a = shm_duplex_peek(&end[0]);
        ck_assert_ptr_eq(a, q);
        ck_assert_uint_eq(a->payload_len, 8);
        shm_duplex_pop(&end[0]);
    }
    uint32_t before = end[0].out_next;
    ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, bytes, 12, bytes, most + 1), TP_AGAIN);
    ck_assert_uint_eq(end[0].out_next, before);
    ck_assert_ptr_null(shm_duplex_peek(&end[1]));
    pool_free(pool);
}
END_TEST

/* An entry our own record calls free (our message there, reported read)
 * that the other side has since taken for an answer we have not read: the
 * claim fails without writing, and succeeds once we read the answer. */
START_TEST(test_duplex_taken_entry_refuses_until_read)
{
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_end_t end[2];
    shm_duplex_t *lane = lane_open(pool, end, SHM_FBOX_FIRST);
    uint32_t v = 1;
    /* Direction 0 sends a batch; direction 1 reads it (reporting it
     * consumed) and answers the first one's entry number with a message of
     * its own number SHM_FBOX_FIRST: entry 0 of the batch. */
    for (unsigned k = 0; k < SHM_DUPLEX_CONSUMED_BATCH; k++)
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    for (unsigned k = 0; k < SHM_DUPLEX_CONSUMED_BATCH; k++) {
        ck_assert_ptr_nonnull(shm_duplex_peek(&end[1]));
        shm_duplex_pop(&end[1]);
    }
    v = 2;
    ck_assert_int_eq(shm_duplex_push(&end[1], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    shm_duplex_entry_t *taken = &lane->entries[SHM_FBOX_FIRST % SHM_DUPLEX_ENTRIES];
    uint32_t answer = atomic_load(&taken->state);
    /* Direction 0 goes around the lane up to that entry again. */
    v = 3;
    for (unsigned k = SHM_DUPLEX_CONSUMED_BATCH; k < SHM_DUPLEX_ENTRIES; k++)
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    uint32_t m = end[0].out_next;
    ck_assert_uint_eq(m % SHM_DUPLEX_ENTRIES, SHM_FBOX_FIRST % SHM_DUPLEX_ENTRIES);
    ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_AGAIN);
    ck_assert_uint_eq(end[0].out_next, m);
    ck_assert_uint_eq(atomic_load(&taken->state), answer);
    /* Read the answer: the entry is free again. */
    const shm_duplex_entry_t *entry = shm_duplex_peek(&end[0]);
    ck_assert_ptr_eq(entry, taken);
    memcpy(&v, entry->data, sizeof(v));
    ck_assert_uint_eq(v, 2);
    shm_duplex_pop(&end[0]);
    ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    ck_assert_uint_eq(end[0].out_next, m + 1);
    pool_free(pool);
}
END_TEST

/* Counts that differ (direction 0 sent 3 messages that were not answered
 * in the lane): the answer is moved into its question's entry by fillers,
 * which the receiver finds in order; once aligned, no more fillers; and
 * fillers that would need entries not free move nothing. */
START_TEST(test_duplex_align_moves_the_answer)
{
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_end_t end[2];
    lane_open(pool, end, SHM_FBOX_FIRST);
    uint32_t v = 7;
    const shm_duplex_entry_t *entry;
    for (unsigned k = 0; k < 3; k++) {
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
        ck_assert_ptr_nonnull(shm_duplex_peek(&end[1]));
        shm_duplex_pop(&end[1]);
    }
    for (unsigned k = 0; k < 2 * SHM_DUPLEX_ENTRIES; k++) {
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
        const shm_duplex_entry_t *q = shm_duplex_peek(&end[1]);
        ck_assert_ptr_nonnull(q);
        shm_duplex_pop(&end[1]);
        uint32_t before = end[1].out_next;
        shm_duplex_align(&end[1], 0, 0);
        ck_assert_uint_eq(end[1].out_next - before, k == 0 ? 3u : 0u);
        ck_assert_int_eq(shm_duplex_push(&end[1], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
        /* The receiver of direction 1 passes the fillers, then the answer. */
        unsigned fillers = 0;
        while ((entry = shm_duplex_peek(&end[0])) != NULL && entry->hdr_len == SHM_DUPLEX_FILLER) {
            shm_duplex_pop(&end[0]);
            fillers++;
        }
        ck_assert_uint_eq(fillers, k == 0 ? 3u : 0u);
        ck_assert_ptr_eq(entry, q);
        ck_assert_uint_eq(entry->hdr_len, sizeof(v));
        shm_duplex_pop(&end[0]);
        /* The asker's next question takes the next entry: no fillers. */
        before = end[0].out_next;
        shm_duplex_align(&end[0], 0, 0);
        ck_assert_uint_eq(end[0].out_next, before);
    }
    /* Direction 0 sends 3 that direction 1 reads; direction 1 then fills
     * the lane without reading (its own messages, unread, in every entry):
     * the alignment to the third needs 2 fillers in entries holding its
     * own unread messages, and moves nothing. */
    for (unsigned k = 0; k < 3; k++) {
        ck_assert_int_eq(shm_duplex_push(&end[0], 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
        ck_assert_ptr_nonnull(shm_duplex_peek(&end[1]));
        shm_duplex_pop(&end[1]);
    }
    unsigned sent = 0;
    while (shm_duplex_push(&end[1], 0, 0, &v, sizeof(v), NULL, 0) == TP_OK)
        sent++;
    ck_assert_uint_ge(sent, SHM_DUPLEX_ENTRIES - SHM_DUPLEX_CONSUMED_BATCH);
    ck_assert_uint_ne((end[1].in_next - 1 - end[1].out_next) % SHM_DUPLEX_ENTRIES, 0);
    ck_assert_uint_ne((end[1].out_next - 1) % SHM_DUPLEX_ENTRIES,
                      (end[1].in_next - 1) % SHM_DUPLEX_ENTRIES);
    uint32_t before = end[1].out_next;
    shm_duplex_align(&end[1], 0, 0);
    ck_assert_uint_eq(end[1].out_next, before);
    pool_free(pool);
}
END_TEST

/* One end of test_duplex_two_processes: send `count` messages (message i
 * carries i and i % 50 bytes of i's low byte), trying again while the lane
 * refuses, and read the other side's meanwhile, checking each.  Returns
 * the number of refusals, or -1 at the first wrong message. */
static long duplex_stream(shm_duplex_end_t *end, uint32_t count)
{
    uint32_t sent = 0, got = 0;
    long refused = 0;
    while (sent < count || got < count) {
        if (sent < count) {
            unsigned char payload[50];
            size_t plen = sent % sizeof(payload);
            memset(payload, (int)(sent & 0xff), plen);
            if (shm_duplex_push(end, sent, ~sent, &sent, sizeof(sent), payload, plen) == TP_OK)
                sent++;
            else
                refused++;
        }
        const shm_duplex_entry_t *entry;
        while ((entry = shm_duplex_peek(end)) != NULL) {
            uint32_t v;
            memcpy(&v, entry->data, sizeof(v));
            if (entry->hdr_len != sizeof(v) || v != got || entry->payload_len != got % 50 ||
                entry->queue_before != (uint16_t)got || entry->fbox_before != (uint16_t)~got)
                return -1;
            for (unsigned k = 0; k < entry->payload_len; k++)
                if (shm_duplex_payload(entry)[k] != (got & 0xff))
                    return -1;
            shm_duplex_pop(end);
            got++;
        }
    }
    return refused;
}

/* Both ends in two processes sending at once, as fast as they can: their
 * claims of the same entries race for real (compare-and-swap), and every
 * message still arrives once, whole and in order, both ways. */
START_TEST(test_duplex_two_processes)
{
    enum { COUNT = 200000 };
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_end_t end[2];
    lane_open(pool, end, SHM_FBOX_FIRST);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0)
        _exit(duplex_stream(&end[1], COUNT) < 0 ? 1 : 0);
    long refused = duplex_stream(&end[0], COUNT);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_int_ge(refused, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shm_fbox");
    TCase *tc = tcase_create("fbox");
    tcase_add_test(tc, test_numbers_wrap_around);
    tcase_add_test(tc, test_full_box_refuses_then_recovers);
    tcase_add_test(tc, test_too_big_is_refused);
    tcase_add_test(tc, test_every_size_up_to_the_limit);
    tcase_add_test(tc, test_small_message_is_one_line);
    tcase_add_test(tc, test_pool_runs_out);
    tcase_add_test(tc, test_duplex_both_ways_wrap_and_fill);
    tcase_add_test(tc, test_duplex_answer_takes_the_question_entry);
    tcase_add_test(tc, test_duplex_taken_entry_refuses_until_read);
    tcase_add_test(tc, test_duplex_align_moves_the_answer);
    tcase_add_test(tc, test_duplex_two_processes);
    suite_add_tcase(s, tc);
    return check_run(s);
}

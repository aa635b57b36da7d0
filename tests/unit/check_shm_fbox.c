/*
 * check_shm_fbox.c -- fast boxes on their own, in an anonymous mapping:
 * message numbers that wrap around 2^32, a full box that refuses and then
 * recovers a batch of slots at a time, messages too big for a slot, every header and payload length
 * up to the inline limit, the one-line layout of a message of up to 40
 * bytes behind a 12-byte envelope, claims from a receiver's pool running
 * out, and the duplex lane every box carries (both directions at once,
 * full and wrapping; an answer in its question's line).  (The order
 * between a box and the queue is tested on the whole transport, in
 * check_shm_transport.)
 */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

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

/* Both directions of one lane at once, numbers wrapping around 2^32: each
 * side sends `burst` messages, then reads the other's, round after round;
 * every message comes out whole, in order, with the counters it carried,
 * and each side's messages refuse to go once the other has not handed
 * back room. */
START_TEST(test_duplex_both_ways_wrap_and_fill)
{
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_t *lane = &shm_fbox_claim(pool, 0)->duplex;
    uint32_t snext[2], slimit[2], rnext[2], sent[2] = {0, 0}, got[2] = {0, 0};
    unsigned refused = 0;
    for (unsigned d = 0; d < 2; d++)
        snext[d] = slimit[d] = rnext[d] = SHM_FBOX_FIRST;
    for (unsigned round = 0; round < 40; round++) {
        unsigned burst = 1 + round % SHM_DUPLEX_LINES;
        for (unsigned d = 0; d < 2; d++) {
            for (unsigned i = 0; i < burst; i++) {
                uint32_t v = sent[d] * 2 + d;
                unsigned char payload[SHM_DUPLEX_MAX_INLINE - sizeof(v)];
                size_t plen = sent[d] % (sizeof(payload) + 1);
                memset(payload, (int)(v & 0xff), plen);
                /* Room: what the other side consumed, reported in batches. */
                uint32_t consumed = rnext[d] & ~(SHM_DUPLEX_CONSUMED_BATCH - 1);
                int room = snext[d] - consumed < SHM_DUPLEX_LINES;
                tp_status_t st = shm_duplex_push(lane, d, &snext[d], &slimit[d], sent[d] * 3,
                                                 sent[d] * 7, &v, sizeof(v), payload, plen);
                ck_assert_int_eq(st, room ? TP_OK : TP_AGAIN);
                if (st == TP_AGAIN) {
                    refused++;
                    break;
                }
                sent[d]++;
            }
        }
        for (unsigned d = 0; d < 2; d++) {
            const shm_duplex_half_t *half;
            while ((half = shm_duplex_peek(lane, d, rnext[d])) != NULL) {
                uint32_t v;
                ck_assert_uint_eq(half->hdr_len, sizeof(v));
                memcpy(&v, half->data, sizeof(v));
                ck_assert_uint_eq(v, got[d] * 2 + d);
                ck_assert_uint_eq(half->queue_before, (uint16_t)(got[d] * 3));
                ck_assert_uint_eq(half->fbox_before, (uint16_t)(got[d] * 7));
                ck_assert_uint_eq(half->payload_len, got[d] % (SHM_DUPLEX_MAX_INLINE - sizeof(v) + 1));
                for (unsigned k = 0; k < half->payload_len; k++)
                    ck_assert_uint_eq(half->data[sizeof(v) + k], v & 0xff);
                shm_duplex_pop(lane, d, &rnext[d]);
                got[d]++;
            }
            ck_assert_uint_eq(got[d], sent[d]);
        }
    }
    /* Far enough to wrap (64 below 2^32) and to fill the lane many times. */
    ck_assert_uint_gt(sent[0], 4 * SHM_DUPLEX_LINES);
    ck_assert_uint_gt(refused, 0);
    pool_free(pool);
}
END_TEST

/* What the lane is for: the answer to message k goes into the line
 * message k was read from; and a message that does not fit is refused. */
START_TEST(test_duplex_answer_shares_the_line)
{
    shm_fbox_pool_t *pool = pool_new(0);
    shm_duplex_t *lane = &shm_fbox_claim(pool, 0)->duplex;
    uint32_t snext[2] = {0, 0}, slimit[2] = {0, 0}, rnext[2] = {0, 0};
    unsigned char bytes[SHM_DUPLEX_MAX_INLINE + 1] = {0};
    for (unsigned k = 0; k < 3 * SHM_DUPLEX_LINES; k++) {
        ck_assert_int_eq(shm_duplex_push(lane, 0, &snext[0], &slimit[0], 0, 0, bytes, 12, bytes,
                                         SHM_DUPLEX_MAX_INLINE - 12),
                         TP_OK);
        const shm_duplex_half_t *q = shm_duplex_peek(lane, 0, rnext[0]);
        ck_assert_ptr_nonnull(q);
        shm_duplex_pop(lane, 0, &rnext[0]);
        ck_assert_int_eq(shm_duplex_push(lane, 1, &snext[1], &slimit[1], 0, 0, bytes, 12, bytes, 8),
                         TP_OK);
        const shm_duplex_half_t *a = shm_duplex_peek(lane, 1, rnext[1]);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq((uintptr_t)q / SHM_CACHE_LINE, (uintptr_t)a / SHM_CACHE_LINE);
        ck_assert_ptr_ne(q, a);
        shm_duplex_pop(lane, 1, &rnext[1]);
    }
    uint32_t before = snext[0];
    ck_assert_int_eq(shm_duplex_push(lane, 0, &snext[0], &slimit[0], 0, 0, bytes, 12, bytes,
                                     SHM_DUPLEX_MAX_INLINE - 11),
                     TP_AGAIN);
    ck_assert_uint_eq(snext[0], before);
    ck_assert_ptr_null(shm_duplex_peek(lane, 0, rnext[0]));
    pool_free(pool);
}
END_TEST

/* Counts that differ (direction 0 sent 3 messages that were not answered
 * in the lane): the answer is moved into its question's line by fillers,
 * which the receiver finds in order; once aligned, no more fillers; and
 * without room for the fillers and the answer, nothing moves. */
START_TEST(test_duplex_align_moves_the_answer)
{
    shm_fbox_pool_t *pool = pool_new(SHM_FBOX_FIRST);
    shm_duplex_t *lane = &shm_fbox_claim(pool, 0)->duplex;
    uint32_t snext[2], slimit[2], rnext[2];
    for (unsigned d = 0; d < 2; d++)
        snext[d] = slimit[d] = rnext[d] = SHM_FBOX_FIRST;
    uint32_t v = 7;
    const shm_duplex_half_t *half;
    for (unsigned k = 0; k < 3; k++) {
        ck_assert_int_eq(shm_duplex_push(lane, 0, &snext[0], &slimit[0], 0, 0, &v, sizeof(v),
                                         NULL, 0), TP_OK);
        ck_assert_ptr_nonnull(shm_duplex_peek(lane, 0, rnext[0]));
        shm_duplex_pop(lane, 0, &rnext[0]);
    }
    for (unsigned k = 0; k < 2 * SHM_DUPLEX_LINES; k++) {
        ck_assert_int_eq(shm_duplex_push(lane, 0, &snext[0], &slimit[0], 0, 0, &v, sizeof(v),
                                         NULL, 0), TP_OK);
        const shm_duplex_half_t *q = shm_duplex_peek(lane, 0, rnext[0]);
        ck_assert_ptr_nonnull(q);
        shm_duplex_pop(lane, 0, &rnext[0]);
        uint32_t before = snext[1];
        shm_duplex_align(lane, 1, &snext[1], &slimit[1], rnext[0] - 1, 0, 0);
        ck_assert_uint_eq(snext[1] - before, k == 0 ? 3u : 0u);
        ck_assert_int_eq(shm_duplex_push(lane, 1, &snext[1], &slimit[1], 0, 0, &v, sizeof(v),
                                         NULL, 0), TP_OK);
        /* The receiver of direction 1 passes the fillers, then the answer. */
        unsigned fillers = 0;
        while ((half = shm_duplex_peek(lane, 1, rnext[1])) != NULL &&
               half->hdr_len == SHM_DUPLEX_FILLER) {
            shm_duplex_pop(lane, 1, &rnext[1]);
            fillers++;
        }
        ck_assert_uint_eq(fillers, k == 0 ? 3u : 0u);
        ck_assert_ptr_nonnull(half);
        ck_assert_uint_eq(half->hdr_len, sizeof(v));
        ck_assert_uint_eq((uintptr_t)q / SHM_CACHE_LINE, (uintptr_t)half / SHM_CACHE_LINE);
        shm_duplex_pop(lane, 1, &rnext[1]);
        /* The asker's next question takes the next line: no fillers. */
        before = snext[0];
        shm_duplex_align(lane, 0, &snext[0], &slimit[0], rnext[1] - 1, 0, 0);
        ck_assert_uint_eq(snext[0], before);
    }
    /* Direction 1 full (nothing more consumed): an alignment that needs
     * fillers does nothing. */
    unsigned sent = 0;
    while (shm_duplex_push(lane, 1, &snext[1], &slimit[1], 0, 0, &v, sizeof(v), NULL, 0) == TP_OK)
        sent++;
    ck_assert_uint_gt(sent, 0);
    uint32_t before = snext[1];
    shm_duplex_align(lane, 1, &snext[1], &slimit[1], snext[1] + 2, 0, 0);
    ck_assert_uint_eq(snext[1], before);
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
    tcase_add_test(tc, test_duplex_answer_shares_the_line);
    tcase_add_test(tc, test_duplex_align_moves_the_answer);
    suite_add_tcase(s, tc);
    return check_run(s);
}

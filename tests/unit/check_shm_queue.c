/*
 * check_shm_queue.c -- the shared-memory receive queue on its own, in an
 * anonymous shared mapping: boundaries, a full queue, wrap-around, and
 * several producer processes hammering one consumer at once.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "transports/shm/shm_queue.h"
#include "check_run.h"

/* Header every test message carries in the runtime-header part of a cell. */
typedef struct msg_hdr {
    uint32_t producer;
    uint32_t seq;
    uint32_t len;
    uint32_t checksum;             /* FNV-1a of the payload */
} msg_hdr_t;

static shm_queue_t *queue_new(uint32_t depth, uint32_t cell_size, size_t *bytes_out)
{
    size_t bytes = shm_queue_bytes(depth, cell_size);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(mem, MAP_FAILED);
    ck_assert(shm_queue_geometry_ok(depth, cell_size));
    shm_queue_init(mem, depth, cell_size);
    *bytes_out = bytes;
    return mem;
}

static uint8_t pattern(uint32_t producer, uint32_t seq, size_t i)
{
    return (uint8_t)(producer * 31u + seq * 7u + i * 13u + (i >> 8));
}

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Message lengths cycle through small, odd and maximal sizes. */
static uint32_t length_of(uint32_t seq, size_t max)
{
    if (seq % 97 == 0)
        return (uint32_t)max;
    if (seq % 13 == 0)
        return 0;
    return (uint32_t)((seq * 7919u) % (max + 1));
}

static void fill_message(uint32_t producer, uint32_t seq, size_t max, msg_hdr_t *hdr,
                         uint8_t *payload)
{
    hdr->producer = producer;
    hdr->seq = seq;
    hdr->len = length_of(seq, max);
    for (size_t i = 0; i < hdr->len; i++)
        payload[i] = pattern(producer, seq, i);
    hdr->checksum = fnv1a(payload, hdr->len);
}

START_TEST(test_geometry)
{
    ck_assert(shm_queue_geometry_ok(2, 256));
    ck_assert(shm_queue_geometry_ok(64, 8192));
    ck_assert(!shm_queue_geometry_ok(0, 8192));
    ck_assert(!shm_queue_geometry_ok(1, 8192));
    ck_assert(!shm_queue_geometry_ok(48, 8192));   /* not a power of two */
    ck_assert(!shm_queue_geometry_ok(64, 8200));   /* not whole cache lines */
    ck_assert(!shm_queue_geometry_ok(64, 64));     /* no room for the runtime header */
    ck_assert_uint_eq(shm_queue_max_payload(8192), 8192 - 128);
    ck_assert_uint_eq(shm_queue_bytes(4, 256), sizeof(shm_queue_t) + 4 * 256);
}
END_TEST

START_TEST(test_empty_queue_has_nothing)
{
    size_t bytes;
    shm_queue_t *q = queue_new(8, 256, &bytes);
    ck_assert_ptr_null(shm_queue_peek(q));
    ck_assert_ptr_null(shm_queue_peek(q));
    munmap(q, bytes);
}
END_TEST

/* Header and payload of 0, 1 and the maximal size arrive intact; one byte
 * more is refused without taking a cell. */
START_TEST(test_boundary_sizes)
{
    size_t bytes;
    const uint32_t cell = 1024;
    shm_queue_t *q = queue_new(4, cell, &bytes);
    const size_t max = shm_queue_max_payload(cell);
    static uint8_t hdr[SHM_QUEUE_MAX_HDR + 1], payload[1024];
    for (size_t i = 0; i < sizeof(hdr); i++)
        hdr[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 3 + 1);

    const size_t hdr_lens[] = {0, 1, SHM_QUEUE_MAX_HDR};
    const size_t payload_lens[] = {0, 1, max};
    for (int h = 0; h < 3; h++) {
        for (int p = 0; p < 3; p++) {
            ck_assert_int_eq(shm_queue_push(q, 7, 0, 0, hdr, hdr_lens[h], payload, payload_lens[p]),
                             TP_OK);
            const shm_cell_t *c = shm_queue_peek(q);
            ck_assert_ptr_nonnull(c);
            ck_assert_int_eq(c->src, 7);
            ck_assert_uint_eq(c->hdr_len, hdr_lens[h]);
            ck_assert_uint_eq(c->payload_len, payload_lens[p]);
            ck_assert_mem_eq(shm_cell_hdr(c), hdr, hdr_lens[h]);
            ck_assert_mem_eq(shm_cell_payload(c), payload, payload_lens[p]);
            shm_queue_pop(q, c);
            ck_assert_ptr_null(shm_queue_peek(q));
        }
    }
    ck_assert_int_eq(shm_queue_push(q, 7, 0, 0, hdr, SHM_QUEUE_MAX_HDR + 1, payload, 0), TP_EINVAL);
    ck_assert_int_eq(shm_queue_push(q, 7, 0, 0, hdr, 0, payload, max + 1), TP_EINVAL);
    ck_assert_ptr_null(shm_queue_peek(q));
    munmap(q, bytes);
}
END_TEST

/* A full queue says AGAIN, takes nothing, and takes again once a cell is freed. */
START_TEST(test_full_queue_returns_again_and_recovers)
{
    size_t bytes;
    const uint32_t depth = 4;
    shm_queue_t *q = queue_new(depth, 256, &bytes);
    uint32_t v;
    for (v = 0; v < depth; v++)
        ck_assert_int_eq(shm_queue_push(q, 0, 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    uint32_t extra = 99;
    ck_assert_int_eq(shm_queue_push(q, 0, 0, 0, &extra, sizeof(extra), NULL, 0), TP_AGAIN);
    ck_assert_int_eq(shm_queue_push(q, 0, 0, 0, &extra, sizeof(extra), NULL, 0), TP_AGAIN);

    /* Free one cell: exactly one more message fits. */
    const shm_cell_t *c = shm_queue_peek(q);
    ck_assert_ptr_nonnull(c);
    ck_assert_mem_eq(shm_cell_hdr(c), &(uint32_t){0}, sizeof(uint32_t));
    shm_queue_pop(q, c);
    ck_assert_int_eq(shm_queue_push(q, 0, 0, 0, &v, sizeof(v), NULL, 0), TP_OK);
    ck_assert_int_eq(shm_queue_push(q, 0, 0, 0, &extra, sizeof(extra), NULL, 0), TP_AGAIN);

    /* Everything comes out in order, and the refused message never appears. */
    for (uint32_t want = 1; want <= depth; want++) {
        c = shm_queue_peek(q);
        ck_assert_ptr_nonnull(c);
        uint32_t got;
        memcpy(&got, shm_cell_hdr(c), sizeof(got));
        ck_assert_uint_eq(got, want);
        shm_queue_pop(q, c);
    }
    ck_assert_ptr_null(shm_queue_peek(q));
    munmap(q, bytes);
}
END_TEST

/* Many laps around a small ring with a varying fill level keep FIFO order. */
START_TEST(test_wraparound_keeps_order)
{
    size_t bytes;
    shm_queue_t *q = queue_new(8, 512, &bytes);
    const size_t max = shm_queue_max_payload(512);
    uint32_t next_in = 0, next_out = 0;
    msg_hdr_t hdr;
    uint8_t payload[512];
    for (int round = 0; round < 5000; round++) {
        int burst = round % 11;
        for (int i = 0; i < burst; i++) {
            fill_message(0, next_in, max, &hdr, payload);
            tp_status_t st = shm_queue_push(q, 0, 0, 0, &hdr, sizeof(hdr), payload, hdr.len);
            if (st == TP_AGAIN)
                break;
            ck_assert_int_eq(st, TP_OK);
            next_in++;
        }
        for (int i = 0; i < (round % 7); i++) {
            const shm_cell_t *c = shm_queue_peek(q);
            if (c == NULL)
                break;
            memcpy(&hdr, shm_cell_hdr(c), sizeof(hdr));
            ck_assert_uint_eq(hdr.seq, next_out);
            ck_assert_uint_eq(hdr.checksum, fnv1a(shm_cell_payload(c), c->payload_len));
            shm_queue_pop(q, c);
            next_out++;
        }
    }
    ck_assert_uint_gt(next_out, 10000);
    munmap(q, bytes);
}
END_TEST

/* ---- Several producer processes, one consumer ------------------------ */

/* The consumer gives up (and fails) after DEADLINE_S: generous, because the
 * test machine may be a small, busy VM where five processes share two cores. */
enum { NUM_PRODUCERS = 4, DEADLINE_S = 100 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Child: send every message, retrying on AGAIN; exit 0 once all are in. */
static void produce(shm_queue_t *q, uint32_t producer, uint32_t count, pid_t parent)
{
    /* Die with the test process, even if it is killed by Check's timeout
     * (and if it died before we asked, go now). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(5);
    const size_t max = shm_queue_max_payload(q->cell_size);
    uint8_t *payload = malloc(max);
    msg_hdr_t hdr;
    if (payload == NULL)
        _exit(3);
    for (uint32_t seq = 0; seq < count; seq++) {
        fill_message(producer, seq, max, &hdr, payload);
        tp_status_t st;
        /* Two cores, five processes: give the consumer the core when full. */
        while ((st = shm_queue_push(q, (int)producer, 0, 0, &hdr, sizeof(hdr), payload, hdr.len)) ==
               TP_AGAIN)
            sched_yield();
        if (st != TP_OK)
            _exit(4);
    }
    free(payload);
    _exit(0);
}

static void run_producers_one_consumer(uint32_t depth, uint32_t cell_size, uint32_t count)
{
    size_t bytes;
    shm_queue_t *q = queue_new(depth, cell_size, &bytes);
    const size_t max = shm_queue_max_payload(cell_size);
    pid_t pids[NUM_PRODUCERS];
    pid_t self = getpid();
    for (uint32_t p = 0; p < NUM_PRODUCERS; p++) {
        pids[p] = fork();
        ck_assert_int_ge(pids[p], 0);
        if (pids[p] == 0)
            produce(q, p, count, self);
    }

    uint32_t expected[NUM_PRODUCERS] = {0};
    uint8_t *want = malloc(max);
    ck_assert_ptr_nonnull(want);
    const long total = (long)NUM_PRODUCERS * count;
    long received = 0;
    double deadline = now_s() + DEADLINE_S;
    unsigned idle = 0;
    while (received < total) {
        const shm_cell_t *c = shm_queue_peek(q);
        if (c == NULL) {
            if (++idle % 64 == 0) {
                ck_assert_msg(now_s() < deadline, "only %ld of %ld messages after %d s",
                              received, total, DEADLINE_S);
                sched_yield();
            }
            continue;
        }
        msg_hdr_t hdr;
        ck_assert_uint_eq(c->hdr_len, sizeof(hdr));
        memcpy(&hdr, shm_cell_hdr(c), sizeof(hdr));
        ck_assert_uint_lt(hdr.producer, NUM_PRODUCERS);
        ck_assert_int_eq(c->src, (int)hdr.producer);
        /* Per-producer FIFO: nothing lost, nothing duplicated, nothing reordered. */
        ck_assert_msg(hdr.seq == expected[hdr.producer],
                      "producer %u: got message %u, expected %u", hdr.producer, hdr.seq,
                      expected[hdr.producer]);
        ck_assert_uint_eq(c->payload_len, length_of(hdr.seq, max));
        ck_assert_uint_eq(hdr.len, c->payload_len);
        ck_assert_uint_eq(hdr.checksum, fnv1a(shm_cell_payload(c), c->payload_len));
        for (size_t i = 0; i < hdr.len; i++)
            want[i] = pattern(hdr.producer, hdr.seq, i);
        ck_assert_mem_eq(shm_cell_payload(c), want, hdr.len);
        expected[hdr.producer]++;
        shm_queue_pop(q, c);
        received++;
    }
    for (int p = 0; p < NUM_PRODUCERS; p++) {
        int status;
        ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "producer %d ended with status 0x%x", p, status);
        ck_assert_uint_eq(expected[p], count);
    }
    /* Nothing extra arrived. */
    ck_assert_ptr_null(shm_queue_peek(q));
    free(want);
    munmap(q, bytes);
}

/* The transport's queue depth, small cells: 120,000 messages from four
 * processes at once, so claims race all the time (more only lengthen the
 * run: under the sanitizers 400,000 took 40 s of the suite's time). */
START_TEST(test_producers_many_messages)
{
    run_producers_one_consumer(64, 256, 30000);
}
END_TEST

/* A ring of four cells: producers find it full most of the time and must
 * retry after AGAIN.  Fewer messages, because on an oversubscribed machine
 * every few messages cost a trip through the scheduler. */
START_TEST(test_producers_tiny_queue)
{
    run_producers_one_consumer(4, 1024, 10000);
}
END_TEST

static Suite *shm_queue_suite(void)
{
    Suite *s = suite_create("shm_queue");
    TCase *tc = tcase_create("single_process");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_geometry);
    tcase_add_test(tc, test_empty_queue_has_nothing);
    tcase_add_test(tc, test_boundary_sizes);
    tcase_add_test(tc, test_full_queue_returns_again_and_recovers);
    tcase_add_test(tc, test_wraparound_keeps_order);
    suite_add_tcase(s, tc);

    tc = tcase_create("concurrent_producers");
    tcase_set_timeout(tc, DEADLINE_S + 30);
    tcase_add_test(tc, test_producers_many_messages);
    tcase_add_test(tc, test_producers_tiny_queue);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(shm_queue_suite());
}

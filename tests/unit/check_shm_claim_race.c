/*
 * check_shm_claim_race.c -- the fast-box claim race, replayed in one process
 * with the transport's own send and progress functions.
 *
 * A sender claims a fast box of a receiver's pool in two steps: it takes an
 * index (fetch-and-add on the pool's counter), then writes its rank into
 * that box's owner.  The receiver takes boxes in index order, so a sender A
 * preempted between the two steps hides every box claimed after its own.
 * Sender B, claiming right behind A, can then send box messages and, after
 * them, a queue cell that must be delivered after them: the receiver finds
 * the cell but not yet B's box.  It must wait for A's owner store and then
 * deliver B's box messages before the cell (the fix of "a queue cell whose
 * sender's box is claimed behind another sender's unfinished claim waits
 * for that claim instead of aborting"); it used to abort, saying that a
 * box message was missing.
 *
 * The pause is made deterministic: the test takes A's index by hand and
 * leaves its owner unwritten, and A "resumes" (its owner store happens)
 * only when the receiver yields the processor while it waits, which this
 * program intercepts by defining sched_yield() itself (outside the tests,
 * for whoever else calls it, it stays the system call).
 *
 * The same harness replays a second race of the delivery order: a box
 * message seen before the lane message its sender published just before it
 * (test_box_message_waits_for_lane_message); and checks which messages take
 * the lane (test_only_answers_take_the_lane).
 */
#define _GNU_SOURCE
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "transports/shm/shm.h"
#include "check_run.h"

enum {
    RANK_R = 0,                    /* the receiver */
    RANK_A = 1,                    /* claims first, pauses before its owner store */
    RANK_B = 2,                    /* claims behind A */
    NRANKS = 3,
    DEPTH = 16,
    CELL = 1024,
    YIELDS_BEFORE_RESUME = 3,      /* A resumes only once R waited a while */
    MAX_YIELDS = 10000,            /* R waiting longer than this: a hang */
    MAX_ARRIVALS = 64,
};

/* What each message carries in its runtime-header part. */
typedef struct msg_hdr {
    int32_t src;
    uint32_t seq;
} msg_hdr_t;

typedef struct arrival {
    int src;
    uint32_t seq;
    size_t payload_len;
} arrival_t;

static arrival_t arrivals[MAX_ARRIVALS];
static int num_arrivals;

static shm_fbox_t *paused_box;     /* A's box while its owner is unwritten */
static int yields;
static int in_test;                /* between setup and teardown */

/* The receiver yields only while it waits for a claim to finish: that is
 * when the paused sender A gets the processor back and writes its owner. */
int sched_yield(void)
{
    if (!in_test)
        return (int)syscall(SYS_sched_yield);
    yields++;
    ck_assert_msg(yields < MAX_YIELDS, "the receiver waits for ever for a fast box");
    if (paused_box != NULL && yields >= YIELDS_BEFORE_RESUME) {
        atomic_store_explicit(&paused_box->owner, RANK_A, memory_order_release);
        paused_box = NULL;
    }
    return 0;
}

static void on_message(void *arg, int src, const void *hdr, size_t hdr_len,
                       const void *payload, size_t payload_len)
{
    (void)arg;
    (void)payload;
    ck_assert_uint_eq(hdr_len, sizeof(msg_hdr_t));
    ck_assert_int_lt(num_arrivals, MAX_ARRIVALS);
    msg_hdr_t h;
    memcpy(&h, hdr, sizeof(h));
    ck_assert_int_eq(h.src, src);
    arrivals[num_arrivals++] = (arrival_t){src, h.seq, payload_len};
}

/* The receiver's queue and box pool (one process plays every rank, so
 * plain memory stands in for the node's segment). */
static shm_queue_t *queue;
static shm_fbox_pool_t *pool;
static shm_tp_t *ranks[NRANKS];

/* A rank's transport instance as shm_init would leave it on a node of
 * NRANKS ranks, of which only the receiver's queue and pool exist. */
static shm_tp_t *rank_new(int rank)
{
    shm_tp_t *shm = calloc(1, sizeof(*shm));
    ck_assert_ptr_nonnull(shm);
    shm->base.name = "shm";
    shm->base.ops = &tp_shm_ops;
    shm->base.am_max_hdr = SHM_QUEUE_MAX_HDR;
    shm->base.am_max_payload = shm_queue_max_payload(CELL);
    shm->world_rank = rank;
    shm->world_size = NRANKS;
    shm->am_handler = on_message;
    shm->queue_of = calloc(NRANKS, sizeof(*shm->queue_of));
    shm->pair = calloc(NRANKS, sizeof(*shm->pair));
    shm->fast_src = calloc(NRANKS, sizeof(*shm->fast_src));
    ck_assert(shm->queue_of != NULL && shm->pair != NULL && shm->fast_src != NULL);
    for (int r = 0; r < NRANKS; r++) {
        shm->queue_of[r] = queue;  /* every rank is local; only R is sent to */
        shm_pair_t *pair = &shm->pair[r];
        pair->pool = pool;
        pair->out_next = pair->in_next = SHM_FBOX_FIRST;
        pair->out_queued = pair->in_queued = SHM_FBOX_FIRST;
        shm_duplex_end_init(&pair->duplex, SHM_FBOX_FIRST);
        pair->queue_mapped = 1;    /* no segment to prefault: the queue is ours */
    }
    if (rank == RANK_R) {
        shm->own_queue = queue;
        shm->own_pool = pool;
    }
    return shm;
}

static void setup(void)
{
    size_t bytes = shm_queue_bytes(DEPTH, CELL);
    ck_assert(shm_queue_geometry_ok(DEPTH, CELL));
    bytes = (bytes + SHM_CACHE_LINE - 1) & ~(size_t)(SHM_CACHE_LINE - 1);
    queue = aligned_alloc(SHM_CACHE_LINE, bytes);
    pool = aligned_alloc(SHM_CACHE_LINE, sizeof(*pool));
    ck_assert(queue != NULL && pool != NULL);
    shm_queue_init(queue, DEPTH, CELL);
    shm_fbox_pool_init(pool, SHM_FBOX_FIRST);
    for (int r = 0; r < NRANKS; r++)
        ranks[r] = rank_new(r);
    num_arrivals = 0;
    yields = 0;
    paused_box = NULL;
    in_test = 1;
}

static void teardown(void)
{
    in_test = 0;
    for (int r = 0; r < NRANKS; r++) {
        free(ranks[r]->queue_of);
        free(ranks[r]->pair);
        free(ranks[r]->fast_src);
        free(ranks[r]);
    }
    free(pool);
    free(queue);
}

/* Send from `rank` to R: a box message when payload_len is small, else a
 * queue cell (the fast box holds at most SHM_FBOX_MAX_INLINE bytes). */
static void send_to_r(int rank, uint32_t seq, size_t payload_len)
{
    static char payload[CELL];
    msg_hdr_t h = {rank, seq};
    tp_t *tp = &ranks[rank]->base;
    ck_assert_int_eq(tp->ops->am_send(tp, RANK_R, &h, sizeof(h), payload, payload_len), TP_OK);
}

/* R's progress until nothing more arrives. */
static void drain_r(void)
{
    tp_t *tp = &ranks[RANK_R]->base;
    for (int i = 0; i < 100 && tp->ops->progress(tp) > 0; i++)
        ;
}

static void expect_arrival(int i, int src, uint32_t seq, size_t payload_len)
{
    ck_assert_int_gt(num_arrivals, i);
    ck_assert_msg(arrivals[i].src == src && arrivals[i].seq == seq &&
                      arrivals[i].payload_len == payload_len,
                  "arrival %d: rank %d message %u (%zu bytes), expected rank %d message %u "
                  "(%zu bytes)", i, arrivals[i].src, arrivals[i].seq, arrivals[i].payload_len,
                  src, seq, payload_len);
}

/* Box messages stay small, queue cells are over the box's inline limit. */
#define SMALL 8u
#define LARGE 300u

START_TEST(test_cell_waits_for_unfinished_claim)
{
    /* A takes box index 0 and is preempted before writing its owner. */
    uint32_t index = atomic_fetch_add_explicit(&pool->claimed, 1, memory_order_relaxed);
    ck_assert_uint_eq(index, 0);
    paused_box = &pool->boxes[index];

    /* B claims index 1 (through am_send), sends two box messages, then a
     * queue cell that must come after them. */
    send_to_r(RANK_B, 0, SMALL);
    send_to_r(RANK_B, 1, SMALL);
    ck_assert_ptr_eq(ranks[RANK_B]->pair[RANK_R].out_box, &pool->boxes[1]);
    send_to_r(RANK_B, 2, LARGE);

    /* R sees the cell, waits (yields) until A's claim is complete, then
     * delivers B's box messages and the cell, in send order. */
    drain_r();
    ck_assert_msg(paused_box == NULL, "the receiver never waited for the unfinished claim");
    ck_assert_int_ge(yields, YIELDS_BEFORE_RESUME);
    ck_assert_int_eq(num_arrivals, 3);
    expect_arrival(0, RANK_B, 0, SMALL);
    expect_arrival(1, RANK_B, 1, SMALL);
    expect_arrival(2, RANK_B, 2, LARGE);

    /* A, resumed, uses the box it claimed; both senders go on normally. */
    ranks[RANK_A]->pair[RANK_R].out_box = &pool->boxes[index];
    send_to_r(RANK_A, 0, SMALL);
    send_to_r(RANK_A, 1, LARGE);
    send_to_r(RANK_B, 3, SMALL);
    drain_r();
    ck_assert_int_eq(num_arrivals, 6);
    /* Per sender in order; which sender comes first is the receiver's choice. */
    uint32_t next_a = 0, next_b = 3;
    for (int i = 3; i < num_arrivals; i++) {
        if (arrivals[i].src == RANK_A) {
            expect_arrival(i, RANK_A, next_a, next_a == 0 ? SMALL : LARGE);
            next_a++;
        } else {
            expect_arrival(i, RANK_B, next_b++, SMALL);
        }
    }
    ck_assert_uint_eq(next_a, 2);
    ck_assert_uint_eq(next_b, 4);
}
END_TEST

/* Without a paused claim the receiver never waits: every claimed box is
 * known at once, and the yield loop is not entered. */
START_TEST(test_no_wait_without_pending_claim)
{
    send_to_r(RANK_B, 0, SMALL);
    send_to_r(RANK_B, 1, LARGE);
    drain_r();
    ck_assert_int_eq(yields, 0);
    ck_assert_int_eq(num_arrivals, 2);
    expect_arrival(0, RANK_B, 0, SMALL);
    expect_arrival(1, RANK_B, 1, LARGE);
}
END_TEST

/* A cell naming box messages that no claimed box can hold (every claimed
 * box is known) is a broken sender, not a slow one: the receiver still
 * aborts instead of waiting for ever. */
START_TEST(test_missing_box_message_aborts)
{
    msg_hdr_t h = {RANK_B, 0};
    static char payload[LARGE];
    /* The default action, whatever a library linked in installed (the
     * PSM2 provider of libfabric prints a backtrace and exits). */
    signal(SIGABRT, SIG_DFL);
    ck_assert_int_eq(shm_queue_push(queue, RANK_B, SHM_FBOX_FIRST + 1, SHM_FBOX_FIRST, &h,
                                    sizeof(h), payload, LARGE),
                     TP_OK);
    drain_r();
}
END_TEST

/* Rank 1 receives (the queue and pool are its), rank 0 only sends: the
 * pair whose lane rank 0 claims (a lane needs the lower rank to claim). */
static void receive_at(shm_tp_t *receiver, shm_tp_t *sender)
{
    sender->own_queue = NULL;
    sender->own_pool = NULL;
    receiver->own_queue = queue;
    receiver->own_pool = pool;
}

/*
 * A box message whose sender put a lane message before it waits for that
 * lane message even when the receiver looked at the lane before the lane
 * message showed and at the box after the box message did (the sender
 * published both in between).  Replayed by hiding the lane message (its
 * line's sequence number set back) while the receiver polls.  Here the
 * receiver is rank 1 and the sender rank 0: a lane needs a lower-ranked
 * sender (shm_duplex.h).
 */
START_TEST(test_box_message_waits_for_lane_message)
{
    enum { SENDER = 0, RECEIVER = 1, LANE_BYTES = 0, BOX_BYTES = 40 };
    shm_tp_t *sender = ranks[SENDER], *receiver = ranks[RECEIVER];
    receive_at(receiver, sender);
    static char payload[BOX_BYTES];
    msg_hdr_t h0 = {SENDER, 0}, h1 = {SENDER, 1};
    tp_t *tp = &sender->base;
    /* Only an answer takes the lane: as if the sender had heard from the receiver. */
    sender->pair[RECEIVER].heard = 1;
    ck_assert_int_eq(tp->ops->am_send(tp, RECEIVER, &h0, sizeof(h0), payload, LANE_BYTES), TP_OK);
    ck_assert_int_eq(tp->ops->am_send(tp, RECEIVER, &h1, sizeof(h1), payload, BOX_BYTES), TP_OK);
    shm_duplex_t *lane = sender->pair[RECEIVER].duplex.lane;
    ck_assert_ptr_nonnull(lane);
    ck_assert_uint_eq(sender->pair[RECEIVER].duplex.out_next, SHM_FBOX_FIRST + 1);
    ck_assert_uint_eq(sender->pair[RECEIVER].out_next, SHM_FBOX_FIRST + 1);

    /* The lane message not seen yet, the box message seen: nothing goes. */
    _Atomic uint32_t *state = &lane->entries[SHM_FBOX_FIRST % SHM_DUPLEX_ENTRIES].state;
    uint32_t published = atomic_load(state);
    ck_assert_uint_eq(published, shm_duplex_state(SHM_DUPLEX_FULL, 0, SHM_FBOX_FIRST));
    atomic_store(state, shm_duplex_state(SHM_DUPLEX_CLAIMED, 0, SHM_FBOX_FIRST));
    tp_t *rtp = &receiver->base;
    ck_assert_int_eq(rtp->ops->progress(rtp), 0);
    ck_assert_int_eq(num_arrivals, 0);

    /* The lane message shows: both go, in send order. */
    atomic_store(state, published);
    for (int i = 0; i < 10 && rtp->ops->progress(rtp) > 0; i++)
        ;
    ck_assert_int_eq(num_arrivals, 2);
    expect_arrival(0, SENDER, 0, LANE_BYTES);
    expect_arrival(1, SENDER, 1, BOX_BYTES);
}
END_TEST

/*
 * Only answers take the lane: a message to a peer nothing was delivered
 * from since our last one goes by box; delivering a message marks its
 * sender as heard; the next message to it takes the lane, the one after
 * the box again; the receiver gets all in send order.  (One process plays
 * both ranks, and only the receiver has a queue and pool, so the sender
 * is marked heard by hand, as its own delivery would.)
 */
START_TEST(test_only_answers_take_the_lane)
{
    enum { SENDER = 0, RECEIVER = 1, BYTES = 8 };
    shm_tp_t *sender = ranks[SENDER], *receiver = ranks[RECEIVER];
    receive_at(receiver, sender);
    static char payload[BYTES];
    msg_hdr_t h0 = {SENDER, 0}, h1 = {SENDER, 1}, h2 = {SENDER, 2};
    tp_t *tp = &sender->base, *rtp = &receiver->base;
    shm_pair_t *out = &sender->pair[RECEIVER];

    ck_assert_int_eq(tp->ops->am_send(tp, RECEIVER, &h0, sizeof(h0), payload, BYTES), TP_OK);
    ck_assert_ptr_nonnull(out->duplex.lane);
    ck_assert_uint_eq(out->duplex.out_next, SHM_FBOX_FIRST);
    ck_assert_uint_eq(out->out_next, SHM_FBOX_FIRST + 1);
    ck_assert_int_eq(receiver->pair[SENDER].heard, 0);
    ck_assert_int_eq(rtp->ops->progress(rtp), 1);
    ck_assert_int_eq(receiver->pair[SENDER].heard, 1);

    out->heard = 1;
    ck_assert_int_eq(tp->ops->am_send(tp, RECEIVER, &h1, sizeof(h1), payload, BYTES), TP_OK);
    ck_assert_uint_eq(out->duplex.out_next, SHM_FBOX_FIRST + 1);
    ck_assert_int_eq(out->heard, 0);
    ck_assert_int_eq(tp->ops->am_send(tp, RECEIVER, &h2, sizeof(h2), payload, BYTES), TP_OK);
    ck_assert_uint_eq(out->duplex.out_next, SHM_FBOX_FIRST + 1);
    ck_assert_uint_eq(out->out_next, SHM_FBOX_FIRST + 2);

    for (int i = 0; i < 10 && rtp->ops->progress(rtp) > 0; i++)
        ;
    ck_assert_int_eq(num_arrivals, 3);
    for (uint32_t k = 0; k < 3; k++)
        expect_arrival((int)k, SENDER, k, BYTES);
}
END_TEST

static Suite *shm_claim_race_suite(void)
{
    Suite *s = suite_create("shm_claim_race");
    TCase *tc = tcase_create("one_process");
    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cell_waits_for_unfinished_claim);
    tcase_add_test(tc, test_no_wait_without_pending_claim);
    tcase_add_test(tc, test_box_message_waits_for_lane_message);
    tcase_add_test(tc, test_only_answers_take_the_lane);
    tcase_add_test_raise_signal(tc, test_missing_box_message_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(shm_claim_race_suite());
}

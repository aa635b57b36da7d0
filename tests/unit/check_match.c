/*
 * check_match.c -- unit tests of the matching engine (runtime/rt_match.c).
 *
 * The engine is where MPI's ordering rules live, so besides one test per
 * rule there is a randomized test that runs long operation sequences
 * against a deliberately naive reference model and compares every result.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "mpi.h"
#include "rt_match.h"
#include "check_run.h"

/* Test items: an entry plus the id the test gave it. */
typedef struct item {
    rt_match_entry_t e;
    int id;
} item_t;

static int id_of(rt_match_entry_t *e)
{
    return e == NULL ? -1 : ((item_t *)((char *)e - offsetof(item_t, e)))->id;
}

static item_t *item_new(int id, int ctx, int src, int tag)
{
    item_t *it = calloc(1, sizeof(*it));
    ck_assert_ptr_nonnull(it);
    it->id = id;
    rt_match_entry_set(&it->e, ctx, src, tag);
    return it;
}

/* A message arrives; when unmatched it is queued as unexpected (as the
 * runtime does).  Returns the id of the receive it matched, or -1. */
static int arrive(rt_match_t *m, item_t *msg)
{
    rt_match_entry_t *r = rt_match_arrive(m, msg->e.context_id, msg->e.source, msg->e.tag);
    if (r == NULL)
        rt_match_add_unexpected(m, &msg->e);
    return id_of(r);
}

/* Returns the id of the unexpected message the receive took, or -1. */
static int post(rt_match_t *m, item_t *recv)
{
    return id_of(rt_match_post(m, &recv->e));
}

static rt_match_t m;
static item_t *items[256];
static int num_items;

static item_t *mk(int id, int ctx, int src, int tag)
{
    ck_assert_int_lt(num_items, 256);
    item_t *it = item_new(id, ctx, src, tag);
    items[num_items++] = it;
    return it;
}

static void setup(void)
{
    rt_match_init(&m);
    num_items = 0;
}

static void teardown(void)
{
    for (int i = 0; i < num_items; i++)
        free(items[i]);
    num_items = 0;
}

/* ---- Basic matching ---------------------------------------------------- */

START_TEST(test_empty_queues)
{
    ck_assert_ptr_null(rt_match_arrive(&m, 0, 0, 0));
    ck_assert_ptr_null(rt_match_probe(&m, 0, MPI_ANY_SOURCE, MPI_ANY_TAG));
    ck_assert_ptr_null(rt_match_pop_unexpected(&m));
    ck_assert_uint_eq(m.posted.length, 0);
    ck_assert_uint_eq(m.unexpected.length, 0);
}
END_TEST

START_TEST(test_posted_then_arrival)
{
    item_t *r = mk(1, 0, 2, 7);
    ck_assert_int_eq(post(&m, r), -1);
    ck_assert_uint_eq(m.posted.length, 1);
    ck_assert(rt_match_is_queued(&r->e));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 2, 7)), 1);
    ck_assert_uint_eq(m.posted.length, 0);
    ck_assert_uint_eq(m.unexpected.length, 0);
    ck_assert(!rt_match_is_queued(&r->e));
}
END_TEST

START_TEST(test_arrival_then_post)
{
    item_t *msg = mk(100, 0, 2, 7);
    ck_assert_int_eq(arrive(&m, msg), -1);
    ck_assert_uint_eq(m.unexpected.length, 1);
    item_t *r = mk(1, 0, 2, 7);
    ck_assert_int_eq(post(&m, r), 100);
    ck_assert_uint_eq(m.unexpected.length, 0);
    ck_assert_uint_eq(m.posted.length, 0);
    ck_assert(!rt_match_is_queued(&r->e));
    ck_assert(!rt_match_is_queued(&msg->e));
}
END_TEST

START_TEST(test_wrong_source_or_tag_does_not_match)
{
    post(&m, mk(1, 0, 2, 7));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 3, 7)), -1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 2, 8)), -1);
    ck_assert_uint_eq(m.posted.length, 1);
    ck_assert_uint_eq(m.unexpected.length, 2);
    ck_assert_int_eq(arrive(&m, mk(102, 0, 2, 7)), 1);
}
END_TEST

/* ---- Wildcards ---------------------------------------------------------- */

START_TEST(test_any_source_posted)
{
    post(&m, mk(1, 0, MPI_ANY_SOURCE, 5));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 3, 4)), -1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 6, 5)), 1);
}
END_TEST

START_TEST(test_any_tag_posted)
{
    post(&m, mk(1, 0, 3, MPI_ANY_TAG));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 4, 9)), -1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 3, 12345)), 1);
}
END_TEST

START_TEST(test_both_wildcards_take_oldest_unexpected)
{
    arrive(&m, mk(100, 0, 3, 9));
    arrive(&m, mk(101, 0, 1, 2));
    arrive(&m, mk(102, 0, 0, 0));
    ck_assert_int_eq(post(&m, mk(1, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)), 100);
    ck_assert_int_eq(post(&m, mk(2, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)), 101);
    ck_assert_int_eq(post(&m, mk(3, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)), 102);
    ck_assert_int_eq(post(&m, mk(4, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)), -1);
}
END_TEST

START_TEST(test_any_source_unexpected_picks_oldest_across_senders)
{
    /* Messages from several senders interleaved: ANY_SOURCE with a tag takes
     * the oldest one with that tag, whoever sent it. */
    arrive(&m, mk(100, 0, 1, 1));
    arrive(&m, mk(101, 0, 2, 2));
    arrive(&m, mk(102, 0, 3, 2));
    arrive(&m, mk(103, 0, 1, 2));
    ck_assert_int_eq(post(&m, mk(1, 0, MPI_ANY_SOURCE, 2)), 101);
    ck_assert_int_eq(post(&m, mk(2, 0, MPI_ANY_SOURCE, 2)), 102);
    ck_assert_int_eq(post(&m, mk(3, 0, MPI_ANY_SOURCE, 2)), 103);
    ck_assert_int_eq(post(&m, mk(4, 0, MPI_ANY_SOURCE, 1)), 100);
}
END_TEST

START_TEST(test_any_tag_unexpected_keeps_sender_order)
{
    arrive(&m, mk(100, 0, 1, 5));
    arrive(&m, mk(101, 0, 2, 6));
    arrive(&m, mk(102, 0, 1, 7));
    ck_assert_int_eq(post(&m, mk(1, 0, 1, MPI_ANY_TAG)), 100);
    ck_assert_int_eq(post(&m, mk(2, 0, 1, MPI_ANY_TAG)), 102);
    ck_assert_int_eq(post(&m, mk(3, 0, 1, MPI_ANY_TAG)), -1);
    ck_assert_uint_eq(m.unexpected.length, 1);
}
END_TEST

START_TEST(test_wildcard_posted_first_wins_over_specific)
{
    /* Posting order decides, not specificity. */
    post(&m, mk(1, 0, MPI_ANY_SOURCE, MPI_ANY_TAG));
    post(&m, mk(2, 0, 4, 4));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 4, 4)), 1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 4, 4)), 2);
}
END_TEST

START_TEST(test_specific_posted_first_wins_over_wildcard)
{
    post(&m, mk(1, 0, 4, 4));
    post(&m, mk(2, 0, MPI_ANY_SOURCE, MPI_ANY_TAG));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 4, 4)), 1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 4, 4)), 2);
}
END_TEST

START_TEST(test_arrival_skips_non_matching_posted)
{
    post(&m, mk(1, 0, 1, 1));
    post(&m, mk(2, 0, 2, MPI_ANY_TAG));
    post(&m, mk(3, 0, MPI_ANY_SOURCE, 3));
    ck_assert_int_eq(arrive(&m, mk(100, 0, 5, 3)), 3);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 2, 3)), 2);
    ck_assert_int_eq(arrive(&m, mk(102, 0, 1, 1)), 1);
    ck_assert_uint_eq(m.posted.length, 0);
}
END_TEST

/* ---- Order -------------------------------------------------------------- */

START_TEST(test_same_envelope_posted_in_order)
{
    for (int i = 0; i < 10; i++)
        post(&m, mk(i, 0, 1, 1));
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(arrive(&m, mk(100 + i, 0, 1, 1)), i);
}
END_TEST

START_TEST(test_same_envelope_unexpected_in_order)
{
    for (int i = 0; i < 10; i++)
        arrive(&m, mk(100 + i, 0, 1, 1));
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(post(&m, mk(i, 0, 1, 1)), 100 + i);
}
END_TEST

START_TEST(test_specific_tag_can_skip_but_order_within_tag_holds)
{
    /* A receive for tag 2 may take a later message than a pending tag-1
     * message (tags select), but within tag 2 the order is kept. */
    arrive(&m, mk(100, 0, 1, 1));
    arrive(&m, mk(101, 0, 1, 2));
    arrive(&m, mk(102, 0, 1, 2));
    ck_assert_int_eq(post(&m, mk(1, 0, 1, 2)), 101);
    ck_assert_int_eq(post(&m, mk(2, 0, 1, MPI_ANY_TAG)), 100);
    ck_assert_int_eq(post(&m, mk(3, 0, 1, MPI_ANY_TAG)), 102);
}
END_TEST

START_TEST(test_mixed_posted_and_unexpected)
{
    /* A message that arrives while a matching receive is posted never waits
     * in the unexpected queue; one that arrives earlier is taken by the next
     * matching post. */
    arrive(&m, mk(100, 0, 0, 0));
    post(&m, mk(1, 0, 0, 1));
    ck_assert_int_eq(post(&m, mk(2, 0, 0, 0)), 100);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 0, 1)), 1);
    ck_assert_uint_eq(m.posted.length, 0);
    ck_assert_uint_eq(m.unexpected.length, 0);
}
END_TEST

/* ---- Context separation -------------------------------------------------- */

START_TEST(test_contexts_are_separate_posted)
{
    post(&m, mk(1, 0, MPI_ANY_SOURCE, MPI_ANY_TAG));
    ck_assert_int_eq(arrive(&m, mk(100, 1, 0, 0)), -1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 0, 0)), 1);
    ck_assert_int_eq(post(&m, mk(2, 1, MPI_ANY_SOURCE, MPI_ANY_TAG)), 100);
}
END_TEST

START_TEST(test_contexts_are_separate_unexpected)
{
    arrive(&m, mk(100, 1, 2, 3));
    arrive(&m, mk(101, 0, 2, 3));
    ck_assert_int_eq(post(&m, mk(1, 0, 2, 3)), 101);
    ck_assert_int_eq(post(&m, mk(2, 2, 2, 3)), -1);
    ck_assert_int_eq(post(&m, mk(3, 1, 2, 3)), 100);
    ck_assert_ptr_null(rt_match_probe(&m, 1, MPI_ANY_SOURCE, MPI_ANY_TAG));
    ck_assert_int_eq(arrive(&m, mk(102, 2, 2, 3)), 2);
}
END_TEST

/* ---- Probe ---------------------------------------------------------------- */

START_TEST(test_probe_does_not_remove)
{
    arrive(&m, mk(100, 0, 1, 1));
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, 1, 1)), 100);
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, 1, 1)), 100);
    ck_assert_uint_eq(m.unexpected.length, 1);
    ck_assert_int_eq(post(&m, mk(1, 0, 1, 1)), 100);
    ck_assert_ptr_null(rt_match_probe(&m, 0, 1, 1));
}
END_TEST

START_TEST(test_probe_wildcards_and_order)
{
    arrive(&m, mk(100, 0, 3, 5));
    arrive(&m, mk(101, 0, 2, 6));
    arrive(&m, mk(102, 0, 3, 6));
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)), 100);
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, MPI_ANY_SOURCE, 6)), 101);
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, 3, MPI_ANY_TAG)), 100);
    ck_assert_int_eq(id_of(rt_match_probe(&m, 0, 3, 6)), 102);
    ck_assert_ptr_null(rt_match_probe(&m, 0, 4, MPI_ANY_TAG));
    ck_assert_ptr_null(rt_match_probe(&m, 0, 2, 5));
    ck_assert_ptr_null(rt_match_probe(&m, 1, MPI_ANY_SOURCE, MPI_ANY_TAG));
}
END_TEST

START_TEST(test_probe_ignores_posted)
{
    post(&m, mk(1, 0, 1, 1));
    ck_assert_ptr_null(rt_match_probe(&m, 0, 1, 1));
}
END_TEST

START_TEST(test_probe_then_receive_gets_probed_message)
{
    /* What MPI_Probe promises: a receive with the probed source and tag
     * gets the message the probe saw, even if others arrived since. */
    arrive(&m, mk(100, 0, 1, 4));
    int src = rt_match_probe(&m, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)->source;
    int tag = rt_match_probe(&m, 0, MPI_ANY_SOURCE, MPI_ANY_TAG)->tag;
    arrive(&m, mk(101, 0, 1, 4));
    ck_assert_int_eq(post(&m, mk(1, 0, src, tag)), 100);
}
END_TEST

/* ---- Cancel ----------------------------------------------------------------- */

START_TEST(test_cancel_posted)
{
    item_t *r = mk(1, 0, 1, 1);
    post(&m, r);
    ck_assert_int_eq(rt_match_cancel(&m, &r->e), 1);
    ck_assert(!rt_match_is_queued(&r->e));
    ck_assert_uint_eq(m.posted.length, 0);
    ck_assert_int_eq(arrive(&m, mk(100, 0, 1, 1)), -1);
    ck_assert_int_eq(rt_match_cancel(&m, &r->e), 0);
}
END_TEST

START_TEST(test_cancel_after_match_fails)
{
    item_t *r = mk(1, 0, 1, 1);
    post(&m, r);
    ck_assert_int_eq(arrive(&m, mk(100, 0, 1, 1)), 1);
    ck_assert_int_eq(rt_match_cancel(&m, &r->e), 0);
}
END_TEST

START_TEST(test_cancel_of_receive_matched_at_post_fails)
{
    arrive(&m, mk(100, 0, 1, 1));
    item_t *r = mk(1, 0, 1, 1);
    ck_assert_int_eq(post(&m, r), 100);
    ck_assert_int_eq(rt_match_cancel(&m, &r->e), 0);
}
END_TEST

START_TEST(test_cancel_middle_keeps_order)
{
    item_t *a = mk(1, 0, 1, 1), *b = mk(2, 0, 1, 1), *c = mk(3, 0, 1, 1);
    post(&m, a);
    post(&m, b);
    post(&m, c);
    ck_assert_int_eq(rt_match_cancel(&m, &b->e), 1);
    ck_assert_int_eq(arrive(&m, mk(100, 0, 1, 1)), 1);
    ck_assert_int_eq(arrive(&m, mk(101, 0, 1, 1)), 3);
    ck_assert_int_eq(arrive(&m, mk(102, 0, 1, 1)), -1);
}
END_TEST

START_TEST(test_cancel_never_posted)
{
    item_t *r = mk(1, 0, 1, 1);
    ck_assert_int_eq(rt_match_cancel(&m, &r->e), 0);
}
END_TEST

START_TEST(test_cancelled_entry_can_be_posted_again)
{
    /* Persistent receives reuse their entry after a cancel. */
    item_t *r = mk(1, 0, 1, 1);
    post(&m, r);
    rt_match_cancel(&m, &r->e);
    rt_match_entry_set(&r->e, 0, 1, 1);
    ck_assert_int_eq(post(&m, r), -1);
    ck_assert_int_eq(arrive(&m, mk(100, 0, 1, 1)), 1);
}
END_TEST

/* ---- Many senders ---------------------------------------------------------- */

START_TEST(test_many_senders_fan_in)
{
    /* 8 senders x 20 messages each, interleaved round-robin; ANY_SOURCE
     * receives see them in arrival order and per-sender sequence numbers
     * never go backwards. */
    enum { SENDERS = 8, PER = 20 };
    static item_t msgs[SENDERS * PER], recvs[SENDERS * PER];
    int n = 0;
    for (int k = 0; k < PER; k++)
        for (int s = 0; s < SENDERS; s++, n++) {
            msgs[n].id = s * 1000 + k;
            rt_match_entry_set(&msgs[n].e, 0, s, 9);
            arrive(&m, &msgs[n]);
        }
    int last[SENDERS];
    for (int s = 0; s < SENDERS; s++)
        last[s] = -1;
    for (int i = 0; i < n; i++) {
        recvs[i].id = i;
        rt_match_entry_set(&recvs[i].e, 0, MPI_ANY_SOURCE, 9);
        int got = post(&m, &recvs[i]);
        ck_assert_int_eq(got, msgs[i].id);
        int s = got / 1000, seq = got % 1000;
        ck_assert_int_gt(seq, last[s]);
        last[s] = seq;
    }
    ck_assert_uint_eq(m.unexpected.length, 0);
}
END_TEST

START_TEST(test_many_senders_specific_receives)
{
    /* Receives posted per sender in reverse sender order still get each
     * sender's messages in order. */
    enum { SENDERS = 6, PER = 15 };
    static item_t msgs[SENDERS * PER], recvs[SENDERS * PER];
    int n = 0;
    for (int k = 0; k < PER; k++)
        for (int s = 0; s < SENDERS; s++, n++) {
            msgs[n].id = s * 1000 + k;
            rt_match_entry_set(&msgs[n].e, 0, s, k % 3);
            arrive(&m, &msgs[n]);
        }
    int r = 0;
    for (int s = SENDERS - 1; s >= 0; s--)
        for (int k = 0; k < PER; k++, r++) {
            recvs[r].id = r;
            rt_match_entry_set(&recvs[r].e, 0, s, MPI_ANY_TAG);
            ck_assert_int_eq(post(&m, &recvs[r]), s * 1000 + k);
        }
}
END_TEST

START_TEST(test_pop_unexpected_drains_in_order)
{
    for (int i = 0; i < 5; i++)
        arrive(&m, mk(100 + i, i % 2, i, i));
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(id_of(rt_match_pop_unexpected(&m)), 100 + i);
    ck_assert_ptr_null(rt_match_pop_unexpected(&m));
    ck_assert_uint_eq(m.unexpected.length, 0);
}
END_TEST

/* ---- Randomized comparison with a reference model --------------------------- */

/*
 * The model keeps two arrays in posting/arrival order with a live flag per
 * slot, and implements the MPI rules in the most literal way: an arrival
 * goes to the first live posted receive that accepts it, a post takes the
 * first live unexpected message it accepts.
 */
enum { MODEL_MAX = 4096 };

typedef struct model_slot {
    int id, ctx, src, tag, live;
} model_slot_t;

typedef struct model {
    model_slot_t posted[MODEL_MAX];
    int num_posted;
    model_slot_t unexp[MODEL_MAX];
    int num_unexp;
} model_t;

static int model_accepts(const model_slot_t *pattern, int ctx, int src, int tag)
{
    return pattern->ctx == ctx && (pattern->src == MPI_ANY_SOURCE || pattern->src == src) &&
           (pattern->tag == MPI_ANY_TAG || pattern->tag == tag);
}

static int model_arrive(model_t *md, int id, int ctx, int src, int tag)
{
    for (int i = 0; i < md->num_posted; i++)
        if (md->posted[i].live && model_accepts(&md->posted[i], ctx, src, tag)) {
            md->posted[i].live = 0;
            return md->posted[i].id;
        }
    md->unexp[md->num_unexp++] = (model_slot_t){id, ctx, src, tag, 1};
    return -1;
}

static int model_probe(const model_t *md, int ctx, int src, int tag)
{
    model_slot_t pattern = {0, ctx, src, tag, 1};
    for (int i = 0; i < md->num_unexp; i++)
        if (md->unexp[i].live &&
            model_accepts(&pattern, md->unexp[i].ctx, md->unexp[i].src, md->unexp[i].tag))
            return i;
    return -1;
}

static int model_post(model_t *md, int id, int ctx, int src, int tag)
{
    int i = model_probe(md, ctx, src, tag);
    if (i >= 0) {
        md->unexp[i].live = 0;
        return md->unexp[i].id;
    }
    md->posted[md->num_posted++] = (model_slot_t){id, ctx, src, tag, 1};
    return -1;
}

static int model_cancel(model_t *md, int id)
{
    for (int i = 0; i < md->num_posted; i++)
        if (md->posted[i].id == id && md->posted[i].live) {
            md->posted[i].live = 0;
            return 1;
        }
    return 0;
}

static int model_count(const model_slot_t *s, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += s[i].live;
    return c;
}

/* A small deterministic generator, so a failure reproduces everywhere. */
static uint32_t rng_state;
static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

/* The engine's invariant after every step: no queued message is accepted
 * by any posted receive (otherwise one of them waits for nothing). */
static void check_no_missed_match(const rt_match_t *mm)
{
    for (const rt_match_link_t *p = mm->posted.head.next; p != &mm->posted.head; p = p->next) {
        const rt_match_entry_t *r = (const rt_match_entry_t *)p;
        ck_assert_ptr_null(rt_match_probe(mm, r->context_id, r->source, r->tag));
    }
}

static void run_random(uint32_t seed, int steps, int contexts, int sources, int tags,
                       int wildcard_percent)
{
    static model_t md;
    static item_t pool[MODEL_MAX];
    md.num_posted = 0;
    md.num_unexp = 0;
    rt_match_t e;
    rt_match_init(&e);
    rng_state = seed;
    int n = 0;
    int posted_ids[MODEL_MAX];
    int num_posted_ids = 0;

    for (int step = 0; step < steps && n < MODEL_MAX; step++) {
        int op = (int)(rng() % 100);
        int ctx = (int)(rng() % (uint32_t)contexts);
        int src = (int)(rng() % (uint32_t)sources);
        int tag = (int)(rng() % (uint32_t)tags);
        if (op < 45) {
            /* An arrival: exact envelope. */
            item_t *it = &pool[n];
            it->id = n++;
            rt_match_entry_set(&it->e, ctx, src, tag);
            int want = model_arrive(&md, it->id, ctx, src, tag);
            int got = arrive(&e, it);
            ck_assert_msg(got == want, "seed %u step %d arrival: got %d, model %d", seed, step,
                          got, want);
        } else if (op < 85) {
            /* A post, sometimes with wildcards. */
            if ((int)(rng() % 100) < wildcard_percent)
                src = MPI_ANY_SOURCE;
            if ((int)(rng() % 100) < wildcard_percent)
                tag = MPI_ANY_TAG;
            item_t *it = &pool[n];
            it->id = n++;
            rt_match_entry_set(&it->e, ctx, src, tag);
            int want = model_post(&md, it->id, ctx, src, tag);
            int got = post(&e, it);
            ck_assert_msg(got == want, "seed %u step %d post: got %d, model %d", seed, step, got,
                          want);
            if (got < 0)
                posted_ids[num_posted_ids++] = it->id;
        } else if (op < 93) {
            /* A probe. */
            if ((int)(rng() % 100) < wildcard_percent)
                src = MPI_ANY_SOURCE;
            if ((int)(rng() % 100) < wildcard_percent)
                tag = MPI_ANY_TAG;
            int i = model_probe(&md, ctx, src, tag);
            int want = i < 0 ? -1 : md.unexp[i].id;
            int got = id_of(rt_match_probe(&e, ctx, src, tag));
            ck_assert_msg(got == want, "seed %u step %d probe: got %d, model %d", seed, step,
                          got, want);
        } else if (num_posted_ids > 0) {
            /* A cancel of some receive that was posted (maybe matched since). */
            int k = (int)(rng() % (uint32_t)num_posted_ids);
            int id = posted_ids[k];
            posted_ids[k] = posted_ids[--num_posted_ids];
            int want = model_cancel(&md, id);
            int got = rt_match_cancel(&e, &pool[id].e);
            ck_assert_msg(got == want, "seed %u step %d cancel %d: got %d, model %d", seed, step,
                          id, got, want);
        }
        ck_assert_uint_eq(e.posted.length, (size_t)model_count(md.posted, md.num_posted));
        ck_assert_uint_eq(e.unexpected.length, (size_t)model_count(md.unexp, md.num_unexp));
        if (step % 10 == 0)
            check_no_missed_match(&e);
    }
    check_no_missed_match(&e);
    /* What is left unexpected comes out in arrival order. */
    int last = -1;
    for (rt_match_entry_t *u; (u = rt_match_pop_unexpected(&e)) != NULL;) {
        ck_assert_int_gt(id_of(u), last);
        last = id_of(u);
    }
}

START_TEST(test_random_small_envelopes)
{
    /* Few distinct envelopes: many collisions, order decides everything. */
    run_random(1u + (uint32_t)_i, 3000, 2, 3, 2, 30);
}
END_TEST

START_TEST(test_random_wide_envelopes)
{
    /* Many distinct envelopes: queues grow long, wildcards sweep them. */
    run_random(1000u + (uint32_t)_i, 3000, 3, 8, 6, 15);
}
END_TEST

START_TEST(test_random_all_wildcards)
{
    run_random(5000u + (uint32_t)_i, 3000, 1, 4, 4, 100);
}
END_TEST

START_TEST(test_random_no_wildcards)
{
    run_random(9000u + (uint32_t)_i, 3000, 2, 4, 3, 0);
}
END_TEST

static Suite *match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_queues);
    tcase_add_test(tc, test_posted_then_arrival);
    tcase_add_test(tc, test_arrival_then_post);
    tcase_add_test(tc, test_wrong_source_or_tag_does_not_match);
    suite_add_tcase(s, tc);

    tc = tcase_create("wildcards");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_any_source_posted);
    tcase_add_test(tc, test_any_tag_posted);
    tcase_add_test(tc, test_both_wildcards_take_oldest_unexpected);
    tcase_add_test(tc, test_any_source_unexpected_picks_oldest_across_senders);
    tcase_add_test(tc, test_any_tag_unexpected_keeps_sender_order);
    tcase_add_test(tc, test_wildcard_posted_first_wins_over_specific);
    tcase_add_test(tc, test_specific_posted_first_wins_over_wildcard);
    tcase_add_test(tc, test_arrival_skips_non_matching_posted);
    suite_add_tcase(s, tc);

    tc = tcase_create("order");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_same_envelope_posted_in_order);
    tcase_add_test(tc, test_same_envelope_unexpected_in_order);
    tcase_add_test(tc, test_specific_tag_can_skip_but_order_within_tag_holds);
    tcase_add_test(tc, test_mixed_posted_and_unexpected);
    tcase_add_test(tc, test_many_senders_fan_in);
    tcase_add_test(tc, test_many_senders_specific_receives);
    tcase_add_test(tc, test_pop_unexpected_drains_in_order);
    suite_add_tcase(s, tc);

    tc = tcase_create("context");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_contexts_are_separate_posted);
    tcase_add_test(tc, test_contexts_are_separate_unexpected);
    suite_add_tcase(s, tc);

    tc = tcase_create("probe");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_probe_does_not_remove);
    tcase_add_test(tc, test_probe_wildcards_and_order);
    tcase_add_test(tc, test_probe_ignores_posted);
    tcase_add_test(tc, test_probe_then_receive_gets_probed_message);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cancel_posted);
    tcase_add_test(tc, test_cancel_after_match_fails);
    tcase_add_test(tc, test_cancel_of_receive_matched_at_post_fails);
    tcase_add_test(tc, test_cancel_middle_keeps_order);
    tcase_add_test(tc, test_cancel_never_posted);
    tcase_add_test(tc, test_cancelled_entry_can_be_posted_again);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_random_small_envelopes, 0, 20);
    tcase_add_loop_test(tc, test_random_wide_envelopes, 0, 10);
    tcase_add_loop_test(tc, test_random_all_wildcards, 0, 5);
    tcase_add_loop_test(tc, test_random_no_wildcards, 0, 5);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(match_suite());
}

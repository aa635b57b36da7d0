/*
 * check_shm_segment.c -- who backs and lays out which part of the node's
 * segment: local rank 0 only the header and the slots, every rank its own
 * receive queue and fast-box pool (shm_segment_take_own), so that those
 * pages are allocated by, and on the NUMA node of, the rank that reads
 * them.  The file's allocated blocks (fstat) tell how much each step
 * reserved; mincore(2) tells which pages were written; /proc/self/pagemap
 * tells which pages a process has in its page tables (shm_segment_prefault:
 * a rank's own queue and pool once it took them, a peer's queue once it
 * asked, and nothing else; shm_segment_touch: every page of its range).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transports/shm/shm_segment.h"
#include "check_run.h"

enum { RANKS = 4, DEPTH = 8, CELL = 8192 };

static char name[64];
static void *base;
static size_t bytes;

/* Pages of [p, p + len) that are in memory. */
static size_t resident_pages(const void *p, size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1);
    size_t n = ((uintptr_t)p + len - start + (size_t)page - 1) / (size_t)page;
    unsigned char *vec = malloc(n);
    ck_assert_ptr_nonnull(vec);
    ck_assert_int_eq(mincore((void *)start, n * (size_t)page, vec), 0);
    size_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += vec[i] & 1;
    free(vec);
    return in;
}

/* Pages of [p, p + len) in this process's page tables (pagemap's bit 63). */
static size_t mapped_pages(const void *p, size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t first = (uintptr_t)p / (uintptr_t)page;
    uintptr_t last = ((uintptr_t)p + len - 1) / (uintptr_t)page;
    int pm = open("/proc/self/pagemap", O_RDONLY);
    ck_assert_int_ge(pm, 0);
    size_t in = 0;
    for (uintptr_t v = first; v <= last; v++) {
        uint64_t entry = 0;
        ck_assert_int_eq(pread(pm, &entry, sizeof(entry), (off_t)(v * sizeof(entry))),
                         (ssize_t)sizeof(entry));
        in += (entry >> 63) & 1;
    }
    close(pm);
    return in;
}

static size_t pages_of(size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (len + page - 1) / page;
}

static int fd = -1;

/* A failed assertion ends a forked test without its teardown, so each test
 * removes the name before it asserts anything, and reads the file through
 * fd from then on. */
static void remove_name(void)
{
    fd = shm_open(name, O_RDWR, 0);
    shm_unlink(name);
    ck_assert_int_ge(fd, 0);
}

/* Bytes of the segment's file that are backed by memory. */
static size_t allocated_bytes(void)
{
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    return (size_t)st.st_blocks * 512;
}

static size_t own_bytes(void)
{
    return (size_t)((char *)shm_segment_queue(base, 1) - (char *)shm_segment_queue(base, 0)) +
           (size_t)((char *)shm_segment_fbox_pool(base, 1) -
                    (char *)shm_segment_fbox_pool(base, 0));
}

static void setup(void)
{
    snprintf(name, sizeof(name), "/minimpi-check-seg-%d-n0", (int)getpid());

    bytes = shm_segment_bytes(RANKS, DEPTH, CELL);
    ck_assert_int_eq(shm_segment_create(0, name, bytes, shm_segment_shared_bytes(RANKS), &base),
                     TP_OK);
    shm_segment_format(base, bytes, RANKS, DEPTH, CELL, 1, 42);
}

static void teardown(void)
{
    close(fd);
    munmap(base, bytes);
}

START_TEST(test_rank0_touches_only_header_and_slots)
{
    remove_name();
    ck_assert(shm_segment_matches(base, bytes, RANKS, 42));
    ck_assert_uint_gt(resident_pages(base, shm_segment_shared_bytes(RANKS)), 0);
    ck_assert_uint_eq(allocated_bytes(), shm_segment_shared_bytes(RANKS));
    for (int i = 0; i < RANKS; i++) {
        ck_assert_msg(resident_pages(shm_segment_queue(base, i), DEPTH * CELL) == 0,
                      "queue %d has pages before its owner took it", i);
        ck_assert_msg(resident_pages(shm_segment_fbox_pool(base, i), sizeof(shm_fbox_pool_t)) == 0,
                      "pool %d has pages before its owner took it", i);
        ck_assert_int_eq(shm_segment_slot(base, i)->region_pid, 0);
    }
}
END_TEST

START_TEST(test_owner_backs_and_lays_out_its_own)
{
    tp_status_t st = shm_segment_take_own(2, name, base, 2);
    remove_name();
    ck_assert_int_eq(st, TP_OK);
    ck_assert_uint_eq(allocated_bytes(), shm_segment_shared_bytes(RANKS) + own_bytes());
    ck_assert_int_eq(shm_segment_slot(base, 2)->region_pid, (int)getpid());
    ck_assert_uint_gt(resident_pages(shm_segment_queue(base, 2), DEPTH * CELL), 0);
    ck_assert_uint_gt(resident_pages(shm_segment_fbox_pool(base, 2), sizeof(shm_fbox_pool_t)), 0);
    /* Nobody else's region came with it: every region starts on its own page. */
    for (int i = 0; i < RANKS; i++) {
        if (i == 2)
            continue;
        ck_assert_msg(resident_pages(shm_segment_queue(base, i), DEPTH * CELL) == 0,
                      "queue %d got pages when rank 2 took its own", i);
        ck_assert_msg(resident_pages(shm_segment_fbox_pool(base, i), sizeof(shm_fbox_pool_t)) == 0,
                      "pool %d got pages when rank 2 took its own", i);
        ck_assert_uint_eq((uintptr_t)shm_segment_queue(base, i) % SHM_PAGE, 0);
        ck_assert_uint_eq((uintptr_t)shm_segment_fbox_pool(base, i) % SHM_PAGE, 0);
    }
    /* The queue is usable: empty, as laid out. */
    ck_assert_ptr_null(shm_queue_peek(shm_segment_queue(base, 2)));
}
END_TEST

/* Ranks take no page fault on their own queue and pool (shm_segment_prefault). */
START_TEST(test_owner_maps_all_of_its_own)
{
    tp_status_t st = shm_segment_take_own(1, name, base, 1);
    remove_name();
    ck_assert_int_eq(st, TP_OK);
    size_t queue_len = (size_t)((char *)shm_segment_queue(base, 2) -
                                (char *)shm_segment_queue(base, 1));
    size_t pool_len = (size_t)((char *)shm_segment_fbox_pool(base, 2) -
                               (char *)shm_segment_fbox_pool(base, 1));
    ck_assert_uint_eq(mapped_pages(shm_segment_queue(base, 1), queue_len), pages_of(queue_len));
    ck_assert_uint_eq(mapped_pages(shm_segment_fbox_pool(base, 1), pool_len), pages_of(pool_len));
    ck_assert_uint_eq(mapped_pages(shm_segment_queue(base, 3), queue_len), 0);
}
END_TEST

/* Rank 1 takes its queue and pool; then a second mapping of the file, which
 * stands for a peer's process, where nothing is mapped yet. */
static void *own_rank1_then_map_again(void)
{
    tp_status_t st = shm_segment_take_own(1, name, base, 1);
    remove_name();
    ck_assert_int_eq(st, TP_OK);
    void *other = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(other, MAP_FAILED);
    return other;
}

/* A sender maps a peer's whole queue before its first message into it
 * (another mapping of the file stands for the sender's process), and only
 * that queue. */
START_TEST(test_prefault_maps_one_peer_queue)
{
    void *other = own_rank1_then_map_again();
    shm_queue_t *peer_queue = shm_segment_queue(other, 1);
    size_t queue_len = (size_t)((char *)shm_segment_queue(other, 2) - (char *)peer_queue);
    ck_assert_uint_eq(mapped_pages(peer_queue, queue_len), 0);
    shm_segment_prefault_queue(other, peer_queue);
    size_t mapped = mapped_pages(peer_queue, queue_len);
    size_t next_queue = mapped_pages(shm_segment_queue(other, 2), queue_len);
    munmap(other, bytes);
    ck_assert_uint_eq(mapped, pages_of(queue_len));
    ck_assert_uint_eq(next_queue, 0);
}
END_TEST

/* shm_segment_touch maps every page of a range that starts inside a page. */
START_TEST(test_touch_maps_every_page)
{
    void *other = own_rank1_then_map_again();
    char *queue = (char *)shm_segment_queue(other, 1);
    size_t len = (size_t)((char *)shm_segment_queue(other, 2) - queue) - 200;
    size_t before = mapped_pages(queue, len + 200);
    shm_segment_touch(queue + 100, len);
    size_t after = mapped_pages(queue, len + 200);
    munmap(other, bytes);
    ck_assert_uint_eq(before, 0);
    ck_assert_uint_eq(after, pages_of(len + 200));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shm_segment");
    TCase *tc = tcase_create("placement");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rank0_touches_only_header_and_slots);
    tcase_add_test(tc, test_owner_backs_and_lays_out_its_own);
    tcase_add_test(tc, test_owner_maps_all_of_its_own);
    tcase_add_test(tc, test_prefault_maps_one_peer_queue);
    tcase_add_test(tc, test_touch_maps_every_page);
    suite_add_tcase(s, tc);
    return check_run(s);
}

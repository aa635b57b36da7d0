/*
 * check_bsend.c -- unit tests of the buffered-send allocator
 * (rt_bsend_region_* in runtime/rt_bsend.c): blocks stay inside the
 * attached buffer, never overlap, honour MPI_BSEND_OVERHEAD, and space
 * freed out of order is reused.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpi.h"
#include "rt_bsend.h"
#include "check_run.h"

static unsigned char arena[1 << 16];

START_TEST(test_empty_buffer_fits_nothing)
{
    rt_bsend_region_t r;
    rt_bsend_region_init(&r, arena, 0);
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, 0));
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, 1));
}
END_TEST

START_TEST(test_overhead_is_enough)
{
    /* The standard's promise: a buffer of n messages of size s each, sized
     * n * (s + MPI_BSEND_OVERHEAD), holds them all, whatever its alignment. */
    for (size_t misalign = 0; misalign < 16; misalign++) {
        for (size_t s = 0; s < 70; s += 7) {
            enum { N = 20 };
            rt_bsend_region_t r;
            rt_bsend_region_init(&r, arena + misalign, N * (s + MPI_BSEND_OVERHEAD));
            for (int i = 0; i < N; i++)
                ck_assert_msg(rt_bsend_region_alloc(&r, s) != NULL,
                              "message %d of %zu bytes (misalign %zu) does not fit", i, s,
                              misalign);
            ck_assert_uint_eq(r.num_blocks, N);
        }
    }
}
END_TEST

START_TEST(test_blocks_inside_and_disjoint)
{
    rt_bsend_region_t r;
    rt_bsend_region_init(&r, arena + 3, 5000);
    void *p[64];
    size_t len[64];
    int n = 0;
    for (; n < 64; n++) {
        len[n] = (size_t)(n * 37 % 200);
        p[n] = rt_bsend_region_alloc(&r, len[n]);
        if (p[n] == NULL)
            break;
        ck_assert((unsigned char *)p[n] >= arena + 3);
        ck_assert((unsigned char *)p[n] + len[n] <= arena + 3 + 5000);
        ck_assert_uint_eq((uintptr_t)p[n] % 16, 0);
        memset(p[n], n, len[n]);
    }
    ck_assert_int_gt(n, 10);
    /* Every block still holds its own byte: nobody overlapped it. */
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < len[i]; k++)
            ck_assert_uint_eq(((unsigned char *)p[i])[k], (unsigned)i);
}
END_TEST

START_TEST(test_free_out_of_order_reuses_space)
{
    rt_bsend_region_t r;
    rt_bsend_region_init(&r, arena, 4 * (1000 + MPI_BSEND_OVERHEAD));
    void *a = rt_bsend_region_alloc(&r, 1000);
    void *b = rt_bsend_region_alloc(&r, 1000);
    void *c = rt_bsend_region_alloc(&r, 1000);
    void *d = rt_bsend_region_alloc(&r, 1000);
    ck_assert(a && b && c && d);
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, 1000));
    rt_bsend_region_free(&r, b);
    ck_assert_uint_eq(r.num_blocks, 3);
    /* The hole left by b is reused, first fit. */
    ck_assert_ptr_eq(rt_bsend_region_alloc(&r, 1000), b);
    rt_bsend_region_free(&r, a);
    rt_bsend_region_free(&r, c);
    /* Two separate holes of one message each: a double message fits in neither. */
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, 2000));
    ck_assert_ptr_eq(rt_bsend_region_alloc(&r, 500), a);
    rt_bsend_region_free(&r, b);
    rt_bsend_region_free(&r, d);
    /* b, c, d freed: they merge into one gap after the 500-byte block. */
    ck_assert_ptr_nonnull(rt_bsend_region_alloc(&r, 2500));
}
END_TEST

START_TEST(test_largest_gap)
{
    rt_bsend_region_t r;
    rt_bsend_region_init(&r, arena, 3000);
    size_t whole = rt_bsend_region_largest_gap(&r);
    ck_assert_uint_le(whole, 3000);
    ck_assert_uint_gt(whole, 3000 - MPI_BSEND_OVERHEAD);
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, whole + 1));
    ck_assert_ptr_nonnull(rt_bsend_region_alloc(&r, whole));
    ck_assert_uint_eq(rt_bsend_region_largest_gap(&r), 0);
    ck_assert_ptr_null(rt_bsend_region_alloc(&r, 1));
}
END_TEST

START_TEST(test_random_against_shadow)
{
    /* Random allocations and frees; a shadow map of owners catches overlap,
     * and freeing everything leaves the whole buffer usable again. */
    enum { SIZE = 20000, SLOTS = 40 };
    static int owner[SIZE];
    rt_bsend_region_t r;
    rt_bsend_region_init(&r, arena, SIZE);
    size_t whole = rt_bsend_region_largest_gap(&r);
    void *p[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    uint32_t seed = 7;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1664525u + 1013904223u;
        int k = (int)((seed >> 8) % SLOTS);
        if (p[k] == NULL) {
            len[k] = (seed >> 16) % 1500;
            p[k] = rt_bsend_region_alloc(&r, len[k]);
            if (p[k] == NULL)
                continue;
            size_t off = (size_t)((unsigned char *)p[k] - arena);
            ck_assert_uint_le(off + len[k], SIZE);
            int overlap = 0;
            for (size_t i = 0; i < len[k]; i++) {
                overlap |= owner[off + i] != 0;
                owner[off + i] = k + 1;
            }
            ck_assert_msg(!overlap, "step %d: block %d overlaps another", step, k);
        } else {
            size_t off = (size_t)((unsigned char *)p[k] - arena);
            for (size_t i = 0; i < len[k]; i++)
                owner[off + i] = 0;
            rt_bsend_region_free(&r, p[k]);
            p[k] = NULL;
        }
    }
    for (int k = 0; k < SLOTS; k++)
        if (p[k] != NULL)
            rt_bsend_region_free(&r, p[k]);
    ck_assert_uint_eq(r.num_blocks, 0);
    ck_assert_uint_eq(rt_bsend_region_largest_gap(&r), whole);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bsend");
    TCase *tc = tcase_create("region");
    tcase_add_test(tc, test_empty_buffer_fits_nothing);
    tcase_add_test(tc, test_overhead_is_enough);
    tcase_add_test(tc, test_blocks_inside_and_disjoint);
    tcase_add_test(tc, test_free_out_of_order_reuses_space);
    tcase_add_test(tc, test_largest_gap);
    tcase_add_test(tc, test_random_against_shadow);
    suite_add_tcase(s, tc);
    return check_run(s);
}

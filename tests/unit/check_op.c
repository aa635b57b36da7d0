/*
 * check_op.c -- the reduction operations on their own (no MPI_Init): which
 * (operation, type) pairs the standard allows, the value each kernel
 * computes, MINLOC/MAXLOC ties, integer overflow wrapping, and user
 * operations.
 */
#include <check.h>
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_dt.h"
#include "rt_op.h"
#include "check_run.h"

/* The standard's table (MPI-3.1 5.9.2): 1 where the op is defined. */
typedef struct {
    MPI_Datatype type;
    int max_min, sum_prod, logical, bitwise, loc;
} allowed_t;

static const allowed_t table[] = {
    {MPI_INT, 1, 1, 1, 1, 0},
    {MPI_UNSIGNED_SHORT, 1, 1, 1, 1, 0},
    {MPI_LONG_LONG, 1, 1, 1, 1, 0},
    {MPI_INT8_T, 1, 1, 1, 1, 0},
    {MPI_UINT64_T, 1, 1, 1, 1, 0},
    {MPI_SIGNED_CHAR, 1, 1, 1, 1, 0},
    {MPI_AINT, 1, 1, 0, 1, 0},
    {MPI_COUNT, 1, 1, 0, 1, 0},
    {MPI_FLOAT, 1, 1, 0, 0, 0},
    {MPI_LONG_DOUBLE, 1, 1, 0, 0, 0},
    {MPI_C_DOUBLE_COMPLEX, 0, 1, 0, 0, 0},
    {MPI_C_BOOL, 0, 0, 1, 0, 0},
    {MPI_BYTE, 0, 0, 0, 1, 0},
    {MPI_CHAR, 0, 0, 0, 0, 0},
    {MPI_WCHAR, 0, 0, 0, 0, 0},
    {MPI_PACKED, 0, 0, 0, 0, 0},
    {MPI_DOUBLE_INT, 0, 0, 0, 0, 1},
    {MPI_2INT, 0, 0, 0, 0, 1},
    {MPI_LONG_DOUBLE_INT, 0, 0, 0, 0, 1},
};

static int allowed(MPI_Op op, const allowed_t *a)
{
    switch (op) {
    case MPI_MAX: case MPI_MIN: return a->max_min;
    case MPI_SUM: case MPI_PROD: return a->sum_prod;
    case MPI_LAND: case MPI_LOR: case MPI_LXOR: return a->logical;
    case MPI_BAND: case MPI_BOR: case MPI_BXOR: return a->bitwise;
    case MPI_MINLOC: case MPI_MAXLOC: return a->loc;
    default: return 0;             /* REPLACE, NO_OP: one-sided only */
    }
}

START_TEST(test_allowed_pairs)
{
    for (size_t t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
        rt_datatype_t *dt = rt_datatype_get(table[t].type);
        ck_assert_ptr_nonnull(dt);
        for (int i = 1; i <= MINIMPI_OP_PREDEFINED_LAST; i++) {
            MPI_Op h = (MPI_Op)((MINIMPI_KIND_OP << 24) | i);
            rt_op_t *op = rt_op_get(h);
            ck_assert_ptr_nonnull(op);
            int want = allowed(h, &table[t]) ? MPI_SUCCESS : MPI_ERR_OP;
            ck_assert_msg(rt_op_check(op, dt) == want, "%s on %s: got %d, want %d", op->name,
                          dt->name, rt_op_check(op, dt), want);
        }
    }
}
END_TEST

START_TEST(test_invalid_handles)
{
    ck_assert_ptr_null(rt_op_get(MPI_OP_NULL));
    ck_assert_ptr_null(rt_op_get((MPI_Op)0x5800000f));
    ck_assert_ptr_null(rt_op_get(MPI_INT));
    ck_assert_int_eq(rt_op_free(MPI_SUM), MPI_ERR_OP);
}
END_TEST

#define APPLY(OP, T, IN, INOUT, N) \
    rt_op_apply(rt_op_get(OP), IN, INOUT, N, rt_datatype_get(T))

START_TEST(test_values)
{
    int a[4] = {1, -5, 7, 0}, b[4] = {3, 2, -7, 0};
    int s[4];
    memcpy(s, b, sizeof(s));
    APPLY(MPI_SUM, MPI_INT, a, s, 4);
    ck_assert(s[0] == 4 && s[1] == -3 && s[2] == 0 && s[3] == 0);
    memcpy(s, b, sizeof(s));
    APPLY(MPI_MAX, MPI_INT, a, s, 4);
    ck_assert(s[0] == 3 && s[1] == 2 && s[2] == 7);
    memcpy(s, b, sizeof(s));
    APPLY(MPI_MIN, MPI_INT, a, s, 4);
    ck_assert(s[0] == 1 && s[1] == -5 && s[2] == -7);
    memcpy(s, b, sizeof(s));
    APPLY(MPI_LAND, MPI_INT, a, s, 4);
    ck_assert(s[0] == 1 && s[1] == 1 && s[2] == 1 && s[3] == 0);
    memcpy(s, b, sizeof(s));
    APPLY(MPI_LXOR, MPI_INT, a, s, 4);
    ck_assert(s[0] == 0 && s[3] == 0);
    memcpy(s, b, sizeof(s));
    APPLY(MPI_BXOR, MPI_INT, a, s, 4);
    ck_assert(s[0] == (1 ^ 3) && s[1] == (-5 ^ 2));

    /* Wrapping instead of undefined behaviour. */
    int big[1] = {INT32_MAX}, one[1] = {1};
    APPLY(MPI_SUM, MPI_INT, big, one, 1);
    ck_assert_int_eq(one[0], INT32_MIN);
    unsigned short us_a[1] = {65535}, us_b[1] = {65535};
    APPLY(MPI_PROD, MPI_UNSIGNED_SHORT, us_a, us_b, 1);
    ck_assert_uint_eq(us_b[0], 1);

    double d[2] = {1.5, -2}, e[2] = {0.25, 4};
    APPLY(MPI_PROD, MPI_DOUBLE, d, e, 2);
    ck_assert(e[0] == 0.375 && e[1] == -8);
    double complex c1[1] = {1 + 2 * I}, c2[1] = {3 - I};
    APPLY(MPI_PROD, MPI_C_DOUBLE_COMPLEX, c1, c2, 1);
    ck_assert(creal(c2[0]) == 5 && cimag(c2[0]) == 5);
    bool t[2] = {true, false}, f[2] = {false, false};
    APPLY(MPI_LOR, MPI_C_BOOL, t, f, 2);
    ck_assert(f[0] && !f[1]);
    unsigned char x[1] = {0xf0}, y[1] = {0x3c};
    APPLY(MPI_BAND, MPI_BYTE, x, y, 1);
    ck_assert_uint_eq(y[0], 0x30);
}
END_TEST

START_TEST(test_loc)
{
    struct { double v; int i; } in[3] = {{1, 4}, {2, 1}, {5, 9}}, io[3] = {{1, 2}, {0, 7}, {5, 3}};
    APPLY(MPI_MINLOC, MPI_DOUBLE_INT, in, io, 3);
    ck_assert(io[0].v == 1 && io[0].i == 2);   /* tie: smaller index */
    ck_assert(io[1].v == 0 && io[1].i == 7);
    ck_assert(io[2].v == 5 && io[2].i == 3);
    struct { int v; int i; } a[2] = {{3, 8}, {3, 1}}, b[2] = {{2, 0}, {3, 5}};
    APPLY(MPI_MAXLOC, MPI_2INT, a, b, 2);
    ck_assert(b[0].v == 3 && b[0].i == 8);
    ck_assert(b[1].v == 3 && b[1].i == 1);
}
END_TEST

static void sub_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    ck_assert_int_eq(*dt, MPI_INT);
    for (int i = 0; i < *len; i++)
        ((int *)inout)[i] = ((int *)in)[i] - ((int *)inout)[i];
}

START_TEST(test_user_op)
{
    MPI_Op h;
    ck_assert_int_eq(rt_op_create(sub_fn, 0, &h), MPI_SUCCESS);
    rt_op_t *op = rt_op_get(h);
    ck_assert_ptr_nonnull(op);
    ck_assert_int_eq(op->commutative, 0);
    ck_assert_int_eq(rt_op_check(op, rt_datatype_get(MPI_CHAR)), MPI_SUCCESS);
    int a[2] = {10, 20}, b[2] = {1, 2};
    rt_op_apply(op, a, b, 2, rt_datatype_get(MPI_INT));
    ck_assert(b[0] == 9 && b[1] == 18);
    ck_assert_int_eq(rt_op_free(h), MPI_SUCCESS);
    ck_assert_ptr_null(rt_op_get(h));
    ck_assert_int_eq(rt_op_free(h), MPI_ERR_OP);
    rt_op_finalize();
}
END_TEST

/* Predefined operations on derived types made of one basic type run over
 * the data only (gaps untouched); mixed types and disallowed pairs are
 * refused. */
START_TEST(test_derived)
{
    const rt_datatype_t *dbl = rt_datatype_get(MPI_DOUBLE);
    rt_datatype_t *gappy, *dense, *mixed;
    /* Two doubles 16 bytes apart (a gap of one double), and three in a row. */
    ck_assert_int_eq(rt_dt_build_hvector(2, 1, 16, dbl, &gappy), MPI_SUCCESS);
    ck_assert_int_eq(rt_dt_build_hvector(3, 1, 8, dbl, &dense), MPI_SUCCESS);
    const rt_datatype_t *parts[2] = {dbl, rt_datatype_get(MPI_INT)};
    int blens[2] = {1, 1};
    MPI_Aint displs[2] = {0, 8};
    ck_assert_int_eq(rt_dt_build_struct(2, blens, displs, parts, 1, &mixed), MPI_SUCCESS);

    rt_op_t *sum = rt_op_get(MPI_SUM), *band = rt_op_get(MPI_BAND);
    ck_assert_int_eq(rt_op_check(sum, gappy), MPI_SUCCESS);
    ck_assert_int_eq(rt_op_check(sum, dense), MPI_SUCCESS);
    ck_assert_int_eq(rt_op_check(band, gappy), MPI_ERR_OP);
    ck_assert_int_eq(rt_op_check(sum, mixed), MPI_ERR_OP);

    double a[6] = {1, -1, 2, 3, -1, 4}, b[6] = {10, 7, 20, 30, 7, 40};
    rt_op_apply(sum, a, b, 2, gappy);
    double want[6] = {11, 7, 22, 33, 7, 44};
    ck_assert_mem_eq(b, want, sizeof(b));
    double c[6] = {1, 2, 3, 4, 5, 6}, d[6] = {1, 1, 1, 1, 1, 1};
    rt_op_apply(rt_op_get(MPI_PROD), c, d, 2, dense);
    ck_assert_mem_eq(d, c, sizeof(c));
    rt_datatype_destroy(gappy);
    rt_datatype_destroy(dense);
    rt_datatype_destroy(mixed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("op");
    TCase *tc = tcase_create("op");
    tcase_add_test(tc, test_allowed_pairs);
    tcase_add_test(tc, test_invalid_handles);
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_loc);
    tcase_add_test(tc, test_user_op);
    tcase_add_test(tc, test_derived);
    suite_add_tcase(s, tc);
    return check_run(s);
}

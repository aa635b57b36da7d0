/*
 * check_dt.c -- derived datatypes in a singleton process: what the
 * constructors compute (size, bounds, the flattened runs), packing and
 * unpacking with the gaps left untouched, contents, and the errors of
 * misuse (uncommitted, freed, predefined).  Messages to self check that a
 * type freed while a receive uses it stays valid.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mpi.h"
#include "rt.h"
#include "check_run.h"

static void setup(void)
{
    ck_assert_int_eq(MPI_Init(NULL, NULL), MPI_SUCCESS);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

static void teardown(void)
{
    MPI_Finalize();
}

static MPI_Datatype commit(MPI_Datatype t)
{
    ck_assert_int_eq(MPI_Type_commit(&t), MPI_SUCCESS);
    return t;
}

START_TEST(vector_is_one_run)
{
    MPI_Datatype t;
    ck_assert_int_eq(MPI_Type_vector(3, 2, 4, MPI_INT, &t), MPI_SUCCESS);
    t = commit(t);
    int size;
    MPI_Aint lb, extent;
    MPI_Type_size(t, &size);
    MPI_Type_get_extent(t, &lb, &extent);
    ck_assert_int_eq(size, 6 * (int)sizeof(int));
    ck_assert_int_eq(lb, 0);
    ck_assert_int_eq(extent, 10 * (MPI_Aint)sizeof(int));
    /* Flattened once: three blocks of two ints, 16 bytes apart, one run. */
    rt_datatype_t *dt = rt_datatype_get(t);
    ck_assert_int_eq(dt->num_blocks, 1);
    ck_assert_uint_eq(dt->blocks[0].count, 3);
    ck_assert_uint_eq(dt->blocks[0].len, 2 * sizeof(int));
    ck_assert_int_eq(dt->blocks[0].stride, 4 * (MPI_Aint)sizeof(int));
    ck_assert_int_eq(dt->contiguous, 0);

    int src[10], packed[6], dst[10];
    for (int i = 0; i < 10; i++)
        src[i] = i;
    int pos = 0;
    ck_assert_int_eq(MPI_Pack(src, 1, t, packed, sizeof(packed), &pos, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    ck_assert_int_eq(pos, (int)sizeof(packed));
    int want[6] = {0, 1, 4, 5, 8, 9};
    ck_assert_mem_eq(packed, want, sizeof(want));
    for (int i = 0; i < 10; i++)
        dst[i] = -1;
    pos = 0;
    ck_assert_int_eq(MPI_Unpack(packed, sizeof(packed), &pos, dst, 1, t, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    int back[10] = {0, 1, -1, -1, 4, 5, -1, -1, 8, 9};
    ck_assert_mem_eq(dst, back, sizeof(back));
    MPI_Type_free(&t);
    ck_assert_int_eq(t, MPI_DATATYPE_NULL);
}
END_TEST

START_TEST(contiguous_keeps_fast_path)
{
    MPI_Datatype a, b;
    MPI_Type_contiguous(4, MPI_DOUBLE, &a);
    MPI_Type_contiguous(3, a, &b);
    b = commit(b);
    rt_datatype_t *dt = rt_datatype_get(b);
    ck_assert_int_eq(dt->contiguous, 1);
    ck_assert_uint_eq(dt->size, 12 * sizeof(double));
    /* Two columns side by side form one contiguous block too. */
    MPI_Datatype v;
    MPI_Type_vector(5, 2, 2, MPI_INT, &v);
    ck_assert_int_eq(rt_datatype_get(v)->contiguous, 1);
    MPI_Type_free(&a);
    MPI_Type_free(&b);
    MPI_Type_free(&v);
}
END_TEST

struct particle {
    char tag;
    double pos[2];
    int id;
};

static MPI_Datatype particle_type(void)
{
    int bl[3] = {1, 2, 1};
    MPI_Aint d[3] = {offsetof(struct particle, tag), offsetof(struct particle, pos),
                     offsetof(struct particle, id)};
    MPI_Datatype types[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT};
    MPI_Datatype t;
    ck_assert_int_eq(MPI_Type_create_struct(3, bl, d, types, &t), MPI_SUCCESS);
    return commit(t);
}

START_TEST(struct_round_trip_leaves_padding)
{
    MPI_Datatype t = particle_type();
    int size;
    MPI_Aint lb, extent, tlb, textent;
    MPI_Type_size(t, &size);
    MPI_Type_get_extent(t, &lb, &extent);
    MPI_Type_get_true_extent(t, &tlb, &textent);
    ck_assert_int_eq(size, 1 + 16 + (int)sizeof(int));
    ck_assert_int_eq(lb, 0);
    /* Padded like the C struct, so arrays of it line up. */
    ck_assert_int_eq(extent, (MPI_Aint)sizeof(struct particle));
    ck_assert_int_eq(textent, (MPI_Aint)(offsetof(struct particle, id) + sizeof(int)));

    struct particle in[3], out[3];
    memset(in, 0x11, sizeof(in));
    for (int i = 0; i < 3; i++) {
        in[i].tag = (char)('a' + i);
        in[i].pos[0] = i + 0.5;
        in[i].pos[1] = -i;
        in[i].id = 100 + i;
    }
    char packed[3 * 32];
    int pos = 0;
    ck_assert_int_eq(MPI_Pack(in, 3, t, packed, sizeof(packed), &pos, MPI_COMM_WORLD), MPI_SUCCESS);
    ck_assert_int_eq(pos, 3 * size);
    memset(out, 0x77, sizeof(out));
    pos = 0;
    ck_assert_int_eq(MPI_Unpack(packed, sizeof(packed), &pos, out, 3, t, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(out[i].tag, 'a' + i);
        ck_assert(out[i].pos[0] == i + 0.5 && out[i].pos[1] == -i);
        ck_assert_int_eq(out[i].id, 100 + i);
        /* The padding after the char was never written. */
        ck_assert_int_eq(((unsigned char *)&out[i])[1], 0x77);
    }
    MPI_Type_free(&t);
}
END_TEST

START_TEST(indexed_family)
{
    int bl[3] = {2, 1, 3};
    int d[3] = {5, 0, 9};
    MPI_Datatype t, h, ib, hb;
    ck_assert_int_eq(MPI_Type_indexed(3, bl, d, MPI_SHORT, &t), MPI_SUCCESS);
    MPI_Aint hd[3] = {5 * sizeof(short), 0, 9 * sizeof(short)};
    ck_assert_int_eq(MPI_Type_create_hindexed(3, bl, hd, MPI_SHORT, &h), MPI_SUCCESS);
    ck_assert_int_eq(MPI_Type_create_indexed_block(3, 2, d, MPI_SHORT, &ib), MPI_SUCCESS);
    ck_assert_int_eq(MPI_Type_create_hindexed_block(3, 2, hd, MPI_SHORT, &hb), MPI_SUCCESS);
    short src[12], a[6], b[6];
    for (int i = 0; i < 12; i++)
        src[i] = (short)(i * 10);
    t = commit(t);
    h = commit(h);
    int pos = 0;
    MPI_Pack(src, 1, t, a, sizeof(a), &pos, MPI_COMM_WORLD);
    short want[6] = {50, 60, 0, 90, 100, 110};
    ck_assert_mem_eq(a, want, sizeof(want));
    pos = 0;
    MPI_Pack(src, 1, h, b, sizeof(b), &pos, MPI_COMM_WORLD);
    ck_assert_mem_eq(b, want, sizeof(want));
    MPI_Aint lb, extent;
    MPI_Type_get_extent(t, &lb, &extent);
    ck_assert_int_eq(lb, 0);
    ck_assert_int_eq(extent, 12 * (MPI_Aint)sizeof(short));
    ib = commit(ib);
    pos = 0;
    MPI_Pack(src, 1, ib, a, sizeof(a), &pos, MPI_COMM_WORLD);
    short want_b[6] = {50, 60, 0, 10, 90, 100};
    ck_assert_mem_eq(a, want_b, sizeof(want_b));
    hb = commit(hb);
    int size;
    MPI_Type_size(hb, &size);
    ck_assert_int_eq(size, 6 * (int)sizeof(short));
    MPI_Type_free(&t);
    MPI_Type_free(&h);
    MPI_Type_free(&ib);
    MPI_Type_free(&hb);
}
END_TEST

START_TEST(subarray_c_and_fortran)
{
    int sizes[2] = {4, 5}, sub[2] = {2, 3}, starts[2] = {1, 1};
    MPI_Datatype c, f;
    ck_assert_int_eq(MPI_Type_create_subarray(2, sizes, sub, starts, MPI_ORDER_C, MPI_INT, &c),
                     MPI_SUCCESS);
    ck_assert_int_eq(
        MPI_Type_create_subarray(2, sizes, sub, starts, MPI_ORDER_FORTRAN, MPI_INT, &f),
        MPI_SUCCESS);
    c = commit(c);
    f = commit(f);
    int a[20], out[6];
    for (int i = 0; i < 20; i++)
        a[i] = i;
    MPI_Aint lb, extent;
    MPI_Type_get_extent(c, &lb, &extent);
    ck_assert_int_eq(extent, 20 * (MPI_Aint)sizeof(int));
    int pos = 0;
    MPI_Pack(a, 1, c, out, sizeof(out), &pos, MPI_COMM_WORLD);
    int want_c[6] = {6, 7, 8, 11, 12, 13};
    ck_assert_mem_eq(out, want_c, sizeof(want_c));
    /* Fortran order: the first index varies fastest, rows of 4. */
    pos = 0;
    MPI_Pack(a, 1, f, out, sizeof(out), &pos, MPI_COMM_WORLD);
    int want_f[6] = {5, 6, 9, 10, 13, 14};
    ck_assert_mem_eq(out, want_f, sizeof(want_f));
    MPI_Type_free(&c);
    MPI_Type_free(&f);
}
END_TEST

START_TEST(resized_and_dup)
{
    MPI_Datatype v, r, d;
    MPI_Type_vector(2, 1, 3, MPI_DOUBLE, &v);
    ck_assert_int_eq(MPI_Type_create_resized(v, 0, sizeof(double), &r), MPI_SUCCESS);
    r = commit(r);
    MPI_Aint lb, extent, tlb, textent;
    MPI_Type_get_extent(r, &lb, &extent);
    MPI_Type_get_true_extent(r, &tlb, &textent);
    ck_assert_int_eq(extent, (MPI_Aint)sizeof(double));
    ck_assert_int_eq(textent, 4 * (MPI_Aint)sizeof(double));
    /* Three resized columns interleave: elements 0,3 then 1,4 then 2,5. */
    double m[6] = {0, 1, 2, 3, 4, 5}, out[6];
    int pos = 0;
    MPI_Pack(m, 3, r, out, sizeof(out), &pos, MPI_COMM_WORLD);
    double want[6] = {0, 3, 1, 4, 2, 5};
    ck_assert_mem_eq(out, want, sizeof(want));
    ck_assert_int_eq(MPI_Type_dup(r, &d), MPI_SUCCESS);
    int size;
    MPI_Type_size(d, &size);
    ck_assert_int_eq(size, 2 * (int)sizeof(double));
    /* A dup of a committed type is committed. */
    pos = 0;
    ck_assert_int_eq(MPI_Pack(m, 1, d, out, sizeof(out), &pos, MPI_COMM_WORLD), MPI_SUCCESS);
    MPI_Type_free(&v);
    MPI_Type_free(&r);
    MPI_Type_free(&d);
}
END_TEST

START_TEST(envelope_and_contents)
{
    MPI_Datatype v;
    MPI_Type_vector(3, 2, 4, MPI_FLOAT, &v);
    int ni, na, nt, comb;
    MPI_Type_get_envelope(v, &ni, &na, &nt, &comb);
    ck_assert_int_eq(comb, MPI_COMBINER_VECTOR);
    ck_assert_int_eq(ni, 3);
    ck_assert_int_eq(na, 0);
    ck_assert_int_eq(nt, 1);
    int ints[3];
    MPI_Datatype types[1];
    ck_assert_int_eq(MPI_Type_get_contents(v, 3, 0, 1, ints, NULL, types), MPI_SUCCESS);
    ck_assert_int_eq(ints[0], 3);
    ck_assert_int_eq(ints[1], 2);
    ck_assert_int_eq(ints[2], 4);
    ck_assert_int_eq(types[0], MPI_FLOAT);
    MPI_Type_get_envelope(MPI_INT, &ni, &na, &nt, &comb);
    ck_assert_int_eq(comb, MPI_COMBINER_NAMED);
    ck_assert_int_eq(MPI_Type_get_contents(MPI_INT, 0, 0, 0, NULL, NULL, NULL), MPI_ERR_TYPE);
    /* Names. */
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    MPI_Type_get_name(MPI_DOUBLE, name, &len);
    ck_assert_str_eq(name, "MPI_DOUBLE");
    MPI_Type_set_name(v, "columns");
    MPI_Type_get_name(v, name, &len);
    ck_assert_str_eq(name, "columns");
    ck_assert_int_eq(len, 7);
    MPI_Type_free(&v);
}
END_TEST

START_TEST(misuse_gives_err_type)
{
    MPI_Datatype v, freed;
    MPI_Type_vector(2, 1, 2, MPI_INT, &v);
    int buf[4] = {0};
    /* Uncommitted: not usable for communication. */
    ck_assert_int_eq(MPI_Send(buf, 1, v, MPI_PROC_NULL, 0, MPI_COMM_WORLD), MPI_ERR_TYPE);
    int pos = 0;
    char out[16];
    ck_assert_int_eq(MPI_Pack(buf, 1, v, out, sizeof(out), &pos, MPI_COMM_WORLD), MPI_ERR_TYPE);
    freed = v;
    MPI_Type_free(&v);
    ck_assert_int_eq(MPI_Send(buf, 1, freed, MPI_PROC_NULL, 0, MPI_COMM_WORLD), MPI_ERR_TYPE);
    ck_assert_int_eq(MPI_Type_free(&freed), MPI_ERR_TYPE);
    MPI_Datatype predefined = MPI_INT;
    ck_assert_int_eq(MPI_Type_free(&predefined), MPI_ERR_TYPE);
    ck_assert_int_eq(MPI_Type_contiguous(-1, MPI_INT, &v), MPI_ERR_COUNT);
    ck_assert_int_eq(MPI_Type_vector(2, -1, 2, MPI_INT, &v), MPI_ERR_ARG);
    ck_assert_int_eq(MPI_Type_contiguous(2, MPI_DATATYPE_NULL, &v), MPI_ERR_TYPE);
    int sizes[1] = {4}, sub[1] = {5}, st[1] = {0};
    ck_assert_int_eq(MPI_Type_create_subarray(1, sizes, sub, st, MPI_ORDER_C, MPI_INT, &v),
                     MPI_ERR_ARG);
    /* Packing more than fits. */
    pos = 12;
    ck_assert_int_eq(MPI_Pack(buf, 2, MPI_INT, out, sizeof(out), &pos, MPI_COMM_WORLD),
                     MPI_ERR_TRUNCATE);
}
END_TEST

START_TEST(freed_while_receiving)
{
    MPI_Datatype v;
    MPI_Type_vector(4, 1, 2, MPI_INT, &v);
    v = commit(v);
    int dst[8], src[4] = {1, 2, 3, 4};
    for (int i = 0; i < 8; i++)
        dst[i] = -1;
    MPI_Request req;
    ck_assert_int_eq(MPI_Irecv(dst, 1, v, 0, 5, MPI_COMM_SELF, &req), MPI_SUCCESS);
    ck_assert_int_eq(MPI_Type_free(&v), MPI_SUCCESS);
    ck_assert_int_eq(MPI_Send(src, 4, MPI_INT, 0, 5, MPI_COMM_SELF), MPI_SUCCESS);
    MPI_Status st;
    ck_assert_int_eq(MPI_Wait(&req, &st), MPI_SUCCESS);
    int want[8] = {1, -1, 2, -1, 3, -1, 4, -1};
    ck_assert_mem_eq(dst, want, sizeof(want));
    int n;
    ck_assert_int_eq(MPI_Get_count(&st, MPI_INT, &n), MPI_SUCCESS);
    ck_assert_int_eq(n, 4);
}
END_TEST

START_TEST(get_elements_counts_basic_elements)
{
    MPI_Datatype c;
    MPI_Type_contiguous(3, MPI_INT, &c);
    c = commit(c);
    int src[7] = {1, 2, 3, 4, 5, 6, 7}, dst[9];
    MPI_Status st;
    MPI_Request req;
    MPI_Irecv(dst, 3, c, 0, 1, MPI_COMM_SELF, &req);
    MPI_Send(src, 7, MPI_INT, 0, 1, MPI_COMM_SELF);
    MPI_Wait(&req, &st);
    int n;
    MPI_Get_elements(&st, c, &n);
    ck_assert_int_eq(n, 7);
    MPI_Get_count(&st, c, &n);
    ck_assert_int_eq(n, MPI_UNDEFINED);
    MPI_Aint a1, a2;
    MPI_Get_address(&src[0], &a1);
    MPI_Get_address(&src[3], &a2);
    ck_assert_int_eq(MPI_Aint_diff(a2, a1), 3 * (MPI_Aint)sizeof(int));
    ck_assert_int_eq(MPI_Aint_add(a1, 8), a1 + 8);
    MPI_Type_free(&c);
}
END_TEST

START_TEST(bottom_with_absolute_addresses)
{
    double x = 2.5;
    int k = 7;
    MPI_Aint d[2];
    MPI_Get_address(&x, &d[0]);
    MPI_Get_address(&k, &d[1]);
    int bl[2] = {1, 1};
    MPI_Datatype types[2] = {MPI_DOUBLE, MPI_INT}, t;
    MPI_Type_create_struct(2, bl, d, types, &t);
    t = commit(t);
    char packed[12];
    int pos = 0;
    ck_assert_int_eq(MPI_Pack(MPI_BOTTOM, 1, t, packed, sizeof(packed), &pos, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    double x2;
    int k2;
    memcpy(&x2, packed, sizeof(x2));
    memcpy(&k2, packed + 8, sizeof(k2));
    ck_assert(x2 == 2.5);
    ck_assert_int_eq(k2, 7);
    MPI_Type_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datatypes");
    TCase *tc = tcase_create("derived");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, vector_is_one_run);
    tcase_add_test(tc, contiguous_keeps_fast_path);
    tcase_add_test(tc, struct_round_trip_leaves_padding);
    tcase_add_test(tc, indexed_family);
    tcase_add_test(tc, subarray_c_and_fortran);
    tcase_add_test(tc, resized_and_dup);
    tcase_add_test(tc, envelope_and_contents);
    tcase_add_test(tc, misuse_gives_err_type);
    tcase_add_test(tc, freed_while_receiving);
    tcase_add_test(tc, get_elements_counts_basic_elements);
    tcase_add_test(tc, bottom_with_absolute_addresses);
    suite_add_tcase(s, tc);
    return check_run(s);
}

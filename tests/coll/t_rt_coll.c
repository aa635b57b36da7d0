/*
 * t_rt_coll.c -- the runtime's internal collectives (rt_coll.h) on
 * MPI_COMM_WORLD: barrier, bcast from every root, allreduce and allgather,
 * each checked against what every rank can compute alone.  Counts include
 * 0, 1, fewer elements than ranks, and sizes above the eager limit.
 * Exits non-zero with a message naming the first wrong element.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi.h"
#include "rt.h"
#include "rt_coll.h"

static int rank, size, failures;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "rank %d: ", rank);                                \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, "\n");                                             \
            if (++failures > 10)                                               \
                exit(1);                                                       \
        }                                                                      \
    } while (0)

static const size_t counts[] = {0, 1, 3, 17, 1000, 40000};
#define NUM_COUNTS (sizeof(counts) / sizeof(counts[0]))

static void test_bcast(rt_comm_t *w)
{
    rt_datatype_t *dt = rt_datatype_get(MPI_INT);
    for (size_t c = 0; c < NUM_COUNTS; c++) {
        size_t n = counts[c];
        int *buf = malloc((n + 1) * sizeof(int));
        for (int root = 0; root < size; root++) {
            for (size_t i = 0; i < n; i++)
                buf[i] = rank == root ? (int)(i * 7 + (size_t)root) : -1;
            int err = rt_coll_bcast(w, buf, n, dt, root);
            CHECK(err == MPI_SUCCESS, "bcast returned %d", err);
            for (size_t i = 0; i < n; i++)
                if (buf[i] != (int)(i * 7 + (size_t)root)) {
                    CHECK(0, "bcast count %zu root %d: buf[%zu] = %d", n, root, i, buf[i]);
                    break;
                }
        }
        free(buf);
    }
    int dummy;
    CHECK(rt_coll_bcast(w, &dummy, 1, dt, size) == MPI_ERR_ROOT, "bcast root %d accepted", size);
}

static void test_allreduce(rt_comm_t *w)
{
    rt_datatype_t *dt_int = rt_datatype_get(MPI_INT), *dt_dbl = rt_datatype_get(MPI_DOUBLE);
    rt_op_t *sum = rt_op_get(MPI_SUM), *max = rt_op_get(MPI_MAX);
    for (size_t c = 0; c < NUM_COUNTS; c++) {
        size_t n = counts[c];
        int *in = malloc((n + 1) * sizeof(int)), *out = malloc((n + 1) * sizeof(int));
        double *din = malloc((n + 1) * sizeof(double)), *dout = malloc((n + 1) * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            in[i] = (int)i + rank;
            din[i] = 0.5 * (double)rank + (double)i;
        }
        CHECK(rt_coll_allreduce(w, in, out, n, dt_int, sum) == MPI_SUCCESS, "allreduce failed");
        for (size_t i = 0; i < n; i++)
            if (out[i] != (int)i * size + size * (size - 1) / 2) {
                CHECK(0, "allreduce sum count %zu: out[%zu] = %d", n, i, out[i]);
                break;
            }
        CHECK(rt_coll_allreduce(w, din, dout, n, dt_dbl, max) == MPI_SUCCESS, "allreduce failed");
        for (size_t i = 0; i < n; i++)
            if (dout[i] != 0.5 * (size - 1) + (double)i) {
                CHECK(0, "allreduce max count %zu: out[%zu] = %g", n, i, dout[i]);
                break;
            }
        /* In place. */
        memcpy(out, in, n * sizeof(int));
        CHECK(rt_coll_allreduce(w, MPI_IN_PLACE, out, n, dt_int, sum) == MPI_SUCCESS,
              "allreduce in place failed");
        for (size_t i = 0; i < n; i++)
            if (out[i] != (int)i * size + size * (size - 1) / 2) {
                CHECK(0, "allreduce in place count %zu: out[%zu] = %d", n, i, out[i]);
                break;
            }
        free(in);
        free(out);
        free(din);
        free(dout);
    }
    int x = 1, y;
    CHECK(rt_coll_allreduce(w, &x, &y, 1, rt_datatype_get(MPI_CHAR), sum) == MPI_ERR_OP,
          "SUM on MPI_CHAR accepted");
}

static void test_allgather(rt_comm_t *w)
{
    rt_datatype_t *dt = rt_datatype_get(MPI_INT);
    for (size_t c = 0; c < NUM_COUNTS; c++) {
        size_t n = counts[c] / (size_t)size + (counts[c] > 0);
        int *in = malloc((n + 1) * sizeof(int));
        int *out = malloc((n * (size_t)size + 1) * sizeof(int));
        for (size_t i = 0; i < n; i++)
            in[i] = rank * 100000 + (int)i;
        CHECK(rt_coll_allgather(w, in, n, dt, out) == MPI_SUCCESS, "allgather failed");
        for (int r = 0; r < size; r++)
            for (size_t i = 0; i < n; i++)
                if (out[(size_t)r * n + i] != r * 100000 + (int)i) {
                    CHECK(0, "allgather count %zu: block %d[%zu] = %d", n, r, i,
                          out[(size_t)r * n + i]);
                    r = size;
                    break;
                }
        free(in);
        free(out);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rt_comm_t *w = rt_comm_get(MPI_COMM_WORLD);
    for (int i = 0; i < 3; i++)
        CHECK(rt_coll_barrier(w) == MPI_SUCCESS, "barrier failed");
    test_bcast(w);
    test_allreduce(w);
    test_allgather(w);
    CHECK(rt_coll_barrier(w) == MPI_SUCCESS, "barrier failed");
    MPI_Finalize();
    return failures != 0;
}

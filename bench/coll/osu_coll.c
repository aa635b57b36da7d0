/*
 * osu_coll.c -- collective latency per message size, in the manner of the
 * OSU micro-benchmarks: barrier, bcast, allreduce (MPI_FLOAT sum) and
 * alltoall, one source built against any MPI library.
 *
 * For every (collective, size) it runs `trials` timed batches of `iters`
 * calls after a warm-up, takes each batch's mean per call (the slowest
 * rank's, as OSU reports the average over ranks of the max), and prints
 * the median batch:
 *     <collective> <bytes> <median microseconds>
 * Usage: osu_coll [max_bytes [iters [trials]]]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { BARRIER, BCAST, ALLREDUCE, ALLTOALL };
static const char *names[] = {"barrier", "bcast", "allreduce", "alltoall"};

static void one(int coll, size_t bytes, char *sbuf, char *rbuf, int size)
{
    switch (coll) {
    case BARRIER: MPI_Barrier(MPI_COMM_WORLD); break;
    case BCAST: MPI_Bcast(sbuf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD); break;
    case ALLREDUCE:
        MPI_Allreduce(sbuf, rbuf, (int)(bytes / sizeof(float)), MPI_FLOAT, MPI_SUM,
                      MPI_COMM_WORLD);
        break;
    default:
        MPI_Alltoall(sbuf, (int)(bytes / (size_t)size), MPI_BYTE, rbuf,
                     (int)(bytes / (size_t)size), MPI_BYTE, MPI_COMM_WORLD);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    size_t max_bytes = argc > 1 ? (size_t)atol(argv[1]) : (1 << 20);
    int iters = argc > 2 ? atoi(argv[2]) : 100;
    int trials = argc > 3 ? atoi(argv[3]) : 5;
    /* alltoall: `bytes` per rank pair, so buffers hold size * bytes. */
    char *sbuf = malloc(max_bytes * (size_t)size + 64), *rbuf = malloc(max_bytes * (size_t)size + 64);
    double *batch = malloc((size_t)trials * sizeof(double));
    memset(sbuf, 1, max_bytes * (size_t)size + 64);
    memset(rbuf, 0, max_bytes * (size_t)size + 64);
    for (int coll = BARRIER; coll <= ALLTOALL; coll++) {
        for (size_t bytes = coll == BARRIER ? 0 : 4; bytes <= max_bytes;
             bytes = bytes ? bytes * 4 : 4) {
            size_t arg = coll == ALLTOALL ? bytes * (size_t)size : bytes;
            int n = bytes >= (256 << 10) ? iters / 10 + 1 : iters;
            for (int w = 0; w < n / 10 + 2; w++)
                one(coll, arg, sbuf, rbuf, size);
            for (int t = 0; t < trials; t++) {
                MPI_Barrier(MPI_COMM_WORLD);
                double t0 = MPI_Wtime();
                for (int i = 0; i < n; i++)
                    one(coll, arg, sbuf, rbuf, size);
                double mine = (MPI_Wtime() - t0) / n, slowest;
                MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
                batch[t] = slowest;
            }
            if (rank == 0) {
                qsort(batch, (size_t)trials, sizeof(double), cmp_double);
                printf("%s %zu %.2f\n", names[coll], bytes, batch[trials / 2] * 1e6);
                fflush(stdout);
            }
            if (coll == BARRIER)
                break;
        }
    }
    free(sbuf);
    free(rbuf);
    free(batch);
    MPI_Finalize();
    return 0;
}

/*
 * osu_p2p.c -- point-to-point performance per message size, in the manner
 * of the OSU micro-benchmarks, from one source built against any MPI
 * library (minimpi, Open MPI, MPICH):
 *   latency  ping-pong between ranks 0 and 1, one-way microseconds;
 *   bw       rank 0 streams windows of 64 nonblocking sends to rank 1,
 *            which acknowledges each window: MB/s (10^6 bytes per second);
 *   bibw     both ranks send a window to each other at once: MB/s both ways;
 *   mr       multi-pair message rate: rank i < size/2 streams windows to
 *            rank i + size/2, all pairs at once: messages per second, summed.
 * Sizes go from 0 B, then 1 B doubling, to max_bytes.  Each line is
 *     <test> <bytes> <value>
 * printed by rank 0.  Usage: osu_p2p [tests [max_bytes [scale]]], tests a
 * comma-separated list (default latency,bw,bibw,mr), scale multiplies the
 * iteration counts (default 1; 0.1 for a quick smoke run).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 64
#define TAG_DATA 1
#define TAG_ACK 2

static double scale = 1.0;

/* Iterations for a size: many for small messages, few for large ones, so
 * every size takes a similar time; never fewer than 2. */
static int iters_for(size_t bytes, int small, int large)
{
    double n = bytes <= 8192 ? small : bytes <= 131072 ? (small + large) / 2 : large;
    n *= scale;
    return n < 2 ? 2 : (int)n;
}

static double latency(size_t bytes, char *sbuf, char *rbuf, int rank)
{
    int iters = iters_for(bytes, 20000, 200), warm = iters / 10 + 1;
    double start = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < iters + warm; i++) {
        if (i == warm)
            start = MPI_Wtime();
        if (rank == 0) {
            MPI_Send(sbuf, (int)bytes, MPI_CHAR, 1, TAG_DATA, MPI_COMM_WORLD);
            MPI_Recv(rbuf, (int)bytes, MPI_CHAR, 1, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
            MPI_Recv(rbuf, (int)bytes, MPI_CHAR, 0, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(sbuf, (int)bytes, MPI_CHAR, 0, TAG_DATA, MPI_COMM_WORLD);
        }
    }
    return (MPI_Wtime() - start) * 1e6 / (2.0 * iters);
}

/* One window from `me` to `peer` (send) or the reverse (receive). */
static void window(int send, int peer, size_t bytes, char *buf, MPI_Request *reqs)
{
    for (int w = 0; w < WINDOW; w++) {
        if (send)
            MPI_Isend(buf, (int)bytes, MPI_CHAR, peer, TAG_DATA, MPI_COMM_WORLD, &reqs[w]);
        else
            MPI_Irecv(buf, (int)bytes, MPI_CHAR, peer, TAG_DATA, MPI_COMM_WORLD, &reqs[w]);
    }
}

/* Streams windows from senders to receivers (pairs rank, rank + half) and
 * returns the seconds the timed windows took on this rank. */
static double stream(size_t bytes, char *sbuf, char *rbuf, int rank, int half, int iters,
                     int both_ways)
{
    MPI_Request reqs[2 * WINDOW];
    int warm = iters / 10 + 1;
    int sender = rank < half;
    int peer = sender ? rank + half : rank - half;
    double start = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank >= 2 * half) {
        /* The odd rank out sits this one out and does not count. */
        double t = 0, slowest;
        MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        return slowest;
    }
    for (int i = 0; i < iters + warm; i++) {
        if (i == warm)
            start = MPI_Wtime();
        if (both_ways) {
            window(0, peer, bytes, rbuf, reqs);
            window(1, peer, bytes, sbuf, reqs + WINDOW);
            MPI_Waitall(2 * WINDOW, reqs, MPI_STATUSES_IGNORE);
        } else if (sender) {
            window(1, peer, bytes, sbuf, reqs);
            MPI_Waitall(WINDOW, reqs, MPI_STATUSES_IGNORE);
            MPI_Recv(rbuf, 4, MPI_CHAR, peer, TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            window(0, peer, bytes, rbuf, reqs);
            MPI_Waitall(WINDOW, reqs, MPI_STATUSES_IGNORE);
            MPI_Send(sbuf, 4, MPI_CHAR, peer, TAG_ACK, MPI_COMM_WORLD);
        }
    }
    double t = MPI_Wtime() - start;
    double slowest;
    MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return slowest;
}

static int wanted(const char *tests, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = tests; (p = strstr(p, name)) != NULL; p += n)
        if ((p == tests || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *tests = argc > 1 ? argv[1] : "latency,bw,bibw,mr";
    size_t max_bytes = argc > 2 ? (size_t)atol(argv[2]) : (size_t)4 << 20;
    scale = argc > 3 ? atof(argv[3]) : 1.0;
    if (size < 2) {
        if (rank == 0)
            fprintf(stderr, "osu_p2p: needs at least 2 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    /* Page-aligned buffers, touched once, as OSU does. */
    char *sbuf = NULL, *rbuf = NULL;
    if (posix_memalign((void **)&sbuf, 4096, max_bytes + 1) != 0 ||
        posix_memalign((void **)&rbuf, 4096, max_bytes + 1) != 0)
        MPI_Abort(MPI_COMM_WORLD, 3);
    if (sbuf == NULL || rbuf == NULL)
        return 3;
    memset(sbuf, 'a', max_bytes + 1);
    memset(rbuf, 'b', max_bytes + 1);

    for (size_t bytes = 0; bytes <= max_bytes; bytes = bytes ? bytes * 2 : 1) {
        if (wanted(tests, "latency")) {
            double us = latency(bytes, sbuf, rbuf, rank);
            if (rank == 0)
                printf("latency %zu %.3f\n", bytes, us);
        }
        if (wanted(tests, "bw")) {
            int iters = iters_for(bytes, 400, 4);
            double t = stream(bytes, sbuf, rbuf, rank, 1, iters, 0);
            if (rank == 0)
                printf("bw %zu %.3f\n", bytes, (double)bytes * WINDOW * iters / t / 1e6);
        }
        if (wanted(tests, "bibw")) {
            int iters = iters_for(bytes, 400, 4);
            double t = stream(bytes, sbuf, rbuf, rank, 1, iters, 1);
            if (rank == 0)
                printf("bibw %zu %.3f\n", bytes, 2.0 * (double)bytes * WINDOW * iters / t / 1e6);
        }
        if (wanted(tests, "mr")) {
            int iters = iters_for(bytes, 400, 4), half = size / 2;
            double t = stream(bytes, sbuf, rbuf, rank, half, iters, 0);
            if (rank == 0)
                printf("mr %zu %.0f\n", bytes, (double)half * WINDOW * iters / t);
        }
        fflush(stdout);
    }
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}

/*
 * pingpong.c -- latency and bandwidth between ranks 0 and 1, for message
 * sizes from MIN to MAX bytes (powers of two, and 0 if MIN is 0).  Rank 0
 * sends, rank 1 sends back, ITER times per size after a few warm-up round
 * trips; latency is half the average round trip, bandwidth the message size
 * over that latency.  Other ranks only wait.
 *
 *   mpicc -o pingpong pingpong.c
 *   mini-mpirun -n 2 ./pingpong [-s MIN] [-S MAX] [-i ITER]
 *
 * Defaults: MIN 0, MAX 4194304 (4 MiB), ITER 1000; sizes above 64 KiB use
 * fewer iterations (at least 20) so that each size takes a similar time.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG 1
#define WARMUP 10

static int my_rank;

/* Only rank 0 complains, so a bad flag gives one message, not one per rank. */
static void usage(const char *what)
{
    if (my_rank == 0)
        fprintf(stderr, "pingpong: %s\nusage: pingpong [-s MIN] [-S MAX] [-i ITER]\n", what);
}

/* Parse a non-negative number with an optional k or m suffix (KiB, MiB). */
static int parse_size(const char *text, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || v < 0)
        return -1;
    if (*end == 'k' || *end == 'K')
        v <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        v <<= 20, end++;
    if (*end != '\0' || v > (1L << 30))
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, long *min, long *max, long *iter)
{
    for (int i = 1; i < argc; i++) {
        long *target = NULL;
        if (strcmp(argv[i], "-s") == 0)
            target = min;
        else if (strcmp(argv[i], "-S") == 0)
            target = max;
        else if (strcmp(argv[i], "-i") == 0)
            target = iter;
        if (target == NULL) {
            usage("unknown argument");
            return -1;
        }
        if (i + 1 >= argc || parse_size(argv[i + 1], target) != 0) {
            usage("a flag needs a number (k and m suffixes allowed)");
            return -1;
        }
        i++;
    }
    if (*max < *min || *iter < 1) {
        usage("need MIN <= MAX and ITER >= 1");
        return -1;
    }
    return 0;
}

static long iterations_for(long bytes, long iter)
{
    long n = iter;
    if (bytes > 65536)
        n = iter * 65536 / bytes;
    return n < 20 ? (iter < 20 ? iter : 20) : n;
}

int main(int argc, char **argv)
{
    int rank, size;
    long min = 0, max = 4L << 20, iter = 1000;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    my_rank = rank;
    if (parse_args(argc, argv, &min, &max, &iter) != 0 || size < 2) {
        if (size < 2 && rank == 0)
            fprintf(stderr, "pingpong: needs at least 2 ranks (mini-mpirun -n 2)\n");
        MPI_Finalize();
        return 2;
    }

    char *buf = malloc(max > 0 ? (size_t)max : 1);
    if (buf == NULL) {
        fprintf(stderr, "pingpong: rank %d: cannot allocate %ld bytes\n", rank, max);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    memset(buf, 'x', max > 0 ? (size_t)max : 1);

    if (rank == 0) {
        char lib[MPI_MAX_LIBRARY_VERSION_STRING];
        int len;
        MPI_Get_library_version(lib, &len);
        lib[strcspn(lib, "\n")] = '\0';
        printf("# pingpong between ranks 0 and 1 of %d; %s\n", size, lib);
        printf("# %10s %10s %12s %16s\n", "bytes", "iterations", "latency(us)", "bandwidth(MB/s)");
    }
    for (long bytes = min; bytes <= max; bytes = bytes == 0 ? 1 : bytes * 2) {
        long n = iterations_for(bytes, iter);
        double start = 0;
        if (rank < 2) {
            for (long i = -WARMUP; i < n; i++) {
                if (i == 0)
                    start = MPI_Wtime();
                if (rank == 0) {
                    MPI_Send(buf, (int)bytes, MPI_BYTE, 1, TAG, MPI_COMM_WORLD);
                    MPI_Recv(buf, (int)bytes, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                } else {
                    MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                    MPI_Send(buf, (int)bytes, MPI_BYTE, 0, TAG, MPI_COMM_WORLD);
                }
            }
        }
        if (rank == 0) {
            double latency_us = (MPI_Wtime() - start) / (2.0 * (double)n) * 1e6;
            /* bytes per microsecond is MB/s (10^6 bytes per second). */
            printf("  %10ld %10ld %12.2f %16.2f\n", bytes, n, latency_us,
                   latency_us > 0 ? (double)bytes / latency_us : 0.0);
            fflush(stdout);
        }
        if (bytes == 0 && max == 0)
            break;
    }
    free(buf);
    MPI_Finalize();
    return 0;
}

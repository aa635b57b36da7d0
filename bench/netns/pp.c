/*
 * pp.c -- ping-pong latency and bandwidth between ranks 0 and 1, for
 * bench/netns/run.sh.  Builds with any MPI's mpicc.
 *
 * Latency: half the round trip of SIZE-byte messages, averaged over ITERS
 * after a warm-up.  Bandwidth: SIZE bytes each way per round trip, i.e.
 * 2 * SIZE / round-trip time, as fi_pingpong counts it.
 *
 * Usage: pp SIZE ITERS   (prints "SIZE bytes: LAT us, BW MB/s")
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int size = argc > 1 ? atoi(argv[1]) : 8;
    int iters = argc > 2 ? atoi(argv[2]) : 1000;
    char *buf = malloc(size > 0 ? (size_t)size : 1);
    memset(buf, rank, size > 0 ? (size_t)size : 1);
    int peer = 1 - rank;
    double t0 = 0;
    for (int i = -iters / 10 - 1; i < iters; i++) {
        if (i == 0) {
            MPI_Barrier(MPI_COMM_WORLD);
            t0 = MPI_Wtime();
        }
        if (rank == 0) {
            MPI_Send(buf, size, MPI_BYTE, peer, 0, MPI_COMM_WORLD);
            MPI_Recv(buf, size, MPI_BYTE, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
            MPI_Recv(buf, size, MPI_BYTE, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, size, MPI_BYTE, peer, 0, MPI_COMM_WORLD);
        }
    }
    double rtt = (MPI_Wtime() - t0) / iters;
    if (rank == 0)
        printf("%d bytes: %.2f us, %.1f MB/s\n", size, rtt / 2 * 1e6, 2.0 * size / rtt / 1e6);
    free(buf);
    MPI_Finalize();
    return 0;
}

/*
 * t_profile.c -- known communication patterns for mini-mpirun --profile
 * (tests/insight/test_profile.sh checks the matrix and the call counts).
 *
 * t_profile ring N: every rank sends N bytes to rank+1 (MPI_Send) and
 *   receives from rank-1 (MPI_Recv), 10 times, then one MPI_Barrier.
 * t_profile alltoall N: one MPI_Alltoall of N bytes per pair (the diagonal
 *   is a local copy, no message), then one MPI_Barrier.
 * t_profile rooted N: one MPI_Bcast of N bytes from rank 0, one MPI_Reduce
 *   of N bytes to rank 0, then one MPI_Barrier.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: t_profile ring|alltoall|rooted BYTES\n");
        return 2;
    }
    int n = atoi(argv[2]);
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char *sbuf = calloc((size_t)size * (size_t)n + 1, 1);
    char *rbuf = calloc((size_t)size * (size_t)n + 1, 1);
    if (sbuf == NULL || rbuf == NULL)
        MPI_Abort(MPI_COMM_WORLD, 1);
    if (strcmp(argv[1], "ring") == 0) {
        int next = (rank + 1) % size, prev = (rank + size - 1) % size;
        for (int i = 0; i < 10; i++) {
            /* Even ranks send first, so the ring cannot deadlock on rendezvous. */
            if (rank % 2 == 0) {
                MPI_Send(sbuf, n, MPI_BYTE, next, i, MPI_COMM_WORLD);
                MPI_Recv(rbuf, n, MPI_BYTE, prev, i, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                MPI_Recv(rbuf, n, MPI_BYTE, prev, i, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(sbuf, n, MPI_BYTE, next, i, MPI_COMM_WORLD);
            }
        }
    } else if (strcmp(argv[1], "rooted") == 0) {
        MPI_Bcast(sbuf, n, MPI_BYTE, 0, MPI_COMM_WORLD);
        MPI_Reduce(sbuf, rbuf, n, MPI_BYTE, MPI_BOR, 0, MPI_COMM_WORLD);
    } else {
        MPI_Alltoall(sbuf, n, MPI_BYTE, rbuf, n, MPI_BYTE, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}

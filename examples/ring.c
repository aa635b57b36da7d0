/*
 * ring.c -- a token travels around the ring of ranks several times.  Rank 0
 * starts it at 0; every rank that receives it prints what it got, adds one
 * and passes it to the next rank.  After the last lap rank 0 checks that
 * the token counts every hop, and the program exits non-zero if not.
 *
 *   mpicc -o ring ring.c && mini-mpirun -n 4 ./ring [LAPS]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define TAG 1

int main(int argc, char **argv)
{
    int rank, size, laps = 3;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc > 1)
        laps = atoi(argv[1]);
    if (laps < 1) {
        if (rank == 0)
            fprintf(stderr, "ring: LAPS must be a positive number, not '%s'\n", argv[1]);
        MPI_Finalize();
        return 2;
    }

    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    int token = 0;
    for (int lap = 0; lap < laps; lap++) {
        if (rank == 0) {
            /* Rank 0 sends first and waits for the token to come round;
             * Sendrecv does both at once, so one rank alone works too. */
            int back;
            MPI_Sendrecv(&token, 1, MPI_INT, next, TAG, &back, 1, MPI_INT, prev, TAG,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token = back;
            printf("rank 0 received token %d from rank %d (lap %d)\n", token, prev, lap + 1);
            token++;
        } else {
            MPI_Recv(&token, 1, MPI_INT, prev, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            printf("rank %d received token %d from rank %d (lap %d)\n", rank, token, prev,
                   lap + 1);
            token++;
            MPI_Send(&token, 1, MPI_INT, next, TAG, MPI_COMM_WORLD);
        }
        fflush(stdout);
    }

    int status = 0;
    if (rank == 0) {
        /* Every hop added one: size hops per lap. */
        int expected = laps * size;
        if (token != expected) {
            fprintf(stderr, "ring: the token is %d after %d laps of %d ranks, expected %d\n",
                    token, laps, size, expected);
            status = 1;
        } else {
            printf("ring: %d laps of %d ranks done, token %d as expected\n", laps, size, token);
        }
    }
    MPI_Finalize();
    return status;
}

/*
 * t_hang.c -- jobs that hang on purpose, for mini-mpirun --hang-timeout
 * (test_hang.sh).  Two ranks; the first argument says how:
 *   cycle    both ranks receive first (tag 5): 0 waits for 1 waits for 0
 *   missing  rank 1 receives (tag 7) a message rank 0 never sends; rank 0
 *            goes on to MPI_Finalize
 *   coll     rank 0 calls MPI_Allreduce, rank 1 never does
 *   irecv    both ranks post receives from the other (rank 0 two, tags 5
 *            and 6; rank 1 six, tags 5 to 10) and MPI_Waitall on them:
 *            0 waits for 1 waits for 0, seen through the pending requests;
 *            rank 0 starts an MPI_Ibarrier first, which rank 1 never joins
 *   compute  rank 0 computes for SECONDS (second argument) without MPI
 *            calls, then sends: slow, but no hang
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size, x = 0, y = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *mode = argc > 1 ? argv[1] : "";
    if (size != 2) {
        fprintf(stderr, "t_hang: needs 2 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int other = 1 - rank;
    if (strcmp(mode, "cycle") == 0) {
        MPI_Recv(&x, 1, MPI_INT, other, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(&x, 1, MPI_INT, other, 5, MPI_COMM_WORLD);
    } else if (strcmp(mode, "missing") == 0) {
        if (rank == 1)
            MPI_Recv(&x, 1, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (strcmp(mode, "coll") == 0) {
        if (rank == 0)
            MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    } else if (strcmp(mode, "irecv") == 0) {
        int n = rank == 0 ? 2 : 6, buf[6];
        MPI_Request reqs[6], barrier;
        if (rank == 0)
            MPI_Ibarrier(MPI_COMM_WORLD, &barrier);
        for (int i = 0; i < n; i++)
            MPI_Irecv(&buf[i], 1, MPI_INT, other, 5 + i, MPI_COMM_WORLD, &reqs[i]);
        MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE);
    } else if (strcmp(mode, "compute") == 0) {
        double seconds = argc > 2 ? atof(argv[2]) : 1.0;
        if (rank == 0) {
            /* Busy, as a computation is: no MPI call until it ends. */
            double end = MPI_Wtime() + seconds;
            volatile unsigned long spins = 0;
            while (MPI_Wtime() < end)
                spins++;
            MPI_Send(&x, 1, MPI_INT, 1, 9, MPI_COMM_WORLD);
        } else {
            MPI_Recv(&x, 1, MPI_INT, 0, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            printf("compute: done\n");
        }
    } else {
        fprintf(stderr, "t_hang: unknown mode '%s'\n", mode);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_Finalize();
    return 0;
}

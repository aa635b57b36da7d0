/*
 * t_slow_init.c -- a job whose shared-memory segment stays in /dev/shm for
 * a while, so tests/security/shm.sh can try to open it as another user:
 * rank 1 waits SECONDS before MPI_Init, while local rank 0 has created the
 * node's segment and waits in the fence that precedes the attach (the
 * segment is unlinked once everyone attached).  Then every rank passes a
 * token around a ring to show the job still works.
 *   t_slow_init SECONDS
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *rank_env = getenv("PMI_RANK");
    if (argc > 1 && rank_env != NULL && atoi(rank_env) == 1)
        sleep((unsigned)atoi(argv[1]));
    MPI_Init(&argc, &argv);
    int rank, size, token = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > 1) {
        if (rank == 0) {
            token = 1;
            MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(&token, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(&token, 1, MPI_INT, rank - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token++;
            MPI_Send(&token, 1, MPI_INT, (rank + 1) % size, 0, MPI_COMM_WORLD);
        }
        if (rank == 0 && token != size) {
            fprintf(stderr, "t_slow_init: token %d after the ring, expected %d\n", token, size);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    if (rank == 0)
        printf("t_slow_init: %d ranks: ok\n", size);
    MPI_Finalize();
    return 0;
}

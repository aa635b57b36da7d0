/*
 * t_abort.c -- MPI_Abort(MPI_COMM_WORLD, 7) from rank 1 (rank 0 when
 * alone) ends the whole job with exit status 7, while every other rank
 * waits in a receive that only rank 1 could match.
 */
#include "t_util.h"

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int victim = t_size > 1 ? 1 : 0;
    int v = 0;
    if (t_size > 1) {
        int next = (t_rank + 1) % t_size, prev = (t_rank + t_size - 1) % t_size;
        T_MPI(MPI_Sendrecv(&t_rank, 1, MPI_INT, next, 1, &v, 1, MPI_INT, prev, 1,
                           MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
    if (t_rank == victim) {
        MPI_Abort(MPI_COMM_WORLD, 7);
        T_FAIL("MPI_Abort returned");
    }
    T_MPI(MPI_Recv(&v, 1, MPI_INT, victim, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_FAIL("a receive from the aborted rank completed");
}

/*
 * t_truncate_fatal.c -- under the default MPI_ERRORS_ARE_FATAL, a truncated
 * receive aborts the whole job.  Rank 1 (rank 0 when alone) receives 100
 * ints into room for 10; every other rank then blocks in a receive that
 * never matches, so only the abort can end the job.  The driver expects a
 * non-zero exit and the library's message naming the rank and MPI_Recv.
 */
#include "t_util.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int victim = t_size > 1 ? 1 : 0;
    int data[100] = {0}, in[100];

    MPI_Request req = MPI_REQUEST_NULL;
    if (t_rank == 0)  /* nonblocking: a single rank sends to itself */
        T_MPI(MPI_Isend(data, 100, MPI_INT, victim, 1, MPI_COMM_WORLD, &req));
    if (t_rank == victim) {
        int rc = MPI_Recv(in, 10, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        T_FAIL("MPI_Recv of a truncated message returned %d under MPI_ERRORS_ARE_FATAL", rc);
    }
    /* Nobody ever sends this: wait here until the job is aborted. */
    T_MPI(MPI_Recv(in, 1, MPI_INT, victim, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_FAIL("a receive that nobody matches completed");
}

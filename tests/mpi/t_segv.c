/*
 * t_segv.c -- a rank that dies of SIGSEGV ends the job.  Rank 1 (rank 0
 * when alone) kills itself with SIGSEGV once MPI_Init returned (so shared
 * memory is set up); every other rank waits in a receive that only rank 1
 * could match.  The driver expects exit status 139 (128 + 11), the dead
 * rank named on mini-mpirun's stderr, and no process or /dev/shm file left.
 */
#include "t_util.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int victim = t_size > 1 ? 1 : 0;
    int v = 0;
    /* Everybody has finished MPI_Init before the crash: a small ring. */
    if (t_size > 1) {
        int next = (t_rank + 1) % t_size, prev = (t_rank + t_size - 1) % t_size;
        T_MPI(MPI_Sendrecv(&t_rank, 1, MPI_INT, next, 1, &v, 1, MPI_INT, prev, 1,
                           MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
    if (t_rank == victim) {
        /* The default action, even under a sanitizer that catches SIGSEGV
         * (the driver also sets ASAN_OPTIONS=handle_segv=0). */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
        T_FAIL("still alive after raise(SIGSEGV)");
    }
    T_MPI(MPI_Recv(&v, 1, MPI_INT, victim, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_FAIL("a receive from the dead rank completed");
}

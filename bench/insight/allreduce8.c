/*
 * allreduce8.c -- the time of one 8-byte MPI_Allreduce (one double, sum),
 * for bench/insight/overhead.sh: `iters` calls after a warm-up, the
 * slowest rank's mean per call, printed by rank 0 as
 *     allreduce 8 <microseconds>
 * Usage: allreduce8 [iters]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, iters = argc > 1 ? atoi(argv[1]) : 100000;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (iters < 1)
        iters = 1;
    double in = rank, out = 0;
    for (int i = 0; i < iters / 10 + 1; i++)
        MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++)
        MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double mine = (MPI_Wtime() - t0) / iters, slowest = 0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("allreduce 8 %.3f\n", slowest * 1e6);
    MPI_Finalize();
    return 0;
}

/*
 * t_launch_env.c -- what a program learns from whatever launched it, written
 * against the MPI standard only, so that it builds with minimpi's mpicc and
 * with MPICH's: rank and size, MPI_UNIVERSE_SIZE and MPI_APPNUM, the ranks
 * sharing this node (every rank of a one-node job), and a collective over
 * them.  Prints "FAIL: ..." and exits 1 on any mismatch.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

static int failures;

static void check(int ok, int rank, const char *what)
{
    if (!ok) {
        printf("FAIL: rank %d: %s\n", rank, what);
        failures++;
    }
}

int main(int argc, char **argv)
{
    int rank, size, flag, *value;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int expected_size = argc > 1 ? atoi(argv[1]) : size;
    check(size == expected_size, rank, "MPI_COMM_WORLD has the launched number of ranks");

    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &value, &flag);
    check(!flag || *value >= size, rank, "MPI_UNIVERSE_SIZE is at least the job size");
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &value, &flag);
    check(!flag || *value == 0, rank, "MPI_APPNUM of a single-program job is 0");

    MPI_Comm node;
    int node_size;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_size);
    check(node_size == size, rank, "every rank of a one-node job shares the node");
    MPI_Comm_free(&node);

    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    check(sum == size * (size - 1) / 2, rank, "allreduce of the ranks");

    int all_failures = 0;
    MPI_Allreduce(&failures, &all_failures, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0 && all_failures == 0)
        printf("t_launch_env: %d ranks ok\n", size);
    MPI_Finalize();
    return all_failures == 0 ? 0 : 1;
}

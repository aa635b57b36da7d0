/*
 * t_pmpi.c -- the PMPI profiling interface: a tool's MPI_X (pmpi_counter.c)
 * sees exactly the calls this program makes and none of the library's own.
 *
 * Every rank sends SENDS messages round a ring with MPI_Send, then runs
 * collectives, Sendrecv, Isend/Wait and deprecated calls that a library
 * could implement on top of wrapped MPI functions; the counts must be
 * exactly what the program itself called.  Prints "t_pmpi: ok" on rank 0.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "pmpi_counter.h"

#define SENDS 3
#define ALLREDUCES 2

static int rank;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "t_pmpi: rank %d: FAIL: line %d: ", rank, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            PMPI_Abort(MPI_COMM_WORLD, 1);                                    \
        }                                                                     \
    } while (0)

static int copy_fn(MPI_Comm c, int k, void *e, void *in, void *out, int *flag)
{
    (void)c, (void)k, (void)e, (void)in, (void)out;
    *flag = 0;
    return MPI_SUCCESS;
}

int main(int argc, char **argv)
{
    int size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    /* The ring: eager and rendezvous sizes, so neither protocol calls MPI_Send. */
    static int big[1 << 16];
    for (int i = 0; i < SENDS; i++) {
        int count = i == SENDS - 1 ? (int)(sizeof big / sizeof big[0]) : 1;
        MPI_Request r;
        MPI_Irecv(big, count, MPI_INT, left, i, MPI_COMM_WORLD, &r);
        MPI_Send(big, count, MPI_INT, right, i, MPI_COMM_WORLD);
        MPI_Wait(&r, MPI_STATUS_IGNORE);
    }

    /* Collectives and compound calls that are built on messages. */
    int sum = 0, one = 1;
    for (int i = 0; i < ALLREDUCES; i++)
        MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK(sum == size * (size - 1) / 2, "MPI_Allreduce gave %d", sum);
    MPI_Bcast(&one, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    int *all = malloc(sizeof(int) * (size_t)size), *got = malloc(sizeof(int) * (size_t)size);
    for (int i = 0; i < size; i++)
        all[i] = rank;
    MPI_Alltoall(all, 1, MPI_INT, got, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Allgather(&rank, 1, MPI_INT, got, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Scan(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Sendrecv(&rank, 1, MPI_INT, right, 99, &sum, 1, MPI_INT, left, 99, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    CHECK(sum == left, "MPI_Sendrecv gave %d, expected %d", sum, left);
    MPI_Request req;
    MPI_Ibcast(&one, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_free(&dup);
    free(all);
    free(got);

    /* Deprecated calls that forward to their replacements inside the library. */
    int key;
    MPI_Keyval_create(copy_fn, MPI_NULL_DELETE_FN, &key, NULL);
    MPI_Keyval_free(&key);
    MPI_Aint extent;
    MPI_Type_extent(MPI_DOUBLE, &extent);
    CHECK(extent == sizeof(double), "MPI_Type_extent gave %ld", (long)extent);

    CHECK(pmpi_counts.send == SENDS, "wrapped MPI_Send saw %d calls, expected %d",
          pmpi_counts.send, SENDS);
    CHECK(pmpi_counts.isend == 0, "wrapped MPI_Isend saw %d calls, expected 0", pmpi_counts.isend);
    CHECK(pmpi_counts.recv == 0, "wrapped MPI_Recv saw %d calls, expected 0", pmpi_counts.recv);
    CHECK(pmpi_counts.allreduce == ALLREDUCES, "wrapped MPI_Allreduce saw %d calls, expected %d",
          pmpi_counts.allreduce, ALLREDUCES);
    CHECK(pmpi_counts.reduce == 0, "wrapped MPI_Reduce saw %d calls, expected 0",
          pmpi_counts.reduce);
    CHECK(pmpi_counts.create_keyval == 0,
          "wrapped MPI_Comm_create_keyval saw %d calls (MPI_Keyval_create went through it)",
          pmpi_counts.create_keyval);
    CHECK(pmpi_counts.get_extent == 0,
          "wrapped MPI_Type_get_extent saw %d calls (MPI_Type_extent went through it)",
          pmpi_counts.get_extent);

    /* A call the program makes itself is seen, also when it returns a double. */
    MPI_Comm_create_keyval(copy_fn, MPI_COMM_NULL_DELETE_FN, &key, NULL);
    MPI_Comm_free_keyval(&key);
    double t = MPI_Wtime();
    CHECK(pmpi_counts.create_keyval == 1 && pmpi_counts.wtime == 1 && t > 0,
          "wrapped MPI_Comm_create_keyval/MPI_Wtime saw %d/%d calls, expected 1/1",
          pmpi_counts.create_keyval, pmpi_counts.wtime);

    MPI_Finalize();
    if (rank == 0)
        printf("t_pmpi: ok\n");
    return 0;
}

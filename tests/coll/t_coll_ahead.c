/*
 * t_coll_ahead.c -- ranks that only write run far ahead of slow readers
 * through the shared-memory collectives (rt_coll_shm.c), and every value
 * still arrives intact.
 *
 * A bcast's root (and reduce's other ranks) writing at most
 * RT_COLL_SHM_CELL bytes (in its flag, or in a cell of its slot) may run 63
 * calls ahead of the slowest reader, one with more data (whole slots) 3
 * calls ahead: each waits only until the flag, cell or slot it reuses has
 * been read, and a cell also until data laid out otherwise (whole slots,
 * cells of another size) that overlaps it has been read.  Here readers
 * sleep now and then, so that the writers run as far ahead as the rules
 * let them, through blocks of small bcasts, of bcasts in cells (runs of
 * 50 calls of one size, three sizes in turn), of small reduces, then of
 * bcasts, reduces and a mix (rotating roots, allreduces, barriers) with
 * every 4th call's data in a cell of one of two sizes or in whole slots.
 * Every call carries values of its own, checked on every rank: a writer
 * that reused a place one call too early shows as a reader taking a later
 * call's values (checked, for flags, cells and the change of layout).  Run
 * with MINIMPI_COLL_BCAST=shm MINIMPI_COLL_REDUCE=shm so that the calls
 * too large for a cell go through the slots too.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCK 200
#define BLOCKS 6
#define CALLS (BLOCKS * BLOCK)
#define SMALL_INTS 28              /* 112 bytes: the most a flag holds */
#define LARGE_INTS 2048            /* 8 KiB: whole slots */

/* Every 4th call of blocks 3 to 5: a cell of 1200 bytes, whole slots, a
 * cell of 400 bytes, in turn. */
static const int large_counts[] = {300, LARGE_INTS, 100};

static int rank, size, errors;

static void check(int got, int want, const char *what, int call, int k)
{
    if (got != want && errors++ < 5)
        fprintf(stderr, "t_coll_ahead: rank %d: call %d: %s[%d] = %d, expected %d\n", rank,
                call, what, k, got, want);
}

static int value(int call, int k)
{
    return call * 1000 + k;
}

static void bcast(int call, int count, int root)
{
    int buf[LARGE_INTS];
    for (int k = 0; k < count; k++)
        buf[k] = rank == root ? value(call, k) : -1;
    MPI_Bcast(buf, count, MPI_INT, root, MPI_COMM_WORLD);
    for (int k = 0; k < count; k++)
        check(buf[k], value(call, k), "bcast", call, k);
}

/* Reduce (root >= 0) or allreduce (root < 0) of (rank + 1) * value. */
static void reduce(int call, int count, int root)
{
    int in[LARGE_INTS], out[LARGE_INTS];
    for (int k = 0; k < count; k++) {
        in[k] = (rank + 1) * value(call, k);
        out[k] = -1;
    }
    if (root >= 0)
        MPI_Reduce(in, out, count, MPI_INT, MPI_SUM, root, MPI_COMM_WORLD);
    else
        MPI_Allreduce(in, out, count, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (root >= 0 && rank != root)
        return;
    for (int k = 0; k < count; k++)
        check(out[k], value(call, k) * (size * (size + 1) / 2), "reduce", call, k);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int call = 0; call < CALLS; call++) {
        int block = call / BLOCK;
        /* Small calls in blocks 0 and 2 and cells of one size for 50 calls
         * in block 1, so that writers run up to 63 calls ahead; in the
         * others every 4th call needs a cell or the whole slots, and the
         * layout changes every time. */
        int count = 1 + call % SMALL_INTS;
        if (block == 1)
            count = 40 + call / 50 % 3 * 130;
        else if (block >= 3 && call % 4 == 3)
            count = large_counts[call / 4 % 3];
        /* Readers sleep at different calls: the writers find the set they
         * reuse still held by one of them. */
        int sleeper = call % 53 == 0 ? (call / 53) % size : -1;
        int root = block == 4 ? size - 1 : 0;
        switch (block) {
        case 0:                    /* bcasts from rank 0 */
        case 1:
        case 4:                    /* ... from the last rank */
            if (rank == sleeper && rank != root)
                usleep(3000);
            bcast(call, count, root);
            break;
        case 2:                    /* reduces to rank 0: the others write */
        case 3:
            if (rank == 0 && sleeper >= 0)
                usleep(3000);
            reduce(call, count, 0);
            break;
        default:                   /* a mix: any root, allreduce, barrier */
            if (rank == sleeper)
                usleep(3000);
            if (call % 11 == 0)
                MPI_Barrier(MPI_COMM_WORLD);
            else if (call % 5 == 0)
                reduce(call, count, -1);
            else if (call % 2 == 0)
                reduce(call, count, call % size);
            else
                bcast(call, count, call % size);
        }
    }
    int all = 0;
    MPI_Allreduce(&errors, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0 && all != 0)
        fprintf(stderr, "t_coll_ahead: %d wrong value(s)\n", all);
    MPI_Finalize();
    return all != 0;
}

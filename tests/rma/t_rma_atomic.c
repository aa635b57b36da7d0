/*
 * t_rma_atomic.c -- accumulates that must stay atomic per element when
 * every rank updates the same elements at once, whatever path the window
 * took (libfabric atomics with MINIMPI_TRANSPORTS=ofi, messages
 * otherwise; test_rma.sh checks which through MINIMPI_VERBOSE=rma):
 *   - a counter on every rank incremented by Fetch_and_op from every rank
 *     (itself included) adds up exactly, and the fetched values of one
 *     counter are all different (each increment saw the one before);
 *   - a lock built on Compare_and_swap excludes: inside it, each rank
 *     increments a shared counter by a plain Get, flush, Put, which loses
 *     updates unless the lock works;
 *   - Accumulate of doubles (SUM) and Get_accumulate of ints (MAX) through
 *     a strided type, and MINLOC on MPI_2INT (a type the network cannot
 *     combine: messages) in the same window;
 *   - Put and Get into a dynamic window's regions, one detached and
 *     another attached in the same epoch.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mpi.h"
#include "../objs/t_util.h"

#define ROUNDS 200
#define LOCKS 30

/* The window of every rank: */
typedef struct cells {
    long counter;                  /* Fetch_and_op target */
    long lock;                     /* 0 free, else owner + 1 */
    long shared;                   /* incremented under the lock */
    long pad;
    double sum[4];                 /* Accumulate SUM */
    int max[8];                    /* Get_accumulate MAX, every other one */
    int pair[2];                   /* MINLOC on MPI_2INT */
} cells_t;

#define OFF(F) ((MPI_Aint)offsetof(cells_t, F))

static void counters(MPI_Win win, int rank, int size)
{
    long one = 1, *seen = malloc(sizeof(long) * ROUNDS * (size_t)size);
    T_CHECK(seen != NULL);
    MPI_Win_lock_all(0, win);
    for (int i = 0; i < ROUNDS; i++)
        for (int t = 0; t < size; t++)
            T_OK(MPI_Fetch_and_op(&one, &seen[i * size + t], MPI_LONG, t, OFF(counter) / 8,
                                  MPI_SUM, win));
    T_OK(MPI_Win_flush_all(win));
    MPI_Win_unlock_all(win);
    T_OK(MPI_Barrier(MPI_COMM_WORLD));
    /* Every counter adds up, and the values fetched from counter 0 by all
     * ranks are 0 .. size * ROUNDS - 1, each once. */
    long mine;
    MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win);
    T_OK(MPI_Get(&mine, 1, MPI_LONG, rank, OFF(counter) / 8, 1, MPI_LONG, win));
    MPI_Win_unlock(rank, win);
    T_EQ(mine, (long)size * ROUNDS);
    long *from0 = malloc(sizeof(long) * ROUNDS);
    long *all = malloc(sizeof(long) * ROUNDS * (size_t)size);
    char *hit = calloc((size_t)size * ROUNDS, 1);
    T_CHECK(from0 != NULL && all != NULL && hit != NULL);
    for (int i = 0; i < ROUNDS; i++)
        from0[i] = seen[i * size];
    T_OK(MPI_Allgather(from0, ROUNDS, MPI_LONG, all, ROUNDS, MPI_LONG, MPI_COMM_WORLD));
    for (int i = 0; i < size * ROUNDS; i++) {
        T_CHECK(all[i] >= 0 && all[i] < (long)size * ROUNDS);
        T_EQ(hit[all[i]], 0);
        hit[all[i]] = 1;
    }
    free(hit);
    free(all);
    free(from0);
    free(seen);
}

static void cas_lock(MPI_Win win, int rank, int size)
{
    const long me = rank + 1, zero = 0;
    const int home = size - 1;     /* the lock and the counter live there */
    MPI_Win_lock_all(0, win);
    for (int i = 0; i < LOCKS; i++) {
        long old = -1;
        do {
            T_OK(MPI_Compare_and_swap(&me, &zero, &old, MPI_LONG, home, OFF(lock) / 8, win));
            T_OK(MPI_Win_flush(home, win));
        } while (old != 0);
        /* Ours: the lock word says so, and nobody else touches the counter. */
        long now = -1, dummy = 0;
        T_OK(MPI_Fetch_and_op(&dummy, &now, MPI_LONG, home, OFF(lock) / 8, MPI_NO_OP, win));
        T_OK(MPI_Win_flush(home, win));
        T_EQ(now, me);
        long v = -1;
        T_OK(MPI_Get(&v, 1, MPI_LONG, home, OFF(shared) / 8, 1, MPI_LONG, win));
        T_OK(MPI_Win_flush(home, win));
        v++;
        T_OK(MPI_Put(&v, 1, MPI_LONG, home, OFF(shared) / 8, 1, MPI_LONG, win));
        T_OK(MPI_Win_flush(home, win));
        /* Release: swap our mark back to 0 (REPLACE), checking it was ours. */
        T_OK(MPI_Fetch_and_op(&zero, &old, MPI_LONG, home, OFF(lock) / 8, MPI_REPLACE, win));
        T_OK(MPI_Win_flush(home, win));
        T_EQ(old, me);
    }
    MPI_Win_unlock_all(win);
    T_OK(MPI_Barrier(MPI_COMM_WORLD));
    if (rank == home) {
        long v = -1;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, home, 0, win);
        T_OK(MPI_Get(&v, 1, MPI_LONG, home, OFF(shared) / 8, 1, MPI_LONG, win));
        MPI_Win_unlock(home, win);
        T_EQ(v, (long)size * LOCKS);
    }
}

static void accumulates(MPI_Win win, cells_t *c, int rank, int size)
{
    MPI_Datatype every_other;
    T_OK(MPI_Type_vector(4, 1, 2, MPI_INT, &every_other));
    T_OK(MPI_Type_commit(&every_other));
    double d[4] = {1.0, 2.0, 0.5, 0.25};
    int vals[4], old[4];
    for (int k = 0; k < 4; k++)
        vals[k] = rank * 10 + k;
    int pair[2] = {100 - rank, rank};
    T_OK(MPI_Win_fence(0, win));
    for (int t = 0; t < size; t++) {
        for (int i = 0; i < 10; i++)
            T_OK(MPI_Accumulate(d, 4, MPI_DOUBLE, t, OFF(sum) / 8, 4, MPI_DOUBLE, MPI_SUM, win));
        T_OK(MPI_Get_accumulate(vals, 4, MPI_INT, old, 4, MPI_INT, t, OFF(max) / 8, 1,
                                every_other, MPI_MAX, win));
        T_OK(MPI_Accumulate(pair, 1, MPI_2INT, t, OFF(pair) / 8, 1, MPI_2INT, MPI_MINLOC, win));
    }
    T_OK(MPI_Win_fence(0, win));
    for (int k = 0; k < 4; k++) {
        T_CHECK(c->sum[k] == d[k] * 10 * size);
        T_EQ(c->max[2 * k], (size - 1) * 10 + k);
        T_EQ(c->max[2 * k + 1], -7);
        T_CHECK(old[k] >= -7 && old[k] <= (size - 1) * 10 + k);
    }
    T_EQ(c->pair[0], 100 - (size - 1));
    T_EQ(c->pair[1], size - 1);
    T_OK(MPI_Type_free(&every_other));
}

/*
 * A dynamic window whose memory is detached and other memory attached
 * (often at the same address) inside one lock_all epoch: Put and Get
 * into each region (through the network, fi_write/fi_read into the region
 * registered at Win_attach, with MINIMPI_TRANSPORTS=ofi) land where they
 * should, so what an origin learnt of the first region is not used for
 * the second.
 */
static void dynamic(int rank, int size)
{
    enum { N = 512 };
    MPI_Win win;
    T_OK(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    MPI_Aint *where = malloc(sizeof(MPI_Aint) * (size_t)size);
    T_CHECK(where != NULL);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    T_OK(MPI_Win_lock_all(0, win));
    for (int round = 0; round < 2; round++) {
        long *mem = calloc(N, sizeof(long)), src[N], back[N];
        T_CHECK(mem != NULL);
        T_OK(MPI_Win_attach(win, mem, N * sizeof(long)));
        MPI_Aint mine;
        MPI_Get_address(mem, &mine);
        T_OK(MPI_Allgather(&mine, 1, MPI_AINT, where, 1, MPI_AINT, MPI_COMM_WORLD));
        for (int i = 0; i < N; i++)
            src[i] = (round + 1) * 100000 + rank * 1000 + i;
        T_OK(MPI_Put(src, N, MPI_LONG, right, where[right], N, MPI_LONG, win));
        T_OK(MPI_Win_flush(right, win));
        T_OK(MPI_Get(back, N, MPI_LONG, right, where[right], N, MPI_LONG, win));
        T_OK(MPI_Win_flush(right, win));
        for (int i = 0; i < N; i++)
            T_EQ(back[i], src[i]);
        T_OK(MPI_Barrier(MPI_COMM_WORLD));
        T_OK(MPI_Win_sync(win));
        for (int i = 0; i < N; i++)
            T_EQ(mem[i], (round + 1) * 100000 + left * 1000 + i);
        T_OK(MPI_Win_detach(win, mem));
        free(mem);
    }
    T_OK(MPI_Win_unlock_all(win));
    T_OK(MPI_Win_free(&win));
    free(where);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* The first window of each kind the program makes: Win_create over a
     * struct, then heap Win_allocate (the path is decided per window). */
    for (int kind = 0; kind < 2 && (argc < 2 || strcmp(argv[1], "create") != 0 || kind == 0);
         kind++) {
        cells_t *c, local;
        MPI_Win win;
        if (kind == 0) {
            c = &local;
            T_OK(MPI_Win_create(c, sizeof(*c), 8, MPI_INFO_NULL, MPI_COMM_WORLD, &win));
        } else {
            T_OK(MPI_Win_allocate(sizeof(*c), 8, MPI_INFO_NULL, MPI_COMM_WORLD, &c, &win));
        }
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, rank, 0, win);
        memset(c, 0, sizeof(*c));
        for (int k = 0; k < 8; k++)
            c->max[k] = -7;
        c->max[0] = -1;
        c->pair[0] = 1000;
        c->pair[1] = -1;
        MPI_Win_unlock(rank, win);
        T_OK(MPI_Barrier(MPI_COMM_WORLD));
        counters(win, rank, size);
        cas_lock(win, rank, size);
        accumulates(win, c, rank, size);
        T_OK(MPI_Win_free(&win));
    }
    dynamic(rank, size);
    if (rank == 0)
        printf("t_rma_atomic: ok\n");
    MPI_Finalize();
    return 0;
}

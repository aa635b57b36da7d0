/*
 * osu_rma.c -- one-sided latency and bandwidth in the manner of the OSU
 * micro-benchmarks (osu_put_latency, osu_get_latency, osu_put_bw,
 * osu_get_bw), one source built against any MPI library.  Two ranks: rank
 * 0 is the origin, rank 1 the target, which sits in MPI_Barrier (so a
 * library without asynchronous progress still answers).  Passive target
 * with MPI_Win_lock once and MPI_Win_flush after each operation (latency)
 * or after a window of 64 (bandwidth), as OSU's default "flush" mode.
 *     osu_rma [max_bytes [iters] [flavor]]      flavor: allocate | create | shared
 * prints lines "<test> <bytes> <microseconds or MB/s>".
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WINDOW = 64 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    size_t max_bytes = argc > 1 ? (size_t)atol(argv[1]) : (1 << 20);
    int iters = argc > 2 ? atoi(argv[2]) : 1000;
    const char *flavor = argc > 3 ? argv[3] : "allocate";
    if (size != 2) {
        if (rank == 0)
            fprintf(stderr, "osu_rma: run with 2 ranks\n");
        MPI_Finalize();
        return 1;
    }
    char *local = malloc(max_bytes * WINDOW), *base = NULL, *created = NULL;
    memset(local, 1, max_bytes * WINDOW);
    MPI_Win win;
    MPI_Aint wbytes = (MPI_Aint)(max_bytes * WINDOW);
    if (strcmp(flavor, "create") == 0) {
        created = calloc(1, (size_t)wbytes);
        MPI_Win_create(created, wbytes, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    } else if (strcmp(flavor, "shared") == 0) {
        MPI_Win_allocate_shared(wbytes, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    } else {
        MPI_Win_allocate(wbytes, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
    }
    const char *tests[] = {"put_latency", "get_latency", "put_bw", "get_bw"};
    for (int t = 0; t < 4; t++) {
        int bw = t >= 2, is_put = t % 2 == 0;
        for (size_t bytes = 1; bytes <= max_bytes; bytes *= 4) {
            int n = bytes >= (64 << 10) ? iters / 10 + 1 : iters;
            if (bw)
                n = n / 8 + 1;
            MPI_Barrier(MPI_COMM_WORLD);
            if (rank == 0) {
                MPI_Win_lock(MPI_LOCK_SHARED, 1, 0, win);
                double t0 = 0;
                for (int i = -n / 10 - 1; i < n; i++) {
                    if (i == 0)
                        t0 = MPI_Wtime();
                    int k = bw ? WINDOW : 1;
                    for (int j = 0; j < k; j++) {
                        if (is_put)
                            MPI_Put(local + (size_t)j * bytes, (int)bytes, MPI_CHAR, 1,
                                    (MPI_Aint)((size_t)j * bytes), (int)bytes, MPI_CHAR, win);
                        else
                            MPI_Get(local + (size_t)j * bytes, (int)bytes, MPI_CHAR, 1,
                                    (MPI_Aint)((size_t)j * bytes), (int)bytes, MPI_CHAR, win);
                    }
                    MPI_Win_flush(1, win);
                }
                double dt = MPI_Wtime() - t0;
                MPI_Win_unlock(1, win);
                if (bw)
                    printf("%s %zu %.2f\n", tests[t], bytes,
                           (double)bytes * WINDOW * n / dt / 1e6);
                else
                    printf("%s %zu %.2f\n", tests[t], bytes, dt * 1e6 / n);
                fflush(stdout);
            }
            MPI_Barrier(MPI_COMM_WORLD);
        }
    }
    MPI_Win_free(&win);
    free(created);
    free(local);
    MPI_Finalize();
    return 0;
}

/*
 * t_oversub.c -- the traffic an oversubscribed node must carry without a
 * lost wake-up: ranks that wait long enough to go to sleep (see
 * runtime/rt_progress.c, rt_progress_idle) must always be woken by the
 * message they wait for.  Each iteration runs an allreduce, a ping-pong
 * with the neighbour (rank ^ 1) of a small message (fast box), of a 4 KiB
 * one (queue cell) and now and then of a 256 KiB one (rendezvous), and a
 * nonblocking barrier; every result is checked.  Every 8th iteration one
 * rank (a different one each time) naps for 20 ms first: on one cpu the
 * others would otherwise hand the cpu round by yielding and seldom run out
 * of yields (a few milliseconds), so the nap is what makes them go to
 * sleep and need a ring.
 *
 * The program only checks the data; oversub.sh runs it on one cpu with a
 * long sleep limit and judges, from the counts each rank reports at
 * MPI_Finalize, that sleeps ended by being rung rather than timing out.
 *
 *   t_oversub [iterations]   (default 200)
 */
#include <stdlib.h>
#include <string.h>

#include "t_util.h"

#define SMALL 8
#define MEDIUM 4096
#define LARGE (256 * 1024)

/* Send `len` bytes to the neighbour and get its `len` bytes back, the even
 * rank first, and check them. */
static void exchange(int peer, char *out, char *in, int len, uint32_t seed)
{
    t_fill(out, (size_t)len, seed + (uint32_t)t_rank);
    if (t_rank % 2 == 0) {
        T_MPI(MPI_Send(out, len, MPI_BYTE, peer, 1, MPI_COMM_WORLD));
        T_MPI(MPI_Recv(in, len, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    } else {
        T_MPI(MPI_Recv(in, len, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        T_MPI(MPI_Send(out, len, MPI_BYTE, peer, 1, MPI_COMM_WORLD));
    }
    T_CHECK_PATTERN(in, (size_t)len, seed + (uint32_t)peer, "%d bytes from rank %d", len, peer);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int iters = argc > 1 ? atoi(argv[1]) : 200;
    T_ASSERT(iters > 0, "iterations must be positive, got %s", argv[1]);
    char *out = t_malloc(LARGE);
    char *in = t_malloc(LARGE);
    /* The last rank of an odd-sized job has no neighbour. */
    int peer = (t_rank ^ 1) < t_size ? t_rank ^ 1 : -1;
    long expected = (long)t_size * (t_size - 1) / 2;

    for (int i = 0; i < iters; i++) {
        if (i % 8 == 0 && t_rank == (i / 8) % t_size)
            t_sleep_ms(20);
        long mine = t_rank + i, sum = 0;
        T_MPI(MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD));
        T_ASSERT(sum == expected + (long)t_size * i, "iteration %d: allreduce gave %ld, not %ld",
                 i, sum, expected + (long)t_size * i);
        if (peer >= 0) {
            exchange(peer, out, in, SMALL, (uint32_t)i);
            exchange(peer, out, in, MEDIUM, (uint32_t)i);
            if (i % 16 == 0)
                exchange(peer, out, in, LARGE, (uint32_t)i);
        }
        MPI_Request req;
        T_MPI(MPI_Ibarrier(MPI_COMM_WORLD, &req));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    }
    free(out);
    free(in);
    t_finalize();
    return 0;
}

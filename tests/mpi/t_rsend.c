/*
 * t_rsend.c -- ready sends (MPI_Rsend, MPI_Irsend) into receives that are
 * known to be posted: the receiver posts, then tells the sender "ready" on
 * another tag; the sender Rsends only after that.  Eager and rendezvous
 * sizes, ring (send to next, receive from prev) and to self.
 */
#include "t_util.h"

#include <stdlib.h>

#define TAG_DATA 40
#define TAG_READY 41

static void ready_exchange(int dest, int source, size_t n, int nonblocking)
{
    uint8_t *s = t_malloc(n), *r = t_malloc(n);
    MPI_Request recv, ready, sreq;
    MPI_Status st;
    t_fill(s, n, (uint32_t)(t_rank + (int)n));
    T_MPI(MPI_Irecv(r, (int)n, MPI_BYTE, source, TAG_DATA, MPI_COMM_WORLD, &recv));
    T_MPI(MPI_Isend(NULL, 0, MPI_BYTE, source, TAG_READY, MPI_COMM_WORLD, &ready));
    T_MPI(MPI_Recv(NULL, 0, MPI_BYTE, dest, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    if (nonblocking) {
        T_MPI(MPI_Irsend(s, (int)n, MPI_BYTE, dest, TAG_DATA, MPI_COMM_WORLD, &sreq));
        T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    } else {
        T_MPI(MPI_Rsend(s, (int)n, MPI_BYTE, dest, TAG_DATA, MPI_COMM_WORLD));
    }
    T_MPI(MPI_Wait(&recv, &st));
    T_MPI(MPI_Wait(&ready, MPI_STATUS_IGNORE));
    T_CHECK_STATUS(&st, source, TAG_DATA, MPI_BYTE, (int)n, "ready-send message");
    T_CHECK_PATTERN(r, n, (uint32_t)(source + (int)n), "ready send of %zu bytes from rank %d", n,
                    source);
    free(s);
    free(r);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int next_rank = (t_rank + 1) % t_size;
    int prev_rank = (t_rank + t_size - 1) % t_size;
    static const size_t sizes[] = {0, 8, 8192, 8193, 100000, 3u << 20};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        ready_exchange(next_rank, prev_rank, sizes[k], 0);
        ready_exchange(next_rank, prev_rank, sizes[k], 1);
        ready_exchange(t_rank, t_rank, sizes[k], (int)k % 2);
    }
    t_finalize();
    return 0;
}

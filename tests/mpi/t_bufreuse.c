/*
 * t_bufreuse.c -- once a send completes, the library is done with the
 * user's buffer, and once a receive completes, it writes no more into it.
 * Pairs (0,1), (2,3), ... (a lone rank sends to itself): the sender's
 * buffer is its own mapping; right after Wait (or Send, Ssend) returns it
 * is overwritten and unmapped, so a late read by the library -- single
 * copy from the peer, or a pipelined chunk -- fails or delivers the wrong
 * bytes.  The receiver posts late, so the message waits as unexpected,
 * and after its receive completes it checks the buffer stays unchanged.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const size_t sizes[] = {100, 8193, 65537, 1u << 20, (4u << 20) + 3};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MODES 3   /* Isend + Wait, Send, Ssend */

static uint8_t *map(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        T_FAIL("mmap of %zu bytes failed", n);
    return p;
}

static void send_and_destroy(int peer, size_t n, int mode, uint32_t seed)
{
    uint8_t *buf = map(n);
    t_fill(buf, n, seed);
    if (mode == 0) {
        MPI_Request req;
        T_MPI(MPI_Isend(buf, (int)n, MPI_BYTE, peer, mode, MPI_COMM_WORLD, &req));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    } else if (mode == 1) {
        T_MPI(MPI_Send(buf, (int)n, MPI_BYTE, peer, mode, MPI_COMM_WORLD));
    } else {
        T_MPI(MPI_Ssend(buf, (int)n, MPI_BYTE, peer, mode, MPI_COMM_WORLD));
    }
    memset(buf, 0xee, n);
    munmap(buf, n);
}

static void receive_late(int peer, size_t n, int mode, uint32_t seed)
{
    uint8_t *buf = t_malloc(n);
    MPI_Status st;
    t_sleep_ms(20);  /* let the message (or its announcement) arrive first */
    T_MPI(MPI_Recv(buf, (int)n, MPI_BYTE, peer, mode, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, peer, mode, MPI_BYTE, (int)n, "late receive");
    T_CHECK_PATTERN(buf, n, seed, "%zu bytes sent in mode %d", n, mode);
    t_sleep_ms(5);
    T_CHECK_PATTERN(buf, n, seed, "%zu-byte receive buffer after completion", n);
    free(buf);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    for (size_t k = 0; k < NSIZES; k++) {
        for (int mode = 0; mode < MODES; mode++) {
            uint32_t seed = (uint32_t)(k * 10 + (size_t)mode);
            if (t_rank % 2 == 0 && t_rank + 1 < t_size) {
                send_and_destroy(t_rank + 1, sizes[k], mode, seed);
            } else if (t_rank % 2 == 1) {
                receive_late(t_rank - 1, sizes[k], mode, seed);
            } else if (mode == 0) {
                /* Alone: Isend to self, receive, wait, destroy, check again. */
                uint8_t *buf = map(sizes[k]), *in = t_malloc(sizes[k]);
                MPI_Request req;
                t_fill(buf, sizes[k], seed);
                T_MPI(MPI_Isend(buf, (int)sizes[k], MPI_BYTE, t_rank, 0, MPI_COMM_WORLD, &req));
                T_MPI(MPI_Recv(in, (int)sizes[k], MPI_BYTE, t_rank, 0, MPI_COMM_WORLD,
                               MPI_STATUS_IGNORE));
                T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
                memset(buf, 0xee, sizes[k]);
                munmap(buf, sizes[k]);
                T_CHECK_PATTERN(in, sizes[k], seed, "%zu bytes sent to self", sizes[k]);
                free(in);
            }
        }
    }
    t_finalize();
    return 0;
}

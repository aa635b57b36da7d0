/*
 * t_ssend.c -- a synchronous send completes only once its receive has been
 * posted.  Pairs (0,1), (2,3), ...: the even rank sends, the odd one
 * receives (a lone last rank, or a single one, plays both sides).
 *   - Issend, then MPI_Test for a while: never complete, because the
 *     receiver posts its receive only after a "go" message on another tag,
 *     which the sender sends after testing; then Wait completes.  Eager and
 *     rendezvous sizes.
 *   - Blocking Ssend: the receiver sleeps 300 ms after a "start" message
 *     before posting, so the sender's Ssend, begun right after "start",
 *     cannot return in under 300 ms on the sender's own clock.
 *   - Ssend to MPI_PROC_NULL returns at once.
 */
#include "t_util.h"

#include <stdlib.h>

#define TAG_DATA 1
#define TAG_GO 2
#define TAG_START 3
#define DELAY_MS 300

static const size_t sizes[] = {0, 8, 8192, 100000, 2u << 20};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static void sender(int peer)
{
    for (size_t k = 0; k < NSIZES; k++) {
        size_t n = sizes[k];
        uint8_t *buf = t_malloc(n);
        MPI_Request req;
        int flag = 0;
        t_fill(buf, n, (uint32_t)k);
        T_MPI(MPI_Issend(buf, (int)n, MPI_BYTE, peer, TAG_DATA, MPI_COMM_WORLD, &req));
        double t0 = MPI_Wtime();
        while (MPI_Wtime() - t0 < 0.1) {
            T_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
            T_ASSERT(!flag, "Issend of %zu bytes to rank %d completed before the receive was "
                     "posted", n, peer);
            t_sleep_ms(1);
        }
        T_MPI(MPI_Send(NULL, 0, MPI_BYTE, peer, TAG_GO, MPI_COMM_WORLD));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        T_ASSERT(req == MPI_REQUEST_NULL, "MPI_Wait left the Issend request non-null");
        free(buf);
    }

    int v = 42;
    double t0 = MPI_Wtime();
    T_MPI(MPI_Send(NULL, 0, MPI_BYTE, peer, TAG_START, MPI_COMM_WORLD));
    T_MPI(MPI_Ssend(&v, 1, MPI_INT, peer, TAG_DATA, MPI_COMM_WORLD));
    double took = MPI_Wtime() - t0;
    T_ASSERT(took >= (DELAY_MS - 5) / 1000.0,
             "Ssend returned after %.3f s, before the receiver could post its receive (%d ms)",
             took, DELAY_MS);
}

static void receiver(int peer)
{
    for (size_t k = 0; k < NSIZES; k++) {
        size_t n = sizes[k];
        uint8_t *buf = t_malloc(n);
        MPI_Status st;
        T_MPI(MPI_Recv(NULL, 0, MPI_BYTE, peer, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        T_MPI(MPI_Recv(buf, (int)n, MPI_BYTE, peer, TAG_DATA, MPI_COMM_WORLD, &st));
        T_CHECK_STATUS(&st, peer, TAG_DATA, MPI_BYTE, (int)n, "Issend's message");
        T_CHECK_PATTERN(buf, n, (uint32_t)k, "Issend of %zu bytes", n);
        free(buf);
    }
    int v = 0;
    T_MPI(MPI_Recv(NULL, 0, MPI_BYTE, peer, TAG_START, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    t_sleep_ms(DELAY_MS);
    T_MPI(MPI_Recv(&v, 1, MPI_INT, peer, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_ASSERT(v == 42, "Ssend delivered %d, expected 42", v);
}

/* A rank without partner: Issend to itself stays incomplete until received. */
static void alone(void)
{
    for (size_t k = 0; k < NSIZES; k++) {
        size_t n = sizes[k];
        uint8_t *out = t_malloc(n), *in = t_malloc(n);
        MPI_Request req;
        int flag = 0;
        t_fill(out, n, (uint32_t)k);
        T_MPI(MPI_Issend(out, (int)n, MPI_BYTE, t_rank, TAG_DATA, MPI_COMM_WORLD, &req));
        for (int i = 0; i < 50; i++) {
            T_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
            T_ASSERT(!flag, "Issend of %zu bytes to self completed before its receive", n);
            t_sleep_ms(1);
        }
        T_MPI(MPI_Recv(in, (int)n, MPI_BYTE, t_rank, TAG_DATA, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        T_CHECK_PATTERN(in, n, (uint32_t)k, "Issend of %zu bytes to self", n);
        free(out);
        free(in);
    }
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int v = 1;
    T_MPI(MPI_Ssend(&v, 1, MPI_INT, MPI_PROC_NULL, TAG_DATA, MPI_COMM_WORLD));

    if (t_rank % 2 == 0 && t_rank + 1 < t_size)
        sender(t_rank + 1);
    else if (t_rank % 2 == 1)
        receiver(t_rank - 1);
    else
        alone();
    t_finalize();
    return 0;
}

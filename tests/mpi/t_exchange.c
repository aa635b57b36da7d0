/*
 * t_exchange.c -- messages between the eager limit and the shared-memory
 * copy limit (64 KiB by default), which go eagerly in several packets, and
 * the sizes around them: pairs of ranks (0-1, 2-3, ...) exchange them both
 * ways at once, as an allreduce does, then send them unexpected, truncated
 * and into a non-contiguous type.  Every byte is checked.
 *
 * The driver (exchange.sh) also counts the packets rank 0 sent
 * (MINIMPI_VERBOSE=proto): only the RTS_SENDS messages above the copy limit
 * may use the rendezvous.
 */
#include <stdlib.h>
#include <string.h>

#include "t_util.h"

#define ITERS 10

/* The exchanged sizes: just above one cell, a few cells, the copy limit,
 * and two above it (rendezvous). */
static const size_t sizes[] = {8065, 16384, 40000, 65536, 65537, 262144};

static uint32_t seed_of(int sender, size_t size, int iter)
{
    return (uint32_t)sender * 7919u + (uint32_t)size * 31u + (uint32_t)iter;
}

static void exchange_both_ways(int peer, char *sbuf, char *rbuf)
{
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        for (int it = 0; it < ITERS; it++) {
            t_fill(sbuf, n, seed_of(t_rank, n, it));
            memset(rbuf, 0xee, n + 64);
            MPI_Status st;
            T_MPI(MPI_Sendrecv(sbuf, (int)n, MPI_BYTE, peer, it, rbuf, (int)n, MPI_BYTE, peer, it,
                               MPI_COMM_WORLD, &st));
            T_CHECK_STATUS(&st, peer, it, MPI_BYTE, (int)n, "exchange");
            T_CHECK_PATTERN(rbuf, n, seed_of(peer, n, it), "%zu bytes from rank %d, round %d", n,
                            peer, it);
            T_CHECK_BYTES(rbuf + n, 64, 0xee, "past %zu bytes from rank %d", n, peer);
        }
    }
}

/* Sent before the receive is posted: the parts are stored, then taken
 * (with a small shared-memory queue, while they are still coming). */
static void unexpected(int peer, int sender, char *sbuf, char *rbuf)
{
    const size_t n = 60000;
    if (sender) {
        t_fill(sbuf, n, seed_of(t_rank, n, 100));
        MPI_Request req;
        T_MPI(MPI_Isend(sbuf, (int)n, MPI_BYTE, peer, 100, MPI_COMM_WORLD, &req));
        T_MPI(MPI_Barrier(MPI_COMM_WORLD));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    } else {
        T_MPI(MPI_Barrier(MPI_COMM_WORLD));
        MPI_Status st;
        int flag = 0;
        /* The envelope is known as soon as the first part came. */
        while (!flag)
            T_MPI(MPI_Iprobe(peer, 100, MPI_COMM_WORLD, &flag, &st));
        T_CHECK_STATUS(&st, peer, 100, MPI_BYTE, (int)n, "probe");
        T_MPI(MPI_Recv(rbuf, (int)n, MPI_BYTE, peer, 100, MPI_COMM_WORLD, &st));
        T_CHECK_STATUS(&st, peer, 100, MPI_BYTE, (int)n, "unexpected");
        T_CHECK_PATTERN(rbuf, n, seed_of(peer, n, 100), "unexpected message from rank %d", peer);
    }
}

/* A receive smaller than the message keeps its first bytes; the message
 * after it still arrives whole. */
static void truncated(int peer, int sender, char *sbuf, char *rbuf)
{
    const size_t n = 50000, room = 20000, next = 30000;
    if (sender) {
        t_fill(sbuf, n, seed_of(t_rank, n, 200));
        T_MPI(MPI_Send(sbuf, (int)n, MPI_BYTE, peer, 200, MPI_COMM_WORLD));
        t_fill(sbuf, next, seed_of(t_rank, next, 201));
        T_MPI(MPI_Send(sbuf, (int)next, MPI_BYTE, peer, 201, MPI_COMM_WORLD));
        return;
    }
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    memset(rbuf, 0xee, n);
    MPI_Status st;
    T_MPI_ERR(MPI_ERR_TRUNCATE,
              MPI_Recv(rbuf, (int)room, MPI_BYTE, peer, 200, MPI_COMM_WORLD, &st));
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    T_CHECK_PATTERN(rbuf, room, seed_of(peer, n, 200), "truncated message from rank %d", peer);
    T_CHECK_BYTES(rbuf + room, n - room, 0xee, "past a truncated receive from rank %d", peer);
    T_MPI(MPI_Recv(rbuf, (int)next, MPI_BYTE, peer, 201, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, peer, 201, MPI_BYTE, (int)next, "after the truncated one");
    T_CHECK_PATTERN(rbuf, next, seed_of(peer, next, 201), "message after a truncated one");
}

/* Into a vector type: the parts are staged, then unpacked. */
static void noncontiguous(int peer, int sender, char *sbuf, char *rbuf)
{
    const int blocks = 1000, blen = 32, stride = 48;
    const size_t n = (size_t)blocks * blen;
    if (sender) {
        t_fill(sbuf, n, seed_of(t_rank, n, 300));
        T_MPI(MPI_Send(sbuf, (int)n, MPI_BYTE, peer, 300, MPI_COMM_WORLD));
        return;
    }
    MPI_Datatype vec;
    T_MPI(MPI_Type_vector(blocks, blen, stride, MPI_BYTE, &vec));
    T_MPI(MPI_Type_commit(&vec));
    memset(rbuf, 0xee, (size_t)blocks * stride);
    T_MPI(MPI_Recv(rbuf, 1, vec, peer, 300, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int b = 0; b < blocks; b++)
        for (int i = 0; i < blen; i++)
            T_ASSERT((uint8_t)rbuf[(size_t)b * stride + (size_t)i] ==
                         t_pattern_byte((size_t)b * blen + (size_t)i, seed_of(peer, n, 300)),
                     "block %d byte %d of a vector receive from rank %d", b, i, peer);
    T_MPI(MPI_Type_free(&vec));
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    size_t cap = 262144 + 4096;
    char *sbuf = malloc(cap), *rbuf = malloc(cap);
    T_ASSERT(sbuf != NULL && rbuf != NULL, "out of memory");
    int peer = t_rank ^ 1;
    if (peer < t_size)
        exchange_both_ways(peer, sbuf, rbuf);
    /* Each side of a pair in turn sends; the rank without a pair only
     * joins the barriers. */
    for (int turn = 0; turn < 2; turn++) {
        int sender = (t_rank & 1) == turn;
        if (peer < t_size) {
            unexpected(peer, sender, sbuf, rbuf);
            truncated(peer, sender, sbuf, rbuf);
            noncontiguous(peer, sender, sbuf, rbuf);
        } else {
            T_MPI(MPI_Barrier(MPI_COMM_WORLD));
        }
    }
    free(sbuf);
    free(rbuf);
    t_finalize();
    return 0;
}

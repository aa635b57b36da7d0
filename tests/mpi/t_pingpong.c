/*
 * t_pingpong.c -- ping-pong between rank pairs of every power of two from
 * 0 B to 8 MiB, one byte either side of each, and dense or odd sizes around
 * the protocol thresholds (the shm eager limit near 8 KiB, 64 KiB, multiples
 * of typical chunk sizes).  Contents are checked both ways, and so is every
 * byte after the message in the (larger) receive buffer, which must stay
 * untouched.
 *
 * Round r pairs rank i with rank i^r; round 1 runs every size, later rounds
 * (other pairs, run with 4 and 8 ranks) a shorter list.  A single rank plays
 * both sides through itself (Isend + Recv).  Run it also with
 * MINIMPI_SHM_CMA=0 (pipelined copy) and a small MINIMPI_EAGER_LIMIT.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (8u << 20)
#define SLACK 17      /* the receive count exceeds the message by this much */
#define GUARD 64      /* bytes after the receive count that must stay untouched */
#define GUARD_BYTE 0xa5

static size_t sizes[512];
static int num_sizes;

static void add_size(long long n)
{
    if (n < 0 || n > MAX_SIZE)
        return;
    for (int i = 0; i < num_sizes; i++)
        if (sizes[i] == (size_t)n)
            return;
    if (num_sizes == (int)(sizeof(sizes) / sizeof(sizes[0])))
        T_FAIL("too many sizes");
    sizes[num_sizes++] = (size_t)n;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* full: every size; otherwise a shorter list for the extra pairings. */
static void make_sizes(int full)
{
    num_sizes = 0;
    add_size(0);
    for (int k = 0; k <= 23; k++) {
        long long p = 1LL << k;
        add_size(p);
        if (full || k % 4 == 1) {
            add_size(p - 1);
            add_size(p + 1);
        }
    }
    /* Around the shm eager limit (8 KiB cell minus headers). */
    for (long long n = 8000; n <= 8300; n += full ? 1 : 37)
        add_size(n);
    /* Around 64 KiB, and odd multiples of common chunk sizes. */
    for (long long n = 65536 - 64; n <= 65536 + 64; n += full ? 8 : 32)
        add_size(n);
    if (full) {
        for (int k = 10; k <= 21; k++) {
            add_size(3LL << k);
            add_size((3LL << k) - 1);
            add_size((3LL << k) + 1);
        }
        add_size(12345);
        add_size(1000003);
        add_size(MAX_SIZE - 7);
    }
    qsort(sizes, (size_t)num_sizes, sizeof(sizes[0]), cmp_size);
}

static uint32_t seed_of(int from, int to, size_t n)
{
    return (uint32_t)(from * 7919 + to * 104729) ^ (uint32_t)n;
}

static void check_received(const MPI_Status *st, const uint8_t *rbuf, size_t n, int from,
                           int tag)
{
    T_CHECK_STATUS(st, from, tag, MPI_BYTE, (int)n, "ping-pong receive");
    T_CHECK_PATTERN(rbuf, n, seed_of(from, t_rank, n), "%zu-byte message from rank %d", n, from);
    T_CHECK_BYTES(rbuf + n, SLACK + GUARD, GUARD_BYTE,
                  "bytes after the %zu-byte message from rank %d", n, from);
}

static void exchange(int partner, size_t n, uint8_t *sbuf, uint8_t *rbuf)
{
    MPI_Status st;
    int tag = (int)(n % 32768);
    int count = (int)n + SLACK;
    t_fill(sbuf, n, seed_of(t_rank, partner, n));
    memset(rbuf, GUARD_BYTE, n + SLACK + GUARD);

    if (partner == t_rank) {
        MPI_Request req;
        T_MPI(MPI_Isend(sbuf, (int)n, MPI_BYTE, t_rank, tag, MPI_COMM_WORLD, &req));
        T_MPI(MPI_Recv(rbuf, count, MPI_BYTE, t_rank, tag, MPI_COMM_WORLD, &st));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        check_received(&st, rbuf, n, t_rank, tag);
    } else if (t_rank < partner) {
        T_MPI(MPI_Send(sbuf, (int)n, MPI_BYTE, partner, tag, MPI_COMM_WORLD));
        T_MPI(MPI_Recv(rbuf, count, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &st));
        check_received(&st, rbuf, n, partner, tag);
    } else {
        T_MPI(MPI_Recv(rbuf, count, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &st));
        check_received(&st, rbuf, n, partner, tag);
        T_MPI(MPI_Send(sbuf, (int)n, MPI_BYTE, partner, tag, MPI_COMM_WORLD));
    }
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    uint8_t *sbuf = t_malloc(MAX_SIZE);
    uint8_t *rbuf = t_malloc(MAX_SIZE + SLACK + GUARD);

    if (t_size == 1) {
        make_sizes(1);
        for (int i = 0; i < num_sizes; i++)
            exchange(0, sizes[i], sbuf, rbuf);
    }
    for (int round = 1; round < t_size; round++) {
        int partner = t_rank ^ round;
        make_sizes(round == 1);
        if (partner >= t_size)
            continue;  /* odd sizes: no partner this round */
        for (int i = 0; i < num_sizes; i++)
            exchange(partner, sizes[i], sbuf, rbuf);
    }

    free(sbuf);
    free(rbuf);
    t_finalize();
    return 0;
}

/*
 * t_order.c -- MPI's non-overtaking rule: messages of one sender on one
 * communicator that match the same receive arrive in the order sent.
 * Every rank sends to the next rank of a ring and receives from the
 * previous one (a single rank talks to itself):
 *   1. 1000 one-int messages on one tag, all sent before the receiver looks
 *      (a token on another tag, sent last, is received first), so they wait
 *      in the unexpected queue; received with the sender's rank;
 *   2. the same, received with MPI_ANY_SOURCE;
 *   3. 1000 messages into 1000 receives posted before anything is sent;
 *   4. 200 messages of mixed eager and rendezvous sizes (0 B to 1 MiB), once
 *      unexpected and once into pre-posted receives, each with its size and
 *      contents checked.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define NSMALL 1000
#define NMIXED 200
#define TAG_DATA 5
#define TAG_TOKEN 6
#define TAG_READY 7

static int next_rank, prev_rank;

/* Size in bytes of mixed message i: eager and rendezvous, 0 B to 1 MiB. */
static size_t mixed_size(int i)
{
    static const size_t cycle[] = {4, 100000, 0, 9000, 8, 65537, 8191, 8192, 8193, 300};
    if (i % 50 == 17)
        return (1u << 20) + 3;
    return cycle[i % (int)(sizeof(cycle) / sizeof(cycle[0]))];
}

static void send_token(int tag, MPI_Request *req)
{
    static int token;
    T_MPI(MPI_Isend(&token, 0, MPI_INT, next_rank, tag, MPI_COMM_WORLD, req));
}

/* Phases 1 and 2: everything arrives before the receiver posts anything. */
static void small_unexpected(int source)
{
    int *sbuf = t_malloc(sizeof(int) * NSMALL);
    MPI_Request *reqs = t_malloc(sizeof(MPI_Request) * (NSMALL + 1));
    for (int i = 0; i < NSMALL; i++) {
        sbuf[i] = i;
        T_MPI(MPI_Isend(&sbuf[i], 1, MPI_INT, next_rank, TAG_DATA, MPI_COMM_WORLD, &reqs[i]));
    }
    send_token(TAG_TOKEN, &reqs[NSMALL]);
    T_MPI(MPI_Recv(NULL, 0, MPI_INT, prev_rank, TAG_TOKEN, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int i = 0; i < NSMALL; i++) {
        int v = -1;
        MPI_Status st;
        T_MPI(MPI_Recv(&v, 1, MPI_INT, source, TAG_DATA, MPI_COMM_WORLD, &st));
        T_ASSERT(v == i, "message %d of %d from rank %d (source %d) carries %d", i, NSMALL,
                 prev_rank, source, v);
        T_CHECK_STATUS(&st, prev_rank, TAG_DATA, MPI_INT, 1, "small ordered message");
    }
    T_MPI(MPI_Waitall(NSMALL + 1, reqs, MPI_STATUSES_IGNORE));
    free(sbuf);
    free(reqs);
}

/* Phase 3: every receive is posted before the first message is sent. */
static void small_preposted(void)
{
    int *rbuf = t_malloc(sizeof(int) * NSMALL);
    MPI_Request *reqs = t_malloc(sizeof(MPI_Request) * NSMALL);
    MPI_Request ready;
    for (int i = 0; i < NSMALL; i++) {
        rbuf[i] = -1;
        T_MPI(MPI_Irecv(&rbuf[i], 1, MPI_INT, prev_rank, TAG_DATA, MPI_COMM_WORLD, &reqs[i]));
    }
    /* Tell the previous rank that my receives are posted. */
    static int token;
    T_MPI(MPI_Isend(&token, 0, MPI_INT, prev_rank, TAG_READY, MPI_COMM_WORLD, &ready));
    T_MPI(MPI_Recv(NULL, 0, MPI_INT, next_rank, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int i = 0; i < NSMALL; i++)
        T_MPI(MPI_Send(&i, 1, MPI_INT, next_rank, TAG_DATA, MPI_COMM_WORLD));
    T_MPI(MPI_Waitall(NSMALL, reqs, MPI_STATUSES_IGNORE));
    T_MPI(MPI_Wait(&ready, MPI_STATUS_IGNORE));
    for (int i = 0; i < NSMALL; i++)
        T_ASSERT(rbuf[i] == i, "pre-posted receive %d got message %d", i, rbuf[i]);
    free(rbuf);
    free(reqs);
}

static uint32_t mixed_seed(int i)
{
    return (uint32_t)(prev_rank * 7919 + i);
}

static void check_mixed(int i, const uint8_t *buf, const MPI_Status *st)
{
    size_t n = mixed_size(i);
    T_CHECK_STATUS(st, prev_rank, TAG_DATA, MPI_BYTE, (int)n, "mixed-size message");
    T_CHECK_PATTERN(buf, n, mixed_seed(i), "mixed message %d (%zu bytes) from rank %d", i, n,
                    prev_rank);
}

/* Phase 4: mixed sizes, unexpected (preposted == 0) or pre-posted. */
static void mixed(int preposted)
{
    uint8_t **sbufs = t_malloc(sizeof(uint8_t *) * NMIXED);
    uint8_t **rbufs = t_malloc(sizeof(uint8_t *) * NMIXED);
    MPI_Request *sreqs = t_malloc(sizeof(MPI_Request) * (NMIXED + 1));
    MPI_Request *rreqs = t_malloc(sizeof(MPI_Request) * NMIXED);
    MPI_Status *sts = t_malloc(sizeof(MPI_Status) * NMIXED);
    const int cap = (1 << 20) + 64;

    for (int i = 0; i < NMIXED; i++) {
        sbufs[i] = t_malloc(mixed_size(i));
        /* The receiver's pattern is the sender's (seed from the sender's rank). */
        t_fill(sbufs[i], mixed_size(i), (uint32_t)(t_rank * 7919 + i));
        rbufs[i] = preposted ? t_malloc((size_t)cap) : NULL;
    }
    if (preposted) {
        static int token;
        MPI_Request ready;
        for (int i = 0; i < NMIXED; i++)
            T_MPI(MPI_Irecv(rbufs[i], cap, MPI_BYTE, prev_rank, TAG_DATA, MPI_COMM_WORLD,
                            &rreqs[i]));
        T_MPI(MPI_Isend(&token, 0, MPI_INT, prev_rank, TAG_READY, MPI_COMM_WORLD, &ready));
        T_MPI(MPI_Recv(NULL, 0, MPI_INT, next_rank, TAG_READY, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE));
        for (int i = 0; i < NMIXED; i++)
            T_MPI(MPI_Isend(sbufs[i], (int)mixed_size(i), MPI_BYTE, next_rank, TAG_DATA,
                            MPI_COMM_WORLD, &sreqs[i]));
        T_MPI(MPI_Waitall(NMIXED, rreqs, sts));
        for (int i = 0; i < NMIXED; i++)
            check_mixed(i, rbufs[i], &sts[i]);
        T_MPI(MPI_Waitall(NMIXED, sreqs, MPI_STATUSES_IGNORE));
        T_MPI(MPI_Wait(&ready, MPI_STATUS_IGNORE));
    } else {
        uint8_t *rbuf = t_malloc((size_t)cap);
        for (int i = 0; i < NMIXED; i++)
            T_MPI(MPI_Isend(sbufs[i], (int)mixed_size(i), MPI_BYTE, next_rank, TAG_DATA,
                            MPI_COMM_WORLD, &sreqs[i]));
        send_token(TAG_TOKEN, &sreqs[NMIXED]);
        T_MPI(MPI_Recv(NULL, 0, MPI_INT, prev_rank, TAG_TOKEN, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE));
        for (int i = 0; i < NMIXED; i++) {
            MPI_Status st;
            T_MPI(MPI_Recv(rbuf, cap, MPI_BYTE, prev_rank, TAG_DATA, MPI_COMM_WORLD, &st));
            check_mixed(i, rbuf, &st);
        }
        T_MPI(MPI_Waitall(NMIXED + 1, sreqs, MPI_STATUSES_IGNORE));
        free(rbuf);
    }
    for (int i = 0; i < NMIXED; i++) {
        free(sbufs[i]);
        free(rbufs[i]);
    }
    free(sbufs);
    free(rbufs);
    free(sreqs);
    free(rreqs);
    free(sts);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;

    small_unexpected(prev_rank);
    small_unexpected(MPI_ANY_SOURCE);
    small_preposted();
    mixed(0);
    mixed(1);

    t_finalize();
    return 0;
}

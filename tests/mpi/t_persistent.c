/*
 * t_persistent.c -- persistent requests: Send_init, Ssend_init, Rsend_init,
 * Bsend_init and Recv_init, started many times with Start and Startall;
 * each round sends new contents through the same buffers, so a request
 * that copied its buffer at init time, or got stuck after its first round,
 * is caught.  Wait on a persistent request leaves it allocated and
 * inactive; Wait and Test on an inactive one return at once with an empty
 * status; Request_free releases it.  Ring: send to next, receive from prev.
 */
#include "t_util.h"

#include <stdlib.h>

#define ROUNDS 10
#define TAG_READY 39
#define TAG_GO 38

static int next_rank, prev_rank;

static void rounds(size_t n, int tag)
{
    uint8_t *sbuf = t_malloc(n), *rbuf = t_malloc(n);
    MPI_Request reqs[2];
    MPI_Status sts[2];
    T_MPI(MPI_Recv_init(rbuf, (int)n, MPI_BYTE, prev_rank, tag, MPI_COMM_WORLD, &reqs[0]));
    T_MPI(MPI_Send_init(sbuf, (int)n, MPI_BYTE, next_rank, tag, MPI_COMM_WORLD, &reqs[1]));
    for (int r = 0; r < ROUNDS; r++) {
        t_fill(sbuf, n, (uint32_t)(t_rank * 1000 + r));
        if (r % 2 == 0) {
            T_MPI(MPI_Startall(2, reqs));
        } else {
            T_MPI(MPI_Start(&reqs[0]));
            T_MPI(MPI_Start(&reqs[1]));
        }
        T_MPI(MPI_Waitall(2, reqs, sts));
        T_ASSERT(reqs[0] != MPI_REQUEST_NULL && reqs[1] != MPI_REQUEST_NULL,
                 "Waitall freed a persistent request");
        T_CHECK_STATUS(&sts[0], prev_rank, tag, MPI_BYTE, (int)n, "persistent receive");
        T_CHECK_PATTERN(rbuf, n, (uint32_t)(prev_rank * 1000 + r),
                        "round %d of a %zu-byte persistent exchange", r, n);
    }
    /* Inactive requests complete at once with an empty status. */
    MPI_Status st;
    int flag = 0;
    T_MPI(MPI_Wait(&reqs[0], &st));
    T_CHECK_EMPTY_STATUS(&st, "Wait on an inactive persistent request");
    T_MPI(MPI_Test(&reqs[1], &flag, &st));
    T_ASSERT(flag, "Test on an inactive persistent request is false");
    T_CHECK_EMPTY_STATUS(&st, "Test on an inactive persistent request");
    T_MPI(MPI_Request_free(&reqs[0]));
    T_MPI(MPI_Request_free(&reqs[1]));
    T_ASSERT(reqs[0] == MPI_REQUEST_NULL && reqs[1] == MPI_REQUEST_NULL,
             "Request_free did not set MPI_REQUEST_NULL");
    free(sbuf);
    free(rbuf);
}

/*
 * Ssend_init: complete only after the receive, which the next rank posts
 * only after my "go" (sent once I stopped testing).  Rsend_init: the next
 * rank posts its receive first and tells me with "ready".
 */
static void sync_and_ready(void)
{
    int s = 0, r = -1, flag = 0;
    MPI_Request ssend, rsend, recv, go, ready;
    T_MPI(MPI_Ssend_init(&s, 1, MPI_INT, next_rank, 31, MPI_COMM_WORLD, &ssend));
    T_MPI(MPI_Rsend_init(&s, 1, MPI_INT, next_rank, 32, MPI_COMM_WORLD, &rsend));
    for (int round = 0; round < 3; round++) {
        s = t_rank * 10 + round;
        T_MPI(MPI_Start(&ssend));
        for (int k = 0; k < 20; k++) {
            T_MPI(MPI_Test(&ssend, &flag, MPI_STATUS_IGNORE));
            T_ASSERT(!flag, "started Ssend_init request complete before its receive");
        }
        T_MPI(MPI_Isend(NULL, 0, MPI_INT, next_rank, TAG_GO, MPI_COMM_WORLD, &go));
        T_MPI(MPI_Recv(NULL, 0, MPI_INT, prev_rank, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        int got = -1;
        T_MPI(MPI_Irecv(&r, 1, MPI_INT, prev_rank, 32, MPI_COMM_WORLD, &recv));
        T_MPI(MPI_Recv(&got, 1, MPI_INT, prev_rank, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        T_ASSERT(got == prev_rank * 10 + round, "Ssend_init round %d delivered %d", round, got);
        T_MPI(MPI_Isend(NULL, 0, MPI_INT, prev_rank, TAG_READY, MPI_COMM_WORLD, &ready));
        T_MPI(MPI_Wait(&ssend, MPI_STATUS_IGNORE));
        T_MPI(MPI_Recv(NULL, 0, MPI_INT, next_rank, TAG_READY, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE));
        T_MPI(MPI_Start(&rsend));
        T_MPI(MPI_Wait(&rsend, MPI_STATUS_IGNORE));
        T_MPI(MPI_Wait(&recv, MPI_STATUS_IGNORE));
        T_ASSERT(r == prev_rank * 10 + round, "Rsend_init round %d delivered %d", round, r);
        T_MPI(MPI_Wait(&go, MPI_STATUS_IGNORE));
        T_MPI(MPI_Wait(&ready, MPI_STATUS_IGNORE));
    }
    T_MPI(MPI_Request_free(&ssend));
    T_MPI(MPI_Request_free(&rsend));
}

static void buffered(void)
{
    int size = 3 * (int)(100 * sizeof(int) + MPI_BSEND_OVERHEAD);
    void *pool = t_malloc((size_t)size), *detached = NULL;
    int s[100], r[100], detached_size = 0;
    MPI_Request req;
    T_MPI(MPI_Buffer_attach(pool, size));
    T_MPI(MPI_Bsend_init(s, 100, MPI_INT, next_rank, 33, MPI_COMM_WORLD, &req));
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 100; i++)
            s[i] = t_rank + round + i;
        T_MPI(MPI_Start(&req));
        T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        T_MPI(MPI_Recv(r, 100, MPI_INT, prev_rank, 33, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int i = 0; i < 100; i++)
            T_ASSERT(r[i] == prev_rank + round + i, "Bsend_init round %d: int %d is %d", round,
                     i, r[i]);
    }
    T_MPI(MPI_Request_free(&req));
    T_MPI(MPI_Buffer_detach(&detached, &detached_size));
    T_ASSERT(detached == pool && detached_size == size, "Buffer_detach gave %p/%d, attached %p/%d",
             detached, detached_size, pool, size);
    free(pool);
}

/* Recv_init with wildcards: the status names the real sender and tag. */
static void wildcards(void)
{
    int s = 7, r = -1;
    MPI_Request req, sreq;
    MPI_Status st;
    T_MPI(MPI_Recv_init(&r, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &req));
    for (int round = 0; round < 3; round++) {
        s = round;
        T_MPI(MPI_Start(&req));
        T_MPI(MPI_Isend(&s, 1, MPI_INT, next_rank, 34 + round, MPI_COMM_WORLD, &sreq));
        T_MPI(MPI_Wait(&req, &st));
        T_CHECK_STATUS(&st, prev_rank, 34 + round, MPI_INT, 1, "wildcard persistent receive");
        T_ASSERT(r == round, "wildcard persistent receive got %d in round %d", r, round);
        T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    }
    T_MPI(MPI_Request_free(&req));
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    rounds(0, 1);
    rounds(100, 2);
    rounds(200000, 3);
    sync_and_ready();
    buffered();
    wildcards();
    t_finalize();
    return 0;
}

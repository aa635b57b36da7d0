/*
 * t_truncate.c -- a receive buffer smaller than the message gives
 * MPI_ERR_TRUNCATE under MPI_ERRORS_RETURN, and the job goes on: the
 * sender's request still completes (rendezvous included) and later messages
 * are delivered intact.  Ring: send to the next rank, receive from the
 * previous one (a single rank talks to itself).
 *   - eager and rendezvous messages into MPI_Recv;
 *   - into MPI_Irecv + MPI_Wait;
 *   - MPI_Waitall with one truncated receive among good ones:
 *     MPI_ERR_IN_STATUS, and each status's MPI_ERROR says which;
 *   - MPI_Sendrecv with a too-small receive part.
 * With minimpi the delivered prefix is checked too (it receives the part
 * that fits; the standard leaves the buffer's contents open).
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

static int next_rank, prev_rank;

static uint32_t seed_for(int sender, size_t n)
{
    return (uint32_t)(sender * 31 + (int)n);
}

static void check_prefix(const uint8_t *buf, size_t cap, size_t n, int sender)
{
#ifdef MINIMPI
    T_CHECK_PATTERN(buf, cap, seed_for(sender, n), "prefix of a truncated %zu-byte message", n);
#else
    (void)buf, (void)cap, (void)n, (void)sender;
#endif
}

/* One truncated message of n bytes into a cap-byte buffer, then a good one. */
static void truncate_recv(size_t n, size_t cap, int use_irecv)
{
    uint8_t *sbuf = t_malloc(n);
    uint8_t *rbuf = t_malloc(n);
    MPI_Request sreq;
    t_fill(sbuf, n, seed_for(t_rank, n));

    T_MPI(MPI_Isend(sbuf, (int)n, MPI_BYTE, next_rank, 1, MPI_COMM_WORLD, &sreq));
    if (use_irecv) {
        MPI_Request rreq;
        T_MPI(MPI_Irecv(rbuf, (int)cap, MPI_BYTE, prev_rank, 1, MPI_COMM_WORLD, &rreq));
        T_MPI_ERR(MPI_ERR_TRUNCATE, MPI_Wait(&rreq, MPI_STATUS_IGNORE));
        T_ASSERT(rreq == MPI_REQUEST_NULL, "MPI_Wait with an error left the request active");
    } else {
        MPI_Status st;
        T_MPI_ERR(MPI_ERR_TRUNCATE,
                  MPI_Recv(rbuf, (int)cap, MPI_BYTE, prev_rank, 1, MPI_COMM_WORLD, &st));
        T_ASSERT(st.MPI_SOURCE == prev_rank && st.MPI_TAG == 1,
                 "truncated receive: status names source %d tag %d, expected %d and 1",
                 st.MPI_SOURCE, st.MPI_TAG, prev_rank);
    }
    check_prefix(rbuf, cap, n, prev_rank);
    /* The sender's side completes although the receiver took only a part. */
    T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));

    /* The job goes on: the same pair exchanges a message of that size intact. */
    MPI_Status st;
    T_MPI(MPI_Isend(sbuf, (int)n, MPI_BYTE, next_rank, 2, MPI_COMM_WORLD, &sreq));
    T_MPI(MPI_Recv(rbuf, (int)n, MPI_BYTE, prev_rank, 2, MPI_COMM_WORLD, &st));
    T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    T_CHECK_STATUS(&st, prev_rank, 2, MPI_BYTE, (int)n, "message after a truncation");
    T_CHECK_PATTERN(rbuf, n, seed_for(prev_rank, n), "%zu-byte message after a truncation", n);
    free(sbuf);
    free(rbuf);
}

/* Waitall over three receives, the middle one truncated. */
static void truncate_in_waitall(size_t big)
{
    int small[2] = {11, 22}, got[2] = {0, 0};
    uint8_t *sbuf = t_malloc(big), *rbuf = t_malloc(big);
    MPI_Request sreqs[3], rreqs[3];
    MPI_Status sts[3];
    t_fill(sbuf, big, seed_for(t_rank, big));

    T_MPI(MPI_Irecv(&got[0], 1, MPI_INT, prev_rank, 3, MPI_COMM_WORLD, &rreqs[0]));
    T_MPI(MPI_Irecv(rbuf, (int)big / 2, MPI_BYTE, prev_rank, 4, MPI_COMM_WORLD, &rreqs[1]));
    T_MPI(MPI_Irecv(&got[1], 1, MPI_INT, prev_rank, 5, MPI_COMM_WORLD, &rreqs[2]));
    T_MPI(MPI_Isend(&small[0], 1, MPI_INT, next_rank, 3, MPI_COMM_WORLD, &sreqs[0]));
    T_MPI(MPI_Isend(sbuf, (int)big, MPI_BYTE, next_rank, 4, MPI_COMM_WORLD, &sreqs[1]));
    T_MPI(MPI_Isend(&small[1], 1, MPI_INT, next_rank, 5, MPI_COMM_WORLD, &sreqs[2]));

    T_MPI_ERR(MPI_ERR_IN_STATUS, MPI_Waitall(3, rreqs, sts));
    int cls = -1;
    T_MPI(MPI_Error_class(sts[1].MPI_ERROR, &cls));
    T_ASSERT(cls == MPI_ERR_TRUNCATE, "Waitall: truncated receive has MPI_ERROR class %d", cls);
    /* A request after the failed one may be left pending (MPICH does that);
     * it must then still be active and complete normally. */
    T_ASSERT(sts[0].MPI_ERROR == MPI_SUCCESS, "Waitall: good receive has MPI_ERROR %d",
             sts[0].MPI_ERROR);
    T_ASSERT(sts[2].MPI_ERROR == MPI_SUCCESS || sts[2].MPI_ERROR == MPI_ERR_PENDING,
             "Waitall: good receive after the truncated one has MPI_ERROR %d",
             sts[2].MPI_ERROR);
    if (sts[2].MPI_ERROR == MPI_ERR_PENDING)
        T_MPI(MPI_Wait(&rreqs[2], MPI_STATUS_IGNORE));
    T_ASSERT(got[0] == 11 && got[1] == 22, "Waitall: good receives got %d and %d", got[0],
             got[1]);
    check_prefix(rbuf, big / 2, big, prev_rank);
    T_MPI(MPI_Waitall(3, sreqs, MPI_STATUSES_IGNORE));
    free(sbuf);
    free(rbuf);
}

static void truncate_sendrecv(void)
{
    int out[8] = {1, 2, 3, 4, 5, 6, 7, 8}, in[4];
    MPI_Status st;
    T_MPI_ERR(MPI_ERR_TRUNCATE, MPI_Sendrecv(out, 8, MPI_INT, next_rank, 6, in, 4, MPI_INT,
                                             prev_rank, 6, MPI_COMM_WORLD, &st));
#ifdef MINIMPI
    T_ASSERT(in[0] == 1 && in[3] == 4, "Sendrecv: truncated prefix is %d..%d", in[0], in[3]);
#endif
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;

    MPI_Errhandler eh;
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    T_MPI(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    T_ASSERT(eh == MPI_ERRORS_RETURN, "MPI_Comm_get_errhandler does not give MPI_ERRORS_RETURN");
    T_MPI(MPI_Errhandler_free(&eh));

    truncate_recv(400, 40, 0);           /* eager */
    truncate_recv(400, 0, 0);            /* into a zero-size buffer */
    truncate_recv(1 << 20, 1000, 0);     /* rendezvous into a small buffer */
    truncate_recv(1 << 20, 100000, 0);   /* rendezvous into a rendezvous-size buffer */
    truncate_recv(8193, 8192, 1);        /* near the eager limit, Irecv + Wait */
    truncate_recv(300000, 299999, 1);    /* one byte too many */
    truncate_in_waitall(64);
    truncate_in_waitall(1 << 20);
    truncate_sendrecv();

    t_finalize();
    return 0;
}

/*
 * t_anysource.c -- fan-in from every rank (rank 0 included, through itself)
 * to rank 0 with MPI_ANY_SOURCE.  Checks that each status names the real
 * sender, tag and count, that nothing is lost or duplicated, and that
 * messages of one sender still arrive in the order sent (non-overtaking),
 * eager and rendezvous sizes mixed:
 *   phase 1: ANY_SOURCE + ANY_TAG, messages unexpected or not;
 *   phase 2: ANY_SOURCE with a given tag, all of tag 2 first, then tag 1;
 *   phase 3: receives pre-posted (Irecv ANY_SOURCE/ANY_TAG) before anything
 *            is sent: each sender's messages fill them in posting order.
 * Senders wait for rank 0's "go" before each phase, so phases never mix.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define PER_RANK 20
#define LARGE_INTS 20000         /* 80 KB: above any eager limit */
#define MAX_INTS LARGE_INTS
#define TAG_GO 1000

/* Message i of `src` in `phase`: how many ints it holds, its tag. */
static int msg_ints(int src, int i)
{
    if (i % 7 == 3)
        return LARGE_INTS + src;
    return 3 + (src * 3 + i * 5) % 40;  /* at least the 3-int header */
}

static int msg_tag(int phase, int i)
{
    switch (phase) {
    case 1: return 10 + i % 3;
    case 2: return 1 + i % 2;
    default: return 50 + i % 4;
    }
}

/* Payload: [src, i, phase, pattern...]. */
static void fill_msg(int *buf, int src, int i, int phase)
{
    int n = msg_ints(src, i);
    buf[0] = src;
    buf[1] = i;
    buf[2] = phase;
    for (int k = 3; k < n; k++)
        buf[k] = src * 1000003 + i * 1009 + k;
}

/* Check one received message; returns the sender's index i. */
static int check_msg(const int *buf, const MPI_Status *st, int phase)
{
    int src = st->MPI_SOURCE;
    T_ASSERT(src >= 0 && src < t_size, "phase %d: status source %d out of range", phase, src);
    T_ASSERT(buf[0] == src, "phase %d: status says source %d, payload says %d", phase, src,
             buf[0]);
    int i = buf[1];
    T_ASSERT(i >= 0 && i < PER_RANK, "phase %d: message index %d from %d", phase, i, src);
    T_ASSERT(buf[2] == phase, "phase %d: got a message of phase %d from %d", phase, buf[2], src);
    T_CHECK_STATUS(st, src, msg_tag(phase, i), MPI_INT, msg_ints(src, i), "fan-in message");
    for (int k = 3; k < msg_ints(src, i); k++)
        T_ASSERT(buf[k] == src * 1000003 + i * 1009 + k,
                 "phase %d: message %d from %d: int %d is %d", phase, i, src, k, buf[k]);
    return i;
}

/* Every rank: wait for go (rank 0 sends it), then send PER_RANK messages to 0. */
static void send_phase(int phase, int **bufs, MPI_Request *reqs)
{
    if (t_rank != 0)
        T_MPI(MPI_Recv(NULL, 0, MPI_INT, 0, TAG_GO + phase, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int i = 0; i < PER_RANK; i++) {
        fill_msg(bufs[i], t_rank, i, phase);
        T_MPI(MPI_Isend(bufs[i], msg_ints(t_rank, i), MPI_INT, 0, msg_tag(phase, i),
                        MPI_COMM_WORLD, &reqs[i]));
    }
}

static void release_senders(int phase)
{
    for (int r = 1; r < t_size; r++)
        T_MPI(MPI_Send(NULL, 0, MPI_INT, r, TAG_GO + phase, MPI_COMM_WORLD));
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int *bufs[PER_RANK];
    MPI_Request sreqs[PER_RANK];
    for (int i = 0; i < PER_RANK; i++)
        bufs[i] = t_malloc(sizeof(int) * (size_t)MAX_INTS + sizeof(int) * 64);
    int total = t_size * PER_RANK;
    int *next = t_malloc(sizeof(int) * (size_t)t_size);
    int *rbuf = t_malloc(sizeof(int) * (MAX_INTS + 64));

    /* Phase 1: ANY_SOURCE + ANY_TAG. */
    if (t_rank == 0) {
        release_senders(1);
        send_phase(1, bufs, sreqs);
        memset(next, 0, sizeof(int) * (size_t)t_size);
        for (int m = 0; m < total; m++) {
            MPI_Status st;
            T_MPI(MPI_Recv(rbuf, MAX_INTS + 64, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG,
                           MPI_COMM_WORLD, &st));
            int i = check_msg(rbuf, &st, 1);
            T_ASSERT(i == next[st.MPI_SOURCE], "phase 1: from rank %d got message %d before %d",
                     st.MPI_SOURCE, i, next[st.MPI_SOURCE]);
            next[st.MPI_SOURCE]++;
        }
        /* My own sends to myself completed as the loop received them. */
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
    } else {
        send_phase(1, bufs, sreqs);
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
    }

    /* Phase 2: ANY_SOURCE with a tag: every tag-2 message, then every tag-1 one. */
    if (t_rank == 0) {
        release_senders(2);
        send_phase(2, bufs, sreqs);
        for (int tag = 2; tag >= 1; tag--) {
            memset(next, 0, sizeof(int) * (size_t)t_size);
            for (int r = 0; r < t_size; r++)
                next[r] = tag == 2 ? 1 : 0;
            for (int m = 0; m < total / 2; m++) {
                MPI_Status st;
                T_MPI(MPI_Recv(rbuf, MAX_INTS + 64, MPI_INT, MPI_ANY_SOURCE, tag, MPI_COMM_WORLD,
                               &st));
                int i = check_msg(rbuf, &st, 2);
                T_ASSERT(i == next[st.MPI_SOURCE],
                         "phase 2: tag %d: from rank %d got message %d, expected %d", tag,
                         st.MPI_SOURCE, i, next[st.MPI_SOURCE]);
                next[st.MPI_SOURCE] += 2;
            }
        }
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
    } else {
        send_phase(2, bufs, sreqs);
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
    }

    /* Phase 3: pre-posted wildcard receives. */
    if (t_rank == 0) {
        MPI_Request *rreqs = t_malloc(sizeof(MPI_Request) * (size_t)total);
        MPI_Status *sts = t_malloc(sizeof(MPI_Status) * (size_t)total);
        int **rbufs = t_malloc(sizeof(int *) * (size_t)total);
        for (int m = 0; m < total; m++) {
            rbufs[m] = t_malloc(sizeof(int) * (MAX_INTS + 64));
            T_MPI(MPI_Irecv(rbufs[m], MAX_INTS + 64, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG,
                            MPI_COMM_WORLD, &rreqs[m]));
        }
        send_phase(3, bufs, sreqs);
        release_senders(3);
        T_MPI(MPI_Waitall(total, rreqs, sts));
        memset(next, 0, sizeof(int) * (size_t)t_size);
        for (int m = 0; m < total; m++) {
            T_ASSERT(rreqs[m] == MPI_REQUEST_NULL, "Waitall left request %d non-null", m);
            int i = check_msg(rbufs[m], &sts[m], 3);
            T_ASSERT(i == next[sts[m].MPI_SOURCE],
                     "phase 3: receive %d got message %d of rank %d, expected message %d", m, i,
                     sts[m].MPI_SOURCE, next[sts[m].MPI_SOURCE]);
            next[sts[m].MPI_SOURCE]++;
            free(rbufs[m]);
        }
        for (int r = 0; r < t_size; r++)
            T_ASSERT(next[r] == PER_RANK, "phase 3: got %d messages of rank %d, expected %d",
                     next[r], r, PER_RANK);
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
        free(rbufs);
        free(sts);
        free(rreqs);
    } else {
        send_phase(3, bufs, sreqs);
        T_MPI(MPI_Waitall(PER_RANK, sreqs, MPI_STATUSES_IGNORE));
    }

    for (int i = 0; i < PER_RANK; i++)
        free(bufs[i]);
    free(next);
    free(rbuf);
    t_finalize();
    return 0;
}

/*
 * t_cancel.c -- MPI_Cancel of receives.  Ring: send to the next rank,
 * receive from the previous one (a single rank talks to itself).
 *   1. a posted receive that nothing matches: Cancel, Wait, then
 *      Test_cancelled is true; with a specific source and with ANY_SOURCE,
 *      completed through Wait and through a Test loop;
 *   2. a cancelled receive does not consume a message sent afterwards:
 *      the next receive of that tag gets it;
 *   3. a receive that already matched cannot be cancelled: Test_cancelled
 *      is false and the data is there;
 *   4. a started persistent receive can be cancelled and then freed;
 *   5. cancel racing with arrivals: every other rank sends messages to rank
 *      0, which posts an ANY_SOURCE receive and cancels it at once, over and
 *      over; each attempt is either cancelled (nothing received) or complete
 *      (a whole message), and in the end every message arrived exactly once
 *      and in order per sender;
 *   6. a small Isend the transport took at once (its request is born
 *      complete, holding no communicator): Request_get_status says done
 *      before any Wait, Cancel leaves it alone (Test_cancelled false,
 *      MPI_ERROR success), Request_free frees it, the data arrives.
 */
#include "t_util.h"

#include <stdlib.h>

#define TAG_NEVER 77
#define TAG_LATE 78
#define TAG_CANCELLED 79
#define TAG_MATCHED 80
#define TAG_RACE 81
#define TAG_TAKEN 82
#define RACE_MSGS 200

static int next_rank, prev_rank;

static void cancel_unmatched(int source, int use_test)
{
    int buf = -1, flag = 0;
    MPI_Request req;
    MPI_Status st;
    T_MPI(MPI_Irecv(&buf, 1, MPI_INT, source, TAG_NEVER, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Cancel(&req));
    if (use_test) {
        while (!flag)
            T_MPI(MPI_Test(&req, &flag, &st));
    } else {
        T_MPI(MPI_Wait(&req, &st));
    }
    T_ASSERT(req == MPI_REQUEST_NULL, "a cancelled receive's request is not MPI_REQUEST_NULL");
    T_MPI(MPI_Test_cancelled(&st, &flag));
    T_ASSERT(flag, "Test_cancelled is false for a cancelled receive (source %d)", source);
    T_ASSERT(buf == -1, "a cancelled receive wrote into its buffer");
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    MPI_Request req, sreq;
    MPI_Status st;
    int flag = 0, buf = 0, out;

    /* 1. */
    cancel_unmatched(prev_rank, 0);
    cancel_unmatched(MPI_ANY_SOURCE, 0);
    cancel_unmatched(prev_rank, 1);
    cancel_unmatched(MPI_ANY_SOURCE, 1);

    /* 2. Cancel a receive, tell the previous rank, which then sends on that tag. */
    buf = -1;
    T_MPI(MPI_Irecv(&buf, 1, MPI_INT, MPI_ANY_SOURCE, TAG_LATE, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Cancel(&req));
    T_MPI(MPI_Wait(&req, &st));
    T_MPI(MPI_Test_cancelled(&st, &flag));
    T_ASSERT(flag, "Test_cancelled is false");
    T_MPI(MPI_Isend(NULL, 0, MPI_INT, prev_rank, TAG_CANCELLED, MPI_COMM_WORLD, &sreq));
    T_MPI(MPI_Recv(NULL, 0, MPI_INT, next_rank, TAG_CANCELLED, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE));
    T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    out = 1000 + t_rank;
    T_MPI(MPI_Isend(&out, 1, MPI_INT, next_rank, TAG_LATE, MPI_COMM_WORLD, &sreq));
    T_MPI(MPI_Recv(&buf, 1, MPI_INT, prev_rank, TAG_LATE, MPI_COMM_WORLD, &st));
    T_ASSERT(buf == 1000 + prev_rank, "receive after a cancelled one got %d, expected %d", buf,
             1000 + prev_rank);
    T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));

    /* 3. Matched before Cancel: the message is in (Probe saw it), Irecv takes it. */
    out = 2000 + t_rank;
    T_MPI(MPI_Isend(&out, 1, MPI_INT, next_rank, TAG_MATCHED, MPI_COMM_WORLD, &sreq));
    T_MPI(MPI_Probe(prev_rank, TAG_MATCHED, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    buf = -1;
    T_MPI(MPI_Irecv(&buf, 1, MPI_INT, prev_rank, TAG_MATCHED, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Cancel(&req));
    T_MPI(MPI_Wait(&req, &st));
    T_MPI(MPI_Test_cancelled(&st, &flag));
    T_ASSERT(!flag, "a receive matched before MPI_Cancel reports cancelled");
    T_ASSERT(buf == 2000 + prev_rank, "matched receive got %d, expected %d", buf,
             2000 + prev_rank);
    T_CHECK_STATUS(&st, prev_rank, TAG_MATCHED, MPI_INT, 1, "receive that Cancel could not stop");
    T_MPI(MPI_Wait(&sreq, MPI_STATUS_IGNORE));

    /* 4. Persistent receive. */
    T_MPI(MPI_Recv_init(&buf, 1, MPI_INT, prev_rank, TAG_NEVER, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Start(&req));
    T_MPI(MPI_Cancel(&req));
    T_MPI(MPI_Wait(&req, &st));
    T_ASSERT(req != MPI_REQUEST_NULL, "Wait freed a persistent request");
    T_MPI(MPI_Test_cancelled(&st, &flag));
    T_ASSERT(flag, "cancelled persistent receive: Test_cancelled is false");
    T_MPI(MPI_Request_free(&req));
    T_ASSERT(req == MPI_REQUEST_NULL, "Request_free did not set MPI_REQUEST_NULL");

    /* 6. (Before 5, which ends with rank 0 alone.) */
    int taken[2] = {t_rank, 4242}, got_taken[2] = {-1, -1};
    T_MPI(MPI_Irecv(got_taken, 2, MPI_INT, prev_rank, TAG_TAKEN, MPI_COMM_WORLD, &req));
    MPI_Request sent[2];
    for (int k = 0; k < 2; k++)
        T_MPI(MPI_Isend(taken, 2, MPI_INT, next_rank, TAG_TAKEN + 1 + k, MPI_COMM_WORLD,
                        &sent[k]));
    T_MPI(MPI_Request_get_status(sent[0], &flag, &st));
    T_ASSERT(flag, "a small Isend taken at once is not complete");
    T_MPI(MPI_Cancel(&sent[0]));
    T_MPI(MPI_Wait(&sent[0], &st));
    T_ASSERT(sent[0] == MPI_REQUEST_NULL, "Wait did not free a complete send");
    T_MPI(MPI_Test_cancelled(&st, &flag));
    T_ASSERT(!flag && st.MPI_ERROR == MPI_SUCCESS, "a send that went out reports cancelled");
    T_MPI(MPI_Request_free(&sent[1]));
    T_ASSERT(sent[1] == MPI_REQUEST_NULL, "Request_free did not set MPI_REQUEST_NULL");
    T_MPI(MPI_Send(taken, 2, MPI_INT, next_rank, TAG_TAKEN, MPI_COMM_WORLD));
    T_MPI(MPI_Wait(&req, &st));
    T_ASSERT(got_taken[0] == prev_rank && got_taken[1] == 4242, "wrong data after the Isends");
    for (int k = 0; k < 2; k++) {
        T_MPI(MPI_Recv(got_taken, 2, MPI_INT, prev_rank, TAG_TAKEN + 1 + k, MPI_COMM_WORLD, &st));
        T_ASSERT(got_taken[0] == prev_rank && got_taken[1] == 4242,
                 "Isend %d: received %d %d", k, got_taken[0], got_taken[1]);
    }

    /* 5. */
    if (t_rank == 0) {
        int total = (t_size - 1) * RACE_MSGS, got = 0, cancelled = 0;
        int *next = calloc((size_t)t_size, sizeof(int));
        T_ASSERT(next != NULL, "calloc failed");
        while (got < total) {
            int msg[2] = {-1, -1};
            T_MPI(MPI_Irecv(msg, 2, MPI_INT, MPI_ANY_SOURCE, TAG_RACE, MPI_COMM_WORLD, &req));
            T_MPI(MPI_Cancel(&req));
            T_MPI(MPI_Wait(&req, &st));
            T_MPI(MPI_Test_cancelled(&st, &flag));
            if (flag) {
                T_ASSERT(msg[0] == -1 && msg[1] == -1, "a cancelled receive got data");
                cancelled++;
                /* A cancelled request completes without progress; Iprobe
                 * makes progress, so arrivals get in (MPI's progress rule). */
                T_MPI(MPI_Iprobe(MPI_ANY_SOURCE, TAG_RACE, MPI_COMM_WORLD, &flag,
                                 MPI_STATUS_IGNORE));
                continue;
            }
            T_CHECK_STATUS(&st, msg[0], TAG_RACE, MPI_INT, 2, "receive that Cancel lost");
            T_ASSERT(msg[0] > 0 && msg[0] < t_size && msg[1] == next[msg[0]],
                     "got message %d of rank %d, expected message %d", msg[1], msg[0],
                     msg[0] > 0 && msg[0] < t_size ? next[msg[0]] : -1);
            next[msg[0]]++;
            got++;
        }
        free(next);
        T_MPI(MPI_Iprobe(MPI_ANY_SOURCE, TAG_RACE, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
        T_ASSERT(!flag, "a message is left after all %d arrived", total);
        (void)cancelled;
    } else {
        for (int i = 0; i < RACE_MSGS; i++) {
            int msg[2] = {t_rank, i};
            T_MPI(MPI_Send(msg, 2, MPI_INT, 0, TAG_RACE, MPI_COMM_WORLD));
        }
    }

    t_finalize();
    return 0;
}

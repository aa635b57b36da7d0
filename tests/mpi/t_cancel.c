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
 *   4. a started persistent receive can be cancelled and then freed.
 */
#include "t_util.h"

#define TAG_NEVER 77
#define TAG_LATE 78
#define TAG_CANCELLED 79
#define TAG_MATCHED 80

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

    t_finalize();
    return 0;
}

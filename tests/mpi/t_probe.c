/*
 * t_probe.c -- Probe and Iprobe report a pending message's envelope and
 * size without receiving it, so a receiver can allocate exactly what an
 * unknown-size message needs.  Ring: each rank sends to the next one.
 *   1. messages of sizes the receiver cannot know (eager and rendezvous):
 *      Probe (twice: it must not remove the message), Get_count, allocate,
 *      Recv from the probed source and tag;
 *   2. the same with an Iprobe loop on ANY_SOURCE/ANY_TAG;
 *   3. Get_count of a 10-byte message: MPI_UNDEFINED in ints, 5 shorts;
 *   4. Probe of a given tag skips an earlier message of another tag;
 *   5. Iprobe of a tag nobody sends: no message; of MPI_PROC_NULL: at once,
 *      with source MPI_PROC_NULL, tag MPI_ANY_TAG, count 0.
 */
#include "t_util.h"

#include <stdlib.h>

#define NMSG 6

static int next_rank, prev_rank;

/* How many ints message k of `sender` holds (up to ~200 KB). */
static int unknown_count(int sender, int k)
{
    return 1 + (sender * 7919 + k * 104729) % 50000;
}

static void send_unknown(int base_tag, MPI_Request *reqs, int **bufs)
{
    for (int k = 0; k < NMSG; k++) {
        int n = unknown_count(t_rank, k);
        bufs[k] = t_malloc(sizeof(int) * (size_t)n);
        for (int i = 0; i < n; i++)
            bufs[k][i] = t_rank * 1000 + k + i;
        T_MPI(MPI_Isend(bufs[k], n, MPI_INT, next_rank, base_tag + k, MPI_COMM_WORLD,
                        &reqs[k]));
    }
}

static void recv_probed(const MPI_Status *probed, int base_tag, int k)
{
    int count = -1;
    MPI_Status st;
    T_MPI(MPI_Get_count(probed, MPI_INT, &count));
    int want = unknown_count(prev_rank, k);
    T_CHECK_STATUS(probed, prev_rank, base_tag + k, MPI_INT, want, "probed message");
    int *buf = t_malloc(sizeof(int) * (size_t)count);
    T_MPI(MPI_Recv(buf, count, MPI_INT, probed->MPI_SOURCE, probed->MPI_TAG, MPI_COMM_WORLD,
                   &st));
    T_CHECK_STATUS(&st, prev_rank, base_tag + k, MPI_INT, want, "message received after Probe");
    for (int i = 0; i < count; i++)
        T_ASSERT(buf[i] == prev_rank * 1000 + k + i, "message %d: int %d of %d is %d", k, i,
                 count, buf[i]);
    free(buf);
}

static void finish_sends(MPI_Request *reqs, int **bufs)
{
    T_MPI(MPI_Waitall(NMSG, reqs, MPI_STATUSES_IGNORE));
    for (int k = 0; k < NMSG; k++)
        free(bufs[k]);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    MPI_Request reqs[NMSG];
    int *bufs[NMSG];
    MPI_Status st, again;
    int flag = 0, count = -1;

    /* 1. Probe, probe again, then receive. */
    send_unknown(100, reqs, bufs);
    for (int k = 0; k < NMSG; k++) {
        T_MPI(MPI_Probe(prev_rank, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        T_MPI(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &again));
        T_ASSERT(again.MPI_SOURCE == st.MPI_SOURCE && again.MPI_TAG == st.MPI_TAG,
                 "a second Probe saw source %d tag %d, the first %d and %d: Probe removed it",
                 again.MPI_SOURCE, again.MPI_TAG, st.MPI_SOURCE, st.MPI_TAG);
        recv_probed(&st, 100, k);
    }
    finish_sends(reqs, bufs);

    /* 2. Iprobe until something arrives. */
    send_unknown(200, reqs, bufs);
    for (int k = 0; k < NMSG; k++) {
        flag = 0;
        while (!flag)
            T_MPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st));
        recv_probed(&st, 200, k);
    }
    finish_sends(reqs, bufs);

    /* 3. Counts that are not whole elements. */
    char ten[10] = "123456789", got[10];
    MPI_Request req;
    T_MPI(MPI_Isend(ten, 10, MPI_CHAR, next_rank, 300, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Probe(prev_rank, 300, MPI_COMM_WORLD, &st));
    T_MPI(MPI_Get_count(&st, MPI_INT, &count));
    T_ASSERT(count == MPI_UNDEFINED, "Get_count of 10 bytes in MPI_INT gives %d", count);
    T_MPI(MPI_Get_count(&st, MPI_SHORT, &count));
    T_ASSERT(count == 5, "Get_count of 10 bytes in MPI_SHORT gives %d", count);
    T_MPI(MPI_Get_count(&st, MPI_CHAR, &count));
    T_ASSERT(count == 10, "Get_count of 10 bytes in MPI_CHAR gives %d", count);
    T_MPI(MPI_Recv(got, 10, MPI_CHAR, prev_rank, 300, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_ASSERT(got[8] == '9' && got[9] == '\0', "10-byte message arrived damaged");

    /* 4. Probe by tag: the later message of tag 402 is found first. */
    int a[3] = {1, 2, 3}, b[5] = {4, 5, 6, 7, 8}, in[5];
    MPI_Request two[2];
    T_MPI(MPI_Isend(a, 3, MPI_INT, next_rank, 401, MPI_COMM_WORLD, &two[0]));
    T_MPI(MPI_Isend(b, 5, MPI_INT, next_rank, 402, MPI_COMM_WORLD, &two[1]));
    T_MPI(MPI_Probe(prev_rank, 402, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 402, MPI_INT, 5, "Probe by tag");
    T_MPI(MPI_Recv(in, 5, MPI_INT, prev_rank, 402, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_ASSERT(in[0] == 4 && in[4] == 8, "tag 402 message damaged");
    T_MPI(MPI_Iprobe(prev_rank, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st));
    T_ASSERT(flag, "the tag 401 message is no longer pending");
    T_CHECK_STATUS(&st, prev_rank, 401, MPI_INT, 3, "Iprobe of the earlier message");
    T_MPI(MPI_Recv(in, 5, MPI_INT, prev_rank, 401, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 401, MPI_INT, 3, "earlier message");
    T_MPI(MPI_Waitall(2, two, MPI_STATUSES_IGNORE));

    /* 5. Nothing to find, and MPI_PROC_NULL. */
    T_MPI(MPI_Iprobe(MPI_ANY_SOURCE, 999, MPI_COMM_WORLD, &flag, &st));
    T_ASSERT(!flag, "Iprobe found a message of tag 999, which nobody sends");
    T_MPI(MPI_Iprobe(MPI_PROC_NULL, 7, MPI_COMM_WORLD, &flag, &st));
    T_ASSERT(flag, "Iprobe of MPI_PROC_NULL found nothing");
    T_CHECK_STATUS(&st, MPI_PROC_NULL, MPI_ANY_TAG, MPI_INT, 0, "Iprobe of MPI_PROC_NULL");
    T_MPI(MPI_Probe(MPI_PROC_NULL, 7, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, MPI_PROC_NULL, MPI_ANY_TAG, MPI_INT, 0, "Probe of MPI_PROC_NULL");

    t_finalize();
    return 0;
}

/*
 * t_waittest.c -- the completion calls: Wait, Waitall, Waitany, Waitsome,
 * Test, Testall, Testany, Testsome, and Request_free of an active send.
 * Ring: send to the next rank, receive from the previous one.  Where a
 * call must report "nothing complete yet", the sender holds its messages
 * back until a "go" message that the receiver sends only after checking,
 * so the assertion cannot race.  MPI_REQUEST_NULL entries are skipped,
 * all-null arrays give MPI_UNDEFINED, and null requests give empty statuses.
 */
#include "t_util.h"

#include <string.h>

#define N 4
#define TAG_GO 90

static int next_rank, prev_rank;
static int out[N], in[N];

/* Post N receives from the previous rank with tags base..base+N-1. */
static void post_recvs(int base, MPI_Request *reqs)
{
    for (int i = 0; i < N; i++) {
        in[i] = -1;
        T_MPI(MPI_Irecv(&in[i], 1, MPI_INT, prev_rank, base + i, MPI_COMM_WORLD, &reqs[i]));
    }
}

/* Let the previous rank send; wait for my "go" from the next rank, then send
 * N messages, in reverse tag order, so receives complete out of order. */
static void go_and_send(int base)
{
    MPI_Request go;
    T_MPI(MPI_Isend(NULL, 0, MPI_INT, prev_rank, TAG_GO, MPI_COMM_WORLD, &go));
    T_MPI(MPI_Recv(NULL, 0, MPI_INT, next_rank, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (int i = N - 1; i >= 0; i--) {
        out[i] = t_rank * 100 + base + i;
        MPI_Request r;
        T_MPI(MPI_Isend(&out[i], 1, MPI_INT, next_rank, base + i, MPI_COMM_WORLD, &r));
        T_MPI(MPI_Request_free(&r));  /* completion checked by the receiver */
        T_ASSERT(r == MPI_REQUEST_NULL, "Request_free left the request non-null");
    }
    T_MPI(MPI_Wait(&go, MPI_STATUS_IGNORE));
}

static void check_in(int base, int i, const MPI_Status *st)
{
    T_ASSERT(in[i] == prev_rank * 100 + base + i, "receive %d (tag %d) got %d, expected %d", i,
             base + i, in[i], prev_rank * 100 + base + i);
    if (st != NULL)
        T_CHECK_STATUS(st, prev_rank, base + i, MPI_INT, 1, "completed receive");
}

/* Every round of a Test* loop must end the same way: each index done once. */
static void mark_done(int *done, int idx, const char *call)
{
    T_ASSERT(idx >= 0 && idx < N, "%s returned index %d", call, idx);
    T_ASSERT(!done[idx], "%s returned index %d twice", call, idx);
    done[idx] = 1;
}

/* Outside the go handshake the next rank may still be sending old tags, so
 * each part uses its own tag range. */
static void part_waitall(void)
{
    MPI_Request reqs[N + 2];
    MPI_Status sts[N + 2];
    post_recvs(10, reqs);
    reqs[N] = MPI_REQUEST_NULL;
    reqs[N + 1] = MPI_REQUEST_NULL;
    go_and_send(10);
    T_MPI(MPI_Waitall(N + 2, reqs, sts));
    for (int i = 0; i < N; i++) {
        T_ASSERT(reqs[i] == MPI_REQUEST_NULL, "Waitall left request %d active", i);
        check_in(10, i, &sts[i]);
    }
    T_CHECK_EMPTY_STATUS(&sts[N], "Waitall status of MPI_REQUEST_NULL");

    post_recvs(20, reqs);
    go_and_send(20);
    T_MPI(MPI_Waitall(N, reqs, MPI_STATUSES_IGNORE));
    for (int i = 0; i < N; i++)
        check_in(20, i, NULL);
    T_MPI(MPI_Waitall(0, NULL, MPI_STATUSES_IGNORE));
}

static void part_waitany(void)
{
    MPI_Request reqs[N];
    MPI_Status st;
    int done[N] = {0}, idx = -5;
    post_recvs(30, reqs);
    go_and_send(30);
    for (int k = 0; k < N; k++) {
        T_MPI(MPI_Waitany(N, reqs, &idx, &st));
        mark_done(done, idx, "Waitany");
        T_ASSERT(reqs[idx] == MPI_REQUEST_NULL, "Waitany left request %d active", idx);
        check_in(30, idx, &st);
    }
    T_MPI(MPI_Waitany(N, reqs, &idx, &st));
    T_ASSERT(idx == MPI_UNDEFINED, "Waitany on null requests gave index %d", idx);
    T_CHECK_EMPTY_STATUS(&st, "Waitany on null requests");
}

static void part_waitsome(void)
{
    MPI_Request reqs[N];
    MPI_Status sts[N];
    int done[N] = {0}, idx[N], outcount = -5, total = 0;
    post_recvs(40, reqs);
    go_and_send(40);
    while (total < N) {
        T_MPI(MPI_Waitsome(N, reqs, &outcount, idx, sts));
        T_ASSERT(outcount >= 1 && outcount <= N - total, "Waitsome gave outcount %d", outcount);
        for (int k = 0; k < outcount; k++) {
            mark_done(done, idx[k], "Waitsome");
            check_in(40, idx[k], &sts[k]);
        }
        total += outcount;
    }
    T_MPI(MPI_Waitsome(N, reqs, &outcount, idx, sts));
    T_ASSERT(outcount == MPI_UNDEFINED, "Waitsome on null requests gave outcount %d", outcount);
}

static void part_testall(void)
{
    MPI_Request reqs[N], saved[N];
    MPI_Status sts[N];
    int flag = 1;
    post_recvs(50, reqs);
    memcpy(saved, reqs, sizeof(reqs));
    for (int k = 0; k < 20; k++) {
        T_MPI(MPI_Testall(N, reqs, &flag, sts));
        T_ASSERT(!flag, "Testall true before anything was sent");
        T_ASSERT(memcmp(saved, reqs, sizeof(reqs)) == 0, "Testall (false) changed requests");
    }
    go_and_send(50);
    while (!flag)
        T_MPI(MPI_Testall(N, reqs, &flag, sts));
    for (int i = 0; i < N; i++) {
        T_ASSERT(reqs[i] == MPI_REQUEST_NULL, "Testall left request %d active", i);
        check_in(50, i, &sts[i]);
    }
    T_MPI(MPI_Testall(N, reqs, &flag, MPI_STATUSES_IGNORE));
    T_ASSERT(flag, "Testall on null requests is false");
}

static void part_testany(void)
{
    MPI_Request reqs[N];
    MPI_Status st;
    int done[N] = {0}, idx = -5, flag = 1, total = 0;
    post_recvs(60, reqs);
    for (int k = 0; k < 20; k++) {
        T_MPI(MPI_Testany(N, reqs, &idx, &flag, &st));
        T_ASSERT(!flag && idx == MPI_UNDEFINED,
                 "Testany before any send: flag %d index %d, expected 0 and MPI_UNDEFINED", flag,
                 idx);
    }
    go_and_send(60);
    while (total < N) {
        T_MPI(MPI_Testany(N, reqs, &idx, &flag, &st));
        if (!flag)
            continue;
        mark_done(done, idx, "Testany");
        check_in(60, idx, &st);
        total++;
    }
    T_MPI(MPI_Testany(N, reqs, &idx, &flag, &st));
    T_ASSERT(flag && idx == MPI_UNDEFINED,
             "Testany on null requests: flag %d index %d, expected 1 and MPI_UNDEFINED", flag, idx);
    T_CHECK_EMPTY_STATUS(&st, "Testany on null requests");
}

static void part_testsome(void)
{
    MPI_Request reqs[N];
    MPI_Status sts[N];
    int done[N] = {0}, idx[N], outcount = -5, total = 0;
    post_recvs(70, reqs);
    for (int k = 0; k < 20; k++) {
        T_MPI(MPI_Testsome(N, reqs, &outcount, idx, sts));
        T_ASSERT(outcount == 0, "Testsome before any send gave outcount %d", outcount);
    }
    go_and_send(70);
    while (total < N) {
        T_MPI(MPI_Testsome(N, reqs, &outcount, idx, sts));
        T_ASSERT(outcount >= 0 && outcount <= N - total, "Testsome gave outcount %d", outcount);
        for (int k = 0; k < outcount; k++) {
            mark_done(done, idx[k], "Testsome");
            check_in(70, idx[k], &sts[k]);
        }
        total += outcount;
    }
    T_MPI(MPI_Testsome(N, reqs, &outcount, idx, sts));
    T_ASSERT(outcount == MPI_UNDEFINED, "Testsome on null requests gave outcount %d", outcount);
}

static void part_single(void)
{
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Status st;
    int flag = 0;
    T_MPI(MPI_Wait(&req, &st));
    T_CHECK_EMPTY_STATUS(&st, "Wait on MPI_REQUEST_NULL");
    T_MPI(MPI_Test(&req, &flag, &st));
    T_ASSERT(flag, "Test on MPI_REQUEST_NULL is false");
    T_CHECK_EMPTY_STATUS(&st, "Test on MPI_REQUEST_NULL");

    MPI_Request reqs[N];
    post_recvs(80, reqs);
    for (int k = 0; k < 20; k++) {
        T_MPI(MPI_Test(&reqs[0], &flag, &st));
        T_ASSERT(!flag, "Test true before anything was sent");
        T_ASSERT(reqs[0] != MPI_REQUEST_NULL, "Test (false) freed the request");
    }
    go_and_send(80);
    for (int i = 0; i < N; i++) {
        flag = 0;
        while (!flag)
            T_MPI(MPI_Test(&reqs[i], &flag, &st));
        T_ASSERT(reqs[i] == MPI_REQUEST_NULL, "Test (true) left the request active");
        check_in(80, i, &st);
    }
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    part_waitall();
    part_waitany();
    part_waitsome();
    part_testall();
    part_testany();
    part_testsome();
    part_single();
    t_finalize();
    return 0;
}

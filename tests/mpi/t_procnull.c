/*
 * t_procnull.c -- MPI_PROC_NULL as source or destination: every send and
 * receive completes at once and moves nothing; a receive's status has
 * source MPI_PROC_NULL, tag MPI_ANY_TAG and count 0, and its buffer is
 * untouched; probes find a "message" at once.
 */
#include "t_util.h"

static void check_null_status(const MPI_Status *st, const char *what)
{
    T_CHECK_STATUS(st, MPI_PROC_NULL, MPI_ANY_TAG, MPI_INT, 0, what);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int s[4] = {1, 2, 3, 4}, r[4] = {-1, -1, -1, -1}, flag = 0;
    MPI_Status st;
    MPI_Request req;

    T_MPI(MPI_Send(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD));
    T_MPI(MPI_Ssend(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD));
    T_MPI(MPI_Rsend(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD));
    T_MPI(MPI_Recv(r, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &st));
    check_null_status(&st, "Recv from MPI_PROC_NULL");
    T_ASSERT(r[0] == -1 && r[3] == -1, "Recv from MPI_PROC_NULL wrote the buffer");

    T_MPI(MPI_Isend(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
    T_ASSERT(flag, "Isend to MPI_PROC_NULL not complete at the first Test");
    T_MPI(MPI_Issend(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_MPI(MPI_Irsend(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_MPI(MPI_Irecv(r, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &req));
    T_MPI(MPI_Test(&req, &flag, &st));
    T_ASSERT(flag, "Irecv from MPI_PROC_NULL not complete at the first Test");
    check_null_status(&st, "Irecv from MPI_PROC_NULL");
    T_ASSERT(r[0] == -1 && r[3] == -1, "Irecv from MPI_PROC_NULL wrote the buffer");

    T_MPI(MPI_Sendrecv(s, 4, MPI_INT, MPI_PROC_NULL, 1, r, 4, MPI_INT, MPI_PROC_NULL, 1,
                       MPI_COMM_WORLD, &st));
    check_null_status(&st, "Sendrecv with MPI_PROC_NULL");
    T_MPI(MPI_Sendrecv_replace(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_PROC_NULL, 1, MPI_COMM_WORLD,
                               &st));
    check_null_status(&st, "Sendrecv_replace with MPI_PROC_NULL");
    T_ASSERT(s[0] == 1 && s[3] == 4, "Sendrecv_replace with MPI_PROC_NULL changed the buffer");

    T_MPI(MPI_Probe(MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
    check_null_status(&st, "Probe of MPI_PROC_NULL");
    T_MPI(MPI_Iprobe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &flag, &st));
    T_ASSERT(flag, "Iprobe of MPI_PROC_NULL found nothing");
    check_null_status(&st, "Iprobe of MPI_PROC_NULL");

    /* Persistent requests with MPI_PROC_NULL, started twice. */
    MPI_Request p[2];
    T_MPI(MPI_Send_init(s, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &p[0]));
    T_MPI(MPI_Recv_init(r, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &p[1]));
    for (int round = 0; round < 2; round++) {
        MPI_Status sts[2];
        T_MPI(MPI_Startall(2, p));
        T_MPI(MPI_Waitall(2, p, sts));
        check_null_status(&sts[1], "persistent receive from MPI_PROC_NULL");
    }
    T_MPI(MPI_Request_free(&p[0]));
    T_MPI(MPI_Request_free(&p[1]));

    t_finalize();
    return 0;
}

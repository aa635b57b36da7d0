/*
 * t_self.c -- every rank sends to itself, on MPI_COMM_WORLD and on
 * MPI_COMM_SELF: small blocking Send then Recv; large Isend + Recv (a large
 * blocking Send to self may wait for its receive, as in other MPIs);
 * receives posted first; Issend that completes only once received;
 * Sendrecv and Sendrecv_replace with oneself; ANY_SOURCE and Probe; and
 * the same tag on two communicators never matching across them.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define LARGE (4u << 20)

static void small_blocking(MPI_Comm comm, int me)
{
    int out[16], in[16];
    MPI_Status st;
    for (int i = 0; i < 16; i++)
        out[i] = me * 100 + i;
#ifdef MINIMPI
    /* minimpi sends small messages eagerly, to itself too, so a blocking
     * Send to self returns before the receive; the standard allows it to
     * block (MPICH's does), so other MPIs get Isend here. */
    T_MPI(MPI_Send(out, 16, MPI_INT, me, 1, comm));
    T_MPI(MPI_Recv(in, 16, MPI_INT, me, 1, comm, &st));
#else
    MPI_Request req;
    T_MPI(MPI_Isend(out, 16, MPI_INT, me, 1, comm, &req));
    T_MPI(MPI_Recv(in, 16, MPI_INT, me, 1, comm, &st));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
#endif
    T_CHECK_STATUS(&st, me, 1, MPI_INT, 16, "small self-send");
    T_ASSERT(memcmp(in, out, sizeof(in)) == 0, "small self-send: contents differ");
}

static void large_isend(MPI_Comm comm, int me, size_t n, int source)
{
    uint8_t *out = t_malloc(n), *in = t_malloc(n);
    MPI_Request req;
    MPI_Status st;
    t_fill(out, n, (uint32_t)n);
    T_MPI(MPI_Isend(out, (int)n, MPI_BYTE, me, 2, comm, &req));
    T_MPI(MPI_Recv(in, (int)n, MPI_BYTE, source, 2, comm, &st));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_CHECK_STATUS(&st, me, 2, MPI_BYTE, (int)n, "Isend+Recv to self");
    T_CHECK_PATTERN(in, n, (uint32_t)n, "%zu bytes sent to self", n);
    free(out);
    free(in);
}

static void preposted(MPI_Comm comm, int me, size_t n)
{
    uint8_t *out = t_malloc(n), *in = t_malloc(n);
    MPI_Request req;
    MPI_Status st;
    t_fill(out, n, (uint32_t)n + 1);
    T_MPI(MPI_Irecv(in, (int)n, MPI_BYTE, me, 3, comm, &req));
    T_MPI(MPI_Send(out, (int)n, MPI_BYTE, me, 3, comm));
    T_MPI(MPI_Wait(&req, &st));
    T_CHECK_STATUS(&st, me, 3, MPI_BYTE, (int)n, "Irecv then Send to self");
    T_CHECK_PATTERN(in, n, (uint32_t)n + 1, "%zu bytes sent to self into a posted receive", n);
    free(out);
    free(in);
}

static void issend_self(MPI_Comm comm, int me, size_t n)
{
    uint8_t *out = t_malloc(n), *in = t_malloc(n);
    MPI_Request req;
    int flag = 1;
    t_fill(out, n, 77);
    T_MPI(MPI_Issend(out, (int)n, MPI_BYTE, me, 4, comm, &req));
    for (int i = 0; i < 100; i++) {
        T_MPI(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
        T_ASSERT(!flag, "Issend of %zu bytes to self completed before its receive was posted", n);
    }
    T_MPI(MPI_Recv(in, (int)n, MPI_BYTE, me, 4, comm, MPI_STATUS_IGNORE));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_CHECK_PATTERN(in, n, 77, "Issend of %zu bytes to self", n);
    free(out);
    free(in);
}

static void sendrecv_self(MPI_Comm comm, int me, size_t n)
{
    uint8_t *out = t_malloc(n), *in = t_malloc(n);
    MPI_Status st;
    t_fill(out, n, 5);
    T_MPI(MPI_Sendrecv(out, (int)n, MPI_BYTE, me, 5, in, (int)n, MPI_BYTE, me, 5, comm, &st));
    T_CHECK_STATUS(&st, me, 5, MPI_BYTE, (int)n, "Sendrecv with self");
    T_CHECK_PATTERN(in, n, 5, "Sendrecv of %zu bytes with self", n);
    T_MPI(MPI_Sendrecv_replace(out, (int)n, MPI_BYTE, me, 6, me, 6, comm, &st));
    T_CHECK_STATUS(&st, me, 6, MPI_BYTE, (int)n, "Sendrecv_replace with self");
    T_CHECK_PATTERN(out, n, 5, "Sendrecv_replace of %zu bytes with self", n);
    free(out);
    free(in);
}

static void probe_self(MPI_Comm comm, int me)
{
    double out[7] = {1, 2, 3, 4, 5, 6, 7}, in[7];
    MPI_Request req;
    MPI_Status st;
    int count = -1;
    T_MPI(MPI_Isend(out, 7, MPI_DOUBLE, me, 8, comm, &req));
    T_MPI(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st));
    T_MPI(MPI_Get_count(&st, MPI_DOUBLE, &count));
    T_ASSERT(st.MPI_SOURCE == me && st.MPI_TAG == 8 && count == 7,
             "Probe of a message to self: source %d tag %d count %d", st.MPI_SOURCE, st.MPI_TAG,
             count);
    T_MPI(MPI_Recv(in, 7, MPI_DOUBLE, MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st));
    T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_ASSERT(memcmp(in, out, sizeof(in)) == 0, "Probe then Recv from self: contents differ");
}

/* The same tag to myself on WORLD and SELF: each receive gets its own. */
static void contexts_apart(void)
{
    int w = 1111, s = 2222, got_w = 0, got_s = 0;
    MPI_Request reqs[2];
    T_MPI(MPI_Isend(&s, 1, MPI_INT, 0, 9, MPI_COMM_SELF, &reqs[0]));
    T_MPI(MPI_Isend(&w, 1, MPI_INT, t_rank, 9, MPI_COMM_WORLD, &reqs[1]));
    T_MPI(MPI_Recv(&got_w, 1, MPI_INT, MPI_ANY_SOURCE, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_MPI(MPI_Recv(&got_s, 1, MPI_INT, MPI_ANY_SOURCE, 9, MPI_COMM_SELF, MPI_STATUS_IGNORE));
    T_MPI(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    T_ASSERT(got_w == 1111 && got_s == 2222,
             "WORLD receive got %d, SELF receive got %d: communicators crossed", got_w, got_s);
}

static void on_comm(MPI_Comm comm)
{
    int me = -1, size = -1;
    T_MPI(MPI_Comm_rank(comm, &me));
    T_MPI(MPI_Comm_size(comm, &size));
    T_ASSERT(comm != MPI_COMM_SELF || (me == 0 && size == 1),
             "MPI_COMM_SELF: rank %d size %d, expected 0 and 1", me, size);
    small_blocking(comm, me);
    large_isend(comm, me, 0, me);
    large_isend(comm, me, 8192, me);
    large_isend(comm, me, LARGE, me);
    large_isend(comm, me, LARGE + 1, MPI_ANY_SOURCE);
    preposted(comm, me, 100);
    preposted(comm, me, LARGE - 1);
    issend_self(comm, me, 8);
    issend_self(comm, me, LARGE);
    sendrecv_self(comm, me, 3);
    sendrecv_self(comm, me, LARGE);
    probe_self(comm, me);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    on_comm(MPI_COMM_WORLD);
    on_comm(MPI_COMM_SELF);
    contexts_apart();
    t_finalize();
    return 0;
}

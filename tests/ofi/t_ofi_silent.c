/*
 * t_ofi_silent.c -- a peer that stops answering while we read from it must
 * end the job naming it, never hang.  Run with MINIMPI_TRANSPORTS=ofi and a
 * short MINIMPI_OFI_TIMEOUT: rank 1 starts a rendezvous send to rank 0 and
 * stops itself (SIGSTOP), so rank 0's fi_read of its buffer never
 * completes; the libfabric transport must give up after the timeout.
 * Reaching the end of the program is the failure.
 */
#include "t_util.h"

#include <signal.h>
#include <stdlib.h>

#define BYTES (4u << 20)

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    if (t_size != 2)
        T_FAIL("needs 2 ranks");
    char *buf = calloc(BYTES, 1);
    if (buf == NULL)
        T_FAIL("out of memory");
    /* Connections both ways are up before anyone goes silent. */
    MPI_Barrier(MPI_COMM_WORLD);
    if (t_rank == 1) {
        MPI_Request req;
        /* The request-to-send leaves with the Isend (the connection is up);
         * stopping right after it means nobody serves rank 0's read. */
        MPI_Isend(buf, BYTES, MPI_CHAR, 0, 1, MPI_COMM_WORLD, &req);
        raise(SIGSTOP);
        T_FAIL("rank 1 was continued");
    }
    MPI_Recv(buf, BYTES, MPI_CHAR, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    T_FAIL("the read from a stopped rank completed");
}

/*
 * pmpi_counter.c -- a minimal profiling tool, written the way mpiP and the
 * like are: it defines MPI_X, counts the call and forwards to PMPI_X.
 *
 * Linked into t_pmpi with both the shared and the static library.  With the
 * static one, our strong MPI_Send must win over the library's weak one
 * without a duplicate-symbol error.  Besides the calls an application makes
 * itself, it wraps calls the library could be tempted to make internally
 * (MPI_Send from a collective, MPI_Comm_create_keyval from the deprecated
 * MPI_Keyval_create, MPI_Type_get_extent from MPI_Type_extent): a tool must
 * see only the application's calls.
 */
#include <mpi.h>

#include "pmpi_counter.h"

struct pmpi_counts pmpi_counts;

int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    pmpi_counts.send++;
    return PMPI_Send(buf, count, datatype, dest, tag, comm);
}

int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
              MPI_Request *request)
{
    pmpi_counts.isend++;
    return PMPI_Isend(buf, count, datatype, dest, tag, comm, request);
}

int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    pmpi_counts.recv++;
    return PMPI_Recv(buf, count, datatype, source, tag, comm, status);
}

int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                  MPI_Comm comm)
{
    pmpi_counts.allreduce++;
    return PMPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm);
}

int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               int root, MPI_Comm comm)
{
    pmpi_counts.reduce++;
    return PMPI_Reduce(sendbuf, recvbuf, count, datatype, op, root, comm);
}

int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function *copy_fn,
                           MPI_Comm_delete_attr_function *delete_fn, int *keyval,
                           void *extra_state)
{
    pmpi_counts.create_keyval++;
    return PMPI_Comm_create_keyval(copy_fn, delete_fn, keyval, extra_state);
}

int MPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    pmpi_counts.get_extent++;
    return PMPI_Type_get_extent(datatype, lb, extent);
}

double MPI_Wtime(void)
{
    pmpi_counts.wtime++;
    return PMPI_Wtime();
}

/*
 * mpi_comm.c -- MPI entry points for communicators.
 */
#include "rt.h"

int MPI_Comm_rank(MPI_Comm comm, int *rank)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_rank");
    RT_CHECK_COMM("MPI_Comm_rank", comm, c);
    if (rank == NULL)
        return rt_err(c, "MPI_Comm_rank", MPI_ERR_ARG, "rank is NULL");
    *rank = c->rank;
    return MPI_SUCCESS;
}

int MPI_Comm_size(MPI_Comm comm, int *size)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_size");
    RT_CHECK_COMM("MPI_Comm_size", comm, c);
    if (size == NULL)
        return rt_err(c, "MPI_Comm_size", MPI_ERR_ARG, "size is NULL");
    *size = c->size;
    return MPI_SUCCESS;
}

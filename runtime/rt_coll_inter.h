/*
 * rt_coll_inter.h -- the blocking collectives on intercommunicators.
 *
 * The MPI collective entry points (mpi_coll.c) check their arguments and
 * hand an intercommunicator's call here instead of to a schedule.  Each
 * collective is built from collectives within each group (on the
 * intercommunicator's local intracommunicator) and messages between the
 * groups on the intercommunicator's collective context.
 */
#ifndef MINIMPI_RT_COLL_INTER_H
#define MINIMPI_RT_COLL_INTER_H

#include "rt.h"
#include "rt_coll_algo.h"

/* Run `a` on intercommunicator `c`: MPI_SUCCESS or an MPI error class
 * (MPI_ERR_COMM for a collective not defined or not supported there). */
int rt_coll_inter_run(rt_comm_t *c, const rt_coll_args_t *a);

#endif /* MINIMPI_RT_COLL_INTER_H */

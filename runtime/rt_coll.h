/*
 * rt_coll.h -- the runtime's own blocking collectives.
 *
 * They run on a communicator's collective context (comm->context_id + 1),
 * so they never match the program's point-to-point messages.  The MPI
 * collective entry points call them, and so does the rest of the runtime
 * where it needs agreement among a communicator's ranks (communicator
 * creation: context ids, split colours and keys).
 *
 * Buffers hold `count` elements of `dt`; every function returns MPI_SUCCESS
 * or an MPI error class and reports nothing itself (the caller names the
 * MPI call in its error).
 */
#ifndef MINIMPI_RT_COLL_H
#define MINIMPI_RT_COLL_H

#include <stddef.h>

#include "rt.h"

/* A reduction operation (predefined or MPI_Op_create'd); see rt_op.h. */
typedef struct rt_op rt_op_t;

/* NULL when `handle` is not a valid operation. */
rt_op_t *rt_op_get(MPI_Op handle);

int rt_coll_barrier(rt_comm_t *comm);
int rt_coll_bcast(rt_comm_t *comm, void *buf, size_t count, rt_datatype_t *dt, int root);
int rt_coll_allreduce(rt_comm_t *comm, const void *sendbuf, void *recvbuf, size_t count,
                      rt_datatype_t *dt, rt_op_t *op);
/* recvbuf receives comm->size blocks of `count` elements, in rank order. */
int rt_coll_allgather(rt_comm_t *comm, const void *sendbuf, size_t count, rt_datatype_t *dt,
                      void *recvbuf);

/* Free what the collectives keep (user operations, schedules the program
 * never completed): MPI_Finalize. */
void rt_coll_finalize(void);

#endif /* MINIMPI_RT_COLL_H */

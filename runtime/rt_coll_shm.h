/*
 * rt_coll_shm.h -- what the rest of the runtime sees of the shared-memory
 * collectives (rt_coll_shm.c): the area a communicator keeps for them, and
 * the idle check of ranks that sleep.
 */
#ifndef MINIMPI_RT_COLL_SHM_H
#define MINIMPI_RT_COLL_SHM_H

#include "rt.h"

/* Data of at most this many bytes per rank travels in a rank's flag rather
 * than in its slot (rt_coll_shm.c). */
#define RT_COLL_SHM_INLINE 112

/* Data of at most this many bytes per rank that is not inline takes a cell
 * of its slot.  A collective whose writers write no more (a bcast's root, a
 * reduce's other ranks) may run up to 63 calls ahead of the slowest reader
 * (rt_coll_shm.c), as eager messages would let it; one with more only 3. */
#define RT_COLL_SHM_CELL (4u << 10)

/* Unmap and free the communicator's area, if it has one (with the
 * communicator, and for WORLD at MPI_Finalize). */
void rt_coll_shm_free(rt_comm_t *comm);

/* Nonzero when a shared-memory collective of this process that waits can
 * move on: a sleeping rank asks it (tp_t.other_pending) after announcing
 * its sleep, so a peer that publishes and then wakes it is never missed. */
int rt_coll_shm_pending(void);

/* Forget the collectives still waiting (MPI_Finalize frees their schedules). */
void rt_coll_shm_finalize(void);

#endif /* MINIMPI_RT_COLL_SHM_H */

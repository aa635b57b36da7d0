/*
 * rt_coll.c -- the runtime's blocking collectives (rt_coll.h): each one
 * builds the schedule the selection table picks and runs it to the end.
 */
#include "rt_coll.h"

#include "rt_coll_algo.h"
#include "rt_coll_sched.h"
#include "rt_coll_shm.h"
#include "rt_op.h"

static int run(rt_comm_t *comm, const rt_coll_args_t *a)
{
    return rt_coll_run(comm, a);
}

int rt_coll_barrier(rt_comm_t *comm)
{
    rt_coll_args_t a = {.kind = RT_COLL_BARRIER};
    return run(comm, &a);
}

int rt_coll_bcast(rt_comm_t *comm, void *buf, size_t count, rt_datatype_t *dt, int root)
{
    if (root < 0 || root >= comm->size)
        return MPI_ERR_ROOT;
    rt_coll_args_t a = {.kind = RT_COLL_BCAST, .rbuf = buf, .count = count, .dt = dt,
                        .root = root};
    return run(comm, &a);
}

int rt_coll_allreduce(rt_comm_t *comm, const void *sendbuf, void *recvbuf, size_t count,
                      rt_datatype_t *dt, rt_op_t *op)
{
    int err = rt_op_check(op, dt);
    if (err != MPI_SUCCESS)
        return err;
    rt_coll_args_t a = {.kind = RT_COLL_ALLREDUCE, .sbuf = sendbuf, .rbuf = recvbuf,
                        .count = count, .dt = dt, .op = op};
    return run(comm, &a);
}

int rt_coll_allgather(rt_comm_t *comm, const void *sendbuf, size_t count, rt_datatype_t *dt,
                      void *recvbuf)
{
    rt_coll_args_t a = {.kind = RT_COLL_ALLGATHER, .sbuf = sendbuf, .scount = count, .sdt = dt,
                        .rbuf = recvbuf, .rcount = count, .rdt = dt};
    return run(comm, &a);
}

void rt_coll_finalize(void)
{
    rt_coll_shm_finalize();
    rt_coll_sched_finalize();
    rt_op_finalize();
}

/*
 * mpi_probe.c -- MPI_Probe and MPI_Iprobe: look at the oldest matching
 * unexpected message without receiving it.  A receive posted afterwards
 * with the probed source and tag gets that very message (the matching
 * engine keeps the unexpected queue in arrival order).
 */
#include "rt.h"
#include "rt_insight.h"
#include "rt_proto.h"

#define CHECK_PROBE_ARGS(CALL)                                                \
    rt_comm_t *c;                                                             \
    RT_CHECK_INIT(CALL);                                                      \
    RT_CHECK_COMM(CALL, comm, c);                                             \
    RT_CHECK_SOURCE(CALL, c, source);                                         \
    RT_CHECK_RECV_TAG(CALL, c, tag);                                          \
    if (RT_UNLIKELY(status == NULL))                                          \
        return rt_err(c, CALL, MPI_ERR_ARG, "status is NULL (use MPI_STATUS_IGNORE)")

int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
    CHECK_PROBE_ARGS("MPI_Iprobe");
    if (flag == NULL)
        return rt_err(c, "MPI_Iprobe", MPI_ERR_ARG, "flag is NULL");
    /* Deliver what has arrived, so repeated calls see new messages. */
    rt_progress();
    *flag = rt_proto_probe(c, source, tag, status);
    return MPI_SUCCESS;
}

int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    CHECK_PROBE_ARGS("MPI_Probe");
    unsigned idle = 0;
    rt_hang_enter("MPI_Probe", c, RT_HANG_SOURCE, source, tag);
    while (!rt_proto_probe(c, source, tag, status)) {
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    rt_hang_exit();
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Iprobe = PMPI_Iprobe
#pragma weak MPI_Probe = PMPI_Probe

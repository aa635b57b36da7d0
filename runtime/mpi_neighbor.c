/*
 * mpi_neighbor.c -- neighbourhood collectives on Cartesian communicators:
 * MPI_Neighbor_allgather and MPI_Neighbor_alltoall.
 *
 * The neighbours are, for each dimension in order, the one below then the
 * one above (MPI_Cart_shift by 1: source, then destination); MPI_PROC_NULL
 * beyond a non-periodic edge, whose block is neither sent nor written.
 * On a periodic dimension of size 1 or 2 the same rank is both
 * neighbours, so each message's tag names the slot it fills at the
 * receiver: what I send upwards lands in my upper neighbour's "below"
 * slot.  The collective takes 2 * ndims sequence numbers of the
 * communicator for those tags, so no two collectives share one.
 */
#include <stdlib.h>

#include "rt.h"
#include "rt_coll_msg.h"
#include "rt_topo.h"

/* The 2 * ndims neighbours of this rank, in the standard's order. */
static int *cart_neighbors(const rt_comm_t *c, const rt_topo_t *t)
{
    int n = t->ndims;
    int *nb = malloc((size_t)(2 * n + 1) * sizeof(int));
    int *coords = malloc((size_t)(2 * n + 1) * sizeof(int));
    if (nb == NULL || coords == NULL) {
        free(nb);
        free(coords);
        return NULL;
    }
    int *tmp = coords + n;
    rt_topo_cart_coords(t, c->rank, coords);
    for (int d = 0; d < n; d++) {
        for (int dir = 0; dir < 2; dir++) {
            for (int i = 0; i < n; i++)
                tmp[i] = coords[i];
            int x = coords[d] + (dir == 0 ? -1 : 1), size = t->dims[d];
            if (t->periods[d])
                x = (x + size) % size;
            if (x < 0 || x >= size) {
                nb[2 * d + dir] = MPI_PROC_NULL;
                continue;
            }
            tmp[d] = x;
            nb[2 * d + dir] = rt_topo_cart_rank(t, tmp);
        }
    }
    free(coords);
    return nb;
}

/*
 * Slot k's block comes from neighbour k; what goes to neighbour k is
 * `sbuf` itself (allgather) or its block k (alltoall).
 */
static int neighbor_exchange(const char *call, rt_comm_t *c, const void *sbuf, size_t scount,
                             rt_datatype_t *sdt, int all_same, void *rbuf, size_t rcount,
                             rt_datatype_t *rdt)
{
    const rt_topo_t *t = c->topo;
    int k, n = 2 * t->ndims;
    int *nb = cart_neighbors(c, t);
    rt_request_t **reqs = malloc((size_t)(2 * n + 1) * sizeof(*reqs));
    if (nb == NULL || reqs == NULL) {
        free(nb);
        free(reqs);
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    }
    unsigned base = c->coll_seq;
    c->coll_seq += (unsigned)n;
    for (k = 0; k < n; k++) {
        int tag = (int)((base + (unsigned)k) & (unsigned)RT_TAG_UB);
        char *dst = (char *)rbuf + (ptrdiff_t)k * (ptrdiff_t)rcount * rdt->extent;
        reqs[k] = rt_coll_msg_start(RT_REQ_RECV, c, dst, rcount, rdt, nb[k], tag);
    }
    for (k = 0; k < n; k++) {
        int tag = (int)((base + (unsigned)(k ^ 1)) & (unsigned)RT_TAG_UB);
        const char *src = all_same ? (const char *)sbuf
                                   : (const char *)sbuf +
                                         (ptrdiff_t)k * (ptrdiff_t)scount * sdt->extent;
        reqs[n + k] = rt_coll_msg_start(RT_REQ_SEND, c, src, scount, sdt, nb[k], tag);
    }
    int err = rt_coll_msg_finish_all(reqs, 2 * n);
    free(nb);
    free(reqs);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "a neighbour's message failed (error class %d)", err);
    return MPI_SUCCESS;
}

static int neighbor_common(const char *call, const void *sendbuf, int sendcount,
                           MPI_Datatype sendtype, void *recvbuf, int recvcount,
                           MPI_Datatype recvtype, MPI_Comm comm, int all_same)
{
    rt_comm_t *c;
    rt_datatype_t *sdt, *rdt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    if (c->topo == NULL || c->topo->kind != MPI_CART)
        return rt_err(c, call, MPI_ERR_TOPOLOGY,
                      "needs a Cartesian communicator (graph topologies are not supported)");
    RT_CHECK_COUNT(call, c, sendcount);
    RT_CHECK_DATATYPE(call, c, sendtype, sdt);
    RT_CHECK_BUFFER_DT(call, c, sendbuf, sendcount, sdt);
    RT_CHECK_COUNT(call, c, recvcount);
    RT_CHECK_DATATYPE(call, c, recvtype, rdt);
    RT_CHECK_BUFFER_DT(call, c, recvbuf, recvcount, rdt);
    return neighbor_exchange(call, c, sendbuf, (size_t)sendcount, sdt, all_same, recvbuf,
                             (size_t)recvcount, rdt);
}

int MPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                           void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return neighbor_common("MPI_Neighbor_allgather", sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm, 1);
}

int MPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                          void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return neighbor_common("MPI_Neighbor_alltoall", sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm, 0);
}

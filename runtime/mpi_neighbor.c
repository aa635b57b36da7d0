/*
 * mpi_neighbor.c -- neighbourhood collectives on Cartesian and graph
 * communicators: MPI_Neighbor_allgather, MPI_Neighbor_alltoall and their
 * v-variants.  (On a graph, a rank's neighbours are its edges in order.)
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

/* The neighbours of this rank in a graph topology: its edges, in order. */
static int *graph_neighbors(const rt_comm_t *c, const rt_topo_t *t, int *n)
{
    int first = c->rank == 0 ? 0 : t->index[c->rank - 1];
    *n = t->index[c->rank] - first;
    int *nb = malloc((size_t)(*n + 1) * sizeof(int));
    for (int k = 0; nb != NULL && k < *n; k++)
        nb[k] = t->edges[first + k];
    return nb;
}

/* Where block k lies: k * count elements in, or displs[k] elements when
 * the call gave per-neighbour counts and displacements. */
typedef struct blocks {
    const void *buf;
    size_t count;                  /* every block (counts NULL) */
    const int *counts, *displs;
    rt_datatype_t *dt;
    int all_same;                  /* allgather's send side: one block for all */
} blocks_t;

static char *block_at(const blocks_t *b, int k)
{
    ptrdiff_t at = b->all_same ? 0 : b->counts != NULL ? b->displs[k] : (ptrdiff_t)k * (ptrdiff_t)b->count;
    return (char *)b->buf + at * b->dt->extent;
}

static size_t block_count(const blocks_t *b, int k)
{
    return b->counts != NULL ? (size_t)b->counts[k] : b->count;
}

/*
 * Slot k's block comes from neighbour k; what goes to neighbour k is the
 * send side's block k (or its one block, for allgather).  On a Cartesian
 * communicator the tags name slots (see the top of the file); on a graph
 * every message carries one tag, and two messages between the same pair
 * match in the order both sides list the edge, as the standard specifies.
 */
static int neighbor_exchange(const char *call, rt_comm_t *c, const blocks_t *send,
                             const blocks_t *recv)
{
    const rt_topo_t *t = c->topo;
    int cart = t->kind == MPI_CART;
    int k, n = 2 * t->ndims;
    int *nb = cart ? cart_neighbors(c, t) : graph_neighbors(c, t, &n);
    rt_request_t **reqs = malloc((size_t)(2 * n + 1) * sizeof(*reqs));
    if (nb == NULL || reqs == NULL) {
        free(nb);
        free(reqs);
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    }
    unsigned base = c->coll_seq;
    c->coll_seq += cart ? (unsigned)n : 1u;
    for (k = 0; k < n; k++) {
        int tag = (int)((base + (cart ? (unsigned)k : 0u)) & (unsigned)RT_TAG_UB);
        reqs[k] = rt_coll_msg_start(RT_REQ_RECV, c, block_at(recv, k), block_count(recv, k),
                                    recv->dt, nb[k], tag);
    }
    for (k = 0; k < n; k++) {
        int tag = (int)((base + (cart ? (unsigned)(k ^ 1) : 0u)) & (unsigned)RT_TAG_UB);
        reqs[n + k] = rt_coll_msg_start(RT_REQ_SEND, c, block_at(send, k),
                                        block_count(send, k), send->dt, nb[k], tag);
    }
    int err = rt_coll_msg_finish_all(reqs, 2 * n);
    free(nb);
    free(reqs);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "a neighbour's message failed (error class %d)", err);
    return MPI_SUCCESS;
}

/* How many neighbours this rank has (the length of v-variant arrays). */
static int neighbor_count(const rt_comm_t *c)
{
    const rt_topo_t *t = c->topo;
    if (t->kind == MPI_CART)
        return 2 * t->ndims;
    return t->index[c->rank] - (c->rank == 0 ? 0 : t->index[c->rank - 1]);
}

/* One side of a call: a count and type, or per-neighbour counts and
 * displacements (counts non-NULL) with a type. */
static int check_side(const char *call, rt_comm_t *c, const void *buf, int count,
                      const int *counts, const int *displs, MPI_Datatype type, blocks_t *out)
{
    RT_CHECK_DATATYPE(call, c, type, out->dt);
    out->buf = buf;
    out->counts = counts;
    out->displs = displs;
    out->count = 0;
    if (counts == NULL) {
        RT_CHECK_COUNT(call, c, count);
        RT_CHECK_BUFFER_DT(call, c, buf, count, out->dt);
        out->count = (size_t)count;
        return MPI_SUCCESS;
    }
    if (displs == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "displacements are NULL");
    int n = neighbor_count(c);
    for (int k = 0; k < n; k++) {
        RT_CHECK_COUNT(call, c, counts[k]);
        RT_CHECK_BUFFER_DT(call, c, buf, counts[k], out->dt);
    }
    return MPI_SUCCESS;
}

static int neighbor_common(const char *call, const void *sendbuf, int sendcount,
                           const int *sendcounts, const int *sdispls, MPI_Datatype sendtype,
                           void *recvbuf, int recvcount, const int *recvcounts,
                           const int *rdispls, MPI_Datatype recvtype, MPI_Comm comm,
                           int all_same)
{
    rt_comm_t *c;
    blocks_t send, recv;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    if (c->topo == NULL || (c->topo->kind != MPI_CART && c->topo->kind != MPI_GRAPH))
        return rt_err(c, call, MPI_ERR_TOPOLOGY,
                      "needs a communicator with a Cartesian or graph topology");
    if ((recvcounts != NULL || sendcounts != NULL) && (recvcounts == NULL ||
                                                       (!all_same && sendcounts == NULL)))
        return rt_err(c, call, MPI_ERR_ARG, "counts are NULL");
    int err = check_side(call, c, sendbuf, sendcount, sendcounts, sdispls, sendtype, &send);
    if (err == MPI_SUCCESS)
        err = check_side(call, c, recvbuf, recvcount, recvcounts, rdispls, recvtype, &recv);
    if (err != MPI_SUCCESS)
        return err;
    send.all_same = all_same;
    recv.all_same = 0;
    return neighbor_exchange(call, c, &send, &recv);
}

int MPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                           void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return neighbor_common("MPI_Neighbor_allgather", sendbuf, sendcount, NULL, NULL, sendtype,
                           recvbuf, recvcount, NULL, NULL, recvtype, comm, 1);
}

int MPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                          void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return neighbor_common("MPI_Neighbor_alltoall", sendbuf, sendcount, NULL, NULL, sendtype,
                           recvbuf, recvcount, NULL, NULL, recvtype, comm, 0);
}

/* The v variants: neighbor_common takes NULL counts to mean "one count for
 * all", so a NULL array the program passed is caught here. */
static int check_vector_args(const char *call, MPI_Comm comm, const int *counts1,
                             const char *name1, const int *counts2, const char *name2)
{
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    if (counts1 == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "%s is NULL", name1);
    if (counts2 == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "%s is NULL", name2);
    return MPI_SUCCESS;
}

int MPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, const int recvcounts[], const int displs[],
                            MPI_Datatype recvtype, MPI_Comm comm)
{
    int err = check_vector_args("MPI_Neighbor_allgatherv", comm, recvcounts, "recvcounts",
                                displs, "displs");
    if (err != MPI_SUCCESS)
        return err;
    return neighbor_common("MPI_Neighbor_allgatherv", sendbuf, sendcount, NULL, NULL, sendtype,
                           recvbuf, 0, recvcounts, displs, recvtype, comm, 1);
}

int MPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                           MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                           const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    int err = check_vector_args("MPI_Neighbor_alltoallv", comm, sendcounts, "sendcounts",
                                recvcounts, "recvcounts");
    if (err != MPI_SUCCESS)
        return err;
    return neighbor_common("MPI_Neighbor_alltoallv", sendbuf, 0, sendcounts, sdispls, sendtype,
                           recvbuf, 0, recvcounts, rdispls, recvtype, comm, 0);
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Neighbor_allgather = PMPI_Neighbor_allgather
#pragma weak MPI_Neighbor_allgatherv = PMPI_Neighbor_allgatherv
#pragma weak MPI_Neighbor_alltoall = PMPI_Neighbor_alltoall
#pragma weak MPI_Neighbor_alltoallv = PMPI_Neighbor_alltoallv

/*
 * mpi_topo.c -- MPI entry points for virtual topologies: MPI_Dims_create,
 * Cartesian communicators (create, coordinates, shift, sub) and basic
 * graph communicators.
 *
 * Creating a topology communicator is a split: the first prod(dims) (or
 * nnodes) ranks keep their order (reordering is allowed, never needed for
 * correctness, and not done), the others get MPI_COMM_NULL.
 */
#include "rt_comm_new.h"

#include <stdlib.h>
#include <string.h>

#include "rt_topo.h"

#define CHECK_ARG(CALL, COMM, PTR, NAME)                                      \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

/* The communicator's topology, which must be `kind` (0: any). */
#define CHECK_TOPO(CALL, COMM, KIND, OUT)                                     \
    do {                                                                      \
        (OUT) = (COMM)->topo;                                                 \
        if (RT_UNLIKELY((OUT) == NULL || ((KIND) != 0 && (OUT)->kind != (KIND)))) \
            return rt_err(COMM, CALL, MPI_ERR_TOPOLOGY, "the communicator has no %s topology", \
                          (KIND) == MPI_GRAPH ? "graph" : "Cartesian");     \
    } while (0)

/* ---- Dims_create ------------------------------------------------------- */

int MPI_Dims_create(int nnodes, int ndims, int dims[])
{
    const char *call = "MPI_Dims_create";
    RT_CHECK_INIT(call);
    if (nnodes <= 0)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid nnodes %d", nnodes);
    if (ndims < 0)
        return rt_err(NULL, call, MPI_ERR_DIMS, "invalid ndims %d", ndims);
    if (ndims > 0)
        CHECK_ARG(call, NULL, dims, "dims");
    int fixed = 1, free_dims = 0;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] < 0)
            return rt_err(NULL, call, MPI_ERR_DIMS, "dims[%d] = %d is negative", i, dims[i]);
        if (dims[i] > 0)
            fixed *= dims[i];
        else
            free_dims++;
    }
    if (nnodes % fixed != 0)
        return rt_err(NULL, call, MPI_ERR_DIMS,
                      "%d nodes cannot be divided into the fixed dimensions (product %d)",
                      nnodes, fixed);
    int rest = nnodes / fixed;
    if (free_dims == 0) {
        if (rest != 1)
            return rt_err(NULL, call, MPI_ERR_DIMS,
                          "the dimensions multiply to %d, not %d", fixed, nnodes);
        return MPI_SUCCESS;
    }
    /* Hand out the prime factors, largest first, each to the currently
     * smallest free dimension: as balanced as factoring allows. */
    int *f = calloc((size_t)free_dims, sizeof(int));
    if (f == NULL)
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    for (int i = 0; i < free_dims; i++)
        f[i] = 1;
    int primes[32], np = 0;
    for (int p = 2; rest > 1 && (long)p * p <= rest; p++)
        while (rest % p == 0) {
            primes[np++] = p;
            rest /= p;
        }
    if (rest > 1)
        primes[np++] = rest;
    for (int k = np - 1; k >= 0; k--) {
        int smallest = 0;
        for (int i = 1; i < free_dims; i++)
            if (f[i] < f[smallest])
                smallest = i;
        f[smallest] *= primes[k];
    }
    /* Non-increasing order, as the standard asks. */
    for (int i = 0; i < free_dims; i++)
        for (int j = i + 1; j < free_dims; j++)
            if (f[j] > f[i]) {
                int t = f[i];
                f[i] = f[j];
                f[j] = t;
            }
    for (int i = 0, k = 0; i < ndims; i++)
        if (dims[i] == 0)
            dims[i] = f[k++];
    free(f);
    return MPI_SUCCESS;
}

/* ---- Cartesian ------------------------------------------------------------ */

/* A communicator of the first `n` ranks of c carrying `topo` (taken over),
 * or MPI_COMM_NULL for the others. */
static int topo_comm(const char *call, rt_comm_t *c, int n, rt_topo_t *topo, MPI_Comm *out)
{
    rt_comm_t *nc;
    int err = rt_comm_split(c, c->rank < n ? 0 : MPI_UNDEFINED, c->rank, &nc);
    if (err != MPI_SUCCESS) {
        rt_topo_free(topo);
        return rt_err(c, call, err, "cannot create the communicator");
    }
    if (nc == NULL) {
        rt_topo_free(topo);
        *out = MPI_COMM_NULL;
        return MPI_SUCCESS;
    }
    nc->topo = topo;
    *out = nc->handle;
    return MPI_SUCCESS;
}

int MPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[],
                    int reorder, MPI_Comm *comm_cart)
{
    const char *call = "MPI_Cart_create";
    rt_comm_t *c;
    (void)reorder;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm_old, c);
    if (c->is_inter)
        return rt_err(c, call, MPI_ERR_COMM, "an intercommunicator has no topology");
    CHECK_ARG(call, c, comm_cart, "comm_cart");
    if (ndims < 0)
        return rt_err(c, call, MPI_ERR_DIMS, "invalid ndims %d", ndims);
    if (ndims > 0) {
        CHECK_ARG(call, c, dims, "dims");
        CHECK_ARG(call, c, periods, "periods");
    }
    long total = 1;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] <= 0)
            return rt_err(c, call, MPI_ERR_DIMS, "dims[%d] = %d is not positive", i, dims[i]);
        total *= dims[i];
        if (total > c->size)
            break;
    }
    if (total > c->size)
        return rt_err(c, call, MPI_ERR_DIMS, "the grid needs more than the %d ranks of comm_old",
                      c->size);
    rt_topo_t *topo = rt_topo_new_cart(ndims, dims, periods);
    if (topo == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    return topo_comm(call, c, (int)total, topo, comm_cart);
}

int MPI_Cartdim_get(MPI_Comm comm, int *ndims)
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Cartdim_get");
    RT_CHECK_COMM("MPI_Cartdim_get", comm, c);
    CHECK_TOPO("MPI_Cartdim_get", c, MPI_CART, t);
    CHECK_ARG("MPI_Cartdim_get", c, ndims, "ndims");
    *ndims = t->ndims;
    return MPI_SUCCESS;
}

int MPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[])
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Cart_get");
    RT_CHECK_COMM("MPI_Cart_get", comm, c);
    CHECK_TOPO("MPI_Cart_get", c, MPI_CART, t);
    if (maxdims < t->ndims)
        return rt_err(c, "MPI_Cart_get", MPI_ERR_ARG, "maxdims %d < ndims %d", maxdims, t->ndims);
    if (t->ndims > 0 && (dims == NULL || periods == NULL || coords == NULL))
        return rt_err(c, "MPI_Cart_get", MPI_ERR_ARG, "an output array is NULL");
    for (int i = 0; i < t->ndims; i++) {
        dims[i] = t->dims[i];
        periods[i] = t->periods[i];
    }
    rt_topo_cart_coords(t, c->rank, coords);
    return MPI_SUCCESS;
}

int MPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[])
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Cart_coords");
    RT_CHECK_COMM("MPI_Cart_coords", comm, c);
    CHECK_TOPO("MPI_Cart_coords", c, MPI_CART, t);
    if (rank < 0 || rank >= c->size)
        return rt_err(c, "MPI_Cart_coords", MPI_ERR_RANK, "invalid rank %d (size %d)", rank,
                      c->size);
    if (maxdims < t->ndims)
        return rt_err(c, "MPI_Cart_coords", MPI_ERR_ARG, "maxdims %d < ndims %d", maxdims,
                      t->ndims);
    if (t->ndims > 0)
        CHECK_ARG("MPI_Cart_coords", c, coords, "coords");
    rt_topo_cart_coords(t, rank, coords);
    return MPI_SUCCESS;
}

int MPI_Cart_rank(MPI_Comm comm, const int coords[], int *rank)
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Cart_rank");
    RT_CHECK_COMM("MPI_Cart_rank", comm, c);
    CHECK_TOPO("MPI_Cart_rank", c, MPI_CART, t);
    CHECK_ARG("MPI_Cart_rank", c, rank, "rank");
    if (t->ndims > 0)
        CHECK_ARG("MPI_Cart_rank", c, coords, "coords");
    int *wrapped = malloc((size_t)(t->ndims > 0 ? t->ndims : 1) * sizeof(int));
    if (wrapped == NULL)
        return rt_err(c, "MPI_Cart_rank", MPI_ERR_NO_MEM, "out of memory");
    for (int i = 0; i < t->ndims; i++) {
        int x = coords[i], d = t->dims[i];
        if (t->periods[i]) {
            x %= d;
            if (x < 0)
                x += d;
        } else if (x < 0 || x >= d) {
            free(wrapped);
            return rt_err(c, "MPI_Cart_rank", MPI_ERR_ARG,
                          "coords[%d] = %d is outside the non-periodic dimension of %d", i,
                          coords[i], d);
        }
        wrapped[i] = x;
    }
    *rank = rt_topo_cart_rank(t, wrapped);
    free(wrapped);
    return MPI_SUCCESS;
}

/* The rank `disp` steps along `dim` from my coordinates, or MPI_PROC_NULL
 * past the edge of a non-periodic dimension. */
static int shifted(const rt_topo_t *t, const int *coords, int dim, int disp, int *tmp)
{
    memcpy(tmp, coords, (size_t)t->ndims * sizeof(int));
    long x = (long)coords[dim] + disp;
    int d = t->dims[dim];
    if (t->periods[dim]) {
        x %= d;
        if (x < 0)
            x += d;
    } else if (x < 0 || x >= d) {
        return MPI_PROC_NULL;
    }
    tmp[dim] = (int)x;
    return rt_topo_cart_rank(t, tmp);
}

int MPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest)
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Cart_shift");
    RT_CHECK_COMM("MPI_Cart_shift", comm, c);
    CHECK_TOPO("MPI_Cart_shift", c, MPI_CART, t);
    if (rank_source == NULL || rank_dest == NULL)
        return rt_err(c, "MPI_Cart_shift", MPI_ERR_ARG, "rank_source or rank_dest is NULL");
    if (direction < 0 || direction >= t->ndims)
        return rt_err(c, "MPI_Cart_shift", MPI_ERR_ARG, "invalid direction %d (ndims %d)",
                      direction, t->ndims);
    int *buf = malloc(2 * (size_t)t->ndims * sizeof(int));
    if (buf == NULL)
        return rt_err(c, "MPI_Cart_shift", MPI_ERR_NO_MEM, "out of memory");
    rt_topo_cart_coords(t, c->rank, buf);
    *rank_dest = shifted(t, buf, direction, disp, buf + t->ndims);
    *rank_source = shifted(t, buf, direction, -disp, buf + t->ndims);
    free(buf);
    return MPI_SUCCESS;
}

int MPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm *newcomm)
{
    const char *call = "MPI_Cart_sub";
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    CHECK_TOPO(call, c, MPI_CART, t);
    CHECK_ARG(call, c, newcomm, "newcomm");
    if (t->ndims > 0)
        CHECK_ARG(call, c, remain_dims, "remain_dims");
    int *coords = malloc(2 * (size_t)(t->ndims + 1) * sizeof(int));
    if (coords == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    int *kept_dims = coords + t->ndims + 1;
    rt_topo_cart_coords(t, c->rank, coords);
    /* Colour: my position in the dropped dimensions; key: in the kept ones. */
    int color = 0, key = 0, nkept = 0;
    for (int i = 0; i < t->ndims; i++) {
        if (remain_dims[i]) {
            key = key * t->dims[i] + coords[i];
            kept_dims[nkept++] = t->dims[i];
        } else {
            color = color * t->dims[i] + coords[i];
        }
    }
    int kept_periods[64] = {0};
    for (int i = 0, k = 0; i < t->ndims && k < 64; i++)
        if (remain_dims[i])
            kept_periods[k++] = t->periods[i];
    rt_topo_t *sub = nkept <= 64 ? rt_topo_new_cart(nkept, kept_dims, kept_periods) : NULL;
    free(coords);
    if (sub == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "cannot describe the sub-grid");
    rt_comm_t *nc;
    int err = rt_comm_split(c, color, key, &nc);
    if (err != MPI_SUCCESS) {
        rt_topo_free(sub);
        return rt_err(c, call, err, "cannot create the communicator");
    }
    nc->topo = sub;
    *newcomm = nc->handle;
    return MPI_SUCCESS;
}

int MPI_Topo_test(MPI_Comm comm, int *status)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Topo_test");
    RT_CHECK_COMM("MPI_Topo_test", comm, c);
    CHECK_ARG("MPI_Topo_test", c, status, "status");
    *status = c->topo != NULL ? c->topo->kind : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

/* ---- Graph ------------------------------------------------------------------- */

int MPI_Graph_create(MPI_Comm comm_old, int nnodes, const int index[], const int edges[],
                     int reorder, MPI_Comm *comm_graph)
{
    const char *call = "MPI_Graph_create";
    rt_comm_t *c;
    (void)reorder;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm_old, c);
    if (c->is_inter)
        return rt_err(c, call, MPI_ERR_COMM, "an intercommunicator has no topology");
    CHECK_ARG(call, c, comm_graph, "comm_graph");
    if (nnodes < 0 || nnodes > c->size)
        return rt_err(c, call, MPI_ERR_ARG, "invalid nnodes %d (communicator size %d)", nnodes,
                      c->size);
    if (nnodes > 0) {
        CHECK_ARG(call, c, index, "index");
        for (int i = 0; i < nnodes; i++)
            if (index[i] < (i > 0 ? index[i - 1] : 0))
                return rt_err(c, call, MPI_ERR_ARG, "index[%d] = %d decreases", i, index[i]);
        if (index[nnodes - 1] > 0)
            CHECK_ARG(call, c, edges, "edges");
        for (int e = 0; e < index[nnodes - 1]; e++)
            if (edges[e] < 0 || edges[e] >= nnodes)
                return rt_err(c, call, MPI_ERR_ARG, "edges[%d] = %d is not a node", e, edges[e]);
    }
    rt_topo_t *topo = rt_topo_new_graph(nnodes, index, edges);
    if (topo == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    return topo_comm(call, c, nnodes, topo, comm_graph);
}

int MPI_Graphdims_get(MPI_Comm comm, int *nnodes, int *nedges)
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Graphdims_get");
    RT_CHECK_COMM("MPI_Graphdims_get", comm, c);
    CHECK_TOPO("MPI_Graphdims_get", c, MPI_GRAPH, t);
    if (nnodes == NULL || nedges == NULL)
        return rt_err(c, "MPI_Graphdims_get", MPI_ERR_ARG, "nnodes or nedges is NULL");
    *nnodes = t->nnodes;
    *nedges = t->nedges;
    return MPI_SUCCESS;
}

int MPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int index[], int edges[])
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Graph_get");
    RT_CHECK_COMM("MPI_Graph_get", comm, c);
    CHECK_TOPO("MPI_Graph_get", c, MPI_GRAPH, t);
    if (maxindex < t->nnodes || maxedges < t->nedges)
        return rt_err(c, "MPI_Graph_get", MPI_ERR_ARG, "arrays too small (%d nodes, %d edges)",
                      t->nnodes, t->nedges);
    if ((t->nnodes > 0 && index == NULL) || (t->nedges > 0 && edges == NULL))
        return rt_err(c, "MPI_Graph_get", MPI_ERR_ARG, "an output array is NULL");
    if (t->nnodes > 0)
        memcpy(index, t->index, (size_t)t->nnodes * sizeof(int));
    if (t->nedges > 0)
        memcpy(edges, t->edges, (size_t)t->nedges * sizeof(int));
    return MPI_SUCCESS;
}

static int graph_node(const char *call, rt_comm_t *c, const rt_topo_t *t, int rank)
{
    if (rank < 0 || rank >= t->nnodes)
        return rt_err(c, call, MPI_ERR_RANK, "invalid rank %d (%d nodes)", rank, t->nnodes);
    return MPI_SUCCESS;
}

int MPI_Graph_neighbors_count(MPI_Comm comm, int rank, int *nneighbors)
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Graph_neighbors_count");
    RT_CHECK_COMM("MPI_Graph_neighbors_count", comm, c);
    CHECK_TOPO("MPI_Graph_neighbors_count", c, MPI_GRAPH, t);
    int err = graph_node("MPI_Graph_neighbors_count", c, t, rank);
    if (err != MPI_SUCCESS)
        return err;
    CHECK_ARG("MPI_Graph_neighbors_count", c, nneighbors, "nneighbors");
    *nneighbors = t->index[rank] - (rank > 0 ? t->index[rank - 1] : 0);
    return MPI_SUCCESS;
}

int MPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[])
{
    rt_comm_t *c;
    rt_topo_t *t;
    RT_CHECK_INIT("MPI_Graph_neighbors");
    RT_CHECK_COMM("MPI_Graph_neighbors", comm, c);
    CHECK_TOPO("MPI_Graph_neighbors", c, MPI_GRAPH, t);
    int err = graph_node("MPI_Graph_neighbors", c, t, rank);
    if (err != MPI_SUCCESS)
        return err;
    int first = rank > 0 ? t->index[rank - 1] : 0, n = t->index[rank] - first;
    if (maxneighbors < n)
        return rt_err(c, "MPI_Graph_neighbors", MPI_ERR_ARG, "maxneighbors %d < %d neighbours",
                      maxneighbors, n);
    if (n > 0)
        CHECK_ARG("MPI_Graph_neighbors", c, neighbors, "neighbors");
    for (int i = 0; i < n; i++)
        neighbors[i] = t->edges[first + i];
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Cart_coords = PMPI_Cart_coords
#pragma weak MPI_Cart_create = PMPI_Cart_create
#pragma weak MPI_Cart_get = PMPI_Cart_get
#pragma weak MPI_Cart_rank = PMPI_Cart_rank
#pragma weak MPI_Cart_shift = PMPI_Cart_shift
#pragma weak MPI_Cart_sub = PMPI_Cart_sub
#pragma weak MPI_Cartdim_get = PMPI_Cartdim_get
#pragma weak MPI_Dims_create = PMPI_Dims_create
#pragma weak MPI_Graph_create = PMPI_Graph_create
#pragma weak MPI_Graph_get = PMPI_Graph_get
#pragma weak MPI_Graph_neighbors = PMPI_Graph_neighbors
#pragma weak MPI_Graph_neighbors_count = PMPI_Graph_neighbors_count
#pragma weak MPI_Graphdims_get = PMPI_Graphdims_get
#pragma weak MPI_Topo_test = PMPI_Topo_test

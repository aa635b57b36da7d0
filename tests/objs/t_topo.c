/*
 * t_topo.c -- virtual topologies: MPI_Dims_create's factorisations, a
 * Cartesian grid's coordinates and ranks, Cart_shift at the edges
 * (MPI_PROC_NULL on non-periodic dimensions, wrap-around on periodic
 * ones), Cart_sub, a small graph, and the errors of bad arguments.  Run
 * with 6 ranks (works with any size >= 2).
 */
#include <stdlib.h>
#include <string.h>

#include "t_util.h"

static int rank, size;

static void dims_create(void)
{
    int d2[2] = {0, 0};
    T_OK(MPI_Dims_create(6, 2, d2));
    T_CHECK(d2[0] == 3 && d2[1] == 2);
    int d3[3] = {0, 0, 0};
    T_OK(MPI_Dims_create(24, 3, d3));
    T_CHECK(d3[0] == 4 && d3[1] == 3 && d3[2] == 2);
    int fixed[3] = {0, 5, 0};
    T_OK(MPI_Dims_create(30, 3, fixed));
    T_CHECK(fixed[0] == 3 && fixed[1] == 5 && fixed[2] == 2);
    int prime[2] = {0, 0};
    T_OK(MPI_Dims_create(7, 2, prime));
    T_CHECK(prime[0] == 7 && prime[1] == 1);
    int sq[2] = {0, 0};
    T_OK(MPI_Dims_create(16, 2, sq));
    T_CHECK(sq[0] == 4 && sq[1] == 4);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int neg[2] = {-1, 0};
    T_EQ(MPI_Dims_create(6, 2, neg), MPI_ERR_DIMS);
    int nodiv[2] = {4, 0};
    T_EQ(MPI_Dims_create(6, 2, nodiv), MPI_ERR_DIMS);
    T_EQ(MPI_Dims_create(6, -1, d2), MPI_ERR_DIMS);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

static void cartesian(void)
{
    int dims[2] = {0, 0}, periods[2] = {0, 1};
    T_OK(MPI_Dims_create(size, 2, dims));
    MPI_Comm cart;
    T_OK(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &cart));
    int status, nd, crank;
    T_OK(MPI_Topo_test(cart, &status));
    T_EQ(status, MPI_CART);
    T_OK(MPI_Topo_test(MPI_COMM_WORLD, &status));
    T_EQ(status, MPI_UNDEFINED);
    T_OK(MPI_Cartdim_get(cart, &nd));
    T_EQ(nd, 2);
    T_OK(MPI_Comm_rank(cart, &crank));
    int coords[2], d[2], p[2], c2[2];
    T_OK(MPI_Cart_coords(cart, crank, 2, coords));
    /* Row-major: the last dimension varies fastest. */
    T_EQ(coords[0], crank / dims[1]);
    T_EQ(coords[1], crank % dims[1]);
    T_OK(MPI_Cart_get(cart, 2, d, p, c2));
    T_CHECK(d[0] == dims[0] && d[1] == dims[1] && p[0] == 0 && p[1] == 1);
    T_CHECK(c2[0] == coords[0] && c2[1] == coords[1]);
    int back;
    T_OK(MPI_Cart_rank(cart, coords, &back));
    T_EQ(back, crank);
    /* Periodic dimension 1 wraps coordinates. */
    int wrap[2] = {coords[0], coords[1] + dims[1]};
    T_OK(MPI_Cart_rank(cart, wrap, &back));
    T_EQ(back, crank);

    int src, dst;
    T_OK(MPI_Cart_shift(cart, 0, 1, &src, &dst));
    T_EQ(src, coords[0] == 0 ? MPI_PROC_NULL : crank - dims[1]);
    T_EQ(dst, coords[0] == dims[0] - 1 ? MPI_PROC_NULL : crank + dims[1]);
    T_OK(MPI_Cart_shift(cart, 1, 1, &src, &dst));
    int right[2] = {coords[0], (coords[1] + 1) % dims[1]};
    int left[2] = {coords[0], (coords[1] + dims[1] - 1) % dims[1]};
    int r_right, r_left;
    MPI_Cart_rank(cart, right, &r_right);
    MPI_Cart_rank(cart, left, &r_left);
    T_EQ(dst, r_right);
    T_EQ(src, r_left);
    /* A shift past the whole non-periodic extent. */
    T_OK(MPI_Cart_shift(cart, 0, dims[0], &src, &dst));
    T_CHECK(src == MPI_PROC_NULL && dst == MPI_PROC_NULL);

    /* Halo traffic along dimension 0 through the shift's ranks. */
    T_OK(MPI_Cart_shift(cart, 0, 1, &src, &dst));
    int out = crank, in = -7;
    T_OK(MPI_Sendrecv(&out, 1, MPI_INT, dst, 0, &in, 1, MPI_INT, src, 0, cart,
                      MPI_STATUS_IGNORE));
    T_EQ(in, src == MPI_PROC_NULL ? -7 : src);

    /* Rows: keep dimension 1. */
    int remain[2] = {0, 1};
    MPI_Comm row;
    T_OK(MPI_Cart_sub(cart, remain, &row));
    int rsize, rrank;
    T_OK(MPI_Comm_size(row, &rsize));
    T_OK(MPI_Comm_rank(row, &rrank));
    T_EQ(rsize, dims[1]);
    T_EQ(rrank, coords[1]);
    T_OK(MPI_Cartdim_get(row, &nd));
    T_EQ(nd, 1);
    T_OK(MPI_Cart_shift(row, 0, 1, &src, &dst));
    T_EQ(dst, (coords[1] + 1) % dims[1]);
    MPI_Comm dup;
    T_OK(MPI_Comm_dup(cart, &dup));
    T_OK(MPI_Topo_test(dup, &status));
    T_EQ(status, MPI_CART);

    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    T_EQ(MPI_Cart_coords(cart, size, 2, coords), MPI_ERR_RANK);
    T_EQ(MPI_Cart_shift(cart, 2, 1, &src, &dst), MPI_ERR_ARG);
    int outside[2] = {dims[0], 0};
    T_EQ(MPI_Cart_rank(cart, outside, &back), MPI_ERR_ARG);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    T_EQ(MPI_Cartdim_get(MPI_COMM_WORLD, &nd), MPI_ERR_TOPOLOGY);
    int negdims[2] = {-2, 1};
    MPI_Comm bad;
    T_EQ(MPI_Cart_create(MPI_COMM_WORLD, 2, negdims, periods, 0, &bad), MPI_ERR_DIMS);
    int toobig[2] = {size, 2};
    T_EQ(MPI_Cart_create(MPI_COMM_WORLD, 2, toobig, periods, 0, &bad), MPI_ERR_DIMS);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    T_OK(MPI_Comm_free(&dup));
    T_OK(MPI_Comm_free(&row));
    T_OK(MPI_Comm_free(&cart));

    /* A grid smaller than the communicator leaves the rest out. */
    int one[1] = {size - 1}, per[1] = {0};
    T_OK(MPI_Cart_create(MPI_COMM_WORLD, 1, one, per, 0, &cart));
    if (rank == size - 1)
        T_CHECK(cart == MPI_COMM_NULL);
    else
        T_OK(MPI_Comm_free(&cart));
}

/* Neighbour collectives on a 2D grid, periodic in dimension 1. */
static void neighbors(void)
{
    int dims[2] = {0, 0}, periods[2] = {0, 1};
    MPI_Dims_create(size, 2, dims);
    MPI_Comm cart;
    /* reorder = 1: whatever ranks the grid gets, the checks below only use
     * ranks of the new communicator and what its ranks report. */
    T_OK(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &cart));
    int me, nb[4];
    MPI_Comm_rank(cart, &me);
    T_OK(MPI_Cart_shift(cart, 0, 1, &nb[0], &nb[1]));
    T_OK(MPI_Cart_shift(cart, 1, 1, &nb[2], &nb[3]));
    int got[4] = {-1, -1, -1, -1};
    T_OK(MPI_Neighbor_allgather(&me, 1, MPI_INT, got, 1, MPI_INT, cart));
    for (int k = 0; k < 4; k++)
        T_EQ(got[k], nb[k] == MPI_PROC_NULL ? -1 : nb[k]);
    /* Alltoall: block k goes to neighbour k; what I get from neighbour k
     * is the block it sent the other way (k ^ 1). */
    int out[4], in[4] = {-1, -1, -1, -1};
    for (int k = 0; k < 4; k++)
        out[k] = me * 10 + k;
    T_OK(MPI_Neighbor_alltoall(out, 1, MPI_INT, in, 1, MPI_INT, cart));
    for (int k = 0; k < 4; k++)
        T_EQ(in[k], nb[k] == MPI_PROC_NULL ? -1 : nb[k] * 10 + (k ^ 1));
    /* The v-variants: neighbour k gets k + 1 elements, with a gap. */
    int counts[4], displs[4], vout[16], vin[16];
    for (int k = 0; k < 4; k++) {
        counts[k] = k + 1;
        displs[k] = k * 4;
    }
    for (int e = 0; e < 16; e++) {
        vout[e] = me * 100 + e;
        vin[e] = -1;
    }
    int two[2] = {me, me};
    int rc[4] = {2, 2, 2, 2}, rd[4] = {0, 4, 8, 12};
    T_OK(MPI_Neighbor_allgatherv(two, 2, MPI_INT, vin, rc, rd, MPI_INT, cart));
    for (int k = 0; k < 4; k++)
        for (int e = 0; e < 4; e++)
            T_EQ(vin[4 * k + e], nb[k] == MPI_PROC_NULL || e >= 2 ? -1 : nb[k]);
    /* What neighbour k sends me is its block k ^ 1: (k ^ 1) + 1 elements. */
    int vrc[4];
    for (int k = 0; k < 4; k++)
        vrc[k] = (k ^ 1) + 1;
    for (int e = 0; e < 16; e++)
        vin[e] = -1;
    T_OK(MPI_Neighbor_alltoallv(vout, counts, displs, MPI_INT, vin, vrc, displs, MPI_INT, cart));
    for (int k = 0; k < 4; k++)
        for (int e = 0; e < 4; e++)
            T_EQ(vin[4 * k + e], nb[k] == MPI_PROC_NULL || e >= vrc[k]
                                     ? -1
                                     : nb[k] * 100 + 4 * (k ^ 1) + e);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    T_EQ(MPI_Neighbor_allgather(&me, 1, MPI_INT, got, 1, MPI_INT, MPI_COMM_WORLD),
         MPI_ERR_TOPOLOGY);
    int bad[4] = {1, -1, 1, 1};
    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    T_EQ(MPI_Neighbor_alltoallv(vout, bad, displs, MPI_INT, vin, vrc, displs, MPI_INT, cart),
         MPI_ERR_COUNT);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    T_OK(MPI_Comm_free(&cart));
}

static void graph(void)
{
    /* A ring as a graph: node i is linked to i-1 and i+1. */
    int *index = malloc((size_t)size * sizeof(int));
    int *edges = malloc(2 * (size_t)size * sizeof(int));
    for (int i = 0; i < size; i++) {
        index[i] = 2 * (i + 1);
        edges[2 * i] = (i + size - 1) % size;
        edges[2 * i + 1] = (i + 1) % size;
    }
    MPI_Comm g;
    T_OK(MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 0, &g));
    int status, n, e, nb[2];
    T_OK(MPI_Topo_test(g, &status));
    T_EQ(status, MPI_GRAPH);
    T_OK(MPI_Graphdims_get(g, &n, &e));
    T_EQ(n, size);
    T_EQ(e, 2 * size);
    T_OK(MPI_Graph_neighbors_count(g, rank, &n));
    T_EQ(n, 2);
    T_OK(MPI_Graph_neighbors(g, rank, 2, nb));
    T_EQ(nb[0], (rank + size - 1) % size);
    T_EQ(nb[1], (rank + 1) % size);
    int gi[64], ge[128];
    T_OK(MPI_Graph_get(g, size, 2 * size, gi, ge));
    for (int i = 0; i < size; i++)
        T_EQ(gi[i], index[i]);
    for (int i = 0; i < 2 * size; i++)
        T_EQ(ge[i], edges[i]);
    MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
    T_EQ(MPI_Graph_neighbors_count(g, size, &n), MPI_ERR_RANK);
    T_OK(MPI_Comm_free(&g));

    /* reorder = 1, then neighbour collectives on the graph: the ranks seen
     * are those of the graph communicator, whatever they are. */
    T_OK(MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 1, &g));
    int me;
    T_OK(MPI_Comm_rank(g, &me));
    T_OK(MPI_Graph_neighbors(g, me, 2, nb));
    T_EQ(nb[0], (me + size - 1) % size);
    T_EQ(nb[1], (me + 1) % size);
    int got[2] = {-1, -1};
    T_OK(MPI_Neighbor_allgather(&me, 1, MPI_INT, got, 1, MPI_INT, g));
    T_EQ(got[0], nb[0]);
    T_EQ(got[1], nb[1]);
    /* Alltoall: block k to edge k.  I am my left neighbour's right (its
     * block 1) and my right neighbour's left (its block 0); with two ranks
     * both edges join the same pair and match in order. */
    int out[2] = {me * 10, me * 10 + 1}, in[2] = {-1, -1};
    T_OK(MPI_Neighbor_alltoall(out, 1, MPI_INT, in, 1, MPI_INT, g));
    if (size == 2) {
        T_EQ(in[0], nb[0] * 10);
        T_EQ(in[1], nb[0] * 10 + 1);
    } else {
        T_EQ(in[0], nb[0] * 10 + 1);
        T_EQ(in[1], nb[1] * 10);
    }
    /* The graph's ranks are a permutation of WORLD's. */
    MPI_Group gg, wg;
    int *all = malloc((size_t)size * sizeof(int)), *w = malloc((size_t)size * sizeof(int));
    for (int i = 0; i < size; i++)
        all[i] = i;
    T_OK(MPI_Comm_group(g, &gg));
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    T_OK(MPI_Group_translate_ranks(gg, size, all, wg, w));
    T_EQ(w[me], rank);
    for (int i = 0; i < size; i++)
        for (int j = 0; j < i; j++)
            T_CHECK(w[i] != w[j]);
    free(all);
    free(w);
    T_OK(MPI_Group_free(&gg));
    T_OK(MPI_Group_free(&wg));
    T_OK(MPI_Comm_free(&g));
    free(index);
    free(edges);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    T_CHECK(size >= 2);
    dims_create();
    cartesian();
    neighbors();
    graph();
    MPI_Finalize();
    if (rank == 0)
        printf("t_topo: ok\n");
    return 0;
}

/*
 * rt_topo.h -- the virtual topology a communicator may carry: a Cartesian
 * grid (row-major: the last dimension varies fastest, as MPI specifies) or
 * a graph given by index/edges arrays.
 */
#ifndef MINIMPI_RT_TOPO_H
#define MINIMPI_RT_TOPO_H

#include "rt.h"

typedef struct rt_topo {
    int kind;                      /* MPI_CART or MPI_GRAPH */
    int ndims;                     /* Cartesian */
    int *dims, *periods;
    int nnodes, nedges;            /* graph */
    int *index, *edges;
} rt_topo_t;

rt_topo_t *rt_topo_new_cart(int ndims, const int *dims, const int *periods);
rt_topo_t *rt_topo_new_graph(int nnodes, const int *index, const int *edges);
rt_topo_t *rt_topo_dup(const rt_topo_t *t);
void rt_topo_free(rt_topo_t *t);

/* Rank <-> coordinates in a Cartesian topology (coordinates in range). */
int rt_topo_cart_rank(const rt_topo_t *t, const int *coords);
void rt_topo_cart_coords(const rt_topo_t *t, int rank, int *coords);

#endif /* MINIMPI_RT_TOPO_H */

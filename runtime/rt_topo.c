/*
 * rt_topo.c -- topology descriptions (see rt_topo.h).
 */
#include "rt_topo.h"

#include <stdlib.h>
#include <string.h>

static int *copy_ints(int n, const int *src)
{
    int *p = malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
    if (p != NULL && n > 0 && src != NULL)
        memcpy(p, src, (size_t)n * sizeof(int));
    return p;
}

rt_topo_t *rt_topo_new_cart(int ndims, const int *dims, const int *periods)
{
    rt_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->kind = MPI_CART;
    t->ndims = ndims;
    t->dims = copy_ints(ndims, dims);
    t->periods = copy_ints(ndims, NULL);
    if (t->dims == NULL || t->periods == NULL) {
        rt_topo_free(t);
        return NULL;
    }
    for (int i = 0; i < ndims; i++)
        t->periods[i] = periods[i] != 0;
    return t;
}

rt_topo_t *rt_topo_new_graph(int nnodes, const int *index, const int *edges)
{
    rt_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->kind = MPI_GRAPH;
    t->nnodes = nnodes;
    t->nedges = nnodes > 0 ? index[nnodes - 1] : 0;
    t->index = copy_ints(nnodes, index);
    t->edges = copy_ints(t->nedges, edges);
    if (t->index == NULL || t->edges == NULL) {
        rt_topo_free(t);
        return NULL;
    }
    return t;
}

rt_topo_t *rt_topo_dup(const rt_topo_t *t)
{
    if (t == NULL)
        return NULL;
    if (t->kind == MPI_CART)
        return rt_topo_new_cart(t->ndims, t->dims, t->periods);
    return rt_topo_new_graph(t->nnodes, t->index, t->edges);
}

void rt_topo_free(rt_topo_t *t)
{
    if (t == NULL)
        return;
    free(t->dims);
    free(t->periods);
    free(t->index);
    free(t->edges);
    free(t);
}

int rt_topo_cart_rank(const rt_topo_t *t, const int *coords)
{
    int rank = 0;
    for (int i = 0; i < t->ndims; i++)
        rank = rank * t->dims[i] + coords[i];
    return rank;
}

void rt_topo_cart_coords(const rt_topo_t *t, int rank, int *coords)
{
    for (int i = t->ndims - 1; i >= 0; i--) {
        coords[i] = rank % t->dims[i];
        rank /= t->dims[i];
    }
}

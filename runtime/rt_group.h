/*
 * rt_group.h -- process groups: an ordered list of world ranks.  Every
 * group handle owns its own object (MPI_Comm_group makes a copy), so a
 * group needs no reference count; MPI_GROUP_EMPTY is the one permanent
 * group.
 */
#ifndef MINIMPI_RT_GROUP_H
#define MINIMPI_RT_GROUP_H

#include "rt.h"

typedef struct rt_group {
    MPI_Group handle;
    int size;
    int rank;                      /* my index in it, or MPI_UNDEFINED */
    int *world_ranks;              /* [size] */
} rt_group_t;

/* NULL when `handle` is not a live group. */
rt_group_t *rt_group_get(MPI_Group handle);
/* A new group of the given world ranks (copied), with a handle; NULL when
 * out of memory. */
rt_group_t *rt_group_new(int size, const int *world_ranks);
void rt_group_free(rt_group_t *g);
/* Index of world rank `w` in g, or MPI_UNDEFINED. */
int rt_group_find(const rt_group_t *g, int world_rank);
/* MPI_IDENT, MPI_SIMILAR or MPI_UNEQUAL (runtime/mpi_group.c). */
int rt_group_compare(const rt_group_t *a, const rt_group_t *b);
void rt_group_finalize(void);

#endif /* MINIMPI_RT_GROUP_H */

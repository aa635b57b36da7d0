/*
 * rt_group.c -- the group table (see rt_group.h).
 */
#include "rt_group.h"

#include <stdlib.h>
#include <string.h>

#include "rt_handles.h"

static rt_group_t group_empty = {MPI_GROUP_EMPTY, 0, MPI_UNDEFINED, NULL};
static rt_htable_t group_table = RT_HTABLE_INIT(MINIMPI_KIND_GROUP, 1);

rt_group_t *rt_group_get(MPI_Group handle)
{
    if (handle == MPI_GROUP_EMPTY)
        return &group_empty;
    return rt_htable_get(&group_table, handle);
}

int rt_group_find(const rt_group_t *g, int world_rank)
{
    for (int i = 0; i < g->size; i++)
        if (g->world_ranks[i] == world_rank)
            return i;
    return MPI_UNDEFINED;
}

rt_group_t *rt_group_new(int size, const int *world_ranks)
{
    rt_group_t *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->world_ranks = malloc((size_t)(size > 0 ? size : 1) * sizeof(int));
    if (g->world_ranks == NULL)
        goto free_group;
    if (size > 0)
        memcpy(g->world_ranks, world_ranks, (size_t)size * sizeof(int));
    g->size = size;
    g->rank = rt_group_find(g, rt_proc.world_rank);
    int h = rt_htable_add(&group_table, g);
    if (h == -1)
        goto free_ranks;
    g->handle = h;
    return g;
free_ranks:
    free(g->world_ranks);
free_group:
    free(g);
    return NULL;
}

void rt_group_free(rt_group_t *g)
{
    if (g == &group_empty)
        return;
    rt_htable_remove(&group_table, g->handle);
    free(g->world_ranks);
    free(g);
}

void rt_group_finalize(void)
{
    for (size_t i = 0; i < group_table.cap; i++) {
        rt_group_t *g = rt_htable_at(&group_table, i);
        if (g != NULL)
            rt_group_free(g);
    }
    rt_htable_clear(&group_table);
}

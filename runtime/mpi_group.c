/*
 * mpi_group.c -- MPI entry points for process groups.
 *
 * Set operations keep the standard's order: union lists group1, then the
 * members of group2 not in group1; intersection and difference keep
 * group1's order.
 */
#include "rt_group.h"

#include <stdlib.h>
#include <string.h>

#define CHECK_GROUP(CALL, HANDLE, OUT)                                        \
    do {                                                                      \
        (OUT) = rt_group_get(HANDLE);                                         \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_GROUP, "invalid group");        \
    } while (0)

#define CHECK_ARG(CALL, PTR, NAME)                                            \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

/* Hand out a new group of `n` world ranks. */
static int give_group(const char *call, int n, const int *world, MPI_Group *newgroup)
{
    if (n == 0) {
        *newgroup = MPI_GROUP_EMPTY;
        return MPI_SUCCESS;
    }
    rt_group_t *g = rt_group_new(n, world);
    if (g == NULL)
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory creating a group of %d", n);
    *newgroup = g->handle;
    return MPI_SUCCESS;
}

int MPI_Group_size(MPI_Group group, int *size)
{
    rt_group_t *g;
    RT_CHECK_INIT("MPI_Group_size");
    CHECK_GROUP("MPI_Group_size", group, g);
    CHECK_ARG("MPI_Group_size", size, "size");
    *size = g->size;
    return MPI_SUCCESS;
}

int MPI_Group_rank(MPI_Group group, int *rank)
{
    rt_group_t *g;
    RT_CHECK_INIT("MPI_Group_rank");
    CHECK_GROUP("MPI_Group_rank", group, g);
    CHECK_ARG("MPI_Group_rank", rank, "rank");
    *rank = g->rank;
    return MPI_SUCCESS;
}

int MPI_Group_free(MPI_Group *group)
{
    rt_group_t *g;
    RT_CHECK_INIT("MPI_Group_free");
    CHECK_ARG("MPI_Group_free", group, "group");
    CHECK_GROUP("MPI_Group_free", *group, g);
    rt_group_free(g);
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}

/* Ranks of g listed in `ranks` (n of them) must be valid and distinct;
 * marks[] (g->size) gets 1 for each. */
static int check_rank_list(const char *call, const rt_group_t *g, int n, const int ranks[],
                           char *marks)
{
    for (int i = 0; i < n; i++) {
        int r = ranks[i];
        if (r < 0 || r >= g->size)
            return rt_err(NULL, call, MPI_ERR_RANK, "ranks[%d] = %d is not in a group of size %d",
                          i, r, g->size);
        if (marks[r])
            return rt_err(NULL, call, MPI_ERR_RANK, "rank %d appears twice (ranks[%d])", r, i);
        marks[r] = 1;
    }
    return MPI_SUCCESS;
}

static int incl_excl(const char *call, MPI_Group group, int n, const int ranks[], int excl,
                     MPI_Group *newgroup)
{
    rt_group_t *g;
    RT_CHECK_INIT(call);
    CHECK_GROUP(call, group, g);
    CHECK_ARG(call, newgroup, "newgroup");
    if (n < 0 || n > g->size)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid n %d (group size %d)", n, g->size);
    if (n > 0)
        CHECK_ARG(call, ranks, "ranks");
    char *marks = calloc((size_t)g->size + 1, 1);
    int *world = malloc(((size_t)g->size + 1) * sizeof(int));
    int err = MPI_SUCCESS;
    if (marks == NULL || world == NULL) {
        err = rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
        goto free_arrays;
    }
    err = check_rank_list(call, g, n, ranks, marks);
    if (err != MPI_SUCCESS)
        goto free_arrays;
    int k = 0;
    if (!excl) {
        for (int i = 0; i < n; i++)
            world[k++] = g->world_ranks[ranks[i]];
    } else {
        for (int i = 0; i < g->size; i++)
            if (!marks[i])
                world[k++] = g->world_ranks[i];
    }
    err = give_group(call, k, world, newgroup);
free_arrays:
    free(marks);
    free(world);
    return err;
}

int MPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return incl_excl("MPI_Group_incl", group, n, ranks, 0, newgroup);
}

int MPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return incl_excl("MPI_Group_excl", group, n, ranks, 1, newgroup);
}

/* Expand (first, last, stride) triplets into a rank list. */
static int expand_ranges(const char *call, const rt_group_t *g, int n, int ranges[][3],
                         int **out, int *count)
{
    if (n < 0)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid n %d", n);
    if (n > 0 && ranges == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "ranges is NULL");
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        if (stride == 0)
            return rt_err(NULL, call, MPI_ERR_ARG, "ranges[%d] has stride 0", i);
        if (first < 0 || first >= g->size || last < 0 || last >= g->size)
            return rt_err(NULL, call, MPI_ERR_RANK,
                          "ranges[%d] = (%d, %d, %d) leaves a group of size %d", i, first, last,
                          stride, g->size);
        if ((last - first) / stride >= 0)
            total += (size_t)((last - first) / stride) + 1;
    }
    if (total > (size_t)g->size)
        return rt_err(NULL, call, MPI_ERR_RANK, "the ranges name %zu ranks of a group of %d",
                      total, g->size);
    int *list = malloc((total + 1) * sizeof(int));
    if (list == NULL)
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    int k = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        if ((last - first) / stride < 0)
            continue;
        for (int r = first; stride > 0 ? r <= last : r >= last; r += stride)
            list[k++] = r;
    }
    *out = list;
    *count = k;
    return MPI_SUCCESS;
}

static int range_incl_excl(const char *call, MPI_Group group, int n, int ranges[][3], int excl,
                           MPI_Group *newgroup)
{
    rt_group_t *g;
    RT_CHECK_INIT(call);
    CHECK_GROUP(call, group, g);
    int *list = NULL, count = 0;
    int err = expand_ranges(call, g, n, ranges, &list, &count);
    if (err != MPI_SUCCESS)
        return err;
    err = incl_excl(call, group, count, list, excl, newgroup);
    free(list);
    return err;
}

int MPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return range_incl_excl("MPI_Group_range_incl", group, n, ranges, 0, newgroup);
}

int MPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return range_incl_excl("MPI_Group_range_excl", group, n, ranges, 1, newgroup);
}

enum set_op { SET_UNION, SET_INTERSECTION, SET_DIFFERENCE };

static int set_op(const char *call, MPI_Group group1, MPI_Group group2, enum set_op op,
                  MPI_Group *newgroup)
{
    rt_group_t *a, *b;
    RT_CHECK_INIT(call);
    CHECK_GROUP(call, group1, a);
    CHECK_GROUP(call, group2, b);
    CHECK_ARG(call, newgroup, "newgroup");
    int *world = malloc(((size_t)a->size + (size_t)b->size + 1) * sizeof(int));
    if (world == NULL)
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    int k = 0;
    for (int i = 0; i < a->size; i++) {
        int in_b = rt_group_find(b, a->world_ranks[i]) != MPI_UNDEFINED;
        if (op == SET_UNION || (op == SET_INTERSECTION) == in_b)
            world[k++] = a->world_ranks[i];
    }
    if (op == SET_UNION)
        for (int i = 0; i < b->size; i++)
            if (rt_group_find(a, b->world_ranks[i]) == MPI_UNDEFINED)
                world[k++] = b->world_ranks[i];
    int err = give_group(call, k, world, newgroup);
    free(world);
    return err;
}

int MPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_union", group1, group2, SET_UNION, newgroup);
}

int MPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_intersection", group1, group2, SET_INTERSECTION, newgroup);
}

int MPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_difference", group1, group2, SET_DIFFERENCE, newgroup);
}

int MPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2,
                              int ranks2[])
{
    const char *call = "MPI_Group_translate_ranks";
    rt_group_t *a, *b;
    RT_CHECK_INIT(call);
    CHECK_GROUP(call, group1, a);
    CHECK_GROUP(call, group2, b);
    if (n < 0)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid n %d", n);
    if (n > 0) {
        CHECK_ARG(call, ranks1, "ranks1");
        CHECK_ARG(call, ranks2, "ranks2");
    }
    for (int i = 0; i < n; i++) {
        int r = ranks1[i];
        if (r == MPI_PROC_NULL) {
            ranks2[i] = MPI_PROC_NULL;
            continue;
        }
        if (r < 0 || r >= a->size)
            return rt_err(NULL, call, MPI_ERR_RANK, "ranks1[%d] = %d is not in a group of size %d",
                          i, r, a->size);
        ranks2[i] = rt_group_find(b, a->world_ranks[r]);
    }
    return MPI_SUCCESS;
}

/* IDENT: same members in the same order; SIMILAR: same members. */
int rt_group_compare(const rt_group_t *a, const rt_group_t *b)
{
    if (a->size != b->size)
        return MPI_UNEQUAL;
    int same_order = 1;
    for (int i = 0; i < a->size; i++) {
        if (a->world_ranks[i] != b->world_ranks[i])
            same_order = 0;
        if (rt_group_find(b, a->world_ranks[i]) == MPI_UNDEFINED)
            return MPI_UNEQUAL;
    }
    return same_order ? MPI_IDENT : MPI_SIMILAR;
}

int MPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result)
{
    rt_group_t *a, *b;
    RT_CHECK_INIT("MPI_Group_compare");
    CHECK_GROUP("MPI_Group_compare", group1, a);
    CHECK_GROUP("MPI_Group_compare", group2, b);
    CHECK_ARG("MPI_Group_compare", result, "result");
    *result = rt_group_compare(a, b);
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Group_compare = PMPI_Group_compare
#pragma weak MPI_Group_difference = PMPI_Group_difference
#pragma weak MPI_Group_excl = PMPI_Group_excl
#pragma weak MPI_Group_free = PMPI_Group_free
#pragma weak MPI_Group_incl = PMPI_Group_incl
#pragma weak MPI_Group_intersection = PMPI_Group_intersection
#pragma weak MPI_Group_range_excl = PMPI_Group_range_excl
#pragma weak MPI_Group_range_incl = PMPI_Group_range_incl
#pragma weak MPI_Group_rank = PMPI_Group_rank
#pragma weak MPI_Group_size = PMPI_Group_size
#pragma weak MPI_Group_translate_ranks = PMPI_Group_translate_ranks
#pragma weak MPI_Group_union = PMPI_Group_union

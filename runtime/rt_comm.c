/*
 * rt_comm.c -- the communicator table.  MPI_COMM_WORLD and MPI_COMM_SELF
 * are entries 0 and 1; a handle's low 24 bits index the table.  Context ids
 * keep messages of different communicators apart in matching: WORLD uses 0
 * and SELF 2 (each also owns the odd id above it for its collectives; later
 * communicators get fresh pairs).
 */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_COMM_HANDLE_BASE (MINIMPI_KIND_COMM << 24)
#define RT_COMM_TABLE_MAX 2

static rt_comm_t comm_table[RT_COMM_TABLE_MAX];
static int comm_alive[RT_COMM_TABLE_MAX];
static int self_world_rank;

rt_comm_t *rt_comm_get(MPI_Comm handle)
{
    unsigned int h = (unsigned int)handle;
    unsigned int index = h & 0xffffffu;
    if ((h >> 24) != MINIMPI_KIND_COMM || index >= RT_COMM_TABLE_MAX || !comm_alive[index])
        return NULL;
    return &comm_table[index];
}

static void comm_setup(int index, int context_id, int rank, int size, int *world_rank_of,
                       const char *name)
{
    rt_comm_t *c = &comm_table[index];
    c->handle = (MPI_Comm)(RT_COMM_HANDLE_BASE | index);
    c->context_id = context_id;
    c->rank = rank;
    c->size = size;
    c->world_rank_of = world_rank_of;
    c->errhandler = MPI_ERRORS_ARE_FATAL;
    snprintf(c->name, sizeof(c->name), "%s", name);
    comm_alive[index] = 1;
}

int rt_comm_init_predefined(void)
{
    int size = rt_proc.world_size;
    int *world = malloc((size_t)size * sizeof(int));
    if (world == NULL)
        return -1;
    for (int r = 0; r < size; r++)
        world[r] = r;
    self_world_rank = rt_proc.world_rank;
    comm_setup(0, 0, rt_proc.world_rank, size, world, "MPI_COMM_WORLD");
    comm_setup(1, 2, 0, 1, &self_world_rank, "MPI_COMM_SELF");
    return 0;
}

/*
 * The objects stay readable after MPI_Finalize (so MPI_COMM_WORLD's error
 * handler still applies to calls made too late); only the memory goes.
 */
void rt_comm_finalize(void)
{
    free(comm_table[0].world_rank_of);
    comm_table[0].world_rank_of = NULL;
}

/*
 * pmpi_counter.h -- what the profiling tool of pmpi_counter.c counted: how
 * many times the program called each wrapped MPI function.
 */
#ifndef PMPI_COUNTER_H
#define PMPI_COUNTER_H

struct pmpi_counts {
    int send, isend, recv, allreduce, reduce, create_keyval, get_extent, wtime;
};

extern struct pmpi_counts pmpi_counts;

#endif

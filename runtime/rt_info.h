/*
 * rt_info.h -- MPI_Info objects: ordered (key, value) string pairs.
 * Calls that take an info accept it and, for now, use no hint.
 */
#ifndef MINIMPI_RT_INFO_H
#define MINIMPI_RT_INFO_H

#include "rt.h"

/* A live info object (MPI_INFO_ENV included; MPI_INFO_NULL is not). */
int rt_info_valid(MPI_Info info);
/* A new empty info object: MPI_SUCCESS or MPI_ERR_NO_MEM. */
int rt_info_create(MPI_Info *info);

#endif /* MINIMPI_RT_INFO_H */

/*
 * mpi_datatype.c -- MPI entry points for datatypes (predefined ones for now).
 */
#include "rt.h"

int MPI_Type_size(MPI_Datatype datatype, int *size)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_size");
    RT_CHECK_DATATYPE("MPI_Type_size", NULL, datatype, dt);
    if (size == NULL)
        return rt_err(NULL, "MPI_Type_size", MPI_ERR_ARG, "size is NULL");
    *size = (int)dt->size;
    return MPI_SUCCESS;
}

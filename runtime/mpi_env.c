/*
 * mpi_env.c -- MPI entry points that describe the environment.
 */
#include "rt.h"

#include <string.h>

int MPI_Query_thread(int *provided)
{
    RT_CHECK_INIT("MPI_Query_thread");
    if (provided == NULL)
        return rt_err(NULL, "MPI_Query_thread", MPI_ERR_ARG, "provided is NULL");
    *provided = rt_proc.thread_level;
    return MPI_SUCCESS;
}

int MPI_Is_thread_main(int *flag)
{
    RT_CHECK_INIT("MPI_Is_thread_main");
    if (flag == NULL)
        return rt_err(NULL, "MPI_Is_thread_main", MPI_ERR_ARG, "flag is NULL");
    *flag = pthread_equal(pthread_self(), rt_proc.main_thread) != 0;
    return MPI_SUCCESS;
}

int MPI_Get_processor_name(char *name, int *resultlen)
{
    RT_CHECK_INIT("MPI_Get_processor_name");
    if (name == NULL || resultlen == NULL)
        return rt_err(NULL, "MPI_Get_processor_name", MPI_ERR_ARG, "name or resultlen is NULL");
    size_t len = strnlen(rt_proc.hostname, MPI_MAX_PROCESSOR_NAME - 1);
    memcpy(name, rt_proc.hostname, len);
    name[len] = '\0';
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

/* Allowed at any time, even before MPI_Init. */
int MPI_Get_version(int *version, int *subversion)
{
    if (version == NULL || subversion == NULL)
        return rt_err(NULL, "MPI_Get_version", MPI_ERR_ARG, "version or subversion is NULL");
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}

int MPI_Get_library_version(char *version, int *resultlen)
{
    static const char text[] = "minimpi " MINIMPI_VERSION_STRING
                               " (MPI " "3.1" " subset; transports: self, shm, ofi)";
    if (version == NULL || resultlen == NULL)
        return rt_err(NULL, "MPI_Get_library_version", MPI_ERR_ARG,
                      "version or resultlen is NULL");
    memcpy(version, text, sizeof(text));
    *resultlen = (int)sizeof(text) - 1;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Get_library_version = PMPI_Get_library_version
#pragma weak MPI_Get_processor_name = PMPI_Get_processor_name
#pragma weak MPI_Get_version = PMPI_Get_version
#pragma weak MPI_Is_thread_main = PMPI_Is_thread_main
#pragma weak MPI_Query_thread = PMPI_Query_thread

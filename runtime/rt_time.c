/*
 * rt_time.c -- MPI_Wtime's clock: CLOCK_MONOTONIC, so it never jumps back.
 * It is local to each process (MPI_WTIME_IS_GLOBAL is false).
 */
#include "rt.h"

#include <time.h>

double rt_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double MPI_Wtime(void)
{
    return rt_wtime();
}

double MPI_Wtick(void)
{
    struct timespec res;
    if (clock_getres(CLOCK_MONOTONIC, &res) != 0 || (res.tv_sec == 0 && res.tv_nsec == 0))
        return 1e-9;
    return (double)res.tv_sec + (double)res.tv_nsec * 1e-9;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Wtick = PMPI_Wtick
#pragma weak MPI_Wtime = PMPI_Wtime

/*
 * t_ofi_loaded.c -- libfabric is in the process only when the libfabric
 * transport started: "t_ofi_loaded yes" (run with MINIMPI_TRANSPORTS=ofi)
 * or "t_ofi_loaded no" (a one-node job, shared memory only), checked in
 * /proc/self/maps after MPI_Init and a message to every rank.  Linked, it
 * cost every process about 0.2 s at start-up (transports/ofi/ofi_lib.h).
 */
#include "t_util.h"

#include <stdio.h>
#include <string.h>

static int libfabric_mapped(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        T_FAIL("cannot read /proc/self/maps");
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof(line), maps) != NULL)
        if (strstr(line, "/libfabric.so") != NULL)
            found = 1;
    fclose(maps);
    return found;
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    if (argc != 2 || (strcmp(argv[1], "yes") != 0 && strcmp(argv[1], "no") != 0))
        T_FAIL("usage: t_ofi_loaded yes|no");
    int token = t_rank;
    MPI_Allreduce(MPI_IN_PLACE, &token, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (token != t_size * (t_size - 1) / 2)
        T_FAIL("allreduce gave %d", token);
    int want = strcmp(argv[1], "yes") == 0, got = libfabric_mapped();
    if (got != want)
        T_FAIL("libfabric %s mapped, expected %s", got ? "is" : "is not", want ? "it" : "not");
    t_finalize();
    return 0;
}

#!/bin/bash
# Truncation: MPI_ERR_TRUNCATE under MPI_ERRORS_RETURN and the job goes on
# (t_truncate.c); under the default MPI_ERRORS_ARE_FATAL the job is aborted
# with a message naming the rank and MPI_Recv (t_truncate_fatal.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_truncate; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_truncate
mpitest --exit nonzero --stderr "rank 0 .*MPI_Recv" 1 t_truncate_fatal
for n in 2 4 8; do
    mpitest --exit nonzero --stderr "rank 1 .*MPI_Recv" $n t_truncate_fatal
done
finish

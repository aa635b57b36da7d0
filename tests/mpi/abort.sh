#!/bin/bash
# MPI_Abort(MPI_COMM_WORLD, 7) ends the job with status 7 (t_abort.c).
. "$(dirname "$0")/lib.sh"
mpitest --exit 7 --stderr "rank 0 .*MPI_Abort" 1 t_abort
for n in 2 4 8; do mpitest --exit 7 --stderr "rank 1 .*MPI_Abort" $n t_abort; done
finish

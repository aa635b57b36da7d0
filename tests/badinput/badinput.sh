#!/bin/bash
# Bad input (issue 9): t_badinput's table of bad calls under
# MPI_ERRORS_RETURN on 3 ranks (it also fails for any function of
# mpi.h without a case), then single bad calls under MPI_ERRORS_ARE_FATAL:
# the job ends non-zero, the message names the rank, host, pid, call and
# argument, and nothing is left behind (run-test.sh checks processes and
# /dev/shm).
. "$(dirname "$0")/../mpi/lib.sh"
here=$(dirname "$0")/../mpi   # where lib.sh's mpitest finds run-test.sh
export MPI_TEST_DIR=${MPI_TEST_DIR:-tests/badinput}
# The counts of cases tried and of functions covered, in the log.
export MPI_TEST_SHOW=${MPI_TEST_SHOW:-'^t_badinput: (rank 0: |[0-9]+ functions)'}
header=$(cd "$(dirname "$0")/../../include" && pwd)/mpi.h
mpitest 3 t_badinput --header "$header"
who="minimpi: rank 1 on [^ ]+ \(pid [0-9]+\)"
mpitest --exit nonzero --stderr "^$who: MPI_Send: invalid count -1" 2 t_badinput --fatal count
mpitest --exit nonzero --stderr "^$who: MPI_Recv: invalid source rank 5 \(communicator size 2\)" \
    2 t_badinput --fatal rank
mpitest --exit nonzero --stderr "^$who: MPI_Barrier: invalid communicator" 2 t_badinput --fatal comm
finish

#!/bin/bash
# A short run of the message-integrity stress program (t_stress.c) with 2, 4
# and 8 ranks (8 oversubscribe a 2-core machine), and once with the pipelined
# copy instead of single copy (MINIMPI_SHM_CMA=0).  Each run uses a fresh
# seed, printed by the program and by run-test.sh on a failure; repeat one
# with STRESS_SEED=S.  run-test.sh also fails a run that leaves a process or
# a /dev/shm/minimpi-* entry behind.
. "$(dirname "$0")/../mpi/lib.sh"
here=$(dirname "$0")/../mpi   # where lib.sh's mpitest finds run-test.sh
export MPI_TEST_DIR=${MPI_TEST_DIR:-tests/stress}
# The counts of messages checked, in the log.
export MPI_TEST_SHOW=${MPI_TEST_SHOW:-'^t_stress: seed [0-9]+: '}
# Should a run stall (t_stress reports it after 60 s), mini-mpirun's hang
# report comes first and says what every rank is blocked in: t_stress itself
# only knows what its own rank waits for.
export MINIMPI_HANG_TIMEOUT=${MINIMPI_HANG_TIMEOUT:-20} MINIMPI_HANG_ACTION=report
seed() { echo "${STRESS_SEED:-$(( ($(date +%s%N) / 1000) % 4294967296 ))}"; }
mpitest 2 t_stress --seed "$(seed)" --messages 600
# 4 ranks oversubscribe 2 cores, where the cooperative single copy is off
# unless asked for: asked for here, so random sizes and types cross it.
mpitest -x MINIMPI_SHM_CMA_SPLIT=64k 4 t_stress --seed "$(seed)" --messages 300 --max-size 1048576
mpitest 8 t_stress --seed "$(seed)" --messages 150 --max-size 262144
mpitest -x MINIMPI_SHM_CMA=0 4 t_stress --seed "$(seed)" --messages 300 --max-size 1048576
finish

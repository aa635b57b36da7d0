#!/bin/bash
# soak.sh -- the long run of the stress program (`make soak`): for each rank
# count in SOAK_RANKS (default "2 4 8"), t_stress runs rounds of 1000
# messages per rank, sizes up to 4 MiB, for SOAK_SECONDS (default 600), with
# single copy and, for as long again, with the pipelined copy, first over
# shared memory and then over libfabric (MINIMPI_TRANSPORTS=ofi; single copy
# is fi_read there, MINIMPI_OFI_RMA=0 the pipelined copy).  SOAK_TRANSPORTS
# picks ("shm ofi" by default), SOAK_SEED repeats a run; SOAK_ENV adds
# "VAR=value ..." for every rank.  Run from the build directory; exits
# non-zero if any run failed.
set -u
here=$(dirname "$0")
secs=${SOAK_SECONDS:-600}
export MPI_TEST_DIR=${MPI_TEST_DIR:-tests/stress}
# The counts of messages checked, in the log.
export MPI_TEST_SHOW=${MPI_TEST_SHOW:-'^t_stress: seed [0-9]+: '}
# A round may end after the duration; a loaded machine stretches it further.
export MPI_TEST_TIMEOUT=$((secs * 2 + 1800))
envs=()
for e in ${SOAK_ENV:-}; do envs+=(-x "$e"); done
failures=0
for tp in ${SOAK_TRANSPORTS:-shm ofi}; do
    case $tp in
    shm) copy=(-x MINIMPI_SHM_CMA=) ;;
    ofi) copy=(-x MINIMPI_TRANSPORTS=ofi -x MINIMPI_OFI_RMA=) ;;
    *) echo "soak: unknown transport '$tp' in SOAK_TRANSPORTS"; exit 2 ;;
    esac
    last=$((${#copy[@]} - 1))
    for n in ${SOAK_RANKS:-2 4 8}; do
        for single in 1 0; do
            seed=${SOAK_SEED:-$(( ($(date +%s%N) / 1000) % 4294967296 ))}
            opts=("${copy[@]}")
            opts[last]=${copy[last]}$single
            "$here/../mpi/run-test.sh" ${envs[@]+"${envs[@]}"} "${opts[@]}" "$n" \
                t_stress --seed "$seed" --messages 1000 --duration "$secs" --stall 120 ||
                failures=$((failures + 1))
        done
    done
done
[ "$failures" -eq 0 ] || { echo "soak: $failures run(s) failed"; exit 1; }
echo "soak: all runs passed"

#!/bin/bash
# soak.sh -- the long run of the stress program (`make soak`): for each rank
# count in SOAK_RANKS (default "2 4 8"), t_stress runs rounds of 1000
# messages per rank, sizes up to 4 MiB, for SOAK_SECONDS (default 600), with
# single copy and, for as long again, with the pipelined copy.  SOAK_SEED
# repeats a run; SOAK_ENV adds "VAR=value ..." for every rank (for example
# MINIMPI_TRANSPORTS=ofi once that transport exists).  Run from the build
# directory; exits non-zero if any run failed.
set -u
here=$(dirname "$0")
secs=${SOAK_SECONDS:-600}
export MPI_TEST_DIR=${MPI_TEST_DIR:-tests/stress}
# A round may end after the duration; a loaded machine stretches it further.
export MPI_TEST_TIMEOUT=$((secs * 2 + 1800))
envs=()
for e in ${SOAK_ENV:-}; do envs+=(-x "$e"); done
failures=0
for n in ${SOAK_RANKS:-2 4 8}; do
    for cma in 1 0; do
        seed=${SOAK_SEED:-$(( ($(date +%s%N) / 1000) % 4294967296 ))}
        "$here/../mpi/run-test.sh" ${envs[@]+"${envs[@]}"} -x MINIMPI_SHM_CMA=$cma "$n" \
            t_stress --seed "$seed" --messages 1000 --duration "$secs" --stall 120 ||
            failures=$((failures + 1))
    done
done
[ "$failures" -eq 0 ] || { echo "soak: $failures run(s) failed"; exit 1; }
echo "soak: all runs passed"

#!/bin/bash
# test_hydra.sh -- bootstrap interoperability with MPICH's process manager:
#   - MPICH's mpiexec (Hydra) launches minimpi programs: they speak PMI-1 to
#     Hydra over the PMI_FD it passes (ping-pong, and t_launch_env: universe
#     size, appnum, Comm_split_type by node, a collective);
#   - mini-mpirun launches t_launch_env built with mpicc.mpich: what MPICH's
#     PMI-1 client asks of our server beyond a ring (tests/launcher/
#     test_mpich.sh runs the ring, its exit codes and MPI_Abort).
# Skipped (77) when MPICH is not installed (apt-get install mpich libmpich-dev).
set -u

for cmd in mpiexec.mpich mpicc.mpich; do
    if ! command -v $cmd >/dev/null 2>&1; then
        echo "SKIP: $cmd not installed (apt-get install mpich libmpich-dev)"
        exit 77
    fi
done
build=$PWD
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/minimpi-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# run_ok NAME COMMAND... : exit 0 within the time limit, no FAIL: line.
run_ok() {
    local name=$1
    shift
    if ! timeout 120 "$@" >"$work/out" 2>&1; then
        echo "FAIL: $name: '$*' exited non-zero"
        tail -n 20 "$work/out"
        failures=$((failures + 1))
    elif grep -q "FAIL:" "$work/out"; then
        echo "FAIL: $name: a rank reported a failure"
        grep "FAIL:" "$work/out" | head -5
        failures=$((failures + 1))
    else
        echo "ok: $name"
    fi
}

run_ok "mpiexec.mpich -n 2 minimpi t_pingpong" mpiexec.mpich -n 2 "$build/tests/mpi/t_pingpong"
run_ok "mpiexec.mpich -n 4 minimpi t_launch_env" mpiexec.mpich -n 4 "$build/tests/interop/t_launch_env" 4

# MPICH's mpi.h annotates MPI_STATUSES_IGNORE in a way GCC 12 warns about.
if mpicc.mpich -std=gnu11 -O1 -Wno-stringop-overflow -o "$work/t_launch_env" \
       "$src/tests/interop/t_launch_env.c"; then
    run_ok "mini-mpirun -n 4 MPICH-built t_launch_env" \
        "$build/launcher/mini-mpirun" --timeout 100 -n 4 "$work/t_launch_env" 4
else
    echo "FAIL: mpicc.mpich could not build t_launch_env"
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
exit 0

#!/bin/bash
# check-reference.sh -- validate the multi-rank tests themselves against
# Open MPI and MPICH: build every tests/mpi/t_*.c with that MPI's mpicc and
# run the test scripts with its launcher (run-test.sh, MPI_TEST_IMPL).  A
# test that fails there either found a bug in that MPI or is wrong itself;
# new tests should pass here before they are trusted with minimpi.
#
#   tests/mpi/check-reference.sh [openmpi|mpich]... [-- SCRIPT...]
#
# Not part of `make check`.  Known differences (Open MPI 4.1 and MPICH 4.0
# as packaged in Debian 12), each a deviation of that MPI, not of the test:
#   - segv.sh, mpich: mpiexec.mpich exits 11 (the signal), not 139.
#   - truncate.sh -n 1, openmpi: MPI_Waitall over a truncated receive from
#     oneself returns MPI_SUCCESS instead of MPI_ERR_IN_STATUS.
#   - sendrecv.sh (t_procnull), mpich: a receive from MPI_PROC_NULL
#     completed by MPI_Test or a persistent request reports source 0 or
#     MPI_ANY_SOURCE instead of MPI_PROC_NULL.
#   - abort.sh, segv.sh, truncate.sh: the checks of mini-mpirun's and
#     minimpi's messages are skipped.

set -u
here=$(cd "$(dirname "$0")" && pwd)
impls=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    impls+=("$1")
    shift
done
[ $# -gt 0 ] && shift
[ ${#impls[@]} -eq 0 ] && impls=(openmpi mpich)
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
    for s in "$here"/*.sh; do
        case $(basename "$s") in lib.sh|run-test.sh|check-reference.sh) ;; *) scripts+=("$s") ;; esac
    done
fi

status=0
for impl in "${impls[@]}"; do
    bin=$(mktemp -d "${TMPDIR:-/tmp}/mpitest-$impl.XXXXXX")
    # MPICH's mpi.h annotates MPI_STATUSES_IGNORE in a way GCC 12 warns about.
    extra=
    [ "$impl" = mpich ] && extra=-Wno-stringop-overflow
    for src in "$here"/t_*.c; do
        p=$(basename "$src" .c)
        [ "$p" = t_util ] && continue
        "mpicc.$impl" -std=gnu11 -O2 -Wall -Wextra -Werror $extra -I"$here" \
            -o "$bin/$p" "$src" "$here/t_util.c" -lpthread || { status=1; continue; }
    done
    for s in "${scripts[@]}"; do
        echo "=== $impl: $(basename "$s")"
        MPI_TEST_IMPL=$impl MPI_TEST_DIR=$bin bash "$s" || status=1
    done
    rm -rf "$bin"
done
exit $status

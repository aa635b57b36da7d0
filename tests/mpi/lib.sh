# lib.sh -- sourced by the multi-rank test scripts (tests/mpi/*.sh): each
# script runs its program through run-test.sh for several rank counts and
# settings, goes on after a failure so that one log shows every failing
# combination, and exits non-zero if any failed.

set -u

here=$(dirname "$0")
failures=0

# mpitest [run-test.sh options] NRANKS PROGRAM [ARGS...]
mpitest() {
    "$here/run-test.sh" "$@" || failures=$((failures + 1))
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures run(s) failed"
        exit 1
    fi
    exit 0
}

#!/bin/sh
# Multi-rank tests of derived datatypes, communicators, groups, attributes,
# topologies and intercommunicators, and the heat2d example, each under
# mini-mpirun --timeout so that nothing can hang `make check`.
set -u

MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
T=${OBJS_TESTS:-./tests/objs}
LIMIT=${RUN_LIMIT:-60}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/objstest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run EXPECTED_STATUS REGEX_IN_OUTPUT N PROGRAM [ARGS...]
run() {
    expected=$1 regex=$2 n=$3
    shift 3
    "$MPIRUN" --timeout "$LIMIT" -n "$n" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    status=$?
    what="$* on $n ranks"
    if [ "$status" -ne "$expected" ]; then
        fail "$what: exit status $status, expected $expected"
        sed 's/^/    stderr: /' "$TMP/err" | head -20 >&2
        sed 's/^/    stdout: /' "$TMP/out" | head -5 >&2
        return
    fi
    if ! grep -Eq -- "$regex" "$TMP/out" "$TMP/err"; then
        fail "$what: no output line matches /$regex/"
        sed 's/^/    got: /' "$TMP/out" "$TMP/err" | head -20 >&2
        return
    fi
    echo "ok: $what"
}

shm_before=$(ls /dev/shm 2>/dev/null | grep -c '^minimpi-' || true)

run 0 '^t_dt_p2p: ok$' 2 "$T/t_dt_p2p"
# Again without single copy: rendezvous data streams through the queues.
MINIMPI_SHM_CMA=0
export MINIMPI_SHM_CMA
run 0 '^t_dt_p2p: ok$' 2 "$T/t_dt_p2p"
unset MINIMPI_SHM_CMA
run 0 '^t_comm: ok$' 4 "$T/t_comm"
run 0 '^t_comm: ok$' 3 "$T/t_comm"
run 0 '^t_topo: ok$' 6 "$T/t_topo"
run 0 '^t_topo: ok$' 4 "$T/t_topo"
for n in 2 3 4 8; do
    run 0 '^t_intercomm: ok$' "$n" "$T/t_intercomm"
done
run 0 '^t_topo: ok$' 2 "$T/t_topo"
for n in 1 2 4 6; do
    run 0 'bit-for-bit equal to the serial run$' "$n" ./examples/heat2d
done

# Errors that are fatal by default name the call and exit with the class.
run 3 'MPI_Send: datatype is not committed' 2 "$T/t_dt_p2p" uncommitted
run 5 'MPI_Comm_free: cannot free MPI_COMM_WORLD' 2 "$T/t_comm" free_world

shm_after=$(ls /dev/shm 2>/dev/null | grep -c '^minimpi-' || true)
[ "$shm_after" -le "$shm_before" ] || fail "files left in /dev/shm"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
exit 0

# expect.sh -- sourced by the scripts that run MPI programs and match their
# output (tests/objs/test_objs.sh, tests/rma/test_rma.sh).  run() puts every
# job under mini-mpirun --timeout, so nothing can hang `make check`, checks
# its exit status and that a line of its output matches; the script goes on
# after a failure so that one log shows every failing run, and ends with
# finish.

set -u

MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
LIMIT=${RUN_LIMIT:-60}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mpiexpect.XXXXXX")
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
    what="$* on $n ranks${MINIMPI_TRANSPORTS:+ (transports $MINIMPI_TRANSPORTS)}"
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

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}

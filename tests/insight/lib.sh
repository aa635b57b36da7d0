# lib.sh -- sourced by the insight tests (test_hang.sh, test_profile.sh,
# test_report_transports.sh): a scratch directory, a job run under
# mini-mpirun --timeout with its output kept for the checks, and failures
# counted into the test's exit status.
set -u
MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
LIMIT=${RUN_LIMIT:-60}
failures=0

# scratch NAME: a scratch directory TMP, removed on exit.
scratch() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
}

# fail WHAT: one failure, shown with the start of the last job's output.
fail() {
    echo "FAIL: $*" >&2
    sed 's/^/    /' "$TMP/out" 2>/dev/null | head -20 >&2
    failures=$((failures + 1))
}

# run_job WHAT WANT_STATUS MPIRUN_ARGS...: stdout and stderr together in
# $TMP/out; a failure of WHAT unless mini-mpirun exits with WANT_STATUS.
# The outer timeout only catches a mini-mpirun that ignores its own.
run_job() {
    what=$1
    want=$2
    shift 2
    timeout -k 5 $((LIMIT + 10)) "$MPIRUN" --timeout "$LIMIT" "$@" >"$TMP/out" 2>&1 </dev/null
    status=$?
    [ "$status" -eq "$want" ] || { fail "$what: exit status $status, not $want"; return 1; }
    return 0
}

# expect_fixed WHAT STRING / expect_match WHAT ERE: some line of the output
# holds STRING / matches ERE.
expect_fixed() {
    if grep -Fq -- "$2" "$TMP/out"; then echo "ok: $1"; else fail "$1: no line holds '$2'"; fi
}
expect_match() {
    if grep -Eq -- "$2" "$TMP/out"; then echo "ok: $1"; else fail "$1: no line matches /$2/"; fi
}

# finish: the test's exit status, from the failures counted.
finish() {
    [ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
    exit 0
}

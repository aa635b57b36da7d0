# lib.sh -- sourced by the collective tests (tests/coll/test_*.sh).
#
# run_ranks N DESCRIPTION PROGRAM [ARGS]: run PROGRAM on N ranks under
# mini-mpirun --timeout (plus timeout(1) in case the launcher itself
# hangs), with the variables exported in COLL_ENV (-x VAR=value each).
set -u

MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
RUN_LIMIT=${RUN_LIMIT:-60}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/colltest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
COLL_ENV=${COLL_ENV:-}

run_ranks() {
    n=$1 what=$2
    shift 2
    xs=""
    for v in $COLL_ENV; do xs="$xs -x $v"; done
    # shellcheck disable=SC2086
    timeout -k 5 $((RUN_LIMIT + 10)) "$MPIRUN" -n "$n" --timeout "$RUN_LIMIT" $xs "$@" \
        >"$TMP/out" 2>"$TMP/err" </dev/null
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL: $what on $n ranks ($COLL_ENV): exit status $status" >&2
        sed 's/^/    /' "$TMP/err" | head -20 >&2
        failures=$((failures + 1))
        return 1
    fi
    echo "ok: $what on $n ranks ($COLL_ENV)"
}

# expect_lines WHAT REGEX...: every REGEX matches a line of the last run's
# stderr (where MINIMPI_VERBOSE=coll names each choice); "!REGEX" must match
# none.  One failure, showing the collective lines, if any does not hold.
expect_lines() {
    what=$1
    shift
    for re in "$@"; do
        case $re in
        !*) ! grep -q -- "${re#!}" "$TMP/err" ;;
        *) grep -q -- "$re" "$TMP/err" ;;
        esac || {
            echo "FAIL: $what (expected /$re/ on stderr)" >&2
            grep "coll:\|minimpi:" "$TMP/err" | head -5 >&2
            failures=$((failures + 1))
            return 1
        }
    done
    echo "ok: $what"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)" >&2
        exit 1
    fi
    exit 0
}

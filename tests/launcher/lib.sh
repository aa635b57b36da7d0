# lib.sh -- sourced by the launcher tests (tests/launcher/test_*.sh).
#
# Every mini-mpirun run goes through run(), which puts it under timeout(1)
# so that no test can hang `make check`, saves its stdout and stderr, and
# checks its exit status.  Helper processes get a marker argument unique to
# the test script, so that leftovers are found by their command line.

set -u

MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
HELPERS=${HELPERS:-./tests/launcher}
MARK="lnchtest-$$-$(date +%s%N)"
RUN_LIMIT=${RUN_LIMIT:-30}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lnchtest.XXXXXX")
OUT=$TMP/out
ERR=$TMP/err
failures=0

cleanup() {
    kill_leftovers >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

pass() {
    echo "ok: $*"
}

# run EXPECTED_STATUS DESCRIPTION COMMAND...: stdout to $OUT, stderr to $ERR.
run() {
    expected=$1 what=$2
    shift 2
    timeout -k 5 "$RUN_LIMIT" "$@" >"$OUT" 2>"$ERR" </dev/null
    status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "$what: exit status $status, expected $expected"
        sed 's/^/    stderr: /' "$ERR" | head -20 >&2
        return 1
    fi
    pass "$what (exit $status)"
    return 0
}

# expect_grep FILE REGEX DESCRIPTION: an extended regex matches a line of FILE.
expect_grep() {
    if grep -Eq -- "$2" "$1"; then
        pass "$3"
    else
        fail "$3: no line matches /$2/"
        sed 's/^/    got: /' "$1" | cut -c1-200 | head -20 >&2
    fi
}

expect_no_grep() {
    if grep -Eq -- "$2" "$1"; then
        fail "$3: a line matches /$2/"
    else
        pass "$3"
    fi
}

# expect_count FILE REGEX N DESCRIPTION: exactly N lines match.
expect_count() {
    n=$(grep -Ec -- "$2" "$1")
    if [ "$n" -eq "$3" ]; then
        pass "$4"
    else
        fail "$4: $n lines match /$2/, expected $3"
    fi
}

leftovers() {
    pgrep -f -- "$MARK" || true
}

kill_leftovers() {
    for pid in $(leftovers); do
        kill -9 "$pid"
    done
}

# Every process started with the marker is gone (the launcher reaps and
# kills whole process groups before it exits).
expect_no_leftovers() {
    left=$(leftovers)
    if [ -n "$left" ]; then
        fail "$1: processes left behind: $(echo $left)"
        kill_leftovers
    else
        pass "$1: no process left"
    fi
}

# agree N DESCRIPTION (test_place.sh, test_multinode.sh): after a --report-bindings run of "pmi_client place"
# on N ranks, each rank's report line, its placement key and its own
# affinity name the same cpus.
agree() {
    r=0
    while [ "$r" -lt "$1" ]; do
        rep=$(grep -E "^\[[^]]+:[0-9]+\] MCW rank $r (bound to|is not bound)" "$ERR" |
            sed -n 's/.* (cpus \([0-9,-]*\))$/\1/p')
        line=$(grep -E "^rank $r place " "$OUT")
        key=$(echo "$line" | sed -n 's/^rank [0-9]* place [0-9]*,[0-9]*,[01],[01],\([0-9,-]*\) .*/\1/p')
        aff=$(echo "$line" | sed -n 's/.* affinity \([0-9,-]*\)$/\1/p')
        if [ -n "$aff" ] && [ "$rep" = "$aff" ] && [ "$key" = "$aff" ]; then
            pass "$2: rank $r runs on cpus $aff, as reported and told"
        else
            fail "$2: rank $r: reported '$rep', PMI key '$key', sched_getaffinity '$aff'"
        fi
        r=$((r + 1))
    done
    expect_count "$ERR" "MCW rank" "$1" "$2: one report line per rank"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}

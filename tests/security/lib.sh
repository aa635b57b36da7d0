# lib.sh -- sourced by the security tests (shm.sh, flood.sh, static.sh):
# checks that count their failures, and for the tests that run a job of
# t_slow_init in the background, its scratch directory, clean-up and end.
set -u
MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
PROG=${PROG:-./tests/security/t_slow_init}
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# finish: the test's exit status, from the failures counted.
finish() {
    [ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
    exit 0
}

# job_scratch: a scratch directory TMP, removed on exit, which also kills
# the background job whose pid is in $job, if it is still there.
job_scratch() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/sectest.XXXXXX")
    job=
    trap 'sec_cleanup' EXIT
}
sec_cleanup() {
    [ -n "$job" ] && kill -KILL "$job" 2>/dev/null
    rm -rf "$TMP"
}

# job_wait: wait for the job; its exit status in $status, its pid (the job
# id's first part) in $jobpid.
job_wait() {
    wait "$job"
    status=$?
    jobpid=$job
    job=
}

# job_completed: the job exited 0 and t_slow_init said its 2 ranks were ok.
job_completed() {
    [ "$status" -eq 0 ] && grep -q "^t_slow_init: 2 ranks: ok" "$TMP/out"
}

# check_shm_clean: nothing of the finished job is left in /dev/shm.
check_shm_clean() {
    left=$(ls -d /dev/shm/minimpi-"$jobpid"-* 2>/dev/null)
    [ -z "$left" ] && pass "nothing left in /dev/shm" || fail "left in /dev/shm: $left"
}

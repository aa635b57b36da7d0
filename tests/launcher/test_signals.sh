#!/bin/sh
# SIGTERM to mini-mpirun reaches every rank, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../wait_job.sh"
A=$HELPERS/rank_actions

# wait_ready N: until N "ready" lines are in $OUT (at most 20 s).
wait_ready() {
    i=0
    while [ "$(cat "$OUT" 2>/dev/null | grep -c '^ready')" -lt "$1" ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# Under nohup SIGHUP is ignored, and mini-mpirun keeps it ignored (as nohup
# means it to): the HUP case only runs where SIGHUP is not ignored already.
signals=TERM:15
ignored=$(awk '/^SigIgn:/ { print $2 }' /proc/$$/status 2>/dev/null)
if [ $((0x${ignored:-0} & 1)) -eq 0 ]; then
    signals="$signals HUP:1"
else
    echo "skip: SIGHUP is ignored here (nohup?), so mini-mpirun ignores it too"
fi

for sig in $signals; do
    num=${sig#*:}
    sig=${sig%:*}
    $MPIRUN -n 3 $A ready_sleep "$MARK" >"$OUT" 2>"$ERR" </dev/null &
    pid=$!
    wait_ready 3
    kill -s $sig $pid
    # The launcher must end by itself; the limit only guards against a hang.
    wait_job $pid 20
    status=$?
    expected=$((128 + num))
    [ "$status" -eq "$expected" ] && pass "SIG$sig: exit status $status" ||
        fail "SIG$sig: exit status $status, expected $expected"
    expect_no_leftovers "after SIG$sig"
done

# SIGINT, as Ctrl-C would send it (timeout(1) delivers it after 1 s).
run 130 "SIGINT" timeout --preserve-status -s INT 1 $MPIRUN -n 3 $A ready_sleep "$MARK"
expect_count "$OUT" "^ready [0-2]\$" 3 "the ranks ran until SIGINT"
expect_no_leftovers "after SIGINT"

# The ranks die with the launcher even when it is killed with SIGKILL
# (PR_SET_PDEATHSIG), so nothing outlives it.
$MPIRUN -n 3 $A ready_sleep "$MARK" >"$OUT" 2>"$ERR" </dev/null &
pid=$!
wait_ready 3
kill -9 $pid
wait $pid 2>/dev/null
i=0
while [ -n "$(leftovers)" ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
expect_no_leftovers "after SIGKILL of mini-mpirun"

finish

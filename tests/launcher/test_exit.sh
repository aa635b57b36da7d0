#!/bin/sh
# Exit statuses and the messages that name a failing rank.
. "$(dirname "$0")/lib.sh"
A=$HELPERS/rank_actions

run 0 "all ranks exit 0" $MPIRUN -n 3 $A exit 0 "$MARK"
run 0 "a program that is not MPI (hostname)" $MPIRUN -n 2 hostname
expect_count "$OUT" "^$(hostname)\$" 2 "hostname printed once per rank"

run 3 "rank 1 exits 3" $MPIRUN -n 3 $A exit_rank 1 3 "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank 1 on [^ ]+ \(pid [0-9]+\) exited with code 3; killing the job\$" \
    "exit code message names the rank"
expect_count "$ERR" "^mini-mpirun:" 1 "only the first failure is reported"
expect_no_leftovers "after exit 3"

run 139 "rank 2 dies of SIGSEGV" $MPIRUN -n 4 $A segv 2 "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank 2 on [^ ]+ \(pid [0-9]+\) was killed by signal 11 \(Segmentation fault\); killing the job\$" \
    "signal message names the rank"
expect_no_leftovers "after SIGSEGV"

# Ranks that ignore SIGTERM get SIGKILL after the grace period.
start=$(date +%s)
run 4 "rank 0 exits 4, the others ignore SIGTERM" $MPIRUN -n 3 $A exit_rank 0 4 noterm "$MARK"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -lt 10 ] && pass "SIGKILL followed SIGTERM" || fail "the job took ${elapsed}s to die"
expect_no_leftovers "after SIGKILL"

run 127 "missing program" $MPIRUN -n 2 "$TMP/no-such-program"
expect_grep "$ERR" "^mini-mpirun: cannot run '$TMP/no-such-program': No such file or directory\$" \
    "missing program message"
expect_count "$ERR" "." 1 "one line for a missing program"

printf 'echo hi\n' >"$TMP/not-executable"
chmod 644 "$TMP/not-executable"
run 126 "program without execute permission" $MPIRUN -n 2 "$TMP/not-executable"
expect_grep "$ERR" "^mini-mpirun: cannot run '$TMP/not-executable': Permission denied\$" \
    "permission denied message"

run 124 "--timeout expires" $MPIRUN --timeout 1 -n 3 $A exit_rank 1 0 "$MARK"
expect_grep "$ERR" "^mini-mpirun: job timed out after 1 s; ranks still running: 0, 2 \(of 3\)\$" \
    "timeout message lists the ranks still running"
expect_no_leftovers "after the timeout"

run 0 "--timeout that does not expire" $MPIRUN --timeout 20 -n 2 $A exit 0 "$MARK"

# A rank that leaves a child behind: the job still ends, and the child with it.
run 0 "a rank leaves a child process" $MPIRUN -n 2 $A grandchild "$MARK"
expect_no_leftovers "after a rank forked a child"

finish

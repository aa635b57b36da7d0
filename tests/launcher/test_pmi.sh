#!/bin/sh
# The PMI-1 server: every command, abort, protocol errors, /dev/shm cleanup.
. "$(dirname "$0")/lib.sh"
P=$HELPERS/pmi_client

for n in 1 2 4 8; do
    run 0 "PMI commands with $n ranks" $MPIRUN -n $n $P full "$MARK"
    expect_count "$OUT" "^rank [0-9]+: PMI ok\$" $n "every one of $n ranks checked its replies"
done

run 7 "PMI abort with exit code 7" $MPIRUN -n 3 $P abort 7 "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank 0 on [^ ]+ \(pid [0-9]+\) called MPI_Abort with exit code 7: test_abort; killing the job\$" \
    "abort message names the rank"
expect_no_leftovers "after abort"

run 1 "init without finalize" $MPIRUN -n 2 $P nofinalize "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank [01] on [^ ]+ \(pid [0-9]+\) exited without calling MPI_Finalize" \
    "missing finalize is reported"

run 1 "a malformed PMI line" $MPIRUN -n 2 $P badline "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank [01] sent a malformed PMI line: pair 1 'this' has no '='\$" \
    "malformed line is reported with the reason"
expect_no_leftovers "after a malformed line"

run 1 "an unknown PMI command" $MPIRUN -n 2 $P unknown "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank [01] sent a malformed PMI line: unknown command 'frobnicate'\$" \
    "unknown command is reported"

run 1 "a barrier that cannot complete" $MPIRUN -n 3 $P nobarrier "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank [12] on [^ ]+ \(pid [0-9]+\) exited while 1 rank\(s\) wait for it in a PMI barrier" \
    "stuck barrier is reported"
expect_no_leftovers "after a stuck barrier"

run 5 "shared-memory files of a failed job" $MPIRUN -n 3 $P shm "$MARK"
kvs=$(sed -n 's/^kvsname //p' "$OUT" | head -1)
if [ -z "$kvs" ]; then
    fail "the ranks did not report the job id"
elif ls /dev/shm/ | grep -q "^minimpi-$kvs-"; then
    fail "files left in /dev/shm: $(ls /dev/shm | grep "^minimpi-$kvs-")"
else
    pass "no /dev/shm/minimpi-$kvs-* left"
fi

finish

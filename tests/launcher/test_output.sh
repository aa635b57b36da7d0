#!/bin/sh
# Forwarding of stdout, stderr and stdin; --tag-output; -x.
. "$(dirname "$0")/lib.sh"
A=$HELPERS/rank_actions

run 0 "4 ranks write lines in small pieces" $MPIRUN -n 4 $A lines 50 "$MARK"
expect_count "$OUT" "^rank [0-3] stdout line [0-9]+ end\$" 200 "200 stdout lines arrive intact"
expect_count "$OUT" "^rank [0-3] stdout tail\$" 4 "partial last lines are flushed at the end"
expect_count "$OUT" "." 204 "nothing else on stdout"
expect_count "$ERR" "^rank [0-3] stderr line [0-9]+ end\$" 200 "200 stderr lines arrive intact"
expect_count "$ERR" "." 204 "nothing else on stderr"
for r in 0 1 2 3; do
    # Lines of one rank keep their order.
    if grep "^rank $r stdout line" "$OUT" | awk '{ if ($5 != NR - 1) bad = 1 } END { exit bad }'; then
        pass "rank $r lines in order"
    else
        fail "rank $r lines out of order"
    fi
done

run 0 "--tag-output" $MPIRUN -n 2 --tag-output $A lines 5 "$MARK"
expect_count "$OUT" "^\[1,([01])\]<stdout>:rank [01] stdout line [0-4] end\$" 10 "tagged stdout lines"
expect_count "$ERR" "^\[1,([01])\]<stderr>:rank [01] stderr line [0-4] end\$" 10 "tagged stderr lines"
expect_count "$OUT" "^\[1,0\]<stdout>:rank 0 " 6 "rank 0's tag on rank 0's lines"
expect_count "$OUT" "^\[1,1\]<stdout>:rank 1 stdout tail\$" 1 "tagged partial last line"

run 0 "a 200000-byte line" $MPIRUN -n 1 $A longline "$MARK"
n=$(awk 'length($0) == 200000 && /^A+$/' "$OUT" | wc -l)
[ "$n" -eq 1 ] && pass "a long line arrives whole, in pieces" ||
    fail "the 200000-byte line did not arrive whole"
expect_count "$OUT" "^after 0\$" 1 "the line after it"

run 0 "long lines from 3 ranks" $MPIRUN -n 3 $A longline "$MARK"
for r in 0 1 2; do
    c=$(printf "\\$(printf %o $((65 + r)))")
    n=$(tr -cd "$c" <"$OUT" | wc -c)
    [ "$n" -eq 200000 ] && pass "rank $r's long line is complete" ||
        fail "rank $r's long line has $n of 200000 bytes"
done

printf 'first line\nsecond line\n' >"$TMP/input"
timeout -k 5 "$RUN_LIMIT" $MPIRUN -n 3 $A stdin "$MARK" <"$TMP/input" >"$OUT" 2>"$ERR"
status=$?
[ "$status" -eq 0 ] && pass "stdin run" || fail "stdin run: exit status $status"
if cmp -s "$TMP/input" "$OUT"; then
    pass "stdin goes to rank 0 only, unchanged"
else
    fail "stdin forwarding: got '$(cat "$OUT")'"
fi

LNCH_FROM_LAUNCHER=here
export LNCH_FROM_LAUNCHER
run 0 "-x variables" $MPIRUN -n 2 -x LNCH_FROM_LAUNCHER -x LNCH_SET=a=b $A env \
    LNCH_FROM_LAUNCHER LNCH_SET PMI_RANK PMI_SIZE
expect_count "$OUT" "^rank [01]: LNCH_FROM_LAUNCHER=here\$" 2 "-x VAR passes the launcher's value"
expect_count "$OUT" "^rank [01]: LNCH_SET=a=b\$" 2 "-x VAR=value sets the value"
expect_grep "$OUT" "^rank 1: PMI_RANK=1\$" "PMI_RANK"
expect_count "$OUT" "^rank [01]: PMI_SIZE=2\$" 2 "PMI_SIZE"
run 0 "no -x" $MPIRUN -n 1 $A env LNCH_SET
expect_grep "$OUT" "^rank 0: LNCH_SET unset\$" "without -x the variable is not set"

finish

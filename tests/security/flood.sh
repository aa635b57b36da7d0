#!/bin/sh
# flood.sh -- mini-mpirun's daemon port under a flood of bad connections.
# A two-node job (node 0 here, "nodeb" a daemon started by a launch agent
# that runs it on this host over loopback) runs t_slow_init, whose rank 1
# (on nodeb) sleeps before MPI_Init, while sec_flood opens hundreds of
# connections to the port: silent ones held open, garbage, a HELLO with a
# wrong secret, a frame header announcing 4 GiB.  The flood starts before
# the daemon connects, so its silent connections fill every pending slot
# first.  Checked: the job completes correctly and in time (no crash, no
# stall), every wrong secret is refused and logged, nothing is left behind.
. "$(dirname "$0")/lib.sh"
FLOOD=${FLOOD:-./tests/security/sec_flood}
COUNT=${FLOOD_COUNT:-400}
job_scratch

# The agent: "agent HOST mini-mpid ARGS...": it tells the test where
# mini-mpirun listens, waits for the flood to start, then runs the daemon.
cat >"$TMP/agent" <<AGENT
#!/bin/sh
shift
prev=
for a in "\$@"; do
    [ "\$prev" = --connect ] && echo "\$a" >"$TMP/addr.tmp" && mv "$TMP/addr.tmp" "$TMP/addr"
    prev=\$a
done
while [ ! -e "$TMP/flooding" ]; do sleep 0.05; done
sleep 0.5
exec "\$@"
AGENT
chmod +x "$TMP/agent"

start=$(date +%s)
"$MPIRUN" --timeout 90 --launch-agent "$TMP/agent" --iface lo -H localhost:1,nodeb:1 \
    "$PROG" 2 >"$TMP/out" 2>"$TMP/err" &
job=$!
for _ in $(seq 1 200); do
    [ -e "$TMP/addr" ] && break
    sleep 0.05
done
if [ ! -e "$TMP/addr" ]; then
    fail "the launch agent never ran"
else
    addr=$(cat "$TMP/addr")
    touch "$TMP/flooding"
    timeout -k 5 60 "$FLOOD" "$addr" "$COUNT" 2 >"$TMP/flood" 2>&1 ||
        fail "sec_flood failed: $(cat "$TMP/flood")"
    pass "$(cat "$TMP/flood") to $addr"
fi
job_wait
took=$(($(date +%s) - start))
if job_completed; then
    pass "the job completed correctly under the flood, in $took s"
else
    fail "the job ended with status $status after $took s"
    grep -v "dropped a connection" "$TMP/err" | sed 's/^/    /' | head -20 >&2
fi
[ "$took" -le 60 ] && pass "no stall ($took s)" || fail "the job took $took s"
wrong=$(grep -c "^mini-mpirun: dropped a connection from 127\.0\.0\.1:[0-9]*: wrong job secret$" "$TMP/err")
dropped=$(grep -c "^mini-mpirun: dropped a connection from " "$TMP/err")
[ "$wrong" -ge $((COUNT / 4 * 9 / 10)) ] &&
    pass "$wrong wrong secrets refused and logged ($dropped connections dropped in all)" ||
    fail "only $wrong wrong-secret drops logged for $((COUNT / 4)) tries"
if pgrep -f "mini-mpid --job $jobpid-" >/dev/null; then
    fail "a daemon of the job is still running"
else
    pass "no daemon left"
fi
check_shm_clean
finish

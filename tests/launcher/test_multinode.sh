#!/bin/sh
# Multi-node jobs on one host: the "remote" nodes are daemons started by a
# launch agent that ignores the host name and runs the daemon here, and
# they connect back over loopback.  Checks the host list, the mapping the
# ranks see, the PMI, output and exit relays, the secret, and every
# bootstrap failure's message.  (tests/netns/ runs the same across network
# namespaces when root.)
. "$(dirname "$0")/lib.sh"
A=$HELPERS/rank_actions
P=$HELPERS/pmi_client
# Daemons get 30 s to connect back instead of 10: under the sanitizers on a
# loaded machine a daemon that a daemon started once needed more than 10.
# The cases about the timeout set their own.
export MINIMPI_BOOT_TIMEOUT=30

# The agent: "agent HOST mini-mpid ARGS...".
cat >"$TMP/agent" <<'AGENT'
#!/bin/sh
shift
exec "$@"
AGENT
# An agent that first connects with a wrong secret, as a stranger would.
cat >"$TMP/agent-stranger" <<'AGENT'
#!/bin/bash
shift
for a in "$@"; do
    [ "$prev" = --connect ] && addr=$a
    prev=$a
done
exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}" && printf '\0\0\0\040\0\0\0\1\0\0\0\1%s' \
    0123456789abcdef0123456789abcdef >&3 && sleep 0.3
exec 3>&-
exec "$@"
AGENT
printf '#!/bin/sh\nexit 255\n' >"$TMP/agent-fails"
printf '#!/bin/sh\nexec sleep 30\n' >"$TMP/agent-hangs"
chmod +x "$TMP"/agent*
MN="$MPIRUN --launch-agent $TMP/agent --iface lo"

run 0 "3 nodes, 4 ranks, output tagged" $MN -H localhost:1,nodeb:2,nodec:1 --tag-output \
    sh -c 'echo "rank $PMI_RANK of $PMI_SIZE"' "$MARK"
for r in 0 1 2 3; do
    expect_grep "$OUT" "^\[1,$r\]<stdout>:rank $r of 4\$" "rank $r printed through its node"
done
expect_no_leftovers "after the print job"

run 0 "PMI across daemons: puts, barrier, gets, mapping" $MN -H localhost:1,nodeb:2,nodec:1 \
    $P mapped '(vector,(0,1,1),(1,1,2),(2,1,1))'
expect_count "$OUT" "PMI ok" 4 "every rank passed the PMI checks"

printf '# nodes\nlocalhost slots=2\n\nnodeb:1   # MPICH style\nnodec\n' >"$TMP/hosts"
run 0 "--hostfile and -n below the slots" $MN --hostfile "$TMP/hosts" -n 3 \
    $P mapped '(vector,(0,1,2),(1,1,1))'
run 0 "-N 1: one rank per node" $MN --hostfile "$TMP/hosts" -N 1 $P mapped '(vector,(0,3,1))'
run 0 "only remote nodes" $MN -H nodeb:2,nodec:2 $P mapped '(vector,(0,2,2))'

printf 'localhost\nnodeb slots=two\n' >"$TMP/badhosts"
run 2 "a bad hostfile line" $MN --hostfile "$TMP/badhosts" hostname
expect_grep "$ERR" "^mini-mpirun: $TMP/badhosts:2: bad 'slots=two'" "the error names file:line"

run 3 "a remote rank exits 3" $MN -H localhost:1,nodeb:2 $A exit_rank 2 3 "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank 2 on nodeb \(pid [0-9]+\) exited with code 3; killing the job\$" \
    "the message names the rank and its node"
expect_no_leftovers "after a remote failure"

run 7 "a remote rank aborts" $MN -H nodeb:1,localhost:1 $P abort 7
expect_grep "$ERR" "^mini-mpirun: rank 0 on nodeb \(pid [0-9]+\) called MPI_Abort with exit code 7" \
    "the abort is relayed"

run 127 "the program is missing on a remote node" $MN -H nodeb:2 "$TMP/no-such-program"
expect_grep "$ERR" "cannot run '$TMP/no-such-program'" "the daemon says why"
expect_grep "$ERR" "^mini-mpirun: node 0 \(nodeb\): could not start its ranks" "the node is named"

run 0 "a stranger's connection is dropped, the job goes on" \
    $MPIRUN --launch-agent "$TMP/agent-stranger" --iface lo -H localhost,nodeb hostname
expect_grep "$ERR" "^mini-mpirun: dropped a connection from 127\.0\.0\.1:[0-9]+: wrong job secret\$" \
    "the drop is logged"

run 1 "the launch agent fails" $MPIRUN --launch-agent "$TMP/agent-fails" --iface lo \
    -H localhost,nodeb $A sleep "$MARK"
expect_grep "$ERR" "^mini-mpirun: node 1 \(nodeb\): the launch agent exited with code 255 before the daemon connected back; check that '.*agent-fails nodeb mini-mpid --version' works; lost rank\(s\) 1; killing the job\$" \
    "the agent's failure names the node"
expect_no_leftovers "after the agent failed"

start=$(date +%s)
MINIMPI_BOOT_TIMEOUT=1 run 1 "the daemon never connects back" \
    $MPIRUN --launch-agent "$TMP/agent-hangs" --iface lo -H localhost,nodeb $A sleep "$MARK"
expect_grep "$ERR" "^mini-mpirun: node 1 \(nodeb\): daemon did not connect back within 1 s; can nodeb reach 127\.0\.0\.1:[0-9]+\?" \
    "the timeout says what to check"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -lt 8 ] && pass "bootstrap timeout is bounded" || fail "took ${elapsed}s"
expect_no_leftovers "after the bootstrap timeout"

# The launch tree, fan-out 2 over five remote nodes: mini-mpirun starts the
# daemons of nodes 0 and 1, node 0's starts 2 and 3, node 1's starts 4.
# Each rank names who started its daemon (the daemon's parent process).
cat >"$TMP/starter" <<'EOS'
#!/bin/sh
gp=$(awk '{print $4}' "/proc/$PPID/stat")
by=$(tr '\0' ' ' <"/proc/$gp/cmdline" | grep -o -- '--node [0-9]*')
echo "rank $PMI_RANK by ${by:-mini-mpirun}"
EOS
chmod +x "$TMP/starter"
TREE_HOSTS=nodeb,nodec,noded,nodee,nodef
MINIMPI_FANOUT=2 run 0 "fan-out 2: a tree of launches" $MN -H $TREE_HOSTS "$TMP/starter" "$MARK"
for want in "0 by mini-mpirun" "1 by mini-mpirun" "2 by --node 0" "3 by --node 0" \
        "4 by --node 1"; do
    expect_grep "$OUT" "^rank $want\$" "rank $want"
done
MINIMPI_FANOUT=2 run 0 "PMI across a tree of daemons" $MN -H $TREE_HOSTS \
    $P mapped '(vector,(0,5,1))'
expect_count "$OUT" "PMI ok" 5 "every rank passed the PMI checks"
# An agent started by a daemon fails: mini-mpirun hears of it from that daemon.
printf '#!/bin/sh
[ "$1" = nodee ] && exit 255
shift
exec "$@"
' >"$TMP/agent-fails-e"
chmod +x "$TMP/agent-fails-e"
MINIMPI_FANOUT=2 run 1 "a launch agent started by a daemon fails" \
    $MPIRUN --launch-agent "$TMP/agent-fails-e" --iface lo -H $TREE_HOSTS $A sleep "$MARK"
expect_grep "$ERR" "^mini-mpirun: node 3 \(nodee\): the launch agent \(started by node 0's daemon\) exited with code 255 before the daemon connected back; check that '.*agent-fails-e nodee mini-mpid --version' works; lost rank\(s\) 3; killing the job\$" \
    "the failure names the node and who started its agent"
expect_no_leftovers "after the agent in the tree failed"

# Placement on remote nodes: each daemon places its node's ranks with the
# job's options; every rank's report line (printed by mini-mpirun in rank
# order), PMI key and own affinity agree.
run 0 "multi-node --bind-to core --report-bindings" $MN -H localhost:1,nodeb:2 \
    --bind-to core --report-bindings $P place "$MARK" && agree 3 "multi-node --bind-to core"
order=$(sed -n 's/.* MCW rank \([0-9]*\) .*/\1/p' "$ERR" | tr '\n' ' ')
[ "$order" = "0 1 2 " ] && pass "report lines in rank order" || fail "report order: '$order'"
# These "nodes" are all this machine: its oversubscription counts the ranks
# of all of them (issue 7; tests/netns/netns.sh checks the cores).
expect_grep "$OUT" "^rank 2 place 1,2,[01],1,[0-9]+ affinity [0-9]+\$" "remote rank: local rank 1 of 2, bound"
LAST=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/.*[-,]//')
run 0 "remote --cpu-set $LAST, 2 ranks" $MN -H nodeb:2 --cpu-set "$LAST" --report-bindings \
    $P place "$MARK" && agree 2 "remote --cpu-set"
expect_grep "$OUT" "^rank 1 place 1,2,1,0,$LAST affinity $LAST\$" "remote: oversubscribed, unbound"
run 0 "remote --cpu-set $LAST --bind-to core" $MN -H localhost:1,nodeb:2 --cpu-set "$LAST" \
    --bind-to core --report-bindings $P place "$MARK" && agree 3 "remote --cpu-set --bind-to core"
expect_grep "$OUT" "^rank 0 place 0,1,1,1,$LAST affinity $LAST\$" \
    "local node: 1 rank, oversubscribed with the other node's on one machine"
expect_grep "$OUT" "^rank 2 place 1,2,1,1,$LAST affinity $LAST\$" "remote node: bound and oversubscribed"
run 0 "MPI program, 2 ranks on 1 core of a remote node" $MN -H nodeb:2 --cpu-set "$LAST" \
    -x MINIMPI_VERBOSE=boot ${EXAMPLES:-./examples}/hello "$MARK"
expect_count "$ERR" "^minimpi: rank [01]: boot: not bound, may use cpus $LAST by the launcher, node oversubscribed\$" 2 \
    "the runtime on a remote node learns that its node is oversubscribed"
run 0 "multi-node --display-map" $MN -H localhost:1,nodeb:2 --display-map $P place "$MARK"
expect_count "$OUT" "Data for node:" 2 "--display-map: both nodes"
expect_count "$OUT" "Process rank: [012]" 3 "--display-map: every rank"
run 2 "remote --cpu-set naming a missing cpu" $MN -H nodeb:1 --cpu-set 65000 hostname
expect_grep "$ERR" "invalid value '65000' for --cpu-set" "the daemon says why"
expect_no_leftovers "after the placement runs"

run 1 "--iface without an address" $MN -H nodeb --iface no-such-if0 hostname
expect_grep "$ERR" "interface 'no-such-if0' has no IPv4 address" "a bad --iface is named"

finish

#!/bin/sh
# mini-mpirun --report-transports: one summary, printed before the
# program's output, naming the transport of same-node peers and of each pair
# of nodes, the libfabric provider and interface, single copy on or off and
# why, and the eager limit.  One node with shm (single copy on and off),
# one node with MINIMPI_TRANSPORTS=ofi, and three "nodes" on loopback (the
# launch agent runs every daemon here, as tests/launcher/test_multinode.sh).
set -u

. "$(dirname "$0")/lib.sh"
PROG=${REPORT_PROG:-./examples/hello}
scratch reporttp

# run WHAT MPIRUN_ARGS...: a job that must succeed.
run() {
    what=$1
    shift
    run_job "$what" 0 "$@"
}

# expect WHAT ERE: some line matches.
expect() { expect_match "$@"; }

# The summary comes once, and before the first line the program prints.
expect_first() {
    first=$(grep -n -m1 -E '^(mini-mpirun: transports of|Hello)' "$TMP/out" | cut -d: -f2-)
    n=$(grep -c '^mini-mpirun: transports of' "$TMP/out")
    case $first in
    "mini-mpirun: transports of"*) [ "$n" -eq 1 ] && echo "ok: $1: one summary, first" ||
        fail "$1: $n summaries" ;;
    *) fail "$1: the summary is not before the program's output" ;;
    esac
}

EAGER='eager up to [0-9]+ B, then rendezvous'
OFI='ofi \(provider [^,]+, interface [^,]+, fabric [^)]+\): '$EAGER

if run "no flag" -n 2 "$PROG"; then
    if grep -q 'transports of' "$TMP/out"; then
        fail "no flag: a transport summary was printed"
    else
        echo "ok: no summary without --report-transports"
    fi
fi

if run "shm" --report-transports -n 3 "$PROG"; then
    expect_first "shm"
    expect "shm: 3 ranks on 1 node" '^mini-mpirun: transports of 3 ranks on 1 node:$'
    # Single copy is on unless the kernel forbids CMA here: then it says why.
    expect "shm: same-node peers" \
        "^  node 0 \(.+\), same-node peers: shm: $EAGER (single copy by CMA \(process_vm_readv\)|pipelined in [0-9]+ B chunks \(single copy off: .+\))\$"
    grep -q '<->' "$TMP/out" && fail "shm: a node pair on one node"
fi

if MINIMPI_SHM_CMA=0 run "shm without CMA" --report-transports -n 2 "$PROG"; then
    expect "shm without CMA: why single copy is off" \
        "^  node 0 \(.+\), same-node peers: shm: $EAGER pipelined in [0-9]+ B chunks \(single copy off: MINIMPI_SHM_CMA=0\)\$"
fi

# Without reads, to see the reason too (the 3-node run below has them on).
if MINIMPI_TRANSPORTS=ofi MINIMPI_OFI_RMA=0 run "ofi" --report-transports -n 2 "$PROG"; then
    expect_first "ofi"
    expect "ofi: provider, interface, why single copy is off" \
        "^  node 0 \(.+\), same-node peers: $OFI pipelined in [0-9]+ B chunks \(single copy off: MINIMPI_OFI_RMA=0\)\$"
fi

printf '#!/bin/sh\nshift\nexec "$@"\n' >"$TMP/agent"
chmod +x "$TMP/agent"
if PATH=$(dirname "$MPIRUN"):$PATH run "3 nodes" --launch-agent "$TMP/agent" --iface lo \
    --report-transports -H localhost:2,nodeb:1,nodec:1 "$PROG"; then
    expect_first "3 nodes"
    expect "3 nodes: count" '^mini-mpirun: transports of 4 ranks on 3 nodes:$'
    expect "3 nodes: same node" "^  node 0 \(localhost\), same-node peers: shm: $EAGER"
    expect "3 nodes: 0-1" "^  node 0 \(localhost\) <-> node 1 \(nodeb\): $OFI single copy by fi_read\$"
    expect "3 nodes: 0-2" "^  node 0 \(localhost\) <-> node 2 \(nodec\): $OFI"
    expect "3 nodes: 1-2" "^  node 1 \(nodeb\) <-> node 2 \(nodec\): $OFI"
    [ "$(grep -c '<->' "$TMP/out")" -eq 3 ] || fail "3 nodes: not exactly 3 node pairs"
fi

finish

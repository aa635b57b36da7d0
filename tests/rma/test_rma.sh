#!/bin/sh
# One-sided communication at 2, 4 and 8 ranks on one node, over shm and
# with the ofi transport forced, the single-copy path of Put/Get and its
# fallback, each run under mini-mpirun --timeout so nothing can hang
# `make check`.
set -u

. "$(dirname "$0")/../mpi/expect.sh"
T=${RMA_TESTS:-./tests/rma}

job_shm() { ls /dev/shm 2>/dev/null | grep -c '^minimpi-.*-w' || true; }
shm_before=$(job_shm)

for n in 2 4 8; do
    run 0 '^t_rma: ok$' "$n" "$T/t_rma"
done
# The same through libfabric (its start-up costs seconds: 2 ranks here,
# more with RMA_LONG=1, as `make check-rma-long` runs it).
MINIMPI_TRANSPORTS=ofi
export MINIMPI_TRANSPORTS
run 0 '^t_rma: ok$' 2 "$T/t_rma"
if [ "${RMA_LONG:-0}" = 1 ]; then
    run 0 '^t_rma: ok$' 4 "$T/t_rma"
    run 0 '^t_rma: ok$' 8 "$T/t_rma"
fi
unset MINIMPI_TRANSPORTS

# Put/Get toward windows the origin does not map (Win_create, heap
# Win_allocate, dynamic) go by single copy on one node: every window's
# count at Win_free must say so (n - 1 + 5 of them, and 3 accumulates as
# messages), so a silent fallback fails here; then with single copy off,
# all of them as messages.
paths() { # LINES REGEX: so many window ends report REGEX (3 windows per rank)
    got=$(grep -Ec -- "rma: window [0-9]+ freed: $2" "$TMP/err")
    [ "$got" -eq "$1" ] || {
        fail "unmapped: $got of $1 window ends with /$2/"
        grep 'freed:' "$TMP/err" | head -5 >&2
    }
}
# Single copy for every size here (MINIMPI_RMA_CMA_MIN=0): the small ones
# are the test's point; the default threshold is checked after.
MINIMPI_VERBOSE=rma MINIMPI_RMA_CMA_MIN=0
export MINIMPI_VERBOSE MINIMPI_RMA_CMA_MIN
for n in 2 4 8; do
    run 0 '^t_rma: ok$' "$n" "$T/t_rma" unmapped
    paths $((n * 3)) "$((n + 4)) Put/Get by single copy, 3 by messages, 0 direct"
done
MINIMPI_SHM_CMA=0
export MINIMPI_SHM_CMA
for n in 2 8; do
    run 0 '^t_rma: ok$' "$n" "$T/t_rma" unmapped
    paths $((n * 3)) "0 Put/Get by single copy, $((n + 7)) by messages, 0 direct"
done
unset MINIMPI_SHM_CMA
# Every peer on libfabric (MINIMPI_TRANSPORTS=ofi): the 6 Put/Get of the
# Win_create and heap Win_allocate windows by fi_write/fi_read and their 3
# accumulates by libfabric atomics, the 6 Put/Get of the dynamic window by
# fi_write/fi_read too (into the region registered at Win_attach) and its 3
# accumulates as messages, so a silent fallback to messages fails here.
MINIMPI_TRANSPORTS=ofi
export MINIMPI_TRANSPORTS
run 0 '^t_rma: ok$' 2 "$T/t_rma" unmapped
paths 4 "0 Put/Get by single copy, 0 by messages, 0 direct, 6 by libfabric RMA, 3 accumulates by libfabric atomics"
paths 2 "0 Put/Get by single copy, 3 by messages, 0 direct, 6 by libfabric RMA, 0 accumulates"
unset MINIMPI_TRANSPORTS
# Two nodes of two ranks on loopback (a launch agent that starts the daemon
# here): single copy toward the neighbour on the node, messages (libfabric)
# toward the other node, in one window.  Seconds of libfabric start-up, so
# only with RMA_LONG=1.
if [ "${RMA_LONG:-0}" = 1 ]; then
    printf '#!/bin/sh\nshift\nexec "$@"\n' >"$TMP/agent"
    chmod +x "$TMP/agent"
    run 0 '^t_rma: ok$' 4 --launch-agent "$TMP/agent" --iface lo -H localhost:2,nodeb:2 \
        "$(cd "$T" && pwd)/t_rma" unmapped
    # Ranks 0 and 2 have their right neighbour on their node, 1 and 3 not;
    # Put/Get toward the other node by libfabric RMA (on the dynamic window,
    # the last of each rank's three, into the regions registered at
    # Win_attach); accumulates by libfabric atomics, same-node ones
    # included, but on the dynamic window as messages.
    paths 4 "6 Put/Get by single copy, 0 by messages, 0 direct, 2 by libfabric RMA, 3 accumulates by libfabric atomics"
    paths 2 "6 Put/Get by single copy, 3 by messages, 0 direct, 2 by libfabric RMA, 0 accumulates"
    paths 4 "1 Put/Get by single copy, 0 by messages, 0 direct, 7 by libfabric RMA, 3 accumulates by libfabric atomics"
    paths 2 "1 Put/Get by single copy, 3 by messages, 0 direct, 7 by libfabric RMA, 0 accumulates"
fi
# With the default MINIMPI_RMA_CMA_MIN (2k), only the large Put of each
# window goes by single copy, the small ones (256 B and less) as messages.
unset MINIMPI_RMA_CMA_MIN
run 0 '^t_rma: ok$' 2 "$T/t_rma" unmapped
paths 6 "1 Put/Get by single copy, 8 by messages, 0 direct"
unset MINIMPI_VERBOSE

# Accumulates from every rank to the same elements (t_rma_atomic.c:
# Fetch_and_op counters, a Compare_and_swap lock), on shm (messages and
# the shared segment), then through libfabric, where the Win_create
# window must have taken libfabric atomics on every rank and done its
# Fetch_and_op, Compare_and_swap and accumulates there, MINLOC on MPI_2INT
# (which the network cannot combine) excepted: a silent fallback to
# messages fails here, as does a dynamic window's Put/Get falling back.
run 0 '^t_rma_atomic: ok$' 4 "$T/t_rma_atomic"
atomics() { # N: so many ranks' first window went by libfabric atomics
    got=$(grep -Ec -- "rma: window [0-9]+: accumulates by libfabric atomics$" "$TMP/err")
    [ "$got" -eq "$1" ] || fail "atomic: $got of $1 ranks' window took libfabric atomics"
    got=$(grep -Ec -- "rma: window [0-9]+ freed: .* [1-9][0-9]{2,} accumulates by libfabric atomics" "$TMP/err")
    [ "$got" -eq "$1" ] || {
        fail "atomic: $got of $1 window ends with hundreds of accumulates by libfabric atomics"
        grep -E 'accumulates by|freed:' "$TMP/err" | head -8 >&2
    }
}
MINIMPI_TRANSPORTS=ofi MINIMPI_VERBOSE=rma
export MINIMPI_TRANSPORTS MINIMPI_VERBOSE
for n in 2 4; do
    run 0 '^t_rma_atomic: ok$' "$n" "$T/t_rma_atomic" create
    atomics "$n"
    # The dynamic window's 4 Put/Get by fi_write/fi_read (two regions).
    paths "$n" "0 Put/Get by single copy, 0 by messages, 0 direct, 4 by libfabric RMA"
done
unset MINIMPI_TRANSPORTS
# Two nodes (as above): targets over shared memory and over libfabric in
# one window, every accumulate by libfabric atomics all the same.
if [ "${RMA_LONG:-0}" = 1 ]; then
    run 0 '^t_rma_atomic: ok$' 4 --launch-agent "$TMP/agent" --iface lo -H localhost:2,nodeb:2 \
        "$(cd "$T" && pwd)/t_rma_atomic" create
    atomics 4
fi
unset MINIMPI_VERBOSE
# A displacement outside the window is fatal by default, named by the call.
run 54 'MPI_Put: target bytes \[8, 12\) lie outside' 2 "$T/t_rma" fatal_range

shm_after=$(job_shm)
[ "$shm_after" -le "$shm_before" ] || fail "window segments left in /dev/shm"

finish

#!/bin/sh
# mini-mpirun --hang-timeout: each deliberate hang is diagnosed (one line
# per rank with its blocking call, the cycle when there is one) and the job
# ends with status 125 well before --timeout; requests started with
# MPI_Irecv and waited for with MPI_Waitall are listed and make the cycle;
# --hang-action=report prints the diagnosis and keeps waiting; a computation
# shorter than the timeout is not reported.
set -u

. "$(dirname "$0")/lib.sh"
PROG=${HANG_PROG:-./tests/insight/t_hang}
scratch hang

# run WANT_STATUS MPIRUN_ARGS...
run() {
    want_status=$1
    shift
    run_job "$*" "$want_status" "$@"
}

# expect WHAT FIXED-STRING: some line holds it.
expect() { expect_fixed "$@"; }

W='comm=MPI_COMM_WORLD) waiting'
if run 125 --hang-timeout 1 -n 2 "$PROG" cycle; then
    expect "cycle: rank 0" "rank 0: MPI_Recv(source=1, tag=5, $W"
    expect "cycle: rank 1" "rank 1: MPI_Recv(source=0, tag=5, $W"
    expect "cycle: named" "deadlock: 0 waits for 1 waits for 0"
    expect "cycle: aborted" "the job hangs; killing it"
fi

# Receives posted with MPI_Irecv, then MPI_Waitall: the pending requests
# are listed (four at most), and their sources make the cycle.
# Rank 0's MPI_Ibarrier, outside the Waitall, is pending too.
if run 125 --hang-timeout 1 -n 2 "$PROG" irecv; then
    expect "irecv: rank 0" "rank 0: MPI_Waitall(count=2) waiting"
    grep -F "rank 0: " "$TMP/out" >"$TMP/rank0"
    for r in 'MPI_Irecv(source=1, tag=5, comm=MPI_COMM_WORLD)' 'MPI_Ibarrier(comm=MPI_COMM_WORLD)' \
        'MPI_Irecv(source=1, tag=6, comm=MPI_COMM_WORLD)'; do
        if grep -Fq "$r" "$TMP/rank0"; then
            echo "ok: irecv: rank 0 pending $r"
        else
            fail "irecv: rank 0 does not list $r as pending"
        fi
    done
    grep -Fq "more" "$TMP/rank0" && fail "irecv: rank 0 lists more than its 3 requests"
    expect "irecv: rank 1" "rank 1: MPI_Waitall(count=6) waiting"
    expect "irecv: rank 1 pending, capped" "tag=7, comm=MPI_COMM_WORLD), MPI_Irecv(source=0, tag=8, comm=MPI_COMM_WORLD), +2 more"
    expect "irecv: named" "deadlock: 0 waits for 1 waits for 0"
fi

# The variable does what the option does.
if MINIMPI_HANG_TIMEOUT=1 run 125 -n 2 "$PROG" missing; then
    expect "missing send: rank 1" "rank 1: MPI_Recv(source=0, tag=7, $W"
    expect "missing send: rank 0" "rank 0: MPI_Finalize() waiting"
    expect "missing send: who" "rank 1 waits for rank 0, which is in MPI_Finalize()"
    grep -q 'deadlock:' "$TMP/out" && fail "missing send: a cycle was named"
fi

if run 125 --hang-timeout=1 -n 2 "$PROG" coll; then
    expect "collective: rank 0" "rank 0: MPI_Allreduce($W"
    expect "collective: rank 1" "rank 1: MPI_Finalize() waiting"
fi

# report: the diagnosis, then the job goes on until --timeout ends it.
# Rank 1 runs on a second "node" (its daemon started here by the launch
# agent, as tests/launcher/test_multinode.sh): its notices come through
# the daemon's PMI relay.
printf '#!/bin/sh\nshift\nexec "$@"\n' >"$TMP/agent"
chmod +x "$TMP/agent"
if PATH=$(dirname "$MPIRUN"):$PATH LIMIT=5 run 124 --launch-agent "$TMP/agent" --iface lo \
    --hang-timeout 1 --hang-action report -H localhost:1,nodeb:1 "$PROG" cycle; then
    expect "report, 2 nodes: remote rank" "rank 1: MPI_Recv(source=0, tag=5, $W"
    expect "report, 2 nodes: diagnosed" "deadlock: 0 waits for 1 waits for 0"
    expect "report, 2 nodes: kept waiting" "job timed out after 5 s"
fi

# A rank computing 1 s without MPI calls while the other waits: not a hang
# with a 3 s timeout.
if run 0 --hang-timeout 3 -n 2 "$PROG" compute 1; then
    expect "compute: finished" "compute: done"
    grep -q 'completed an MPI call' "$TMP/out" && fail "compute: reported as a hang"
fi

run 2 --hang-action maybe -n 2 "$PROG" cycle && expect "bad action" "must be abort or report"

finish

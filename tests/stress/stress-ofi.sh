#!/bin/bash
# The stress program (t_stress.c) on the libfabric path on one node:
# MINIMPI_TRANSPORTS=ofi sends every message between ranks through
# libfabric.  One short run (libfabric's start-up costs seconds), with a
# fresh seed whose parity picks single-copy reads (fi_read) or the
# pipelined fallback (MINIMPI_OFI_RMA=0), so successive runs cover both;
# STRESS_SEED=S repeats one.  Skipped (77) when libfabric offers no
# reliable-datagram provider here.  Longer runs: `make soak` (soak.sh).
. "$(dirname "$0")/../mpi/lib.sh"
here=$(dirname "$0")/../mpi   # where lib.sh's mpitest finds run-test.sh
export MPI_TEST_DIR=${MPI_TEST_DIR:-tests/stress}
# The counts of messages checked, in the log.
export MPI_TEST_SHOW=${MPI_TEST_SHOW:-'^t_stress: seed [0-9]+: '}
# Should a run stall (t_stress reports it after 60 s), mini-mpirun's hang
# report comes first and says what each rank is blocked in: t_stress itself
# only knows what its own rank waits for.
export MINIMPI_HANG_TIMEOUT=${MINIMPI_HANG_TIMEOUT:-20} MINIMPI_HANG_ACTION=report
seed=${STRESS_SEED:-$(( ($(date +%s%N) / 1000) % 4294967296 ))}
rma=$((seed % 2))
out=$("$here/run-test.sh" -x MINIMPI_TRANSPORTS=ofi -x MINIMPI_OFI_RMA=$rma 2 \
    t_stress --seed "$seed" --messages 300 --max-size 1048576 2>&1)
rc=$?
echo "$out"
if [ $rc -ne 0 ] && echo "$out" | grep -q "no libfabric provider offers"; then
    echo "SKIP: libfabric offers no reliable-datagram provider on this machine"
    exit 77
fi
[ $rc -eq 0 ] || failures=1
finish

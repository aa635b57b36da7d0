#!/bin/sh
# One-sided communication at 2, 4 and 8 ranks on one node, over shm and
# with the ofi transport forced, each run under mini-mpirun --timeout so
# nothing can hang `make check`.
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
# A displacement outside the window is fatal by default, named by the call.
run 54 'MPI_Put: target bytes \[8, 12\) lie outside' 2 "$T/t_rma" fatal_range

shm_after=$(job_shm)
[ "$shm_after" -le "$shm_before" ] || fail "window segments left in /dev/shm"

finish

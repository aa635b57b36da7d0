#!/bin/sh
# Multi-rank tests of derived datatypes, communicators, groups, attributes,
# topologies and intercommunicators, and the heat2d example, each under
# mini-mpirun --timeout so that nothing can hang `make check`.
set -u

. "$(dirname "$0")/../mpi/expect.sh"
T=${OBJS_TESTS:-./tests/objs}

shm_before=$(ls /dev/shm 2>/dev/null | grep -c '^minimpi-' || true)

run 0 '^t_dt_p2p: ok$' 2 "$T/t_dt_p2p"
# Again without single copy: rendezvous data streams through the queues.
MINIMPI_SHM_CMA=0
export MINIMPI_SHM_CMA
run 0 '^t_dt_p2p: ok$' 2 "$T/t_dt_p2p"
unset MINIMPI_SHM_CMA
run 0 '^t_comm: ok$' 4 "$T/t_comm"
run 0 '^t_comm: ok$' 3 "$T/t_comm"
run 0 '^t_topo: ok$' 6 "$T/t_topo"
run 0 '^t_topo: ok$' 4 "$T/t_topo"
for n in 2 3 4 8; do
    run 0 '^t_intercomm: ok$' "$n" "$T/t_intercomm"
done
run 0 '^t_topo: ok$' 2 "$T/t_topo"
for n in 1 2 4 6; do
    run 0 'bit-for-bit equal to the serial run$' "$n" ./examples/heat2d
done

# Errors that are fatal by default name the call and exit with the class.
run 3 'MPI_Send: datatype is not committed' 2 "$T/t_dt_p2p" uncommitted
run 5 'MPI_Comm_free: cannot free MPI_COMM_WORLD' 2 "$T/t_comm" free_world

shm_after=$(ls /dev/shm 2>/dev/null | grep -c '^minimpi-' || true)
[ "$shm_after" -le "$shm_before" ] || fail "files left in /dev/shm"

finish

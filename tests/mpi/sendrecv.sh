#!/bin/bash
# Sendrecv and Sendrecv_replace (t_sendrecv.c), and MPI_PROC_NULL (t_procnull.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_sendrecv; done
mpitest -x MINIMPI_SHM_CMA=0 4 t_sendrecv
for n in 1 2; do mpitest $n t_procnull; done
finish

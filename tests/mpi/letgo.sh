#!/bin/bash
# Sends whose request was freed, and a Bsend pending at MPI_Finalize, are
# still delivered (t_letgo.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_letgo; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_letgo
finish

#!/bin/bash
# Non-overtaking order: 1000 same-tag messages, and mixed eager and
# rendezvous sizes, unexpected and pre-posted (t_order.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_order; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_order
finish

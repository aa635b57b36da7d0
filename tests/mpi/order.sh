#!/bin/bash
# Non-overtaking order: 1000 same-tag messages, and mixed eager and
# rendezvous sizes, unexpected and pre-posted (t_order.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_order; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_order
# A tiny receive queue: messages wait in the sender's queue and keep their order.
mpitest -x MINIMPI_SHM_QUEUE_DEPTH=2 -x MINIMPI_SHM_CMA=0 4 t_order
finish

#!/bin/bash
# Send buffers are free once the send completes, receive buffers are not written
# after the receive completes (t_bufreuse.c), single copy and pipelined.
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_bufreuse; done
for n in 2 4; do mpitest -x MINIMPI_SHM_CMA=0 $n t_bufreuse; done
finish

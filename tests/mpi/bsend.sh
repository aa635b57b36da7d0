#!/bin/bash
# Buffered sends (t_bsend.c) and ready sends (t_rsend.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_bsend; done
for n in 1 2 4 8; do mpitest $n t_rsend; done
finish

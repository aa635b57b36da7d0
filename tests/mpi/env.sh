#!/bin/bash
# Init/Finalize state, threads, world size, names, versions, clock (t_env.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_env $n "two words"; done
finish

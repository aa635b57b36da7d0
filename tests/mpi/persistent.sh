#!/bin/bash
# Persistent requests: *_init, Start, Startall (t_persistent.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_persistent; done
finish

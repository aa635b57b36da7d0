#!/bin/bash
# Cancel of posted receives (t_cancel.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_cancel; done
finish

#!/bin/bash
# Wait, Waitall, Waitany, Waitsome, Test, Testall, Testany, Testsome (t_waittest.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_waittest; done
finish

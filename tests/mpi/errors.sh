#!/bin/bash
# Argument checking under MPI_ERRORS_RETURN and the error calls (t_errors.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4; do mpitest $n t_errors; done
finish

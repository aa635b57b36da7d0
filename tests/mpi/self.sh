#!/bin/bash
# Sends to oneself, small and large, on MPI_COMM_WORLD and MPI_COMM_SELF (t_self.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_self; done
finish

#!/bin/bash
# Every predefined datatype, the pair types with their padding (t_datatypes.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_datatypes; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_datatypes
finish

#!/bin/bash
# Synchronous sends complete only once the receive is posted (t_ssend.c);
# 3 ranks leave one rank without a partner.
. "$(dirname "$0")/lib.sh"
for n in 1 2 3 4 8; do mpitest $n t_ssend; done
finish

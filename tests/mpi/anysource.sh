#!/bin/bash
# ANY_SOURCE and ANY_TAG fan-in from every rank (t_anysource.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_anysource; done
mpitest -x MINIMPI_SHM_CMA=0 4 t_anysource
# The large messages (80 KB) copied by both ranks at once (cooperative
# single copy), matched by ANY_SOURCE receives, posted or unexpected.
mpitest -x MINIMPI_SHM_CMA_SPLIT=64k 4 t_anysource
# A tiny receive queue: senders find it full and must queue and retry in order.
mpitest -x MINIMPI_SHM_QUEUE_DEPTH=2 8 t_anysource
finish

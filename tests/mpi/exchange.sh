#!/bin/bash
# Medium messages copied eagerly in several packets (t_exchange.c): both
# ways at once, unexpected, truncated, non-contiguous; with a two-cell
# queue (the parts wait for room and arrive while the receive is matched);
# with single copy off; with every size sent by rendezvous.
. "$(dirname "$0")/lib.sh"
for n in 2 3 4; do mpitest $n t_exchange; done
mpitest -x MINIMPI_SHM_QUEUE_DEPTH=2 2 t_exchange
mpitest -x MINIMPI_SHM_QUEUE_DEPTH=2 -x MINIMPI_SHM_CMA=0 4 t_exchange
mpitest -x MINIMPI_SHM_CMA_THRESHOLD=0 2 t_exchange
# The protocol each size took, counted by rank 0: of the exchanged sizes,
# only 65537 and 262144 bytes (10 rounds each) are above the copy limit,
# so 20 RTS and no more; the medium ones went without a round trip.
mpitest -x MINIMPI_VERBOSE=proto \
    --stderr 'rank 0: proto: packets sent: eager [0-9]+ \(of which multi [1-9][0-9]*\) rts 20 ' \
    2 t_exchange
# Rendezvous for everything above the eager limit: more RTS (the check
# above can fail).
mpitest -x MINIMPI_VERBOSE=proto -x MINIMPI_SHM_CMA_THRESHOLD=0 \
    --stderr 'rank 0: proto: packets sent: eager [0-9]+ \(of which multi 0\) rts [1-9][0-9][0-9]* ' \
    2 t_exchange
finish

#!/bin/bash
# Ping-pong of every size from 0 B to 8 MiB and around the protocol thresholds
# (t_pingpong.c), with single copy, with the pipelined copy that replaces it
# when the kernel forbids it, with a small eager limit, and with a receive
# queue so short that senders must wait for room.
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_pingpong; done
mpitest -x MINIMPI_SHM_CMA=0 2 t_pingpong
mpitest -x MINIMPI_SHM_CMA=0 4 t_pingpong
mpitest -x MINIMPI_EAGER_LIMIT=1k 2 t_pingpong
mpitest -x MINIMPI_SHM_QUEUE_DEPTH=2 2 t_pingpong
# Cooperative single copy (runtime/rt_proto.h) for every rendezvous, i.e.
# every size above 1 KiB: the receiver reads a part while the sender writes
# the rest; the packet counts show both sides did (the default threshold,
# 64 KiB, is crossed by the 2-rank runs above; with more ranks than cores
# it is off).
mpitest -x MINIMPI_EAGER_LIMIT=1k -x MINIMPI_SHM_CMA_SPLIT=1 -x MINIMPI_VERBOSE=proto \
    --stderr 'rank 0: proto: packets sent: .* split [1-9][0-9]* written [1-9][0-9]*' \
    2 t_pingpong
# MINIMPI_VERBOSE=transport: every rank names each peer's transport with its
# thresholds, and the shared-memory paths' limits (queue cells, fast boxes,
# duplex lanes).
verbose=$(mktemp "${TMPDIR:-/tmp}/pingpong.XXXXXX")
trap 'rm -f "$verbose"' EXIT
mpitest --save-stderr "$verbose" -x MINIMPI_VERBOSE=transport 2 t_pingpong
for re in \
    'rank 0: transport: peer 1: shm, eager up to [0-9]+ bytes \(in several packets up to [0-9]+\), rendezvous single copy' \
    'rank 1: transport: peer 0: shm, eager up to [0-9]+ bytes' \
    'rank 0: transport: peer 0: self' \
    "rank 0: shm: 2 local ranks, .* cells of [0-9]+ B per queue, .*fast boxes on \(header \+ payload up to [0-9]+ B inline, [0-9]+ per receiver; answers up to [0-9]+ B through a pair's duplex lane\)" \
    "rank 1: shm: 2 local ranks, .*through a pair's duplex lane"; do
    if ! grep -Eq -- "$re" "$verbose"; then
        echo "FAIL: MINIMPI_VERBOSE=transport: no line of stderr matches /$re/"
        failures=$((failures + 1))
    fi
done
finish

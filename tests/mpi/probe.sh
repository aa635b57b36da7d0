#!/bin/bash
# Probe and Iprobe, then Recv of a message of unknown size (t_probe.c).
. "$(dirname "$0")/lib.sh"
for n in 1 2 4 8; do mpitest $n t_probe; done
finish

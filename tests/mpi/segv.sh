#!/bin/bash
# A rank that dies of SIGSEGV ends the job with status 139 and is named (t_segv.c).
# A sanitizer would catch the signal and exit 1 instead: tell it not to.
. "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
mpitest --exit 139 --stderr "rank 0 .*signal 11" 1 t_segv
for n in 2 4 8; do mpitest --exit 139 --stderr "rank 1 .*signal 11" $n t_segv; done
finish

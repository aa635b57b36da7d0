#!/bin/sh
# Programs built with MPICH (its simple PMI-1 client) run under mini-mpirun.
# Skipped when MPICH's compiler wrapper is not installed.
. "$(dirname "$0")/lib.sh"

MPICH_CC=${MPICH_CC:-mpicc.mpich}
if ! command -v "$MPICH_CC" >/dev/null 2>&1; then
    echo "SKIP: $MPICH_CC not found (Debian package libmpich-dev)"
    exit 77
fi
src=${srcdir:-.}/tests/launcher/mpich_ring.c
if ! "$MPICH_CC" -o "$TMP/mpich_ring" "$src" 2>"$ERR"; then
    echo "SKIP: $MPICH_CC cannot build a program here: $(head -1 "$ERR")"
    exit 77
fi

for n in 1 2 4; do
    run 0 "MPICH ring on $n ranks" $MPIRUN -n $n "$TMP/mpich_ring" "$MARK"
done
# The last run had 4 ranks: the token went round once.
expect_grep "$OUT" "^rank 0 of 4: token 4\$" "the token went round the ring"
expect_count "$OUT" "^rank [0-3] of 4: token" 4 "every rank printed"

run 7 "MPICH MPI_Abort(7)" $MPIRUN -n 3 "$TMP/mpich_ring" abort "$MARK"
expect_grep "$ERR" "^mini-mpirun: rank 1 on [^ ]+ \(pid [0-9]+\) called MPI_Abort with exit code 7" \
    "MPICH abort is reported"
expect_no_leftovers "after an MPICH job"

finish

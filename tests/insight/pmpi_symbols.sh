#!/bin/sh
# The PMPI interface is complete: mpi.h declares a PMPI_X for every MPI_X it
# declares (and no other), and both libraries define exactly those, PMPI_X as
# a strong symbol and MPI_X as a weak one, so a tool's own MPI_X can replace
# ours in a static link as well as in a shared one.  The predefined attribute
# callbacks (MPI_COMM_DUP_FN...) are functions, not MPI calls: no PMPI name.
set -u

SRC=${srcdir:-.}
HDR=$SRC/include/mpi.h
SO=${PMPI_SO:-runtime/.libs/libminimpi.so}
AR=${PMPI_AR:-runtime/.libs/libminimpi.a}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pmpisym.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# differ WHAT FILE_A FILE_B: fail naming the names in one list only.
differ() {
    if ! cmp -s "$2" "$3"; then
        fail "$1"
        comm -3 "$2" "$3" | sed 's/^/    /' | head -20 >&2
    fi
}

# Prototypes: a return type at the start of a line, then the name and "(".
sed -n '/^typedef/d; s/^[A-Za-z_][A-Za-z_ ]* \**\(P\{0,1\}MPI_[A-Z][a-z0-9][A-Za-z0-9_]*\)(.*/\1/p' "$HDR" \
    | sort -u >"$TMP/protos"
grep '^MPI_' "$TMP/protos" >"$TMP/mpi"
grep '^PMPI_' "$TMP/protos" | sed 's/^P//' >"$TMP/pmpi"
n=$(wc -l <"$TMP/mpi")
[ "$n" -gt 150 ] || fail "only $n MPI_ prototypes found in $HDR"
differ "mpi.h: MPI_X without PMPI_X (left) or PMPI_X without MPI_X (right)" "$TMP/mpi" "$TMP/pmpi"

for lib in "$SO" "$AR"; do
    if [ ! -f "$lib" ]; then
        fail "$lib is missing"
        continue
    fi
    case $lib in
    *.so) nm -D --defined-only "$lib" ;;
    *) nm --defined-only "$lib" 2>/dev/null ;;
    esac | awk '{ print $2, $3 }' >"$TMP/syms"
    grep '^T PMPI_' "$TMP/syms" | sed 's/^T P//' | sort -u >"$TMP/strong"
    grep '^W MPI_[A-Z][a-z0-9]' "$TMP/syms" | sed 's/^W //' | sort -u >"$TMP/weak"
    grep '^T MPI_[A-Z][a-z0-9]' "$TMP/syms" | sed 's/^T //' | sort -u >"$TMP/bad"
    differ "$lib: PMPI_X declared in mpi.h (left) or defined strong (right) only" \
        "$TMP/mpi" "$TMP/strong"
    differ "$lib: MPI_X declared in mpi.h (left) or defined weak (right) only" \
        "$TMP/mpi" "$TMP/weak"
    if [ -s "$TMP/bad" ]; then
        fail "$lib: MPI_X defined strong (a tool's MPI_X would clash with it):"
        sed 's/^/    /' "$TMP/bad" | head -20 >&2
    fi
    [ "$failures" -eq 0 ] && echo "ok: $lib defines PMPI_X and a weak MPI_X for all $n calls of mpi.h"
done

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
exit 0

#!/bin/sh
# A profiling tool built on PMPI (pmpi_counter.c) counts exactly the calls
# t_pmpi makes, linked with the shared library and with the static one, on
# 2 and 3 ranks, each run under mini-mpirun --timeout.
set -u

MPIRUN=${MPIRUN:-./launcher/mini-mpirun}
T=${INSIGHT_TESTS:-./tests/insight}
LIMIT=${RUN_LIMIT:-60}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pmpitest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

for prog in t_pmpi_shared t_pmpi_static; do
    for n in 2 3; do
        "$MPIRUN" --timeout "$LIMIT" -n "$n" "$T/$prog" >"$TMP/out" 2>"$TMP/err" </dev/null
        status=$?
        if [ "$status" -ne 0 ] || ! grep -q '^t_pmpi: ok$' "$TMP/out"; then
            echo "FAIL: $prog on $n ranks: exit status $status" >&2
            sed 's/^/    /' "$TMP/out" "$TMP/err" | head -20 >&2
            failures=$((failures + 1))
        else
            echo "ok: $prog on $n ranks"
        fi
    done
done

# The shared build must really use the shared library (else it tests nothing new).
if ! ldd "$T/t_pmpi_shared" 2>/dev/null | grep -q 'libminimpi\.so'; then
    echo "FAIL: $T/t_pmpi_shared is not linked with libminimpi.so" >&2
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
exit 0

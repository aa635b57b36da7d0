#!/bin/sh
# run.sh -- build osu_rma.c against minimpi, Open MPI and MPICH and run the
# three side by side on 2 ranks of this node: put/get latency (microseconds)
# and bandwidth (MB/s) per size, median over `rounds` alternating runs.
# Run from the top of a built minimpi tree:
#     sh bench/rma/run.sh [max_bytes] [iters] [rounds] [flavor]
# flavor: allocate (default), create or shared (MPI_Win_allocate_shared:
# minimpi's direct path).  A library whose compiler wrapper is missing is
# skipped.  The column "no-cma" is minimpi with MINIMPI_SHM_CMA=0: with
# flavor create (whose Put/Get go by single copy, CMA, on one node) it
# shows single copy against the active-message path through the target's
# progress engine; allocate and shared windows take the direct path either way.
# With MINIMPI_TRANSPORTS=ofi in the environment (libfabric between the two
# ranks, as between nodes) that column is MINIMPI_OFI_RMA=0 instead: flavor
# allocate or create then shows fi_write/fi_read against active messages.
set -u
max=${1:-65536}
iters=${2:-1000}
rounds=${3:-3}
flavor=${4:-allocate}
out=$(mktemp -d "${TMPDIR:-/tmp}/osu_rma.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=bench/rma/osu_rma.c

. "$(dirname "$0")/../lib.sh"
bench_build "$src" "$out"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$rounds" ]; do
    timeout 600 ./launcher/mini-mpirun -n 2 "$out/mini" "$max" "$iters" "$flavor" \
        >"$out/mini.$r" 2>&1
    env MINIMPI_SHM_CMA=0 ${MINIMPI_TRANSPORTS:+MINIMPI_OFI_RMA=0} timeout 600 \
        ./launcher/mini-mpirun -n 2 "$out/mini" "$max" "$iters" \
        "$flavor" >"$out/nocma.$r" 2>&1
    [ $have_ompi = 1 ] && timeout 600 mpirun.openmpi --allow-run-as-root --oversubscribe -n 2 \
        "$out/ompi" "$max" "$iters" "$flavor" >"$out/ompi.$r" 2>/dev/null
    [ $have_mpich = 1 ] && timeout 600 mpirun.mpich -n 2 "$out/mpich" "$max" "$iters" "$flavor" \
        >"$out/mpich.$r" 2>/dev/null
    r=$((r + 1))
done
median "$out"/mini.* >"$out/mini"
median "$out"/ompi.* >"$out/ompi"
median "$out"/nocma.* >"$out/nocma"
median "$out"/mpich.* >"$out/mpich"
echo "== 2 ranks, window flavor $flavor (median over $rounds runs; latency in" \
     "microseconds, bandwidth in MB/s)"
printf "%-12s %8s %10s %10s %10s %10s\n" test bytes minimpi no-cma openmpi mpich
awk -v ompi="$out/ompi" -v mpich="$out/mpich" -v nocma="$out/nocma" '
    BEGIN {
        while ((getline l < nocma) > 0) { split(l, f, " "); a[f[1] " " f[2]] = f[3] }
        while ((getline l < ompi) > 0) { split(l, f, " "); o[f[1] " " f[2]] = f[3] }
        while ((getline l < mpich) > 0) { split(l, f, " "); m[f[1] " " f[2]] = f[3] }
    }
    NF == 3 && $3 ~ /^[0-9.]+$/ {
        k = $1 " " $2
        printf "%-12s %8s %10.2f %10s %10s %10s\n", $1, $2, $3,
            ((k in a) ? sprintf("%.2f", a[k]) : "-"),
            ((k in o) ? sprintf("%.2f", o[k]) : "-"), ((k in m) ? sprintf("%.2f", m[k]) : "-")
    }' "$out/mini"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

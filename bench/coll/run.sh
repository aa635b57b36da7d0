#!/bin/sh
# run.sh -- build osu_coll.c against minimpi, Open MPI and MPICH and run the
# three side by side with 2, 4 and 8 ranks; prints each library's median
# latency per (collective, size) and the ratio minimpi / best other.
# Run from the top of a built minimpi tree:  sh bench/coll/run.sh [max_bytes] [iters]
# A library whose compiler wrapper is missing is skipped.
set -u
max=${1:-65536}
iters=${2:-50}
out=$(mktemp -d "${TMPDIR:-/tmp}/osu_coll.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=bench/coll/osu_coll.c

cc -O2 -Iinclude -o "$out/mini" "$src" runtime/.libs/libminimpi.a -lrt -pthread || exit 1
have_ompi=0 have_mpich=0
command -v mpicc.openmpi >/dev/null && mpicc.openmpi -O2 -o "$out/ompi" "$src" && have_ompi=1
command -v mpicc.mpich >/dev/null && mpicc.mpich -O2 -o "$out/mpich" "$src" && have_mpich=1

for n in 2 4 8; do
    timeout 600 ./launcher/mini-mpirun -n "$n" "$out/mini" "$max" "$iters" >"$out/mini.$n" 2>&1
    [ $have_ompi = 1 ] && OMPI_MCA_btl_vader_single_copy_mechanism=none \
        timeout 600 mpirun.openmpi --allow-run-as-root --oversubscribe -n "$n" \
        "$out/ompi" "$max" "$iters" >"$out/ompi.$n" 2>/dev/null
    [ $have_mpich = 1 ] && timeout 600 mpirun.mpich -n "$n" "$out/mpich" "$max" "$iters" \
        >"$out/mpich.$n" 2>/dev/null
    echo "== $n ranks (median microseconds per call; ratio = minimpi / best of the others)"
    printf "%-10s %8s %10s %10s %10s %7s\n" collective bytes minimpi openmpi mpich ratio
    awk -v ompi="$out/ompi.$n" -v mpich="$out/mpich.$n" '
        BEGIN {
            while ((getline l < ompi) > 0) { split(l, f, " "); o[f[1] " " f[2]] = f[3] }
            while ((getline l < mpich) > 0) { split(l, f, " "); m[f[1] " " f[2]] = f[3] }
        }
        NF == 3 && $3 ~ /^[0-9.]+$/ {
            k = $1 " " $2; best = ""
            if (k in o) best = o[k]
            if ((k in m) && (best == "" || m[k] < best)) best = m[k]
            printf "%-10s %8s %10s %10s %10s %7s\n", $1, $2, $3,
                (k in o) ? o[k] : "-", (k in m) ? m[k] : "-",
                best != "" && best > 0 ? sprintf("%.2f", $3 / best) : "-"
        }' "$out/mini.$n"
done

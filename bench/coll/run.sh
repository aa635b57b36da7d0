#!/bin/sh
# run.sh -- build osu_coll.c against minimpi, Open MPI and MPICH and run the
# three side by side with 2, 4 and 8 ranks; prints each library's median
# latency per (collective, size) and the ratio minimpi / best other.
# Run from the top of a built minimpi tree:
#     sh bench/coll/run.sh [max_bytes] [iters] [rounds] [ranks...]
# The libraries run alternately, `rounds` times each (default 3), and the
# table gives, per library, the median over the rounds of each run's median:
# on a shared machine the load changes from one run to the next, and
# alternating spreads it evenly over the three.  The load average is printed
# before and after.  A library whose compiler wrapper is missing is skipped.
# With more ranks than cores it also prints the floor of a symmetric
# collective on this machine (yield_floor.c).
set -u
max=${1:-65536}
iters=${2:-50}
rounds=${3:-3}
[ $# -gt 3 ] && shift 3 || set -- 2 4 8
out=$(mktemp -d "${TMPDIR:-/tmp}/osu_coll.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=bench/coll/osu_coll.c

. "$(dirname "$0")/../lib.sh"
bench_build "$src" "$out"
# The floor of a symmetric collective when ranks outnumber the cores.
${CC:-cc} -O2 -o "$out/yield_floor" bench/coll/yield_floor.c || exit 1

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "$@"; do
    r=1
    while [ "$r" -le "$rounds" ]; do
        timeout 600 ./launcher/mini-mpirun -n "$n" "$out/mini" "$max" "$iters" \
            >"$out/mini.$n.$r" 2>&1
        [ $have_ompi = 1 ] && OMPI_MCA_btl_vader_single_copy_mechanism=none \
            timeout 600 mpirun.openmpi --allow-run-as-root --oversubscribe -n "$n" \
            "$out/ompi" "$max" "$iters" >"$out/ompi.$n.$r" 2>/dev/null
        [ $have_mpich = 1 ] && timeout 600 mpirun.mpich -n "$n" "$out/mpich" "$max" "$iters" \
            >"$out/mpich.$n.$r" 2>/dev/null
        r=$((r + 1))
    done
    median "$out"/mini."$n".* >"$out/mini.$n"
    median "$out"/ompi."$n".* >"$out/ompi.$n"
    median "$out"/mpich."$n".* >"$out/mpich.$n"
    echo "== $n ranks (median over $rounds runs of microseconds per call;" \
         "ratio = minimpi / best of the others)"
    printf "%-10s %8s %10s %10s %10s %7s\n" collective bytes minimpi openmpi mpich ratio
    awk -v ompi="$out/ompi.$n" -v mpich="$out/mpich.$n" '
        BEGIN {
            while ((getline l < ompi) > 0) { split(l, f, " "); o[f[1] " " f[2]] = f[3] }
            while ((getline l < mpich) > 0) { split(l, f, " "); m[f[1] " " f[2]] = f[3] }
        }
        NF == 3 && $3 ~ /^[0-9.]+$/ {
            k = $1 " " $2; best = ""
            if (k in o) best = o[k]
            if ((k in m) && (best == "" || m[k] + 0 < best + 0)) best = m[k]
            printf "%-10s %8s %10.2f %10s %10s %7s\n", $1, $2, $3,
                ((k in o) ? sprintf("%.2f", o[k]) : "-"), ((k in m) ? sprintf("%.2f", m[k]) : "-"),
                ((best != "" && best + 0 > 0) ? sprintf("%.2f", $3 / best) : "-")
        }' "$out/mini.$n"
    if [ "$n" -gt "$(nproc)" ]; then
        floor=$(for r in 1 2 3; do "$out/yield_floor" "$n" 20000; done |
                awk '{ print $3 }' | sort -n | sed -n 2p)
        echo "floor: $floor us per call for $n processes on $(nproc) cpus that each" \
             "publish a counter and yield until all others have (yield_floor.c, no MPI;" \
             "median of 3): no symmetric collective can beat it"
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/bin/sh
# run.sh -- what placement does to speed on this machine: ping-pong latency
# (examples/pingpong) between 2 ranks and the allreduce loop of
# bench/coll/osu_coll.c on 2 and 8 ranks, each with the ranks bound (the
# default when they fit the cores) and unbound, fitting the cores and
# oversubscribing them.  "Oversubscribed" runs put the job on fewer cpus than
# ranks with --cpu-set, so the same table means the same thing on any
# machine with at least 2 cpus.
# Run from the top of a built minimpi tree:  sh bench/place/run.sh [iters]
# Prints one line per (benchmark, placement, size): the median and the
# minimum over runs of the microseconds per call that the program reports
# (on a busy machine the minimum is the better guess of what placement
# alone does).
set -u
iters=${1:-1000}
runs=${RUNS:-3}
out=$(mktemp -d "${TMPDIR:-/tmp}/place_bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
mpirun=./launcher/mini-mpirun

cc -O2 -Iinclude -o "$out/osu" bench/coll/osu_coll.c runtime/.libs/libminimpi.a $(pkg-config --libs libfabric) -lrt -pthread ||
    exit 1
# The same two programs built against Open MPI and MPICH (when installed),
# for rows run in the same session under the same load.
for impl in openmpi mpich; do
    command -v mpicc.$impl >/dev/null &&
        mpicc.$impl -O2 -o "$out/osu.$impl" bench/coll/osu_coll.c &&
        mpicc.$impl -O2 -o "$out/pingpong.$impl" examples/pingpong.c
done
ompirun="mpirun.openmpi --allow-run-as-root --oversubscribe"
# The first two cpus we may use: the 2-core runs go there.
set -- $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | tr ',' '\n' |
    awk -F- '{e = ($2 == "" ? $1 : $2); for (c = $1; c <= e; c++) print c}' | head -2)
if [ $# -lt 2 ]; then
    echo "run.sh: needs 2 cpus, has $#" >&2
    exit 1
fi
one=$1 two=$1,$2

# stats FILE: the median and the minimum of the numbers in FILE, one per line.
stats() {
    sort -n "$1" | awk '{v[NR] = $1} END {if (NR) printf "%10s %10s", v[int((NR + 1) / 2)], v[1]; else printf "%10s %10s", "-", "-"}'
}

# pingpong LABEL OPTIONS...: latency of 8-byte and 64-byte messages (the
# 0-byte size that pingpong measures first also absorbs the ranks' start).
pingpong() {
    label=$1
    shift
    for size in 8 64; do : >"$out/pp.$size"; done
    r=0
    while [ $r -lt "$runs" ]; do
        timeout 300 ${launch:-$mpirun} "$@" ${pp:-./examples/pingpong} -s 0 -S 64 -i "$((iters / ${slow:-1}))" >"$out/pp" 2>&1 ||
            { echo "pingpong $label: failed: $(tail -1 "$out/pp")"; return; }
        awk '$1 == 8 || $1 == 64 {print $3 >> ("'"$out"'/pp." $1)}' "$out/pp"
        r=$((r + 1))
    done
    for size in 8 64; do
        printf "%-10s %-34s %6s %s\n" pingpong "$label" "$size" "$(stats "$out/pp.$size")"
    done
}

# allreduce LABEL OPTIONS...: MPI_Allreduce of 4 and 4096 bytes.
allreduce() {
    label=$1
    shift
    for size in 4 4096; do : >"$out/ar.$size"; done
    r=0
    while [ $r -lt "$runs" ]; do
        timeout 600 ${launch:-$mpirun} "$@" ${osu:-"$out/osu"} 4096 "$(((iters / 5) / ${slow:-1}))" 3 >"$out/ar" 2>&1 ||
            { echo "allreduce $label: failed: $(tail -1 "$out/ar")"; return; }
        awk '$1 == "allreduce" && ($2 == 4 || $2 == 4096) {print $3 >> ("'"$out"'/ar." $2)}' "$out/ar"
        r=$((r + 1))
    done
    for size in 4 4096; do
        printf "%-10s %-34s %6s %s\n" allreduce "$label" "$size" "$(stats "$out/ar.$size")"
    done
}

echo "# cpus $two; $runs runs of $iters iterations; microseconds per call"
printf "%-10s %-34s %6s %10s %10s\n" "# bench" placement bytes median min
pingpong "2 ranks, 2 cores, bound" -n 2 --cpu-set "$two"
pingpong "2 ranks, 2 cores, unbound" -n 2 --cpu-set "$two" --bind-to none
pingpong "2 ranks, 1 core (oversubscribed)" -n 2 --cpu-set "$one"
allreduce "2 ranks, 2 cores, bound" -n 2 --cpu-set "$two"
allreduce "2 ranks, 2 cores, unbound" -n 2 --cpu-set "$two" --bind-to none
allreduce "8 ranks, 2 cores, unbound" -n 8 --cpu-set "$two"
allreduce "8 ranks, 2 cores, bound to core" -n 8 --cpu-set "$two" --bind-to core

# Open MPI and MPICH, same sizes.  Open MPI binds to core when the ranks fit
# and not at all when they do not (as minimpi does); MPICH's Hydra does not
# bind by default.  MPICH busy-polls, so when oversubscribed it gets a tenth
# of the iterations (the table is per call, so that stays comparable).
if [ -x "$out/osu.openmpi" ]; then
    launch=$ompirun pp=$out/pingpong.openmpi
    pingpong "Open MPI: 2 ranks, 2 cores" -n 2 --cpu-set "$two"
    pingpong "Open MPI: 2 ranks, 1 core" -n 2 --cpu-set "$one" --bind-to none
    launch=$ompirun osu=$out/osu.openmpi
    allreduce "Open MPI: 8 ranks, 2 cores" -n 8 --cpu-set "$two" --bind-to none
fi
if [ -x "$out/osu.mpich" ]; then
    launch="taskset -c $two mpiexec.mpich" pp=$out/pingpong.mpich
    pingpong "MPICH: 2 ranks, 2 cores" -n 2
    launch="taskset -c $one mpiexec.mpich" slow=10
    pingpong "MPICH: 2 ranks, 1 core" -n 2
    launch="taskset -c $two mpiexec.mpich" osu=$out/osu.mpich slow=10
    allreduce "MPICH: 8 ranks, 2 cores" -n 8
fi

#!/bin/sh
# overhead.sh -- what mini-mpirun --profile and --hang-timeout cost: the
# 8-byte ping-pong latency (bench/p2p/osu_p2p.c) and the 8-byte allreduce
# (bench/insight/allreduce8.c) on 2 ranks, run plain, with --profile and
# with --hang-timeout 600, alternately `rounds` times; prints the median of
# each (microseconds) and its ratio to the plain run.
# Run from the top of a built minimpi tree:
#     sh bench/insight/overhead.sh [rounds] [scale] [allreduce_iters]
# scale multiplies osu_p2p's iteration counts (1: 20000 ping-pongs);
# a smoke run: sh bench/insight/overhead.sh 1 0.01 1000
set -u
. bench/lib.sh
rounds=${1:-5}
scale=${2:-1}
ar_iters=${3:-100000}
out=$(mktemp -d "${TMPDIR:-/tmp}/overhead.XXXXXX")
trap 'rm -rf "$out"' EXIT
MPIRUN=./launcher/mini-mpirun
libs="runtime/.libs/libminimpi.a $(pkg-config --libs libfabric) -lrt -pthread"
# shellcheck disable=SC2086 # $libs is a list of words
cc -O2 -Iinclude -o "$out/pp" bench/p2p/osu_p2p.c $libs || exit 1
# shellcheck disable=SC2086
cc -O2 -Iinclude -o "$out/ar" bench/insight/allreduce8.c $libs || exit 1

# run MODE: one round of both programs in MODE (plain, profile, hang),
# appending "<test> 8 <us>" lines to $out/MODE (bench/lib.sh's median form).
run() {
    case $1 in
    plain) opts= ;;
    profile) opts="--profile=$out/prof" ;;
    hang) opts="--hang-timeout 600" ;;
    esac
    # shellcheck disable=SC2086 # $opts is zero or more words
    timeout 600 "$MPIRUN" $opts -n 2 "$out/pp" latency 8 "$scale" 2>/dev/null |
        awk '$1 == "latency" && $2 == 8 { print "pingpong", 8, $3 }' >>"$out/$1"
    # shellcheck disable=SC2086
    timeout 600 "$MPIRUN" $opts -n 2 "$out/ar" "$ar_iters" 2>/dev/null |
        awk '$1 == "allreduce" { print "allreduce", 8, $3 }' >>"$out/$1"
}

# value MODE TEST: the median of TEST's runs in MODE ("-": none).
value() {
    v=$(median "$out/$1" | awk -v t="$2" '$1 == t { print $3 }')
    echo "${v:--}"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$rounds" ]; do
    for mode in plain profile hang; do
        run "$mode"
    done
    r=$((r + 1))
done
echo "== 2 ranks, 8 bytes, median over $rounds runs (microseconds; ratio to plain)"
printf "%-10s %10s %10s %7s %10s %7s\n" test plain profile ratio hang ratio
for t in pingpong allreduce; do
    p=$(value plain $t) f=$(value profile $t) h=$(value hang $t)
    awk -v t="$t" -v p="$p" -v f="$f" -v h="$h" 'function ratio(x) {
            return (p + 0 > 0 && x != "-") ? sprintf("%.3f", x / p) : "-" }
        BEGIN { printf "%-10s %10s %10s %7s %10s %7s\n", t, p, f, ratio(f), h, ratio(h) }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

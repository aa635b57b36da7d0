#!/bin/sh
# fastpath.sh -- what the shared-memory fast path costs the system: system
# calls and heap allocations per message, which should both be none.
#
#   sh bench/p2p/fastpath.sh [low_scale high_scale]     (default 1 3)
#
# Run from the top of a built tree.  Two ranks on this node run the 0-64
# byte ping-pong and message-rate tests of bench/p2p/osu_p2p twice, the
# second time with more iterations (high_scale / low_scale times as many);
# each rank runs under `perf stat -e raw_syscalls:sys_enter` (system calls;
# `strace -c -f` where perf cannot count them, or with FASTPATH_COUNTER=strace) and bench/p2p/count_alloc.c
# (heap allocations, LD_PRELOAD), and MINIMPI_VERBOSE=proto counts the
# messages it sent.  Start-up, barriers and finalize are the same in both
# runs, so the difference of each count between the runs, divided by the
# difference of messages sent, is the cost per message of the fast path.
# Prints one line per rank and exits 1 when a rank makes a system call or
# an allocation per 100 messages or more (one per message, or one per
# window of 64, is well above; below are pools that grow until the most
# messages ever waiting at once fit, a few dozen allocations in all).  `make check` runs it with small
# scales (fastpath_check.sh).
# Exit 77 (skipped) when the build is sanitized (its allocator cannot be
# interposed) or nothing here counts system calls.
set -u
low=${1:-1}
high=${2:-3}
bench=bench/p2p
src=${srcdir:-.}/bench/p2p
[ -n "${FASTPATH_NO_MAKE:-}" ] || make $bench/osu_p2p launcher/mini-mpirun >/dev/null || exit 1
if grep -q __asan_init $bench/osu_p2p; then
    echo "fastpath: skipped: a sanitized build counts its own allocations"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fastpath.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -shared -fPIC -o "$tmp/count_alloc.so" "$src/count_alloc.c" || exit 1

if [ "${FASTPATH_COUNTER:-perf}" = perf ] &&
   perf stat -x, -e raw_syscalls:sys_enter -o "$tmp/probe" -- true 2>/dev/null &&
   grep -q raw_syscalls "$tmp/probe"; then
    counter=perf
elif command -v strace >/dev/null; then
    counter=strace
else
    echo "fastpath: skipped: neither perf nor strace can count system calls here"
    exit 77
fi

# run SCALE: each rank leaves its system calls, allocations and messages in $tmp.
run() {
    MINIMPI_VERBOSE=proto ./launcher/mini-mpirun --timeout 120 -n 2 sh -c '
        out=$0/$1.$PMI_RANK; shift
        set -- env LD_PRELOAD="$PRELOAD" COUNT_ALLOC_OUT="$out.alloc" "$@"
        if [ "$COUNTER" = perf ]; then
            exec perf stat -x, -e raw_syscalls:sys_enter -o "$out.sys" -- "$@"
        fi
        exec strace -f -c -o "$out.sys" "$@"' \
        "$tmp" "$1" "$src/pin.sh" $bench/osu_p2p latency,mr 64 "$1" \
        >"$tmp/$1.out" 2>"$tmp/$1.err" || { cat "$tmp/$1.err" >&2; exit 1; }
}
export COUNTER=$counter PRELOAD="$tmp/count_alloc.so"
run "$low"
run "$high"

# syscalls FILE: the count in a perf or strace summary.
syscalls() {
    if [ "$counter" = perf ]; then
        sed -n 's/^\([0-9]*\),.*raw_syscalls:sys_enter.*/\1/p' "$1"
    else
        awk '$NF == "total" { print $4 }' "$1"
    fi
}
sent() {
    sed -n "s/.*rank $2: proto: packets sent: eager \([0-9]*\).*/\1/p" "$tmp/$1.err"
}

status=0
echo "fastpath: 2 ranks, osu_p2p latency and mr, 0-64 B, scales $low and $high; system calls counted by $counter"
for rank in 0 1; do
    m1=$(sent "$low" $rank); m2=$(sent "$high" $rank)
    s1=$(syscalls "$tmp/$low.$rank.sys"); s2=$(syscalls "$tmp/$high.$rank.sys")
    a1=$(cat "$tmp/$low.$rank.alloc".* | awk '$1 == "osu_p2p" { print $2 }')
    a2=$(cat "$tmp/$high.$rank.alloc".* | awk '$1 == "osu_p2p" { print $2 }')
    if [ -z "$m1" ] || [ -z "$m2" ] || [ -z "$s1" ] || [ -z "$s2" ] || [ -z "$a1" ] || [ -z "$a2" ]; then
        echo "fastpath: rank $rank: a count is missing (messages $m1/$m2, system calls $s1/$s2, allocations $a1/$a2)" >&2
        exit 1
    fi
    awk -v r=$rank -v m1="$m1" -v m2="$m2" -v s1="$s1" -v s2="$s2" -v a1="$a1" -v a2="$a2" 'BEGIN {
        dm = m2 - m1
        printf "fastpath: rank %d: messages sent %d -> %d; system calls %d -> %d (%.4f per message); allocations %d -> %d (%.4f per message)\n",
               r, m1, m2, s1, s2, (s2 - s1) / dm, a1, a2, (a2 - a1) / dm
        exit ((s2 - s1) / dm >= 0.01 || (a2 - a1) / dm >= 0.01) }' || status=1
done
exit $status

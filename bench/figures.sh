#!/bin/sh
# figures.sh -- the README's performance figures, in one go, on a quiet
# machine: writes bench/results.md (date, machine, library versions, load
# average, the point-to-point table of bench/compare, the system calls and
# allocations per message of bench/p2p/fastpath.sh, and the 2-rank and
# 8-rank tables of bench/coll/run.sh) and bench/results-p2p.png (latency and
# bandwidth).
#
#   sh bench/figures.sh [rounds]        (default 5; from the top of a built tree)
#
# It takes about 20 minutes (8 minutes with 3 rounds).  Numbers taken while other jobs run say little:
# the load average before and after is part of the output.
set -u
rounds=${1:-5}
md=bench/results.md
png=bench/results-p2p.png
make bench/p2p/osu_p2p bench/p2p/floor launcher/mini-mpirun >/dev/null || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/figures.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ompi=$(ompi_info --version 2>/dev/null | sed -n 's/^Open MPI v\{0,1\}//p' | head -1)
mpich=$(mpichversion 2>/dev/null | sed -n 's/^MPICH Version:[[:space:]]*//p' | head -1)
mini=$(sed -n 's/^PACKAGE_VERSION = //p' Makefile 2>/dev/null)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

./bench/compare --build-dir . -n "$rounds" --plot "$png" >"$tmp/p2p" 2>"$tmp/p2p.err" || {
    cat "$tmp/p2p.err" >&2; exit 1; }
# System calls and allocations per message on the fast path (none expected;
# a nonzero exit says so, and the figures still get written).
sh bench/p2p/fastpath.sh >"$tmp/fastpath" 2>&1
sh bench/coll/run.sh 65536 50 "$rounds" 2 >"$tmp/coll" 2>&1 || exit 1
# 8 ranks on this machine's cores: oversubscribed on a small one, where
# every round of an algorithm waits for ranks to be scheduled (fewer calls).
sh bench/coll/run.sh 65536 30 "$rounds" 8 >"$tmp/coll8" 2>&1 || exit 1

{
    echo "# Performance figures"
    echo
    echo "Taken $(date -u '+%Y-%m-%d %H:%M UTC') by \`sh bench/figures.sh $rounds\`."
    echo
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cpus," \
         "$(uname -sr)"
    echo "- minimpi ${mini:-?} (commit $commit), Open MPI ${ompi:-?}, MPICH ${mpich:-?}"
    echo "- ranks pinned to a core each; medians over $rounds alternating rounds;" \
         "ratio = minimpi / better of Open MPI and MPICH (lower is better for" \
         "latency and time, higher for bandwidth)"
    echo
    echo "## Point to point (bench/compare)"
    echo
    echo "![latency and bandwidth]($(basename "$png"))"
    echo
    echo '```'
    cat "$tmp/p2p"
    echo '```'
    echo
    echo "## Fast path: system calls and allocations per message (bench/p2p/fastpath.sh)"
    echo
    echo '```'
    cat "$tmp/fastpath"
    echo '```'
    echo
    echo "## Collectives, 2 ranks (bench/coll/run.sh)"
    echo
    echo '```'
    cat "$tmp/coll"
    echo '```'
    echo
    echo "## Collectives, 8 ranks on $(nproc) cpus (bench/coll/run.sh)"
    echo
    echo '```'
    cat "$tmp/coll8"
    echo '```'
} >"$md"
echo "figures.sh: wrote $md and $png"

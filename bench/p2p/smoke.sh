#!/bin/sh
# smoke.sh -- the benchmark programs work with our runtime: every test of
# osu_p2p prints one line per size on 2 and 3 ranks (3: the odd rank out of
# the multi-pair test must sit still), and floor prints its figures.  Tiny
# sizes and iteration counts: this checks function, not speed.
set -u
dir=bench/p2p
out=$(mktemp "${TMPDIR:-/tmp}/p2psmoke.XXXXXX")
trap 'rm -f "$out"' EXIT
fail=0
for n in 2 3; do
    if ! timeout -k 5 90 ./launcher/mini-mpirun --timeout 60 -n "$n" \
        "$dir/osu_p2p" latency,bw,bibw,mr 4096 0.01 >"$out" 2>&1; then
        echo "FAIL: osu_p2p on $n ranks:"; cat "$out"; fail=1; continue
    fi
    # Sizes 0, 1, 2, ..., 4096: 14 lines per test, each with a positive
    # value (bandwidth is 0 at 0 bytes).
    for t in latency bw bibw mr; do
        lines=$(awk -v t="$t" '$1 == t && ($3 > 0 || ($2 == 0 && t ~ /bw/))' "$out" | wc -l)
        if [ "$lines" -ne 14 ]; then
            echo "FAIL: osu_p2p on $n ranks printed $lines good '$t' lines, expected 14:"
            cat "$out"; fail=1
        fi
    done
done
if ! timeout 60 "$dir/floor" 65536 0 1 0.001 >"$out" 2>&1 ||
    [ "$(awk '($1 == "floor_latency" || $1 == "memcpy") && $3 > 0' "$out" | wc -l)" -ne 8 ]; then
    echo "FAIL: floor:"; cat "$out"; fail=1
fi
[ $fail = 0 ] && echo "PASS: osu_p2p and floor run with minimpi"
exit $fail

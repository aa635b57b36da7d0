#!/bin/sh
# cma_sweep.sh -- choose the shared-memory CMA threshold by measurement.
#
#   sh bench/p2p/cma_sweep.sh [thresholds] [max_bytes] [rounds]
#
# Run from the top of a built tree (`make bench/p2p/osu_p2p` first; the
# collective benchmark is built here from bench/coll/osu_coll.c).  For every
# threshold of the comma-separated list (default 8064,16k,32k,64k,128k,256k;
# MINIMPI_SHM_CMA_THRESHOLD: messages up to it are copied through the
# receive queue in several cells, larger ones are read with one CMA call)
# it runs, with two ranks pinned to cores of their own (bench/p2p/pin.sh),
# the point-to-point latency, bw and bibw tests and the 2-rank allreduce
# from 8 KiB to max_bytes (default 512 KiB).  The thresholds take turns,
# `rounds` times (default 3), so that a change in the machine's load hits
# them alike; the table gives per (test, size) the median over rounds for
# each threshold (latency and allreduce in microseconds, lower is better;
# bw and bibw in MB/s, higher is better).  The best threshold is the largest
# one that is no worse than the smaller ones at every size up to it.
set -u
thresholds=${1:-8064,16k,32k,64k,128k,256k}
max=${2:-524288}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
top=$(pwd)
osu=$top/bench/p2p/osu_p2p
[ -x "$osu" ] || { echo "cma_sweep: build bench/p2p/osu_p2p first (make bench/p2p/osu_p2p)" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/cma_sweep.XXXXXX")
trap 'rm -rf "$out"' EXIT
cc -O2 -Iinclude -o "$out/coll" bench/coll/osu_coll.c runtime/.libs/libminimpi.a \
    $(pkg-config --libs libfabric) -lrt -pthread || exit 1

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$rounds" ]; do
    for t in $(echo "$thresholds" | tr ',' ' '); do
        MINIMPI_SHM_CMA_THRESHOLD=$t timeout 600 ./launcher/mini-mpirun -n 2 \
            sh "$here/pin.sh" "$osu" latency,bw,bibw "$max" >"$out/p2p.$t.$r" 2>&1
        MINIMPI_SHM_CMA_THRESHOLD=$t MINIMPI_COLL_ALLREDUCE=recursive_doubling \
            timeout 600 ./launcher/mini-mpirun -n 2 sh "$here/pin.sh" "$out/coll" "$max" 50 \
            >"$out/coll.$t.$r" 2>&1
    done
    r=$((r + 1))
done

# One line per (test, size, threshold): the median over rounds.
for t in $(echo "$thresholds" | tr ',' ' '); do
    cat "$out"/p2p."$t".* "$out"/coll."$t".* |
        awk -v t="$t" -v max="$max" 'NF == 3 && $3 ~ /^[0-9.]+$/ && $2 >= 8192 && $2 <= max &&
                                      ($1 != "barrier" && $1 != "bcast" && $1 != "alltoall") {
                                          print $1, $2, t, $3 }'
done | sort -k1,1 -k2,2n -k3,3 -k4,4g |
    awk '{ k = $1 " " $2 " " $3; v[k, ++n[k]] = $4; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k } }
         END { for (i = 1; i <= nk; i++) { k = keys[i]; c = n[k]
                   m = c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
                   print k, m } }' >"$out/medians"

printf "%-10s %8s" test bytes
for t in $(echo "$thresholds" | tr ',' ' '); do printf " %10s" "$t"; done
echo
awk -v list="$thresholds" '
    BEGIN { nt = split(list, ts, ",") }
    { v[$1 " " $2, $3] = $4; if (!(($1 " " $2) in seen)) { seen[$1 " " $2] = 1; rows[++nr] = $1 " " $2 } }
    END { for (i = 1; i <= nr; i++) {
              split(rows[i], f, " "); printf "%-10s %8s", f[1], f[2]
              for (j = 1; j <= nt; j++) printf " %10s", ((rows[i], ts[j]) in v) ? v[rows[i], ts[j]] : "-"
              print "" } }' "$out/medians"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

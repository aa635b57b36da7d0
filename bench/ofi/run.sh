#!/bin/sh
# run.sh -- ping-pong over libfabric on one node: minimpi with
# MINIMPI_TRANSPORTS=ofi (examples/pingpong) against fi_pingpong
# (libfabric-bin), the floor, with the same provider.  Prints 8 B latency
# and 1 MiB bandwidth for both and their ratios (issue 7's goal: latency
# within 1.2 x the floor, bandwidth at least 0.9 x).
# Run from the top of a built minimpi tree:
#   sh bench/ofi/run.sh [provider] [iterations]      (default: tcp, 2000)
set -u
prov=${1:-tcp}
iters=${2:-2000}
command -v fi_pingpong >/dev/null || { echo "fi_pingpong not found: apt-get install libfabric-bin"; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/ofi_bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

# fi_pingpong: server and client on this node, RDM endpoints, one size each.
floor() {   # floor SIZE ITER -> "usec MB/s" of fi_pingpong's result line
    port=$((47000 + $$ % 1000))
    FI_PROVIDER=$prov fi_pingpong -e rdm -B "$port" -I "$2" -S "$1" >"$out/srv" 2>&1 &
    srv=$!
    sleep 1
    FI_PROVIDER=$prov fi_pingpong -e rdm -P "$port" -I "$2" -S "$1" 127.0.0.1 >"$out/cli" 2>&1
    wait "$srv"
    # Columns: bytes iters total time MB/sec usec/xfer Mxfers/sec
    awk '$1 ~ /^[0-9]/ && NF >= 7 { print $6, $5 }' "$out/cli" | tail -1
}

mini() {    # mini SIZE ITER -> "usec MB/s" of examples/pingpong's line for SIZE
    FI_PROVIDER=$prov timeout 600 ./launcher/mini-mpirun -n 2 -x MINIMPI_TRANSPORTS=ofi \
        -x FI_PROVIDER ./examples/pingpong -s "$1" -S "$1" -i "$2" >"$out/mini" 2>&1
    awk -v s="$1" '$1 == s { print $2, $3 }' "$out/mini"
}

echo "provider $prov (FI_PROVIDER), $iters iterations"
printf "%-10s %16s %16s %7s\n" size "minimpi" "fi_pingpong" ratio
set -- $(mini 8 "$iters"); ml=${1:-?}
set -- $(floor 8 "$iters"); fl=${1:-?}
printf "%-10s %13s us %13s us %7s\n" "8 B" "$ml" "$fl" "$(awk -v a="$ml" -v b="$fl" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')"
set -- $(mini 1048576 200); mb=${2:-?}
set -- $(floor 1m 200); fb=${2:-?}
printf "%-10s %11s MB/s %11s MB/s %7s\n" "1 MiB" "$mb" "$fb" "$(awk -v a="$mb" -v b="$fb" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')"

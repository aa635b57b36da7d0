#!/bin/sh
# run.sh -- ping-pong latency (8 B) and bandwidth (1 MiB) between two network
# namespaces joined by a veth pair (10.77.1.1 and 10.77.1.2), one rank in
# each: fi_pingpong (the floor, same provider), minimpi, and Open MPI and
# MPICH when they run there.  Each figure is the median of REPS runs; the
# last columns are minimpi's ratios to the floor (issue 7's goal: latency at
# most 1.2 x, bandwidth at least 0.9 x).  Root only.  The namespaces are
# deleted on exit.
#
# Binding: the two namespaces are one machine.  minimpi knows it (the nodes
# report the kernel's boot id) and binds the two ranks to different cores.
# Open MPI and MPICH bind each node's first rank to the first core, so both
# ranks would share one core and wait for the scheduler's tick (about 4 ms
# per message): they run with their no-binding options (--bind-to none,
# -bind-to none), which is their best case here.
#
# Usage: bench/netns/run.sh [BUILD_DIR]   (default: the current directory)
# Environment: FI_PROVIDER (default tcp), ITERS (8 B round trips, default
# 2000; 1 MiB: 200), REPS (default 3).
set -u
B=$(cd "${1:-.}" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "bench/netns/run.sh: needs root" >&2; exit 1; }
N1=mmbench$$a N2=mmbench$$b
TMP=$(mktemp -d)
cleanup() {
    ip netns del $N1 2>/dev/null
    ip netns del $N2 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add $N1 && ip netns add $N2 || exit 1
ip -n $N1 link set lo up && ip -n $N2 link set lo up &&
ip -n $N1 link add eth0 type veth peer name eth0 netns $N2 &&
ip -n $N1 addr add 10.77.1.1/24 dev eth0 && ip -n $N2 addr add 10.77.1.2/24 dev eth0 &&
ip -n $N1 link set eth0 up && ip -n $N2 link set eth0 up || exit 1
# minimpi's agent gets the daemon's argv as words ("AGENT HOST ARGV...").
printf '#!/bin/sh\nns=$1\nshift\nexec ip netns exec "$ns" "$@"\n' >"$TMP/agent"
# Open MPI and Hydra expect ssh: options first (Hydra passes -x), then the
# host, then a command line for the remote shell.
cat >"$TMP/sshlike" <<'AGENT'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
ns=$1
shift
exec ip netns exec "$ns" sh -c "$*"
AGENT
chmod +x "$TMP/agent" "$TMP/sshlike"
SRC=$(dirname "$0")/pp.c
PROV=${FI_PROVIDER:-tcp}
ITERS=${ITERS:-2000}
REPS=${REPS:-3}

iters() { [ "$1" -gt 8 ] && echo 200 || echo "$ITERS"; }

# Each runner prints "LATENCY_US BANDWIDTH_MBS" for one size, or nothing.
floor() {
    it=$(iters "$1")
    ip netns exec $N1 timeout 120 fi_pingpong -p "$PROV" -e rdm -I "$it" -S "$1" \
        >"$TMP/srv" 2>&1 &
    sleep 0.5
    # Columns: bytes #sent #ack total time MB/sec usec/xfer Mxfers/sec
    ip netns exec $N2 timeout 120 fi_pingpong -p "$PROV" -e rdm -I "$it" -S "$1" 10.77.1.1 \
        2>&1 | awk '$1 ~ /^[0-9]/ && NF >= 8 { print $7, $6 }'
    wait
}

# pp's line: "SIZE bytes: LAT us, BW MB/s".
pp_figures() { awk '/ bytes: / { print $3, $5 }'; }

mini() {
    ip netns exec $N1 env FI_PROVIDER="$PROV" timeout 120 "$B/launcher/mini-mpirun" \
        --launch-agent "$TMP/agent" --iface eth0 -H localhost,$N2 "$TMP/pp-mini" "$1" \
        "$(iters "$1")" 2>"$TMP/err.mini" | pp_figures
}

ompi() {
    ip netns exec $N1 timeout 120 mpirun.openmpi --allow-run-as-root --oversubscribe --bind-to none \
        --mca plm_rsh_agent "$TMP/sshlike" --mca btl tcp,self \
        --mca btl_tcp_if_include eth0 --mca oob_tcp_if_include eth0 \
        -H 10.77.1.1,$N2 -np 2 "$TMP/pp-ompi" "$1" "$(iters "$1")" 2>"$TMP/err.ompi" |
        pp_figures
}

# Debian's MPICH is ch4:ucx (not libfabric), and UCX sees that both
# namespaces are one machine and would use shared memory (about 5 x the
# floor here): UCX_TLS=tcp,self and MPIR_CVAR_NOLOCAL keep it on the
# network, as Open MPI's "btl tcp,self" does.
mpich() {
    ip netns exec $N1 env FI_PROVIDER="$PROV" timeout 120 mpiexec.mpich -launcher ssh \
        -launcher-exec "$TMP/sshlike" -iface eth0 -hosts 10.77.1.1,$N2 -n 2 -bind-to none \
        -genv MPIR_CVAR_NOLOCAL 1 -genv UCX_TLS tcp,self \
        "$TMP/pp-mpich" "$1" "$(iters "$1")" 2>"$TMP/err.mpich" | pp_figures
}

# median RUNNER SIZE FIELD: the median of REPS runs' FIELD (1 latency, 2 bw).
median() {
    for _ in $(seq "$REPS"); do "$1" "$2"; done | awk -v f="$3" '{ print $f }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# As bench/coll/run.sh: the static library of the build tree; libfabric when
# the build has the ofi transport.
LIBS="-lrt -pthread"
pkg-config --exists libfabric 2>/dev/null && LIBS="$LIBS $(pkg-config --libs libfabric)"
RUNNERS=floor
if cc -O2 -I"$B/include" -o "$TMP/pp-mini" "$SRC" "$B/runtime/.libs/libminimpi.a" $LIBS \
        2>"$TMP/cc.err"; then
    RUNNERS="$RUNNERS mini"
else
    echo "minimpi: cannot build pp: $(head -3 "$TMP/cc.err")"
fi
command -v mpicc.openmpi >/dev/null 2>&1 && mpicc.openmpi -O2 -o "$TMP/pp-ompi" "$SRC" &&
    RUNNERS="$RUNNERS ompi"
command -v mpicc.mpich >/dev/null 2>&1 && mpicc.mpich -O2 -o "$TMP/pp-mpich" "$SRC" &&
    RUNNERS="$RUNNERS mpich"

echo "provider $PROV; medians of $REPS runs; 8 B: $ITERS round trips, 1 MiB: 200"
printf "%-12s %14s %14s %10s %10s\n" "" "8 B lat (us)" "1 MiB (MB/s)" "lat/floor" "bw/floor"
for r in $RUNNERS; do
    lat=$(median $r 8 1)
    bw=$(median $r 1048576 2)
    [ -z "$lat$bw" ] && [ -s "$TMP/err.$r" ] && echo "$r: failed: $(tail -2 "$TMP/err.$r")"
    [ $r = floor ] && { flat=$lat fbw=$bw; }
    printf "%-12s %14s %14s %10s %10s\n" "$r" "${lat:--}" "${bw:--}" \
        "$(awk -v a="$lat" -v b="${flat:-}" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f", a / b }')" \
        "$(awk -v a="$bw" -v b="${fbw:-}" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f", a / b }')"
done

#!/bin/sh
# run.sh -- ping-pong latency (8 B) and bandwidth (1 MiB) between two network
# namespaces joined by a veth pair (10.77.1.1 and 10.77.1.2), one rank in
# each: fi_pingpong (the floor, same provider), minimpi, and Open MPI and
# MPICH when they run there.  Root only.  The namespaces are deleted on exit.
#
# Usage: bench/netns/run.sh [BUILD_DIR]   (default: the current directory)
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
printf '#!/bin/sh\nns=$1\nshift\nexec ip netns exec "$ns" "$@"\n' >"$TMP/agent"
chmod +x "$TMP/agent"
SRC=$(dirname "$0")/pp.c
PROV=${FI_PROVIDER:-tcp}
ITERS=${ITERS:-2000}

echo "== fi_pingpong -p $PROV (floor)"
for s in 8 1048576; do
    it=$ITERS; [ $s -gt 8 ] && it=200
    ip netns exec $N1 timeout 60 fi_pingpong -p "$PROV" -e rdm -I $it -S $s >"$TMP/srv" 2>&1 &
    sleep 0.5
    ip netns exec $N2 timeout 60 fi_pingpong -p "$PROV" -e rdm -I $it -S $s 10.77.1.1 2>&1 |
        awk 'NR==1 || /^[0-9]/'
    wait
done

echo "== minimpi (FI_PROVIDER=$PROV)"
# As bench/coll/run.sh: the static library of the build tree; libfabric when
# the build has the ofi transport.
LIBS="-lrt -pthread"
pkg-config --exists libfabric 2>/dev/null && LIBS="$LIBS $(pkg-config --libs libfabric)"
if cc -O2 -I"$B/include" -o "$TMP/pp-mini" "$SRC" "$B/runtime/.libs/libminimpi.a" $LIBS \
        2>"$TMP/cc.err"; then
    for s in 8 1048576; do
        it=$ITERS; [ $s -gt 8 ] && it=200
        ip netns exec $N1 env FI_PROVIDER="$PROV" timeout 60 "$B/launcher/mini-mpirun" \
            --launch-agent "$TMP/agent" --iface eth0 -H localhost,$N2 "$TMP/pp-mini" $s $it
    done
else
    echo "cannot build: $(head -3 "$TMP/cc.err")"
fi

if command -v mpicc.openmpi >/dev/null 2>&1; then
    echo "== Open MPI (btl tcp)"
    mpicc.openmpi -O2 -o "$TMP/pp-ompi" "$SRC" &&
    for s in 8 1048576; do
        it=$ITERS; [ $s -gt 8 ] && it=200
        ip netns exec $N1 timeout 60 mpirun.openmpi --allow-run-as-root --oversubscribe \
            --mca plm_rsh_agent "$TMP/agent" --mca btl tcp,self \
            --mca btl_tcp_if_include eth0 --mca oob_tcp_if_include eth0 \
            -H 10.77.1.1,$N2 -np 2 "$TMP/pp-ompi" $s $it 2>&1 | tail -2
    done
fi

if command -v mpicc.mpich >/dev/null 2>&1; then
    echo "== MPICH (ch4:ofi)"
    mpicc.mpich -O2 -o "$TMP/pp-mpich" "$SRC" &&
    for s in 8 1048576; do
        it=$ITERS; [ $s -gt 8 ] && it=200
        ip netns exec $N1 env FI_PROVIDER="$PROV" timeout 60 mpiexec.mpich -launcher ssh \
            -launcher-exec "$TMP/agent" -iface eth0 -hosts 10.77.1.1,$N2 -n 2 \
            "$TMP/pp-mpich" $s $it 2>&1 | tail -2
    done
fi

# lib.sh -- network namespaces as nodes, for tests/netns/*.sh.
#
# netns_up creates three namespaces, A, B and C, each with lo up, joined by
# a bridge that lives in A: A has 10.77.0.1/24 on the bridge, B and C have
# 10.77.0.2 and 10.77.0.3 on the far ends of veth pairs whose near ends are
# bridge ports in A.  Nothing is created or changed in the namespace the
# test runs in, so no traffic can leave the machine.  netns_down deletes
# the namespaces (and with them every veth); it runs from the EXIT trap, so
# also on failure or interruption.
#
# Host names are the namespace names; the launch agent written to
# $NETNS_AGENT runs "ip netns exec HOST COMMAND...".

# Skip (exit 77, as automake reads it) with a reason.
netns_skip() {
    echo "SKIP: $*"
    exit 77
}

netns_need() {
    [ "$(id -u)" -eq 0 ] || netns_skip "network namespaces need root"
    command -v ip >/dev/null 2>&1 || netns_skip "no 'ip' command (iproute2)"
}

NETNS_PREFIX="mmpi$$"
NS_A=${NETNS_PREFIX}a
NS_B=${NETNS_PREFIX}b
NS_C=${NETNS_PREFIX}c
NETNS_CREATED=""

netns_down() {
    for ns in $NETNS_CREATED; do
        ip netns del "$ns" 2>/dev/null
    done
    NETNS_CREATED=""
}

netns_up() {
    for ns in $NS_A $NS_B $NS_C; do
        ip netns add "$ns" || return 1
        NETNS_CREATED="$NETNS_CREATED $ns"
        ip -n "$ns" link set lo up || return 1
    done
    ip -n "$NS_A" link add br0 type bridge &&
        ip -n "$NS_A" addr add 10.77.0.1/24 dev br0 &&
        ip -n "$NS_A" link set br0 up || return 1
    n=2
    for ns in $NS_B $NS_C; do
        port=p${ns##"$NETNS_PREFIX"}
        ip -n "$NS_A" link add "$port" type veth peer name eth0 netns "$ns" &&
            ip -n "$NS_A" link set "$port" master br0 &&
            ip -n "$NS_A" link set "$port" up &&
            ip -n "$ns" addr add "10.77.0.$n/24" dev eth0 &&
            ip -n "$ns" link set eth0 up || return 1
        n=$((n + 1))
    done
    # With STP off (the default) bridge ports forward at once: no wait.
}

# netns_agent FILE: write the launch agent.
netns_agent() {
    cat >"$1" <<'AGENT'
#!/bin/sh
# Launch agent for the namespace tests: the host name is the namespace.
ns=$1
shift
exec ip netns exec "$ns" "$@"
AGENT
    chmod +x "$1"
}

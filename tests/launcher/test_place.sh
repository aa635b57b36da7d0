#!/bin/sh
# Placement: the bindings mini-mpirun reports are the ones the ranks really
# have (sched_getaffinity), the ranks learn them through PMI keys, the
# launcher's own binding (taskset) is all it uses, and bad values of the
# placement options are refused.
. "$(dirname "$0")/lib.sh"
P=$HELPERS/pmi_client
EXAMPLES=${EXAMPLES:-./examples}

# The last cpu this script may run on: under "taskset -c $LAST" the launcher
# has one cpu, whatever the machine has.
LAST=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/.*[-,]//')
if ! taskset -c "$LAST" true 2>/dev/null; then
    echo "SKIP: taskset (util-linux) cannot bind to cpu $LAST here"
    exit 77
fi

run 0 "-n 2 --report-bindings" $MPIRUN -n 2 --report-bindings $P place "$MARK" && agree 2 "default"
for opts in "--bind-to hwthread" "--bind-to core" "--bind-to socket" "--bind-to numa" \
    "--bind-to none" "--map-by socket" "--map-by numa --bind-to numa" "--map-by node"; do
    run 0 "-n 3 $opts" $MPIRUN -n 3 --report-bindings $opts $P place "$MARK" && agree 3 "$opts"
done

# Inside "taskset -c LAST" the launcher sees one core: one rank is bound to
# it; two share it unbound, and are told that the node is oversubscribed.
run 0 "taskset -c $LAST, 1 rank" taskset -c "$LAST" $MPIRUN -n 1 --report-bindings $P place "$MARK" &&
    agree 1 "taskset, 1 rank"
expect_grep "$OUT" "^rank 0 place 0,1,0,1,$LAST affinity $LAST\$" "1 rank: bound, not oversubscribed"
expect_grep "$ERR" "MCW rank 0 bound to socket [0-9]+\[core [0-9]+\[hwt [0-9,-]+\]\]: (\[[B./]+\])+ \(cpus $LAST\)\$" \
    "1 rank: Open MPI's report line"
run 0 "taskset -c $LAST, 2 ranks" taskset -c "$LAST" $MPIRUN -n 2 --report-bindings $P place "$MARK" &&
    agree 2 "taskset, 2 ranks"
expect_grep "$OUT" "^rank 1 place 1,2,1,0,$LAST affinity $LAST\$" "2 ranks on 1 core: oversubscribed, unbound"
expect_grep "$ERR" "MCW rank 1 is not bound \(or bound to all available processors\): (\[[B./]+\])+ \(cpus $LAST\)\$" \
    "2 ranks on 1 core: reported unbound"

# An explicit binding is honoured even when the ranks share a core.
run 0 "--cpu-set $LAST --bind-to core -n 2" $MPIRUN -n 2 --report-bindings --cpu-set "$LAST" \
    --bind-to core $P place "$MARK" && agree 2 "--cpu-set"
expect_grep "$OUT" "^rank 1 place 1,2,1,1,$LAST affinity $LAST\$" "--cpu-set: bound and oversubscribed"

# --display-map comes before the ranks' output.
run 0 "--display-map" taskset -c "$LAST" $MPIRUN -n 2 --display-map $P place "$MARK"
T=$(printf '\t')
expect_grep "$OUT" "Data for node: [^$T]+${T}Num slots: 1${T}Num procs: 2${T}Oversubscribed: yes\$" "--display-map: the node"
expect_count "$OUT" "Process rank: [01]${T}Bound: N/A\$" 2 "--display-map: one line per rank"
if head -1 "$OUT" | grep -q "JOB MAP"; then pass "--display-map first"; else fail "--display-map is not first"; fi

# The runtime takes oversubscription from the launcher.
run 0 "MPI program, 2 ranks on 1 core" taskset -c "$LAST" $MPIRUN -n 2 -x MINIMPI_VERBOSE=boot \
    $EXAMPLES/hello "$MARK"
expect_count "$ERR" "^minimpi: rank [01]: boot: not bound, may use cpus $LAST by the launcher, node oversubscribed\$" 2 \
    "the runtime learns that the node is oversubscribed"
run 0 "MPI program, 1 rank on 1 core" taskset -c "$LAST" $MPIRUN -n 1 -x MINIMPI_VERBOSE=boot \
    $EXAMPLES/hello "$MARK"
expect_grep "$ERR" "^minimpi: rank 0: boot: bound to cpus $LAST by the launcher\$" "the runtime learns its binding"

# Bad values: exit 2, the reason, the hint.
bad() {
    msg=$1
    shift
    run 2 "bad placement: $*" $MPIRUN "$@" $P place "$MARK" || return
    expect_grep "$ERR" "^mini-mpirun: $msg\$" "message for: $*"
    expect_grep "$ERR" "^Try 'mini-mpirun --help'\.\$" "hint for: $*"
}
bad "invalid value 'cores' for --bind-to: must be none, hwthread, core, socket or numa" --bind-to cores
bad "invalid value 'board' for --map-by: must be slot, core, socket, numa or node" --map-by board
bad "invalid value '9-3' for --cpu-set: the range 9-3 is reversed" --cpu-set 9-3
bad "invalid value '1,x' for --cpu-set: 'x' is not a cpu number \(0 to 65535\) or a range N-M" --cpu-set 1,x
bad "invalid value '65000' for --cpu-set: cpu 65000 is not available here \(available: [0-9,-]+\)" --cpu-set 65000
run 2 "taskset: cpus outside the launcher's binding are refused" taskset -c "$LAST" $MPIRUN \
    --cpu-set "$LAST,65000" $P place "$MARK"
expect_grep "$ERR" "cpu 65000 is not available here \(available: $LAST\)\$" "taskset: the message names what is available"

# Reading the topology leaves the ranks' environment as it was.
run 0 "environment" $MPIRUN -n 1 $HELPERS/rank_actions env HWLOC_PLUGINS_PATH "$MARK"
expect_grep "$OUT" "^rank 0: HWLOC_PLUGINS_PATH unset\$" "the ranks do not inherit the launcher's hwloc settings"

# The options are documented in --help and in the man page.
run 0 "--help" $MPIRUN --help
for flag in "--map-by WHAT" "--bind-to WHAT" "--cpu-set LIST" "--report-bindings" "--display-map"; do
    expect_grep "$OUT" "^  $flag " "--help lists $flag"
done
MAN=./man/mini-mpirun.1
for flag in 'map\-by' 'bind\-to' 'cpu\-set' 'report\-bindings' 'display\-map'; do
    if grep -qF -- "\\-\\-$flag" "$MAN"; then
        pass "man page documents --$flag"
    else
        fail "man page $MAN lacks --$flag"
    fi
done
expect_grep "$MAN" "^\\.SH PLACEMENT\$" "man page has PLACEMENT"

expect_no_leftovers "after the placement runs"
finish

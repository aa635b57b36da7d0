#!/bin/bash
# slurm-up.sh DIR -- start a private Slurm (munged, slurmctld, one slurmd) with
# all its state, sockets, logs and keys under DIR, on non-default ports, and
# wait until the node is idle.  Prints the environment a client needs
# (SLURM_CONF=...) on stdout.  slurm-down.sh DIR stops it again.
#
# With SLURM_TEST_NETNS="CTL_NS:ADDR NODE_NS:ADDR..." the cluster spans
# network namespaces: slurmctld runs in CTL_NS listening on ADDR, and each
# NODE_NS is a node of that name with its own slurmd at ADDR.  Daemons are
# entered with nsenter --net (ip netns exec would remount /sys, which slurmd
# then misreads).  Clients must run in CTL_NS too.
#
# Needs root (slurmd runs jobs as the submitting user and manages cgroups or
# proctrack) and the Debian packages slurmctld, slurmd, slurm-client, munge.
set -eu

dir=$1
mkdir -p "$dir"
chmod 700 "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/munge" "$dir/ctld" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"

# A fresh munge key: nothing is shared with a system-wide munged.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
       --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
       --seed-file="$dir/munge/seed" --force

node=$(hostname -s)
ctld_host=$node
in_ctl=()
node_lines="NodeName=$node CPUs=8 State=UNKNOWN"
nodes=$node
slurmd_cmds=("slurmd -f $dir/slurm.conf")
if [ -n "${SLURM_TEST_NETNS:-}" ]; then
    # shellcheck disable=SC2086 # a list of words on purpose
    set -- $SLURM_TEST_NETNS
    ctl_ns=${1%%:*}
    ctld_host="$node(${1#*:})"
    in_ctl=(nsenter "--net=/run/netns/$ctl_ns")
    shift
    node_lines="" nodes="" slurmd_cmds=()
    for spec in "$@"; do
        ns=${spec%%:*}
        node_lines+="NodeName=$ns NodeAddr=${spec#*:} NodeHostname=$node CPUs=4 State=UNKNOWN"$'\n'
        nodes+="${nodes:+,}$ns"
        slurmd_cmds+=("nsenter --net=/run/netns/$ns slurmd -f $dir/slurm.conf -N $ns")
    done
fi
# Tests oversubscribe (8 tasks on 2 cores), as they do under mini-mpirun:
# the node declares 8 CPUs and slurmd is told to believe the configuration.
# Ports chosen away from Slurm's defaults (6817/6818) so a site's Slurm on
# this machine is not disturbed; overridable for parallel runs.
ctld_port=${SLURM_TEST_CTLD_PORT:-16817}
slurmd_port=${SLURM_TEST_SLURMD_PORT:-16818}
cat >"$dir/slurm.conf" <<CONF
ClusterName=minimpitest
SlurmctldHost=$ctld_host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=30
$node_lines
PartitionName=test Nodes=$nodes Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$dir/slurm.conf
"${in_ctl[@]}" slurmctld -f "$dir/slurm.conf" -i
for cmd in "${slurmd_cmds[@]}"; do
    $cmd
done
want=$(echo "$nodes" | tr ',' '\n' | wc -l)
for _ in $(seq 1 100); do
    if [ "$("${in_ctl[@]}" sinfo -h -N -o %T 2>/dev/null | grep -cx idle)" -eq "$want" ]; then
        echo "SLURM_CONF=$dir/slurm.conf"
        exit 0
    fi
    sleep 0.2
done
echo "slurm-up.sh: the nodes did not become idle within 20 s; see $dir/log" >&2
exit 1

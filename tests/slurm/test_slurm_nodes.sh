#!/bin/bash
# test_slurm_nodes.sh -- a two-node Slurm made of network namespaces
# (tests/netns/lib.sh: A holds the bridge and slurmctld, B and C are the
# nodes, each with its own slurmd), then
#   - srun --mpi=pmi2 -N 2 --ntasks-per-node=2: ranks on both nodes, shared memory within a
#     node and libfabric across (tests/netns/t_multinode: ping-pong, ANY_SOURCE
#     fan-in, collectives, split by node), and the collective test;
#   - an sbatch -N 2 --ntasks-per-node=2 job whose script runs mini-mpirun without -H or -n:
#     the hosts and slots come from the allocation and the daemon of the
#     other node starts through srun.
# Skipped (77) when not root, without ip/nsenter, or without Slurm.  The
# namespaces and the Slurm daemons are removed afterwards, also on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=$PWD
. "$here/../netns/lib.sh"
netns_need
command -v nsenter >/dev/null 2>&1 || netns_skip "no nsenter (util-linux)"
for cmd in slurmctld slurmd srun sbatch squeue munged; do
    command -v $cmd >/dev/null 2>&1 ||
        netns_skip "$cmd not installed (apt-get install slurmctld slurmd slurm-client munge)"
done

state=$(mktemp -d "${TMPDIR:-/tmp}/minimpi-slurm2.XXXXXX")
teardown() {
    "$here/slurm-down.sh" "$state"
    netns_down
}
trap teardown EXIT
trap 'exit 1' INT TERM

netns_up || netns_skip "cannot create network namespaces here"
export SLURM_TEST_NETNS="$NS_A:10.77.0.1 $NS_B:10.77.0.2 $NS_C:10.77.0.3"
client="nsenter --net=/run/netns/$NS_A"
. "$here/lib.sh"
slurm_start

srun_ok "srun --mpi=pmi2 -N 2 --ntasks-per-node=2 t_multinode" --mpi=pmi2 -N 2 --ntasks-per-node=2 \
    "$build/tests/netns/t_multinode" 2
grep -q "t_multinode: 4 ranks, layout 2: ok" "$work/out" ||
    fail "t_multinode under srun did not report 4 ranks, 2 per node"
srun_ok "srun --mpi=pmi2 -N 2 -n 4 t_coll" --mpi=pmi2 -N 2 -n 4 "$build/tests/coll/t_coll"

cat >"$work/job.sh" <<JOB
#!/bin/bash
"$build/launcher/mini-mpirun" --timeout 100 --iface eth0 "$build/tests/netns/t_multinode" 2
echo "mini-mpirun exit \$?"
JOB
if sbatch_run "$work/job.sh" -N 2 --ntasks-per-node=2; then
    if grep -qx "mini-mpirun exit 0" "$work/job.out" 2>/dev/null &&
       grep -q "t_multinode: 4 ranks, layout 2: ok" "$work/job.out"; then
        echo "ok: sbatch -N 2 job running mini-mpirun across the allocation"
    else
        fail "sbatch -N 2 job running mini-mpirun across the allocation"
        tail -n 20 "$work/job.out" 2>/dev/null
    fi
fi
finish

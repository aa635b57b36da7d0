#!/bin/bash
# test_slurm.sh -- minimpi programs under a real Slurm: a private slurmctld and
# slurmd on this machine (slurm-up.sh), then
#   - srun --mpi=pmi2 -n 4 with the point-to-point, any-source, communicator
#     and collective test programs (PMI-1 spoken over Slurm's pmi2 plugin,
#     layout from PMI_process_mapping);
#   - srun --mpi=none -n 2: must stop with a message naming --mpi=pmi2, not
#     run as two singletons;
#   - an sbatch job whose script runs mini-mpirun without -n: the hosts and
#     slots come from the allocation (squeue polled; sbatch --wait is slow).
# Skipped (77) when not root or Slurm/munge are not installed.  Everything
# is torn down afterwards, also on failure.
set -u

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the private Slurm needs root"
    exit 77
fi
for cmd in slurmctld slurmd srun sbatch squeue munged; do
    if ! command -v $cmd >/dev/null 2>&1; then
        echo "SKIP: $cmd not installed (apt-get install slurmctld slurmd slurm-client munge)"
        exit 77
    fi
done

here=$(cd "$(dirname "$0")" && pwd)
build=$PWD
state=$(mktemp -d "${TMPDIR:-/tmp}/minimpi-slurm.XXXXXX")
. "$here/lib.sh"
shm_before=$(ls /dev/shm 2>/dev/null | grep '^minimpi-' | sort)
trap '"$here/slurm-down.sh" "$state"' EXIT
trap 'exit 1' INT TERM
slurm_start

srun_ok "srun --mpi=pmi2 -n 2 t_pingpong" --mpi=pmi2 -n 2 "$build/tests/mpi/t_pingpong"
srun_ok "srun --mpi=pmi2 -n 4 t_anysource" --mpi=pmi2 -n 4 "$build/tests/mpi/t_anysource"
srun_ok "srun --mpi=pmi2 -n 4 t_comm" --mpi=pmi2 -n 4 "$build/tests/objs/t_comm"
srun_ok "srun --mpi=pmi2 -n 5 t_coll" --mpi=pmi2 -n 5 "$build/tests/coll/t_coll"

# Without PMI the tasks must refuse, not run as singletons.
if timeout 60 srun --mpi=none -n 2 "$build/tests/mpi/t_pingpong" >"$work/out" 2>&1; then
    fail "srun --mpi=none: the tasks ran (as singletons?) instead of refusing"
elif ! grep -q "srun --mpi=pmi2" "$work/out"; then
    fail "srun --mpi=none: no message pointing to --mpi=pmi2"
    tail -n 5 "$work/out"
else
    echo "ok: srun --mpi=none refuses and names --mpi=pmi2"
fi

# A batch job whose script runs mini-mpirun inside the allocation without -n:
# it takes its hosts and slots from the allocation (4 tasks, so 4 ranks).
cat >"$work/job.sh" <<JOB
#!/bin/bash
"$build/launcher/mini-mpirun" --timeout 100 "$build/tests/interop/t_launch_env" 4
echo "mini-mpirun exit \$?"
JOB
if sbatch_run "$work/job.sh" -n 4; then
    if grep -qx "mini-mpirun exit 0" "$work/job.out" 2>/dev/null &&
       ! grep -q "FAIL:" "$work/job.out"; then
        echo "ok: sbatch job running mini-mpirun"
    else
        fail "sbatch job running mini-mpirun"
        tail -n 20 "$work/job.out" 2>/dev/null
    fi
fi

shm_after=$(ls /dev/shm 2>/dev/null | grep '^minimpi-' | sort)
left=$(comm -13 <(echo "$shm_before") <(echo "$shm_after"))
[ -n "$left" ] && fail "left in /dev/shm: $left"

finish

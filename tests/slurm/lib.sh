# lib.sh -- sourced by tests/slurm/test_*.sh: start the private Slurm, run
# steps and batch jobs in it, count failures.  The caller sets `here` (this
# directory), `state` (a fresh temporary directory, removed by slurm_down)
# and, for a cluster in network namespaces, SLURM_TEST_NETNS (slurm-up.sh)
# and `client` (the command prefix that enters the controller's namespace).

failures=0
client=${client:-}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
    exit 0
}

# slurm_start: the daemons up (ports away from a site's Slurm and from a
# parallel run), SLURM_CONF exported, $work created.  Exits 1 on failure.
slurm_start() {
    export SLURM_TEST_CTLD_PORT=$((20000 + $$ % 20000))
    export SLURM_TEST_SLURMD_PORT=$((SLURM_TEST_CTLD_PORT + 1))
    local conf
    if ! conf=$("$here/slurm-up.sh" "$state"); then
        echo "FAIL: the private Slurm did not start; logs:"
        tail -n 20 "$state"/log/*.log
        exit 1
    fi
    export "${conf?}"
    work=$state/work
    mkdir -p "$work"
}

# srun_ok NAME SRUN-ARGS... : the step exits 0 and prints no FAIL: line;
# its output stays in $work/out.
srun_ok() {
    local name=$1
    shift
    # shellcheck disable=SC2086 # $client is a command prefix of several words
    if ! timeout 120 $client srun "$@" >"$work/out" 2>&1; then
        fail "$name: srun $* exited non-zero"
        tail -n 20 "$work/out"
    elif grep -q "FAIL:" "$work/out"; then
        fail "$name: a rank reported a failure"
        grep "FAIL:" "$work/out" | head -5
    else
        echo "ok: $name"
    fi
}

# sbatch_run SCRIPT SBATCH-ARGS... : submit, wait until the job left the
# queue (polling squeue: sbatch --wait is slow here); its output is in
# $work/job.out.  Returns 1 when sbatch refused the job.
sbatch_run() {
    local script=$1 job
    shift
    # shellcheck disable=SC2086
    job=$($client sbatch --parsable "$@" -o "$work/job.out" "$script" 2>"$work/sbatch.err")
    if [ -z "$job" ]; then
        fail "sbatch refused the job: $(cat "$work/sbatch.err")"
        return 1
    fi
    for _ in $(seq 1 600); do
        # shellcheck disable=SC2086
        [ -z "$($client squeue -h -j "$job" 2>/dev/null)" ] && return 0
        sleep 0.2
    done
    fail "job $job still queued or running after 120 s"
    return 1
}

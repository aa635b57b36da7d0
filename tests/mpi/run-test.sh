#!/bin/bash
# run-test.sh -- run one multi-rank test program under mini-mpirun and judge
# the whole ending, not just the exit status.
#
#   run-test.sh [--exit CODE|nonzero] [--stderr REGEX] [-x VAR=VALUE]... \
#               [--save-stderr FILE] NRANKS PROGRAM [ARGS...]
#
# PROGRAM is the name of a program in $MPI_TEST_DIR (default: tests/mpi under
# the current directory, which is the build tree under `make check`).  The
# run passes when:
#   - the exit status is CODE (default 0; "nonzero": anything but 0 and 124);
#   - no output line holds "FAIL:" (what the programs print on a failure,
#     see t_util.c), so a test expecting a non-zero exit cannot pass by
#     failing for another reason;
#   - REGEX (extended) matches a line of stderr, if given;
#   - no process of PROGRAM is left, and no /dev/shm/minimpi-* entry that
#     appeared during the run is left.
# mini-mpirun gets --timeout $MPI_TEST_TIMEOUT (default 120 s), so a hang
# fails with the ranks that did not finish named; timeout(1) guards
# mini-mpirun itself.
#
# MPI_TEST_SHOW=REGEX (extended) repeats the stdout lines it matches after
# PASS, for figures a caller wants in its log (the stress runs' counts).
#
# MPI_TEST_IMPL=openmpi or mpich runs the same programs, built with that
# MPI's mpicc, under its own launcher (see check-reference.sh); the checks
# of minimpi's messages and of /dev/shm are skipped then.

set -u

expect_exit=0
expect_stderr=
save_stderr=
envs=()
while [ $# -gt 0 ]; do
    case $1 in
    --exit) expect_exit=$2; shift 2 ;;
    --stderr) expect_stderr=$2; shift 2 ;;
    -x) envs+=("$2"); shift 2 ;;
    --save-stderr) save_stderr=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "run-test.sh: unknown option '$1'" >&2; exit 99 ;;
    *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "usage: run-test.sh [--exit CODE|nonzero] [--stderr REGEX] [-x VAR=VALUE]... NRANKS PROGRAM [ARGS...]" >&2
    exit 99
fi
nranks=$1
prog_name=$2
shift 2
args=("$@")

impl=${MPI_TEST_IMPL:-minimpi}
dir=${MPI_TEST_DIR:-tests/mpi}
limit=${MPI_TEST_TIMEOUT:-120}
prog=$(cd "$dir" 2>/dev/null && pwd)/$prog_name
if [ ! -x "$prog" ]; then
    echo "FAIL: run-test.sh: no program $prog" >&2
    exit 1
fi

case $impl in
minimpi)
    mpirun=(${MPIRUN:-./launcher/mini-mpirun} --timeout "$limit" -n "$nranks")
    for e in ${envs[@]+"${envs[@]}"}; do mpirun+=(-x "$e"); done ;;
openmpi)
    mpirun=(mpirun.openmpi --allow-run-as-root --oversubscribe -n "$nranks")
    for e in ${envs[@]+"${envs[@]}"}; do mpirun+=(-x "$e"); done ;;
mpich)
    mpirun=(mpiexec.mpich -n "$nranks")
    for e in ${envs[@]+"${envs[@]}"}; do mpirun+=(-genv "${e%%=*}" "${e#*=}"); done ;;
*)
    echo "run-test.sh: unknown MPI_TEST_IMPL '$impl'" >&2
    exit 99 ;;
esac
what="${mpirun[*]} $prog_name${args[*]+ ${args[*]}}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpitest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
shm_list() { ls -1 /dev/shm 2>/dev/null | grep '^minimpi-' | sort; }
shm_list >"$tmp/shm.before"

start=$(date +%s%N)
token=$$.$start
export MPI_TEST_RUN_TOKEN=$token
timeout -k 5 $((limit + 30)) "${mpirun[@]}" "$prog" ${args[@]+"${args[@]}"} \
    >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
[ -n "$save_stderr" ] && cp "$tmp/err" "$save_stderr"
ms=$((($(date +%s%N) - start) / 1000000))
secs=$((ms / 1000)).$(printf %03d $((ms % 1000)))

problems=()
case $expect_exit in
nonzero)
    if [ "$status" -eq 0 ] || [ "$status" -eq 124 ]; then
        problems+=("exit status $status, expected a non-zero one (not 124: timeout)")
    fi ;;
*)
    if [ "$status" -ne "$expect_exit" ]; then
        problems+=("exit status $status, expected $expect_exit")
    fi ;;
esac
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    problems+=("the job did not finish within $limit s")
fi
if grep -q 'FAIL:' "$tmp/out" "$tmp/err"; then
    problems+=("the program reported a failure")
fi
if [ -n "$expect_stderr" ] && [ "$impl" = minimpi ] &&
    ! grep -Eq -- "$expect_stderr" "$tmp/err"; then
    problems+=("no line of stderr matches /$expect_stderr/")
fi

# Processes of this job still alive (the launcher must have reaped them):
# found by their executable (one find, as a shell loop over /proc is slow),
# then by the token this script put in the job's environment, since another
# test running at the same time may run the same program (stress.sh and
# stress-ofi.sh both run t_stress, and killed each other's ranks).
leftovers() {
    find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$prog" 2>/dev/null |
        sed 's|^/proc/\([0-9]*\)/exe$|\1|' |
        while read -r pid; do
            tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
                grep -qx "MPI_TEST_RUN_TOKEN=$token" && echo "$pid"
        done
}
left=$(leftovers)
if [ -n "$left" ]; then
    sleep 1
    left=$(leftovers)
fi
if [ -n "$left" ]; then
    problems+=("processes left behind: $(echo $left)")
    kill -9 $left 2>/dev/null
fi

# /dev/shm entries that appeared during the run and stay.  Another test may
# run at the same time and hold its segment for a moment, so look twice.
if [ "$impl" = minimpi ]; then
    new=$(shm_list | comm -13 "$tmp/shm.before" -)
    if [ -n "$new" ]; then
        sleep 1
        new=$(shm_list | comm -13 "$tmp/shm.before" - | grep -Fx "$new")
    fi
    if [ -n "$new" ]; then
        problems+=("left in /dev/shm: $(echo $new)")
    fi
fi

if [ ${#problems[@]} -eq 0 ]; then
    echo "PASS: $what (exit $status, ${secs}s)"
    [ -n "${MPI_TEST_SHOW:-}" ] && grep -E -- "$MPI_TEST_SHOW" "$tmp/out" | sed 's/^/    /'
    exit 0
fi
echo "FAIL: $what (${secs}s)"
for p in "${problems[@]}"; do
    echo "    $p"
done
echo "    --- stderr (last 40 lines):"
tail -n 40 "$tmp/err" | sed 's/^/    /'
echo "    --- stdout (last 20 lines):"
tail -n 20 "$tmp/out" | sed 's/^/    /'
exit 1

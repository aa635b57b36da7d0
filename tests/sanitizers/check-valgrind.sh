#!/bin/bash
# check-valgrind.sh -- Valgrind memcheck over the unit tests, the fuzz
# corpus replay and a few multi-rank programs (`make check-valgrind`; run
# in a build tree without sanitizers, after `make check TESTS=` built the
# test programs).  A memcheck error or a definite leak fails the program
# (--error-exitcode); each run's report is kept in _valgrind/<name>.log.
#   - every tests/unit/check_* program (valgrind follows Check's forks: a
#     case with a memcheck error exits non-zero and fails);
#   - tests/fuzz/fuzz-replay over every target's corpus;
#   - t_pingpong, t_anysource and t_datatypes with 2 ranks (the rendezvous
#     path through CMA single copy included), t_stress with 2 ranks, each
#     rank under valgrind, through mini-mpirun --timeout.
set -u
if grep -q '^SANITIZER_CFLAGS = .*-fsanitize' Makefile 2>/dev/null; then
    echo "check-valgrind: this build uses sanitizers; run it in a plain build" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "check-valgrind: apt-get install valgrind" >&2; exit 2; }
out=_valgrind
rm -rf "$out"
mkdir -p "$out"
supp=${srcdir:-.}/tests/sanitizers/valgrind.supp
VG="valgrind --tool=memcheck --suppressions=$supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no"
MPIRUN=./launcher/mini-mpirun
# Valgrind runs code 20 to 50 times slower: Check's 4 s per case is not enough.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-30}
passed=0 failed=0
check() {   # check NAME CMD...: run CMD, a failure is reported with its log
    local name=$1
    shift
    local status=0
    timeout -k 5 "${VALGRIND_TIMEOUT:-1800}" "$@" >"$out/$name.out" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok: $name"
    else
        failed=$((failed + 1))
        echo "FAIL: $name (exit $status); see $out/$name*.log" >&2
        grep -h -A12 "ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|Invalid \|uninitialised" \
            "$out/$name"*.log 2>/dev/null | head -40 >&2
    fi
}
for t in tests/unit/check_*; do
    case $t in *.c | *.o | *.log | *.trs) continue ;; esac
    [ -x "$t" ] || continue
    n=$(basename "$t")
    check "$n" $VG --log-file="$out/$n.%p.log" "$t"
done
for c in "${srcdir:-.}"/tests/fuzz/corpus/*/; do
    n=fuzz-$(basename "$c")
    check "$n" $VG --log-file="$out/$n.log" tests/fuzz/fuzz-replay "$(basename "$c")" "$c"
done
# Ranks under valgrind are slow: generous timeouts, 2 ranks.
for p in t_pingpong t_anysource t_datatypes; do
    check "$p" $MPIRUN --timeout 500 -n 2 $VG --log-file="$out/$p.%p.log" tests/mpi/$p
done
check t_stress $MPIRUN --timeout 500 -n 2 $VG --log-file="$out/t_stress.%p.log" \
    tests/stress/t_stress --seed 7 --messages 200 --max-size 262144
echo "check-valgrind: $passed passed, $failed failed (reports in $out/)"
[ "$failed" -eq 0 ]

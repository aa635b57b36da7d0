#!/bin/bash
# check-tsan.sh -- ThreadSanitizer over the runtime's one threaded use
# (`make check-tsan`).  The runtime starts no thread of its own (no
# pthread_create in runtime/, transports/, common/), so the only threads
# are the program's: t_env's second thread calling MPI under
# MPI_THREAD_SERIALIZED (tests/mpi/env.sh), and the stress program, run
# under TSan for good measure with 2 and 4 ranks (t_stress, smaller sizes
# than stress.sh: TSan is slow).
#
# Builds a separate tree, _build-tsan/ (configure --enable-tsan, from a copy
# of the source tree as .ci/run does for ASan), then runs those two tests
# there.  Takes as long as a build plus 1 to 3 minutes; not part of make check.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
out=${TSAN_BUILD:-$PWD/_build-tsan}
jobs=${JOBS:-2}
rm -rf "$out"
mkdir -p "$out/src" "$out/build"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
    tar --null -T - -cf - | tar -xf - -C "$out/src")
(cd "$out/src" && ./autogen.sh >/dev/null)
cd "$out/build"
../src/configure --enable-tsan --enable-fuzzing=no >configure.out
make -j"$jobs" >make.out
make -j"$jobs" tests/mpi/t_env tests/stress/t_stress >>make.out
# halt_on_error: the first report fails the rank, and the test with it.
# The tests run straight from the source tree (not through make check,
# which would build every other test program first).
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
status=0
# run NAME CMD...: one run, its log in NAME-tsan.log, failed by any report.
run() {
    local name=$1
    shift
    mkdir -p "$(dirname "$name")"
    if timeout -k 5 1200 "$@" >"$name-tsan.log" 2>&1; then
        echo "PASS: $name under ThreadSanitizer"
    else
        echo "FAIL: $name under ThreadSanitizer (log: $PWD/$name-tsan.log)"
        tail -n 40 "$name-tsan.log"
        status=1
    fi
    if grep -q "WARNING: ThreadSanitizer" "$name-tsan.log"; then
        echo "check-tsan: ThreadSanitizer reported in $name:" >&2
        grep -A20 "WARNING: ThreadSanitizer" "$name-tsan.log" | head -60 >&2
        status=1
    fi
}
run tests/mpi/env bash ../src/tests/mpi/env.sh
# stress.sh's sizes take minutes under TSan on 2 cores: a smaller run.
for n in 2 4; do
    run "tests/stress/t_stress-$n" ./launcher/mini-mpirun --timeout 900 -n "$n" \
        tests/stress/t_stress --seed "${STRESS_SEED:-11}" --messages 150 --max-size 262144
done
[ "$status" -eq 0 ] && echo "check-tsan: clean"
exit "$status"

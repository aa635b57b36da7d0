#!/bin/bash
# check-tsan.sh -- ThreadSanitizer over the runtime's one threaded use
# (`make check-tsan`).  The runtime starts no thread of its own (no
# pthread_create in runtime/, transports/, common/), so the only threads
# are the program's: t_env's second thread calling MPI under
# MPI_THREAD_SERIALIZED (tests/mpi/env.sh), and the stress program, run
# once under TSan for good measure (tests/stress/stress.sh).
#
# Builds a separate tree, _build-tsan/ (configure --enable-tsan, from a copy
# of the source tree as .ci/run does for ASan), then runs those two tests
# there.  Takes as long as a build plus ~1 minute; not part of make check.
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
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
status=0
make check TESTS="tests/mpi/env.sh tests/stress/stress.sh" || status=$?
for t in tests/mpi/env tests/stress/stress; do
    echo "=== $t.log"
    grep -E "^(ok|PASS|FAIL|not ok)|ThreadSanitizer" "$t.log" | head -40 || true
done
if grep -l "WARNING: ThreadSanitizer" tests/mpi/*.log tests/stress/*.log 2>/dev/null; then
    echo "check-tsan: ThreadSanitizer reported (see the logs above)" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "check-tsan: clean"
exit "$status"

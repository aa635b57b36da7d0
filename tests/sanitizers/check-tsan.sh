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
# The two scripts run straight from the source tree (not through make
# check, which would build every other test program first).
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
status=0
for t in tests/mpi/env tests/stress/stress; do
    mkdir -p "$(dirname "$t")"
    if timeout -k 5 1200 bash "../src/$t.sh" >"$t-tsan.log" 2>&1; then
        echo "PASS: $t.sh under ThreadSanitizer"
    else
        echo "FAIL: $t.sh under ThreadSanitizer (log: $PWD/$t-tsan.log)"
        tail -n 40 "$t-tsan.log"
        status=1
    fi
    if grep -q "WARNING: ThreadSanitizer" "$t-tsan.log"; then
        echo "check-tsan: ThreadSanitizer reported in $t.sh:" >&2
        grep -A20 "WARNING: ThreadSanitizer" "$t-tsan.log" | head -60 >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "check-tsan: clean"
exit "$status"

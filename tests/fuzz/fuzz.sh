#!/bin/sh
# fuzz.sh -- run every fuzz target (tests/fuzz/fuzz.h):
#   1. replay its corpus (tests/fuzz/corpus/<target>/: seeds and the inputs
#      of every crash found so far) through fuzz-replay, built like the rest
#      of the tree (under ASan+UBSan in the sanitizer build);
#   2. when the libFuzzer program was built (clang found by configure), fuzz
#      it for FUZZ_SECONDS (default 1) starting from that corpus.
# A crash or failed check fails the test, naming the target and the input
# libFuzzer saved; add that input to the target's corpus with the fix.
# FUZZ_KEEP=DIR keeps the inputs libFuzzer found in DIR/<target>/ (make fuzz).
set -u
here=$(dirname "$0")
src=${srcdir:-.}/tests/fuzz
[ -d "$src/corpus" ] || src=$here
# The programs are in the build tree (make check runs from its top), which
# is not the script's directory in a VPATH build.
build=./tests/fuzz
[ -x "$build/fuzz-replay" ] || build=$here
REPLAY=$build/fuzz-replay
FUZZER=$build/fuzz-minimpi
SECONDS_PER_TARGET=${FUZZ_SECONDS:-1}
TARGETS="pmi_wire pmi_server pmi_client pmi_port mapping hosts slurm wire"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fuzztest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

for t in $TARGETS; do
    if timeout -k 5 120 "$REPLAY" "$t" "$src/corpus/$t" >"$TMP/out" 2>"$TMP/err"; then
        echo "ok: replay $t: $(sed -n 's/^fuzz-replay: [a-z_]*: //p' "$TMP/out")"
    else
        echo "FAIL: replay of the $t corpus (last input named below)" >&2
        tail -n 30 "$TMP/err" >&2
        failures=$((failures + 1))
    fi
done

if [ -x "$FUZZER" ]; then
    for t in $TARGETS; do
        new=${FUZZ_KEEP:+$FUZZ_KEEP/$t}
        new=${new:-$TMP/new-$t}
        mkdir -p "$new" "$TMP/art-$t"
        # The fuzzer writes new inputs into the first directory only, never
        # into the seed corpus; a hang of one input counts as a crash.
        if FUZZ_TARGET=$t timeout -k 5 $((SECONDS_PER_TARGET + 120)) "$FUZZER" \
            -max_total_time="$SECONDS_PER_TARGET" -timeout=60 -rss_limit_mb=2048 \
            -max_len=8192 -print_final_stats=1 -artifact_prefix="$TMP/art-$t/" \
            "$new" "$src/corpus/$t" >"$TMP/out" 2>"$TMP/err"; then
            execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/err")
            echo "ok: fuzz $t: ${execs:-?} executions in ${SECONDS_PER_TARGET} s"
        else
            echo "FAIL: fuzzing $t found a crash; input(s): $(ls "$TMP/art-$t")" >&2
            grep -v '^#\|^INFO\|^fuzz-replay' "$TMP/err" | tail -n 40 >&2
            for a in "$TMP/art-$t"/*; do
                [ -f "$a" ] && echo "  input (base64): $(base64 -w0 "$a" | cut -c1-2000)" >&2
            done
            failures=$((failures + 1))
        fi
    done
else
    echo "note: fuzz-minimpi not built (no clang with -fsanitize=fuzzer): replay only"
fi

[ "$failures" -eq 0 ] || { echo "$failures fuzz failure(s)" >&2; exit 1; }
exit 0

#!/bin/bash
# Oversubscribed ranks sleep when idle and senders wake them (shm_wait and
# ring in transports/shm/shm_ops.c): 8 ranks of t_oversub.c on one cpu, with
# the sleep's time limit raised to 250 ms so that a wake-up that never comes
# shows as a sleep that timed out.  Every rank reports at MPI_Finalize how
# its sleeps ended (MINIMPI_VERBOSE=transport); the run passes when the
# ranks did sleep and at most 1 sleep in 20 ended by timing out (a sender
# descheduled for 250 ms on a loaded machine is rare but not impossible).
# Failing example: shm_ops.c's ring() returning at once makes nearly every
# sleep time out.
. "$(dirname "$0")/lib.sh"
err=$(mktemp "${TMPDIR:-/tmp}/oversub.XXXXXX")
trap 'rm -f "$err"' EXIT
# The first cpu we may use.
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/[-,].*//')
MPI_TEST_TIMEOUT=${MPI_TEST_TIMEOUT:-60} MPIRUN="${MPIRUN:-./launcher/mini-mpirun} --cpu-set $cpu" \
    mpitest --save-stderr "$err" -x MINIMPI_VERBOSE=transport -x MINIMPI_IDLE_SLEEP_MS=250 \
    8 t_oversub 200
# "minimpi: rank R: shm: S sleeps: W rung, T timed out (L with a message in ...)"
read -r ranks sleeps rung timed_out lost < <(awk '
    / shm: [0-9]+ sleeps: / {
        for (i = 1; i <= NF; i++) {
            if ($(i + 1) == "sleeps:") s += $i
            if ($(i + 1) == "rung,") w += $i
            if ($(i + 1) == "timed") t += $i
            if ($i == "(" || $i ~ /^\(/) { v = $i; gsub(/\(/, "", v); l += v }
        }
        n++
    }
    END { print n + 0, s + 0, w + 0, t + 0, l + 0 }' "$err")
echo "oversub: $ranks ranks reported $sleeps sleeps: $rung rung, $timed_out timed out" \
     "($lost with a message nobody rang for)"
if [ "$ranks" -ne 8 ]; then
    echo "FAIL: oversub: $ranks of 8 ranks reported their sleeps"
    failures=$((failures + 1))
elif [ "$sleeps" -lt 8 ]; then
    echo "FAIL: oversub: only $sleeps sleeps on an oversubscribed cpu: the test proves nothing"
    failures=$((failures + 1))
elif [ $((timed_out * 20)) -gt "$sleeps" ]; then
    echo "FAIL: oversub: $timed_out of $sleeps sleeps timed out: wake-ups are lost"
    failures=$((failures + 1))
fi
finish

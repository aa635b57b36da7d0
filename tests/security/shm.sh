#!/bin/sh
# shm.sh -- a running job's shared memory is private to its user.
# t_slow_init holds the job between the creation of the node's segment and
# its unlink (rank 1 starts MPI_Init late), so the segment can be looked at:
#   - its name carries the job id (mini-mpirun's pid and a random part);
#   - its mode is 0600 and it belongs to us; nothing of the job in /dev/shm
#     is world-writable;
#   - as root, another user (nobody, through setpriv) can open it neither
#     for reading nor for writing, nor reach it through the ranks'
#     /proc/PID/fd and /proc/PID/map_files; we, its owner, can (the control
#     that shows the check can fail);
#   - the job still completes, and nothing is left in /dev/shm.
. "$(dirname "$0")/lib.sh"
job_scratch

# As user nobody, with no capabilities: NOBODY CMD...
NOBODY=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
   setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
else
    echo "note: not root (or no setpriv): the other-user checks are skipped"
fi

"$MPIRUN" --timeout 60 -n 2 "$PROG" 2 >"$TMP/out" 2>"$TMP/err" &
job=$!
seg=
for _ in $(seq 1 80); do
    seg=$(ls -d /dev/shm/minimpi-"$job"-* 2>/dev/null | head -n 1)
    [ -n "$seg" ] && break
    sleep 0.05
done
if [ -z "$seg" ]; then
    fail "no /dev/shm/minimpi-$job-* appeared while rank 1 was late"
else
    pass "the segment is named after the job: $seg"
    case $(basename "$seg") in
        minimpi-"$job"-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*)
            pass "the name carries the job's random part" ;;
        *) fail "$seg: no random part after the launcher's pid" ;;
    esac
    mode=$(stat -c '%a %u' "$seg")
    [ "$mode" = "600 $(id -u)" ] && pass "mode 0600, owned by us" ||
        fail "$seg has mode/owner '$mode', expected '600 $(id -u)'"
    ww=$(find /dev/shm -maxdepth 1 -name "minimpi-$job-*" -perm -o+w 2>/dev/null)
    [ -z "$ww" ] && pass "nothing of the job in /dev/shm is world-writable" ||
        fail "world-writable: $ww"
    if [ -n "$NOBODY" ]; then
        if dd if="$seg" of=/dev/null bs=64 count=1 2>/dev/null; then
            pass "control: the owner can read the segment"
        else
            fail "control: the owner cannot read $seg (the test cannot tell anything)"
        fi
        if $NOBODY dd if="$seg" of=/dev/null bs=64 count=1 2>"$TMP/dd"; then
            fail "user nobody read $seg"
        else
            grep -q "Permission denied" "$TMP/dd" && pass "nobody cannot read the segment" ||
                fail "nobody's read failed, but not for permission: $(cat "$TMP/dd")"
        fi
        if $NOBODY sh -c 'exec 3>>"$1"' sh "$seg" 2>/dev/null; then
            fail "user nobody opened $seg for writing"
        else
            pass "nobody cannot open the segment for writing"
        fi
        for pid in $(pgrep -P "$job"); do
            if $NOBODY ls "/proc/$pid/fd/" "/proc/$pid/map_files/" >/dev/null 2>&1; then
                fail "user nobody lists /proc/$pid/fd or map_files of rank pid $pid"
            else
                pass "nobody cannot reach rank pid $pid's fds or mappings"
            fi
        done
    fi
fi
job_wait
job_completed &&
    pass "the job completed (exit 0)" ||
    { fail "the job ended with $status"; sed 's/^/    /' "$TMP/err" | head -20 >&2; }
check_shm_clean
finish

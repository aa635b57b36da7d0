# wait_job.sh -- sourced by test scripts that start a job in the background.
#
# wait_job PID SECONDS: wait for the background job PID, SIGKILL it if it has
# not ended after SECONDS, and return its exit status.
# It polls instead of arming a watchdog subshell "( sleep N; kill -9 PID ) &"
# that is killed afterwards: a subshell signalled right after fork can still
# run the script's EXIT trap (bash copies the trap and resets it only later),
# and the traps of our scripts remove their temporary directory -- which
# then vanished in the middle of tests/faults/faults.sh.
wait_job() {
    local pid=$1 tenths=$(($2 * 10))
    while [ "$tenths" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        tenths=$((tenths - 1))
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid"
}

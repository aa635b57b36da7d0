#!/bin/bash
# slurm-down.sh DIR -- stop the private Slurm that slurm-up.sh DIR started and
# remove DIR.  Safe to call when it is only half started.
dir=$1
for pidfile in "$dir"/slurmd-*.pid "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
done
rm -rf "$dir"

#!/bin/sh
# Writers of the shared-memory collectives run far ahead of slow readers
# (t_coll_ahead: small and slot-sized bcasts, reduces and allreduces, and
# barriers, values checked on every rank): oversubscribed on one cpu, where
# waiting ranks sleep and a wake-up lets the woken rank run at once, and
# with the automatic choice on whatever cpus there are.
. "$(dirname "$0")/lib.sh"
prog=./tests/coll/t_coll_ahead

cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/[-,].*//')
COLL_ENV="MINIMPI_COLL_BCAST=shm MINIMPI_COLL_REDUCE=shm" \
    run_ranks 4 "t_coll_ahead (shm, one cpu)" --cpu-set "$cpu" $prog
COLL_ENV="MINIMPI_COLL_BCAST=shm MINIMPI_COLL_REDUCE=shm" run_ranks 5 "t_coll_ahead (shm)" $prog
COLL_ENV="" run_ranks 3 "t_coll_ahead (auto)" $prog
finish

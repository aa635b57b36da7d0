#!/bin/sh
# The runtime's internal collectives with every algorithm of barrier, bcast,
# allreduce and allgather, on 1 to 9 ranks.
. "$(dirname "$0")/lib.sh"
prog=./tests/coll/t_rt_coll

for n in 1 2 3 4 5 7 8 9; do
    COLL_ENV="" run_ranks "$n" "rt_coll (auto)" $prog
done
for algo in dissemination tree; do
    for n in 3 4; do COLL_ENV="MINIMPI_COLL_BARRIER=$algo" run_ranks "$n" rt_coll $prog; done
done
for algo in binomial scatter_allgather node_aware; do
    for n in 2 5 8; do COLL_ENV="MINIMPI_COLL_BCAST=$algo MINIMPI_COLL_NODE_SIZE=3" run_ranks "$n" rt_coll $prog; done
done
for algo in recursive_doubling rabenseifner reduce_bcast node_aware; do
    for n in 3 6 8; do COLL_ENV="MINIMPI_COLL_ALLREDUCE=$algo MINIMPI_COLL_NODE_SIZE=2" run_ranks "$n" rt_coll $prog; done
done
for algo in ring recursive_doubling bruck; do
    for n in 4 6 9; do COLL_ENV="MINIMPI_COLL_ALLGATHER=$algo" run_ranks "$n" rt_coll $prog; done
done
# Oversubscribed (4 ranks on one cpu): large bcasts stay binomial, whose
# log p rounds beat scatter_allgather's p - 1 ring rounds when every round
# waits for ranks to be scheduled again (rt_coll_select.c).
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/[-,].*//')
COLL_ENV="MINIMPI_VERBOSE=coll" run_ranks 4 "rt_coll oversubscribed" --cpu-set "$cpu" $prog
expect_lines "oversubscribed, a 160000-byte bcast is binomial" \
    "coll: bcast on MPI_COMM_WORLD (4 ranks, 160000 bytes): binomial$"
finish

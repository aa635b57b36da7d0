#!/bin/sh
# Every MPI collective, checked against a serial computation (t_coll), with
# the automatic choice and with every algorithm forced, on 1 to 9 ranks.
# Algorithms are forced in sets, one algorithm per collective at a time,
# so that all of them run without a run per (collective, algorithm) pair.
# Then every set again on communicators made by MPI_Comm_split (t_coll
# split: odd and even world ranks in shuffled order), of sizes 1 to 5.
. "$(dirname "$0")/lib.sh"
prog=./tests/coll/t_coll

set_a="MINIMPI_COLL_BARRIER=dissemination MINIMPI_COLL_BCAST=binomial
MINIMPI_COLL_REDUCE=binomial MINIMPI_COLL_ALLREDUCE=recursive_doubling
MINIMPI_COLL_GATHER=binomial MINIMPI_COLL_SCATTER=binomial MINIMPI_COLL_ALLGATHER=ring
MINIMPI_COLL_ALLTOALL=pairwise MINIMPI_COLL_REDUCE_SCATTER=reduce_scatterv
MINIMPI_COLL_SCAN=recursive_doubling MINIMPI_COLL_EXSCAN=recursive_doubling"
set_b="MINIMPI_COLL_BARRIER=tree MINIMPI_COLL_BCAST=scatter_allgather
MINIMPI_COLL_REDUCE=linear MINIMPI_COLL_ALLREDUCE=rabenseifner
MINIMPI_COLL_GATHER=linear MINIMPI_COLL_SCATTER=linear
MINIMPI_COLL_ALLGATHER=recursive_doubling MINIMPI_COLL_ALLTOALL=bruck
MINIMPI_COLL_REDUCE_SCATTER=ring MINIMPI_COLL_SCAN=linear MINIMPI_COLL_EXSCAN=linear"
set_c="MINIMPI_COLL_BCAST=node_aware MINIMPI_COLL_ALLREDUCE=reduce_bcast
MINIMPI_COLL_ALLGATHER=bruck MINIMPI_COLL_ALLTOALL=linear MINIMPI_COLL_NODE_SIZE=2"
set_d="MINIMPI_COLL_BCAST=node_aware MINIMPI_COLL_ALLREDUCE=node_aware MINIMPI_COLL_NODE_SIZE=3"
# The automatic choice already takes shm for small barriers, allreduces and
# alltoalls on one node (every run above with no set); forced, it also runs
# bcast and reduce, and meets what it hands on to the point-to-point
# algorithms (large counts, derived types).
set_e="MINIMPI_COLL_BARRIER=shm MINIMPI_COLL_BCAST=shm MINIMPI_COLL_REDUCE=shm
MINIMPI_COLL_ALLREDUCE=shm MINIMPI_COLL_ALLTOALL=shm"

# Each forced set runs at powers of two and at sizes 2^k + 1, 2^k + 2 and
# 2^k + 3 (the remainders the recursive algorithms fold in), not at every
# size: the suite's time goes to launching ranks.
for n in 1 2 3 4 5 6 7 8 9; do
    COLL_ENV="" run_ranks "$n" "t_coll (auto)" $prog
done
for n in 1 2 3 6 7 8; do
    COLL_ENV=$(echo $set_a) run_ranks "$n" "t_coll" $prog
done
for n in 2 4 5 6 7 9; do
    COLL_ENV=$(echo $set_b) run_ranks "$n" "t_coll" $prog
done
for n in 2 5 9; do
    COLL_ENV=$(echo $set_c) run_ranks "$n" "t_coll" $prog
    COLL_ENV=$(echo $set_d) run_ranks "$n" "t_coll" $prog
done
# Split halves: 3 ranks -> 2 + 1, 6 -> 3 + 3, 8 -> 4 + 4, 9 -> 5 + 4.
COLL_ENV="" run_ranks 9 "t_coll split (auto)" $prog split
COLL_ENV=$(echo $set_a) run_ranks 3 "t_coll split" $prog split
COLL_ENV=$(echo $set_a) run_ranks 9 "t_coll split" $prog split
COLL_ENV=$(echo $set_b) run_ranks 6 "t_coll split" $prog split
COLL_ENV=$(echo $set_b) run_ranks 9 "t_coll split" $prog split
COLL_ENV=$(echo $set_c) run_ranks 8 "t_coll split" $prog split
COLL_ENV=$(echo $set_d) run_ranks 6 "t_coll split" $prog split
COLL_ENV=$(echo $set_e) run_ranks 3 "t_coll" $prog
COLL_ENV=$(echo $set_e) run_ranks 7 "t_coll split" $prog split
# A faked layout of two ranks per node makes the automatic choice node-aware
# for bcast and allreduce; the real layout (one node) never does.
COLL_ENV="MINIMPI_VERBOSE=coll MINIMPI_COLL_NODE_SIZE=2" run_ranks 4 "t_coll node layout" $prog reduce
expect_lines "allreduce across (faked) nodes chooses node_aware" \
    "coll: allreduce on MPI_COMM_WORLD (4 ranks, 4 bytes, MPI_SUM): node_aware$"
COLL_ENV="MINIMPI_VERBOSE=coll MINIMPI_COLL_NODE_SIZE=2" run_ranks 4 "t_coll node layout" $prog alltoall
expect_lines "alltoall across (faked) nodes is not shm" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 4 bytes): " \
    "!coll: alltoall on MPI_COMM_WORLD (4 ranks, 4 bytes): shm$"
COLL_ENV="MINIMPI_VERBOSE=coll" run_ranks 4 "t_coll one node" $prog
expect_lines "on one node bcast and allreduce are not node-aware (allreduce, alltoall: shm for small messages; bcast, reduce: shm up to a cell's 4 KiB)" \
    "coll: bcast on MPI_COMM_WORLD (4 ranks, .*): binomial$" \
    "coll: bcast on MPI_COMM_WORLD (4 ranks, 2800 bytes): shm$" \
    "coll: bcast on MPI_COMM_WORLD (4 ranks, 30000 bytes): binomial$" \
    "coll: reduce on MPI_COMM_WORLD (4 ranks, 2800 bytes, MPI_SUM): shm$" \
    "coll: reduce on MPI_COMM_WORLD (4 ranks, 10000 bytes, MPI_SUM): binomial$" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 28 bytes): shm$" \
    "!coll: alltoall on MPI_COMM_WORLD (4 ranks, 68000 bytes): shm$" \
    "coll: allreduce on MPI_COMM_WORLD (4 ranks, 4 bytes, MPI_SUM): shm$" \
    "coll: allreduce on MPI_COMM_WORLD (4 ranks, 10000 bytes, MPI_SUM): recursive_doubling$" \
    "!node_aware"
# Oversubscribed (4 ranks on one cpu), alltoall goes through the shared
# buffer up to 64 KiB per pair; larger, it posts every message at once
# (linear).
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/[-,].*//')
COLL_ENV="MINIMPI_VERBOSE=coll" run_ranks 4 "t_coll oversubscribed" --cpu-set "$cpu" $prog alltoall
expect_lines "oversubscribed, alltoall is shm up to 64 KiB per pair, then linear" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 28 bytes): shm$" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 1200 bytes): shm$" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 10000 bytes): shm$" \
    "coll: alltoall on MPI_COMM_WORLD (4 ranks, 68000 bytes): linear$"
# The verbose switch names the algorithm chosen, forced or not.
COLL_ENV="MINIMPI_VERBOSE=coll MINIMPI_COLL_ALLTOALL=bruck" run_ranks 2 "t_coll verbose" $prog alltoall
expect_lines "MINIMPI_VERBOSE=coll prints the choices" \
    "coll: alltoall on MPI_COMM_WORLD (2 ranks, .*): bruck (forced)" \
    "coll: barrier on MPI_COMM_WORLD (2 ranks, 0 bytes): shm$"
# An unknown algorithm name is reported once, and the automatic choice runs.
COLL_ENV="MINIMPI_COLL_BCAST=fastest" run_ranks 3 "t_coll unknown algorithm" $prog bcast
expect_lines "an unknown algorithm name is reported" \
    "MINIMPI_COLL_BCAST=fastest is not an algorithm of bcast"
finish

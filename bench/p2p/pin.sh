#!/bin/sh
# pin.sh -- run a rank of any MPI library pinned to one core of its own:
#   pin.sh PROGRAM [ARGS...]
# The rank is read from whichever launcher started us (Open MPI's
# OMPI_COMM_WORLD_LOCAL_RANK, MPICH Hydra's MPI_LOCALRANKID, or the PMI_RANK
# of mini-mpirun and Hydra), and rank r gets the r-th cpu of BENCH_CPUS
# (default: the cpus this process may use), modulo their number.  One
# pinning method for the three libraries keeps the comparison fair.
rank=${OMPI_COMM_WORLD_LOCAL_RANK:-${MPI_LOCALRANKID:-${PMI_RANK:-0}}}
cpus=${BENCH_CPUS:-$(taskset -pc $$ | sed 's/.*: //')}
# Expand "0-3,6" into "0 1 2 3 6".
list=$(echo "$cpus" | tr ',' '\n' | while IFS=- read -r a b; do seq "$a" "${b:-$a}"; done)
n=$(echo "$list" | wc -l)
cpu=$(echo "$list" | sed -n "$((rank % n + 1))p")
exec taskset -c "$cpu" "$@"

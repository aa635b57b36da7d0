#!/bin/bash
# The libfabric transport on one node: MINIMPI_TRANSPORTS=ofi sends every
# message between ranks through libfabric instead of shared memory.  A
# subset of the multi-rank suites runs that way, with libfabric's default
# provider and with FI_PROVIDER=tcp, with single-copy reads (fi_read) and
# with the pipelined fallback (MINIMPI_OFI_RMA=0): ping-pong across the
# eager and rendezvous sizes with contents checked, ANY_SOURCE, ordering,
# collectives.  Ranks given different providers must fail with a message
# naming the ranks, never hang.  libfabric is in a process only once the
# transport started (t_ofi_loaded), and a library that cannot be loaded
# ends the job with a message.  Skipped (77) when libfabric offers no
# reliable-datagram provider here (after the loading checks).
. "$(dirname "$0")/../mpi/lib.sh"
here_ofi=$(cd "$(dirname "$0")" && pwd)
here=$here_ofi/../mpi           # where mpitest finds run-test.sh
ofi="-x MINIMPI_TRANSPORTS=ofi"

# libfabric is loaded only when the transport starts (ofi_lib.h): not in a
# one-node job; a library that cannot be loaded, or is not libfabric, ends
# the job naming it.
MPI_TEST_DIR=tests/ofi mpitest 2 t_ofi_loaded no
mpitest --exit nonzero \
    --stderr "rank [01]: ofi: cannot load libfabric \(MINIMPI_OFI_LIBRARY=libminimpi-none.so.1\)" \
    $ofi -x MINIMPI_OFI_LIBRARY=libminimpi-none.so.1 2 t_procnull
mpitest --exit nonzero --stderr "rank [01]: ofi: .*undefined symbol: fi_getinfo" \
    $ofi -x MINIMPI_OFI_LIBRARY=libm.so.6 2 t_procnull

probe=$("$here/run-test.sh" $ofi 2 t_procnull 2>&1)
if [ $? -ne 0 ]; then
    if echo "$probe" | grep -q "no libfabric provider offers"; then
        echo "SKIP: libfabric offers no reliable-datagram provider on this machine"
        echo "$probe" | sed 's/^/    /'
        exit 77
    fi
    echo "$probe"
    failures=1
fi

MPI_TEST_DIR=tests/ofi mpitest $ofi 2 t_ofi_loaded yes
mpitest $ofi 2 t_pingpong
mpitest $ofi -x FI_PROVIDER=tcp -x MINIMPI_OFI_RMA=0 2 t_pingpong
mpitest $ofi -x FI_PROVIDER=tcp 4 t_anysource
mpitest $ofi 2 t_order
MPI_TEST_DIR=tests/coll mpitest $ofi -x FI_PROVIDER=tcp 4 t_coll allreduce

# Rank 1 asks for another provider than the one rank 0 chose: rank 1 says
# so, and rank 0 names it, whichever reaches the launcher first.
other=net
MPI_TEST_DIR=$here_ofi mpitest --exit nonzero \
    --stderr "rank 1 on .*provider .* \(chosen by rank 0\) is not available|every rank must use libfabric provider .*rank 1 \(" \
    $ofi -x FI_PROVIDER=tcp -x OFI_TEST_ENV_RANK=1 -x OFI_TEST_ENV=FI_PROVIDER=$other \
    2 rank-env.sh "$PWD/tests/mpi/t_procnull"

# A rank that stops answering while rank 0 reads from it: the job ends
# within the timeout, naming it.
MPI_TEST_DIR=tests/ofi MPI_TEST_TIMEOUT=60 mpitest --exit nonzero \
    --stderr "rank 1 on .* has not answered" \
    $ofi -x MINIMPI_OFI_TIMEOUT=3 2 t_ofi_silent
finish

# Benchmarks (bench/): measured, never asserted.  The p2p programs are built
# with `make check` (one quick smoke run shows they work with our runtime)
# and by `make bench`, which also runs bench/compare against Open MPI and
# MPICH; see bench/compare --help for its options (BENCH_FLAGS passes them).
BENCH_P2P_PROGS = bench/p2p/osu_p2p bench/p2p/floor
check_PROGRAMS += $(BENCH_P2P_PROGS)

bench_p2p_osu_p2p_SOURCES = bench/p2p/osu_p2p.c
bench_p2p_osu_p2p_LDADD = runtime/libminimpi_core.la
bench_p2p_floor_SOURCES = bench/p2p/floor.c

TESTS += bench/p2p/smoke.sh bench/p2p/fastpath_check.sh
EXTRA_DIST += bench/compare bench/p2p/smoke.sh bench/p2p/pin.sh bench/coll/osu_coll.c \
	bench/coll/yield_floor.c bench/coll/run.sh bench/p2p/cma_sweep.sh bench/figures.sh \
	bench/p2p/fastpath.sh bench/p2p/fastpath_check.sh bench/p2p/count_alloc.c

.PHONY: bench
bench: $(BENCH_P2P_PROGS) launcher/mini-mpirun
	$(srcdir)/bench/compare --build-dir . $(BENCH_FLAGS)

# Across two network namespaces (root): fi_pingpong, minimpi, Open MPI, MPICH.
EXTRA_DIST += bench/netns/run.sh bench/netns/pp.c bench/ofi/run.sh

# What --profile and --hang-timeout cost (sh bench/insight/overhead.sh).
EXTRA_DIST += bench/insight/overhead.sh bench/insight/allreduce8.c

# What bench/coll/run.sh and bench/rma/run.sh share.
EXTRA_DIST += bench/lib.sh

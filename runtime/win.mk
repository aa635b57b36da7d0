# One-sided communication: windows, operations, synchronization (issue 10).
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_win.h runtime/rt_win.c runtime/rt_win_shm.c \
	runtime/rt_win_ops.c runtime/rt_win_direct.c runtime/rt_win_cma.c runtime/rt_win_atomic.c runtime/rt_win_dyn.c runtime/rt_win_sync.c runtime/rt_win_sync.h \
	runtime/mpi_win.c runtime/mpi_rma.c runtime/mpi_win_sync.c

# Multi-rank tests, run by tests/rma/test_rma.sh under mini-mpirun --timeout.
check_PROGRAMS += tests/rma/t_rma
tests_rma_t_rma_SOURCES = tests/rma/t_rma.c tests/objs/t_util.h
tests_rma_t_rma_LDADD = runtime/libminimpi_core.la
check_PROGRAMS += tests/rma/t_rma_atomic
tests_rma_t_rma_atomic_SOURCES = tests/rma/t_rma_atomic.c tests/objs/t_util.h
tests_rma_t_rma_atomic_LDADD = runtime/libminimpi_core.la
TESTS += tests/rma/test_rma.sh
EXTRA_DIST += tests/rma/test_rma.sh

# The longer variant (the ofi transport at 4 and 8 ranks too, and two
# loopback nodes mixing single copy and messages): not in `make check`,
# whose time budget it would exceed.
.PHONY: check-rma-long
check-rma-long: tests/rma/t_rma launcher/mini-mpirun launcher/mini-mpid
	RMA_LONG=1 $(SHELL) $(srcdir)/tests/rma/test_rma.sh

# The put/get benchmark beside Open MPI and MPICH: sh bench/rma/run.sh.
EXTRA_DIST += bench/rma/osu_rma.c bench/rma/run.sh

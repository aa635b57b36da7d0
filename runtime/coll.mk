# Collectives: reduction operations, schedules, algorithms, their selection,
# and the MPI entry points.
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_op.c runtime/rt_op.h runtime/rt_op_kernels.c runtime/mpi_op.c runtime/mpi_coll.c \
	runtime/rt_coll.c runtime/rt_coll.h \
	runtime/rt_coll_sched.c runtime/rt_coll_sched.h \
	runtime/rt_coll_algo.h runtime/rt_coll_select.c \
	runtime/rt_coll_barrier.c runtime/rt_coll_bcast.c runtime/rt_coll_reduce.c \
	runtime/rt_coll_allreduce.c runtime/rt_coll_gather.c runtime/rt_coll_allgather.c \
	runtime/rt_coll_alltoall.c runtime/rt_coll_scan.c runtime/rt_coll_node.c \
	runtime/rt_coll_shm.c runtime/rt_coll_shm.h

# The runtime's internal collectives, on MPI_COMM_WORLD, with 1 to 9 ranks.
check_PROGRAMS += tests/coll/t_rt_coll
tests_coll_t_rt_coll_SOURCES = tests/coll/t_rt_coll.c
tests_coll_t_rt_coll_LDADD = runtime/libminimpi_core.la -lrt
TESTS += tests/coll/test_rt_coll.sh
EXTRA_DIST += tests/coll/test_rt_coll.sh tests/coll/lib.sh

# Every MPI collective against a serial computation, under every algorithm.
check_PROGRAMS += tests/coll/t_coll
tests_coll_t_coll_SOURCES = tests/coll/t_coll.c
tests_coll_t_coll_LDADD = runtime/libminimpi_core.la -lrt
TESTS += tests/coll/test_coll.sh
EXTRA_DIST += tests/coll/test_coll.sh

# The reduction operations on their own: allowed (op, type) pairs and values.
check_PROGRAMS += tests/unit/check_op
TESTS += tests/unit/check_op
tests_unit_check_op_SOURCES = tests/unit/check_op.c
tests_unit_check_op_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_op_LDADD = runtime/libminimpi_core.la -lrt $(CHECK_LIBS)

# The collectives benchmark (run by hand: sh bench/coll/run.sh).
EXTRA_DIST += bench/coll/osu_coll.c bench/coll/run.sh

# Writers of the shared-memory collectives far ahead of slow readers.
check_PROGRAMS += tests/coll/t_coll_ahead
tests_coll_t_coll_ahead_SOURCES = tests/coll/t_coll_ahead.c
tests_coll_t_coll_ahead_LDADD = runtime/libminimpi_core.la -lrt
TESTS += tests/coll/test_coll_ahead.sh
EXTRA_DIST += tests/coll/test_coll_ahead.sh

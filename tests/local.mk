# Multi-rank tests: MPI programs (tests/mpi/t_<feature>.c) that assert
# behaviour and exit non-zero naming the rank and what was wrong, and one
# script per feature (tests/mpi/<feature>.sh) that runs its program through
# tests/mpi/run-test.sh under mini-mpirun --timeout with 1, 2, 4 and 8
# ranks (8 oversubscribe a 2-core machine) and, where it matters, with the
# pipelined copy instead of single copy.  run-test.sh also fails a run that
# leaves a process or a /dev/shm/minimpi-* entry behind.
#
# The programs link the runtime statically (a convenience library), so they
# run without libtool wrapper scripts; they use only mpi.h, and also build
# with Open MPI's and MPICH's mpicc (tests/mpi/check-reference.sh).
# Unit tests of modules live in their owners' fragments.

MPI_TEST_UTIL = tests/mpi/t_util.c tests/mpi/t_util.h
MPI_TEST_LIBS = runtime/libminimpi_core.la

MPI_TEST_PROGS = \
	tests/mpi/t_abort \
	tests/mpi/t_anysource \
	tests/mpi/t_bsend \
	tests/mpi/t_bufreuse \
	tests/mpi/t_cancel \
	tests/mpi/t_datatypes \
	tests/mpi/t_env \
	tests/mpi/t_errors \
	tests/mpi/t_letgo \
	tests/mpi/t_order \
	tests/mpi/t_persistent \
	tests/mpi/t_pingpong \
	tests/mpi/t_probe \
	tests/mpi/t_procnull \
	tests/mpi/t_rsend \
	tests/mpi/t_segv \
	tests/mpi/t_self \
	tests/mpi/t_sendrecv \
	tests/mpi/t_ssend \
	tests/mpi/t_truncate \
	tests/mpi/t_truncate_fatal \
	tests/mpi/t_waittest

check_PROGRAMS += $(MPI_TEST_PROGS)

tests_mpi_t_abort_SOURCES = tests/mpi/t_abort.c $(MPI_TEST_UTIL)
tests_mpi_t_abort_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_anysource_SOURCES = tests/mpi/t_anysource.c $(MPI_TEST_UTIL)
tests_mpi_t_anysource_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_bsend_SOURCES = tests/mpi/t_bsend.c $(MPI_TEST_UTIL)
tests_mpi_t_bsend_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_bufreuse_SOURCES = tests/mpi/t_bufreuse.c $(MPI_TEST_UTIL)
tests_mpi_t_bufreuse_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_cancel_SOURCES = tests/mpi/t_cancel.c $(MPI_TEST_UTIL)
tests_mpi_t_cancel_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_datatypes_SOURCES = tests/mpi/t_datatypes.c $(MPI_TEST_UTIL)
tests_mpi_t_datatypes_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_env_SOURCES = tests/mpi/t_env.c $(MPI_TEST_UTIL)
tests_mpi_t_env_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_errors_SOURCES = tests/mpi/t_errors.c $(MPI_TEST_UTIL)
tests_mpi_t_errors_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_letgo_SOURCES = tests/mpi/t_letgo.c $(MPI_TEST_UTIL)
tests_mpi_t_letgo_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_order_SOURCES = tests/mpi/t_order.c $(MPI_TEST_UTIL)
tests_mpi_t_order_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_persistent_SOURCES = tests/mpi/t_persistent.c $(MPI_TEST_UTIL)
tests_mpi_t_persistent_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_pingpong_SOURCES = tests/mpi/t_pingpong.c $(MPI_TEST_UTIL)
tests_mpi_t_pingpong_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_probe_SOURCES = tests/mpi/t_probe.c $(MPI_TEST_UTIL)
tests_mpi_t_probe_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_procnull_SOURCES = tests/mpi/t_procnull.c $(MPI_TEST_UTIL)
tests_mpi_t_procnull_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_rsend_SOURCES = tests/mpi/t_rsend.c $(MPI_TEST_UTIL)
tests_mpi_t_rsend_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_segv_SOURCES = tests/mpi/t_segv.c $(MPI_TEST_UTIL)
tests_mpi_t_segv_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_self_SOURCES = tests/mpi/t_self.c $(MPI_TEST_UTIL)
tests_mpi_t_self_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_sendrecv_SOURCES = tests/mpi/t_sendrecv.c $(MPI_TEST_UTIL)
tests_mpi_t_sendrecv_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_ssend_SOURCES = tests/mpi/t_ssend.c $(MPI_TEST_UTIL)
tests_mpi_t_ssend_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_truncate_SOURCES = tests/mpi/t_truncate.c $(MPI_TEST_UTIL)
tests_mpi_t_truncate_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_truncate_fatal_SOURCES = tests/mpi/t_truncate_fatal.c $(MPI_TEST_UTIL)
tests_mpi_t_truncate_fatal_LDADD = $(MPI_TEST_LIBS)

tests_mpi_t_waittest_SOURCES = tests/mpi/t_waittest.c $(MPI_TEST_UTIL)
tests_mpi_t_waittest_LDADD = $(MPI_TEST_LIBS)

# The longest scripts first, so that `make -j2 check` ends sooner.
MPI_TEST_SHS = \
	tests/mpi/pingpong.sh \
	tests/mpi/anysource.sh \
	tests/mpi/order.sh \
	tests/mpi/truncate.sh \
	tests/mpi/self.sh \
	tests/mpi/ssend.sh \
	tests/mpi/probe.sh \
	tests/mpi/cancel.sh \
	tests/mpi/waittest.sh \
	tests/mpi/persistent.sh \
	tests/mpi/sendrecv.sh \
	tests/mpi/bsend.sh \
	tests/mpi/errors.sh \
	tests/mpi/datatypes.sh \
	tests/mpi/env.sh \
	tests/mpi/bufreuse.sh \
	tests/mpi/letgo.sh \
	tests/mpi/segv.sh \
	tests/mpi/abort.sh

TESTS += $(MPI_TEST_SHS)
EXTRA_DIST += $(MPI_TEST_SHS) tests/mpi/lib.sh tests/mpi/expect.sh tests/mpi/run-test.sh \
	tests/mpi/check-reference.sh

# Shared by the Check unit tests in every fragment.
EXTRA_DIST += tests/unit/check_run.h

# Oversubscribed ranks: sleeps end by a sender's wake-up (tests/mpi/oversub.sh).
check_PROGRAMS += tests/mpi/t_oversub
tests_mpi_t_oversub_SOURCES = tests/mpi/t_oversub.c $(MPI_TEST_UTIL)
tests_mpi_t_oversub_LDADD = $(MPI_TEST_LIBS)
TESTS += tests/mpi/oversub.sh
EXTRA_DIST += tests/mpi/oversub.sh
EXTRA_DIST += tests/wait_job.sh

# Medium shared-memory messages copied eagerly in several packets, and the
# protocol each size takes (tests/mpi/exchange.sh).
MPI_TEST_PROGS += tests/mpi/t_exchange
tests_mpi_t_exchange_SOURCES = tests/mpi/t_exchange.c $(MPI_TEST_UTIL)
tests_mpi_t_exchange_LDADD = $(MPI_TEST_LIBS)
MPI_TEST_SHS += tests/mpi/exchange.sh

# Issue 11, seeing inside a job.  The PMPI profiling interface: a tool that
# wraps MPI calls (pmpi_counter.c), linked with the shared library and with
# the static one, and a check of mpi.h against the libraries' symbols.
INSIGHT_PMPI_SOURCES = tests/insight/t_pmpi.c tests/insight/pmpi_counter.c \
	tests/insight/pmpi_counter.h
check_PROGRAMS += tests/insight/t_pmpi_shared tests/insight/t_pmpi_static
tests_insight_t_pmpi_shared_SOURCES = $(INSIGHT_PMPI_SOURCES)
tests_insight_t_pmpi_shared_LDADD = runtime/libminimpi.la
# -no-install: a real program with the build tree's library in its rpath,
# not a libtool wrapper script, so mini-mpirun starts it directly.
tests_insight_t_pmpi_shared_LDFLAGS = -no-install
tests_insight_t_pmpi_static_SOURCES = $(INSIGHT_PMPI_SOURCES)
tests_insight_t_pmpi_static_LDADD = runtime/libminimpi.la
tests_insight_t_pmpi_static_LDFLAGS = -static

TESTS += tests/insight/pmpi_symbols.sh tests/insight/test_pmpi.sh
EXTRA_DIST += tests/insight/pmpi_symbols.sh tests/insight/test_pmpi.sh

# mini-mpirun --report-transports on one node (shm, ofi) and three loopback nodes.
TESTS += tests/insight/test_report_transports.sh
EXTRA_DIST += tests/insight/test_report_transports.sh

# The --report-transports summary from reports in a store, without a job.
check_PROGRAMS += tests/unit/check_lnch_insight
TESTS += tests/unit/check_lnch_insight
tests_unit_check_lnch_insight_SOURCES = tests/unit/check_lnch_insight.c
tests_unit_check_lnch_insight_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_insight_LDADD = launcher/liblnch.la $(CHECK_LIBS) -lm

# mini-mpirun --hang-timeout: a cycle of receives, a missing send, a
# collective one rank never calls, and a computation shorter than the
# timeout that must not be reported.
check_PROGRAMS += tests/insight/t_hang
tests_insight_t_hang_SOURCES = tests/insight/t_hang.c
tests_insight_t_hang_LDADD = runtime/libminimpi.la
tests_insight_t_hang_LDFLAGS = -no-install
TESTS += tests/insight/test_hang.sh
EXTRA_DIST += tests/insight/test_hang.sh tests/insight/lib.sh

# mini-mpirun --profile: exact byte matrices and call counts for a ring and
# an all-to-all, the PNG and the HTML report (rendered by headless Chromium
# when it is installed).
check_PROGRAMS += tests/insight/t_profile
tests_insight_t_profile_LDADD = runtime/libminimpi.la
tests_insight_t_profile_LDFLAGS = -no-install
TESTS += tests/insight/test_profile.sh
EXTRA_DIST += tests/insight/test_profile.sh
CLEANFILES += tests/insight/profile-report.png

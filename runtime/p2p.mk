# Point to point: requests, matching, protocols, progress, buffered sends.
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_match.c runtime/rt_match.h \
	runtime/rt_request.c runtime/rt_request.h \
	runtime/rt_proto.c runtime/rt_proto.h \
	runtime/rt_progress.c runtime/rt_progress.h \
	runtime/rt_bsend.c runtime/rt_bsend.h \
	runtime/mpi_p2p.c runtime/mpi_request.c runtime/mpi_probe.c

# Issue 11: what a rank reports to mini-mpirun (transports, hangs, profile).
runtime_libminimpi_core_la_SOURCES += runtime/rt_insight.h runtime/rt_insight_transports.c
runtime_libminimpi_core_la_SOURCES += runtime/rt_insight_hang.c

runtime_libminimpi_core_la_SOURCES += runtime/rt_profile.h runtime/rt_insight_profile.c

# The matching engine is tested on its own: no transport, no MPI_Init.
check_PROGRAMS += tests/unit/check_match
TESTS += tests/unit/check_match
tests_unit_check_match_SOURCES = tests/unit/check_match.c runtime/rt_match.c runtime/rt_match.h
tests_unit_check_match_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_match_LDADD = $(CHECK_LIBS)

# The buffered-send allocator and the request pool, without MPI_Init.
check_PROGRAMS += tests/unit/check_bsend tests/unit/check_request
TESTS += tests/unit/check_bsend tests/unit/check_request
tests_unit_check_bsend_SOURCES = tests/unit/check_bsend.c
tests_unit_check_bsend_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_bsend_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)
tests_unit_check_request_SOURCES = tests/unit/check_request.c
tests_unit_check_request_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_request_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

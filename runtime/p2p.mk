# Point to point: requests, matching, protocols, progress, buffered sends.
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_match.c runtime/rt_match.h

# The matching engine is tested on its own: no transport, no MPI_Init.
check_PROGRAMS += tests/unit/check_match
TESTS += tests/unit/check_match
tests_unit_check_match_SOURCES = tests/unit/check_match.c runtime/rt_match.c runtime/rt_match.h
tests_unit_check_match_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_match_LDADD = $(CHECK_LIBS)

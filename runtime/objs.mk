# Derived datatypes, communicators and groups, attributes, info,
# topologies, intercommunicators (issue 3).
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_dt.h runtime/rt_dt_build.c

# Datatype construction and packing, tested without MPI_Init's transports.
check_PROGRAMS += tests/unit/check_dt
TESTS += tests/unit/check_dt
tests_unit_check_dt_SOURCES = tests/unit/check_dt.c
tests_unit_check_dt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_dt_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

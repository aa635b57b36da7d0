# Environment: init/finalize, bootstrap (PMI-1 client), communicators,
# datatypes, errors, clock.
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_init.c runtime/mpi_env.c \
	runtime/rt_boot.c runtime/rt_boot.h runtime/rt_boot_pmi.c runtime/rt_boot_port.c \
	runtime/rt_boot_mapping.c \
	runtime/rt_comm.c runtime/mpi_comm.c \
	runtime/rt_datatype.c runtime/mpi_datatype.c \
	runtime/rt_errors.c runtime/rt_errors.h runtime/mpi_errors.c \
	runtime/rt_time.c

check_PROGRAMS += tests/unit/check_boot
TESTS += tests/unit/check_boot
tests_unit_check_boot_SOURCES = tests/unit/check_boot.c runtime/rt_boot.h
tests_unit_check_boot_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_boot_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

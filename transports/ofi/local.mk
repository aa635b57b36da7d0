# libfabric transport: peers on other nodes (or every peer, with
# MINIMPI_TRANSPORTS=ofi).
runtime_libminimpi_core_la_SOURCES += \
	transports/ofi/ofi.h \
	transports/ofi/ofi_init.c \
	transports/ofi/ofi_lib.h \
	transports/ofi/ofi_lib.c \
	transports/ofi/ofi_ops.c \
	transports/ofi/ofi_progress.c \
	transports/ofi/ofi_rma.c \
	transports/ofi/ofi_atomic.c
runtime_libminimpi_core_la_CPPFLAGS = $(AM_CPPFLAGS) $(FABRIC_CFLAGS)
# libfabric is loaded with dlopen when the transport starts (ofi_lib.h),
# so only its headers are needed here.
runtime_libminimpi_core_la_LIBADD += $(DL_LIBS)

# One-node tests of the transport (MINIMPI_TRANSPORTS=ofi), run through
# tests/mpi/run-test.sh with the programs of tests/mpi and tests/coll.
TESTS += tests/ofi/ofi.sh
EXTRA_DIST += tests/ofi/ofi.sh tests/ofi/rank-env.sh
check_PROGRAMS += tests/ofi/t_ofi_silent tests/ofi/t_ofi_loaded
tests_ofi_t_ofi_silent_SOURCES = tests/ofi/t_ofi_silent.c $(MPI_TEST_UTIL)
tests_ofi_t_ofi_silent_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/mpi
tests_ofi_t_ofi_silent_LDADD = $(MPI_TEST_LIBS)
tests_ofi_t_ofi_loaded_SOURCES = tests/ofi/t_ofi_loaded.c $(MPI_TEST_UTIL)
tests_ofi_t_ofi_loaded_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/mpi
tests_ofi_t_ofi_loaded_LDADD = $(MPI_TEST_LIBS)

# libminimpi: the runtime and the transports, built once as a convenience
# library (linked statically into the in-tree tests, so they run without
# libtool wrapper scripts) and installed as libminimpi.so / libminimpi.a.
noinst_LTLIBRARIES += runtime/libminimpi_core.la
runtime_libminimpi_core_la_SOURCES = runtime/rt.h runtime/rt_pmpi.h
runtime_libminimpi_core_la_LIBADD = common/libcommon.la

lib_LTLIBRARIES += runtime/libminimpi.la
runtime_libminimpi_la_SOURCES =
runtime_libminimpi_la_LIBADD = runtime/libminimpi_core.la -lrt
# Programs see only the MPI_* names; everything rt_, tp_, shm_ ... stays inside.
runtime_libminimpi_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -no-undefined -Wl,--no-undefined \
	-export-symbols-regex '^P?MPI_'

include_HEADERS += include/mpi.h

# Each part of the runtime lists its own files.
include runtime/env.mk
include runtime/p2p.mk
include runtime/objs.mk
include runtime/coll.mk
include runtime/win.mk

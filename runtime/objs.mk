# Derived datatypes, communicators and groups, attributes, info,
# topologies, intercommunicators (issue 3).
runtime_libminimpi_core_la_SOURCES += \
	runtime/rt_dt.h runtime/rt_dt_build.c \
	runtime/rt_handles.c runtime/rt_handles.h \
	runtime/rt_comm_new.h runtime/rt_comm_agree.c \
	runtime/rt_group.c runtime/rt_group.h runtime/mpi_group.c \
	runtime/rt_attr.c runtime/rt_attr.h runtime/mpi_attr.c \
	runtime/rt_errhandler.c runtime/rt_errhandler.h runtime/rt_errcodes.c \
	runtime/mpi_errhandler.c \
	runtime/rt_info.h runtime/mpi_info.c \
	runtime/rt_topo.c runtime/rt_topo.h runtime/mpi_topo.c \
	runtime/mpi_intercomm.c runtime/rt_coll_inter.c runtime/rt_coll_inter.h \
	runtime/rt_coll_msg.c runtime/rt_coll_msg.h runtime/mpi_neighbor.c

# Datatype construction and packing, tested without MPI_Init's transports.
check_PROGRAMS += tests/unit/check_dt
TESTS += tests/unit/check_dt
tests_unit_check_dt_SOURCES = tests/unit/check_dt.c
tests_unit_check_dt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_dt_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

# Multi-rank tests: programs linked like the library's users, run by
# tests/objs/run_objs.sh under mini-mpirun --timeout.
OBJS_MPI_TESTS = tests/objs/t_dt_p2p tests/objs/t_comm tests/objs/t_topo \
	tests/objs/t_intercomm
check_PROGRAMS += $(OBJS_MPI_TESTS)
tests_objs_t_dt_p2p_SOURCES = tests/objs/t_dt_p2p.c tests/objs/t_util.h
tests_objs_t_dt_p2p_LDADD = runtime/libminimpi_core.la
tests_objs_t_comm_SOURCES = tests/objs/t_comm.c tests/objs/t_util.h
tests_objs_t_comm_LDADD = runtime/libminimpi_core.la
tests_objs_t_topo_SOURCES = tests/objs/t_topo.c tests/objs/t_util.h
tests_objs_t_topo_LDADD = runtime/libminimpi_core.la
tests_objs_t_intercomm_SOURCES = tests/objs/t_intercomm.c tests/objs/t_util.h
tests_objs_t_intercomm_LDADD = runtime/libminimpi_core.la

TESTS += tests/objs/test_objs.sh
EXTRA_DIST += tests/objs/test_objs.sh

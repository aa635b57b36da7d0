# Example programs: built in the tree against the runtime (statically, like
# the tests) so that `make` checks they compile, and installed as source to
# $(datadir)/minimpi/examples for users to build with the installed mpicc.
# They use only standard MPI and build unchanged with other MPIs' mpicc.
noinst_PROGRAMS += examples/hello examples/ring examples/pingpong
examples_hello_SOURCES = examples/hello.c
examples_hello_LDADD = runtime/libminimpi_core.la
examples_ring_SOURCES = examples/ring.c
examples_ring_LDADD = runtime/libminimpi_core.la
examples_pingpong_SOURCES = examples/pingpong.c
examples_pingpong_LDADD = runtime/libminimpi_core.la

examplesdir = $(datadir)/minimpi/examples
dist_examples_DATA = examples/hello.c examples/ring.c examples/pingpong.c

# heat2d: Cartesian grid, vector-type halo exchange, checked against a
# serial run (tests/objs/test_objs.sh runs it on 1, 2, 4 and 6 ranks).
check_PROGRAMS += examples/heat2d
examples_heat2d_SOURCES = examples/heat2d.c
examples_heat2d_LDADD = runtime/libminimpi_core.la

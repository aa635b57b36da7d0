# Example programs.
# heat2d: Cartesian grid, vector-type halo exchange, checked against a
# serial run (tests/objs/test_objs.sh runs it on 1, 2, 4 and 6 ranks).
check_PROGRAMS += examples/heat2d
examples_heat2d_SOURCES = examples/heat2d.c
examples_heat2d_LDADD = runtime/libminimpi_core.la

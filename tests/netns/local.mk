# Multi-node tests across network namespaces (tests/netns/netns.sh): root
# only; skipped with a message otherwise.
check_PROGRAMS += tests/netns/t_multinode
tests_netns_t_multinode_SOURCES = tests/netns/t_multinode.c $(MPI_TEST_UTIL)
tests_netns_t_multinode_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/mpi
tests_netns_t_multinode_LDADD = $(MPI_TEST_LIBS)
TESTS += tests/netns/netns.sh
EXTRA_DIST += tests/netns/netns.sh tests/netns/lib.sh

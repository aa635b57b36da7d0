# Message-integrity stress (issue 9): t_stress.c, a seeded randomized program
# that checks every message for loss, duplication, corruption and reordering
# (see its top comment).  `make check` runs a short run (stress.sh); the
# long soak is `make soak` (SOAK_SECONDS, SOAK_RANKS, SOAK_TRANSPORTS, SOAK_SEED,
# SOAK_ENV), over shared memory and libfabric.  stress-ofi.sh is the short run
# on the libfabric path on one node; tests/netns/netns.sh runs one across nodes.
check_PROGRAMS += tests/stress/t_stress
tests_stress_t_stress_SOURCES = tests/stress/t_stress.c
tests_stress_t_stress_LDADD = runtime/libminimpi_core.la

STRESS_TESTS = tests/stress/stress.sh tests/stress/stress-ofi.sh
TESTS += $(STRESS_TESTS)
EXTRA_DIST += $(STRESS_TESTS) tests/stress/soak.sh

SOAK_SECONDS = 600
SOAK_RANKS = 2 4 8
.PHONY: soak
soak: tests/stress/t_stress$(EXEEXT) launcher/mini-mpirun$(EXEEXT)
	SOAK_SECONDS='$(SOAK_SECONDS)' SOAK_RANKS='$(SOAK_RANKS)' \
	  $(SHELL) $(srcdir)/tests/stress/soak.sh

# Optional sanitizer runs (issue 9), not part of `make check`:
#   make check-valgrind   memcheck over the unit tests, the fuzz corpus and a
#                         few multi-rank programs, in this (plain) build tree;
#   make check-tsan       a ThreadSanitizer build in _build-tsan/ running the
#                         MPI_THREAD_SERIALIZED test and the stress program.
EXTRA_DIST += tests/sanitizers/check-valgrind.sh tests/sanitizers/check-tsan.sh \
	tests/sanitizers/valgrind.supp
.PHONY: check-valgrind check-tsan
check-valgrind:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS=
	srcdir=$(srcdir) bash $(srcdir)/tests/sanitizers/check-valgrind.sh
check-tsan:
	TSAN_BUILD=$(abs_top_builddir)/_build-tsan bash $(srcdir)/tests/sanitizers/check-tsan.sh $(srcdir)

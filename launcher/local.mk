# mini-mpirun, the launcher (mpirun and mpiexec are links to it).
#
# Everything but main() is a convenience library, so that the unit tests
# (tests/unit/check_lnch_*.c) link the same code the launcher runs.
noinst_LTLIBRARIES += launcher/liblnch.la
launcher_liblnch_la_SOURCES = \
	launcher/lnch_args.c launcher/lnch_args.h \
	launcher/lnch_kvs.c launcher/lnch_kvs.h \
	launcher/lnch_stdio.c launcher/lnch_stdio.h \
	launcher/lnch_job.c launcher/lnch_job.h \
	launcher/lnch_pmi.c launcher/lnch_pmi.h \
	launcher/lnch_spawn.c launcher/lnch_spawn.h \
	launcher/lnch_signals.c launcher/lnch_signals.h \
	launcher/lnch_shm.c launcher/lnch_shm.h \
	launcher/lnch_loop.c launcher/lnch_loop.h \
	launcher/lnch_place.c launcher/lnch_place.h launcher/lnch_place_opts.h \
	launcher/lnch_place_text.c \
	launcher/lnch_place_job.c launcher/lnch_place_job.h \
	launcher/lnch_slurm.c launcher/lnch_slurm.h \
	launcher/lnch_hosts.c launcher/lnch_hosts.h \
	launcher/lnch_map.c launcher/lnch_map.h \
	launcher/lnch_addr.c launcher/lnch_addr.h \
	launcher/lnch_wire.c launcher/lnch_wire.h \
	launcher/lnch_agent.c launcher/lnch_agent.h \
	launcher/lnch_remote.c launcher/lnch_remote_io.c launcher/lnch_remote.h \
	launcher/lnch_insight.h launcher/lnch_insight_transports.c launcher/lnch_insight_hang.c \
	launcher/lnch_insight_profile.c
launcher_liblnch_la_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
launcher_liblnch_la_LIBADD = common/libcommon.la $(HWLOC_LIBS)

bin_PROGRAMS += launcher/mini-mpirun
launcher_mini_mpirun_SOURCES = launcher/lnch_main.c
launcher_mini_mpirun_LDADD = launcher/liblnch.la -lm
launcher_mini_mpirun_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)

# mini-mpid: the per-node daemon of multi-node jobs, started by mini-mpirun
# through the launch agent (see launcher/lnch_remote.h and lnch_wire.h).
bin_PROGRAMS += launcher/mini-mpid
launcher_mini_mpid_SOURCES = launcher/lnch_daemon.c launcher/lnch_daemon_loop.c \
	launcher/lnch_daemon.h
launcher_mini_mpid_LDADD = launcher/liblnch.la -lm
launcher_mini_mpid_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)

# mpirun and mpiexec: links to mini-mpirun in the installed bin/.  The hooks
# are attached as prerequisites so that other fragments can add their own.
install-exec-hook: lnch-install-links
uninstall-hook: lnch-uninstall-links
.PHONY: lnch-install-links lnch-uninstall-links
lnch-install-links:
	cd "$(DESTDIR)$(bindir)" && \
	for l in mpirun mpiexec; do \
	  rm -f $$l$(EXEEXT) && $(LN_S) mini-mpirun$(EXEEXT) $$l$(EXEEXT) || exit 1; \
	done
lnch-uninstall-links:
	rm -f "$(DESTDIR)$(bindir)/mpirun$(EXEEXT)" "$(DESTDIR)$(bindir)/mpiexec$(EXEEXT)"

# Launcher tests: helper ranks (tests/launcher/*.c) and the scripts that run
# mini-mpirun on them, each run under timeout(1).
check_PROGRAMS += tests/launcher/pmi_client tests/launcher/rank_actions
tests_launcher_pmi_client_SOURCES = tests/launcher/pmi_client.c
tests_launcher_pmi_client_LDADD = common/libcommon.la
tests_launcher_rank_actions_SOURCES = tests/launcher/rank_actions.c
LNCH_TESTS = \
	tests/launcher/test_exit.sh tests/launcher/test_pmi.sh \
	tests/launcher/test_output.sh tests/launcher/test_signals.sh \
	tests/launcher/test_cli.sh tests/launcher/test_mpich.sh \
	tests/launcher/test_place.sh tests/launcher/test_multinode.sh
TESTS += $(LNCH_TESTS)
EXTRA_DIST += $(LNCH_TESTS) tests/launcher/lib.sh tests/launcher/mpich_ring.c

# Unit tests (Check) of the PMI wire format and of the launcher's modules.
LNCH_UNIT_TESTS = tests/unit/check_pmi_wire tests/unit/check_lnch_args \
	tests/unit/check_lnch_kvs tests/unit/check_lnch_stdio tests/unit/check_lnch_pmi \
	tests/unit/check_lnch_hosts
check_PROGRAMS += $(LNCH_UNIT_TESTS)
TESTS += $(LNCH_UNIT_TESTS)
tests_unit_check_pmi_wire_SOURCES = tests/unit/check_pmi_wire.c
tests_unit_check_pmi_wire_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_pmi_wire_LDADD = common/libcommon.la $(CHECK_LIBS)
tests_unit_check_lnch_args_SOURCES = tests/unit/check_lnch_args.c
tests_unit_check_lnch_args_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_args_LDADD = launcher/liblnch.la $(CHECK_LIBS) -lm
tests_unit_check_lnch_kvs_SOURCES = tests/unit/check_lnch_kvs.c
tests_unit_check_lnch_kvs_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_kvs_LDADD = launcher/liblnch.la $(CHECK_LIBS)
tests_unit_check_lnch_stdio_SOURCES = tests/unit/check_lnch_stdio.c
tests_unit_check_lnch_stdio_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_stdio_LDADD = launcher/liblnch.la $(CHECK_LIBS)
tests_unit_check_lnch_pmi_SOURCES = tests/unit/check_lnch_pmi.c
tests_unit_check_lnch_pmi_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_pmi_LDADD = launcher/liblnch.la $(CHECK_LIBS) -lm
tests_unit_check_lnch_hosts_SOURCES = tests/unit/check_lnch_hosts.c
tests_unit_check_lnch_hosts_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_hosts_LDADD = launcher/liblnch.la $(CHECK_LIBS) -lm

# The launch tree of multi-node jobs and the launch agent's helpers.
check_PROGRAMS += tests/unit/check_lnch_tree
TESTS += tests/unit/check_lnch_tree
tests_unit_check_lnch_tree_SOURCES = tests/unit/check_lnch_tree.c
tests_unit_check_lnch_tree_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_tree_LDADD = launcher/liblnch.la $(CHECK_LIBS) -lm

# Placement (mapping, binding, report) against synthetic hwloc topologies.
check_PROGRAMS += tests/unit/check_lnch_place
TESTS += tests/unit/check_lnch_place
tests_unit_check_lnch_place_SOURCES = tests/unit/check_lnch_place.c
tests_unit_check_lnch_place_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_check_lnch_place_LDADD = launcher/liblnch.la $(CHECK_LIBS) $(HWLOC_LIBS)

# The man page: a template plus the ENVIRONMENT section generated from
# `mini-mpirun --help-env`, the same table (common/cfg.c) that --help-env
# prints, so the two cannot drift apart.
nodist_man1_MANS = man/mini-mpirun.1
EXTRA_DIST += man/mini-mpirun.1.in launcher/lnch_man_env.awk
CLEANFILES += man/mini-mpirun.1 man/mini-mpirun.env
man/mini-mpirun.1: $(srcdir)/man/mini-mpirun.1.in $(srcdir)/launcher/lnch_man_env.awk \
		launcher/mini-mpirun$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) man && \
	launcher/mini-mpirun$(EXEEXT) --help-env | \
	  $(AWK) -f $(srcdir)/launcher/lnch_man_env.awk >man/mini-mpirun.env && \
	$(SED) -e '/^@ENVIRONMENT@$$/{' -e 'r man/mini-mpirun.env' -e 'd' -e '}' \
	  -e 's/@VERSION@/$(VERSION)/g' $(srcdir)/man/mini-mpirun.1.in >$@.tmp && \
	rm -f man/mini-mpirun.env && mv $@.tmp $@

# Slurm allocations: host list and task count syntax.
check_PROGRAMS += tests/unit/check_lnch_slurm
TESTS += tests/unit/check_lnch_slurm
tests_unit_check_lnch_slurm_SOURCES = tests/unit/check_lnch_slurm.c
tests_unit_check_lnch_slurm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_lnch_slurm_LDADD = launcher/liblnch.la $(CHECK_LIBS)

# Fuzzing of the parsers that read untrusted input (tests/fuzz/fuzz.h): the
# PMI-1 wire format on both ends, the PMI_PORT handshake,
# PMI_process_mapping, -H lists and hostfiles, Slurm's host lists, and the
# daemon wire frames.
#
# fuzz-replay (the normal compiler and sanitizers of the build) runs every
# file of tests/fuzz/corpus/<target>/ through its target in every
# `make check`.  fuzz-minimpi is the libFuzzer program, built with clang
# when configure found one that can (FUZZING); it compiles the parsers'
# sources itself with coverage instrumentation, ASan and UBSan.  fuzz.sh
# runs both: the replay always, then FUZZ_SECONDS (default 1) of fuzzing
# per target.  `make fuzz` fuzzes each target for FUZZ_SECONDS=60.
FUZZ_TARGET_SRCS = \
	tests/fuzz/fuzz.h tests/fuzz/fuzz_targets.c tests/fuzz/fuzz_rt_stubs.c \
	tests/fuzz/fuzz_pmi_wire.c tests/fuzz/fuzz_pmi_server.c \
	tests/fuzz/fuzz_pmi_client.c tests/fuzz/fuzz_pmi_port.c tests/fuzz/fuzz_mapping.c \
	tests/fuzz/fuzz_hosts.c tests/fuzz/fuzz_slurm.c tests/fuzz/fuzz_wire.c \
	runtime/rt_boot_pmi.c runtime/rt_boot_port.c runtime/rt_boot_mapping.c

check_PROGRAMS += tests/fuzz/fuzz-replay
tests_fuzz_fuzz_replay_SOURCES = tests/fuzz/fuzz_replay.c $(FUZZ_TARGET_SRCS)
tests_fuzz_fuzz_replay_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_replay_LDADD = launcher/liblnch.la -lm

TESTS += tests/fuzz/fuzz.sh
EXTRA_DIST += tests/fuzz/fuzz.sh tests/fuzz/fuzz_libfuzzer.c tests/fuzz/corpus

if FUZZING
FUZZ_PROG = tests/fuzz/fuzz-minimpi
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
# Every .c file the targets need, compiled by clang in one go (the .h files
# of the lists are dropped).
tests/fuzz/fuzz-minimpi: tests/fuzz/fuzz_libfuzzer.c $(FUZZ_TARGET_SRCS) \
		$(launcher_liblnch_la_SOURCES) $(common_libcommon_la_SOURCES) config.h
	$(AM_V_GEN)srcs=; \
	for f in tests/fuzz/fuzz_libfuzzer.c $(FUZZ_TARGET_SRCS) \
	    $(launcher_liblnch_la_SOURCES) $(common_libcommon_la_SOURCES); do \
	  case $$f in *.c) srcs="$$srcs $(srcdir)/$$f";; esac; \
	done; \
	$(MKDIR_P) tests/fuzz && \
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(HWLOC_CFLAGS) \
	  -o $@ $$srcs $(HWLOC_LIBS) -lm -pthread
else
FUZZ_PROG =
endif
check_SCRIPTS = $(FUZZ_PROG)
CLEANFILES += tests/fuzz/fuzz-minimpi

# A longer run: FUZZ_SECONDS per target (60 unless given), new inputs kept
# in tests/fuzz/found/<target>/ for review.
.PHONY: fuzz
fuzz: tests/fuzz/fuzz-replay$(EXEEXT) $(FUZZ_PROG)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} FUZZ_KEEP=tests/fuzz/found \
	  srcdir=$(srcdir) $(SHELL) $(srcdir)/tests/fuzz/fuzz.sh

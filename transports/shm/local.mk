# Shared-memory transport: peers on the same node.
runtime_libminimpi_core_la_SOURCES += \
	transports/shm/shm.h \
	transports/shm/shm_init.c \
	transports/shm/shm_ops.c \
	transports/shm/shm_queue.c transports/shm/shm_queue.h \
	transports/shm/shm_fbox.c transports/shm/shm_fbox.h \
	transports/shm/shm_duplex.c transports/shm/shm_duplex.h \
	transports/shm/shm_room.h \
	transports/shm/shm_segment.c transports/shm/shm_segment.h \
	transports/shm/shm_cma.c transports/shm/shm_cma.h

# Unit tests: the queue alone, then the whole transport across forked processes.
check_PROGRAMS += tests/unit/check_shm_queue tests/unit/check_shm_transport
TESTS += tests/unit/check_shm_queue tests/unit/check_shm_transport

# Fast boxes alone (their order against the queue: check_shm_transport).
check_PROGRAMS += tests/unit/check_shm_fbox
TESTS += tests/unit/check_shm_fbox
tests_unit_check_shm_fbox_SOURCES = tests/unit/check_shm_fbox.c \
	transports/shm/shm_fbox.c transports/shm/shm_fbox.h \
	transports/shm/shm_duplex.c transports/shm/shm_duplex.h transports/shm/shm_room.h
tests_unit_check_shm_fbox_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_shm_fbox_LDADD = $(CHECK_LIBS)

tests_unit_check_shm_queue_SOURCES = tests/unit/check_shm_queue.c \
	transports/shm/shm_queue.c transports/shm/shm_queue.h
tests_unit_check_shm_queue_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_shm_queue_LDADD = $(CHECK_LIBS)

tests_unit_check_shm_transport_SOURCES = tests/unit/check_shm_transport.c
tests_unit_check_shm_transport_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_shm_transport_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

# Which rank backs and lays out which part of the segment (NUMA first touch).
check_PROGRAMS += tests/unit/check_shm_segment
TESTS += tests/unit/check_shm_segment
tests_unit_check_shm_segment_SOURCES = tests/unit/check_shm_segment.c \
	transports/shm/shm_segment.c transports/shm/shm_segment.h \
	transports/shm/shm_queue.c transports/shm/shm_fbox.c transports/shm/shm_duplex.c
tests_unit_check_shm_segment_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_shm_segment_LDADD = $(CHECK_LIBS) -lrt

# The fast-box claim race (a box claimed behind another sender's unfinished
# claim), replayed deterministically in one process.
check_PROGRAMS += tests/unit/check_shm_claim_race
TESTS += tests/unit/check_shm_claim_race
tests_unit_check_shm_claim_race_SOURCES = tests/unit/check_shm_claim_race.c
tests_unit_check_shm_claim_race_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_shm_claim_race_LDADD = runtime/libminimpi_core.la $(CHECK_LIBS)

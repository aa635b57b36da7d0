# The transports behind transports/transport.h; each lists its own files.
runtime_libminimpi_core_la_SOURCES += transports/transport.h
include transports/self/local.mk
include transports/shm/local.mk
include transports/ofi/local.mk

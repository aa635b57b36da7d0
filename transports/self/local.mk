# Loopback transport: a process sending to itself.
runtime_libminimpi_core_la_SOURCES += transports/self/self.c

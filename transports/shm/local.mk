# Shared-memory transport: peers on the same node.
runtime_libminimpi_core_la_SOURCES +=

# Point to point: requests, matching, protocols, progress, buffered sends.
runtime_libminimpi_core_la_SOURCES +=

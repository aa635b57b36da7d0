# Environment: init/finalize, bootstrap (PMI-1 client), communicators,
# datatypes, errors, clock, configuration.
runtime_libminimpi_core_la_SOURCES +=

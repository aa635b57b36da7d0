# Security tests (issue 9): who may open a job's shared memory, what
# mini-mpirun's daemon port lets in, and what the sources may not do.
#   shm.sh    a running job's segment is mode 0600, named with the job's
#             random id, and another user (nobody, via setpriv) can open
#             neither it nor the ranks' /proc fd and map_files entries;
#   flood.sh  hundreds of bad connections to the daemon port (silent,
#             garbage, wrong secret, oversized) while a two-node job runs:
#             each is dropped and logged, the job completes correctly;
#   static.sh no system()/popen(), no shell parsing of program arguments,
#             every file creation mode 0600 (a grep over the sources).
check_PROGRAMS += tests/security/t_slow_init tests/security/sec_flood
tests_security_t_slow_init_SOURCES = tests/security/t_slow_init.c
tests_security_t_slow_init_LDADD = runtime/libminimpi_core.la
tests_security_sec_flood_SOURCES = tests/security/sec_flood.c
SEC_TESTS = tests/security/shm.sh tests/security/flood.sh tests/security/static.sh
TESTS += $(SEC_TESTS)
EXTRA_DIST += $(SEC_TESTS) tests/security/lib.sh

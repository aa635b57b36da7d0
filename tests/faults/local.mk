# Fault tests (issue 9): a rank killed, crashing, aborting, leaving without
# MPI_Finalize or without MPI_Init; mini-mpirun interrupted or killed;
# /dev/shm too small; single copy denied.  tests/faults/t_fault.c is the
# MPI program, tests/faults/faults.sh the driver (see its top comment).
check_PROGRAMS += tests/faults/t_fault
tests_faults_t_fault_SOURCES = tests/faults/t_fault.c $(MPI_TEST_UTIL)
tests_faults_t_fault_LDADD = $(MPI_TEST_LIBS)

FAULT_TESTS = tests/faults/faults.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS)

# Bad input (issue 9): t_badinput calls every function of mpi.h with each
# invalid argument that applies and checks the error class under
# MPI_ERRORS_RETURN, that a function of mpi.h without a case fails the test,
# that the job still works afterwards, and (badinput.sh) a few bad calls
# under MPI_ERRORS_ARE_FATAL.
check_PROGRAMS += tests/badinput/t_badinput
tests_badinput_t_badinput_SOURCES = tests/badinput/t_badinput.c
tests_badinput_t_badinput_LDADD = $(MPI_TEST_LIBS)
TESTS += tests/badinput/badinput.sh
EXTRA_DIST += tests/badinput/badinput.sh

/*
 * t_util.h -- what every multi-rank test program shares: start-up, failure
 * reporting that names the program, rank and source line, and byte patterns
 * whose every position differs, so a misplaced or repeated chunk is caught.
 *
 * The programs use only calls declared in minimpi's mpi.h, and they also
 * build with Open MPI's and MPICH's mpicc, which is how the tests themselves
 * are validated (tests/mpi/check-reference.sh).
 */
#ifndef T_UTIL_H
#define T_UTIL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

extern int t_rank;          /* rank in MPI_COMM_WORLD */
extern int t_size;          /* size of MPI_COMM_WORLD */
extern const char *t_name;  /* program name without directories */

/* MPI_Init, then rank, size and name.  Fails the test when MPI_Init fails. */
void t_init(int *argc, char ***argv);

/* MPI_Finalize, checked. */
void t_finalize(void);

/*
 * Print "t_name: rank R: FAIL: file:line: message" on stderr and abort the
 * job with exit code 1.  The driver also fails any run whose output holds
 * "FAIL:", so a failure is noticed even in tests expecting a non-zero exit.
 */
void t_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Same, for an MPI call that returned `rc` instead of MPI_SUCCESS. */
void t_fail_mpi(const char *file, int line, const char *call, int rc) __attribute__((noreturn));

#define T_FAIL(...) t_fail_at(__FILE__, __LINE__, __VA_ARGS__)
#define T_ASSERT(cond, ...)                                                   \
    do {                                                                      \
        if (!(cond))                                                          \
            t_fail_at(__FILE__, __LINE__, __VA_ARGS__);                       \
    } while (0)
/* Run an MPI call that must succeed. */
#define T_MPI(call)                                                           \
    do {                                                                      \
        int t_rc_ = (call);                                                   \
        if (t_rc_ != MPI_SUCCESS)                                             \
            t_fail_mpi(__FILE__, __LINE__, #call, t_rc_);                     \
    } while (0)
/* Run an MPI call that must fail with error class `cls` (MPI_ERRORS_RETURN). */
#define T_MPI_ERR(cls, call)                                                  \
    t_expect_class(__FILE__, __LINE__, #call, (call), (cls), #cls)
void t_expect_class(const char *file, int line, const char *call, int rc, int cls,
                    const char *cls_name);

/* Fill `len` bytes with the pattern of `seed`: every byte depends on its offset and the seed. */
void t_fill(void *buf, size_t len, uint32_t seed);
/* The pattern's byte at `offset` (for messages in pieces). */
uint8_t t_pattern_byte(size_t offset, uint32_t seed);
/* Fail, naming `what`, the first differing offset and both values, unless
 * buf holds the pattern of `seed`. */
#define T_CHECK_PATTERN(buf, len, seed, ...)                                  \
    t_check_pattern_at(__FILE__, __LINE__, (buf), (len), (seed), __VA_ARGS__)
void t_check_pattern_at(const char *file, int line, const void *buf, size_t len, uint32_t seed,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fail unless all `len` bytes equal `value` (guard areas that must stay untouched). */
#define T_CHECK_BYTES(buf, len, value, ...)                                   \
    t_check_bytes_at(__FILE__, __LINE__, (buf), (len), (value), __VA_ARGS__)
void t_check_bytes_at(const char *file, int line, const void *buf, size_t len, uint8_t value,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Fail unless `status` is the standard's "empty" status (source ANY_SOURCE,
 * tag ANY_TAG, count 0), e.g. of MPI_REQUEST_NULL. */
#define T_CHECK_EMPTY_STATUS(status, what)                                    \
    t_check_empty_status_at(__FILE__, __LINE__, (status), (what))
void t_check_empty_status_at(const char *file, int line, const MPI_Status *status,
                             const char *what);
/* Fail unless `status` has this source, tag and count of `datatype` elements. */
#define T_CHECK_STATUS(status, source, tag, datatype, count, what)            \
    t_check_status_at(__FILE__, __LINE__, (status), (source), (tag), (datatype), (count), (what))
void t_check_status_at(const char *file, int line, const MPI_Status *status, int source, int tag,
                       MPI_Datatype datatype, int count, const char *what);

/* malloc that fails the test instead of returning NULL. */
void *t_malloc(size_t len);

/* Sleep for `ms` milliseconds (handshakes that must give a peer time to act). */
void t_sleep_ms(int ms);

#endif /* T_UTIL_H */

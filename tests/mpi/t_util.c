/*
 * t_util.c -- start-up, failure reporting and data patterns shared by the
 * multi-rank test programs (see t_util.h).
 */
#define _GNU_SOURCE
#include "t_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int t_rank = -1;
int t_size = -1;
const char *t_name = "t_?";

void t_init(int *argc, char ***argv)
{
    if (*argc > 0 && (*argv)[0] != NULL) {
        const char *slash = strrchr((*argv)[0], '/');
        t_name = slash != NULL ? slash + 1 : (*argv)[0];
    }
    T_MPI(MPI_Init(argc, argv));
    T_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &t_rank));
    T_MPI(MPI_Comm_size(MPI_COMM_WORLD, &t_size));
}

void t_finalize(void)
{
    T_MPI(MPI_Finalize());
}

static void t_vreport(const char *file, int line, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* One fprintf, so that the line reaches the launcher in one piece. */
    fprintf(stderr, "%s: rank %d: FAIL: %s:%d: %s\n", t_name, t_rank, file, line, msg);
    fflush(stderr);
}

static void t_die(void) __attribute__((noreturn));
static void t_die(void)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized)
        MPI_Abort(MPI_COMM_WORLD, 1);
    /* MPI_Abort should not return; if it does, still end this process. */
    _exit(1);
}

void t_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_vreport(file, line, fmt, ap);
    va_end(ap);
    t_die();
}

static const char *t_error_text(int rc, char *buf, int buf_len)
{
    int len = 0;
    buf[0] = '\0';
    if (buf_len < MPI_MAX_ERROR_STRING || MPI_Error_string(rc, buf, &len) != MPI_SUCCESS)
        snprintf(buf, (size_t)buf_len, "(no error string)");
    return buf;
}

void t_fail_mpi(const char *file, int line, const char *call, int rc)
{
    char text[MPI_MAX_ERROR_STRING];
    t_fail_at(file, line, "%s returned %d: %s", call, rc,
              t_error_text(rc, text, (int)sizeof(text)));
}

void t_expect_class(const char *file, int line, const char *call, int rc, int cls,
                    const char *cls_name)
{
    char text[MPI_MAX_ERROR_STRING];
    int got = -1;
    if (rc == MPI_SUCCESS)
        t_fail_at(file, line, "%s succeeded; expected an error of class %s", call, cls_name);
    if (MPI_Error_class(rc, &got) != MPI_SUCCESS)
        t_fail_at(file, line, "%s returned %d, which MPI_Error_class rejects", call, rc);
    if (got != cls)
        t_fail_at(file, line, "%s returned error class %d (%s); expected %s (%d)", call, got,
                  t_error_text(rc, text, (int)sizeof(text)), cls_name, cls);
}

/* A multiplicative hash of the offset, mixed with the seed: neighbouring
 * bytes, bytes 256 apart and bytes one chunk apart all differ in general. */
uint8_t t_pattern_byte(size_t offset, uint32_t seed)
{
    uint32_t h = (uint32_t)offset * 2654435761u + seed * 40503u + (uint32_t)(offset >> 32);
    return (uint8_t)((h >> 24) ^ (h >> 11));
}

void t_fill(void *buf, size_t len, uint32_t seed)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = t_pattern_byte(i, seed);
}

void t_check_pattern_at(const char *file, int line, const void *buf, size_t len, uint32_t seed,
                        const char *fmt, ...)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != t_pattern_byte(i, seed)) {
            char what[512];
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(what, sizeof(what), fmt, ap);
            va_end(ap);
            t_fail_at(file, line, "%s: byte %zu of %zu is 0x%02x, expected 0x%02x", what, i, len,
                      p[i], t_pattern_byte(i, seed));
        }
    }
}

void t_check_bytes_at(const char *file, int line, const void *buf, size_t len, uint8_t value,
                      const char *fmt, ...)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != value) {
            char what[512];
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(what, sizeof(what), fmt, ap);
            va_end(ap);
            t_fail_at(file, line, "%s: byte %zu of %zu is 0x%02x, expected 0x%02x", what, i, len,
                      p[i], value);
        }
    }
}

void t_check_empty_status_at(const char *file, int line, const MPI_Status *status,
                             const char *what)
{
    int count = -1;
    if (status->MPI_SOURCE != MPI_ANY_SOURCE || status->MPI_TAG != MPI_ANY_TAG)
        t_fail_at(file, line, "%s: status has source %d tag %d; an empty status has %d and %d",
                  what, status->MPI_SOURCE, status->MPI_TAG, MPI_ANY_SOURCE, MPI_ANY_TAG);
    if (MPI_Get_count(status, MPI_BYTE, &count) != MPI_SUCCESS || count != 0)
        t_fail_at(file, line, "%s: empty status has count %d, expected 0", what, count);
}

void t_check_status_at(const char *file, int line, const MPI_Status *status, int source, int tag,
                       MPI_Datatype datatype, int count, const char *what)
{
    int got = -12345;
    if (status->MPI_SOURCE != source)
        t_fail_at(file, line, "%s: status source %d, expected %d", what, status->MPI_SOURCE,
                  source);
    if (status->MPI_TAG != tag)
        t_fail_at(file, line, "%s: status tag %d, expected %d", what, status->MPI_TAG, tag);
    int rc = MPI_Get_count(status, datatype, &got);
    if (rc != MPI_SUCCESS)
        t_fail_mpi(file, line, "MPI_Get_count", rc);
    if (got != count)
        t_fail_at(file, line, "%s: MPI_Get_count gives %d, expected %d", what, got, count);
}

void *t_malloc(size_t len)
{
    void *p = malloc(len > 0 ? len : 1);
    if (p == NULL)
        T_FAIL("cannot allocate %zu bytes", len);
    return p;
}

void t_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * rt_errors.c -- raising MPI errors, fatal errors and aborts, and the
 * MINIMPI_VERBOSE switch.  Every error message of the library goes through
 * here, so every one names the rank, host and pid.
 */
#include "rt.h"
#include "rt_boot.h"
#include "rt_errhandler.h"
#include "rt_errors.h"
#include "cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "rank 3 on node1 (pid 4242)"; before MPI_Init the launcher's PMI_RANK. */
static void format_origin(char *out, size_t len)
{
    if (rt_proc.phase == RT_PHASE_BEFORE_INIT && rt_proc.world_size == 0) {
        const char *rank = getenv("PMI_RANK");
        char host[MPI_MAX_PROCESSOR_NAME];
        if (gethostname(host, sizeof(host)) != 0)
            snprintf(host, sizeof(host), "unknown");
        host[sizeof(host) - 1] = '\0';
        snprintf(out, len, "rank %s on %s (pid %ld)", rank ? rank : "?", host, (long)getpid());
        return;
    }
    snprintf(out, len, "rank %d on %s (pid %ld)", rt_proc.world_rank, rt_proc.hostname,
             (long)getpid());
}

void rt_abort_job(int code, const char *why)
{
    fflush(stdout);
    fflush(stderr);
    rt_boot_abort(code, why);
    _exit(code);
}

/* "minimpi: <rank and host>: <text>" on stderr. */
static void say_fatal(const char *fmt, va_list ap)
{
    char origin[MPI_MAX_PROCESSOR_NAME + 64];
    char text[1024];
    vsnprintf(text, sizeof(text), fmt, ap);
    format_origin(origin, sizeof(origin));
    fprintf(stderr, "minimpi: %s: %s\n", origin, text);
}

void rt_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_fatal(fmt, ap);
    va_end(ap);
    rt_abort_job(1, "fatal error");
}

void rt_fatal_transport(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_fatal(fmt, ap);
    va_end(ap);
    if (status == TP_EPEER) {
        fflush(stderr);
        struct timespec step = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
        for (int i = 0; i < 100; i++)
            nanosleep(&step, NULL);
    }
    rt_abort_job(1, "fatal error");
}

int rt_err(rt_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);

    /* Calls without a usable communicator fall back to MPI_COMM_WORLD's handler. */
    MPI_Errhandler handler = MPI_ERRORS_ARE_FATAL;
    if (comm == NULL)
        comm = rt_comm_get(MPI_COMM_WORLD);
    if (comm != NULL)
        handler = comm->errhandler;
    if (handler == MPI_ERRORS_RETURN)
        return errclass;
    /* A handler the program created decides itself what happens. */
    if (rt_errhandler_invoke(comm, handler, errclass))
        return errclass;

    char origin[MPI_MAX_PROCESSOR_NAME + 64];
    format_origin(origin, sizeof(origin));
    fprintf(stderr, "minimpi: %s: %s: %s\n", origin, call, text);
    /* As Open MPI does, the error code becomes the job's exit status. */
    rt_abort_job(errclass, call);
}

/* ---- Error classes and their texts ------------------------------------ */

static const char *const error_texts[MPI_ERR_LASTCODE] = {
    [MPI_SUCCESS] = "MPI_SUCCESS: no error",
    [MPI_ERR_BUFFER] = "MPI_ERR_BUFFER: invalid buffer pointer",
    [MPI_ERR_COUNT] = "MPI_ERR_COUNT: invalid count argument",
    [MPI_ERR_TYPE] = "MPI_ERR_TYPE: invalid datatype",
    [MPI_ERR_TAG] = "MPI_ERR_TAG: invalid tag",
    [MPI_ERR_COMM] = "MPI_ERR_COMM: invalid communicator",
    [MPI_ERR_RANK] = "MPI_ERR_RANK: invalid rank",
    [MPI_ERR_ROOT] = "MPI_ERR_ROOT: invalid root",
    [MPI_ERR_GROUP] = "MPI_ERR_GROUP: invalid group",
    [MPI_ERR_OP] = "MPI_ERR_OP: invalid reduce operation",
    [MPI_ERR_TOPOLOGY] = "MPI_ERR_TOPOLOGY: invalid communicator topology",
    [MPI_ERR_DIMS] = "MPI_ERR_DIMS: invalid dimension argument",
    [MPI_ERR_ARG] = "MPI_ERR_ARG: invalid argument of some other kind",
    [MPI_ERR_UNKNOWN] = "MPI_ERR_UNKNOWN: unknown error",
    [MPI_ERR_TRUNCATE] = "MPI_ERR_TRUNCATE: message truncated",
    [MPI_ERR_OTHER] = "MPI_ERR_OTHER: known error not in this list",
    [MPI_ERR_INTERN] = "MPI_ERR_INTERN: internal error",
    [MPI_ERR_IN_STATUS] = "MPI_ERR_IN_STATUS: error code is in status",
    [MPI_ERR_PENDING] = "MPI_ERR_PENDING: pending request",
    [MPI_ERR_REQUEST] = "MPI_ERR_REQUEST: invalid request",
    [MPI_ERR_ACCESS] = "MPI_ERR_ACCESS: permission denied",
    [MPI_ERR_AMODE] = "MPI_ERR_AMODE: invalid file access mode",
    [MPI_ERR_BAD_FILE] = "MPI_ERR_BAD_FILE: invalid file name",
    [MPI_ERR_CONVERSION] = "MPI_ERR_CONVERSION: data conversion failed",
    [MPI_ERR_DUP_DATAREP] = "MPI_ERR_DUP_DATAREP: data representation already defined",
    [MPI_ERR_FILE_EXISTS] = "MPI_ERR_FILE_EXISTS: file exists",
    [MPI_ERR_FILE_IN_USE] = "MPI_ERR_FILE_IN_USE: file in use",
    [MPI_ERR_FILE] = "MPI_ERR_FILE: invalid file handle",
    [MPI_ERR_INFO] = "MPI_ERR_INFO: invalid info object",
    [MPI_ERR_INFO_KEY] = "MPI_ERR_INFO_KEY: info key too long",
    [MPI_ERR_INFO_VALUE] = "MPI_ERR_INFO_VALUE: info value too long",
    [MPI_ERR_INFO_NOKEY] = "MPI_ERR_INFO_NOKEY: no such info key",
    [MPI_ERR_IO] = "MPI_ERR_IO: input/output error",
    [MPI_ERR_NAME] = "MPI_ERR_NAME: invalid service name",
    [MPI_ERR_NO_MEM] = "MPI_ERR_NO_MEM: out of memory",
    [MPI_ERR_NOT_SAME] = "MPI_ERR_NOT_SAME: collective arguments differ between processes",
    [MPI_ERR_NO_SPACE] = "MPI_ERR_NO_SPACE: not enough space",
    [MPI_ERR_NO_SUCH_FILE] = "MPI_ERR_NO_SUCH_FILE: file does not exist",
    [MPI_ERR_PORT] = "MPI_ERR_PORT: invalid port name",
    [MPI_ERR_QUOTA] = "MPI_ERR_QUOTA: quota exceeded",
    [MPI_ERR_READ_ONLY] = "MPI_ERR_READ_ONLY: read-only file or file system",
    [MPI_ERR_SERVICE] = "MPI_ERR_SERVICE: invalid service",
    [MPI_ERR_SPAWN] = "MPI_ERR_SPAWN: could not spawn processes",
    [MPI_ERR_UNSUPPORTED_DATAREP] = "MPI_ERR_UNSUPPORTED_DATAREP: unsupported data representation",
    [MPI_ERR_UNSUPPORTED_OPERATION] = "MPI_ERR_UNSUPPORTED_OPERATION: unsupported operation",
    [MPI_ERR_WIN] = "MPI_ERR_WIN: invalid window",
    [MPI_ERR_BASE] = "MPI_ERR_BASE: invalid base address",
    [MPI_ERR_LOCKTYPE] = "MPI_ERR_LOCKTYPE: invalid lock type",
    [MPI_ERR_KEYVAL] = "MPI_ERR_KEYVAL: invalid attribute key",
    [MPI_ERR_RMA_CONFLICT] = "MPI_ERR_RMA_CONFLICT: conflicting accesses to a window",
    [MPI_ERR_RMA_SYNC] = "MPI_ERR_RMA_SYNC: wrong synchronization of RMA calls",
    [MPI_ERR_SIZE] = "MPI_ERR_SIZE: invalid size",
    [MPI_ERR_DISP] = "MPI_ERR_DISP: invalid displacement",
    [MPI_ERR_ASSERT] = "MPI_ERR_ASSERT: invalid assert",
    [MPI_ERR_RMA_RANGE] = "MPI_ERR_RMA_RANGE: target memory is not part of the window",
    [MPI_ERR_RMA_ATTACH] = "MPI_ERR_RMA_ATTACH: memory cannot be attached",
    [MPI_ERR_RMA_SHARED] = "MPI_ERR_RMA_SHARED: memory cannot be shared",
    [MPI_ERR_RMA_FLAVOR] = "MPI_ERR_RMA_FLAVOR: wrong window flavor",
    [MPI_T_ERR_INVALID] = "MPI_T_ERR_INVALID: invalid tool interface use",
};

const char *rt_error_text(int errorcode)
{
    if (errorcode >= MPI_ERR_LASTCODE)
        return rt_errcode_text(errorcode);
    if (errorcode < 0 || errorcode >= MPI_ERR_LASTCODE || error_texts[errorcode] == NULL)
        return NULL;
    return error_texts[errorcode];
}

/* ---- MINIMPI_VERBOSE -------------------------------------------------- */

int rt_verbose_on(const char *topic)
{
    const char *list = cfg_get("MINIMPI_VERBOSE");
    size_t topic_len = strlen(topic);
    for (const char *p = list; *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == topic_len && strncmp(p, topic, len) == 0) ||
            (len == 3 && strncmp(p, "all", 3) == 0))
            return 1;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 0;
}

void rt_verbose(const char *topic, const char *fmt, ...)
{
    if (!rt_verbose_on(topic))
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    fprintf(stderr, "minimpi: rank %d: %s: %s\n", rt_proc.world_rank, topic, text);
}

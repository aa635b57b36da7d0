/*
 * lnch_stdio.c -- line-preserving forwarding of rank output (see lnch_stdio.h).
 */
#define _GNU_SOURCE             /* memrchr */
#include "lnch_stdio.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define LNCH_STREAM_INITIAL_CAP 1024
#define LNCH_STREAM_READ_CHUNK 65536

/* Write all iovecs, resuming after partial writes. */
static int writev_all(int fd, struct iovec *iov, int cnt)
{
    while (cnt > 0) {
        ssize_t n = writev(fd, iov, cnt);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                (void)poll(&p, 1, -1);
                continue;
            }
            return -1;
        }
        size_t left = (size_t)n;
        while (cnt > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

int lnch_write_all(int fd, const void *buf, size_t len)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    return writev_all(fd, &iov, 1);
}

/* Write one piece of output.  A failed write (nobody reads our stdout any
 * more) is not an error of the job: the output is dropped, as a shell's
 * pipeline would drop it. */
static void emit(lnch_stream_t *s, const char *data, size_t n, int ends_line)
{
    struct iovec iov[3];
    int cnt = 0;
    if (s->prefix[0] != '\0' && !s->mid_line)
        iov[cnt++] = (struct iovec){.iov_base = s->prefix, .iov_len = strlen(s->prefix)};
    if (n > 0)
        iov[cnt++] = (struct iovec){.iov_base = (void *)data, .iov_len = n};
    if (ends_line && (n == 0 || data[n - 1] != '\n'))
        iov[cnt++] = (struct iovec){.iov_base = "\n", .iov_len = 1};
    (void)writev_all(s->out_fd, iov, cnt);
}

/* Write the complete lines at the front of data; return how many bytes that took. */
static size_t emit_lines(lnch_stream_t *s, const char *data, size_t n)
{
    size_t done = 0;
    if (s->prefix[0] == '\0') {
        /* Untagged: every complete line in a single write. */
        const char *last = memrchr(data, '\n', n);
        if (last == NULL)
            return 0;
        done = (size_t)(last - data) + 1;
        emit(s, data, done, 1);
        s->mid_line = 0;
        return done;
    }
    for (;;) {
        const char *nl = memchr(data + done, '\n', n - done);
        if (nl == NULL)
            return done;
        size_t line = (size_t)(nl - (data + done)) + 1;
        emit(s, data + done, line, 1);
        s->mid_line = 0;
        done += line;
    }
}

void lnch_stream_init(lnch_stream_t *s, int fd, int out_fd, const char *prefix)
{
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->out_fd = out_fd;
    snprintf(s->prefix, sizeof(s->prefix), "%s", prefix != NULL ? prefix : "");
    s->line_max = LNCH_STREAM_LINE_MAX;
}

static int reserve(lnch_stream_t *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : LNCH_STREAM_INITIAL_CAP;
    while (cap < need)
        cap *= 2;
    char *buf = realloc(s->buf, cap);
    if (buf == NULL)
        return -1;
    s->buf = buf;
    s->cap = cap;
    return 0;
}

int lnch_stream_feed(lnch_stream_t *s, const char *data, size_t n)
{
    while (n > 0) {
        /* Complete the pending line first, then write whole lines straight
         * from data, and keep only the unfinished tail. */
        if (s->len > 0) {
            const char *nl = memchr(data, '\n', n);
            size_t take = nl != NULL ? (size_t)(nl - data) + 1 : n;
            if (take > s->line_max - s->len)
                take = s->line_max - s->len;
            if (reserve(s, s->len + take) != 0) {
                emit(s, s->buf, s->len, 0);
                emit(s, data, n, 0);
                s->len = 0;
                s->mid_line = 1;
                return -1;
            }
            memcpy(s->buf + s->len, data, take);
            s->len += take;
            data += take;
            n -= take;
            if (s->buf[s->len - 1] == '\n') {
                emit(s, s->buf, s->len, 1);
                s->mid_line = 0;
                s->len = 0;
            } else if (s->len == s->line_max) {
                emit(s, s->buf, s->len, 0);   /* too long: write this piece */
                s->mid_line = 1;
                s->len = 0;
            }
            continue;
        }
        size_t done = emit_lines(s, data, n);
        data += done;
        n -= done;
        while (n >= s->line_max) {
            emit(s, data, s->line_max, 0);
            s->mid_line = 1;
            data += s->line_max;
            n -= s->line_max;
        }
        if (n > 0) {
            if (reserve(s, n) != 0) {
                emit(s, data, n, 0);
                s->mid_line = 1;
                return -1;
            }
            memcpy(s->buf, data, n);
            s->len = n;
            n = 0;
        }
    }
    return 0;
}

int lnch_stream_read(lnch_stream_t *s)
{
    char chunk[LNCH_STREAM_READ_CHUNK];
    /* A bounded number of reads per call, so one chatty rank cannot starve
     * the PMI service of the others. */
    for (int round = 0; round < 4 && s->fd >= 0; round++) {
        ssize_t n = read(s->fd, chunk, sizeof(chunk));
        if (n > 0) {
            (void)lnch_stream_feed(s, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        lnch_stream_finish(s);            /* end of file, or the pipe broke */
        return 1;
    }
    return 0;
}

void lnch_stream_finish(lnch_stream_t *s)
{
    if (s->len > 0 || s->mid_line)
        emit(s, s->buf, s->len, 1);
    s->len = 0;
    s->mid_line = 0;
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

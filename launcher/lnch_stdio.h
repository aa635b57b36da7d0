/*
 * lnch_stdio.h -- forwarding of the ranks' stdout and stderr.
 *
 * Each rank's stdout and stderr arrive through a pipe; a stream gathers the
 * bytes of one pipe and writes whole lines to the launcher's own stdout or
 * stderr, so lines of different ranks never mix.  A line longer than the
 * stream's limit is written in pieces (never dropped).  A last line
 * without '\n' is written when the pipe reaches end of file, and a '\n' is
 * added to it, so that the next line of another rank starts a line of its
 * own (the one change ever made to the bytes a rank writes, besides the
 * --tag-output prefixes).
 */
#ifndef MINIMPI_LNCH_STDIO_H
#define MINIMPI_LNCH_STDIO_H

#include <stddef.h>

/* The longest line kept whole; longer ones are written in pieces. */
#define LNCH_STREAM_LINE_MAX (64 * 1024)

typedef struct lnch_stream {
    int fd;                        /* read end of the rank's pipe; -1 once closed */
    int out_fd;                    /* where lines go (1 or 2) */
    char prefix[48];               /* "[1,3]<stdout>:" with --tag-output, else "" */
    char *buf;                     /* the current, incomplete line */
    size_t len, cap;
    size_t line_max;               /* LNCH_STREAM_LINE_MAX, smaller in tests */
    int mid_line;                  /* a piece of the current line was written already */
} lnch_stream_t;

/* `fd` may be -1 (a stream that only gets lnch_stream_feed(), in tests). */
void lnch_stream_init(lnch_stream_t *s, int fd, int out_fd, const char *prefix);

/* Take `n` bytes and write every line they complete.  Returns 0, or -1 when
 * out of memory (the bytes are then written as they are, not lost). */
int lnch_stream_feed(lnch_stream_t *s, const char *data, size_t n);

/*
 * Read what the pipe holds now (the fd is non-blocking) and forward it.
 * Returns 1 when the pipe reached end of file (the stream is then finished
 * and closed), else 0.
 */
int lnch_stream_read(lnch_stream_t *s);

/* Write the partial last line, if any, ended by an added '\n'; close the
 * fd and free.  Idempotent. */
void lnch_stream_finish(lnch_stream_t *s);

/* Write all of buf to fd, waiting when fd is non-blocking and full, retrying
 * on EINTR.  Returns 0 or -1 (errno set), e.g. EPIPE when nobody reads. */
int lnch_write_all(int fd, const void *buf, size_t len);

#endif /* MINIMPI_LNCH_STDIO_H */

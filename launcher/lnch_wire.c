/*
 * lnch_wire.c -- frames between mini-mpirun and its daemons (see lnch_wire.h).
 */
#include "lnch_wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lnch_job.h"

void lnch_conn_init(lnch_conn_t *c, int fd, double send_timeout)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    struct timeval tv = {.tv_sec = (time_t)send_timeout,
                         .tv_usec = (suseconds_t)((send_timeout - (double)(time_t)send_timeout) *
                                                  1e6)};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    /* PMI lines are small request-answer messages: do not let Nagle hold them. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->last_rx = c->last_tx = lnch_now();
}

void lnch_conn_close(lnch_conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_off = c->in_cap = 0;
}

static void put32(unsigned char *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

static uint32_t get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;            /* broken, or SO_SNDTIMEO expired (EAGAIN) */
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int lnch_wire_send(lnch_conn_t *c, int type, int32_t arg, const void *data, size_t len)
{
    unsigned char hdr[LNCH_WIRE_HEADER];
    if (c->fd < 0 || len > LNCH_WIRE_PAYLOAD_MAX)
        return -1;
    put32(hdr, (uint32_t)len);
    put32(hdr + 4, (uint32_t)type);
    put32(hdr + 8, (uint32_t)arg);
    if (send_all(c->fd, hdr, sizeof(hdr)) != 0 || (len > 0 && send_all(c->fd, data, len) != 0))
        return -1;
    c->last_tx = lnch_now();
    return 0;
}

int lnch_wire_read(lnch_conn_t *c)
{
    if (c->fd < 0)
        return 1;
    /* Drop what was consumed, then make room for at least 64 KiB. */
    if (c->in_off > 0) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    for (;;) {
        if (c->in_cap - c->in_len < 65536) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 131072;
            char *p = realloc(c->in, cap);
            if (p == NULL)
                return 1;
            c->in = p;
            c->in_cap = cap;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return 1;
        c->in_len += (size_t)n;
        c->last_rx = lnch_now();
        if ((size_t)n < 65536)
            return 0;
    }
}

int lnch_wire_next(lnch_conn_t *c, lnch_wire_frame_t *f)
{
    size_t avail = c->in_len - c->in_off;
    if (avail < LNCH_WIRE_HEADER)
        return 0;
    const char *p = c->in + c->in_off;
    uint32_t len = get32(p);
    if (len > LNCH_WIRE_PAYLOAD_MAX)
        return -1;
    if (avail < LNCH_WIRE_HEADER + (size_t)len)
        return 0;
    f->len = len;
    f->type = (int)get32(p + 4);
    f->arg = (int32_t)get32(p + 8);
    f->data = p + LNCH_WIRE_HEADER;
    c->in_off += LNCH_WIRE_HEADER + (size_t)len;
    return 1;
}

int lnch_wire_make_secret(char *out, size_t out_len)
{
    unsigned char raw[LNCH_WIRE_SECRET_BYTES];
    if (out_len < 2 * sizeof(raw) + 1 || getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
        return -1;
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

int lnch_wire_secret_eq(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    unsigned char diff = a_len != b_len;
    for (size_t i = 0; i < b_len; i++)
        diff |= (unsigned char)(a[i < a_len ? i : 0] ^ b[i]);
    return a_len > 0 && diff == 0;
}

/*
 * rt_boot_port.c -- reach the process manager through PMI_PORT when no
 * connected fd was inherited (MPICH's simple PMI "port" form): connect to
 * host:port, send `cmd=initack pmiid=<PMI_ID>`, and read the manager's
 * `cmd=initack`, `cmd=set size=N`, `cmd=set rank=R`, `cmd=set debug=D`.
 * From then on the socket carries the ordinary PMI-1 protocol
 * (rt_boot_pmi.c).
 */
#define _GNU_SOURCE
#include "rt_boot.h"
#include "pmi_wire.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long a silent manager may keep us waiting for each handshake line. */
enum { PORT_REPLY_TIMEOUT_S = 60 };

static int connect_to(const char *port_text)
{
    char host[256];
    const char *colon = strrchr(port_text, ':');
    if (colon == NULL || colon == port_text || colon[1] == '\0' ||
        (size_t)(colon - port_text) >= sizeof(host)) {
        fprintf(stderr, "minimpi: PMI_PORT='%s' is not host:port\n", port_text);
        return -1;
    }
    memcpy(host, port_text, (size_t)(colon - port_text));
    host[colon - port_text] = '\0';

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *addrs;
    int rc = getaddrinfo(host, colon + 1, &hints, &addrs);
    if (rc != 0) {
        fprintf(stderr, "minimpi: PMI_PORT='%s': cannot resolve: %s\n", port_text,
                gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *a = addrs; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(addrs);
    if (fd < 0)
        fprintf(stderr, "minimpi: PMI_PORT='%s': cannot connect to the process manager: %s\n",
                port_text, strerror(err));
    return fd;
}

/* Read one handshake line byte by byte, so nothing after it is consumed. */
static int read_line(int fd, char *line, size_t line_max)
{
    size_t len = 0;
    while (len + 1 < line_max) {
        ssize_t n = read(fd, line + len, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        if (line[len++] == '\n') {
            line[len] = '\0';
            return (int)len;
        }
    }
    return -1;
}

/* Read a `cmd=set name=value` line and return its integer value. */
static int read_set(int fd, const char *name, int *value_out)
{
    char line[PMI_WIRE_LINE_MAX], err[128];
    pmi_wire_msg_t msg;
    int len = read_line(fd, line, sizeof(line));
    if (len < 0 || pmi_wire_parse(line, (size_t)len, &msg, err, sizeof(err)) != 0 ||
        strcmp(pmi_wire_cmd(&msg), "set") != 0)
        return -1;
    const char *v = pmi_wire_get(&msg, name);
    char *end;
    if (v == NULL)
        return -1;
    long n = strtol(v, &end, 10);
    if (*end != '\0' || n < 0 || n > (1L << 30))
        return -1;
    *value_out = (int)n;
    return 0;
}

int rt_boot_port_handshake(int fd, int pmi_id, int *rank_out, int *size_out)
{
    char line[PMI_WIRE_LINE_MAX], id[16], err[128];
    pmi_wire_msg_t msg;
    snprintf(id, sizeof(id), "%d", pmi_id);
    int n = pmi_wire_format(line, sizeof(line), "initack", "pmiid", id, (char *)NULL);
    int size = -1, rank = -1, debug = 0;
    int len;
    if (n < 0 || write(fd, line, (size_t)n) != n)
        return -1;
    len = read_line(fd, line, sizeof(line));
    if (len < 0 || pmi_wire_parse(line, (size_t)len, &msg, err, sizeof(err)) != 0 ||
        strcmp(pmi_wire_cmd(&msg), "initack") != 0)
        return -1;
    if (read_set(fd, "size", &size) != 0 || read_set(fd, "rank", &rank) != 0 ||
        read_set(fd, "debug", &debug) != 0 || size < 1 || rank >= size)
        return -1;
    *rank_out = rank;
    *size_out = size;
    return 0;
}

int rt_boot_port_connect(const char *port, int pmi_id, int *fd_out, int *rank_out,
                         int *size_out)
{
    int fd = connect_to(port);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = PORT_REPLY_TIMEOUT_S};
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (rt_boot_port_handshake(fd, pmi_id, rank_out, size_out) != 0) {
        fprintf(stderr,
                "minimpi: PMI_PORT='%s' PMI_ID=%d: the process manager did not complete the "
                "initack handshake (expected initack, then set size, rank and debug)\n",
                port, pmi_id);
        close(fd);
        return -1;
    }
    tv.tv_sec = 0;                 /* later calls (fences) may legitimately take long */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    *fd_out = fd;
    return 0;
}

/*
 * rt_boot_pmi.c -- PMI-1 "simple" client over a connection to the process
 * manager: the fd the launcher passed in PMI_FD, or the socket rt_boot_port.c
 * opened to PMI_PORT.  Every request is one line; every reply is one line.
 * The calls block: the bootstrap only runs during MPI_Init, MPI_Finalize and
 * aborts.
 */
#include "rt.h"
#include "rt_boot.h"
#include "pmi_wire.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pmi_fd = -1;
static char pmi_kvsname[256];
static int pmi_rank = -1;

/* Bytes received after the end of the last reply line. */
static char pmi_inbuf[PMI_WIRE_LINE_MAX];
static size_t pmi_inlen;

static int pmi_write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(pmi_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read one reply line into msg.  Returns 0, or -1 after printing why. */
static int pmi_read_reply(pmi_wire_msg_t *msg, const char *what)
{
    for (;;) {
        char *nl = memchr(pmi_inbuf, '\n', pmi_inlen);
        if (nl != NULL) {
            size_t line_len = (size_t)(nl - pmi_inbuf) + 1;
            char err[128];
            int rc = pmi_wire_parse(pmi_inbuf, line_len, msg, err, sizeof(err));
            memmove(pmi_inbuf, pmi_inbuf + line_len, pmi_inlen - line_len);
            pmi_inlen -= line_len;
            if (rc != 0) {
                fprintf(stderr, "minimpi: rank %d: PMI %s: malformed reply from the launcher: %s\n",
                        pmi_rank, what, err);
                return -1;
            }
            return 0;
        }
        if (pmi_inlen == sizeof(pmi_inbuf)) {
            fprintf(stderr, "minimpi: rank %d: PMI %s: reply longer than %zu bytes\n", pmi_rank,
                    what, sizeof(pmi_inbuf));
            return -1;
        }
        ssize_t n = read(pmi_fd, pmi_inbuf + pmi_inlen, sizeof(pmi_inbuf) - pmi_inlen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "minimpi: rank %d: PMI %s: the launcher closed the connection (%s)\n",
                    pmi_rank, what, n == 0 ? "end of file" : strerror(errno));
            return -1;
        }
        pmi_inlen += (size_t)n;
    }
}

/* Send a formatted request and read the reply, which must be `reply_cmd`. */
static int pmi_call(const char *line, int line_len, const char *what, const char *reply_cmd,
                    pmi_wire_msg_t *reply)
{
    if (line_len < 0) {
        fprintf(stderr, "minimpi: rank %d: PMI %s: request does not fit the wire format\n",
                pmi_rank, what);
        return -1;
    }
    if (pmi_write_all(line, (size_t)line_len) != 0) {
        fprintf(stderr, "minimpi: rank %d: PMI %s: cannot write to the launcher: %s\n", pmi_rank,
                what, strerror(errno));
        return -1;
    }
    if (reply_cmd == NULL)
        return 0;
    if (pmi_read_reply(reply, what) != 0)
        return -1;
    if (strcmp(pmi_wire_cmd(reply), reply_cmd) != 0) {
        fprintf(stderr, "minimpi: rank %d: PMI %s: expected '%s' from the launcher, got '%s'\n",
                pmi_rank, what, reply_cmd, pmi_wire_cmd(reply));
        return -1;
    }
    const char *rc = pmi_wire_get(reply, "rc");
    if (rc != NULL && strcmp(rc, "0") != 0)
        return 1;                  /* the caller decides whether that is an error */
    return 0;
}

static int pmi_put(const char *key, const char *value)
{
    char line[PMI_WIRE_LINE_MAX];
    pmi_wire_msg_t reply;
    int n = pmi_wire_format(line, sizeof(line), "put", "kvsname", pmi_kvsname, "key", key,
                            "value", value, (char *)NULL);
    int rc = pmi_call(line, n, "put", "put_result", &reply);
    if (rc == 1) {
        const char *msg = pmi_wire_get(&reply, "msg");
        fprintf(stderr, "minimpi: rank %d: PMI put of key '%s' refused: %s\n", pmi_rank, key,
                msg ? msg : "no reason given");
    }
    return rc == 0 ? 0 : -1;
}

static int pmi_get(const char *key, char *value, size_t value_len)
{
    char line[PMI_WIRE_LINE_MAX];
    pmi_wire_msg_t reply;
    int n = pmi_wire_format(line, sizeof(line), "get", "kvsname", pmi_kvsname, "key", key,
                            (char *)NULL);
    int rc = pmi_call(line, n, "get", "get_result", &reply);
    if (rc != 0)
        return -1;                 /* absent keys are normal for some callers: no message */
    const char *v = pmi_wire_get(&reply, "value");
    if (v == NULL || strlen(v) >= value_len)
        return -1;
    strcpy(value, v);
    return 0;
}

static int pmi_fence(void)
{
    char line[64];
    pmi_wire_msg_t reply;
    int n = pmi_wire_format(line, sizeof(line), "barrier_in", (char *)NULL);
    return pmi_call(line, n, "barrier", "barrier_out", &reply) == 0 ? 0 : -1;
}

static void pmi_abort(int exit_code, const char *msg)
{
    char line[PMI_WIRE_LINE_MAX];
    char code[16];
    snprintf(code, sizeof(code), "%d", exit_code);
    /* The message is informational; replace what the wire cannot carry. */
    char clean[256];
    size_t i = 0;
    for (; msg != NULL && msg[i] != '\0' && i + 1 < sizeof(clean); i++)
        clean[i] = (msg[i] > ' ' && msg[i] < 0x7f) ? msg[i] : '_';
    clean[i] = '\0';
    int n = i > 0 ? pmi_wire_format(line, sizeof(line), "abort", "exitcode", code, "msg", clean,
                                    (char *)NULL)
                  : pmi_wire_format(line, sizeof(line), "abort", "exitcode", code, (char *)NULL);
    if (n > 0)
        (void)pmi_write_all(line, (size_t)n);
}

static int pmi_finalize(void)
{
    char line[64];
    pmi_wire_msg_t reply;
    int n = pmi_wire_format(line, sizeof(line), "finalize", (char *)NULL);
    int rc = pmi_call(line, n, "finalize", "finalize_ack", &reply);
    close(pmi_fd);
    pmi_fd = -1;
    return rc == 0 ? 0 : -1;
}

void rt_boot_pmi_check_launcher(void)
{
    static double last;
    if (pmi_fd < 0)
        return;
    /* A system call at most four times a second. */
    double now = rt_wtime();
    if (now - last < 0.25)
        return;
    last = now;
    /* Between PMI calls the launcher sends nothing, so a readable or hung-up
     * socket means it closed its end: it died (a rank started through a
     * wrapper does not get its PR_SET_PDEATHSIG), and this rank would
     * otherwise wait forever for peers that are gone. */
    struct pollfd p = {.fd = pmi_fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
        return;
    char c;
    if ((p.revents & POLLIN) && !(p.revents & POLLHUP) &&
        recv(pmi_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0)
        return;
    fprintf(stderr, "minimpi: rank %d on %s (pid %ld): the launcher is gone (the PMI connection "
                    "closed); exiting\n", pmi_rank, rt_proc.hostname, (long)getpid());
    _exit(1);
}

void rt_boot_pmi_notice(const char *line, size_t len)
{
    if (pmi_fd >= 0)
        (void)pmi_write_all(line, len);
}

static const rt_boot_ops_t pmi_ops = {
    .put = pmi_put,
    .get = pmi_get,
    .fence = pmi_fence,
    .abort = pmi_abort,
    .finalize = pmi_finalize,
};

const rt_boot_ops_t *rt_boot_pmi_start(int fd, int rank, int size, rt_boot_info_t *info)
{
    char line[PMI_WIRE_LINE_MAX];
    pmi_wire_msg_t reply;
    const char *v;
    int n;

    pmi_fd = fd;
    pmi_inlen = 0;                 /* nothing left over from an earlier connection */
    info->rank = rank;
    info->size = size;
    pmi_rank = info->rank;

    n = pmi_wire_format(line, sizeof(line), "init", "pmi_version", "1", "pmi_subversion", "1",
                        (char *)NULL);
    if (pmi_call(line, n, "init", "response_to_init", &reply) != 0)
        return NULL;

    n = pmi_wire_format(line, sizeof(line), "get_my_kvsname", (char *)NULL);
    if (pmi_call(line, n, "get_my_kvsname", "my_kvsname", &reply) != 0 ||
        (v = pmi_wire_get(&reply, "kvsname")) == NULL || strlen(v) >= sizeof(info->kvsname)) {
        fprintf(stderr, "minimpi: rank %d: PMI get_my_kvsname gave no usable name\n", pmi_rank);
        return NULL;
    }
    strcpy(info->kvsname, v);
    strcpy(pmi_kvsname, v);

    info->appnum = 0;
    n = pmi_wire_format(line, sizeof(line), "get_appnum", (char *)NULL);
    if (pmi_call(line, n, "get_appnum", "appnum", &reply) == 0 &&
        (v = pmi_wire_get(&reply, "appnum")) != NULL)
        info->appnum = atoi(v);

    info->process_mapping[0] = '\0';
    if (pmi_get("PMI_process_mapping", info->process_mapping, sizeof(info->process_mapping)) != 0)
        info->process_mapping[0] = '\0';
    return &pmi_ops;
}

/*
 * pmi_client.c -- a rank that speaks PMI-1 to mini-mpirun through
 * common/pmi_wire, for the launcher tests (tests/launcher/test_pmi.sh).
 *
 * Usage: pmi_client MODE [ARG]
 *   full        every command, checking every reply; exits 0 when all were right
 *   mapped MAP  the same, expecting PMI_process_mapping MAP (a multi-node job)
 *   abort N     init, then abort with exit code N
 *   nofinalize  init, then exit 0 without finalize
 *   shm         init, create /dev/shm/minimpi-<kvsname>-test-<rank>, barrier,
 *               then rank 1 exits 5 leaving the file behind
 *   badline     init, then send a line that does not parse
 *   unknown     init, then send an unknown command
 *   nobarrier   rank 0 enters a barrier; the others finalize without it
 *   place       init, print "rank R place VALUE affinity CPUS": the value of
 *               the placement key minimpi-place-R (PMI_WIRE_PLACE_KEY_FMT)
 *               and the cpus the rank may run on (sched_getaffinity), as a
 *               list like "0-1,4"; then finalize
 * Any unexpected reply is printed on stderr with the rank, and the exit
 * code is 1.
 */
#define _GNU_SOURCE             /* sched_getaffinity */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmi_wire.h"

static int pmi_fd = -1, rank = -1, size = -1;
static char kvsname[256];
static const char *expected_mapping;   /* NULL: (vector,(0,1,size)), one node */

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "pmi_client rank %d: %s%s%s\n", rank, what, detail ? ": " : "",
            detail ? detail : "");
    exit(1);
}

static void send_line(const char *line, size_t len)
{
    while (len > 0) {
        ssize_t n = write(pmi_fd, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("write to PMI_FD", strerror(errno));
        line += n;
        len -= (size_t)n;
    }
}

/* Read one reply line (byte by byte: simple, and replies are short). */
static void recv_msg(pmi_wire_msg_t *msg)
{
    char line[PMI_WIRE_LINE_MAX], err[160];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(pmi_fd, line + len, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("PMI_FD closed while waiting for a reply", NULL);
        if (line[len++] == '\n')
            break;
        if (len == sizeof(line))
            fail("reply too long", NULL);
    }
    if (pmi_wire_parse(line, len, msg, err, sizeof(err)) != 0)
        fail("reply does not parse", err);
}

static void expect(const pmi_wire_msg_t *msg, const char *key, const char *value)
{
    const char *v = pmi_wire_get(msg, key);
    if (v == NULL || strcmp(v, value) != 0) {
        char d[512];
        snprintf(d, sizeof(d), "cmd=%s: %s is '%s', expected '%s'", pmi_wire_cmd(msg), key,
                 v ? v : "(missing)", value);
        fail("unexpected reply", d);
    }
}

#define REQUEST(msg, ...)                                                       \
    do {                                                                        \
        char buf_[PMI_WIRE_LINE_MAX];                                           \
        int n_ = pmi_wire_format(buf_, sizeof(buf_), __VA_ARGS__, NULL);        \
        if (n_ < 0)                                                             \
            fail("cannot format a request", NULL);                              \
        send_line(buf_, (size_t)n_);                                            \
        if ((msg) != NULL)                                                      \
            recv_msg(msg);                                                      \
    } while (0)

static void do_init(void)
{
    pmi_wire_msg_t m;
    REQUEST(&m, "init", "pmi_version", "1", "pmi_subversion", "1");
    expect(&m, "cmd", "response_to_init");
    expect(&m, "rc", "0");
    REQUEST(&m, "get_my_kvsname");
    expect(&m, "cmd", "my_kvsname");
    expect(&m, "rc", "0");
    snprintf(kvsname, sizeof(kvsname), "%s", pmi_wire_get(&m, "kvsname"));
}

static void do_barrier(void)
{
    pmi_wire_msg_t m;
    REQUEST(&m, "barrier_in");
    expect(&m, "cmd", "barrier_out");
}

static void do_finalize(void)
{
    pmi_wire_msg_t m;
    REQUEST(&m, "finalize");
    expect(&m, "cmd", "finalize_ack");
}

static void mode_full(void)
{
    pmi_wire_msg_t m;
    char num[32], key[64], value[128];
    do_init();
    if (strcmp(kvsname, getenv("PMI_JOBID") ? getenv("PMI_JOBID") : "") != 0)
        fail("kvsname differs from PMI_JOBID", kvsname);
    if (kvsname[strspn(kvsname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_-")] != '\0')
        fail("kvsname holds characters outside [A-Za-z0-9_-]", kvsname);

    REQUEST(&m, "get_maxes");
    expect(&m, "cmd", "maxes");
    expect(&m, "kvsname_max", "256");
    expect(&m, "keylen_max", "64");
    expect(&m, "vallen_max", "1024");
    expect(&m, "rc", "0");
    REQUEST(&m, "get_appnum");
    expect(&m, "cmd", "appnum");
    expect(&m, "appnum", "0");
    REQUEST(&m, "get_universe_size");
    snprintf(num, sizeof(num), "%d", size);
    expect(&m, "cmd", "universe_size");
    expect(&m, "size", num);

    REQUEST(&m, "get", "kvsname", kvsname, "key", "PMI_process_mapping");
    snprintf(value, sizeof(value), "(vector,(0,1,%d))", size);
    if (expected_mapping != NULL)
        snprintf(value, sizeof(value), "%s", expected_mapping);
    expect(&m, "rc", "0");
    expect(&m, "value", value);

    snprintf(key, sizeof(key), "key-%d", rank);
    snprintf(value, sizeof(value), "value=of=%d", rank);    /* '=' inside a value */
    REQUEST(&m, "put", "kvsname", kvsname, "key", key, "value", value);
    expect(&m, "cmd", "put_result");
    expect(&m, "rc", "0");
    REQUEST(&m, "put", "kvsname", kvsname, "key", key, "value", "again");
    expect(&m, "rc", "-1");
    REQUEST(&m, "put", "kvsname", "not-this-job", "key", "k", "value", "v");
    expect(&m, "rc", "-1");
    do_barrier();

    for (int r = 0; r < size; r++) {
        snprintf(key, sizeof(key), "key-%d", r);
        snprintf(value, sizeof(value), "value=of=%d", r);
        REQUEST(&m, "get", "kvsname", kvsname, "key", key);
        expect(&m, "cmd", "get_result");
        expect(&m, "rc", "0");
        expect(&m, "value", value);
    }
    REQUEST(&m, "get", "kvsname", kvsname, "key", "no-such-key");
    expect(&m, "rc", "-1");
    expect(&m, "msg", "key_no-such-key_not_found");
    do_barrier();                 /* a second barrier works as well */
    do_finalize();
    printf("rank %d: PMI ok\n", rank);
}

/* Our affinity as a cpu list, "0-1,4", the way hwloc and taskset print it. */
static void affinity_list(char *buf, size_t len)
{
    cpu_set_t set;
    size_t off = 0;
    buf[0] = '\0';
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        fail("sched_getaffinity", strerror(errno));
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        int last = c;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set))
            last++;
        if (last == c)
            off += (size_t)snprintf(buf + off, len - off, "%s%d", off ? "," : "", c);
        else
            off += (size_t)snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", c, last);
        c = last;
        if (off >= len)
            fail("affinity list too long", NULL);
    }
}

static void mode_place(void)
{
    pmi_wire_msg_t m;
    char key[64], cpus[1024];
    do_init();
    snprintf(key, sizeof(key), PMI_WIRE_PLACE_KEY_FMT, rank);
    REQUEST(&m, "get", "kvsname", kvsname, "key", key);
    expect(&m, "rc", "0");
    affinity_list(cpus, sizeof(cpus));
    printf("rank %d place %s affinity %s\n", rank, pmi_wire_get(&m, "value"), cpus);
    do_finalize();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "full";
    const char *fd = getenv("PMI_FD"), *r = getenv("PMI_RANK"), *s = getenv("PMI_SIZE");
    if (fd == NULL || r == NULL || s == NULL)
        fail("PMI_FD, PMI_RANK or PMI_SIZE is not set", NULL);
    pmi_fd = atoi(fd);
    rank = atoi(r);
    size = atoi(s);
    if (fcntl(pmi_fd, F_GETFD) < 0)
        fail("PMI_FD is not an open fd", fd);

    if (strcmp(mode, "full") == 0) {
        mode_full();
    } else if (strcmp(mode, "mapped") == 0 && argc > 2) {
        expected_mapping = argv[2];
        mode_full();
    } else if (strcmp(mode, "abort") == 0) {
        do_init();
        if (rank == 0)
            REQUEST((pmi_wire_msg_t *)NULL, "abort", "exitcode", argc > 2 ? argv[2] : "1",
                    "msg", "test_abort");
        pause();                  /* the launcher kills us */
    } else if (strcmp(mode, "nofinalize") == 0) {
        do_init();
    } else if (strcmp(mode, "shm") == 0) {
        char path[512];
        do_init();
        snprintf(path, sizeof(path), "/dev/shm/minimpi-%s-test-%d", kvsname, rank);
        int f = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
        if (f < 0)
            fail("cannot create", path);
        close(f);
        printf("kvsname %s\n", kvsname);
        fflush(stdout);
        do_barrier();
        if (rank == 1)
            return 5;
        pause();
    } else if (strcmp(mode, "badline") == 0) {
        do_init();
        send_line("this is not pmi\n", 16);
        pause();
    } else if (strcmp(mode, "unknown") == 0) {
        do_init();
        REQUEST((pmi_wire_msg_t *)NULL, "frobnicate", "x", "1");
        pause();
    } else if (strcmp(mode, "place") == 0) {
        mode_place();
    } else if (strcmp(mode, "nobarrier") == 0) {
        do_init();
        if (rank == 0)
            do_barrier();         /* never released: the launcher must notice */
        else
            do_finalize();
    } else {
        fail("unknown mode", mode);
    }
    return 0;
}

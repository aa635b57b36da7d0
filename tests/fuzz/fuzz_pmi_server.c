/*
 * fuzz_pmi_server.c -- mini-mpirun's PMI-1 server (launcher/lnch_pmi.c) on
 * what a hostile or broken rank may send.  Three fake ranks are socketpairs
 * (as in tests/unit/check_lnch_pmi.c, no process is started); the input's
 * lines go to ranks 0, 1, 2, 0, ... in turn, through lnch_pmi_read, so the
 * line splitting and the too-long-line path are fuzzed too.  Replies are
 * drained after every line, and must each be one well-formed PMI line.
 * The hang diagnosis is on, so "minimpi_hang" notices are parsed, and its
 * report (cycle search included) is printed from them at the end.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/lnch_insight.h"
#include "launcher/lnch_job.h"
#include "launcher/lnch_pmi.h"
#include "pmi_wire.h"

#define NRANKS 3

/* Read every reply waiting for a fake rank and check each is a PMI line. */
static void drain(int fd)
{
    static char buf[8 * PMI_WIRE_LINE_MAX];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        size_t start = 0;
        char *nl;
        while ((nl = memchr(buf + start, '\n', (size_t)n - start)) != NULL) {
            static pmi_wire_msg_t msg;
            char err[160];
            size_t len = (size_t)(nl - (buf + start)) + 1;
            FUZZ_ASSERT(pmi_wire_parse(buf + start, len, &msg, err, sizeof(err)) == 0);
            start += len;
        }
        /* Replies are written whole, one send each. */
        FUZZ_ASSERT(start == (size_t)n);
    }
}

void fuzz_pmi_server(const uint8_t *data, size_t size)
{
    static lnch_job_t job;
    int client[NRANKS];
    if (lnch_job_init(&job, NRANKS, 0) != 0 || lnch_hang_setup(&job, 0.001, 1) != 0)
        abort();
    for (int i = 0; i < NRANKS; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
            abort();
        (void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
        job.ranks[i].pmi_fd = sv[0];
        job.ranks[i].alive = 1;   /* as if forked; pid 0 is never signalled */
        client[i] = sv[1];
    }
    size_t off = 0;
    for (int k = 0; off < size; k++) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t len = nl != NULL ? (size_t)(nl - (data + off)) + 1 : size - off;
        lnch_rank_t *r = &job.ranks[k % NRANKS];
        /* A line longer than the socket takes is written in pieces, each read
         * by the server as it would arrive. */
        for (size_t done = 0; done < len && r->pmi_fd >= 0;) {
            ssize_t w = send(client[k % NRANKS], data + off + done, len - done,
                             MSG_DONTWAIT | MSG_NOSIGNAL);
            if (w <= 0)
                break;
            done += (size_t)w;
            (void)lnch_pmi_read(&job, r);
            for (int i = 0; i < NRANKS; i++)
                drain(client[i]);
        }
        off += len;
    }
    /* The barrier counter never exceeds the ranks inside it. */
    int inside = 0;
    for (int i = 0; i < NRANKS; i++)
        inside += job.ranks[i].in_barrier;
    FUZZ_ASSERT(job.barrier_count == inside);
    /* Notices stay fresh for half a second; the timeout has passed. */
    static FILE *devnull;
    if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
        abort();
    lnch_hang_tick(&job, lnch_now() + 0.01, devnull);
    lnch_hang_fini(&job);
    for (int i = 0; i < NRANKS; i++) {
        close(client[i]);
        job.ranks[i].alive = 0;
    }
    lnch_job_fini(&job);
}

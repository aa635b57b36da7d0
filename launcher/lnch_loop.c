/*
 * lnch_loop.c -- the event loop (see lnch_loop.h).
 */
#include "lnch_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lnch_insight.h"
#include "lnch_pmi.h"
#include "lnch_remote.h"

/* How long output of reaped ranks may still trickle in (from their
 * children, which are killed) before the pipes are closed regardless. */
#define LNCH_DRAIN_GRACE 1.0

typedef enum src_kind {
    SRC_SIGNAL,
    SRC_STDIN,
    SRC_STDIN_SINK,
    SRC_PMI,
    SRC_OUT,
    SRC_ERR,
    SRC_REMOTE,                   /* a daemon's connection or the listener (lnch_remote.h) */
} src_kind_t;

typedef struct src {
    src_kind_t kind;
    lnch_rank_t *rank;
} src_t;

typedef struct loop {
    lnch_job_t *job;
    struct pollfd *fds;
    src_t *srcs;
    int nfds;
} loop_t;

static void add(loop_t *l, int fd, short events, src_kind_t kind, lnch_rank_t *r)
{
    l->fds[l->nfds] = (struct pollfd){.fd = fd, .events = events};
    l->srcs[l->nfds] = (src_t){.kind = kind, .rank = r};
    l->nfds++;
}

static void reap(lnch_job_t *job)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;               /* none left to reap now (0), or no children (ECHILD) */
        lnch_rank_t *r = lnch_job_find_pid(job, pid);
        if (r != NULL)
            lnch_job_rank_exited(job, r, status);
        else
            lnch_remote_child_exited(job, pid, status);   /* a launch agent */
    }
}

static void on_signals(lnch_job_t *job, int sig_fd)
{
    struct signalfd_siginfo si;
    int child = 0;
    while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD)
            child = 1;
        else
            lnch_job_forward_signal(job, (int)si.ssi_signo);
    }
    /* SIGCHLDs merge, so reap everything that is ready. */
    if (child)
        reap(job);
}

static void stop_stdin(lnch_job_t *job)
{
    job->stdin_src = -1;
    if (job->stdin_sink >= 0)
        close(job->stdin_sink);
    job->stdin_sink = -1;
}

static void on_stdin(lnch_job_t *job)
{
    ssize_t n;
    do
        n = read(job->stdin_src, job->stdin_buf, sizeof(job->stdin_buf));
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        /* End of our input (or a terminal we may not read in the
         * background): rank 0 sees end of file. */
        stop_stdin(job);
        return;
    }
    job->stdin_len = (size_t)n;
    job->stdin_off = 0;
}

static void on_stdin_sink(lnch_job_t *job)
{
    ssize_t n = write(job->stdin_sink, job->stdin_buf + job->stdin_off,
                      job->stdin_len - job->stdin_off);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        stop_stdin(job);          /* rank 0 closed its stdin: stop forwarding */
        job->stdin_len = job->stdin_off = 0;
        return;
    }
    job->stdin_off += (size_t)n;
    if (job->stdin_off == job->stdin_len)
        job->stdin_len = job->stdin_off = 0;
}

static int streams_open(const lnch_job_t *job)
{
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].out.fd >= 0 || job->ranks[i].err.fd >= 0)
            return 1;
    return 0;
}

static void on_timeout(lnch_job_t *job, double timeout)
{
    if (job->ending || lnch_job_alive(job) == 0)
        return;
    size_t len = (size_t)job->size * 8 + 16;
    char *list = malloc(len);
    if (list != NULL)
        lnch_job_alive_list(job, list, len);
    fprintf(stderr, "mini-mpirun: job timed out after %g s; ranks still running: %s (of %d)\n",
            timeout, list != NULL ? list : "?", job->size);
    free(list);
    lnch_job_fail(job, 124);
}

static int ms_until(double deadline, double now)
{
    double ms = (deadline - now) * 1000.0 + 1.0;   /* round up: never wake early */
    return ms <= 0 ? 0 : ms > 1e9 ? 1000000000 : (int)ms;
}

void lnch_loop_run(lnch_job_t *job, int sig_fd, double timeout)
{
    loop_t l = {.job = job};
    size_t max_fds = (size_t)job->size * 3 + 3 + (size_t)lnch_remote_max_fds(job);
    l.fds = malloc(max_fds * sizeof(*l.fds));
    l.srcs = malloc(max_fds * sizeof(*l.srcs));
    if (l.fds == NULL || l.srcs == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory in the event loop\n");
        lnch_job_fail(job, 1);
        lnch_job_signal_groups(job, SIGKILL);
        /* Without poll we can still wait for every rank. */
        while (lnch_job_alive(job) > 0) {
            int status;
            pid_t pid = waitpid(-1, &status, 0);
            if (pid < 0 && errno != EINTR)
                break;
            lnch_rank_t *r = pid > 0 ? lnch_job_find_pid(job, pid) : NULL;
            if (r != NULL)
                lnch_job_rank_exited(job, r, status);
        }
        goto out_free;
    }

    double timeout_at = timeout > 0 ? lnch_now() + timeout : 0;
    double drain_at = 0;
    /* A SIGCHLD may have come before the signalfd was polled. */
    reap(job);

    for (;;) {
        double now = lnch_now();
        if (lnch_job_alive(job) == 0) {
            if (drain_at == 0) {
                /* Every rank is reaped: whatever is left in their groups
                 * goes now, so no process outlives the job. */
                lnch_job_signal_groups(job, SIGKILL);
                drain_at = now + LNCH_DRAIN_GRACE;
            }
            if ((!streams_open(job) && !lnch_remote_busy(job)) || now >= drain_at)
                break;
        }

        l.nfds = 0;
        add(&l, sig_fd, POLLIN, SRC_SIGNAL, NULL);
        if (job->stdin_sink >= 0) {
            if (job->stdin_len > 0)
                add(&l, job->stdin_sink, POLLOUT, SRC_STDIN_SINK, NULL);
            else if (job->stdin_src >= 0)
                add(&l, job->stdin_src, POLLIN, SRC_STDIN, NULL);
        }
        for (int i = 0; i < job->size; i++) {
            lnch_rank_t *r = &job->ranks[i];
            if (r->pmi_fd >= 0)
                add(&l, r->pmi_fd, POLLIN, SRC_PMI, r);
            if (r->out.fd >= 0)
                add(&l, r->out.fd, POLLIN, SRC_OUT, r);
            if (r->err.fd >= 0)
                add(&l, r->err.fd, POLLIN, SRC_ERR, r);
        }
        if (job->remote != NULL) {
            int first = l.nfds;
            l.nfds += lnch_remote_poll_fds(job, l.fds + first);
            for (int i = first; i < l.nfds; i++)
                l.srcs[i] = (src_t){.kind = SRC_REMOTE, .rank = NULL};
        }

        int wait_ms = -1;
        double deadlines[] = {timeout_at, job->kill_at, drain_at,
                              job->remote != NULL ? lnch_remote_deadline(job) : 0,
                              lnch_hang_deadline(job)};
        for (size_t i = 0; i < sizeof(deadlines) / sizeof(deadlines[0]); i++) {
            if (deadlines[i] <= 0)
                continue;
            int ms = ms_until(deadlines[i], now);
            if (wait_ms < 0 || ms < wait_ms)
                wait_ms = ms;
        }

        int n = poll(l.fds, (nfds_t)l.nfds, wait_ms);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "mini-mpirun: poll failed: %s; killing the job\n", strerror(errno));
            lnch_job_fail(job, 1);
            lnch_job_signal_groups(job, SIGKILL);
        }
        for (int i = 0; n > 0 && i < l.nfds; i++) {
            if (l.fds[i].revents == 0)
                continue;
            src_t *s = &l.srcs[i];
            switch (s->kind) {
            case SRC_SIGNAL:
                on_signals(job, sig_fd);
                break;
            case SRC_STDIN:
                if (job->stdin_src >= 0)
                    on_stdin(job);
                break;
            case SRC_STDIN_SINK:
                if (job->stdin_sink >= 0)
                    on_stdin_sink(job);
                break;
            case SRC_PMI:
                if (s->rank->pmi_fd == l.fds[i].fd)
                    (void)lnch_pmi_read(job, s->rank);
                break;
            case SRC_OUT:
                if (s->rank->out.fd == l.fds[i].fd)
                    (void)lnch_stream_read(&s->rank->out);
                break;
            case SRC_ERR:
                if (s->rank->err.fd == l.fds[i].fd)
                    (void)lnch_stream_read(&s->rank->err);
                break;
            case SRC_REMOTE:
                lnch_remote_on_event(job, l.fds[i].fd);
                break;
            }
        }

        now = lnch_now();
        if (timeout_at > 0 && now >= timeout_at) {
            timeout_at = 0;
            on_timeout(job, timeout);
        }
        if (job->remote != NULL)
            lnch_remote_tick(job, now);
        lnch_hang_tick(job, now, stderr);
        if (job->kill_at > 0 && now >= job->kill_at) {
            job->kill_at = 0;
            lnch_job_signal_groups(job, SIGKILL);
        }
    }
    /* Output still open after the drain grace is cut off here. */
    for (int i = 0; i < job->size; i++) {
        lnch_stream_finish(&job->ranks[i].out);
        lnch_stream_finish(&job->ranks[i].err);
    }

out_free:
    free(l.fds);
    free(l.srcs);
}

/*
 * lnch_daemon_loop.c -- mini-mpid's event loop (see lnch_daemon.h): one
 * poll() over the signalfd, the connection to mini-mpirun, and every
 * rank's PMI socket, stdout and stderr.
 */
#include "lnch_daemon.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lnch_agent.h"
#include "lnch_pmi.h"

/* After the last rank is reaped, how long its children may hold the pipes. */
#define DAEMON_DRAIN_GRACE 1.0

/* Once mini-mpirun is lost, how long the agents this daemon started get to
 * end before they are killed (their daemons notice the loss themselves). */
#define DAEMON_AGENT_GRACE 3.0

static lnch_daemon_t *the_daemon;  /* for the PMI hook, which only gets the job */

static void lost_parent(lnch_daemon_t *d, const char *why)
{
    if (!d->orphaned)
        fprintf(stderr, "mini-mpid (node %d): %s; killing this node's ranks\n", d->node, why);
    d->orphaned = 1;
    lnch_conn_close(&d->conn);
    lnch_job_signal_groups(&d->job, SIGKILL);
    for (int i = 0; i < d->num_agents; i++)
        if (!d->agents[i].reaped)
            (void)kill(-d->agents[i].pid, SIGTERM);
}

static void send_frame(lnch_daemon_t *d, int type, int arg, const void *data, size_t len)
{
    if (d->conn.fd >= 0 && lnch_wire_send(&d->conn, type, arg, data, len) != 0)
        lost_parent(d, "cannot send to mini-mpirun (connection broken or stalled)");
}

/* PMI lines are not answered here but relayed: mini-mpirun holds the job's
 * key-value store and barrier. */
static int relay_pmi(lnch_job_t *job, lnch_rank_t *r, const char *line, size_t len)
{
    (void)job;
    send_frame(the_daemon, LNCH_WIRE_PMI, r->rank, line, len);
    return 0;
}

/* Forward what a rank's pipe holds now.  Returns 1 at end of file. */
static int relay_stream(lnch_daemon_t *d, lnch_rank_t *r, lnch_stream_t *s, int type)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0) {
            close(s->fd);
            s->fd = -1;
            return 1;
        }
        send_frame(d, type, r->rank, buf, (size_t)n);
    }
}

static lnch_rank_t *find_rank(lnch_daemon_t *d, int rank)
{
    for (int i = 0; i < d->job.size; i++)
        if (d->job.ranks[i].rank == rank)
            return &d->job.ranks[i];
    return NULL;
}

/* A LAUNCH frame: start node `node`'s daemon through the agent command
 * line mini-mpirun sent.  A failure is reported as the agent's exit. */
static void launch(lnch_daemon_t *d, int node, const char *argv_buf, size_t len)
{
    char **argv = lnch_agent_unpack(argv_buf, len);
    lnch_daemon_agent_t *grown = realloc(d->agents, (size_t)(d->num_agents + 1) * sizeof(*grown));
    pid_t pid = -1;
    if (grown != NULL) {
        d->agents = grown;
        if (argv != NULL)
            pid = lnch_agent_spawn(argv, d->secret);
    }
    free(argv);
    if (pid < 0) {
        char text[32];
        int n = snprintf(text, sizeof(text), "%d", 127 << 8);   /* as exit code 127 */
        send_frame(d, LNCH_WIRE_AGENT_EXIT, node, text, (size_t)n);
        return;
    }
    d->agents[d->num_agents++] = (lnch_daemon_agent_t){.pid = pid, .node = node};
}

static int agents_left(const lnch_daemon_t *d)
{
    int n = 0;
    for (int i = 0; i < d->num_agents; i++)
        n += !d->agents[i].reaped;
    return n;
}

static void on_parent(lnch_daemon_t *d)
{
    int eof = lnch_wire_read(&d->conn);
    lnch_wire_frame_t f;
    int got;
    while (d->conn.fd >= 0 && (got = lnch_wire_next(&d->conn, &f)) != 0) {
        if (got < 0) {
            lost_parent(d, "mini-mpirun broke the protocol");
            return;
        }
        if (f.type == LNCH_WIRE_PMI) {
            lnch_rank_t *r = find_rank(d, f.arg);
            if (r != NULL && r->pmi_fd >= 0 && lnch_write_all(r->pmi_fd, f.data, f.len) != 0)
                lnch_pmi_close(&d->job, r);   /* the rank is going: its exit says why */
        } else if (f.type == LNCH_WIRE_LAUNCH) {
            if (!d->orphaned)
                launch(d, f.arg, f.data, f.len);
        } else if (f.type == LNCH_WIRE_SHARE) {
            if (!d->orphaned)
                lnch_daemon_start(d, f.data, f.len);
        } else if (f.type == LNCH_WIRE_SIGNAL) {
            /* A job that ends before this node's share came (another node
             * was lost while booting): its ranks will never start, and the
             * daemon goes, which tells mini-mpirun they are gone. */
            if (f.arg == SIGTERM || f.arg == SIGKILL || f.arg == SIGINT || f.arg == SIGHUP)
                d->started = 1;
            lnch_job_signal_groups(&d->job, f.arg);
            if (f.arg != SIGKILL && f.arg != SIGCONT)
                lnch_job_signal_groups(&d->job, SIGCONT);
        }
    }
    if (eof && d->conn.fd >= 0)
        lost_parent(d, "the connection to mini-mpirun closed");
}

/* Reap every child that ended; send what each left behind, then its exit. */
static void reap(lnch_daemon_t *d)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        char text[64];
        for (int i = 0; i < d->num_agents; i++) {
            if (d->agents[i].pid != pid || d->agents[i].reaped)
                continue;
            d->agents[i].reaped = 1;
            int n = snprintf(text, sizeof(text), "%d", status);
            send_frame(d, LNCH_WIRE_AGENT_EXIT, d->agents[i].node, text, (size_t)n);
        }
        lnch_rank_t *r = lnch_job_find_pid(&d->job, pid);
        if (r == NULL)
            continue;
        r->alive = 0;
        r->reaped = 1;
        r->status = status;
        if (r->pmi_fd >= 0)
            (void)lnch_pmi_read(&d->job, r);
        if (r->out.fd >= 0)
            (void)relay_stream(d, r, &r->out, LNCH_WIRE_STDOUT);
        if (r->err.fd >= 0)
            (void)relay_stream(d, r, &r->err, LNCH_WIRE_STDERR);
        int n = snprintf(text, sizeof(text), "%d %ld", status, (long)pid);
        send_frame(d, LNCH_WIRE_EXIT, r->rank, text, (size_t)n);
    }
}

static void on_signals(lnch_daemon_t *d, int sig_fd)
{
    struct signalfd_siginfo si;
    int child = 0;
    while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD)
            child = 1;
        else
            /* Ours (e.g. a hang-up from the agent): pass it on. */
            lnch_job_signal_groups(&d->job, (int)si.ssi_signo);
    }
    if (child)
        reap(d);
}

static int pipes_open(const lnch_job_t *job)
{
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].out.fd >= 0 || job->ranks[i].err.fd >= 0)
            return 1;
    return 0;
}

int lnch_daemon_loop(lnch_daemon_t *d, int sig_fd)
{
    lnch_job_t *job = &d->job;
    if (job->ranks == NULL)
        return 1;
    the_daemon = d;
    job->pmi_line_hook = relay_pmi;
    size_t max_fds = (size_t)job->size * 3 + 2;
    struct pollfd *fds = malloc(max_fds * sizeof(*fds));
    lnch_rank_t **owner = malloc(max_fds * sizeof(*owner));
    int *kinds = malloc(max_fds * sizeof(*kinds));
    if (fds == NULL || owner == NULL || kinds == NULL) {
        free(fds);
        free(owner);
        free(kinds);
        lost_parent(d, "out of memory");
        while (lnch_job_alive(job) > 0 && wait(NULL) > 0)
            ;
        return 1;
    }
    reap(d);
    double drain_at = 0, agents_kill_at = 0;
    for (;;) {
        double now = lnch_now();
        if (d->orphaned && agents_left(d) > 0) {
            /* Ranks or not: the agents get a grace, then SIGKILL, then a
             * last second to be reaped, and we go regardless. */
            if (agents_kill_at == 0)
                agents_kill_at = now + DAEMON_AGENT_GRACE;
            else if (now >= agents_kill_at + 1.0)
                d->num_agents = 0;
            else if (now >= agents_kill_at)
                for (int i = 0; i < d->num_agents; i++)
                    if (!d->agents[i].reaped)
                        (void)kill(-d->agents[i].pid, SIGKILL);
        }
        /* Before SHARE no rank runs yet: there is nothing to be done with. */
        if (lnch_job_alive(job) == 0 && (d->started || d->orphaned)) {
            if (drain_at == 0) {
                lnch_job_signal_groups(job, SIGKILL);
                drain_at = now + DAEMON_DRAIN_GRACE;
            }
            /* The agents this daemon started end with it: it stays (and
             * keeps its heartbeat) while their subtrees run. */
            if ((!pipes_open(job) || now >= drain_at) && agents_left(d) == 0)
                break;
        }
        int nfds = 0;
        fds[nfds] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
        kinds[nfds++] = 0;
        if (d->conn.fd >= 0) {
            fds[nfds] = (struct pollfd){.fd = d->conn.fd, .events = POLLIN};
            kinds[nfds++] = 1;
        }
        for (int i = 0; i < job->size; i++) {
            lnch_rank_t *r = &job->ranks[i];
            int fd_of[3] = {r->pmi_fd, r->out.fd, r->err.fd};
            for (int k = 0; k < 3; k++) {
                if (fd_of[k] < 0)
                    continue;
                fds[nfds] = (struct pollfd){.fd = fd_of[k], .events = POLLIN};
                owner[nfds] = r;
                kinds[nfds++] = 2 + k;
            }
        }
        /* A deadline already past would spin poll(): once drained, only
         * the connection and the agents' timers count. */
        double next = drain_at > now ? drain_at : 0;
        if (agents_kill_at > 0 && agents_left(d) > 0) {
            double t = now < agents_kill_at ? agents_kill_at : agents_kill_at + 1.0;
            if (next == 0 || t < next)
                next = t;
        }
        if (d->conn.fd >= 0) {
            double ping = d->conn.last_tx + LNCH_WIRE_PING_INTERVAL;
            double silent = d->conn.last_rx + d->heartbeat_timeout;
            double t = ping < silent ? ping : silent;
            if (next == 0 || t < next)
                next = t;
        }
        int ms = next > 0 ? (int)((next - now) * 1000 + 1) : -1;
        if (next > 0 && ms < 0)
            ms = 0;
        int n = poll(fds, (nfds_t)nfds, ms);
        for (int i = 0; n > 0 && i < nfds; i++) {
            if (fds[i].revents == 0)
                continue;
            lnch_rank_t *r = owner[i];
            switch (kinds[i]) {
            case 0:
                on_signals(d, sig_fd);
                break;
            case 1:
                if (d->conn.fd == fds[i].fd)
                    on_parent(d);
                break;
            case 2:
                if (r->pmi_fd == fds[i].fd)
                    (void)lnch_pmi_read(job, r);
                break;
            case 3:
                if (r->out.fd == fds[i].fd)
                    (void)relay_stream(d, r, &r->out, LNCH_WIRE_STDOUT);
                break;
            case 4:
                if (r->err.fd == fds[i].fd)
                    (void)relay_stream(d, r, &r->err, LNCH_WIRE_STDERR);
                break;
            }
        }
        now = lnch_now();
        if (d->conn.fd >= 0 && now - d->conn.last_rx >= d->heartbeat_timeout) {
            char why[128];
            snprintf(why, sizeof(why), "no word from mini-mpirun for %g s",
                     d->heartbeat_timeout);
            lost_parent(d, why);
        } else if (d->conn.fd >= 0 && now - d->conn.last_tx >= LNCH_WIRE_PING_INTERVAL) {
            send_frame(d, LNCH_WIRE_PING, 0, NULL, 0);
        }
    }
    free(fds);
    free(owner);
    free(kinds);
    return d->orphaned ? 1 : 0;
}

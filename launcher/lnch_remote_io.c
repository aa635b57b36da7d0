/*
 * lnch_remote_io.c -- mini-mpirun's events of a multi-node job: daemons
 * connecting back, their frames, heartbeats, deadlines, and the launch
 * agents' exits (see lnch_remote.h and lnch_wire.h).
 */
#define _GNU_SOURCE             /* accept4 */
#include "lnch_remote.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lnch_pmi.h"
#include "lnch_place_job.h"

/* "2, 3" -- the ranks of node n still alive. */
static void node_ranks(const lnch_job_t *job, int n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < job->size && used + 16 < len; i++)
        if (job->ranks[i].node == n && job->ranks[i].alive)
            used += (size_t)snprintf(buf + used, len - used, "%s%d", used ? ", " : "", i);
    if (used + 16 >= len)
        snprintf(buf + used, len - used, ", ...");
}

/* Whether node m was launched through node n (lnch_remote.h's tree). */
static int launched_through(const lnch_remote_t *rm, int m, int n)
{
    int target = rm->nodes[n].tree;
    if (target < 0)
        return 0;
    for (int t = rm->nodes[m].tree; t >= 0; t = lnch_remote_tree_parent(t, rm->fanout))
        if (lnch_remote_tree_parent(t, rm->fanout) == target)
            return 1;
    return 0;
}

/* Close node n and count its ranks as dead; `report` says why on stderr.
 * Returns whether it had ranks alive. */
static int lose(lnch_job_t *job, int n, const char *why, int report)
{
    lnch_remote_node_t *nd = &job->remote->nodes[n];
    char ranks[256];
    node_ranks(job, n, ranks, sizeof(ranks));
    nd->closed = 1;
    nd->connect_by = 0;
    lnch_conn_close(&nd->conn);
    if (ranks[0] == '\0')
        return 0;                 /* all its ranks had ended: nothing lost */
    if (report)
        fprintf(stderr, "mini-mpirun: node %d (%s): %s; lost rank(s) %s; killing the job\n", n,
                nd->name, why, ranks);
    for (int i = 0; i < job->size; i++) {
        lnch_rank_t *r = &job->ranks[i];
        if (r->node == n && r->alive) {
            r->alive = 0;
            r->reaped = 1;
        }
    }
    return 1;
}

/* Node n is gone: report it (unless the job is ending anyway), count its
 * ranks as dead and end the job.  The nodes launched through it go with it
 * (their agents end with its daemon), so they are named too -- unless n had
 * ended normally: a daemon stays until the agents it started have ended, so
 * then its subtree has ended too, and what its daemons said last may only
 * wait unread in their connections. */
static void node_lost(lnch_job_t *job, int n, const char *why)
{
    lnch_remote_t *rm = job->remote;
    int report = !job->ending;
    if (!lose(job, n, why, report))
        return;
    char sub_why[256];
    snprintf(sub_why, sizeof(sub_why), "started through node %d (%s), lost with it", n,
             rm->nodes[n].name);
    for (int m = 0; m < rm->num_nodes; m++)
        if (!rm->nodes[m].closed && launched_through(rm, m, n))
            (void)lose(job, m, sub_why, report);
    lnch_job_fail(job, 1);
}

int lnch_remote_send_pmi(lnch_job_t *job, lnch_rank_t *r, const char *buf, size_t len)
{
    lnch_remote_node_t *nd = &job->remote->nodes[r->node];
    if (nd->conn.fd < 0)
        return 0;                 /* lost already: reported */
    if (lnch_wire_send(&nd->conn, LNCH_WIRE_PMI, r->rank, buf, len) != 0)
        node_lost(job, r->node, "cannot send to its daemon (connection broken or stalled)");
    return 0;
}

void lnch_remote_signal(lnch_job_t *job, int sig)
{
    lnch_remote_t *rm = job->remote;
    for (int n = 0; n < rm->num_nodes; n++)
        if (rm->nodes[n].connected && rm->nodes[n].conn.fd >= 0)
            (void)lnch_wire_send(&rm->nodes[n].conn, LNCH_WIRE_SIGNAL, sig, NULL, 0);
    /* A daemon that has not connected yet cannot be told: ending its agent
     * ends it (SIGTERM reaches the daemon where the agent exec'd it). */
    if (sig == SIGTERM || sig == SIGKILL || sig == SIGINT || sig == SIGHUP)
        for (int n = 0; n < rm->num_nodes; n++)
            if (rm->nodes[n].agent_pid > 0 && !rm->nodes[n].agent_reaped &&
                !rm->nodes[n].connected)
                (void)kill(-rm->nodes[n].agent_pid, sig);
}

int lnch_remote_max_fds(const lnch_job_t *job)
{
    return job->remote != NULL ? job->remote->num_nodes + LNCH_REMOTE_PENDING_MAX + 1 : 0;
}

int lnch_remote_poll_fds(lnch_job_t *job, struct pollfd *fds)
{
    lnch_remote_t *rm = job->remote;
    int k = 0;
    if (rm->listen_fd >= 0)
        fds[k++] = (struct pollfd){.fd = rm->listen_fd, .events = POLLIN};
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        if (rm->pending[i].conn.fd >= 0)
            fds[k++] = (struct pollfd){.fd = rm->pending[i].conn.fd, .events = POLLIN};
    for (int n = 0; n < rm->num_nodes; n++)
        if (rm->nodes[n].conn.fd >= 0)
            fds[k++] = (struct pollfd){.fd = rm->nodes[n].conn.fd, .events = POLLIN};
    return k;
}

static void on_node(lnch_job_t *job, int n);
static void agent_exited(lnch_job_t *job, int n, int status, int by);

static void drop_pending(lnch_pending_t *p, const char *why)
{
    fprintf(stderr, "mini-mpirun: dropped a connection from %s: %s\n", p->peer, why);
    lnch_conn_close(&p->conn);
}

static void on_pending(lnch_job_t *job, lnch_pending_t *p);

/*
 * Every pending slot is taken: free the oldest.  Refusing the newcomer
 * instead would let a stranger who opens LNCH_REMOTE_PENDING_MAX silent
 * connections lock the real daemons out until the boot timeout.  The oldest
 * gets a last look first, since a daemon sends its HELLO right after
 * connecting and it may be waiting in the socket.
 */
static lnch_pending_t *evict_oldest_pending(lnch_job_t *job)
{
    lnch_remote_t *rm = job->remote;
    lnch_pending_t *oldest = &rm->pending[0];
    for (int i = 1; i < LNCH_REMOTE_PENDING_MAX; i++)
        if (rm->pending[i].deadline < oldest->deadline)
            oldest = &rm->pending[i];
    on_pending(job, oldest);
    if (oldest->conn.fd >= 0)
        drop_pending(oldest, "too many connections that did not identify themselves");
    return oldest;
}

static void on_accept(lnch_job_t *job)
{
    lnch_remote_t *rm = job->remote;
    for (;;) {
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof(peer);
        int fd = accept4(rm->listen_fd, (struct sockaddr *)&peer, &peer_len,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        char ip[INET_ADDRSTRLEN] = "?";
        (void)inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
        lnch_pending_t *p = NULL;
        for (int i = 0; i < LNCH_REMOTE_PENDING_MAX && p == NULL; i++)
            if (rm->pending[i].conn.fd < 0)
                p = &rm->pending[i];
        if (p == NULL)
            p = evict_oldest_pending(job);
        lnch_conn_init(&p->conn, fd, rm->heartbeat_timeout);
        snprintf(p->peer, sizeof(p->peer), "%s:%d", ip, ntohs(peer.sin_port));
        p->deadline = lnch_now() + rm->boot_timeout;
    }
}

/* Node n's daemon is up: have it start its children in the launch tree. */
static void launch_children(lnch_job_t *job, int n)
{
    lnch_remote_t *rm = job->remote;
    int t = rm->nodes[n].tree;
    if (t < 0)
        return;
    int first = lnch_remote_tree_first_child(t, rm->fanout);
    for (int c = first; c < rm->tree_size && c - first < rm->fanout; c++) {
        lnch_remote_node_t *child = &rm->nodes[rm->tree_node[c]];
        if (child->launch == NULL || child->closed)
            continue;
        if (lnch_wire_send(&rm->nodes[n].conn, LNCH_WIRE_LAUNCH, rm->tree_node[c], child->launch,
                           child->launch_len) != 0)
            return;               /* the connection's end reports the node */
        free(child->launch);
        child->launch = NULL;
        child->connect_by = lnch_now() + rm->boot_timeout;
    }
}

/* A pending connection must start with HELLO carrying the job's secret and
 * the id of a remote node that has not connected yet. */
static void on_pending(lnch_job_t *job, lnch_pending_t *p)
{
    lnch_remote_t *rm = job->remote;
    lnch_wire_frame_t f;
    int eof = lnch_wire_read(&p->conn);
    int got = lnch_wire_next(&p->conn, &f);
    if (got == 0) {
        if (eof)
            drop_pending(p, "closed before identifying itself");
        return;
    }
    if (got < 0 || f.type != LNCH_WIRE_HELLO) {
        drop_pending(p, "did not start with the daemon's greeting");
        return;
    }
    if (!lnch_wire_secret_eq(f.data, f.len, rm->secret)) {
        drop_pending(p, "wrong job secret");
        return;
    }
    int n = f.arg;
    if (n < 0 || n >= rm->num_nodes || !rm->nodes[n].remote || rm->nodes[n].connected ||
        rm->nodes[n].closed) {
        drop_pending(p, "names a node that does not expect a daemon");
        return;
    }
    lnch_remote_node_t *nd = &rm->nodes[n];
    nd->conn = p->conn;           /* the buffer moves with it: frames may follow */
    p->conn.fd = -1;
    p->conn.in = NULL;
    p->conn.in_len = p->conn.in_off = p->conn.in_cap = 0;
    nd->connected = 1;
    nd->connect_by = 0;
    if (job->ending)              /* e.g. another node failed meanwhile */
        (void)lnch_wire_send(&nd->conn, LNCH_WIRE_SIGNAL, SIGKILL, NULL, 0);
    else
        launch_children(job, n);
    /* Frames that came with the greeting wait in the buffer: no new POLLIN
     * would announce them. */
    on_node(job, n);
}

/* The rank a per-rank frame of node n names, or NULL (a protocol error). */
static lnch_rank_t *frame_rank(lnch_job_t *job, int n, const lnch_wire_frame_t *f)
{
    if (f->arg < 0 || f->arg >= job->size || job->ranks[f->arg].node != n)
        return NULL;
    return &job->ranks[f->arg];
}

/* Handle one frame from node n's daemon.  Returns -1 when it is malformed. */
static int on_frame(lnch_job_t *job, int n, const lnch_wire_frame_t *f)
{
    lnch_remote_node_t *nd = &job->remote->nodes[n];
    char text[256];
    lnch_rank_t *r = NULL;
    if (f->type != LNCH_WIRE_PING && f->type != LNCH_WIRE_ERROR &&
        f->type != LNCH_WIRE_AGENT_EXIT && f->type != LNCH_WIRE_MACHINE &&
        !(f->type == LNCH_WIRE_REPORT && f->arg == -1) &&
        (r = frame_rank(job, n, f)) == NULL)
        return -1;
    switch (f->type) {
    case LNCH_WIRE_PING:
        return 0;
    case LNCH_WIRE_STARTED:
        snprintf(text, sizeof(text), "%.*s", (int)(f->len < 32 ? f->len : 32), f->data);
        r->remote_pid = atol(text);
        return 0;
    case LNCH_WIRE_PMI:
        (void)lnch_pmi_handle_line(job, r, f->data, f->len);
        return 0;
    case LNCH_WIRE_STDOUT:
        (void)lnch_stream_feed(&r->out, f->data, f->len);
        return 0;
    case LNCH_WIRE_STDERR:
        (void)lnch_stream_feed(&r->err, f->data, f->len);
        return 0;
    case LNCH_WIRE_EXIT: {
        int status;
        long pid;
        snprintf(text, sizeof(text), "%.*s", (int)(f->len < 64 ? f->len : 64), f->data);
        if (sscanf(text, "%d %ld", &status, &pid) != 2)
            return -1;
        r->remote_pid = pid;
        if (r->alive)
            lnch_job_rank_exited(job, r, status);
        return 0;
    }
    case LNCH_WIRE_AGENT_EXIT: {
        lnch_remote_t *rm = job->remote;
        int c = f->arg;
        /* Only for a node this daemon was told to launch. */
        if (c < 0 || c >= rm->num_nodes || rm->nodes[c].tree < 0 || nd->tree < 0 ||
            lnch_remote_tree_parent(rm->nodes[c].tree, rm->fanout) != nd->tree)
            return -1;
        snprintf(text, sizeof(text), "%.*s", (int)(f->len < 32 ? f->len : 32), f->data);
        agent_exited(job, c, atoi(text), n);
        return 0;
    }
    case LNCH_WIRE_PLACE: {
        char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
        if (f->len >= sizeof(value))
            return -1;
        snprintf(key, sizeof(key), PMI_WIRE_PLACE_KEY_FMT, f->arg);
        snprintf(value, sizeof(value), "%.*s", (int)f->len, f->data);
        if (lnch_kvs_put(&job->kvs, key, value) != LNCH_KVS_OK)
            return -1;
        return 0;
    }
    case LNCH_WIRE_REPORT:
        if (r == NULL) {          /* the node's --display-map block */
            fwrite(f->data, 1, f->len, stdout);
            fflush(stdout);
        } else {
            lnch_place_job_remote_report(job, f->arg, f->data, f->len);
        }
        return 0;
    case LNCH_WIRE_MACHINE:
        if (nd->machine != NULL || f->len >= PMI_WIRE_VALUE_MAX)
            return -1;
        nd->machine = strndup(f->data, f->len);
        if (nd->machine == NULL)
            return -1;
        lnch_remote_share(job);   /* when it was the last one */
        return 0;
    case LNCH_WIRE_ERROR:
        if (!job->ending)
            fprintf(stderr, "mini-mpirun: node %d (%s): %.*s\n", n, nd->name,
                    (int)(f->len < 1024 ? f->len : 1024), f->data);
        lnch_job_fail(job, f->arg > 0 && f->arg < 256 ? f->arg : 1);
        return 0;
    default:
        return -1;
    }
}

static void on_node(lnch_job_t *job, int n)
{
    lnch_remote_node_t *nd = &job->remote->nodes[n];
    int eof = lnch_wire_read(&nd->conn);
    lnch_wire_frame_t f;
    int got;
    while (nd->conn.fd >= 0 && (got = lnch_wire_next(&nd->conn, &f)) != 0) {
        if (got < 0 || on_frame(job, n, &f) != 0) {
            node_lost(job, n, "its daemon broke the protocol");
            return;
        }
    }
    if (eof && nd->conn.fd >= 0)
        node_lost(job, n, "the connection to its daemon closed (daemon killed or host down?)");
}

void lnch_remote_on_event(lnch_job_t *job, int fd)
{
    lnch_remote_t *rm = job->remote;
    if (fd == rm->listen_fd) {
        on_accept(job);
        return;
    }
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        if (rm->pending[i].conn.fd == fd) {
            on_pending(job, &rm->pending[i]);
            return;
        }
    for (int n = 0; n < rm->num_nodes; n++)
        if (rm->nodes[n].conn.fd == fd) {
            on_node(job, n);
            return;
        }
}

double lnch_remote_deadline(const lnch_job_t *job)
{
    const lnch_remote_t *rm = job->remote;
    double next = 0;
#define CONSIDER(t) do { double t_ = (t); if (t_ > 0 && (next == 0 || t_ < next)) next = t_; } while (0)
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        if (rm->pending[i].conn.fd >= 0)
            CONSIDER(rm->pending[i].deadline);
    for (int n = 0; n < rm->num_nodes; n++) {
        const lnch_remote_node_t *nd = &rm->nodes[n];
        if (nd->connect_by > 0 && !nd->closed)
            CONSIDER(nd->connect_by);
        if (nd->conn.fd >= 0) {
            CONSIDER(nd->conn.last_tx + LNCH_WIRE_PING_INTERVAL);
            CONSIDER(nd->conn.last_rx + rm->heartbeat_timeout);
        }
    }
#undef CONSIDER
    return next;
}

void lnch_remote_tick(lnch_job_t *job, double now)
{
    lnch_remote_t *rm = job->remote;
    char why[256];
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        if (rm->pending[i].conn.fd >= 0 && now >= rm->pending[i].deadline)
            drop_pending(&rm->pending[i], "did not identify itself in time");
    for (int n = 0; n < rm->num_nodes; n++) {
        lnch_remote_node_t *nd = &rm->nodes[n];
        if (nd->connect_by > 0 && !nd->closed && now >= nd->connect_by) {
            snprintf(why, sizeof(why),
                     "daemon did not connect back within %g s; can %s reach %s:%d? (started "
                     "with '%s %s mini-mpid ...')",
                     rm->boot_timeout, nd->name, rm->addr, rm->port, rm->agent, nd->name);
            node_lost(job, n, why);
            continue;
        }
        if (nd->conn.fd < 0)
            continue;
        if (now - nd->conn.last_rx >= rm->heartbeat_timeout) {
            snprintf(why, sizeof(why),
                     "no word from its daemon for %g s (network link down or host hung?)",
                     rm->heartbeat_timeout);
            node_lost(job, n, why);
            continue;
        }
        if (now - nd->conn.last_tx >= LNCH_WIRE_PING_INTERVAL &&
            lnch_wire_send(&nd->conn, LNCH_WIRE_PING, 0, NULL, 0) != 0)
            node_lost(job, n, "cannot send to its daemon (connection broken or stalled)");
    }
}

/* Node n's launch agent ended with wait status `status`; `by` is the node
 * whose daemon started it, -1 for mini-mpirun. */
static void agent_exited(lnch_job_t *job, int n, int status, int by)
{
    lnch_remote_t *rm = job->remote;
    lnch_remote_node_t *nd = &rm->nodes[n];
    nd->agent_reaped = 1;
    nd->agent_status = status;
    /* A daemon that greeted us and quit at once (say, its program is
     * missing there) may be in the listen queue or unread still: take
     * what it said before judging the agent's exit. */
    if (!nd->connected && !nd->closed && rm->listen_fd >= 0) {
        on_accept(job);
        for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
            if (rm->pending[i].conn.fd >= 0)
                on_pending(job, &rm->pending[i]);
    }
    if (nd->connected || nd->closed)
        return;                   /* the connection tells the rest */
    char why[512], started[128] = "";
    if (by >= 0)
        snprintf(started, sizeof(started), " (started by node %d's daemon)", by);
    if (WIFEXITED(status))
        snprintf(why, sizeof(why),
                 "the launch agent%s exited with code %d before the daemon connected back; "
                 "check that '%s %s mini-mpid --version' works",
                 started, WEXITSTATUS(status), rm->agent, nd->name);
    else
        snprintf(why, sizeof(why),
                 "the launch agent%s was killed by signal %d before the daemon connected back",
                 started, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    node_lost(job, n, why);
}

void lnch_remote_child_exited(lnch_job_t *job, pid_t pid, int status)
{
    lnch_remote_t *rm = job->remote;
    if (rm == NULL)
        return;
    for (int n = 0; n < rm->num_nodes; n++) {
        lnch_remote_node_t *nd = &rm->nodes[n];
        if (nd->agent_pid == pid && !nd->agent_reaped) {
            agent_exited(job, n, status, -1);
            return;
        }
    }
}

int lnch_remote_busy(const lnch_job_t *job)
{
    const lnch_remote_t *rm = job->remote;
    if (rm == NULL)
        return 0;
    for (int n = 0; n < rm->num_nodes; n++)
        if (rm->nodes[n].conn.fd >= 0 || (rm->nodes[n].agent_pid > 0 && !rm->nodes[n].agent_reaped))
            return 1;
    return 0;
}

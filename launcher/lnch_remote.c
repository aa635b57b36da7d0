/*
 * lnch_remote.c -- set up and start the daemons of a multi-node job, and
 * tear them down (see lnch_remote.h; the connections' events are in
 * lnch_remote_io.c).
 */
#include "lnch_remote.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "lnch_addr.h"
#include "lnch_agent.h"
#include "lnch_hosts.h"
#include "lnch_map.h"
#include "lnch_place.h"
#include "lnch_place_job.h"
#include "lnch_slurm.h"
#include "lnch_spawn.h"
#include "pmi_wire.h"

/* How long agents get to exit after their connection closed at the end. */
#define LNCH_REMOTE_AGENT_GRACE 3.0

extern char **environ;

int lnch_remote_wanted(const lnch_args_t *args)
{
    return args->num_hosts > 0 || args->hostfile != NULL || lnch_slurm_in_allocation();
}

/* The host-list entry that is mini-mpirun's own node: "localhost", a
 * loopback address, or this host's name (full or short). */
static int is_local_name(const char *name)
{
    char me[LNCH_HOSTNAME_MAX];
    if (strcmp(name, "localhost") == 0 || strncmp(name, "127.", 4) == 0)
        return 1;
    if (gethostname(me, sizeof(me)) != 0)
        return 0;
    me[sizeof(me) - 1] = '\0';
    if (strcmp(name, me) == 0)
        return 1;
    size_t short_len = strcspn(me, ".");
    return strlen(name) == short_len && strncmp(name, me, short_len) == 0;
}

static int open_listener(lnch_remote_t *rm, const char *iface, const char *first_remote)
{
    char err[512];
    if (lnch_addr_pick(iface, first_remote, rm->addr, sizeof(rm->addr), err, sizeof(err)) != 0) {
        fprintf(stderr, "mini-mpirun: %s\n", err);
        return -1;
    }
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t sin_len = sizeof(sin);
    (void)inet_pton(AF_INET, rm->addr, &sin.sin_addr);
    rm->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (rm->listen_fd < 0 || bind(rm->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        listen(rm->listen_fd, 128) != 0 ||
        getsockname(rm->listen_fd, (struct sockaddr *)&sin, &sin_len) != 0) {
        fprintf(stderr, "mini-mpirun: cannot listen on %s for the daemons: %s\n", rm->addr,
                strerror(errno));
        return -1;
    }
    rm->port = ntohs(sin.sin_port);
    if (lnch_wire_make_secret(rm->secret, sizeof(rm->secret)) != 0) {
        fprintf(stderr, "mini-mpirun: cannot make the job's secret: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static double cfg_seconds(const char *name)
{
    long long v = cfg_get_num(name);
    return v > 0 ? (double)v : 1.0;
}

int lnch_remote_job_init(lnch_job_t *job, const lnch_args_t *args)
{
    char err[1024], mapping[PMI_WIRE_VALUE_MAX];
    lnch_hosts_t hosts = {0};
    int *node_of_rank = NULL, np = 0, code = 2;

    for (int i = 0; i < args->num_hosts; i++)
        if (lnch_hosts_add_list(&hosts, args->hosts[i], err, sizeof(err)) != 0)
            goto err_hosts;
    if (args->hostfile != NULL &&
        lnch_hosts_read_file(&hosts, args->hostfile, err, sizeof(err)) != 0)
        goto err_hosts;
    /* Inside a Slurm allocation and told no hosts: the allocation's. */
    int from_slurm = hosts.num == 0 && lnch_slurm_in_allocation();
    if (from_slurm && lnch_slurm_hosts(&hosts, err, sizeof(err)) != 0)
        goto err_hosts;
    if (lnch_map_ranks(&hosts, args->np_given ? args->np : 0, args->npernode, LNCH_NP_MAX,
                       &node_of_rank, &np, err, sizeof(err)) != 0)
        goto err_hosts;
    if (lnch_map_process_mapping(node_of_rank, np, mapping, sizeof(mapping)) != 0) {
        snprintf(err, sizeof(err), "the rank layout is too irregular for PMI_process_mapping");
        goto err_hosts;
    }
    code = 1;
    if (lnch_job_init_mapped(job, np, args->tag_output, mapping) != 0)
        goto err_map;

    lnch_remote_t *rm = calloc(1, sizeof(*rm));
    job->node_names = calloc((size_t)hosts.num + 1, sizeof(*job->node_names));
    if (rm == NULL || job->node_names == NULL) {
        free(rm);
        fprintf(stderr, "mini-mpirun: out of memory\n");
        goto err_job;
    }
    job->remote = rm;
    rm->listen_fd = -1;
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        rm->pending[i].conn.fd = -1;
    rm->nodes = calloc((size_t)hosts.num, sizeof(*rm->nodes));
    if (rm->nodes == NULL)
        goto err_job;
    rm->num_nodes = hosts.num;
    rm->agent = args->launch_agent != NULL ? args->launch_agent
                : from_slurm                ? LNCH_SLURM_AGENT
                                            : "ssh";
    rm->boot_timeout = cfg_seconds("MINIMPI_BOOT_TIMEOUT");
    rm->heartbeat_timeout = cfg_seconds("MINIMPI_HEARTBEAT_TIMEOUT");
    long long fanout = cfg_get_num("MINIMPI_FANOUT");
    /* Under Slurm every node's step is started by srun from here: a daemon
     * inside a step starting further steps is untested there. */
    rm->fanout = from_slurm && args->launch_agent == NULL ? INT_MAX
                 : fanout >= 1 && fanout < INT_MAX      ? (int)fanout
                                                        : 1;
    int local = -1;
    const char *first_remote = NULL;
    for (int n = 0; n < hosts.num; n++) {
        job->node_names[n] = strdup(hosts.nodes[n].name);
        if (job->node_names[n] == NULL)
            goto err_job;
        rm->nodes[n].name = job->node_names[n];
        rm->nodes[n].conn.fd = -1;
        rm->nodes[n].tree = -1;
        if (local < 0 && is_local_name(hosts.nodes[n].name)) {
            local = n;
            continue;
        }
        rm->nodes[n].remote = 1;
        rm->num_remote++;
        if (first_remote == NULL)
            first_remote = hosts.nodes[n].name;
    }
    for (int i = 0; i < np; i++) {
        job->ranks[i].node = node_of_rank[i];
        job->ranks[i].remote = rm->nodes[node_of_rank[i]].remote;
    }
    const char *iface = args->iface != NULL ? args->iface : cfg_get("MINIMPI_IFACE");
    if (rm->num_remote > 0 && open_listener(rm, iface, first_remote) != 0)
        goto err_job;
    free(node_of_rank);
    lnch_hosts_fini(&hosts);
    return 0;

err_job:
    lnch_job_fini(job);
err_map:
    free(node_of_rank);
    lnch_hosts_fini(&hosts);
    return code;
err_hosts:
    fprintf(stderr, "mini-mpirun: %s\n", err);
    goto err_map;
}

void lnch_remote_daemon_path(char *out, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            snprintf(out, len, "%.*s/mini-mpid", (int)(slash - self), self);
            if (access(out, X_OK) == 0)
                return;
        }
    }
    snprintf(out, len, "mini-mpid");
}

/* Grow-as-needed argv for the agent. */
typedef struct argv_buf {
    char **v;
    int n, cap;
    int failed;
} argv_buf_t;

static void push(argv_buf_t *a, const char *s)
{
    if (a->failed)
        return;
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? a->cap * 2 : 64;
        char **v = realloc(a->v, (size_t)cap * sizeof(*v));
        if (v == NULL) {
            a->failed = 1;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n] = strdup(s);
    if (a->v[a->n] == NULL)
        a->failed = 1;
    else
        a->v[++a->n] = NULL;
}

static void free_argv(argv_buf_t *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

/* "sh -c 'exec AGENT "$@"' sh HOST mini-mpid --job ... -- PROGRAM ARGS":
 * through sh so that the agent may be a command with arguments. */
static int build_argv(lnch_job_t *job, const lnch_args_t *args, int node, argv_buf_t *a)
{
    lnch_remote_t *rm = job->remote;
    char num[160], daemon[PATH_MAX], cwd[PATH_MAX], cmd[4096];
    snprintf(cmd, sizeof(cmd), "exec %s \"$@\"", rm->agent);
    push(a, "/bin/sh");
    push(a, "-c");
    push(a, cmd);
    push(a, "sh");
    push(a, rm->nodes[node].name);
    lnch_remote_daemon_path(daemon, sizeof(daemon));
    push(a, daemon);
    push(a, "--job");
    push(a, job->id);
    push(a, "--node");
    snprintf(num, sizeof(num), "%d", node);
    push(a, num);
    push(a, "--connect");
    snprintf(num, sizeof(num), "%s:%d", rm->addr, rm->port);
    push(a, num);
    push(a, "--size");
    snprintf(num, sizeof(num), "%d", job->size);
    push(a, num);
    push(a, "--timeouts");
    snprintf(num, sizeof(num), "%g,%g", rm->boot_timeout, rm->heartbeat_timeout);
    push(a, num);
    if (getcwd(cwd, sizeof(cwd)) != NULL) {
        push(a, "--wdir");
        push(a, cwd);
    }
    /* The ranks of this node, as a comma list. */
    size_t cap = (size_t)job->size * 8 + 1, used = 0;
    char *list = malloc(cap);
    if (list == NULL)
        return -1;
    list[0] = '\0';
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].node == node)
            used += (size_t)snprintf(list + used, cap - used, "%s%d", used ? "," : "", i);
    push(a, "--ranks");
    push(a, list);
    free(list);
    /* The daemon places its node's ranks as we place ours. */
    const lnch_place_opts_t *po = &args->place;
    push(a, "--map-by");
    push(a, lnch_place_map_name(po->map_by));
    if (po->bind_to != LNCH_BIND_DEFAULT) {   /* "default" is no value of --bind-to */
        push(a, "--bind-to");
        push(a, lnch_place_bind_name(po->bind_to));
    }
    if (po->cpu_set != NULL) {
        push(a, "--cpu-set");
        push(a, po->cpu_set);
    }
    push(a, "--report-bindings");
    push(a, po->report_bindings ? "1" : "0");
    push(a, "--display-map");
    push(a, po->display_map ? "1" : "0");
    /* Our MINIMPI_* and FI_* settings travel with the job (ssh would lose
     * them), then the -x variables with their values from here. */
    for (char **e = environ; *e != NULL; e++) {
        if (strncmp(*e, "MINIMPI_", 8) == 0 || strncmp(*e, "FI_", 3) == 0) {
            push(a, "-x");
            push(a, *e);
        }
    }
    for (int i = 0; i < args->num_env; i++) {
        const char *v = args->env[i];
        if (strchr(v, '=') == NULL) {
            const char *val = getenv(v);
            if (val == NULL)
                continue;         /* warned about by lnch_spawn */
            char *kv = malloc(strlen(v) + strlen(val) + 2);
            if (kv == NULL)
                return -1;
            sprintf(kv, "%s=%s", v, val);
            push(a, "-x");
            push(a, kv);
            free(kv);
        } else {
            push(a, "-x");
            push(a, v);
        }
    }
    push(a, "--");
    for (char **p = args->prog_argv; *p != NULL; p++)
        push(a, *p);
    return a->failed ? -1 : 0;
}

static int start_agent(lnch_job_t *job, const lnch_args_t *args, int node)
{
    lnch_remote_t *rm = job->remote;
    lnch_remote_node_t *nd = &rm->nodes[node];
    argv_buf_t a = {0};
    pid_t pid = -1;
    if (build_argv(job, args, node, &a) == 0)
        pid = lnch_agent_spawn(a.v, rm->secret);
    if (pid < 0) {
        fprintf(stderr, "mini-mpirun: cannot start the daemon of node %d (%s): %s\n", node,
                nd->name, a.failed ? "out of memory" : strerror(errno));
        free_argv(&a);
        return -1;
    }
    free_argv(&a);
    nd->agent_pid = pid;
    nd->connect_by = lnch_now() + rm->boot_timeout;
    return 0;
}

/* Keep the agent's argv of a node that a daemon will launch (lnch_wire.h's
 * LAUNCH), to send when that daemon says HELLO. */
static int prepare_launch(lnch_job_t *job, const lnch_args_t *args, int node)
{
    lnch_remote_node_t *nd = &job->remote->nodes[node];
    argv_buf_t a = {0};
    if (build_argv(job, args, node, &a) == 0)
        nd->launch = lnch_agent_pack(a.v, &nd->launch_len);
    free_argv(&a);
    if (nd->launch == NULL) {
        fprintf(stderr, "mini-mpirun: cannot prepare the daemon of node %d (%s): out of memory\n",
                node, nd->name);
        return -1;
    }
    return 0;
}

int lnch_remote_tree_parent(int t, int k)
{
    return t < k ? -1 : t / k - 1;
}

int lnch_remote_tree_first_child(int t, int k)
{
    /* (t + 1) * k, without overflowing for a huge k. */
    return k > (INT_MAX - k) / (t + 1) ? INT_MAX : (t + 1) * k;
}

void lnch_remote_share(lnch_job_t *job)
{
    lnch_remote_t *rm = job->remote;
    if (rm->shared || job->ending || rm->args == NULL)
        return;
    for (int t = 0; t < rm->tree_size; t++)
        if (rm->nodes[rm->tree_node[t]].machine == NULL)
            return;
    rm->shared = 1;
    int nn = rm->num_nodes, local = -1, rc = 1;
    const char **machine = calloc((size_t)nn + 1, sizeof(*machine));
    int *ranks = calloc((size_t)nn + 1, sizeof(*ranks));
    lnch_place_share_t *share = calloc((size_t)nn + 1, sizeof(*share));
    char own[PMI_WIRE_VALUE_MAX], text[64];
    if (machine == NULL || ranks == NULL || share == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        goto out;
    }
    lnch_place_job_machine(job, own, sizeof(own));
    for (int i = 0; i < job->size; i++) {
        ranks[job->ranks[i].node]++;
        if (!job->ranks[i].remote && local < 0)
            local = job->ranks[i].node;
    }
    for (int n = 0; n < nn; n++)
        machine[n] = rm->nodes[n].remote ? rm->nodes[n].machine : n == local ? own : NULL;
    lnch_place_share(nn, machine, ranks, share);
    for (int t = 0; t < rm->tree_size; t++) {
        lnch_remote_node_t *nd = &rm->nodes[rm->tree_node[t]];
        const lnch_place_share_t *s = &share[rm->tree_node[t]];
        int len = snprintf(text, sizeof(text), "%d %d %d", s->offset, s->machine_ranks,
                           s->machine_nodes);
        /* A connection that broke is reported as its node's loss. */
        if (nd->conn.fd >= 0)
            (void)lnch_wire_send(&nd->conn, LNCH_WIRE_SHARE, 0, text, (size_t)len);
    }
    rc = lnch_place_job_share(job, &rm->args->place, local >= 0 ? &share[local] : NULL);
    if (rc == 0)
        rc = lnch_spawn_job(job, rm->args->prog_argv, rm->args->env, rm->args->num_env);
out:
    free(machine);
    free(ranks);
    free(share);
    if (rc != 0)
        lnch_job_fail(job, rc);   /* reported already */
    else
        lnch_place_job_report(job);
}

int lnch_remote_launch(lnch_job_t *job, const lnch_args_t *args)
{
    lnch_remote_t *rm = job->remote;
    rm->args = args;
    /* Remote ranks count as alive from now: their daemon reports their end,
     * or their node is lost. */
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].remote)
            job->ranks[i].alive = 1;
    rm->tree_node = calloc((size_t)rm->num_nodes + 1, sizeof(*rm->tree_node));
    if (rm->tree_node == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory\n");
        return 1;
    }
    for (int n = 0; n < rm->num_nodes; n++) {
        if (!rm->nodes[n].remote)
            continue;
        int has_ranks = 0;
        for (int i = 0; i < job->size && !has_ranks; i++)
            has_ranks = job->ranks[i].node == n;
        if (!has_ranks) {
            rm->nodes[n].closed = 1;   /* nothing to run there */
            continue;
        }
        rm->nodes[n].tree = rm->tree_size;
        rm->tree_node[rm->tree_size++] = n;
    }
    /* The first k nodes now; the others when their tree parent says HELLO. */
    for (int t = 0; t < rm->tree_size; t++) {
        int n = rm->tree_node[t];
        int rc = lnch_remote_tree_parent(t, rm->fanout) < 0 ? start_agent(job, args, n)
                                                            : prepare_launch(job, args, n);
        if (rc != 0)
            return 1;
    }
    lnch_remote_share(job);       /* at once when no daemon is to say its machine */
    return 0;
}

static int agents_left(const lnch_remote_t *rm)
{
    int n = 0;
    for (int i = 0; i < rm->num_nodes; i++)
        n += rm->nodes[i].agent_pid > 0 && !rm->nodes[i].agent_reaped;
    return n;
}

void lnch_remote_finish(lnch_job_t *job)
{
    lnch_remote_t *rm = job->remote;
    if (rm == NULL)
        return;
    for (int n = 0; n < rm->num_nodes; n++) {
        rm->nodes[n].closed = 1;
        lnch_conn_close(&rm->nodes[n].conn);
    }
    for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
        lnch_conn_close(&rm->pending[i].conn);
    double give_up = lnch_now() + LNCH_REMOTE_AGENT_GRACE;
    int killed = 0;
    while (agents_left(rm) > 0) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            lnch_remote_child_exited(job, pid, status);
            continue;
        }
        if (pid < 0 && errno == ECHILD)
            break;
        if (!killed && lnch_now() >= give_up) {
            for (int n = 0; n < rm->num_nodes; n++)
                if (rm->nodes[n].agent_pid > 0 && !rm->nodes[n].agent_reaped)
                    (void)kill(-rm->nodes[n].agent_pid, SIGKILL);
            killed = 1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

void lnch_remote_fini(lnch_job_t *job)
{
    lnch_remote_t *rm = job->remote;
    if (rm != NULL) {
        for (int n = 0; n < rm->num_nodes; n++) {
            lnch_conn_close(&rm->nodes[n].conn);
            free(rm->nodes[n].launch);
            free(rm->nodes[n].machine);
        }
        for (int i = 0; i < LNCH_REMOTE_PENDING_MAX; i++)
            lnch_conn_close(&rm->pending[i].conn);
        if (rm->listen_fd >= 0)
            close(rm->listen_fd);
        free(rm->tree_node);
        free(rm->nodes);
        free(rm);
        job->remote = NULL;
    }
    if (job->node_names != NULL) {
        /* NULL-terminated (one more entry than hosts, from calloc). */
        for (int n = 0; job->node_names[n] != NULL; n++)
            free(job->node_names[n]);
        free(job->node_names);
        job->node_names = NULL;
    }
}

/*
 * lnch_daemon.c -- mini-mpid: command line, connecting back, starting the
 * ranks (see lnch_daemon.h; the event loop is in lnch_daemon_loop.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lnch_daemon.h"
#include "lnch_place.h"
#include "lnch_place_job.h"
#include "lnch_shm.h"
#include "lnch_signals.h"
#include "lnch_spawn.h"

typedef struct daemon_args {
    const char *job_id, *connect, *ranks, *wdir;
    int node, size;
    double boot_timeout, heartbeat_timeout;
    char **prog_argv;
    lnch_place_opts_t place;      /* mini-mpirun's placement options */
} daemon_args_t;

static int usage(const char *why)
{
    fprintf(stderr, "mini-mpid: %s\nmini-mpid is started by mini-mpirun for multi-node jobs; "
                    "see mini-mpirun(1).\n", why);
    return 2;
}

static int parse_args(int argc, char **argv, daemon_args_t *a)
{
    memset(a, 0, sizeof(*a));
    a->node = -1;
    a->boot_timeout = a->heartbeat_timeout = 10;
    int i = 1;
    for (; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(o, "--version") == 0) {
            printf("mini-mpid (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            exit(0);
        }
        if (i + 1 >= argc)
            return usage("an option lacks its value");
        const char *v = argv[++i];
        if (strcmp(o, "--job") == 0)
            a->job_id = v;
        else if (strcmp(o, "--node") == 0)
            a->node = atoi(v);
        else if (strcmp(o, "--connect") == 0)
            a->connect = v;
        else if (strcmp(o, "--size") == 0)
            a->size = atoi(v);
        else if (strcmp(o, "--ranks") == 0)
            a->ranks = v;
        else if (strcmp(o, "--wdir") == 0)
            a->wdir = v;
        else if (strcmp(o, "--map-by") == 0) {
            if (lnch_place_parse_map(v, &a->place.map_by) != 0)
                return usage("bad --map-by");
        } else if (strcmp(o, "--bind-to") == 0) {
            if (lnch_place_parse_bind(v, &a->place.bind_to) != 0)
                return usage("bad --bind-to");
        } else if (strcmp(o, "--cpu-set") == 0)
            a->place.cpu_set = v;
        else if (strcmp(o, "--report-bindings") == 0)
            a->place.report_bindings = atoi(v);
        else if (strcmp(o, "--display-map") == 0)
            a->place.display_map = atoi(v);
        else if (strcmp(o, "--timeouts") == 0) {
            if (sscanf(v, "%lf,%lf", &a->boot_timeout, &a->heartbeat_timeout) != 2)
                return usage("bad --timeouts");
        } else if (strcmp(o, "-x") == 0) {
            const char *eq = strchr(v, '=');
            if (eq == NULL)
                return usage("-x needs VAR=value");
            char name[256];
            snprintf(name, sizeof(name), "%.*s", (int)(eq - v), v);
            (void)setenv(name, eq + 1, 1);
        } else {
            return usage("unknown option");
        }
    }
    if (a->job_id == NULL || a->node < 0 || a->connect == NULL || a->size < 1 ||
        a->ranks == NULL || i >= argc || strlen(a->job_id) >= LNCH_JOB_ID_MAX)
        return usage("missing --job, --node, --connect, --size, --ranks or the program");
    a->prog_argv = &argv[i];
    return 0;
}

/* The secret: the first line of stdin, within the boot timeout. */
static int read_secret(char *out, size_t len, double timeout)
{
    size_t used = 0;
    double until = lnch_now() + timeout;
    while (used + 1 < len) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        int ms = (int)((until - lnch_now()) * 1000);
        if (ms <= 0 || poll(&p, 1, ms) <= 0)
            return -1;
        ssize_t n = read(STDIN_FILENO, out + used, 1);
        if (n <= 0)
            return -1;
        if (out[used] == '\n')
            break;
        used++;
    }
    out[used] = '\0';
    return used > 0 ? 0 : -1;
}

static int connect_back(const char *where, double timeout, int *fd_out)
{
    char host[64];
    const char *colon = strrchr(where, ':');
    if (colon == NULL || (size_t)(colon - where) >= sizeof(host))
        return -1;
    snprintf(host, sizeof(host), "%.*s", (int)(colon - where), where);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno != EINPROGRESS)
        goto err;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int ready = poll(&p, 1, (int)(timeout * 1000));
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (ready <= 0) {
        errno = ETIMEDOUT;
        goto err;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
        errno = soerr;
        goto err;
    }
    *fd_out = fd;
    return 0;
err:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* Fill the daemon's job with its ranks from the --ranks list. */
static int set_ranks(lnch_daemon_t *d, const daemon_args_t *a)
{
    int count = 1;
    for (const char *p = a->ranks; *p; p++)
        count += *p == ',';
    if (lnch_job_init(&d->job, count, 0) != 0)
        return -1;
    snprintf(d->job.id, sizeof(d->job.id), "%s", a->job_id);
    d->job.world_size = a->size;
    const char *p = a->ranks;
    for (int i = 0; i < count; i++) {
        char *end;
        long r = strtol(p, &end, 10);
        if (end == p || r < 0 || r >= a->size)
            return -1;
        d->job.ranks[i].rank = (int)r;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* Place this node's ranks (lnch_place_job.h, loaded already) on its share
 * of the machine, and send mini-mpirun their PMI keys and the --display-map
 * block before any of them starts.  Returns 0, or an exit code after
 * printing why. */
static int place_ranks(lnch_daemon_t *d, const daemon_args_t *a, const lnch_place_share_t *share)
{
    lnch_job_t *job = &d->job;
    int *world = malloc((size_t)job->size * sizeof(*world));
    char *map = NULL;
    size_t map_len = 0;
    FILE *map_out = open_memstream(&map, &map_len);
    if (world == NULL || map_out == NULL) {
        free(world);
        if (map_out != NULL)
            fclose(map_out);
        free(map);
        fprintf(stderr, "mini-mpid (node %d): out of memory placing the ranks\n", d->node);
        return 1;
    }
    for (int i = 0; i < job->size; i++)
        world[i] = job->ranks[i].rank;
    int code = lnch_node_place_compute(job->place, &a->place, job->size, share, job->host, world,
                                       map_out);
    free(world);
    fclose(map_out);
    if (code == 0 && map_len > 0)
        (void)lnch_wire_send(&d->conn, LNCH_WIRE_REPORT, -1, map, map_len);
    free(map);
    if (code != 0)
        return code;
    char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
    for (int i = 0; i < job->size; i++) {
        if (lnch_node_place_key(job->place, i, job->ranks[i].rank, key, sizeof(key), value,
                                sizeof(value)) != 0 ||
            lnch_wire_send(&d->conn, LNCH_WIRE_PLACE, job->ranks[i].rank, value,
                           strlen(value)) != 0)
            return 1;
    }
    return 0;
}

/* --report-bindings: each started rank's line, to mini-mpirun. */
static void report_ranks(lnch_daemon_t *d)
{
    lnch_job_t *job = &d->job;
    char line[2048];
    if (job->place == NULL || !job->place->report)
        return;
    for (int i = 0; i < job->size; i++) {
        if (job->ranks[i].pid <= 0)
            continue;
        lnch_place_report_line(&job->place->place, i, job->ranks[i].rank, job->host,
                               job->ranks[i].pid, line, sizeof(line));
        (void)lnch_wire_send(&d->conn, LNCH_WIRE_REPORT, job->ranks[i].rank, line, strlen(line));
    }
}

static const daemon_args_t *the_args;   /* for lnch_daemon_start */

void lnch_daemon_start(lnch_daemon_t *d, const char *share_text, size_t len)
{
    lnch_place_share_t share;
    char text[96], msg[512];
    int code;
    if (d->started)
        return;
    d->started = 1;
    snprintf(text, sizeof(text), "%.*s", (int)(len < sizeof(text) ? len : sizeof(text) - 1),
             share_text);
    if (sscanf(text, "%d %d %d", &share.offset, &share.machine_ranks, &share.machine_nodes) != 3 ||
        share.offset < 0 || share.machine_ranks < d->job.size || share.machine_nodes < 1) {
        snprintf(msg, sizeof(msg), "mini-mpirun sent a malformed share '%s'", text);
        code = 1;
    } else if ((code = place_ranks(d, the_args, &share)) != 0) {
        snprintf(msg, sizeof(msg), "could not place its ranks (see above)");
    } else if ((code = lnch_spawn_job(&d->job, the_args->prog_argv, NULL, 0)) != 0) {
        snprintf(msg, sizeof(msg), "could not start its ranks (see above)");
    }
    if (code != 0) {
        (void)lnch_wire_send(&d->conn, LNCH_WIRE_ERROR, code, msg, strlen(msg));
        lnch_job_signal_groups(&d->job, SIGKILL);
    }
    for (int i = 0; i < d->job.size; i++) {
        if (d->job.ranks[i].pid <= 0)
            continue;
        int n = snprintf(msg, sizeof(msg), "%ld", (long)d->job.ranks[i].pid);
        (void)lnch_wire_send(&d->conn, LNCH_WIRE_STARTED, d->job.ranks[i].rank, msg, (size_t)n);
    }
    if (code == 0)
        report_ranks(d);
}

int main(int argc, char **argv)
{
    daemon_args_t a;
    lnch_daemon_t d;
    char secret[128], msg[512];
    int fd;

    if (parse_args(argc, argv, &a) != 0)
        return 2;
    int sig_fd = lnch_signals_init();
    if (sig_fd < 0)
        return 1;
    memset(&d, 0, sizeof(d));
    d.node = a.node;
    d.heartbeat_timeout = a.heartbeat_timeout;
    if (read_secret(secret, sizeof(secret), a.boot_timeout) != 0) {
        fprintf(stderr, "mini-mpid (node %d): no job secret on stdin within %g s\n", a.node,
                a.boot_timeout);
        return 1;
    }
    if (connect_back(a.connect, a.boot_timeout, &fd) != 0) {
        fprintf(stderr,
                "mini-mpid (node %d): cannot connect back to mini-mpirun at %s: %s; check "
                "that this host can reach that address (--iface, MINIMPI_IFACE)\n",
                a.node, a.connect, strerror(errno));
        return 1;
    }
    snprintf(d.secret, sizeof(d.secret), "%s", secret);
    lnch_conn_init(&d.conn, fd, a.heartbeat_timeout);
    if (lnch_wire_send(&d.conn, LNCH_WIRE_HELLO, a.node, secret, strlen(secret)) != 0) {
        fprintf(stderr, "mini-mpid (node %d): lost mini-mpirun at %s while greeting it\n",
                a.node, a.connect);
        lnch_conn_close(&d.conn);
        return 1;
    }
    int code = 0;
    the_args = &a;
    if (set_ranks(&d, &a) != 0) {
        snprintf(msg, sizeof(msg), "mini-mpid: bad rank list '%s'", a.ranks);
        code = 1;
    } else if (a.wdir != NULL && chdir(a.wdir) != 0) {
        snprintf(msg, sizeof(msg), "cannot change to the directory %s: %s", a.wdir,
                 strerror(errno));
        code = 1;
    } else if ((code = lnch_node_place_load(&d.job.place, &a.place)) != 0) {
        snprintf(msg, sizeof(msg), "could not place its ranks (see above)");
    } else {
        /* The ranks start once mini-mpirun knows every node's machine and
         * sends this node's share of its own (SHARE, lnch_daemon_start). */
        char machine[PMI_WIRE_VALUE_MAX];
        lnch_node_place_machine(d.job.place, machine, sizeof(machine));
        (void)lnch_wire_send(&d.conn, LNCH_WIRE_MACHINE, a.node, machine, strlen(machine));
    }
    if (code != 0) {
        (void)lnch_wire_send(&d.conn, LNCH_WIRE_ERROR, code, msg, strlen(msg));
        d.started = 1;            /* nothing to wait for */
    }
    int rc = lnch_daemon_loop(&d, sig_fd);
    (void)lnch_shm_cleanup(LNCH_SHM_DIR, d.job.id);
    lnch_place_job_fini(&d.job);
    if (d.job.ranks != NULL)
        lnch_job_fini(&d.job);
    lnch_conn_close(&d.conn);
    free(d.agents);
    close(sig_fd);
    return code != 0 ? code : rc;
}

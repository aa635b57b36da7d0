/*
 * lnch_place_job.c -- placement on this machine: one node's share, and the
 * single-node job (see lnch_place_job.h).
 */
#include "lnch_place_job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmi_wire.h"

/* Exit status for a bad command line (as lnch_main.c). */
#define PLACE_EXIT_USAGE 2

static int load_topology(hwloc_topology_t *topo)
{
    /* At init hwloc loads every plugin it finds (PCI, OpenCL, GL and the
     * libraries they pull in: about 20 ms of cpu per launch), yet placement
     * needs only its built-in cpu discovery.  An empty plugin path skips
     * them, unless the user chose a path; it is unset again before any rank
     * inherits our environment. */
    int quiet_plugins = getenv("HWLOC_PLUGINS_PATH") == NULL &&
                        setenv("HWLOC_PLUGINS_PATH", "", 1) == 0;
    int rc = hwloc_topology_init(topo);
    if (quiet_plugins)
        (void)unsetenv("HWLOC_PLUGINS_PATH");
    if (rc != 0)
        return -1;
    if (hwloc_topology_load(*topo) != 0) {
        hwloc_topology_destroy(*topo);
        return -1;
    }
    return 0;
}

/* The set this process is bound to, or NULL when the system cannot say
 * (then only the cgroup's cpus restrict us). */
static hwloc_bitmap_t own_binding(hwloc_topology_t topo)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set != NULL && hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) != 0) {
        hwloc_bitmap_free(set);
        set = NULL;
    }
    return set;
}

int lnch_node_place_load(lnch_node_place_t **out, const lnch_place_opts_t *opts)
{
    char err[512];
    int code = 1;
    lnch_node_place_t *np = calloc(1, sizeof(*np));
    if (np == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        return 1;
    }
    if (load_topology(&np->topo) != 0) {
        fprintf(stderr, "mini-mpirun: cannot read this machine's topology (hwloc): %s\n",
                strerror(errno));
        free(np);
        return 1;
    }
    hwloc_bitmap_t binding = own_binding(np->topo);
    np->allowed = hwloc_bitmap_alloc();
    if (np->allowed == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        goto err_allowed;
    }
    if (lnch_place_allowed(np->topo, binding, opts->cpu_set, np->allowed, err, sizeof(err)) != 0) {
        if (opts->cpu_set != NULL) {
            fprintf(stderr, "mini-mpirun: invalid value '%s' for --cpu-set: %s\n"
                    "Try 'mini-mpirun --help'.\n", opts->cpu_set, err);
            code = PLACE_EXIT_USAGE;
        } else {
            fprintf(stderr, "mini-mpirun: %s\n", err);
        }
        goto err_allowed;
    }
    np->report = opts->report_bindings;
    hwloc_bitmap_free(binding);
    *out = np;
    return 0;

err_allowed:
    hwloc_bitmap_free(binding);
    lnch_node_place_free(np);
    return code;
}

int lnch_node_place_compute(lnch_node_place_t *np, const lnch_place_opts_t *opts, int num_ranks,
                            const lnch_place_share_t *share, const char *host,
                            const int *world_ranks, FILE *map_out)
{
    char err[512];
    if (lnch_place_compute_shared(np->topo, np->allowed, num_ranks, share, opts->map_by,
                                  opts->bind_to, &np->place, err, sizeof(err)) != 0) {
        fprintf(stderr, "mini-mpirun: %s\n", err);
        return 1;
    }
    if (opts->display_map)
        lnch_place_display(map_out, &np->place, host, world_ranks);
    return 0;
}

void lnch_node_place_machine(const lnch_node_place_t *np, char *buf, size_t len)
{
    char boot_id[64] = "";
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f != NULL) {
        if (fgets(boot_id, sizeof(boot_id), f) == NULL)
            boot_id[0] = '\0';
        fclose(f);
    }
    boot_id[strcspn(boot_id, "\n")] = '\0';
    if (boot_id[0] == '\0' || len == 0) {
        if (len > 0)
            buf[0] = '\0';
        return;
    }
    int n = snprintf(buf, len, "%s ", boot_id);
    if (n > 0 && (size_t)n < len)
        hwloc_bitmap_list_snprintf(buf + n, len - (size_t)n, np->allowed);
}

int lnch_node_place_bind(const lnch_node_place_t *np, int local_rank)
{
    /* The child has a single thread, and exec keeps its affinity. */
    return hwloc_set_cpubind(np->topo, np->place.ranks[local_rank].cpuset,
                             HWLOC_CPUBIND_THREAD) == 0 ? 0 : -1;
}

int lnch_node_place_key(const lnch_node_place_t *np, int local_rank, int world_rank, char *key,
                        size_t key_len, char *value, size_t value_len)
{
    int k = snprintf(key, key_len, PMI_WIRE_PLACE_KEY_FMT, world_rank);
    int v = lnch_place_kvs_value(&np->place, local_rank, value, value_len);
    return k < 0 || (size_t)k >= key_len || v < 0 || (size_t)v >= value_len ? -1 : 0;
}

void lnch_node_place_report(const lnch_node_place_t *np, int local_rank, int world_rank,
                            const char *host, pid_t pid)
{
    if (!np->report)
        return;
    char line[2048];
    lnch_place_report_line(&np->place, local_rank, world_rank, host, pid, line, sizeof(line));
    fprintf(stderr, "%s\n", line);
}

void lnch_node_place_free(lnch_node_place_t *np)
{
    if (np == NULL)
        return;
    lnch_place_fini(&np->place);
    hwloc_bitmap_free(np->allowed);
    hwloc_topology_destroy(np->topo);
    free(np);
}

/* ---- The single-node job ------------------------------------------------ */

/* The index among the ranks this process starts (those not remote) of the
 * job's rank index `idx`. */
static int local_index(const lnch_job_t *job, int idx)
{
    int local = 0;
    for (int i = 0; i < idx; i++)
        local += !job->ranks[i].remote;
    return local;
}

int lnch_place_job_load(lnch_job_t *job, const lnch_place_opts_t *opts)
{
    /* Of a multi-node job, this launcher places the ranks of its own node
     * (if any); each daemon places its node's (lnch_daemon.c) and sends their
     * keys and report lines here (lnch_place_job_remote_report). */
    if (opts->report_bindings && job->remote != NULL) {
        size_t n = job->size > 0 ? (size_t)job->size : 1;
        job->report_lines = calloc(n, sizeof(*job->report_lines));
        if (job->report_lines == NULL) {
            fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
            return 1;
        }
    }
    if (local_index(job, job->size) == 0)
        return 0;
    return lnch_node_place_load(&job->place, opts);
}

void lnch_place_job_machine(const lnch_job_t *job, char *buf, size_t len)
{
    if (job->place != NULL)
        lnch_node_place_machine(job->place, buf, len);
    else if (len > 0)
        buf[0] = '\0';
}

int lnch_place_job_share(lnch_job_t *job, const lnch_place_opts_t *opts,
                         const lnch_place_share_t *share)
{
    lnch_node_place_t *np = job->place;
    int num_local = local_index(job, job->size);
    if (np == NULL || num_local == 0)
        return 0;
    int *world = malloc((size_t)num_local * sizeof(*world));
    if (world == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        return 1;
    }
    for (int i = 0, l = 0; i < job->size; i++)
        if (!job->ranks[i].remote)
            world[l++] = job->ranks[i].rank;
    int code = lnch_node_place_compute(np, opts, num_local, share, job->host, world, stdout);
    char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
    for (int i = 0; code == 0 && i < num_local; i++) {
        if (lnch_node_place_key(np, i, world[i], key, sizeof(key), value, sizeof(value)) != 0 ||
            lnch_kvs_put(&job->kvs, key, value) != LNCH_KVS_OK) {
            fprintf(stderr, "mini-mpirun: cannot publish the placement of rank %d\n", world[i]);
            code = 1;
        }
    }
    free(world);
    if (code != 0) {
        lnch_node_place_free(np);
        job->place = NULL;
    }
    return code;
}

int lnch_place_job_setup(lnch_job_t *job, const lnch_place_opts_t *opts)
{
    int code = lnch_place_job_load(job, opts);
    return code != 0 ? code : lnch_place_job_share(job, opts, NULL);
}

int lnch_place_job_bind_child(const lnch_job_t *job, int idx)
{
    return job->place != NULL ? lnch_node_place_bind(job->place, local_index(job, idx)) : 0;
}

/* Print the collected report lines in rank order once every rank's is in. */
static void print_report_when_complete(lnch_job_t *job)
{
    for (int i = 0; i < job->size; i++)
        if (job->report_lines[i] == NULL)
            return;
    for (int i = 0; i < job->size; i++) {
        fprintf(stderr, "%s\n", job->report_lines[i]);
        free(job->report_lines[i]);
    }
    fflush(stderr);
    free(job->report_lines);
    job->report_lines = NULL;
}

void lnch_place_job_report(lnch_job_t *job)
{
    if (job->place == NULL && job->report_lines == NULL)
        return;
    char line[2048];
    for (int i = 0; i < job->size; i++) {
        if (job->ranks[i].remote || job->ranks[i].pid <= 0)
            continue;
        if (job->report_lines == NULL) {
            lnch_node_place_report(job->place, local_index(job, i), i, job->host,
                                   job->ranks[i].pid);
        } else if (job->place->report) {
            lnch_place_report_line(&job->place->place, local_index(job, i), i, job->host,
                                   job->ranks[i].pid, line, sizeof(line));
            lnch_place_job_remote_report(job, i, line, strlen(line));
        }
    }
    fflush(stderr);
}

void lnch_place_job_remote_report(lnch_job_t *job, int rank, const char *line, size_t len)
{
    if (job->report_lines == NULL || rank < 0 || rank >= job->size ||
        job->report_lines[rank] != NULL)
        return;
    job->report_lines[rank] = strndup(line, len);
    if (job->report_lines[rank] != NULL)
        print_report_when_complete(job);
}

void lnch_place_job_fini(lnch_job_t *job)
{
    lnch_node_place_free(job->place);
    job->place = NULL;
    /* Ranks that never started leave the report incomplete: it is not
     * printed. */
    if (job->report_lines != NULL) {
        for (int i = 0; i < job->size; i++)
            free(job->report_lines[i]);
        free(job->report_lines);
        job->report_lines = NULL;
    }
}

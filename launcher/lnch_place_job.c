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

int lnch_node_place_init(lnch_node_place_t **out, const lnch_place_opts_t *opts, int num_ranks,
                         const char *host, const int *world_ranks)
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
    hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
    if (allowed == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        goto err_allowed;
    }
    if (lnch_place_allowed(np->topo, binding, opts->cpu_set, allowed, err, sizeof(err)) != 0) {
        if (opts->cpu_set != NULL) {
            fprintf(stderr, "mini-mpirun: invalid value '%s' for --cpu-set: %s\n"
                    "Try 'mini-mpirun --help'.\n", opts->cpu_set, err);
            code = PLACE_EXIT_USAGE;
        } else {
            fprintf(stderr, "mini-mpirun: %s\n", err);
        }
        goto err_allowed;
    }
    if (lnch_place_compute(np->topo, allowed, num_ranks, opts->map_by, opts->bind_to, &np->place,
                           err, sizeof(err)) != 0) {
        fprintf(stderr, "mini-mpirun: %s\n", err);
        goto err_allowed;
    }
    np->report = opts->report_bindings;
    if (opts->display_map)
        lnch_place_display(stdout, &np->place, host, world_ranks);
    hwloc_bitmap_free(allowed);
    hwloc_bitmap_free(binding);
    *out = np;
    return 0;

err_allowed:
    hwloc_bitmap_free(allowed);
    hwloc_bitmap_free(binding);
    hwloc_topology_destroy(np->topo);
    free(np);
    return code;
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
    hwloc_topology_destroy(np->topo);
    free(np);
}

/* ---- The single-node job ------------------------------------------------ */

int lnch_place_job_setup(lnch_job_t *job, const lnch_place_opts_t *opts)
{
    lnch_node_place_t *np;
    /* Placement is computed for the launcher's own node; the daemons of a
     * multi-node job do not place their ranks yet (they could call
     * lnch_node_place_* with their own ranks), so such ranks run unbound and
     * learn their node-local layout from PMI_process_mapping. */
    if (job->remote != NULL) {
        if (opts->map_by != LNCH_MAP_SLOT || opts->bind_to != LNCH_BIND_DEFAULT ||
            opts->cpu_set != NULL || opts->report_bindings || opts->display_map)
            fprintf(stderr, "mini-mpirun: warning: --map-by, --bind-to, --cpu-set, "
                            "--report-bindings and --display-map apply to single-node jobs "
                            "only for now; the ranks of this multi-node job are not bound\n");
        return 0;
    }
    int code = lnch_node_place_init(&np, opts, job->size, job->host, NULL);
    if (code != 0)
        return code;
    char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
    for (int i = 0; i < job->size; i++) {
        if (lnch_node_place_key(np, i, i, key, sizeof(key), value, sizeof(value)) != 0 ||
            lnch_kvs_put(&job->kvs, key, value) != LNCH_KVS_OK) {
            fprintf(stderr, "mini-mpirun: cannot publish the placement of rank %d\n", i);
            lnch_node_place_free(np);
            return 1;
        }
    }
    job->place = np;
    return 0;
}

int lnch_place_job_bind_child(const lnch_job_t *job, int rank)
{
    return job->place != NULL ? lnch_node_place_bind(job->place, rank) : 0;
}

void lnch_place_job_report(const lnch_job_t *job)
{
    if (job->place == NULL)
        return;
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].pid > 0)
            lnch_node_place_report(job->place, i, i, job->host, job->ranks[i].pid);
    fflush(stderr);
}

void lnch_place_job_fini(lnch_job_t *job)
{
    lnch_node_place_free(job->place);
    job->place = NULL;
}

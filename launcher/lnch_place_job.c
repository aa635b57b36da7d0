/*
 * lnch_place_job.c -- placement of a single-node job (see lnch_place_job.h).
 */
#include "lnch_place_job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmi_wire.h"

/* Exit status for a bad command line (as lnch_main.c). */
#define PLACE_EXIT_USAGE 2

/* What the job holds: the placement and the topology it refers to. */
struct lnch_job_place {
    lnch_place_t place;
    hwloc_topology_t topo;
    int report;
};

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

static int publish(lnch_job_t *job, const lnch_place_t *place)
{
    char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
    for (int i = 0; i < place->num_ranks; i++) {
        snprintf(key, sizeof(key), PMI_WIRE_PLACE_KEY_FMT, i);
        int n = lnch_place_kvs_value(place, i, value, sizeof(value));
        if (n < 0 || (size_t)n >= sizeof(value) ||
            lnch_kvs_put(&job->kvs, key, value) != LNCH_KVS_OK)
            return -1;
    }
    return 0;
}

int lnch_place_job_setup(lnch_job_t *job, const lnch_place_opts_t *opts)
{
    char err[512];
    int code = 1;
    /* Placement is computed for the launcher's own node; the daemons of a
     * multi-node job do not place their ranks yet, so such ranks run unbound
     * and learn their node-local layout from PMI_process_mapping. */
    if (job->remote != NULL) {
        if (opts->map_by != LNCH_MAP_SLOT || opts->bind_to != LNCH_BIND_DEFAULT ||
            opts->cpu_set != NULL || opts->report_bindings || opts->display_map)
            fprintf(stderr, "mini-mpirun: warning: --map-by, --bind-to, --cpu-set, "
                            "--report-bindings and --display-map apply to single-node jobs "
                            "only for now; the ranks of this multi-node job are not bound\n");
        return 0;
    }
    struct lnch_job_place *jp = calloc(1, sizeof(*jp));
    if (jp == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        return 1;
    }
    if (load_topology(&jp->topo) != 0) {
        fprintf(stderr, "mini-mpirun: cannot read this machine's topology (hwloc): %s\n",
                strerror(errno));
        free(jp);
        return 1;
    }
    hwloc_bitmap_t binding = own_binding(jp->topo);
    hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
    if (allowed == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory placing the ranks\n");
        goto err_allowed;
    }
    if (lnch_place_allowed(jp->topo, binding, opts->cpu_set, allowed, err, sizeof(err)) != 0) {
        if (opts->cpu_set != NULL) {
            fprintf(stderr, "mini-mpirun: invalid value '%s' for --cpu-set: %s\n"
                    "Try 'mini-mpirun --help'.\n", opts->cpu_set, err);
            code = PLACE_EXIT_USAGE;
        } else {
            fprintf(stderr, "mini-mpirun: %s\n", err);
        }
        goto err_allowed;
    }
    if (lnch_place_compute(jp->topo, allowed, job->size, opts->map_by, opts->bind_to, &jp->place,
                           err, sizeof(err)) != 0) {
        fprintf(stderr, "mini-mpirun: %s\n", err);
        goto err_allowed;
    }
    if (publish(job, &jp->place) != 0) {
        fprintf(stderr, "mini-mpirun: cannot publish the placement of the ranks\n");
        lnch_place_fini(&jp->place);
        goto err_allowed;
    }
    jp->report = opts->report_bindings;
    if (opts->display_map)
        lnch_place_display(stdout, &jp->place, job->host, NULL);
    hwloc_bitmap_free(allowed);
    hwloc_bitmap_free(binding);
    job->place = jp;
    return 0;

err_allowed:
    hwloc_bitmap_free(allowed);
    hwloc_bitmap_free(binding);
    hwloc_topology_destroy(jp->topo);
    free(jp);
    return code;
}

int lnch_place_job_bind_child(const lnch_job_t *job, int rank)
{
    if (job->place == NULL)
        return 0;
    /* The child has a single thread, and exec keeps its affinity. */
    const lnch_place_t *place = &job->place->place;
    if (hwloc_set_cpubind(job->place->topo, place->ranks[rank].cpuset,
                          HWLOC_CPUBIND_THREAD) != 0)
        return -1;
    return 0;
}

void lnch_place_job_report(const lnch_job_t *job)
{
    if (job->place == NULL || !job->place->report)
        return;
    for (int i = 0; i < job->size; i++) {
        if (job->ranks[i].pid <= 0)
            continue;
        char line[2048];
        lnch_place_report_line(&job->place->place, i, i, job->host, job->ranks[i].pid, line,
                               sizeof(line));
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

void lnch_place_job_fini(lnch_job_t *job)
{
    if (job->place == NULL)
        return;
    lnch_place_fini(&job->place->place);
    hwloc_topology_destroy(job->place->topo);
    free(job->place);
    job->place = NULL;
}

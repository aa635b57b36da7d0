/*
 * rt_boot.c -- choose the bootstrap back end and derive the job's layout
 * (which ranks share this node, whether the node is oversubscribed) that the
 * transports are given in rt_proc.job.
 */
#define _GNU_SOURCE
#include "rt.h"
#include "rt_boot.h"

#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmi_wire.h"

static const rt_boot_ops_t *boot_ops;
static rt_boot_info_t boot_info;

/* Layout arrays handed to the transports through rt_proc.job. */
static int *layout_node_of_rank;
static int *layout_local_ranks;
static char layout_job_id[64];

/* ---- Singleton: a job of one process and a private key-value table ---- */

typedef struct singleton_kv {
    char *key;
    char *value;
    struct singleton_kv *next;
} singleton_kv_t;

static singleton_kv_t *singleton_store;

static int singleton_put(const char *key, const char *value)
{
    singleton_kv_t *kv = malloc(sizeof(*kv));
    if (kv == NULL)
        return -1;
    kv->key = strdup(key);
    kv->value = strdup(value);
    if (kv->key == NULL || kv->value == NULL) {
        free(kv->key);
        free(kv->value);
        free(kv);
        return -1;
    }
    kv->next = singleton_store;
    singleton_store = kv;
    return 0;
}

static int singleton_get(const char *key, char *value, size_t value_len)
{
    for (singleton_kv_t *kv = singleton_store; kv != NULL; kv = kv->next) {
        if (strcmp(kv->key, key) == 0) {
            if (strlen(kv->value) >= value_len)
                return -1;
            strcpy(value, kv->value);
            return 0;
        }
    }
    return -1;
}

static int singleton_fence(void)
{
    return 0;
}

static void singleton_abort(int exit_code, const char *msg)
{
    (void)exit_code;
    (void)msg;
}

static int singleton_finalize(void)
{
    while (singleton_store != NULL) {
        singleton_kv_t *next = singleton_store->next;
        free(singleton_store->key);
        free(singleton_store->value);
        free(singleton_store);
        singleton_store = next;
    }
    return 0;
}

static const rt_boot_ops_t singleton_ops = {
    .put = singleton_put,
    .get = singleton_get,
    .fence = singleton_fence,
    .abort = singleton_abort,
    .finalize = singleton_finalize,
};

const rt_boot_ops_t *rt_boot_singleton_start(rt_boot_info_t *info)
{
    info->rank = 0;
    info->size = 1;
    info->appnum = 0;
    snprintf(info->kvsname, sizeof(info->kvsname), "s%ld", (long)getpid());
    snprintf(info->process_mapping, sizeof(info->process_mapping), "(vector,(0,1,1))");
    return &singleton_ops;
}

/*
 * Without a mapping from the server, find the node of every rank by host
 * name: each rank publishes its own, a fence, then everyone reads all.
 */
static int layout_from_hostnames(int size, int *node_of_rank)
{
    char key[64], value[TP_KVS_VALUE_MAX];
    snprintf(key, sizeof(key), "rt-host-%d", rt_proc.world_rank);
    if (boot_ops->put(key, rt_proc.hostname) != 0 || boot_ops->fence() != 0)
        return -1;
    char (*names)[MPI_MAX_PROCESSOR_NAME] = calloc((size_t)size, sizeof(*names));
    if (names == NULL)
        return -1;
    int num_nodes = 0;
    for (int r = 0; r < size; r++) {
        snprintf(key, sizeof(key), "rt-host-%d", r);
        if (boot_ops->get(key, value, sizeof(value)) != 0) {
            free(names);
            return -1;
        }
        size_t len = strnlen(value, sizeof(names[r]) - 1);
        memcpy(names[r], value, len);
        names[r][len] = '\0';
        node_of_rank[r] = -1;
        for (int q = 0; q < r; q++) {
            if (strcmp(names[q], names[r]) == 0) {
                node_of_rank[r] = node_of_rank[q];
                break;
            }
        }
        if (node_of_rank[r] < 0)
            node_of_rank[r] = num_nodes++;
    }
    free(names);
    return num_nodes;
}

/* Cores this process may run on, from its affinity mask. */
static int usable_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/*
 * What mini-mpirun decided for this rank (PMI_WIRE_PLACE_KEY_FMT): whether
 * the node is oversubscribed, and for the verbose report the binding.
 * Returns 1 or 0 (oversubscribed or not), or -1 when the launcher did not
 * say (another launcher, a singleton): the caller then judges by itself.
 */
static int launcher_oversubscribed(const tp_job_t *job)
{
    char key[64], value[TP_KVS_VALUE_MAX];
    int local_rank, local_size, oversub, bound, cpus_at = 0;
    snprintf(key, sizeof(key), PMI_WIRE_PLACE_KEY_FMT, rt_proc.world_rank);
    if (boot_ops->get(key, value, sizeof(value)) != 0)
        return -1;
    if (sscanf(value, "%d,%d,%d,%d,%n", &local_rank, &local_size, &oversub, &bound,
               &cpus_at) != 4 || cpus_at == 0 || (oversub != 0 && oversub != 1)) {
        fprintf(stderr, "minimpi: rank %d: ignoring malformed %s '%s'\n", rt_proc.world_rank,
                key, value);
        return -1;
    }
    /* The launcher counted the ranks it started here; the mapping must agree. */
    if (local_rank != job->local_rank || local_size != job->local_size)
        fprintf(stderr, "minimpi: rank %d: the launcher places it as local rank %d of %d, "
                "PMI_process_mapping as %d of %d\n", rt_proc.world_rank, local_rank, local_size,
                job->local_rank, job->local_size);
    rt_verbose("boot", "%s cpus %s by the launcher%s", bound ? "bound to" : "not bound, may use",
               value + cpus_at, oversub ? ", node oversubscribed" : "");
    return oversub;
}

static int build_layout(void)
{
    int size = rt_proc.world_size;
    tp_job_t *job = &rt_proc.job;

    layout_node_of_rank = calloc((size_t)size, sizeof(int));
    layout_local_ranks = calloc((size_t)size, sizeof(int));
    if (layout_node_of_rank == NULL || layout_local_ranks == NULL) {
        fprintf(stderr, "minimpi: rank %d: out of memory for the job layout\n", rt_proc.world_rank);
        return -1;
    }
    int num_nodes = -1;
    if (boot_info.process_mapping[0] != '\0') {
        num_nodes = rt_boot_parse_mapping(boot_info.process_mapping, size, layout_node_of_rank);
        if (num_nodes < 0)
            fprintf(stderr, "minimpi: rank %d: ignoring malformed PMI_process_mapping '%s'\n",
                    rt_proc.world_rank, boot_info.process_mapping);
    }
    if (num_nodes < 0)
        num_nodes = layout_from_hostnames(size, layout_node_of_rank);
    if (num_nodes < 0) {
        fprintf(stderr, "minimpi: rank %d: cannot learn which ranks share this node\n",
                rt_proc.world_rank);
        return -1;
    }

    job->world_rank = rt_proc.world_rank;
    job->world_size = size;
    job->num_nodes = num_nodes;
    job->node_of_rank = layout_node_of_rank;
    job->node_id = layout_node_of_rank[rt_proc.world_rank];
    job->local_size = 0;
    for (int r = 0; r < size; r++) {
        if (layout_node_of_rank[r] == job->node_id) {
            if (r == rt_proc.world_rank)
                job->local_rank = job->local_size;
            layout_local_ranks[job->local_size++] = r;
        }
    }
    job->local_ranks = layout_local_ranks;

    /* The job id goes into file names: keep only characters safe there. */
    size_t j = 0;
    for (size_t i = 0; boot_info.kvsname[i] != '\0' && j + 1 < sizeof(layout_job_id); i++) {
        char c = boot_info.kvsname[i];
        if (isalnum((unsigned char)c) || c == '-' || c == '_')
            layout_job_id[j++] = c;
    }
    layout_job_id[j] = '\0';
    job->job_id = layout_job_id;
    job->oversubscribed = launcher_oversubscribed(job);
    if (job->oversubscribed < 0)
        job->oversubscribed = job->local_size > usable_cpus();
    job->verbose = rt_verbose_on("transport");
    job->boot = &rt_boot_tp_ops;
    return 0;
}

/* A non-negative integer environment variable, or -1 when unset or malformed. */
static int env_int(const char *name)
{
    const char *s = getenv(name);
    char *end;
    if (s == NULL || *s == '\0')
        return -1;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0 || v > (1L << 30))
        return -1;
    return (int)v;
}

/*
 * A launcher-less start inside a Slurm step of several tasks means srun ran
 * us without a PMI plugin: each task would silently be a singleton, N copies
 * of a one-rank job.  Refuse, saying what to do instead.
 */
static int refuse_slurm_without_pmi(void)
{
    int step_tasks = env_int("SLURM_STEP_NUM_TASKS");
    if (step_tasks <= 1)
        return 0;
    fprintf(stderr,
            "minimpi: task %d of %d in a Slurm step, but Slurm gave it no PMI connection "
            "(PMI_FD/PMI_PORT unset): run it with `srun --mpi=pmi2` or with mini-mpirun\n",
            env_int("SLURM_PROCID"), step_tasks);
    return -1;
}

/* Connect to whatever started us: an inherited PMI fd, a PMI port, or nothing. */
static const rt_boot_ops_t *boot_start(void)
{
    const char *fd_text = getenv("PMI_FD");
    const char *port_text = getenv("PMI_PORT");
    if (fd_text != NULL && *fd_text != '\0') {
        int fd = env_int("PMI_FD");
        int rank = env_int("PMI_RANK"), size = env_int("PMI_SIZE");
        if (fd < 0) {
            fprintf(stderr, "minimpi: PMI_FD='%s' is not a file descriptor\n", fd_text);
            return NULL;
        }
        if (rank < 0 || size < 1 || rank >= size) {
            fprintf(stderr, "minimpi: PMI_FD is set but PMI_RANK/PMI_SIZE are missing or invalid "
                            "(PMI_RANK=%s PMI_SIZE=%s)\n",
                    getenv("PMI_RANK") ? getenv("PMI_RANK") : "unset",
                    getenv("PMI_SIZE") ? getenv("PMI_SIZE") : "unset");
            return NULL;
        }
        return rt_boot_pmi_start(fd, rank, size, &boot_info);
    }
    if (port_text != NULL && *port_text != '\0') {
        int id = env_int("PMI_ID"), fd, rank, size;
        if (id < 0) {
            fprintf(stderr, "minimpi: PMI_PORT is set but PMI_ID is missing or invalid (%s)\n",
                    getenv("PMI_ID") ? getenv("PMI_ID") : "unset");
            return NULL;
        }
        if (rt_boot_port_connect(port_text, id, &fd, &rank, &size) != 0)
            return NULL;
        return rt_boot_pmi_start(fd, rank, size, &boot_info);
    }
    if (refuse_slurm_without_pmi() != 0)
        return NULL;
    return rt_boot_singleton_start(&boot_info);
}

int rt_boot_init(void)
{
    if (gethostname(rt_proc.hostname, sizeof(rt_proc.hostname)) != 0)
        snprintf(rt_proc.hostname, sizeof(rt_proc.hostname), "unknown");
    rt_proc.hostname[sizeof(rt_proc.hostname) - 1] = '\0';

    boot_ops = boot_start();
    if (boot_ops == NULL)
        return -1;
    rt_proc.world_rank = boot_info.rank;
    rt_proc.world_size = boot_info.size;
    if (build_layout() != 0)
        return -1;
    rt_verbose("boot", "rank %d of %d, node %d of %d, local rank %d of %d, job %s%s",
               rt_proc.world_rank, rt_proc.world_size, rt_proc.job.node_id,
               rt_proc.job.num_nodes, rt_proc.job.local_rank, rt_proc.job.local_size,
               rt_proc.job.job_id, rt_proc.job.oversubscribed ? ", oversubscribed" : "");
    return 0;
}

int rt_boot_put(const char *key, const char *value)
{
    return boot_ops->put(key, value);
}

int rt_boot_get(const char *key, char *value, size_t value_len)
{
    return boot_ops->get(key, value, value_len);
}

int rt_boot_fence(void)
{
    return boot_ops->fence();
}

void rt_boot_abort(int exit_code, const char *msg)
{
    if (boot_ops != NULL)
        boot_ops->abort(exit_code, msg);
}

int rt_boot_finalize(void)
{
    int rc = boot_ops->finalize();
    free(layout_node_of_rank);
    free(layout_local_ranks);
    layout_node_of_rank = layout_local_ranks = NULL;
    rt_proc.job.node_of_rank = rt_proc.job.local_ranks = NULL;
    return rc;
}

const tp_boot_ops_t rt_boot_tp_ops = {
    .kvs_put = rt_boot_put,
    .kvs_get = rt_boot_get,
    .fence = rt_boot_fence,
};

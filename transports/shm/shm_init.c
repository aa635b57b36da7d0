/*
 * shm_init.c -- bringing the shared-memory transport up and down.
 *
 * init is collective over the whole job and always takes part in exactly
 * two bootstrap fences, whatever happens locally, so that one rank's
 * failure never leaves the others waiting in a fence:
 *   1. local rank 0 creates and lays out the node's segment and publishes
 *      its nonce (or "failed") in the KVS;                     -- fence 1 --
 *   2. every other local rank opens and maps it, checks the nonce, and all
 *      reserve and lay out their own receive queue and fast boxes (so they
 *      are on their own NUMA node) and fill their slot (pid, CMA probe
 *      address, "attached");                                    -- fence 2 --
 *   3. local rank 0 unlinks the file: from here on nothing of the job is in
 *      /dev/shm, whatever way the job ends; everyone checks that every
 *      local rank attached and probes single copy on a neighbour.
 */
#include "shm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "shm_cma.h"
#include "shm_segment.h"

static tp_status_t boot_fence(const tp_job_t *job, const char *when)
{
    if (job->boot->fence() != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: bootstrap fence %s failed\n", job->world_rank,
                when);
        return TP_ESYS;
    }
    return TP_OK;
}

/* The layout must make sense before we trust it with memory offsets. */
static int job_ok(const tp_job_t *job)
{
    const char *bad = NULL;
    if (job->boot == NULL || job->boot->fence == NULL || job->boot->kvs_put == NULL ||
        job->boot->kvs_get == NULL)
        bad = "no bootstrap services";
    else if (job->am_handler == NULL)
        bad = "no active-message handler";
    else if (job->world_size < 1 || job->world_rank < 0 || job->world_rank >= job->world_size)
        bad = "world rank out of range";
    else if (job->local_size < 1 || job->local_size > job->world_size || job->local_rank < 0 ||
             job->local_rank >= job->local_size || job->local_ranks == NULL)
        bad = "local rank out of range";
    else if (job->local_ranks[job->local_rank] != job->world_rank)
        bad = "local_ranks[local_rank] is not this rank";
    for (int i = 0; bad == NULL && i < job->local_size; i++)
        if (job->local_ranks[i] < 0 || job->local_ranks[i] >= job->world_size ||
            (i > 0 && job->local_ranks[i] <= job->local_ranks[i - 1]))
            bad = "local_ranks is not an ascending list of world ranks";
    if (bad != NULL) {
        fprintf(stderr, "minimpi: rank %d: shm: invalid job layout: %s\n", job->world_rank, bad);
        return 0;
    }
    return 1;
}

static tp_status_t read_depth(int rank, uint32_t *depth_out)
{
    const char *text = cfg_get("MINIMPI_SHM_QUEUE_DEPTH");
    long long depth = cfg_get_num("MINIMPI_SHM_QUEUE_DEPTH");
    if (depth < 2 || depth > SHM_MAX_DEPTH || (depth & (depth - 1)) != 0) {
        fprintf(stderr,
                "minimpi: rank %d: shm: MINIMPI_SHM_QUEUE_DEPTH=%s must be a power of two "
                "from 2 to %u\n",
                rank, text, SHM_MAX_DEPTH);
        return TP_EINVAL;
    }
    *depth_out = (uint32_t)depth;
    return TP_OK;
}

static uint64_t make_nonce(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)getpid() << 40) ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec;
}

static tp_status_t alloc_instance(const tp_job_t *job, shm_tp_t **shm_out)
{
    shm_tp_t *shm = calloc(1, sizeof(*shm));
    if (shm != NULL) {
        shm->queue_of = calloc((size_t)job->world_size, sizeof(*shm->queue_of));
        shm->pid_of = calloc((size_t)job->world_size, sizeof(*shm->pid_of));
        shm->pair = calloc((size_t)job->world_size, sizeof(*shm->pair));
        shm->fast_src = calloc((size_t)job->world_size, sizeof(*shm->fast_src));
    }
    if (shm == NULL || shm->queue_of == NULL || shm->pid_of == NULL || shm->pair == NULL ||
        shm->fast_src == NULL) {
        fprintf(stderr, "minimpi: rank %d: shm: out of memory for %d peers\n", job->world_rank,
                job->world_size);
        if (shm != NULL) {
            free(shm->queue_of);
            free(shm->pid_of);
            free(shm->pair);
            free(shm->fast_src);
            free(shm);
        }
        return TP_ENOMEM;
    }
    shm->world_rank = job->world_rank;
    shm->world_size = job->world_size;
    shm->pid = getpid();
    shm->am_handler = job->am_handler;
    shm->am_handler_arg = job->am_handler_arg;
    *shm_out = shm;
    return TP_OK;
}

static void destroy_instance(shm_tp_t *shm)
{
    if (shm == NULL)
        return;
    if (shm->seg != NULL)
        munmap(shm->seg, shm->seg_bytes);
    free(shm->queue_of);
    free(shm->pid_of);
    free(shm->pair);
    free(shm->fast_src);
    free(shm);
}

/* Local rank 0, before fence 1. */
static tp_status_t create_segment(const tp_job_t *job, const char *name, shm_tp_t *shm,
                                  uint64_t nonce)
{
    uint32_t depth;
    tp_status_t st = read_depth(job->world_rank, &depth);
    if (st != TP_OK)
        return st;
    size_t bytes = shm_segment_bytes(job->local_size, depth, SHM_CELL_SIZE);
    st = shm_segment_create(job->world_rank, name, bytes,
                            shm_segment_shared_bytes(job->local_size), &shm->seg);
    if (st != TP_OK)
        return st;
    shm->seg_bytes = bytes;
    shm_segment_format(shm->seg, bytes, job->local_size, depth, SHM_CELL_SIZE,
                       cfg_get_bool("MINIMPI_SHM_CMA"), nonce);
    return TP_OK;
}

/* Other local ranks, after fence 1. */
static tp_status_t attach_segment(const tp_job_t *job, const char *name, const char *key,
                                  shm_tp_t *shm)
{
    char value[TP_KVS_VALUE_MAX];
    if (job->boot->kvs_get(key, value, sizeof(value)) != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: kvs_get(%s) failed\n", job->world_rank, key);
        return TP_ESYS;
    }
    /* Local rank 0 has already said why it could not create the segment. */
    if (strcmp(value, "failed") == 0)
        return TP_EPEER;
    char *end;
    errno = 0;
    uint64_t nonce = strtoull(value, &end, 16);
    if (errno != 0 || end == value || *end != '\0') {
        fprintf(stderr, "minimpi: rank %d: shm: kvs value %s=%s is not a segment nonce\n",
                job->world_rank, key, value);
        return TP_EINVAL;
    }
    tp_status_t st = shm_segment_attach(job->world_rank, name, &shm->seg, &shm->seg_bytes);
    if (st != TP_OK)
        return st;
    if (!shm_segment_matches(shm->seg, shm->seg_bytes, job->local_size, nonce)) {
        fprintf(stderr,
                "minimpi: rank %d: shm: %s is not this job's segment for %d local ranks "
                "(a file left by another job with the same id?)\n",
                job->world_rank, name, job->local_size);
        return TP_EINVAL;
    }
    return TP_OK;
}

static void publish_slot(const tp_job_t *job, shm_tp_t *shm)
{
    shm_slot_t *slot = shm_segment_slot(shm->seg, job->local_rank);
    slot->pid = (int32_t)shm->pid;
    slot->world_rank = job->world_rank;
    slot->probe_addr = shm_cma_probe_addr();
    atomic_store_explicit(&slot->attached, 1, memory_order_release);
}

/* After fence 2: every local rank must have attached; learn where they are. */
static tp_status_t map_peers(const tp_job_t *job, shm_tp_t *shm)
{
    int fbox_on = cfg_get_bool("MINIMPI_SHM_FASTBOX");
    for (int i = 0; i < job->local_size; i++) {
        shm_slot_t *slot = shm_segment_slot(shm->seg, i);
        /* The rank that failed to attach has reported why. */
        if (!atomic_load_explicit(&slot->attached, memory_order_acquire))
            return TP_EPEER;
        int peer = job->local_ranks[i];
        if (slot->world_rank != peer) {
            fprintf(stderr,
                    "minimpi: rank %d: shm: local rank %d is world rank %d in the segment "
                    "but %d in the job layout\n",
                    job->world_rank, i, (int)slot->world_rank, peer);
            return TP_EINVAL;
        }
        shm->queue_of[peer] = shm_segment_queue(shm->seg, i);
        shm->pid_of[peer] = (pid_t)slot->pid;
        shm_pair_t *pair = &shm->pair[peer];
        pair->pool = shm_segment_fbox_pool(shm->seg, i);
        pair->slot = slot;
        pair->no_out_box = !fbox_on || peer == job->world_rank;
        pair->out_next = pair->in_next = pair->out_limit = SHM_FBOX_FIRST;
        pair->out_queued = pair->in_queued = SHM_FBOX_FIRST;
        shm_duplex_end_init(&pair->duplex, SHM_FBOX_FIRST);
    }
    shm->own_queue = shm->queue_of[job->world_rank];
    shm->own_pool = shm->pair[job->world_rank].pool;
    shm->own_slot = shm->pair[job->world_rank].slot;
    /* The node's ranks share cores, so they sleep when idle (shm_wait) and
     * senders must ring; otherwise nobody sleeps and sending costs nothing more. */
    shm->ring_bells = job->oversubscribed != 0;
    shm->verbose = job->verbose;
    return TP_OK;
}

/* Decide on single copy once per job: allowed by the node, and working on a neighbour. */
static void choose_cma(const tp_job_t *job, shm_tp_t *shm)
{
    char why[160] = "";
    int on = 0;
    if (!shm_segment_hdr(shm->seg)->cma_allowed) {
        snprintf(why, sizeof(why), "MINIMPI_SHM_CMA=0");
    } else {
        shm_slot_t *next = shm_segment_slot(shm->seg, (job->local_rank + 1) % job->local_size);
        on = shm_cma_probe((pid_t)next->pid, next->probe_addr, why, sizeof(why));
    }
    shm->base.can_get = on;
    snprintf(shm->base.single_copy, sizeof(shm->base.single_copy), "%s",
             on ? "CMA (process_vm_readv)" : why);
    if (!on && job->verbose)
        fprintf(stderr, "minimpi: rank %d: shm: single-copy off: %s\n", job->world_rank, why);
}

tp_status_t shm_init(const tp_job_t *job, tp_t **tp_out)
{
    *tp_out = NULL;
    if (job == NULL || !job_ok(job))
        return TP_EINVAL;
    shm_cma_allow_readers();

    if (job->local_size == 1) {
        /* Nobody to share memory with, but the fences are collective. */
        if (boot_fence(job, "before attach") != TP_OK || boot_fence(job, "after attach") != TP_OK)
            return TP_ESYS;
        return TP_ENOTSUP;
    }

    char name[SHM_SEGMENT_NAME_MAX];
    char key[64];
    snprintf(key, sizeof(key), "shm-seg-n%d", job->node_id);
    shm_tp_t *shm = NULL;
    int created = 0;
    tp_status_t st = shm_segment_name(job->world_rank, job->job_id, job->node_id, name,
                                      sizeof(name));
    if (st == TP_OK)
        st = alloc_instance(job, &shm);

    if (job->local_rank == 0) {
        uint64_t nonce = make_nonce();
        if (st == TP_OK)
            st = create_segment(job, name, shm, nonce);
        created = st == TP_OK;
        char value[32] = "failed";
        if (st == TP_OK)
            snprintf(value, sizeof(value), "%016" PRIx64, nonce);
        if (job->boot->kvs_put(key, value) != 0) {
            fprintf(stderr, "minimpi: rank %d: shm: kvs_put(%s) failed\n", job->world_rank, key);
            st = TP_ESYS;
        }
    }

    if (boot_fence(job, "after creating the segment") != TP_OK) {
        if (created)
            shm_segment_unlink(job->world_rank, name);
        destroy_instance(shm);
        return TP_ESYS;
    }

    if (st == TP_OK && job->local_rank != 0)
        st = attach_segment(job, name, key, shm);
    /* Our own receive queue and boxes: reserved and first touched by us,
     * so that they sit on our NUMA node; nobody sends before fence 2. */
    if (st == TP_OK)
        st = shm_segment_take_own(job->world_rank, name, shm->seg, job->local_rank);
    if (st == TP_OK)
        publish_slot(job, shm);

    tp_status_t fence_st = boot_fence(job, "after attaching the segment");
    if (created && shm_segment_unlink(job->world_rank, name) != TP_OK && st == TP_OK)
        st = TP_ESYS;
    if (st == TP_OK)
        st = fence_st;
    if (st == TP_OK)
        st = map_peers(job, shm);
    if (st != TP_OK) {
        destroy_instance(shm);
        return st;
    }

    shm_seg_hdr_t *hdr = shm_segment_hdr(shm->seg);
    shm->base.ops = &tp_shm_ops;
    shm->base.name = "shm";
    shm->base.am_max_hdr = SHM_QUEUE_MAX_HDR;
    shm->base.am_max_payload = shm_queue_max_payload(hdr->cell_size);
    choose_cma(job, shm);
    if (job->verbose)
        fprintf(stderr,
                "minimpi: rank %d: shm: %d local ranks, segment %.1f KiB (%.1f KiB per rank), "
                "%u cells of %u B per queue, am_max_hdr %zu B, am_max_payload %zu B, "
                "fast boxes %s (header + payload up to %zu B inline, %u per receiver; "
                "answers up to %zu B through a pair's duplex lane), "
                "single-copy %s, idle ranks %s\n",
                job->world_rank, job->local_size, (double)shm->seg_bytes / 1024.0,
                (double)shm->seg_bytes / 1024.0 / job->local_size, hdr->depth, hdr->cell_size,
                shm->base.am_max_hdr, shm->base.am_max_payload,
                cfg_get_bool("MINIMPI_SHM_FASTBOX") ? "on" : "off", SHM_FBOX_MAX_INLINE,
                SHM_FBOX_PER_RANK, SHM_DUPLEX_MAX_INLINE, shm->base.can_get ? "on" : "off",
                shm->ring_bells ? "sleep until rung (oversubscribed)" : "spin");
    *tp_out = &shm->base;
    return TP_OK;
}

void shm_finalize(tp_t *tp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (shm->verbose && shm->ring_bells)
        fprintf(stderr,
                "minimpi: rank %d: shm: %lu sleeps: %lu rung, %lu timed out "
                "(%lu with a message in that nobody rang for)\n",
                shm->world_rank, shm->sleeps, shm->sleeps_rung, shm->sleeps_timed_out,
                shm->sleeps_lost);
    destroy_instance(shm);
}

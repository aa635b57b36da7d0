/*
 * shm_ops.c -- the shared-memory transport's ops table and its fast path:
 * am_send copies into the receiver's queue, progress drains our own.
 * No lock, no system call and no allocation on either path.
 */
#include "shm.h"

#include <stdio.h>

#include "shm_cma.h"

static int shm_reachable(tp_t *tp, int peer)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    return peer >= 0 && peer < shm->world_size && shm->queue_of[peer] != NULL;
}

static tp_status_t shm_am_send(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                               const void *payload, size_t payload_len)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (peer < 0 || peer >= shm->world_size || shm->queue_of[peer] == NULL ||
        hdr_len > tp->am_max_hdr || payload_len > tp->am_max_payload) {
        fprintf(stderr,
                "minimpi: rank %d: shm: am_send to rank %d of %zu + %zu bytes: %s\n",
                shm->world_rank, peer, hdr_len, payload_len,
                shm_reachable(tp, peer) ? "message larger than a cell" : "peer not on this node");
        return TP_EINVAL;
    }
    return shm_queue_push(shm->queue_of[peer], shm->world_rank, hdr, hdr_len, payload,
                          payload_len);
}

static int shm_progress(tp_t *tp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    /* A handler that calls progress again would see the cell it is being
     * handed a second time; it gets nothing instead. */
    if (shm->in_progress)
        return 0;
    shm->in_progress = 1;
    int delivered = 0;
    const shm_cell_t *cell;
    while (delivered < SHM_PROGRESS_BATCH && (cell = shm_queue_peek(shm->own_queue)) != NULL) {
        shm->am_handler(shm->am_handler_arg, cell->src, shm_cell_hdr(cell), cell->hdr_len,
                        shm_cell_payload(cell), (size_t)cell->payload_len);
        shm_queue_pop(shm->own_queue, cell);
        delivered++;
    }
    shm->in_progress = 0;
    return delivered;
}

static tp_status_t shm_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    if (!tp->can_get)
        return TP_ENOTSUP;
    shm_cma_expose(shm->pid, buf, len, desc);
    return TP_OK;
}

static void shm_mem_release(tp_t *tp, tp_mem_desc_t *desc)
{
    /* CMA pins nothing: the buffer was only described, not registered. */
    (void)tp;
    (void)desc;
}

static tp_status_t shm_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset,
                           void *local, size_t len, tp_comp_t *comp)
{
    shm_tp_t *shm = (shm_tp_t *)tp;
    (void)comp; /* always synchronous */
    if (!tp->can_get)
        return TP_ENOTSUP;
    if (!shm_reachable(tp, peer)) {
        fprintf(stderr, "minimpi: rank %d: shm: get from rank %d: peer not on this node\n",
                shm->world_rank, peer);
        return TP_EINVAL;
    }
    tp_status_t st = shm_cma_get(shm->world_rank, shm->pid_of[peer], remote, offset, local, len);
    /* Single copy was denied after the probe at start-up (a seccomp filter, a
     * security module): stop trying, so that every later rendezvous goes
     * straight to the pipelined copy instead of failing (and saying so) once
     * per message. */
    if (st == TP_ENOTSUP)
        tp->can_get = 0;
    return st;
}

const tp_ops_t tp_shm_ops = {
    .name = "shm",
    .init = shm_init,
    .reachable = shm_reachable,
    .am_send = shm_am_send,
    .mem_expose = shm_mem_expose,
    .mem_release = shm_mem_release,
    .get = shm_get,
    .progress = shm_progress,
    .finalize = shm_finalize,
};

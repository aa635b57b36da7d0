/*
 * shm.h -- the shared-memory transport's instance, shared by its files
 * (shm_init.c builds it, shm_ops.c moves messages with it).  Private to
 * transports/shm/: the runtime sees only tp_shm_ops.
 */
#ifndef MINIMPI_SHM_H
#define MINIMPI_SHM_H

#include <stddef.h>
#include <sys/types.h>

#include "shm_queue.h"
#include "transports/transport.h"

/*
 * Cells of 8 KiB: big enough that eager messages up to ~8 KB take one cell
 * and the pipelined fallback moves large messages in few steps, small
 * enough that a cell (two pages) stays hot in cache between the sender's
 * copy in and the receiver's copy out.
 */
#define SHM_CELL_SIZE 8192u

/*
 * 64 cells per receive queue by default (MINIMPI_SHM_QUEUE_DEPTH): 512 KiB
 * in flight towards each rank, enough to keep a stream going while the
 * receiver is descheduled for a moment, yet 8 ranks need only 4 MiB.
 */
#define SHM_DEFAULT_DEPTH 64u
#define SHM_MAX_DEPTH 65536u

/* Messages delivered per progress call at most, so one busy queue cannot
 * keep the runtime from its other work. */
#define SHM_PROGRESS_BATCH 32

typedef struct shm_tp {
    tp_t base;                     /* first: tp_t * and shm_tp_t * convert */
    int world_rank;
    pid_t pid;
    tp_am_handler_fn am_handler;
    void *am_handler_arg;
    void *seg;                     /* the node's segment, mapped */
    size_t seg_bytes;
    shm_queue_t *own_queue;        /* where the others send to us */
    int world_size;
    shm_queue_t **queue_of;        /* [world_size]: peer's queue, NULL when not local */
    pid_t *pid_of;                 /* [world_size]: peer's pid, 0 when not local */
    int in_progress;               /* guards against a handler calling progress */
} shm_tp_t;

/* shm_init.c */
tp_status_t shm_init(const tp_job_t *job, tp_t **tp_out);
void shm_finalize(tp_t *tp);

#endif /* MINIMPI_SHM_H */

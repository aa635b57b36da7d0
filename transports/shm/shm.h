/*
 * shm.h -- the shared-memory transport's instance, shared by its files
 * (shm_init.c builds it, shm_ops.c moves messages with it).  Private to
 * transports/shm/: the runtime sees only tp_shm_ops.
 */
#ifndef MINIMPI_SHM_H
#define MINIMPI_SHM_H

#include <stddef.h>
#include <sys/types.h>

#include "shm_fbox.h"
#include "shm_queue.h"
#include "shm_segment.h"
#include "transports/transport.h"

/*
 * Cells of 16 KiB plus headers: eager messages up to 16 KiB take one cell, and a
 * message copied in several cells (up to the single-copy threshold, 64 KiB)
 * pays the per-cell work (claim, header, handler, match) four times, not
 * eight.  Measured against 8 KiB cells (2 ranks, 64 cells, medians of 3):
 * bandwidth at 16/32/64 KiB +20/+25/+38%, 64 KiB latency 5.24 -> 4.31 us,
 * a 64 KiB MPI_Alltoall 8.6 -> 7.2 us; 128-256 B bandwidth (queue
 * messages too big for a fast box) -6%.  32 KiB cells
 * gained more at 64 KiB but lost 10-15% at 1-2 KiB latency and 128-256 B
 * bandwidth: far apart, consecutive small messages touch more pages.
 * 16 KiB of payload exactly, behind the cell header and the largest runtime
 * header (128 bytes): a 16 KiB message takes one cell, not two, and 32 or
 * 64 KiB two or four, not three or five; and cells no longer start at the
 * same offset of a 16 KiB stride, so their header lines do not all fall into
 * the same cache sets.  Against 16384-byte cells (2 ranks, medians of 3):
 * latency 16-64 KiB -6 to -7%, bandwidth 16/32/64 KiB +35/+21/+19%,
 * 128 B-4 KiB +18 to +60%; latency 128-256 B +9% (0.50 -> 0.55 us); with
 * 8 ranks on 2 cores a 16 KiB MPI_Alltoall 170-185 -> 135-149 us.
 */
#define SHM_CELL_SIZE 16512u

/* Cells per receive queue: MINIMPI_SHM_QUEUE_DEPTH, 64 by default (common/cfg.c):
 * 1 MiB in flight towards each rank, enough to keep a stream going while
 * the receiver is descheduled for a moment; 8 ranks need 8 MiB.  At most
 * 32768: a duplex lane message carries the low 16 bits of its sender's
 * queue counter, which must tell a lag of the whole queue from none
 * (shm_duplex.h). */
#define SHM_MAX_DEPTH 32768u
_Static_assert(SHM_MAX_DEPTH < 65536u, "a lane's 16-bit queue counter must cover the queue");

/* Messages delivered per progress call at most, so one busy queue cannot
 * keep the runtime from its other work. */
#define SHM_PROGRESS_BATCH 32

/*
 * What this process knows about one local peer, as sender and as receiver.
 * The counters order the three paths between a pair (duplex lane, fast
 * box and queue); all start at SHM_FBOX_FIRST and wrap (see shm_ops.c).
 */
typedef struct shm_pair {
    shm_fbox_pool_t *pool;         /* the peer's pool, where we claim our box to it */
    shm_slot_t *slot;              /* the peer's slot: its doorbell */
    shm_fbox_t *out_box;           /* our box towards the peer, NULL if none (yet) */
    int no_out_box;                /* its pool was full, or boxes are off: stop asking */
    uint32_t out_next;             /* number of our next box message to the peer */
    uint32_t out_limit;            /* the first number its box has no room for yet,
                                      as far as we know (shm_fbox_push) */
    uint32_t out_queued;           /* our queue messages to the peer so far */
    shm_fbox_t *in_box;            /* the peer's box towards us, once seen */
    uint32_t in_next;              /* number of the next box message we expect */
    uint32_t in_queued;            /* the peer's queue messages we have delivered */
    shm_duplex_end_t duplex;       /* our end of the pair's lane (shm_duplex.h) */
    /* We delivered a message of the peer's since our last one to it: our
     * next message is an answer, and only answers take the lane.  A claim
     * there is a compare-and-swap, whose lock waits for the sender's earlier
     * stores to reach the other core: nothing when answering (the question
     * was read), a line transfer per message in a stream, which the fast
     * box's plain stores overlap (8-byte message rate 7.5 M/s through the
     * lane, 9.2 M/s through the box; 64 bytes 2.7 against 7.3). */
    int heard;
    int polled;                    /* in fast_src: a box or a lane brings us its messages */
    int queue_mapped;              /* the peer's queue is in our page tables
                                      (shm_segment_prefault_queue) */
} shm_pair_t;

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
    shm_pair_t *pair;              /* [world_size]: per local peer, else unused */
    shm_fbox_pool_t *own_pool;     /* boxes others send us small messages through */
    int num_in_boxes;              /* boxes of own_pool found so far */
    int num_fast_src;              /* peers whose box or lane towards us we poll */
    int *fast_src;                 /* [world_size]: those peers */
    int ring_bells;                /* oversubscribed node: ranks may sleep, wake them */
    shm_slot_t *own_slot;
    int verbose;                   /* report the sleep counts at finalize */
    /* How this rank's sleeps ended (shm_wait): rung by a sender (or the
     * doorbell had moved already), or at the time limit with nobody ringing.
     * A sleep that times out although a message had come in means a sender
     * did not ring: a lost wake-up. */
    unsigned long sleeps, sleeps_rung, sleeps_timed_out, sleeps_lost;
} shm_tp_t;

/* shm_init.c */
tp_status_t shm_init(const tp_job_t *job, tp_t **tp_out);
void shm_finalize(tp_t *tp);

#endif /* MINIMPI_SHM_H */

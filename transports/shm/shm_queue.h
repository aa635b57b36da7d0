/*
 * shm_queue.h -- a bounded, lock-free, many-sender one-receiver queue of
 * fixed-size cells that carry a message inline, placed in shared memory.
 *
 * See shm_queue.c for the algorithm and its memory ordering.  The queue
 * holds no pointers, only offsets and counters, so every process may map it
 * at a different address.
 */
#ifndef MINIMPI_SHM_QUEUE_H
#define MINIMPI_SHM_QUEUE_H

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "transports/transport.h"

/* One cache line: the unit that processes share without false sharing. */
#define SHM_CACHE_LINE 64

/*
 * The largest runtime header a cell carries.  It sits at a fixed place right
 * after the cell header, so the payload always starts 128 bytes into the
 * cell, on a cache-line boundary, which keeps the receiver's copy out of the
 * cell aligned whatever the header length.
 */
#define SHM_QUEUE_MAX_HDR 64

/*
 * Head of every cell.  It is exactly one cache line so that the runtime
 * header after it and the payload after that start on cache lines of their
 * own, and so that a cell's control word never shares a line with another
 * cell's data (a sender filling cell i must not slow the receiver draining
 * cell i-1).
 */
typedef struct shm_cell {
    /* Vyukov sequence: position + 1 when full, position + depth when free. */
    _Atomic uint64_t seq;
    int32_t src;                   /* sender's world rank */
    uint32_t hdr_len;              /* bytes of runtime header at shm_cell_hdr() */
    uint64_t payload_len;          /* bytes of payload at shm_cell_payload() */
    uint32_t fbox_before;          /* the sender's next fast-box message number when
                                      it sent this one (see shm_ops.c) */
    uint32_t duplex_before;        /* ... and its next duplex-lane number */
    uint8_t pad[SHM_CACHE_LINE - 32];
} shm_cell_t;

static_assert(sizeof(shm_cell_t) == SHM_CACHE_LINE,
              "a cell header is one cache line, so header and payload stay aligned");
static_assert(alignof(shm_cell_t) <= SHM_CACHE_LINE,
              "cells are placed on cache-line boundaries");

/*
 * The queue's control block, followed in memory by `depth` cells of
 * `cell_size` bytes.  The fields every process only reads, the senders'
 * tail and the receiver's head live on three different cache lines: the
 * tail bounces between senders, the head stays in the receiver's cache.
 */
typedef struct shm_queue {
    alignas(SHM_CACHE_LINE) uint32_t depth;      /* number of cells, a power of two */
    uint32_t cell_size;                          /* bytes per cell, header included */
    uint64_t magic;                              /* SHM_QUEUE_MAGIC once initialised */
    alignas(SHM_CACHE_LINE) _Atomic uint64_t tail;  /* next position a sender claims */
    alignas(SHM_CACHE_LINE) uint64_t head;          /* next position the receiver reads */
} shm_queue_t;

static_assert(sizeof(shm_queue_t) == 3 * SHM_CACHE_LINE,
              "read-only fields, tail and head each own a cache line");

/* Bytes of payload a cell of `cell_size` bytes carries. */
static inline size_t shm_queue_max_payload(size_t cell_size)
{
    return cell_size - sizeof(shm_cell_t) - SHM_QUEUE_MAX_HDR;
}

static inline const void *shm_cell_hdr(const shm_cell_t *cell)
{
    return (const char *)cell + sizeof(shm_cell_t);
}

static inline const void *shm_cell_payload(const shm_cell_t *cell)
{
    return (const char *)cell + sizeof(shm_cell_t) + SHM_QUEUE_MAX_HDR;
}

/*
 * Bytes needed for a queue of `depth` cells of `cell_size` bytes.
 * depth must be a power of two >= 2; cell_size a multiple of 64 that leaves
 * room for the cell header and SHM_QUEUE_MAX_HDR.
 */
size_t shm_queue_bytes(uint32_t depth, uint32_t cell_size);

/* Nonzero when depth and cell_size satisfy the rules above. */
int shm_queue_geometry_ok(uint32_t depth, uint32_t cell_size);

/* Lay out an empty queue at q, which spans shm_queue_bytes() bytes, 64-byte aligned. */
void shm_queue_init(shm_queue_t *q, uint32_t depth, uint32_t cell_size);

/*
 * Sender side, any number of processes at once.  Copies header and payload
 * (and fbox_before and duplex_before, which the queue only carries)
 * into a free cell and publishes it: TP_OK.  TP_AGAIN when every cell is
 * taken (nothing was copied).  TP_EINVAL when the message cannot fit a cell.
 * No lock, no system call, no allocation.
 */
tp_status_t shm_queue_push(shm_queue_t *q, int src, uint32_t fbox_before,
                           uint32_t duplex_before, const void *hdr, size_t hdr_len,
                           const void *payload, size_t payload_len);

/*
 * Receiver side, one process only.  The oldest published cell, or NULL when
 * none is ready.  The cell stays valid until shm_queue_pop().
 */
const shm_cell_t *shm_queue_peek(shm_queue_t *q);

/* Receiver side: hand the cell returned by shm_queue_peek() back to the senders. */
void shm_queue_pop(shm_queue_t *q, const shm_cell_t *cell);

#endif /* MINIMPI_SHM_QUEUE_H */

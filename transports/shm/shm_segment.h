/*
 * shm_segment.h -- the shared-memory segment of one node: its file in
 * /dev/shm (create, attach, unlink) and its layout.
 *
 * Layout, every part on cache-line boundaries:
 *   shm_seg_hdr_t                         written once by local rank 0
 *   shm_slot_t   [local_size]             one per local rank, written by it
 *   queue 0, queue 1, ... [local_size]    receive queue of each local rank
 *   pool 0, pool 1, ...   [local_size]    fast boxes of each local rank
 * Each queue and each pool starts on a page of its own and is reserved and
 * laid out by the rank that receives through it (shm_segment_take_own), so
 * its pages are on that rank's NUMA node (first touch).
 * The segment grows linearly with the node's rank count: about
 * depth * cell_size bytes (512 KiB by default) plus SHM_FBOX_PER_RANK boxes
 * of 8 KiB (64 KiB) per local rank.
 */
#ifndef MINIMPI_SHM_SEGMENT_H
#define MINIMPI_SHM_SEGMENT_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "shm_fbox.h"
#include "shm_queue.h"
#include "transports/transport.h"

/* Granularity of page placement: the regions each rank owns are aligned
 * to it (larger pages only make placement coarser). */
#define SHM_PAGE 4096u

/* Longest segment name: "/minimpi-" + job id + "-n" + node id. */
#define SHM_SEGMENT_NAME_MAX 200

typedef struct shm_seg_hdr {
    alignas(SHM_CACHE_LINE) uint64_t magic;  /* SHM_SEGMENT_MAGIC once laid out */
    uint64_t nonce;                /* also published through the KVS: proves the
                                      file an attacher opened is this job's */
    uint64_t bytes;                /* size of the whole segment */
    uint32_t local_size;
    uint32_t depth;                /* cells per queue */
    uint32_t cell_size;            /* bytes per cell */
    uint32_t cma_allowed;          /* MINIMPI_SHM_CMA as local rank 0 read it,
                                      so the whole node decides alike */
} shm_seg_hdr_t;

static_assert(sizeof(shm_seg_hdr_t) == SHM_CACHE_LINE, "the header fills one cache line");

/* What a local rank tells its peers about itself; one cache line each so
 * that ranks publishing at the same time do not share lines. */
typedef struct shm_slot {
    alignas(SHM_CACHE_LINE) _Atomic uint32_t attached;  /* 1 once the rest is valid */
    int32_t pid;                   /* for process_vm_readv */
    int32_t world_rank;
    int32_t region_pid;            /* pid of the process that laid out this rank's
                                      queue and pool: the rank itself (tests check it) */
    uint64_t probe_addr;           /* address of a word peers read to probe CMA */
    /* Sleeping on an oversubscribed node (shm_ops.c): the rank sets asleep
     * before it waits on the futex word doorbell; a sender that sees asleep
     * bumps doorbell and wakes it.  The slot is otherwise read-only after
     * init, so these share its line with nothing busy. */
    _Atomic uint32_t asleep;
    _Atomic uint32_t doorbell;
} shm_slot_t;

static_assert(sizeof(shm_slot_t) == SHM_CACHE_LINE, "a slot fills one cache line");

/* Bytes of a segment for local_size ranks. */
size_t shm_segment_bytes(int local_size, uint32_t depth, uint32_t cell_size);

/* "/minimpi-<job_id>-n<node_id>" into name; TP_EINVAL (reported) when the
 * job id is empty, too long or holds characters outside [A-Za-z0-9_-]. */
tp_status_t shm_segment_name(int rank, const char *job_id, int node_id, char *name,
                             size_t name_len);

/* Bytes of the header and slots, which local rank 0 reserves and writes. */
size_t shm_segment_shared_bytes(int local_size);

/*
 * Create the segment `name` of `bytes` bytes (it must not exist yet), back
 * its first `reserve_bytes` with memory now, so that a full /dev/shm fails
 * here and not as a SIGBUS later, and map it.  Every failure is reported on
 * stderr naming `rank`, undoes what was done (the file is unlinked) and
 * returns TP_ESYS.
 */
tp_status_t shm_segment_create(int rank, const char *name, size_t bytes, size_t reserve_bytes,
                               void **base_out);

/*
 * Called by local rank `local_index` on the mapped, laid-out segment while
 * `name` still exists: back its own queue and pool with memory (allocated
 * by this process, so on its NUMA node), lay them out and record our pid in
 * its slot's region_pid.  A full /dev/shm is reported and gives TP_ESYS.
 */
tp_status_t shm_segment_take_own(int rank, const char *name, void *base, int local_index);

/* Open and map the existing segment `name`; its size comes from the file. */
tp_status_t shm_segment_attach(int rank, const char *name, void **base_out,
                               size_t *bytes_out);

/* Remove the name from /dev/shm; mappings stay valid. */
tp_status_t shm_segment_unlink(int rank, const char *name);

/* Lay out the header and empty slots in a fresh mapping (not the queues
 * and pools: their owners do, see shm_segment_take_own). */
void shm_segment_format(void *base, size_t bytes, int local_size, uint32_t depth,
                        uint32_t cell_size, int cma_allowed, uint64_t nonce);

/* Nonzero when the mapping holds a laid-out segment that matches. */
int shm_segment_matches(const void *base, size_t bytes, int local_size, uint64_t nonce);

static inline shm_seg_hdr_t *shm_segment_hdr(void *base)
{
    return (shm_seg_hdr_t *)base;
}

static inline shm_slot_t *shm_segment_slot(void *base, int local_index)
{
    return (shm_slot_t *)((char *)base + sizeof(shm_seg_hdr_t)) + local_index;
}

shm_queue_t *shm_segment_queue(void *base, int local_index);

/*
 * Map every page of [addr, addr + bytes) of the segment into this process
 * now, writable, in one system call (madvise MADV_POPULATE_WRITE).  Each
 * process otherwise takes a page fault on its first write to each page of
 * the segment: on this machine's virtual machine 11-15 us a page, against
 * 0.5 us populated plus 5.7-7.3 us at the first access of each populated
 * page (the hypervisor's own page tables catching up: shm_segment_touch).
 * With 8 ranks on 2 cores, senders meeting new cells of each other's
 * queues made the first few hundred 16 KiB MPI_Alltoalls take up to 2 ms
 * each (89 faults a call) instead of 0.1 ms.  Done for a rank's own queue
 * and pool when it lays them out (shm_segment_take_own) and for a peer's
 * queue before the first message into it (shm_ops.c).
 */
void shm_segment_prefault(void *addr, size_t bytes);

/*
 * Read one byte of every page of [addr, addr + bytes): after
 * shm_segment_prefault, what is left of the first access's cost is paid
 * now rather than by the first message or collective that uses the page.
 * That cost is nothing on bare metal, but 5.7-7.3 us a page on a virtual
 * machine whose hypervisor fills its own (shadow) page tables lazily, as
 * this one does.  For memory every call soon uses (the flags and cells of
 * the shared-memory collectives), not for a peer's whole queue.
 */
void shm_segment_touch(const void *addr, size_t bytes);

/* shm_segment_prefault over the whole of one rank's receive queue. */
void shm_segment_prefault_queue(void *base, shm_queue_t *queue);

/* The fast-box pool of local rank local_index (the boxes others send it through). */
shm_fbox_pool_t *shm_segment_fbox_pool(void *base, int local_index);

#endif /* MINIMPI_SHM_SEGMENT_H */

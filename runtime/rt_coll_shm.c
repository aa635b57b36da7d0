/*
 * rt_coll_shm.c -- barrier, bcast, reduce, allreduce and alltoall through a
 * shared buffer, for small messages on communicators whose ranks share one
 * node.
 *
 * The point-to-point algorithms need log2 p rounds in which every rank
 * must be scheduled; with more ranks than cores each round waits for the
 * scheduler.  Here every rank writes its contribution into its own slot of
 * a segment the communicator's ranks all map, announces it with a counter,
 * and reads the others' slots as soon as their counters say so: one write
 * and one read per rank, whatever order the ranks run in.
 *
 * The area.  Created by the first shared-memory collective on the
 * communicator (its schedule starts with the set-up: rank 0 creates the
 * segment and sends its name, the others map it and report, rank 0 unlinks
 * it and sends the verdict), so nothing is left in /dev/shm once it is
 * mapped, and a nonblocking collective never blocks to make it.  Freed with
 * the communicator.  It holds F = RT_COLL_SHM_FLAG_SETS sets of flags, one
 * flag (128 bytes: a number and up to RT_COLL_SHM_INLINE bytes of data) per
 * rank, and S = RT_COLL_SHM_SLOT_SETS sets of slots, one slot of
 * slot_size() bytes per rank (S divides F).  The start of a slot holds F / S
 * cells, packed, for data of up to RT_COLL_SHM_CELL bytes.
 *
 * The protocol.  The shared-memory collectives of a communicator are
 * numbered 1, 2, ... in the order they are called (the same on every rank)
 * and run one after the other on each rank.  Collective g uses flag set
 * g % F and slot set g % S (cell g / S % (F / S) of it: F cells in all).
 * Rank r's flag of that set holding g says that r entered collective g
 * ("arrived at g"), so it finished g - 1 (it read every flag and slot it
 * needed); since flag sets are used in turn, arrived at g' >= g - K + 1
 * (K <= F) is read from the flag set of g - K + 1.  A rank that writes
 * data first waits until every rank arrived at g - K + 1, where K is the
 * number of places of what it writes: F when the data fits in its flag
 * (RT_COLL_SHM_INLINE bytes) or in a cell, S when it needs its whole slot.
 * Then nobody still reads that flag, cell or slot for collective g - K (a
 * cell also waits for collectives that laid its slot set out otherwise:
 * op_init).  So a rank that only writes (a bcast's root, reduce's other
 * ranks) runs up to F - 1 collectives of up to RT_COLL_SHM_CELL bytes
 * ahead of the slowest reader, as eager messages would let it, and S - 1
 * with larger data.  It writes, then
 * publishes g in its flag (release), and wakes ranks that sleep.  A rank
 * that only reads publishes g at once: that never overwrites data.  Data
 * in the flag shares the number's cache line up to 48 bytes, so that a
 * reader takes one line per rank for the news and the data.  Then:
 *   barrier:   wait for every rank to arrive at g (nothing written);
 *   allreduce: every rank writes, waits for all, reduces all slots;
 *   reduce:    every rank writes, the root waits for all and reduces;
 *   bcast:     the root writes (packed), the others wait for the root's
 *              flag and unpack its slot;
 *   alltoall:  every rank writes its p blocks (packed), waits for all, and
 *              unpacks block `rank` of every slot.
 * Reductions combine the slots in rank order, (s0 op (s1 op (... op
 * s_{p-1}))), so non-commutative operations are right and results are
 * bit-identical from run to run.
 *
 * Waiting is a poll step of the schedule (rt_coll_sched_poll): the rank
 * keeps driving progress while it waits, and an idle blocking call spins,
 * yields and sleeps as for messages (rt_progress_idle); a rank that
 * publishes wakes the sleepers, and rt_coll_shm_pending() lets a rank that
 * is about to sleep see a flag that moved.
 *
 * What does not fit (more than a slot's bytes, reductions on types
 * that are not dense, intercommunicators, ranks on several nodes, parts of
 * a communicator in a node-aware algorithm, an area that could not be made)
 * runs the default point-to-point algorithm of the collective instead.
 */
#include "rt_coll_shm.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rt_coll_algo.h"
#include "rt_op.h"
#include "rt_profile.h"
#include "rt_progress.h"
#include "transports/shm/shm_segment.h"

/* Largest message (bytes per rank) the shared buffer takes, its slot:
 * RT_COLL_SHM_SET_BYTES shared by the communicator's ranks, at most
 * RT_COLL_SHM_SLOT_MAX and at least RT_COLL_SHM_SLOT_MIN (slot_size).  An
 * alltoall's p blocks must fit.  With 8 ranks on 2 cores, alltoalls through
 * it took 40 us against 102 posting every message (linear) at 4 KiB
 * blocks, 85 against 90-1500 at 16 KiB and 155-180 against 220-265 at
 * 64 KiB (8 x 64 KiB: the largest slot).  The area is reserved in
 * /dev/shm when made (a full /dev/shm fails then, not with a SIGBUS later):
 * at most 16 MiB for its slots up to 64 ranks, 32 MiB with 128. */
#define RT_COLL_SHM_SET_BYTES (4u << 20)
#define RT_COLL_SHM_SLOT_MAX (512u << 10)
#define RT_COLL_SHM_SLOT_MIN (64u << 10)

static size_t slot_size(int size)
{
    size_t slot = RT_COLL_SHM_SET_BYTES / (size_t)(size > 0 ? size : 1) / SHM_PAGE * SHM_PAGE;
    return slot > RT_COLL_SHM_SLOT_MAX ? RT_COLL_SHM_SLOT_MAX
         : slot < RT_COLL_SHM_SLOT_MIN ? RT_COLL_SHM_SLOT_MIN
                                       : slot;
}

/* Sets of flags, used in turn: a rank that only writes data that fits in
 * its flag (a broadcast's root, a reduction's other ranks) may run this
 * many collectives minus one ahead of the slowest reader before it waits,
 * as eager messages would let it.  8 ranks take 128 B x 8 x 64 = 64 KiB. */
#define RT_COLL_SHM_FLAG_SETS 64

/* Sets of slots, used in turn by the collectives whose data does not fit
 * in a flag: a writer runs at most this many minus one ahead. */
#define RT_COLL_SHM_SLOT_SETS 4

/* Data of at most RT_COLL_SHM_CELL bytes that does not fit in a flag takes
 * one of the RT_COLL_SHM_CELLS cells at the start of its slot, so that a
 * writer runs as far ahead of its readers as with data in its flag: the
 * cells of the slot sets, taken in turn, are RT_COLL_SHM_FLAG_SETS places.
 * With 8 ranks on 2 cores (bench/coll, loops of 50) bcasts of 256 B, 1 KiB
 * and 4 KiB took 2.1, 2.0 and 4.2 us a call through whole slots (3 calls
 * ahead at most), 0.24, 1.35 and 2.0 through cells. */
#define RT_COLL_SHM_CELLS (RT_COLL_SHM_FLAG_SETS / RT_COLL_SHM_SLOT_SETS)

/* Data of at most RT_COLL_SHM_INLINE bytes travels in the flag itself,
 * after the number, aligned for any type a reduction reads in place: up to
 * 48 bytes the number and the data share one cache line. */

typedef struct flag_line {
    alignas(64) _Atomic uint64_t arrived;  /* the last collective of this set entered */
    alignas(16) char data[RT_COLL_SHM_INLINE];
} flag_line_t;

_Static_assert(sizeof(flag_line_t) == 128, "a flag is two cache lines");
_Static_assert(RT_COLL_SHM_FLAG_SETS % RT_COLL_SHM_SLOT_SETS == 0 &&
                   RT_COLL_SHM_FLAG_SETS >= RT_COLL_SHM_SLOT_SETS,
               "a collective's slot set follows from its flag set");
_Static_assert(RT_COLL_SHM_CELLS * RT_COLL_SHM_CELL <= RT_COLL_SHM_SLOT_MIN,
               "the cells fit in the smallest slot");

enum { AREA_SETUP, AREA_READY, AREA_FAILED };

/* How the collectives built so far laid out one slot set (see op_init). */
typedef struct slot_set_layout {
    size_t layout;                 /* of the last one with data in the set:
                                      cell_stride() of its data, 0 for whole slots */
    uint64_t last_op;              /* its number */
    uint64_t layout_since;         /* once every rank arrived here, nobody reads
                                      data of another layout in the set */
} slot_set_layout_t;

/* What rank 0 tells the others during the set-up. */
typedef struct setup_msg {
    int32_t ok;
    char name[SHM_SEGMENT_NAME_MAX];
} setup_msg_t;

struct rt_coll_shm {
    int state;
    int size, rank;
    const int *world_rank_of;      /* the communicator's */
    void *base;                    /* the mapping, NULL until made */
    size_t bytes;
    flag_line_t *flags;            /* [RT_COLL_SHM_FLAG_SETS][size] */
    char *slots;                   /* [RT_COLL_SHM_SLOT_SETS][size][slot] */
    size_t slot;                   /* bytes per slot: slot_size(size) */
    size_t slot_mapped;            /* bytes of every slot in our page tables */
    uint64_t built;                /* number of the last collective built */
    uint64_t completed;            /* number of the last one finished here */
    slot_set_layout_t slot_sets[RT_COLL_SHM_SLOT_SETS];
    setup_msg_t setup;             /* rank 0's message */
    int32_t mapped;                /* a rank's answer to it */
    int32_t verdict;               /* rank 0's final word: all mapped */
    int32_t all_mapped[];          /* rank 0: every rank's answer */
};

/* One collective in flight on an area. */
typedef struct shm_op {
    struct rt_coll_shm *area;
    rt_coll_kind_t kind;
    uint64_t seq;
    int phase;
    int writes;                    /* this rank fills its slot */
    uint64_t free_from;            /* a writer waits until every rank arrived at this
                                      collective (0: none): then nobody reads the
                                      place it writes any more */
    const void *src;               /* my contribution */
    size_t scount;                 /* alltoall: elements of sdt per block */
    rt_datatype_t *sdt;
    void *dst;
    size_t count;                  /* alltoall: elements of dt per block */
    rt_datatype_t *dt;
    rt_op_t *op;
    int root;
    struct shm_op *prev, *next;    /* in the waiting list */
    int listed;
    int wake_pending;              /* published, sleepers not woken yet */
} shm_op_t;

enum { PH_TURN, PH_ENTRY, PH_WAIT, PH_DONE };

/* Collectives of this process that wait, for rt_coll_shm_pending(). */
static shm_op_t *waiting_head;
/* Segments made by this process so far: part of their names. */
static unsigned segments_made;

static char *slot_of(const struct rt_coll_shm *a, uint64_t seq, int r)
{
    return a->slots +
           ((size_t)(seq % RT_COLL_SHM_SLOT_SETS) * (size_t)a->size + (size_t)r) * a->slot;
}

static flag_line_t *flag_of(const struct rt_coll_shm *a, uint64_t seq, int r)
{
    return &a->flags[(size_t)(seq % RT_COLL_SHM_FLAG_SETS) * (size_t)a->size + (size_t)r];
}

/* Bytes between the cells of data of `bytes` bytes: cells are packed, so
 * that the collectives of a loop touch as few pages as they can. */
static size_t cell_stride(size_t bytes)
{
    return (bytes + 63) / 64 * 64;
}

/* Where rank r's `bytes` of data for collective `seq` are: in its flag, in
 * a cell of its slot or in the whole slot. */
static char *data_of(const struct rt_coll_shm *a, uint64_t seq, int r, size_t bytes)
{
    if (bytes <= RT_COLL_SHM_INLINE)
        return flag_of(a, seq, r)->data;
    if (bytes <= RT_COLL_SHM_CELL)
        return slot_of(a, seq, r) +
               (size_t)(seq / RT_COLL_SHM_SLOT_SETS % RT_COLL_SHM_CELLS) * cell_stride(bytes);
    return slot_of(a, seq, r);
}

/* The bytes at the start of every slot that collectives with `bytes`
 * bytes of data per rank write or read (data_of): none when the data is in
 * the flags, all the cells of that size, or the data itself. */
static size_t slot_reach(size_t bytes)
{
    if (bytes <= RT_COLL_SHM_INLINE)
        return 0;
    return bytes <= RT_COLL_SHM_CELL ? RT_COLL_SHM_CELLS * cell_stride(bytes) : bytes;
}

/* Whether rank r entered collective `seq` (or a later one). */
static int arrived(const struct rt_coll_shm *a, uint64_t seq, int r)
{
    return atomic_load_explicit(&flag_of(a, seq, r)->arrived, memory_order_acquire) >= seq;
}

static int all_arrived(const struct rt_coll_shm *a, uint64_t seq)
{
    for (int r = 0; r < a->size; r++)
        if (!arrived(a, seq, r))
            return 0;
    return 1;
}

/* ---- The area ----------------------------------------------------------------- */

static size_t area_bytes(int size)
{
    return (size_t)size * ((size_t)RT_COLL_SHM_FLAG_SETS * sizeof(flag_line_t) +
                           (size_t)RT_COLL_SHM_SLOT_SETS * slot_size(size));
}

static void area_map(struct rt_coll_shm *a, void *base)
{
    a->base = base;
    a->flags = base;
    a->slots =
        (char *)base + (size_t)RT_COLL_SHM_FLAG_SETS * (size_t)a->size * sizeof(flag_line_t);
    /* Every flag is used within RT_COLL_SHM_FLAG_SETS collectives: into our
     * page tables at once (page faults: see shm_segment_prefault). */
    shm_segment_prefault(a->flags, (size_t)(a->slots - (char *)a->flags));
    shm_segment_touch(a->flags, (size_t)(a->slots - (char *)a->flags));
}

/* The first `bytes` of every slot into our page tables before a collective
 * first uses that many: one system call per slot instead of a fault per
 * page and rank (with 8 ranks on 2 cores, 16 KiB alltoalls paid 37 faults a
 * call over their first 50 calls).  Slots stay untouched beyond the most
 * any collective of the communicator used. */
static void slots_prefault(struct rt_coll_shm *a, size_t bytes)
{
    if (bytes <= a->slot_mapped)
        return;
    size_t upto = (bytes + SHM_PAGE - 1) / SHM_PAGE * SHM_PAGE;
    for (uint64_t set = 0; set < RT_COLL_SHM_SLOT_SETS; set++)
        for (int r = 0; r < a->size; r++) {
            shm_segment_prefault(slot_of(a, set, r) + a->slot_mapped, upto - a->slot_mapped);
            shm_segment_touch(slot_of(a, set, r) + a->slot_mapped, upto - a->slot_mapped);
        }
    a->slot_mapped = upto;
}

void rt_coll_shm_free(rt_comm_t *comm)
{
    struct rt_coll_shm *a = comm->coll_shm;
    if (a == NULL)
        return;
    if (a->base != NULL)
        munmap(a->base, a->bytes);
    free(a);
    comm->coll_shm = NULL;
}

/* Others: map the segment rank 0 named. */
static int setup_attach(void *arg)
{
    struct rt_coll_shm *a = arg;
    a->mapped = 0;
    if (!a->setup.ok)
        return MPI_SUCCESS;
    void *base = NULL;
    size_t got = 0;
    if (shm_segment_attach(rt_proc.world_rank, a->setup.name, &base, &got) != TP_OK)
        return MPI_SUCCESS;
    if (got != a->bytes) {
        munmap(base, got);
        return MPI_SUCCESS;
    }
    area_map(a, base);
    a->mapped = 1;
    return MPI_SUCCESS;
}

/* Rank 0: everyone answered, the name goes. */
static int setup_unlink(void *arg)
{
    struct rt_coll_shm *a = arg;
    if (a->setup.ok)
        shm_segment_unlink(rt_proc.world_rank, a->setup.name);
    a->verdict = a->setup.ok;
    for (int r = 1; r < a->size; r++)
        if (!a->all_mapped[r])
            a->verdict = 0;
    return MPI_SUCCESS;
}

static int setup_finish(void *arg)
{
    struct rt_coll_shm *a = arg;
    a->state = a->verdict ? AREA_READY : AREA_FAILED;
    if (!a->verdict && a->base != NULL) {
        munmap(a->base, a->bytes);
        a->base = NULL;
    }
    return MPI_SUCCESS;
}

/* The communicator's area, made now (its set-up written into the schedule)
 * when this is its first shared-memory collective; NULL when out of memory. */
static struct rt_coll_shm *area_get(rt_coll_sched_t *s, rt_comm_t *comm)
{
    if (comm->coll_shm != NULL)
        return comm->coll_shm;
    struct rt_coll_shm *a =
        calloc(1, sizeof(*a) + (size_t)comm->size * sizeof(a->all_mapped[0]));
    if (a == NULL)
        return NULL;
    a->size = comm->size;
    a->slot = slot_size(comm->size);
    a->rank = comm->rank;
    a->world_rank_of = comm->world_rank_of;
    a->bytes = area_bytes(comm->size);
    a->state = AREA_SETUP;
    comm->coll_shm = a;

    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE), *int32 = rt_datatype_get(MPI_INT32_T);
    if (comm->rank == 0) {
        snprintf(a->setup.name, sizeof(a->setup.name), "/minimpi-%s-c%d-%u", rt_proc.job.job_id,
                 rt_proc.world_rank, segments_made++);
        void *base = NULL;
        if (shm_segment_create(rt_proc.world_rank, a->setup.name, a->bytes, a->bytes, &base) ==
                TP_OK) {
            area_map(a, base);
            a->setup.ok = 1;
        }
        for (int r = 1; r < comm->size; r++)
            rt_coll_sched_send_unprofiled(s, &a->setup, sizeof(a->setup), byte, r);
        rt_coll_sched_round(s);
        for (int r = 1; r < comm->size; r++)
            rt_coll_sched_recv(s, &a->all_mapped[r], 1, int32, r);
        rt_coll_sched_round(s);
        rt_coll_sched_call(s, setup_unlink, a);
        for (int r = 1; r < comm->size; r++)
            rt_coll_sched_send_unprofiled(s, &a->verdict, 1, int32, r);
    } else {
        rt_coll_sched_recv(s, &a->setup, sizeof(a->setup), byte, 0);
        rt_coll_sched_round(s);
        rt_coll_sched_call(s, setup_attach, a);
        rt_coll_sched_send_unprofiled(s, &a->mapped, 1, int32, 0);
        rt_coll_sched_recv(s, &a->verdict, 1, int32, 0);
    }
    rt_coll_sched_round(s);
    rt_coll_sched_call(s, setup_finish, a);
    return a;
}

/* ---- Running one collective ------------------------------------------------------ */

static void list_add(shm_op_t *op)
{
    if (op->listed)
        return;
    op->listed = 1;
    op->prev = NULL;
    op->next = waiting_head;
    if (waiting_head != NULL)
        waiting_head->prev = op;
    waiting_head = op;
}

static void list_remove(shm_op_t *op)
{
    if (!op->listed)
        return;
    op->listed = 0;
    if (op->prev != NULL)
        op->prev->next = op->next;
    else
        waiting_head = op->next;
    if (op->next != NULL)
        op->next->prev = op->prev;
}

/* The bytes each rank that writes puts in its slot (the same on every rank). */
static size_t slot_bytes(const shm_op_t *op)
{
    if (op->dt == NULL)            /* barrier */
        return 0;
    size_t bytes = op->count * op->dt->size;
    return op->kind == RT_COLL_ALLTOALL ? bytes * (size_t)op->area->size : bytes;
}

/* Whether the phase op waits in may end now (reads only). */
static int can_move(const shm_op_t *op)
{
    const struct rt_coll_shm *a = op->area;
    switch (op->phase) {
    case PH_TURN:
        return a->completed + 1 == op->seq && a->state != AREA_SETUP;
    case PH_ENTRY:
        return op->free_from == 0 || all_arrived(a, op->free_from);
    case PH_WAIT:
        switch (op->kind) {
        case RT_COLL_BCAST:
            return a->rank == op->root || arrived(a, op->seq, op->root);
        case RT_COLL_REDUCE:
            return a->rank != op->root || all_arrived(a, op->seq);
        default:
            return all_arrived(a, op->seq);
        }
    default:
        return 1;
    }
}

/* Announce that we entered op (and wrote our data, if any).  Ranks that
 * sleep are woken later, by wake_others(), when op stops for now: the wake
 * starts with a fence, which waits for this store's cache line to be ours,
 * and meanwhile a bcast reader fetches the root's flag and data.  8 ranks on
 * 2 cores, loops of 4-byte bcasts: 0.23 us a call with a fence per rank
 * woken, 0.20-0.21 with one fence for all, 0.19-0.20 with it here. */
static void publish(shm_op_t *op)
{
    struct rt_coll_shm *a = op->area;
    atomic_store_explicit(&flag_of(a, op->seq, a->rank)->arrived, op->seq, memory_order_release);
    op->wake_pending = 1;
}

static void wake_others(shm_op_t *op)
{
    if (op->wake_pending) {
        op->wake_pending = 0;
        rt_progress_wake_local(op->area->world_rank_of, (size_t)op->area->size);
    }
}

/*
 * Under --profile: the data this rank just wrote counts as messages to the
 * ranks that read it, as the point-to-point algorithms' messages would, so
 * that the byte matrix does not depend on the algorithm chosen.
 */
static void __attribute__((noinline, cold)) profile_written(const shm_op_t *op)
{
    const struct rt_coll_shm *a = op->area;
    size_t bytes = slot_bytes(op);
    if (op->kind == RT_COLL_REDUCE) {  /* the root reads its own slot too */
        if (a->rank != op->root)
            rt_prof_message_slow(a->world_rank_of[op->root], bytes);
        return;
    }
    if (op->kind == RT_COLL_ALLTOALL)
        bytes /= (size_t)a->size;      /* one block to each */
    for (int r = 0; r < a->size; r++)  /* bcast (root), allreduce, alltoall */
        if (r != a->rank)
            rt_prof_message_slow(a->world_rank_of[r], bytes);
}

static void write_slot(shm_op_t *op)
{
    char *mine = data_of(op->area, op->seq, op->area->rank, slot_bytes(op));
    if (op->kind == RT_COLL_BCAST)
        rt_datatype_pack(op->dt, op->src, op->count, mine);
    else if (op->kind == RT_COLL_ALLTOALL)
        rt_datatype_pack(op->sdt, op->src, op->scount * (size_t)op->area->size, mine);
    else if (op->count > 0)
        memcpy(mine, op->src, op->count * op->dt->size);
}

/* The result: the root's data (bcast) or every slot reduced in rank order. */
static void read_result(shm_op_t *op)
{
    const struct rt_coll_shm *a = op->area;
    size_t bytes = slot_bytes(op);
    switch (op->kind) {
    case RT_COLL_BCAST:
        if (a->rank != op->root)
            rt_datatype_unpack(op->dt, data_of(a, op->seq, op->root, bytes), bytes, op->dst);
        break;
    case RT_COLL_REDUCE:
    case RT_COLL_ALLREDUCE:
        if ((op->kind == RT_COLL_REDUCE && a->rank != op->root) || op->count == 0)
            break;
        memcpy(op->dst, data_of(a, op->seq, a->size - 1, bytes), bytes);
        for (int r = a->size - 2; r >= 0; r--)
            rt_op_apply(op->op, data_of(a, op->seq, r, bytes), op->dst, op->count, op->dt);
        break;
    case RT_COLL_ALLTOALL: {
        size_t block = op->count * op->dt->size;
        for (int r = 0; r < a->size; r++) {
            const char *from = data_of(a, op->seq, r, bytes) + (size_t)a->rank * block;
            void *to = rt_coll_at(op->dst, op->count * (size_t)r, op->dt);
            rt_datatype_unpack(op->dt, from, block, to);
        }
        break;
    }
    default:
        break;
    }
}

static int poll_op_steps(shm_op_t *op)
{
    struct rt_coll_shm *a = op->area;
    for (;;) {
        if (!can_move(op)) {
            list_add(op);
            return 0;
        }
        switch (op->phase) {
        case PH_TURN:
            if (a->state == AREA_FAILED) {
                a->completed = op->seq;
                list_remove(op);
                return MPI_ERR_NO_MEM;
            }
            slots_prefault(a, slot_reach(slot_bytes(op)));
            if (op->writes) {
                op->phase = PH_ENTRY;
            } else {
                publish(op);
                op->phase = PH_WAIT;
            }
            break;
        case PH_ENTRY:
            write_slot(op);
            if (RT_UNLIKELY(rt_prof_on))
                profile_written(op);
            publish(op);
            op->phase = PH_WAIT;
            break;
        case PH_WAIT:
            read_result(op);
            op->phase = PH_DONE;
            a->completed = op->seq;
            list_remove(op);
            return 1;
        default:
            return 1;
        }
    }
}

/* Move op as far as it goes now; 1 when done, 0 when it waits, else an error. */
static int poll_op(void *arg)
{
    shm_op_t *op = arg;
    int ret = poll_op_steps(op);
    wake_others(op);
    return ret;
}

int rt_coll_shm_pending(void)
{
    for (const shm_op_t *op = waiting_head; op != NULL; op = op->next)
        if (can_move(op))
            return 1;
    return 0;
}

void rt_coll_shm_finalize(void)
{
    waiting_head = NULL;
}

/* ---- Builders ------------------------------------------------------------------- */

static int all_on_my_node(const rt_comm_t *c)
{
    const tp_job_t *job = &rt_proc.job;
    if (job->node_of_rank == NULL)
        return 1;
    for (int r = 0; r < c->size; r++)
        if (job->node_of_rank[c->world_rank_of[r]] != job->node_id)
            return 0;
    return 1;
}

/* Whether the call can run through the shared buffer. */
static int fits(const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    const rt_comm_t *c = t->comm;
    if (t->ranks != NULL || t->size != c->size || c->size < 2 || c->is_inter)
        return 0;
    /* An area is made only for a communicator found on one node. */
    if (c->coll_shm != NULL ? c->coll_shm->state == AREA_FAILED : !all_on_my_node(c))
        return 0;
    if (a->kind == RT_COLL_BARRIER)
        return 1;
    size_t slot = c->coll_shm != NULL ? c->coll_shm->slot : slot_size(c->size);
    if (a->kind == RT_COLL_ALLTOALL)   /* every rank's p blocks in its slot */
        return a->rdt->size == 0 || a->rcount <= slot / a->rdt->size / (size_t)c->size;
    if (a->dt->size > 0 && a->count > slot / a->dt->size)
        return 0;
    if (a->kind == RT_COLL_BCAST)
        return 1;
    /* Reductions work on the slots in place: the type must be dense. */
    return a->dt->contiguous && a->dt->lb == 0 && a->dt->extent == (MPI_Aint)a->dt->size;
}

/* The collective `a` as the next one of `area` (its number taken). */
static void op_init(shm_op_t *op, struct rt_coll_shm *area, const rt_comm_t *comm,
                    const rt_coll_args_t *a)
{
    memset(op, 0, sizeof(*op));
    op->area = area;
    op->kind = a->kind;
    op->seq = ++area->built;
    op->phase = PH_TURN;
    op->count = a->count;
    op->dt = a->dt;
    op->op = a->op;
    op->root = a->root;
    switch (a->kind) {
    case RT_COLL_BCAST:
        op->writes = comm->rank == a->root;
        op->src = a->rbuf;
        op->dst = a->rbuf;
        break;
    case RT_COLL_REDUCE:
    case RT_COLL_ALLREDUCE:
        op->writes = 1;
        op->src = a->sbuf == MPI_IN_PLACE ? a->rbuf : a->sbuf;
        op->dst = a->rbuf;
        break;
    case RT_COLL_ALLTOALL:
        /* In place, the blocks to send are in the receive buffer: they are
         * in the slot before any block lands there. */
        op->writes = 1;
        op->count = a->rcount;
        op->dt = a->rdt;
        op->dst = a->rbuf;
        if (a->sbuf == MPI_IN_PLACE) {
            op->src = a->rbuf;
            op->scount = a->rcount;
            op->sdt = a->rdt;
        } else {
            op->src = a->sbuf;
            op->scount = a->scount;
            op->sdt = a->sdt;
        }
        break;
    default:
        break;
    }
    /*
     * The place op writes was last written by collective seq - places, the
     * last one to use the same flag, cell or slot set (data_of).  A cell
     * may also overlap data of a later collective of its slot set that laid
     * the set out otherwise (whole slots, or cells of another size): nobody
     * reads that once all arrived at the set's layout_since, which is at
     * most seq - SLOT_SETS + 1, so a writer never waits for its own
     * collective.  (Whole slots overlap only the cells of their own set,
     * none of which is later than seq - places.)
     */
    size_t bytes = slot_bytes(op);
    uint64_t places = bytes <= RT_COLL_SHM_CELL ? RT_COLL_SHM_FLAG_SETS : RT_COLL_SHM_SLOT_SETS;
    op->free_from = op->seq > places ? op->seq - places + 1 : 0;
    if (bytes > RT_COLL_SHM_INLINE) {
        size_t layout = bytes <= RT_COLL_SHM_CELL ? cell_stride(bytes) : 0;
        slot_set_layout_t *set = &area->slot_sets[op->seq % RT_COLL_SHM_SLOT_SETS];
        if (layout != set->layout && set->last_op != 0)
            set->layout_since = set->last_op + 1;
        set->layout = layout;
        set->last_op = op->seq;
        if (layout != 0 && set->layout_since > op->free_from)
            op->free_from = set->layout_since;
    }
}

static void build(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a,
                  rt_coll_builder_fn fallback)
{
    rt_comm_t *comm = (rt_comm_t *)t->comm;
    if (!fits(t, a)) {
        fallback(s, t, a);
        return;
    }
    struct rt_coll_shm *area = area_get(s, comm);
    if (area == NULL) {
        fallback(s, t, a);
        return;
    }
    shm_op_t *op = rt_coll_sched_tmp(s, sizeof(shm_op_t), rt_datatype_get(MPI_BYTE));
    if (op == NULL)
        return;
    op_init(op, area, comm, a);
    rt_coll_sched_round(s);
    rt_coll_sched_poll(s, poll_op, op);
}

/*
 * A blocking call on a communicator whose area is ready runs here, without
 * a schedule: the operation lives on this stack and the rank polls it,
 * driving progress in between, until it is done.  Building and running a
 * schedule for one poll step cost more than the collective itself (about
 * 1,500 instructions per call, against a few hundred here).  It takes the
 * communicator's sequence number as a schedule would, so that ranks which
 * run a call differently (one still setting the area up in a nonblocking
 * call) still number later collectives alike.
 */
int rt_coll_shm_direct(rt_comm_t *comm, const rt_coll_args_t *a)
{
    struct rt_coll_shm *area = comm->coll_shm;
    rt_coll_team_t team = {comm, comm->size, comm->rank, NULL};
    if (area == NULL || area->state != AREA_READY || !fits(&team, a))
        return RT_COLL_NOT_DIRECT;
    rt_coll_take_tag(comm);       /* no messages, but numbered alike */
    shm_op_t op;
    op_init(&op, area, comm, a);
    unsigned first_idle = rt_progress_idle_few_spins();
    unsigned idle = first_idle;
    for (;;) {
        int ret = poll_op(&op);
        if (ret != 0)
            return ret == 1 ? MPI_SUCCESS : ret;
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = first_idle;
    }
}

void rt_coll_barrier_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    build(s, t, a, rt_coll_barrier_dissemination);
}

void rt_coll_bcast_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    build(s, t, a, rt_coll_bcast_binomial);
}

void rt_coll_reduce_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    build(s, t, a, rt_coll_reduce_binomial);
}

void rt_coll_allreduce_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    build(s, t, a, rt_coll_allreduce_recursive_doubling);
}

void rt_coll_alltoall_shm(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    build(s, t, a, rt_coll_alltoall_pairwise);
}

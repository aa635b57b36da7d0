/*
 * rt_win.h -- one-sided communication: window objects, the operations
 * (Put, Get, the accumulates) and the synchronization epochs.
 *
 * By default an operation travels as RT_PKT_RMA active messages to the
 * target and is applied there by the target's progress engine, one packet
 * at a time: that works over every transport alike (shm, ofi, self) and
 * makes each accumulate atomic per element without locks, since a process
 * applies the accumulates it receives one after the other.  The target acknowledges
 * each packet (or answers it with data), and the origin counts what is
 * unacknowledged per target, so flushing is waiting for a count to drop to
 * zero.  Two paths skip the target's progress engine on one node:
 * windows whose memory is in a shared segment (Win_allocate_shared, and
 * Win_allocate when every rank is on the node) take every operation
 * directly in the mapped memory (rt_win_direct.c: copies, hardware
 * atomics); other windows take Put and Get toward a process of the node by
 * single copy into its memory, CMA through the transport's putv/getv
 * (rt_win_cma.c), when the transport can; accumulates toward them stay
 * messages, which keeps them atomic per element, unless every rank's
 * network transport does remote atomics: then a window may send every
 * accumulate through them (rt_win_atomic.c).  A target layout too big
 * for every packet goes in runs mode (rt_rma_desc_t.runs): each packet
 * carries only the runs its own bytes go to.
 *
 * Progress: a target handles operations and lock requests only while it
 * is inside an MPI call (any call that progresses, including Win_free and
 * Win_fence); there is no progress thread, as in MPICH without
 * asynchronous progress.  A passive-target epoch toward a process that
 * computes without calling MPI waits until it calls MPI again (for the
 * lock; then Put and Get by single copy or directly need nothing of it).
 *
 * Wire: the header's context_id names the window (the context id of its
 * private communicator, the same on every rank), src_rank is the origin's
 * rank in the window, tag the rt_rma_kind_t, sreq the origin's request.
 */
#ifndef MINIMPI_RT_WIN_H
#define MINIMPI_RT_WIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt.h"
#include "rt_group.h"
#include "rt_proto.h"
#include "rt_request.h"

typedef enum rt_rma_kind {
    RT_RMA_PUT = 1,                /* data -> target layout; answered by ACK */
    RT_RMA_GET,                    /* answered by GET_RESP with the data */
    RT_RMA_ACC,                    /* data op target; answered by ACK */
    RT_RMA_GET_ACC,                /* old data answered by GET_RESP, then op applied */
    RT_RMA_CAS,                    /* compare then swap one element; GET_RESP */
    RT_RMA_ACK,                    /* target -> origin: length = bytes done, offset = error */
    RT_RMA_GET_RESP,               /* target -> origin: bytes at `offset` of the result */
    RT_RMA_LOCK,                   /* origin -> target: rreq = lock type */
    RT_RMA_LOCK_GRANT,             /* target -> origin */
    RT_RMA_UNLOCK,                 /* origin -> target */
    RT_RMA_POST,                   /* target -> origin: exposure epoch open */
    RT_RMA_COMPLETE,               /* origin -> target: access epoch closed */
    RT_RMA_REGION_QUERY,           /* origin -> target (dynamic): offset = an address */
    RT_RMA_REGION_ANSWER,          /* target -> origin: its region there (rt_win_dyn.c) */
} rt_rma_kind_t;

/*
 * What the target needs to apply one operation packet: where, in which
 * layout, with which operation.  Followed in the payload by num_blocks
 * rt_dt_block_t (the target type's layout) and then the data bytes, which
 * are the bytes [hdr.offset, hdr.offset + hdr.length) of the packed stream
 * of target_count elements.
 */
typedef struct rt_rma_desc {
    int64_t disp;                  /* bytes from the target's base (or address: dynamic) */
    uint64_t count;                /* elements of the target type */
    int64_t extent;
    uint64_t total;                /* bytes of the whole operation */
    /* The target type, for accumulates, which combine whole elements: */
    uint64_t size;                 /* bytes of data in one element */
    int64_t lb, true_lb, true_extent;
    int32_t type;                  /* its handle when predefined, else 0 */
    int32_t basic;                 /* derived: the one basic type it is made of */
    int32_t op;                    /* MPI_Op (accumulates) */
    uint8_t contiguous;
    uint8_t runs;                  /* the blocks are this packet's runs only (count 1) */
    uint8_t reserved[2];
    uint32_t num_blocks;
    uint32_t reserved2;
} rt_rma_desc_t;

/* Origin-side state of one target. */
typedef struct rt_win_peer {
    MPI_Aint size;                 /* its window size (bytes) */
    int disp_unit;
    char *direct;                  /* its window memory mapped here, or NULL */
    int cma;                       /* Put/Get by single copy into `desc` (rt_win_cma.c) */
    int rdma;                      /* ... through the network instead (putv_async: libfabric) */
    tp_mem_desc_t desc;            /* its window memory as its transport exposed it */
    tp_mem_desc_t adesc;           /* ... as rt_win_t.atomic_tp exposed it */
    unsigned long pending;         /* packets sent to it and not answered */
    int lock_granted;              /* passive target: its lock is ours */
    int locked;                    /* inside Win_lock .. Win_unlock toward it */
    int posts;                     /* POSTs it sent that no Win_start consumed yet */
    /* Dynamic windows: its registered regions as it told us, kept until
     * the next flush toward it (rt_win_dyn.c), and whether it answered. */
    struct rt_win_region *dyn;
    int dyn_answered;
} rt_win_peer_t;

/* A lock request the target could not grant yet. */
typedef struct rt_win_waiter {
    struct rt_win_waiter *next;
    int rank;
    int type;                      /* MPI_LOCK_SHARED or MPI_LOCK_EXCLUSIVE */
} rt_win_waiter_t;

typedef struct rt_win_region {
    struct rt_win_region *next;
    uintptr_t base;
    size_t size;
    /* The network transport that registered it (NULL: messages only). */
    tp_t *tp;
    tp_mem_desc_t desc;
} rt_win_region_t;

typedef struct rt_win {
    MPI_Win handle;
    rt_comm_t *comm;               /* private duplicate: collectives, errhandler */
    int id;                        /* comm->context_id */
    int flavor;                    /* MPI_WIN_FLAVOR_* */
    void *base;
    MPI_Aint size;
    int disp_unit;
    rt_win_peer_t *peers;          /* [comm->size] */
    /* Memory this window owns: malloc'd (allocate) or a mapped segment. */
    void *owned;
    void *segment;
    size_t segment_len;
    uint32_t *segment_lock;        /* in the segment: the direct path's lock */
    rt_win_region_t *regions;      /* dynamic: attached memory */
    /* Target side of passive synchronization. */
    int lock_exclusive;            /* holder's rank + 1, or 0 */
    int lock_shared;               /* holders of the shared lock */
    rt_win_waiter_t *waiters, *waiters_tail;
    /* Active target. */
    int fence_open;                /* a fence started an epoch */
    rt_group_t *start_group;       /* Win_start .. Win_complete */
    rt_group_t *post_group;        /* Win_post .. Win_wait */
    int completes;                 /* COMPLETE packets not consumed by Win_wait */
    int error;                     /* first error a target reported (MPI class) */
    /* Single copy: the transports that exposed this window's memory (the
     * one of the node's peers, libfabric's toward other nodes). */
    tp_t *exposed_tp[2];
    tp_mem_desc_t exposed[2];
    /* Accumulates by remote atomics (rt_win_atomic.c): the transport, or
     * NULL (messages), and the tp_atomic_type_t bits it takes. */
    tp_t *atomic_tp;
    uint32_t atomic_types;
    /* Operations started, by path (MINIMPI_VERBOSE=rma reports them at Win_free). */
    unsigned long ops_direct, ops_cma, ops_am, ops_rdma, ops_atomic;
    char name[MPI_MAX_OBJECT_NAME];
} rt_win_t;

/* ---- Objects (runtime/rt_win.c) ---------------------------------------- */
rt_win_t *rt_win_get(MPI_Win handle);
/* The live window a packet names, or NULL. */
rt_win_t *rt_win_find(int id);
/* Collective over comm: a new window over `base` (flavor already decided;
 * shared windows pass their segment).  Returns an MPI error class. */
int rt_win_new(rt_comm_t *comm, int flavor, void *base, MPI_Aint size, int disp_unit,
               rt_win_t **out);
/* Collective: wait for every operation, then release everything. */
int rt_win_destroy(rt_win_t *w);
/* The comm rank of world rank `world` in the window, or -1. */
int rt_win_rank_of_world(const rt_win_t *w, int world);
/* Progress until `*flag` is nonzero. */
void rt_win_wait_for(const volatile int *flag);
/* MPI_Finalize: free what the program did not. */
void rt_win_finalize(void);

/* ---- Shared segments (runtime/rt_win_shm.c) ---------------------------- */
/* Collective over comm (all on one node): map one segment holding every
 * rank's part, contiguous unless `noncontig`; fill w->peers[].direct and
 * *base.  Returns an MPI error class. */
int rt_win_shm_allocate(rt_win_t *w, MPI_Aint size, int noncontig, void **base);
void rt_win_shm_free(rt_win_t *w);
/* Every rank of c is on this node. */
int rt_win_all_on_node(const rt_comm_t *c);

/* ---- Operations (runtime/rt_win_ops.c) --------------------------------- */
typedef struct rt_rma_args {
    rt_rma_kind_t kind;
    const void *origin;            /* PUT, ACC, GET_ACC, CAS: data sent */
    size_t origin_count;
    rt_datatype_t *origin_dt;
    void *result;                  /* GET, GET_ACC, CAS: where answers go */
    size_t result_count;
    rt_datatype_t *result_dt;
    const void *compare;           /* CAS */
    int target;
    MPI_Aint disp;
    size_t target_count;
    rt_datatype_t *target_dt;
    MPI_Op op;
    int atomic;                    /* from the accumulate family: atomic per element,
                                    * so never by plain copies (a no-op fetch is a GET) */
} rt_rma_args_t;

/* Start an operation whose arguments were checked; returns its request
 * (complete when the target applied it and answers are in place), or NULL
 * after raising an error (whose class is in *err). */
rt_request_t *rt_rma_start(rt_win_t *w, const rt_rma_args_t *a, const char *call, int *err);
/* Fill the packet descriptor of operation `a` at byte displacement `disp`. */
void rt_rma_describe(const rt_rma_args_t *a, int64_t disp, rt_rma_desc_t *d);
/*
 * Copy the packed bytes [offset, offset + len) of `count` elements laid
 * out as `blocks` at `addr` from `packed` into place (SCATTER) or from
 * place into `packed` (GATHER).  Returns 0, or -1 when out of memory.
 */
/* The pieces of the first `limit` bytes of `count` elements laid out as
 * `blocks` at `addr`: *iov is `one` (no allocation) for a layout without
 * gaps, else malloc'd.  Returns how many, or -1 when out of memory. */
long rt_rma_pieces(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                   int64_t addr, size_t limit, tp_iov_t *one, tp_iov_t **iov);
typedef enum rt_rma_move { RT_RMA_SCATTER, RT_RMA_GATHER, RT_RMA_COMBINE } rt_rma_move_t;
int rt_rma_move(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                char *addr, size_t offset, size_t len, char *packed, rt_rma_move_t mode);
/* The basic type accumulates combine piece by piece (a single basic type
 * of one element), or NULL: then they combine whole target elements. */
const rt_datatype_t *rt_rma_acc_basic(MPI_Datatype basic);
/* Combine `len` packed bytes (whole elements from element offset/size on)
 * into the target memory at `addr` with d's operation (not atomic: the
 * caller excludes others).  Returns 0, or -1 when out of memory. */
int rt_rma_combine(const rt_rma_desc_t *d, const rt_dt_block_t *blocks, char *addr,
                   size_t offset, size_t len, const char *data);

/* ---- Same-node direct path (runtime/rt_win_direct.c) ------------------- */
/*
 * Operation `a` on target memory this process maps, at `taddr` (`bytes` of
 * data), done at once: copies for Put and Get; hardware atomics per element
 * for the accumulates and Compare_and_swap on basic types of 1, 2, 4 or 8
 * bytes; the window's segment lock for the rest (pair types, long double,
 * unaligned elements), which no element reached by atomics can share.
 */
void rt_rma_direct(rt_win_t *w, const rt_rma_args_t *a, char *taddr, size_t bytes);

/* ---- Same-node single copy (runtime/rt_win_cma.c) ---------------------- */
/* Collective over the window: expose this rank's window memory (dynamic:
 * the whole address space) through the transport of its same-node peers
 * when it can write and read single copy (tp_ops_t.putv), and through the
 * one toward other nodes when it writes and reads one-sided
 * (tp_ops_t.putv_async: libfabric RMA; dynamic windows: their regions at
 * Win_attach, rt_win_dyn.c), then decide the accumulates' path
 * (rt_win_atomic_decide), and learn
 * which targets did; fills peers[].cma, .rdma and .desc.  Returns an MPI
 * error class. */
int rt_win_cma_expose(rt_win_t *w);
void rt_win_cma_release(rt_win_t *w);
/* Put or Get `a` (`bytes` of data at byte displacement `disp`) by single
 * copy (done at once) or one-sided through the network (done later,
 * counted in peers[].pending until then).  Returns 1 when taken: `req`
 * completes when the bytes are in place; 0 when the operation must travel
 * as messages (not a plain Put/Get, no single copy to the target, or the
 * copy failed: then the target finds and reports the error). */
int rt_rma_cma(rt_win_t *w, const rt_rma_args_t *a, int64_t disp, size_t bytes,
               rt_request_t *req);

/* ---- Remote atomics (runtime/rt_win_atomic.c) --------------------------- */
/* Collective, after rt_win_cma_expose: whether w's accumulates go by the
 * transport's remote atomics (w->atomic_tp), for every origin and target;
 * see the rule there.  Returns an MPI error class. */
int rt_win_atomic_decide(rt_win_t *w);
/* Accumulate-family operation `a` by remote atomics when w and its type
 * take that path: returns 1 (req completes once the target applied it,
 * counted in peers[].pending until then), else 0 (messages). */
int rt_rma_atomic(rt_win_t *w, const rt_rma_args_t *a, int64_t disp, size_t bytes,
                  rt_request_t *req);

/* ---- Dynamic windows through the network (runtime/rt_win_dyn.c) -------- */
/* Win_attach: register region r with the transport toward other nodes
 * when there is one (r->tp, else messages only); Win_detach: release. */
void rt_win_dyn_attach(rt_win_t *w, rt_win_region_t *r);
void rt_win_dyn_detach(rt_win_region_t *r);
/* Forget what targets (`target`, or -1: all) told about their regions. */
void rt_win_dyn_forget(rt_win_t *w, int target);
/* The registered region of `target` holding [lo, hi), asking the target
 * when not known yet; NULL when it has none. */
const rt_win_region_t *rt_win_dyn_region(rt_win_t *w, int target, uintptr_t lo, uintptr_t hi);
/* The two packets' handlers. */
void rt_win_dyn_query(rt_win_t *w, int src_world, const rt_pkt_hdr_t *h);
void rt_win_dyn_answer(rt_win_t *w, int src_rank, const void *payload, size_t len);

/* Progress until nothing sent to `target` (-1: to anyone) is unanswered. */
void rt_rma_flush(rt_win_t *w, int target);
/* Raise (through the window) an error a target reported, once. */
int rt_rma_raise_pending(rt_win_t *w, const char *call);
/* Send an RMA control packet (no payload) to comm rank `rank`. */
/* The header of an RT_PKT_RMA packet of window w (the same id on every
 * rank) from this rank: `kind` in the tag, every other field zero. */
static inline void rt_rma_header(rt_pkt_hdr_t *h, const rt_win_t *w, rt_rma_kind_t kind)
{
    memset(h, 0, sizeof(*h));
    h->type = RT_PKT_RMA;
    h->context_id = w->id;
    h->src_rank = w->comm->rank;
    h->tag = (int32_t)kind;
}

void rt_rma_send_ctrl(rt_win_t *w, int rank, rt_rma_kind_t kind, uint32_t arg);
/* The RT_PKT_RMA handler (rt_proto_am_handler dispatches here). */
void rt_win_am_handler(int src_world, const rt_pkt_hdr_t *h, const void *payload,
                       size_t payload_len);

/* ---- Synchronization (runtime/rt_win_sync.c) --------------------------- */
/* Target side of LOCK / UNLOCK / POST / COMPLETE packets. */
void rt_win_sync_packet(rt_win_t *w, int src_rank, const rt_pkt_hdr_t *h);

/* Argument check shared by the MPI_Win_* entry points. */
#define RT_CHECK_WIN(CALL, HANDLE, OUT)                                       \
    do {                                                                      \
        (OUT) = rt_win_get(HANDLE);                                           \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_WIN, "invalid window");         \
    } while (0)

#define RT_WIN_CHECK_ARG(CALL, COMM, PTR, NAME)                               \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

#endif /* MINIMPI_RT_WIN_H */

/*
 * transport.h -- the one interface between the runtime and a byte mover.
 *
 * A transport moves two things between processes of a job, addressed by
 * world rank:
 *   - active messages: a small opaque header plus a payload of at most
 *     tp->am_max_payload bytes, delivered in order per sender, to the
 *     runtime's handler on the receiving side;
 *   - optionally, one-sided reads ("get") of a buffer the sender exposed,
 *     which the runtime's rendezvous protocol uses for large messages.
 *
 * The transport knows nothing of MPI: no tags, no communicators, no matching.
 * Those live in runtime/.  The runtime includes only this header, never a
 * transport's private one; each transport exports exactly one
 * `const tp_ops_t` (tp_shm_ops, tp_self_ops, tp_ofi_ops).
 *
 * Model: libfabric's provider ops tables and UCX's UCT interface
 * (../shared/STYLE.md).  Every function returns a tp_status_t.
 */
#ifndef MINIMPI_TRANSPORT_H
#define MINIMPI_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

typedef enum tp_status {
    TP_OK = 0,
    TP_AGAIN = 1,       /* no room right now: call progress and retry later */
    TP_INPROGRESS = 2,  /* started; completion is signalled through tp_comp_t */
    TP_ENOTSUP = -1,    /* this transport cannot do that (e.g. no get) */
    TP_ENOMEM = -2,
    TP_ESYS = -3,       /* a system call failed; errno-like detail in the log */
    TP_EPEER = -4,      /* the peer is gone or unreachable */
    TP_EINVAL = -5,
} tp_status_t;

/*
 * Services the runtime lends a transport: the bootstrap key-value store
 * (PMI put/get/fence underneath) and the job's layout.  Keys are short ASCII
 * strings without spaces or '='; values are printable ASCII without spaces,
 * at most TP_KVS_VALUE_MAX bytes (binary data must be hex-encoded).
 */
#define TP_KVS_VALUE_MAX 1024

typedef struct tp_boot_ops {
    /* One key space for the whole job: put your world rank into the key
     * (e.g. "shm-pid-3") when every rank publishes one.  Values put before a
     * fence are visible to every rank after it.  All return 0 on success. */
    int (*kvs_put)(const char *key, const char *value);
    int (*kvs_get)(const char *key, char *value, size_t value_len);
    int (*fence)(void);            /* collective over the whole job */
} tp_boot_ops_t;

/*
 * Called by a transport, from inside its progress function, once per
 * arriving active message.  hdr and payload are valid only during the call:
 * the runtime copies what it needs before returning.
 */
typedef void (*tp_am_handler_fn)(void *arg, int src_world_rank,
                                 const void *hdr, size_t hdr_len,
                                 const void *payload, size_t payload_len);

typedef struct tp_job {
    int world_rank;
    int world_size;
    int node_id;                   /* this process's node, 0..num_nodes-1 */
    int num_nodes;
    const int *node_of_rank;       /* [world_size]: node of every rank */
    int local_rank;                /* index among this node's ranks */
    int local_size;
    const int *local_ranks;        /* [local_size]: world ranks on this node, ascending */
    const char *job_id;            /* unique per job, safe in file names */
    int oversubscribed;            /* node's ranks outnumber the cores they may use */
    int verbose;                   /* print one-line reasons for choices made */
    const tp_boot_ops_t *boot;
    tp_am_handler_fn am_handler;
    void *am_handler_arg;
    /* Ends the job with `msg` (the runtime's fatal-error path: rank, host,
     * launcher abort).  For errors a transport finds outside any call that
     * returns a status: a failed completion, a peer silent for too long.
     * May be NULL (unit tests); the transport then prints and aborts. */
    void (*fatal)(const char *msg);
} tp_job_t;

/*
 * Completion of an asynchronous operation (get).  The runtime embeds this in
 * its request and gets back to the request with container_of.
 */
typedef struct tp_comp tp_comp_t;
struct tp_comp {
    void (*done)(tp_comp_t *comp, tp_status_t status);
};

/* Opaque description of an exposed buffer, carried inside a runtime packet. */
#define TP_MEM_DESC_MAX 48
typedef struct tp_mem_desc {
    uint8_t bytes[TP_MEM_DESC_MAX];
} tp_mem_desc_t;

/* One entry of a scatter/gather list (getv): an address in this process,
 * or an offset inside a peer's exposed buffer, and a length. */
typedef struct tp_iov {
    uint64_t base;
    uint64_t len;
} tp_iov_t;

typedef struct tp_ops tp_ops_t;

/* Common head of every transport instance; a transport embeds it first. */
typedef struct tp {
    const tp_ops_t *ops;
    const char *name;
    size_t am_max_hdr;             /* largest header am_send accepts */
    size_t am_max_payload;         /* largest payload am_send accepts */
    int can_get;                   /* get() works for every reachable peer */
    int can_atomic;                /* atomic_async works for every rank, itself included */
    /* For mini-mpirun --report-transports, filled by init: what was chosen
     * (libfabric provider and interface; empty when nothing to say), and how
     * get() copies or, when can_get is 0, why single copy is off. */
    char detail[160];
    char single_copy[160];
    /* Set by the runtime (NULL: none): whether something that is not a
     * message is ready for this process, such as the flags of a
     * shared-memory collective.  wait() asks it after announcing that it
     * sleeps, so a peer that changed that state and then called wake()
     * never leaves it asleep. */
    int (*other_pending)(void);
} tp_t;

/* Remote atomics (tp_ops_t.atomic_async): operations and element types,
 * named here so the runtime needs no libfabric header. */
typedef enum tp_atomic_op {
    TP_AOP_MIN, TP_AOP_MAX, TP_AOP_SUM, TP_AOP_PROD, TP_AOP_LOR, TP_AOP_LAND, TP_AOP_BOR,
    TP_AOP_BAND, TP_AOP_LXOR, TP_AOP_BXOR,
    TP_AOP_READ,                   /* fetch only */
    TP_AOP_WRITE,                  /* replace */
    TP_AOP_CSWAP,                  /* compare and swap */
    TP_AOP_COUNT
} tp_atomic_op_t;

typedef enum tp_atomic_type {
    TP_ATYPE_INT8, TP_ATYPE_UINT8, TP_ATYPE_INT16, TP_ATYPE_UINT16, TP_ATYPE_INT32,
    TP_ATYPE_UINT32, TP_ATYPE_INT64, TP_ATYPE_UINT64, TP_ATYPE_FLOAT, TP_ATYPE_DOUBLE,
    TP_ATYPE_COUNT
} tp_atomic_type_t;

struct tp_ops {
    const char *name;

    /*
     * Create the transport for this process.  Collective: every process of
     * the job calls init of the same transports in the same order, because
     * init may use the bootstrap fence.  Returns TP_ENOTSUP when the
     * transport has nothing to do in this job (e.g. shm with local_size 1).
     */
    tp_status_t (*init)(const tp_job_t *job, tp_t **tp_out);

    /* Nonzero when this transport can reach world rank `peer`. */
    int (*reachable)(tp_t *tp, int peer);

    /*
     * Send header + payload to `peer`.  Either the whole message is taken
     * (copied or queued; the caller's buffers are free again on return) and
     * TP_OK is returned, or nothing is taken and TP_AGAIN is returned.
     * Messages from one sender to one receiver are delivered in send order.
     */
    tp_status_t (*am_send)(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                           const void *payload, size_t payload_len);

    /*
     * Expose [buf, buf+len) for a later get() by a peer, filling `desc`.
     * mem_release undoes it once the peer reported its read finished.
     * When can_get is 0, mem_expose returns TP_ENOTSUP.
     */
    tp_status_t (*mem_expose)(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc);
    void (*mem_release)(tp_t *tp, tp_mem_desc_t *desc);

    /*
     * Read `len` bytes at `offset` inside the peer buffer described by
     * `remote` into `local`.  TP_OK: done already (comp not used).
     * TP_INPROGRESS: comp->done is called later from progress.
     * TP_ENOTSUP: not possible for this peer; the runtime falls back to a
     * pipelined copy through active messages.
     */
    tp_status_t (*get)(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset,
                       void *local, size_t len, tp_comp_t *comp);

    /*
     * Optional (NULL: the transport has none, the runtime then stages
     * non-contiguous data and uses get): get with gather and scatter lists.
     * `riov` holds offsets inside the buffer `remote` describes, `liov`
     * local addresses; both cover the same number of bytes, which are read
     * in list order.  The lists are read before getv returns.  Returns as
     * get does.
     */
    tp_status_t (*getv)(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                        size_t riov_count, const tp_iov_t *liov, size_t liov_count,
                        tp_comp_t *comp);

    /* Deliver arrived messages and completions; returns how many. */
    int (*progress)(tp_t *tp);

    /* Release everything; no call on tp after this. */
    void (*finalize)(tp_t *tp);

    /*
     * Optional (NULL: always 0).  How many messages am_send took that the
     * transport has not handed over yet.  A transport that needs the
     * sender's progress to move them (libfabric with manual progress)
     * returns nonzero until they left; MPI_Finalize progresses until every
     * transport says 0 before it blocks in the bootstrap fence.
     */
    int (*pending)(tp_t *tp);

    /*
     * Optional (NULL when the transport cannot): sleep until a message may
     * have arrived for this process, or timeout_ms passed, without burning
     * the core.  Returns at once when something is already waiting.  Only
     * meant for oversubscribed nodes; senders ring the sleeper, and spurious
     * wake-ups are allowed, so the caller always polls progress again.
     */
    void (*wait)(tp_t *tp, int timeout_ms);

    /*
     * Optional (NULL when the transport cannot): the mirror of getv, a
     * write into the peer buffer `remote` describes (one-sided Put to a
     * window of a process on this node).  `riov` holds offsets inside that
     * buffer, `liov` local addresses; both cover the same number of bytes.
     * Synchronous: TP_OK means every byte is in the peer's memory.  Errors
     * as for get (TP_ENOTSUP: not possible for this peer, the runtime uses
     * active messages instead).  A transport with putv also accepts
     * mem_expose(NULL, SIZE_MAX), the whole address space, whose offsets are
     * addresses (dynamic windows), and its getv completes at once too.
     */
    tp_status_t (*putv)(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                        size_t riov_count, const tp_iov_t *liov, size_t liov_count);

    /*
     * Optional (NULL when the transport cannot): putv and getv for
     * one-sided communication between nodes, which finish later (a network
     * write or read: libfabric's fi_write/fi_read).  Same lists as putv and
     * getv, read before the call returns.  TP_OK: done already;
     * TP_INPROGRESS: comp->done is called from progress once every byte is
     * in the peer's memory (write) or here (read); TP_ENOTSUP: not this
     * operation (too many pieces, memory that cannot be registered), the
     * runtime sends it as messages.  Only for buffers exposed by
     * mem_expose with a length (no whole address space).
     */
    tp_status_t (*putv_async)(tp_t *tp, int peer, const tp_mem_desc_t *remote,
                              const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                              size_t liov_count, tp_comp_t *comp);
    tp_status_t (*getv_async)(tp_t *tp, int peer, const tp_mem_desc_t *remote,
                              const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                              size_t liov_count, tp_comp_t *comp);

    /*
     * Optional (NULL when the transport has no wait): wake each of the
     * `num_peers` ranks of `peers` that sleeps in wait(), after this
     * process changed what their other_pending() looks at (with its stores
     * before the call).  The caller's own rank may be in the list: it is
     * skipped.
     */
    void (*wake)(tp_t *tp, const int *peers, size_t num_peers);

    /*
     * Optional (NULL, or can_atomic 0, when the transport cannot): remote
     * atomics on memory a peer exposed with mem_expose (libfabric's
     * fi_atomic family).  atomic_max says how many elements of `type` one
     * atomic_async of `op` takes at most (`fetch`: with the old values
     * returned; TP_AOP_CSWAP always fetches), 0 when the provider cannot
     * do it.  atomic_async combines `count` elements of `operand` into the
     * peer's memory at `offset` (`compare` for TP_AOP_CSWAP; `result`, if
     * not NULL, receives the old values; all three stay untouched by the
     * caller until completion).  `peer` may be this process itself.
     * TP_INPROGRESS: comp->done is called from progress once the peer
     * applied it (and the old values are here).
     */
    size_t (*atomic_max)(tp_t *tp, tp_atomic_op_t op, tp_atomic_type_t type, int fetch);
    tp_status_t (*atomic_async)(tp_t *tp, int peer, const tp_mem_desc_t *remote,
                                uint64_t offset, tp_atomic_op_t op, tp_atomic_type_t type,
                                size_t count, const void *operand, const void *compare,
                                void *result, tp_comp_t *comp);
};

/* The transports that exist.  The runtime picks one per peer. */
extern const tp_ops_t tp_self_ops;   /* a process sending to itself */
extern const tp_ops_t tp_shm_ops;    /* peers on the same node */
extern const tp_ops_t tp_ofi_ops;    /* libfabric: peers on other nodes (or all, when forced) */

/*
 * The runtime's side of this contract (am_send to a peer the transport said
 * it reaches, with at most am_max_hdr + am_max_payload bytes) is the
 * runtime's to keep, and checking it on every message would tax the fast
 * path, so a transport checks it only in a debug build (configure
 * --enable-debug, on with --enable-sanitizers): there TP_CONTRACT aborts
 * naming the transport, the call and the broken condition; elsewhere the
 * condition is type-checked and never evaluated.  Input from outside the
 * process (another rank's shared memory, a remote packet) is checked for
 * real, never with this.
 */
#ifdef MINIMPI_DEBUG
#include <stdio.h>
#include <stdlib.h>
#define TP_CONTRACT(COND, TP_NAME, CALL)                                        \
    do {                                                                        \
        if (!(COND)) {                                                          \
            fprintf(stderr, "minimpi: %s: %s: broken contract: %s (%s:%d)\n",  \
                    (TP_NAME), (CALL), #COND, __FILE__, __LINE__);              \
            abort();                                                            \
        }                                                                       \
    } while (0)
#else
#define TP_CONTRACT(COND, TP_NAME, CALL) ((void)sizeof(!(COND)))
#endif

#endif /* MINIMPI_TRANSPORT_H */

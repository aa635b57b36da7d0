/*
 * rt.h -- what the runtime's modules share: the process state, the object
 * kinds behind MPI handles, and the error path.  Each module keeps its own
 * details in its own header (rt_request.h, rt_match.h, rt_proto.h, ...).
 *
 * Layering (top to bottom):
 *   MPI entry points     runtime/mpi_NAME.c  check arguments, call the core
 *   runtime core         runtime/rt_NAME.c   requests, matching, protocols,
 *                                            progress, datatypes, errors
 *   bootstrap            runtime/rt_boot.c   PMI-1 client or singleton
 *   transports           transports/NAME/    through transports/transport.h
 * Internal names carry the prefix rt_; nothing here is visible to programs
 * (the library exports only MPI_* symbols; see Makefile.am).
 */
#ifndef MINIMPI_RT_H
#define MINIMPI_RT_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <pthread.h>

#include "mpi.h"
#include "transports/transport.h"
#include "rt_handles.h"
#include "rt_profile.h"

#define RT_LIKELY(x)   __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define rt_container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- Process state (runtime/rt_init.c) ------------------------------- */
typedef enum rt_phase {
    RT_PHASE_BEFORE_INIT = 0,
    RT_PHASE_INITIALIZED,
    RT_PHASE_FINALIZED,
} rt_phase_t;

typedef struct rt_process {
    rt_phase_t phase;
    int thread_level;              /* level provided */
    pthread_t main_thread;
    int world_rank;
    int world_size;
    char hostname[MPI_MAX_PROCESSOR_NAME];
    tp_job_t job;                  /* layout handed to the transports */
} rt_process_t;

extern rt_process_t rt_proc;

/*
 * Nonzero when an MPI entry point must leave its fast path: MPI is not
 * initialized (or is finalized), or mini-mpirun --profile is on.  Folding
 * both into one word makes RT_CHECK_INIT's test of it the only branch
 * profiling adds at a call's entry (the other is the test of the profile
 * scope at its exit, rt_profile.h).  rt_entry_gate_update() recomputes it
 * after rt_proc.phase or rt_prof_on changes.
 */
extern int rt_entry_gate;
void rt_entry_gate_update(void);

/* ---- Communicators (runtime/rt_comm.c) -------------------------------- */
struct rt_group;                   /* runtime/rt_group.h */
struct rt_attr;                    /* runtime/rt_attr.h */
struct rt_topo;                    /* runtime/rt_topo.h */

typedef struct rt_comm {
    MPI_Comm handle;
    /* Matches messages to this communicator.  Context ids come in pairs:
     * the even one for point-to-point, context_id + 1 for the
     * communicator's own collective traffic, so the two never match. */
    int context_id;
    /* Collectives started on it so far: every rank starts them in the same
     * order, so this numbers each one identically everywhere and its
     * messages carry it as their tag (rt_coll_sched.c).  Starts at 0. */
    unsigned coll_seq;
    int rank;                      /* my rank in it (in the local group) */
    int size;                      /* size of the local group */
    int *world_rank_of;            /* [size]: comm rank -> world rank */
    /*
     * Whom point-to-point addresses: the communicator's own ranks, or on an
     * intercommunicator the remote group's (then the envelope's source is
     * the sender's rank in its own, local group).
     */
    int peer_size;
    int *peer_world_rank_of;       /* [peer_size]; world_rank_of when intra */
    int is_inter;
    MPI_Errhandler errhandler;
    char name[MPI_MAX_OBJECT_NAME];
    struct rt_attr *attrs;         /* cached attributes, newest first */
    struct rt_topo *topo;          /* Cartesian or graph layout, or NULL */
    MPI_Comm local_comm;           /* intercomm: an intracomm of the local group */
    int refcount;                  /* its handle (until freed) + each request using it */
    /* A window's private communicator: the window's handle, which its
     * error handler is called with; 0 on every other communicator. */
    MPI_Win win;
    /* The shared-memory collectives' area (rt_coll_shm.c), or NULL. */
    struct rt_coll_shm *coll_shm;
} rt_comm_t;

/* NULL when `handle` is not a live communicator.  Inline, as every call
 * that communicates starts with it. */
extern rt_htable_t rt_comm_table;
static inline rt_comm_t *rt_comm_get(MPI_Comm handle)
{
    return rt_htable_get(&rt_comm_table, handle);
}
/* A request keeps a communicator the program freed alive until it is
 * released (MPI_Comm_free lets pending operations complete). */
void rt_comm_free_object(rt_comm_t *c);   /* the last reference went */
static inline void rt_comm_retain(rt_comm_t *c)
{
    c->refcount++;
}
static inline void rt_comm_release(rt_comm_t *c)
{
    if (--c->refcount == 0)
        rt_comm_free_object(c);
}
int rt_comm_init_predefined(void);   /* WORLD and SELF, during MPI_Init */
/* Start of MPI_Finalize: delete the attributes of SELF, then WORLD, with
 * their callbacks (which may still call MPI). */
void rt_comm_finalize_begin(void);
/* End of MPI_Finalize: drop what the program did not free. */
void rt_comm_finalize(void);

/* ---- Datatypes (runtime/rt_datatype.c, rt_dt_build.c) ----------------- */
/*
 * A datatype is described, once, by the runs of bytes one element covers,
 * so that packing any type is a loop over runs and never a per-element
 * function call.  A run is `count` blocks of `len` bytes, the first at
 * `offset` from the element's start and each next one `stride` bytes
 * further (a vector's column is a single run).  Contiguous types (every
 * basic one) have one block and take the plain memcpy path; the pair types
 * (MPI_DOUBLE_INT, ...) have two, with padding between them.  Derived
 * datatypes are flattened into the same description when they are built
 * (rt_dt_build.c), in typemap order, which is the order data is packed in.
 */
typedef struct rt_dt_block {
    MPI_Aint offset;
    size_t len;
    size_t count;                  /* blocks in this run (at least 1) */
    MPI_Aint stride;               /* from one block of the run to the next */
} rt_dt_block_t;

/* What MPI_Type_get_envelope/contents report about a derived type. */
typedef struct rt_dt_contents {
    int combiner;                  /* MPI_COMBINER_* */
    int num_ints, num_aints, num_types;
    int *ints;
    MPI_Aint *aints;
    MPI_Datatype *types;
    struct rt_datatype **type_objs; /* the same types, each retained */
} rt_dt_contents_t;

typedef struct rt_datatype {
    MPI_Datatype handle;
    const char *name;              /* predefined: its MPI name */
    size_t size;                   /* bytes of data in one element */
    MPI_Aint extent;               /* stride between consecutive elements */
    MPI_Aint lb;
    int contiguous;                /* size == extent and one block at lb */
    int num_blocks;
    const rt_dt_block_t *blocks;
    /* Derived types only (predefined ones are permanent and committed). */
    int derived;
    int committed;                 /* usable for communication */
    int refcount;                  /* its handle (until freed) + each request using it */
    MPI_Aint true_lb, true_extent; /* bounds of the data itself, markers ignored */
    size_t align;                  /* strictest alignment of its basic types */
    int explicit_bounds;           /* bounds set by MPI_Type_create_resized */
    size_t num_basic;              /* basic elements in one element */
    MPI_Datatype basic;            /* the one basic type it is made of, or 0 if mixed */
    rt_dt_contents_t contents;
    char user_name[MPI_MAX_OBJECT_NAME]; /* MPI_Type_set_name; "" when unset */
} rt_datatype_t;

/* NULL when `handle` is not a valid datatype (committed or not).  The
 * predefined types are looked up inline (every call that communicates
 * names one); derived ones, and the first call, take rt_datatype_lookup. */
extern rt_datatype_t rt_dt_predefined[];
extern int rt_dt_predefined_ready;
rt_datatype_t *rt_datatype_lookup(MPI_Datatype handle);
static inline rt_datatype_t *rt_datatype_get(MPI_Datatype handle)
{
    unsigned h = (unsigned)handle, index = h & 0xffffffu;
    if (RT_LIKELY(rt_dt_predefined_ready && (h >> 24) == MINIMPI_KIND_DATATYPE &&
                  index - 1u < MINIMPI_DATATYPE_PREDEFINED_LAST))
        return &rt_dt_predefined[index];
    return rt_datatype_lookup(handle);
}

/* A request (or another holder) keeps a type alive after MPI_Type_free. */
/* Only derived types count references (predefined ones live for the job);
 * inline, as every request does both. */
void rt_datatype_destroy(rt_datatype_t *dt);
static inline void rt_datatype_retain(rt_datatype_t *dt)
{
    if (dt != NULL && dt->derived)
        dt->refcount++;
}
static inline void rt_datatype_release(rt_datatype_t *dt)
{
    if (dt != NULL && dt->derived && --dt->refcount == 0)
        rt_datatype_destroy(dt);
}
/* MPI_Finalize: drop every derived type the program did not free. */
void rt_datatype_finalize(void);

/* Pack `count` elements of `dt` from `src` into contiguous `dst`. */
void rt_datatype_pack(const rt_datatype_t *dt, const void *src, size_t count, void *dst);
/* Unpack `bytes` packed bytes (a prefix of whole or partial elements) into `dst`. */
void rt_datatype_unpack(const rt_datatype_t *dt, const void *src, size_t bytes, void *dst);

/* ---- Errors (runtime/rt_errors.c) ------------------------------------- */
/*
 * The one place an MPI error is raised.  `call` is the MPI function's name,
 * the message says which argument is wrong and why, e.g.
 *   rt_err(comm, "MPI_Send", MPI_ERR_COUNT, "invalid count %d", count)
 * It invokes the communicator's error handler (comm may be NULL: the
 * handler of MPI_COMM_WORLD applies, as the standard says for calls without
 * a communicator) and returns the error code for the call to return.
 * Under MPI_ERRORS_ARE_FATAL it prints
 *   minimpi: rank 3 on node1 (pid 4242): MPI_Send: invalid count -1
 * and aborts the job; it does not return.
 */
int rt_err(rt_comm_t *comm, const char *call, int errclass, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Print a fatal internal error with rank, host and pid, then abort the job. */
void rt_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* rt_fatal for a transport operation that failed with `status` (a
 * tp_status_t).  When the peer process is gone (TP_EPEER), the launcher saw
 * it die first and should be the one to report it, naming that rank and its
 * signal or exit code: this rank says what it saw, then waits up to 10 s
 * for the launcher to end the job before ending it itself. */
void rt_fatal_transport(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Abort the whole job with `code` as its exit status (MPI_Abort's path). */
void rt_abort_job(int code, const char *why) __attribute__((noreturn));

/* Printed when MINIMPI_VERBOSE names `topic` (e.g. "transport"). */
int rt_verbose_on(const char *topic);
void rt_verbose(const char *topic, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Argument checks shared by every MPI_* entry point.  Each one raises the
 * standard's error class with the argument's name through rt_err and makes
 * the calling function return its code.  `CALL` is the MPI function's name.
 * RT_CHECK_INIT also opens the call's profile scope (rt_profile.h), so it
 * is a declaration: at most one per block, never right after a label.  With
 * MPI initialized and --profile off it costs one predictable branch, the
 * test of rt_entry_gate, plus the scope's test at the exit.
 */
#define RT_CHECK_INIT(CALL)                                                   \
    RT_PROFILE_SCOPE;                                                         \
    do {                                                                      \
        if (RT_UNLIKELY(rt_entry_gate != 0)) {                                \
            if (rt_proc.phase != RT_PHASE_INITIALIZED)                        \
                return rt_err(NULL, CALL, MPI_ERR_OTHER, "%s",                \
                              rt_proc.phase == RT_PHASE_BEFORE_INIT           \
                                  ? "called before MPI_Init"                  \
                                  : "called after MPI_Finalize");             \
            RT_PROFILE_SCOPE_NAME = rt_prof_enter(CALL);                      \
        }                                                                     \
    } while (0)

#define RT_CHECK_COMM(CALL, HANDLE, OUT)                                      \
    do {                                                                      \
        (OUT) = rt_comm_get(HANDLE);                                          \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_COMM, "invalid communicator");  \
    } while (0)

#define RT_CHECK_COUNT(CALL, COMM, COUNT)                                     \
    do {                                                                      \
        if (RT_UNLIKELY((COUNT) < 0))                                         \
            return rt_err(COMM, CALL, MPI_ERR_COUNT, "invalid count %d",      \
                          (int)(COUNT));                                      \
    } while (0)

/* A datatype to communicate with: valid and committed. */
#define RT_CHECK_DATATYPE(CALL, COMM, HANDLE, OUT)                            \
    do {                                                                      \
        (OUT) = rt_datatype_get(HANDLE);                                      \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_TYPE, "invalid datatype");      \
        if (RT_UNLIKELY(!(OUT)->committed))                                   \
            return rt_err(COMM, CALL, MPI_ERR_TYPE,                           \
                          "datatype is not committed (call MPI_Type_commit)");\
    } while (0)

#define RT_CHECK_BUFFER(CALL, COMM, BUF, COUNT)                               \
    do {                                                                      \
        if (RT_UNLIKELY((BUF) == NULL && (COUNT) > 0))                        \
            return rt_err(COMM, CALL, MPI_ERR_BUFFER,                         \
                          "invalid buffer NULL with count %d", (int)(COUNT)); \
    } while (0)

/* The same for a buffer described by datatype DT: a derived type may
 * address absolute memory from MPI_BOTTOM, which is NULL. */
#define RT_CHECK_BUFFER_DT(CALL, COMM, BUF, COUNT, DT)                        \
    do {                                                                      \
        if (!(DT)->derived)                                                   \
            RT_CHECK_BUFFER(CALL, COMM, BUF, COUNT);                          \
    } while (0)

/* A destination: a rank of comm (of its remote group on an
 * intercommunicator) or MPI_PROC_NULL. */
#define RT_CHECK_DEST(CALL, COMM, RANK)                                       \
    do {                                                                      \
        if (RT_UNLIKELY(((RANK) < 0 || (RANK) >= (COMM)->peer_size) &&        \
                        (RANK) != MPI_PROC_NULL))                             \
            return rt_err(COMM, CALL, MPI_ERR_RANK,                           \
                          "invalid rank %d (communicator size %d)", (RANK),   \
                          (COMM)->peer_size);                                 \
    } while (0)

/* A source: a rank of comm (remote group), MPI_PROC_NULL or MPI_ANY_SOURCE. */
#define RT_CHECK_SOURCE(CALL, COMM, RANK)                                     \
    do {                                                                      \
        if (RT_UNLIKELY(((RANK) < 0 || (RANK) >= (COMM)->peer_size) &&        \
                        (RANK) != MPI_PROC_NULL && (RANK) != MPI_ANY_SOURCE)) \
            return rt_err(COMM, CALL, MPI_ERR_RANK,                           \
                          "invalid source rank %d (communicator size %d)",    \
                          (RANK), (COMM)->peer_size);                         \
    } while (0)

/* Tags a sender may use: 0..RT_TAG_UB.  A receiver may also use ANY_TAG. */
#define RT_TAG_UB ((1 << 30) - 1)
#define RT_CHECK_SEND_TAG(CALL, COMM, TAG)                                    \
    do {                                                                      \
        if (RT_UNLIKELY((TAG) < 0 || (TAG) > RT_TAG_UB))                      \
            return rt_err(COMM, CALL, MPI_ERR_TAG, "invalid tag %d", (TAG));  \
    } while (0)
#define RT_CHECK_RECV_TAG(CALL, COMM, TAG)                                    \
    do {                                                                      \
        if (RT_UNLIKELY(((TAG) < 0 || (TAG) > RT_TAG_UB) &&                   \
                        (TAG) != MPI_ANY_TAG))                                \
            return rt_err(COMM, CALL, MPI_ERR_TAG, "invalid tag %d", (TAG));  \
    } while (0)

/* ---- Clock (runtime/rt_time.c) ---------------------------------------- */
double rt_wtime(void);

/* ---- Progress (runtime/rt_progress.c) --------------------------------- */
/*
 * Bring up the transports for every peer (self, shm, ofi) once the
 * bootstrap has filled rt_proc.job.  Collective over the job.
 */
int rt_progress_init(void);
/* Deliver everything that can be delivered now; returns events handled. */
int rt_progress(void);
/* Called in every blocking loop after an idle rt_progress(): spins a little,
 * then, when the node is oversubscribed, yields the core, then sleeps until
 * a message arrives (at most a few milliseconds). */
void rt_progress_idle(unsigned *idle_rounds);
/* Push out every queued outgoing message (MPI_Finalize needs this). */
int rt_progress_flush(void);
void rt_progress_finalize(void);

/* Last: the runtime defines and calls the MPI functions by their PMPI_ names. */
#include "rt_pmpi.h"

#endif /* MINIMPI_RT_H */

/*
 * rt_coll_sched.c -- building and running collective schedules (see
 * rt_coll_sched.h).
 */
#include "rt_coll_sched.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_op.h"
#include "rt_profile.h"
#include "rt_progress.h"
#include "rt_proto.h"

typedef enum step_kind {
    STEP_SEND,
    STEP_RECV,
    STEP_COPY,
    STEP_REDUCE,                   /* dst = src op dst */
    STEP_REDUCE_RIGHT,             /* dst = dst op src */
    STEP_CALL,                     /* fn(arg) */
    STEP_POLL,                     /* fn(arg) until it returns non-zero */
} step_kind_t;

typedef struct step {
    step_kind_t kind;
    int peer;                      /* send, receive */
    const void *src;               /* send, copy, reduce */
    void *dst;                     /* receive, copy, reduce */
    size_t count;
    rt_datatype_t *dt;             /* copy: the source's type */
    rt_datatype_t *ddt;            /* copy: the destination's type */
    rt_op_t *op;
    rt_coll_sched_fn fn;           /* call */
    void *arg;
    int unprofiled;                /* send: the runtime's own bookkeeping */
} step_t;

struct rt_coll_sched {
    rt_comm_t *comm;
    int tag;
    int error;                     /* first error, building or running */

    step_t *steps;
    size_t num_steps, cap_steps;
    size_t *round_end;             /* round i is steps [round_end[i-1], round_end[i]) */
    size_t num_rounds, cap_rounds;
    size_t next_round;
    size_t next_step;              /* of the running round, when a poll waits */
    int polling;                   /* a poll step of the running round waits */
    int finished;                  /* a blocking run's last round is done */

    rt_request_t **pending;        /* sends and receives of the running round */
    size_t num_pending, cap_pending;

    void **tmps;                   /* temporaries freed with the schedule */
    size_t num_tmps, cap_tmps;

    rt_request_t *req;             /* the collective's request, once started */
    rt_coll_sched_t *prev, *next;  /* in the active list */
};

int rt_coll_sched_num_active;
static rt_coll_sched_t *active_head;

/* Grow an array to hold one more element; 0 on success. */
static int grow(void **array, size_t *cap, size_t num, size_t elem_size)
{
    if (num < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 8;
    void *p = realloc(*array, ncap * elem_size);
    if (p == NULL)
        return -1;
    *array = p;
    *cap = ncap;
    return 0;
}

/*
 * Finished schedules keep their step, round and request arrays in a small
 * free list, so a program calling the same collective in a loop stops
 * allocating after the first call (temporaries are freed every time: their
 * size changes with the call).
 */
#define RT_SCHED_POOL_MAX 16
static rt_coll_sched_t *pool;
static int pool_size;

rt_coll_sched_t *rt_coll_sched_new(rt_comm_t *comm)
{
    rt_coll_sched_t *s = pool;
    if (s != NULL) {
        pool = s->next;
        pool_size--;
        s->next = NULL;
    } else {
        s = calloc(1, sizeof(*s));
        if (s == NULL)
            return NULL;
    }
    s->comm = comm;
    return s;
}

static void free_arrays(rt_coll_sched_t *s)
{
    free(s->tmps);
    free(s->pending);
    free(s->round_end);
    free(s->steps);
    free(s);
}

void rt_coll_sched_free(rt_coll_sched_t *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->num_tmps; i++)
        free(s->tmps[i]);
    if (pool_size >= RT_SCHED_POOL_MAX) {
        free_arrays(s);
        return;
    }
    /* Keep the arrays, forget the contents. */
    s->comm = NULL;
    s->tag = 0;
    s->error = MPI_SUCCESS;
    s->num_steps = s->num_rounds = s->next_round = s->next_step = 0;
    s->polling = s->finished = 0;
    s->num_pending = s->num_tmps = 0;
    s->req = NULL;
    s->prev = NULL;
    s->next = pool;
    pool = s;
    pool_size++;
}

void rt_coll_sched_fail(rt_coll_sched_t *s, int errclass)
{
    if (s->error == MPI_SUCCESS)
        s->error = errclass;
}

static step_t *add_step(rt_coll_sched_t *s, step_kind_t kind)
{
    if (grow((void **)&s->steps, &s->cap_steps, s->num_steps, sizeof(step_t)) != 0) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return NULL;
    }
    step_t *st = &s->steps[s->num_steps++];
    memset(st, 0, sizeof(*st));
    st->kind = kind;
    return st;
}

/* A send or receive step (the buffer in src or dst); NULL when building
 * failed (remembered). */
static step_t *add_message(rt_coll_sched_t *s, step_kind_t kind, size_t count, rt_datatype_t *dt,
                           int peer)
{
    if (count > INT_MAX) {
        rt_coll_sched_fail(s, MPI_ERR_COUNT);
        return NULL;
    }
    step_t *st = add_step(s, kind);
    if (st == NULL)
        return NULL;
    st->count = count;
    st->dt = dt;
    st->peer = peer;
    return st;
}

void rt_coll_sched_send(rt_coll_sched_t *s, const void *buf, size_t count, rt_datatype_t *dt,
                        int peer)
{
    step_t *st = add_message(s, STEP_SEND, count, dt, peer);
    if (st != NULL)
        st->src = buf;
}

void rt_coll_sched_send_unprofiled(rt_coll_sched_t *s, const void *buf, size_t count,
                                   rt_datatype_t *dt, int peer)
{
    step_t *st = add_message(s, STEP_SEND, count, dt, peer);
    if (st != NULL) {
        st->src = buf;
        st->unprofiled = 1;
    }
}

void rt_coll_sched_recv(rt_coll_sched_t *s, void *buf, size_t count, rt_datatype_t *dt,
                        int peer)
{
    step_t *st = add_message(s, STEP_RECV, count, dt, peer);
    if (st != NULL)
        st->dst = buf;
}

void rt_coll_sched_copy(rt_coll_sched_t *s, const void *src, size_t count, rt_datatype_t *sdt,
                        void *dst, rt_datatype_t *ddt)
{
    if (count == 0 || (src == dst && sdt == ddt))
        return;
    step_t *st = add_step(s, STEP_COPY);
    if (st == NULL)
        return;
    st->src = src;
    st->dst = dst;
    st->count = count;
    st->dt = sdt;
    st->ddt = ddt;
}

static void add_reduce(rt_coll_sched_t *s, step_kind_t kind, const void *src, void *dst,
                       size_t count, rt_datatype_t *dt, rt_op_t *op)
{
    if (count == 0)
        return;
    step_t *st = add_step(s, kind);
    if (st == NULL)
        return;
    st->src = src;
    st->dst = dst;
    st->count = count;
    st->dt = dt;
    st->op = op;
}

void rt_coll_sched_reduce(rt_coll_sched_t *s, const void *src, void *dst, size_t count,
                          rt_datatype_t *dt, rt_op_t *op)
{
    add_reduce(s, STEP_REDUCE, src, dst, count, dt, op);
}

void rt_coll_sched_reduce_right(rt_coll_sched_t *s, void *src, void *dst, size_t count,
                                rt_datatype_t *dt, rt_op_t *op)
{
    add_reduce(s, STEP_REDUCE_RIGHT, src, dst, count, dt, op);
}

static void add_fn(rt_coll_sched_t *s, step_kind_t kind, rt_coll_sched_fn fn, void *arg)
{
    step_t *st = add_step(s, kind);
    if (st == NULL)
        return;
    st->fn = fn;
    st->arg = arg;
}

void rt_coll_sched_call(rt_coll_sched_t *s, rt_coll_sched_fn fn, void *arg)
{
    add_fn(s, STEP_CALL, fn, arg);
}

void rt_coll_sched_poll(rt_coll_sched_t *s, rt_coll_sched_fn fn, void *arg)
{
    add_fn(s, STEP_POLL, fn, arg);
}

void rt_coll_sched_round(rt_coll_sched_t *s)
{
    size_t start = s->num_rounds ? s->round_end[s->num_rounds - 1] : 0;
    if (s->num_steps == start)
        return;                    /* an empty round waits for nothing */
    if (grow((void **)&s->round_end, &s->cap_rounds, s->num_rounds, sizeof(size_t)) != 0) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return;
    }
    s->round_end[s->num_rounds++] = s->num_steps;
}

void *rt_coll_sched_tmp(rt_coll_sched_t *s, size_t count, const rt_datatype_t *dt)
{
    /* Every element needs both [lb, lb + |extent|) (kernels of pair types
     * write whole structures, padding included) and its data's true bounds,
     * which a resized type may put outside that (an extent smaller than the
     * data, or a lower bound above it).  A negative extent puts the last
     * element first. */
    size_t stride = (size_t)(dt->extent < 0 ? -dt->extent : dt->extent);
    size_t steps = count > 0 ? count - 1 : 0;
    size_t spread = steps * stride;
    if ((stride > 0 && spread / stride != steps) || spread > (size_t)PTRDIFF_MAX / 2) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return NULL;
    }
    MPI_Aint elem_lb = dt->extent < 0 ? dt->lb + dt->extent : dt->lb;
    MPI_Aint first_lb = elem_lb < dt->true_lb ? elem_lb : dt->true_lb;
    MPI_Aint ub = elem_lb + (MPI_Aint)stride, true_ub = dt->true_lb + dt->true_extent;
    MPI_Aint last_ub = ub > true_ub ? ub : true_ub;
    MPI_Aint low = first_lb - (dt->extent < 0 ? (MPI_Aint)spread : 0);
    MPI_Aint high = last_ub + (dt->extent < 0 ? 0 : (MPI_Aint)spread);
    size_t bytes = count > 0 ? (size_t)(high - low) : 0;
    if (grow((void **)&s->tmps, &s->cap_tmps, s->num_tmps, sizeof(void *)) != 0) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return NULL;
    }
    char *p = malloc(bytes > 0 ? bytes : 1);
    if (p == NULL) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return NULL;
    }
    s->tmps[s->num_tmps++] = p;
    return p - low;
}

/* ---- Running ---------------------------------------------------------------- */

static void copy_data(rt_coll_sched_t *s, const step_t *st)
{
    const rt_datatype_t *sdt = st->dt, *ddt = st->ddt;
    size_t bytes = st->count * sdt->size;
    if (sdt->contiguous && ddt->contiguous) {
        memmove((char *)st->dst + ddt->lb, (const char *)st->src + sdt->lb, bytes);
        return;
    }
    void *packed = malloc(bytes);
    if (packed == NULL) {
        rt_coll_sched_fail(s, MPI_ERR_NO_MEM);
        return;
    }
    rt_datatype_pack(sdt, st->src, st->count, packed);
    rt_datatype_unpack(ddt, packed, bytes, st->dst);
    free(packed);
}

static void start_message(rt_coll_sched_t *s, const step_t *st)
{
    int context_id = s->comm->context_id + 1;   /* the collective context */
    /* The send starts (and --profile counts it) inside rt_proto_isend. */
    int profiling = rt_prof_on;
    if (st->unprofiled)
        rt_prof_on = 0;
    /* A small send the transport takes at once needs no request. */
    if (st->kind == STEP_SEND &&
        rt_proto_send_now(s->comm, context_id, st->src, st->count, st->dt, st->peer, s->tag)) {
        rt_prof_on = profiling;
        return;
    }
    rt_request_t *r = st->kind == STEP_SEND
                          ? rt_proto_isend(s->comm, context_id, st->src, st->count, st->dt,
                                           st->peer, s->tag)
                          : rt_proto_irecv(s->comm, context_id, st->dst, st->count, st->dt,
                                           st->peer, s->tag);
    rt_prof_on = profiling;
    if (r->complete) {
        rt_request_release(r);
        return;
    }
    if (grow((void **)&s->pending, &s->cap_pending, s->num_pending, sizeof(*s->pending)) != 0)
        rt_fatal("out of memory running a collective");
    s->pending[s->num_pending++] = r;
}

/* Run the steps of the current round (s->next_round - 1) from
 * s->next_step on; stops at a poll step that is not done yet (s->polling). */
static void run_steps(rt_coll_sched_t *s)
{
    size_t end = s->round_end[s->next_round - 1];
    s->polling = 0;
    for (size_t i = s->next_step; i < end; i++) {
        step_t *st = &s->steps[i];
        switch (st->kind) {
        case STEP_SEND:
        case STEP_RECV:
            start_message(s, st);
            break;
        case STEP_COPY:
            copy_data(s, st);
            break;
        case STEP_REDUCE:
            rt_op_apply(st->op, st->src, st->dst, st->count, st->dt);
            break;
        case STEP_REDUCE_RIGHT:
            if (st->op->commutative) {
                rt_op_apply(st->op, st->src, st->dst, st->count, st->dt);
            } else {
                /* Only in-place "inout = in op inout" exists: compute into
                 * the temporary, then move the result. */
                rt_op_apply(st->op, st->dst, (void *)st->src, st->count, st->dt);
                step_t copy = {.kind = STEP_COPY, .src = st->src, .dst = st->dst,
                               .count = st->count, .dt = st->dt, .ddt = st->dt};
                copy_data(s, &copy);
            }
            break;
        case STEP_CALL: {
            int err = st->fn(st->arg);
            if (err != MPI_SUCCESS)
                rt_coll_sched_fail(s, err);
            break;
        }
        case STEP_POLL: {
            int ret = st->fn(st->arg);
            if (ret == 0) {
                s->next_step = i;
                s->polling = 1;
                return;
            }
            if (ret != 1)
                rt_coll_sched_fail(s, ret);
            break;
        }
        }
    }
}

static void run_round(rt_coll_sched_t *s, size_t round)
{
    s->next_round = round + 1;
    s->next_step = round ? s->round_end[round - 1] : 0;
    run_steps(s);
}

static void unlink_active(rt_coll_sched_t *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        active_head = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
    rt_coll_sched_num_active--;
}

static void finish(rt_coll_sched_t *s)
{
    rt_request_t *req = s->req;
    if (req == NULL) {             /* a blocking run: rt_coll_sched_run frees it */
        s->finished = 1;
        return;
    }
    unlink_active(s);
    req->status.MPI_ERROR = s->error;
    req->sched = NULL;
    rt_coll_sched_free(s);
    rt_request_complete(req);
}

/* Reap finished messages; start rounds while the previous one is done.
 * Returns how many things moved. */
static int advance(rt_coll_sched_t *s)
{
    int moved = 0;
    for (;;) {
        if (s->polling) {
            run_steps(s);
            if (s->polling)
                return moved;
            moved++;
        }
        size_t kept = 0;
        for (size_t i = 0; i < s->num_pending; i++) {
            rt_request_t *r = s->pending[i];
            if (!r->complete) {
                s->pending[kept++] = r;
                continue;
            }
            if (r->status.MPI_ERROR != MPI_SUCCESS)
                rt_coll_sched_fail(s, r->status.MPI_ERROR);
            rt_request_release(r);
            moved++;
        }
        s->num_pending = kept;
        if (kept > 0)
            return moved;
        if (s->next_round == s->num_rounds) {
            finish(s);
            return moved + 1;
        }
        run_round(s, s->next_round);
        moved++;
    }
}

/* Number the collective and close its last round; on a building error the
 * schedule is freed and the error returned. */
static int begin(rt_coll_sched_t *s)
{
    /* Every rank numbers this collective the same, whatever happens next. */
    s->tag = rt_coll_take_tag(s->comm);
    rt_coll_sched_round(s);
    if (s->error != MPI_SUCCESS) {
        int err = s->error;
        rt_coll_sched_free(s);
        return err;
    }
    return MPI_SUCCESS;
}

int rt_coll_sched_start(rt_coll_sched_t *s, rt_request_t **out)
{
    int err = begin(s);
    if (err != MPI_SUCCESS)
        return err;
    rt_request_t *req = rt_request_alloc(RT_REQ_COLL);
    req->comm = s->comm;
    rt_status_set_empty(&req->status);
    req->sched = s;
    s->req = req;
    s->next = active_head;
    if (active_head != NULL)
        active_head->prev = s;
    active_head = s;
    rt_coll_sched_num_active++;
    advance(s);
    *out = req;
    return MPI_SUCCESS;
}

/* The blocking form needs no request and is not in the active list: this
 * rank advances it itself between calls to the progress engine, which then
 * has no schedule to look at for it. */
int rt_coll_sched_run(rt_coll_sched_t *s)
{
    int err = begin(s);
    if (err != MPI_SUCCESS)
        return err;
    unsigned idle = 0;
    for (;;) {
        int moved = advance(s);
        if (s->finished)
            break;
        if (moved + rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    err = s->error;
    rt_coll_sched_free(s);
    return err;
}

int rt_coll_sched_progress(void)
{
    int moved = 0;
    for (rt_coll_sched_t *s = active_head, *next; s != NULL; s = next) {
        next = s->next;
        moved += advance(s);
    }
    return moved;
}

void rt_coll_sched_finalize(void)
{
    /* Collectives the program started and never completed. */
    while (active_head != NULL) {
        rt_coll_sched_t *s = active_head;
        unlink_active(s);
        rt_coll_sched_free(s);
    }
    while (pool != NULL) {
        rt_coll_sched_t *s = pool;
        pool = s->next;
        free_arrays(s);
    }
    pool_size = 0;
}

/*
 * rt_coll_sched.h -- schedules: how every collective runs, blocking or not.
 *
 * An algorithm does not send anything itself: it writes down a schedule, a
 * list of rounds, each a list of steps (send, receive, local copy, local
 * reduction).  Running a round starts its sends and receives and performs
 * its local steps in the order written; the next round starts once every
 * send and receive of the current one completed.  So a step that reads data
 * received in round k belongs in round k + 1.
 *
 * A schedule is owned by a request of kind RT_REQ_COLL.  rt_progress()
 * advances every active schedule, so a nonblocking collective completes
 * through MPI_Wait/MPI_Test like any request, and a blocking one is the
 * same schedule followed by rt_request_wait().
 *
 * Messages go over the communicator's collective context, tagged with the
 * collective's sequence number on that communicator (comm->coll_seq):
 * several nonblocking collectives may be in flight at once and never match
 * each other's messages.  Within one collective, messages between two ranks
 * are matched in the order both sides wrote them, which every algorithm
 * keeps.
 *
 * Building never fails half-way silently: the first failure (out of memory,
 * a count too large) is remembered and returned by rt_coll_sched_start.
 */
#ifndef MINIMPI_RT_COLL_SCHED_H
#define MINIMPI_RT_COLL_SCHED_H

#include <stddef.h>

#include "rt.h"
#include "rt_coll.h"
#include "rt_request.h"

typedef struct rt_coll_sched rt_coll_sched_t;

/* The tag of the communicator's next collective: its sequence number, taken
 * by every rank for every collective in the same order (a schedule takes it
 * when it starts, a blocking call run without a schedule when it begins). */
static inline int rt_coll_take_tag(rt_comm_t *comm)
{
    return (int)(comm->coll_seq++ & (unsigned)RT_TAG_UB);
}

/* Schedules in flight: rt_progress() calls rt_coll_sched_progress() while
 * this is not zero. */
extern int rt_coll_sched_num_active;

/* A new empty schedule on `comm` (NULL only when out of memory). */
rt_coll_sched_t *rt_coll_sched_new(rt_comm_t *comm);
/* Free a schedule that was never started. */
void rt_coll_sched_free(rt_coll_sched_t *s);

/* Steps.  Peers are ranks of the schedule's communicator. */
void rt_coll_sched_send(rt_coll_sched_t *s, const void *buf, size_t count, rt_datatype_t *dt,
                        int peer);
/* A send of the runtime's own bookkeeping (setting up a collective's shared
 * area), which mini-mpirun --profile does not count as the program's bytes. */
void rt_coll_sched_send_unprofiled(rt_coll_sched_t *s, const void *buf, size_t count,
                                   rt_datatype_t *dt, int peer);
void rt_coll_sched_recv(rt_coll_sched_t *s, void *buf, size_t count, rt_datatype_t *dt,
                        int peer);
/* Copy `count` elements of `sdt` at src into dst as elements of `ddt` (same
 * type signature; the receiving side may hold more room). */
void rt_coll_sched_copy(rt_coll_sched_t *s, const void *src, size_t count, rt_datatype_t *sdt,
                        void *dst, rt_datatype_t *ddt);
/* dst = src op dst: `src` holds the lower ranks' contribution. */
void rt_coll_sched_reduce(rt_coll_sched_t *s, const void *src, void *dst, size_t count,
                          rt_datatype_t *dt, rt_op_t *op);
/* dst = dst op src: `src` holds the higher ranks' contribution; `src` may
 * be overwritten (it must be a temporary of the schedule). */
void rt_coll_sched_reduce_right(rt_coll_sched_t *s, void *src, void *dst, size_t count,
                                rt_datatype_t *dt, rt_op_t *op);
/* Call fn(arg) when the step's turn comes, as a local step; a non-zero
 * return is the schedule's error class (MPI_Comm_idup finishes this way). */
typedef int (*rt_coll_sched_fn)(void *arg);
void rt_coll_sched_call(rt_coll_sched_t *s, rt_coll_sched_fn fn, void *arg);
/* Call fn(arg) when the step's turn comes, and again on every later
 * progress call until it returns non-zero; the steps after it in its round
 * wait until then.  For waiting on something that is not a message (the
 * flags of a shared-memory collective, rt_coll_shm.c).  A return other than
 * 0 or 1 is the schedule's error class, and the step is done. */
void rt_coll_sched_poll(rt_coll_sched_t *s, rt_coll_sched_fn fn, void *arg);
/* End the current round: later steps wait for its messages. */
void rt_coll_sched_round(rt_coll_sched_t *s);

/* A temporary buffer for `count` elements of `dt` (laid out with its
 * extent), freed with the schedule; NULL (remembered as an error) when out
 * of memory.  Never NULL for count 0. */
void *rt_coll_sched_tmp(rt_coll_sched_t *s, size_t count, const rt_datatype_t *dt);

/* Remember an error found while building (the first one wins). */
void rt_coll_sched_fail(rt_coll_sched_t *s, int errclass);

/*
 * Attach the schedule to a new RT_REQ_COLL request and start it.  On
 * MPI_SUCCESS *out is the request (perhaps complete already); on error the
 * schedule is freed.  The communicator's sequence number is taken here.
 */
int rt_coll_sched_start(rt_coll_sched_t *s, rt_request_t **out);

/* Start, wait and release: the blocking form.  Returns the collective's
 * error class (a receive truncated by mismatched counts, ...). */
int rt_coll_sched_run(rt_coll_sched_t *s);

/* Advance every active schedule; returns how many steps moved. */
int rt_coll_sched_progress(void);

/* Free the pooled memory (MPI_Finalize). */
void rt_coll_sched_finalize(void);

#endif /* MINIMPI_RT_COLL_SCHED_H */

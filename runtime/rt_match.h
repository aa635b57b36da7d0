/*
 * rt_match.h -- MPI message matching: the posted-receive queue and the
 * unexpected-message queue.
 *
 * An envelope is (context id, source comm rank, tag).  A posted receive may
 * carry MPI_ANY_SOURCE and/or MPI_ANY_TAG; an arriving message never does.
 * The context id is never a wildcard: it keeps communicators apart.
 *
 * MPI's ordering rule (non-overtaking per sender and communicator) holds
 * because
 *   - arrivals are handed to rt_match_arrive() in delivery order, and the
 *     transports deliver in send order per sender;
 *   - an arrival takes the *oldest* posted receive it matches;
 *   - a newly posted receive takes the *oldest* unexpected message it
 *     matches, and a message waits in the unexpected queue only while no
 *     posted receive matches it, so every queued message is older than
 *     every receive posted after it.
 *
 * The module knows nothing of requests, payloads or transports: callers
 * embed an rt_match_entry_t in their own structs (a receive request, an
 * unexpected-message descriptor) and get back to them with
 * rt_container_of.  That keeps it unit-testable on its own
 * (tests/unit/check_match.c).  Not thread-safe: the runtime provides
 * MPI_THREAD_FUNNELED.
 */
#ifndef MINIMPI_RT_MATCH_H
#define MINIMPI_RT_MATCH_H

#include <stddef.h>

typedef struct rt_match_link {
    struct rt_match_link *prev;
    struct rt_match_link *next;
} rt_match_link_t;

typedef struct rt_match_entry {
    rt_match_link_t link;          /* in one queue, or unlinked (prev == next == NULL) */
    int context_id;
    int source;                    /* comm rank; MPI_ANY_SOURCE only in posted receives */
    int tag;                       /* MPI_ANY_TAG only in posted receives */
} rt_match_entry_t;

typedef struct rt_match_queue {
    rt_match_link_t head;          /* circular list sentinel, oldest first */
    size_t length;
} rt_match_queue_t;

typedef struct rt_match {
    rt_match_queue_t posted;       /* receives waiting for a message */
    rt_match_queue_t unexpected;   /* messages waiting for a receive */
} rt_match_t;

void rt_match_init(rt_match_t *m);

/* Fill an entry's envelope; it starts unlinked. */
void rt_match_entry_set(rt_match_entry_t *e, int context_id, int source, int tag);

/*
 * A message with the exact envelope (context_id, source, tag) arrived:
 * remove and return the oldest posted receive it matches, or NULL.  On NULL
 * the caller stores the message and queues it with rt_match_add_unexpected()
 * before handling any later arrival.
 */
rt_match_entry_t *rt_match_arrive(rt_match_t *m, int context_id, int source, int tag);

/* Append an unmatched message (exact envelope) to the unexpected queue. */
void rt_match_add_unexpected(rt_match_t *m, rt_match_entry_t *msg);

/*
 * Post a receive (envelope possibly with wildcards): remove and return the
 * oldest unexpected message it matches, leaving `recv` unlinked; or, when
 * none matches, append `recv` to the posted queue and return NULL.
 */
rt_match_entry_t *rt_match_post(rt_match_t *m, rt_match_entry_t *recv);

/* The oldest unexpected message matching the (wildcard) envelope, left in
 * the queue (MPI_Probe, MPI_Iprobe); NULL when none. */
rt_match_entry_t *rt_match_probe(const rt_match_t *m, int context_id, int source, int tag);

/*
 * Take a posted receive out of the posted queue (MPI_Cancel).  Returns 1
 * when it was still posted (and is now unlinked), 0 when it had already
 * been matched or was never posted.
 */
int rt_match_cancel(rt_match_t *m, rt_match_entry_t *recv);

/* Nonzero while the entry sits in a queue. */
int rt_match_is_queued(const rt_match_entry_t *e);

/*
 * Remove and return the oldest unexpected message, whatever its envelope,
 * or NULL: lets the owner free what is left at MPI_Finalize.
 */
rt_match_entry_t *rt_match_pop_unexpected(rt_match_t *m);

#endif /* MINIMPI_RT_MATCH_H */

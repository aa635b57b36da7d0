/*
 * rt_match.c -- the posted-receive and unexpected-message queues (see
 * rt_match.h for the ordering argument).
 *
 * Both queues are plain doubly-linked lists in arrival/posting order and
 * every search is a linear scan from the oldest entry.  With the usual
 * patterns (receives posted in the order messages arrive) the match is the
 * first entry looked at; per-source bins can come later without changing
 * the interface.
 */
#include "rt_match.h"

#include "mpi.h"

static void queue_init(rt_match_queue_t *q)
{
    q->head.prev = &q->head;
    q->head.next = &q->head;
    q->length = 0;
}

static void queue_append(rt_match_queue_t *q, rt_match_entry_t *e)
{
    rt_match_link_t *l = &e->link;
    l->prev = q->head.prev;
    l->next = &q->head;
    q->head.prev->next = l;
    q->head.prev = l;
    q->length++;
}

static void queue_remove(rt_match_queue_t *q, rt_match_entry_t *e)
{
    rt_match_link_t *l = &e->link;
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->prev = NULL;
    l->next = NULL;
    q->length--;
}

static rt_match_entry_t *entry_of(rt_match_link_t *l)
{
    return (rt_match_entry_t *)((char *)l - offsetof(rt_match_entry_t, link));
}

/* Does the pattern (which may hold wildcards) accept the exact envelope? */
static int envelope_matches(int p_ctx, int p_src, int p_tag, int ctx, int src, int tag)
{
    return p_ctx == ctx && (p_src == MPI_ANY_SOURCE || p_src == src) &&
           (p_tag == MPI_ANY_TAG || p_tag == tag);
}

void rt_match_init(rt_match_t *m)
{
    queue_init(&m->posted);
    queue_init(&m->unexpected);
}

void rt_match_entry_set(rt_match_entry_t *e, int context_id, int source, int tag)
{
    e->link.prev = NULL;
    e->link.next = NULL;
    e->context_id = context_id;
    e->source = source;
    e->tag = tag;
}

rt_match_entry_t *rt_match_arrive(rt_match_t *m, int context_id, int source, int tag)
{
    for (rt_match_link_t *l = m->posted.head.next; l != &m->posted.head; l = l->next) {
        rt_match_entry_t *r = entry_of(l);
        if (envelope_matches(r->context_id, r->source, r->tag, context_id, source, tag)) {
            queue_remove(&m->posted, r);
            return r;
        }
    }
    return NULL;
}

void rt_match_add_unexpected(rt_match_t *m, rt_match_entry_t *msg)
{
    queue_append(&m->unexpected, msg);
}

static rt_match_entry_t *find_unexpected(const rt_match_t *m, int context_id, int source, int tag)
{
    const rt_match_link_t *head = &m->unexpected.head;
    for (rt_match_link_t *l = head->next; l != head; l = l->next) {
        rt_match_entry_t *u = entry_of(l);
        if (envelope_matches(context_id, source, tag, u->context_id, u->source, u->tag))
            return u;
    }
    return NULL;
}

rt_match_entry_t *rt_match_post(rt_match_t *m, rt_match_entry_t *recv)
{
    rt_match_entry_t *u = find_unexpected(m, recv->context_id, recv->source, recv->tag);
    if (u != NULL) {
        queue_remove(&m->unexpected, u);
        return u;
    }
    queue_append(&m->posted, recv);
    return NULL;
}

rt_match_entry_t *rt_match_probe(const rt_match_t *m, int context_id, int source, int tag)
{
    return find_unexpected(m, context_id, source, tag);
}

int rt_match_cancel(rt_match_t *m, rt_match_entry_t *recv)
{
    if (!rt_match_is_queued(recv))
        return 0;
    queue_remove(&m->posted, recv);
    return 1;
}

int rt_match_is_queued(const rt_match_entry_t *e)
{
    return e->link.next != NULL;
}

rt_match_entry_t *rt_match_pop_unexpected(rt_match_t *m)
{
    if (m->unexpected.length == 0)
        return NULL;
    rt_match_entry_t *u = entry_of(m->unexpected.head.next);
    queue_remove(&m->unexpected, u);
    return u;
}

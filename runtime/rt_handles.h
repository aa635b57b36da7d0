/*
 * rt_handles.h -- a table from MPI handles to objects, shared by the
 * object kinds that programs create and free (communicators, groups, info,
 * error handlers, keyvals).  A handle is kind << 24 | index; a freed index
 * is reused by the next object, and a stale handle finds NULL instead of
 * the object (unless the index was reused), so misuse is an MPI error.
 */
#ifndef MINIMPI_RT_HANDLES_H
#define MINIMPI_RT_HANDLES_H

#include <stddef.h>

typedef struct rt_htable {
    void **slots;
    size_t cap;
    unsigned kind;                 /* the top byte of its handles */
    size_t first;                  /* lowest index handed out (predefined below) */
} rt_htable_t;

#define RT_HTABLE_INIT(KIND, FIRST) {NULL, 0, (KIND), (FIRST)}

/* Put `obj` in the lowest free slot from `first` on; -1 when out of memory. */
int rt_htable_add(rt_htable_t *t, void *obj);
/* Put `obj` at a fixed index (predefined objects); -1 when out of memory. */
int rt_htable_put(rt_htable_t *t, size_t index, void *obj);
/* The object behind `handle`, or NULL.  Inline: every MPI call looks up
 * its communicator. */
static inline void *rt_htable_get(const rt_htable_t *t, int handle)
{
    unsigned h = (unsigned)handle;
    size_t i = h & 0xffffffu;
    if ((h >> 24) != t->kind || i >= t->cap)
        return NULL;
    return t->slots[i];
}
void rt_htable_remove(rt_htable_t *t, int handle);
/* Index `i` of the table (for walking it), or NULL. */
static inline void *rt_htable_at(const rt_htable_t *t, size_t i)
{
    return i < t->cap ? t->slots[i] : NULL;
}
void rt_htable_clear(rt_htable_t *t);

#endif /* MINIMPI_RT_HANDLES_H */

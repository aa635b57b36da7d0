/*
 * rt_handles.c -- handle tables (see rt_handles.h).
 */
#include "rt_handles.h"

#include <stdlib.h>
#include <string.h>

static int grow(rt_htable_t *t, size_t need)
{
    if (need <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 16;
    while (cap < need)
        cap *= 2;
    if (cap > 0xffffffu)
        return -1;
    void **s = realloc(t->slots, cap * sizeof(*s));
    if (s == NULL)
        return -1;
    memset(s + t->cap, 0, (cap - t->cap) * sizeof(*s));
    t->slots = s;
    t->cap = cap;
    return 0;
}

int rt_htable_put(rt_htable_t *t, size_t index, void *obj)
{
    if (grow(t, index + 1) != 0)
        return -1;
    t->slots[index] = obj;
    return (int)((t->kind << 24) | index);
}

int rt_htable_add(rt_htable_t *t, void *obj)
{
    size_t i = t->first;
    while (i < t->cap && t->slots[i] != NULL)
        i++;
    return rt_htable_put(t, i, obj);
}

void rt_htable_remove(rt_htable_t *t, int handle)
{
    size_t i = (unsigned)handle & 0xffffffu;
    if (i < t->cap)
        t->slots[i] = NULL;
}

void rt_htable_clear(rt_htable_t *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = 0;
}

/*
 * rt_attr.c -- keyvals and cached attributes (see rt_attr.h).
 */
#include "rt_attr.h"

#include <stdlib.h>
#include <string.h>

#include "rt_errhandler.h"
#include "rt_handles.h"

struct rt_keyval {
    MPI_Comm_copy_attr_function *copy_fn;
    MPI_Comm_delete_attr_function *delete_fn;
    void *extra_state;
    int refcount;                  /* its handle (until freed) + each attribute */
    int handle;                    /* what callbacks are told, even once freed */
};

/* Created keys: kind KEYVAL, indexes from 16 on (below: predefined keys). */
static rt_htable_t keyval_table = RT_HTABLE_INIT(MINIMPI_KIND_KEYVAL, 16);

static int tag_ub = RT_TAG_UB;
static int host = MPI_PROC_NULL;
static int io = MPI_ANY_SOURCE;    /* every rank can do I/O */
static int wtime_is_global;
static int universe_size;
static int appnum;
static int lastusedcode;

int rt_attr_init_predefined(rt_comm_t *world)
{
    /* One node shares one clock (CLOCK_MONOTONIC): global there. */
    wtime_is_global = rt_proc.job.num_nodes <= 1;
    universe_size = world->size;
    appnum = 0;
    return 0;
}

/* The value of a predefined key, or NULL when `keyval` is not one. */
static int *predefined_value(int keyval)
{
    switch (keyval) {
    case MPI_TAG_UB: return &tag_ub;
    case MPI_HOST: return &host;
    case MPI_IO: return &io;
    case MPI_WTIME_IS_GLOBAL: return &wtime_is_global;
    case MPI_UNIVERSE_SIZE: return &universe_size;
    case MPI_APPNUM: return &appnum;
    case MPI_LASTUSEDCODE:
        lastusedcode = rt_errcode_last();
        return &lastusedcode;
    default: return NULL;
    }
}

/* A freed key leaves the table at once: its handle finds nothing. */
static rt_keyval_t *keyval_get(int keyval)
{
    return rt_htable_get(&keyval_table, keyval);
}

static void keyval_release(rt_keyval_t *k)
{
    if (--k->refcount == 0)
        free(k);
}

int rt_keyval_create(MPI_Comm_copy_attr_function *copy_fn,
                     MPI_Comm_delete_attr_function *delete_fn, void *extra_state, int *keyval)
{
    rt_keyval_t *k = malloc(sizeof(*k));
    if (k == NULL)
        return MPI_ERR_NO_MEM;
    int h = rt_htable_add(&keyval_table, k);
    if (h == -1) {
        free(k);
        return MPI_ERR_NO_MEM;
    }
    k->copy_fn = copy_fn;
    k->delete_fn = delete_fn;
    k->extra_state = extra_state;
    k->refcount = 1;
    k->handle = h;
    *keyval = h;
    return MPI_SUCCESS;
}

int rt_keyval_free(int keyval)
{
    rt_keyval_t *k = keyval_get(keyval);
    if (k == NULL)
        return MPI_ERR_KEYVAL;
    /* Attributes still cached under it keep the object alive. */
    rt_htable_remove(&keyval_table, keyval);
    keyval_release(k);
    return MPI_SUCCESS;
}

static rt_attr_t *attr_find(rt_comm_t *c, rt_keyval_t *k, rt_attr_t ***link)
{
    for (rt_attr_t **p = &c->attrs; *p != NULL; p = &(*p)->next) {
        if ((*p)->keyval == k) {
            if (link != NULL)
                *link = p;
            return *p;
        }
    }
    return NULL;
}

static int attr_call_delete(rt_comm_t *c, rt_keyval_t *k, void *value, int keyval)
{
    if (k->delete_fn == NULL)
        return MPI_SUCCESS;
    return k->delete_fn(c->handle, keyval, value, k->extra_state);
}

int rt_attr_set(rt_comm_t *c, int keyval, void *value)
{
    if (predefined_value(keyval) != NULL)
        return MPI_ERR_KEYVAL;     /* read-only */
    rt_keyval_t *k = keyval_get(keyval);
    if (k == NULL)
        return MPI_ERR_KEYVAL;
    rt_attr_t *a = attr_find(c, k, NULL);
    if (a != NULL) {
        int err = attr_call_delete(c, k, a->value, keyval);
        if (err != MPI_SUCCESS)
            return err;
        a->value = value;
        return MPI_SUCCESS;
    }
    a = malloc(sizeof(*a));
    if (a == NULL)
        return MPI_ERR_NO_MEM;
    a->keyval = k;
    a->value = value;
    a->next = c->attrs;
    c->attrs = a;
    k->refcount++;
    return MPI_SUCCESS;
}

int rt_attr_get(rt_comm_t *c, int keyval, void **value, int *flag)
{
    int *pre = predefined_value(keyval);
    if (pre != NULL) {
        *value = pre;
        *flag = 1;
        return MPI_SUCCESS;
    }
    rt_keyval_t *k = keyval_get(keyval);
    if (k == NULL)
        return MPI_ERR_KEYVAL;
    rt_attr_t *a = attr_find(c, k, NULL);
    *flag = a != NULL;
    if (a != NULL)
        *value = a->value;
    return MPI_SUCCESS;
}

int rt_attr_delete(rt_comm_t *c, int keyval)
{
    rt_keyval_t *k = keyval_get(keyval);
    if (k == NULL)
        return MPI_ERR_KEYVAL;
    rt_attr_t **link;
    rt_attr_t *a = attr_find(c, k, &link);
    if (a == NULL)
        return MPI_ERR_KEYVAL;     /* nothing cached under it */
    int err = attr_call_delete(c, k, a->value, keyval);
    if (err != MPI_SUCCESS)
        return err;
    *link = a->next;
    free(a);
    keyval_release(k);
    return MPI_SUCCESS;
}

int rt_attr_copy_all(rt_comm_t *old_comm, rt_comm_t *new_comm)
{
    /* Oldest first, so the new list keeps the same order. */
    int n = 0;
    for (rt_attr_t *a = old_comm->attrs; a != NULL; a = a->next)
        n++;
    rt_attr_t **list = malloc((size_t)(n > 0 ? n : 1) * sizeof(*list));
    if (list == NULL)
        return MPI_ERR_NO_MEM;
    int i = n;
    for (rt_attr_t *a = old_comm->attrs; a != NULL; a = a->next)
        list[--i] = a;
    int err = MPI_SUCCESS;
    for (i = 0; i < n && err == MPI_SUCCESS; i++) {
        rt_keyval_t *k = list[i]->keyval;
        if (k->copy_fn == NULL)
            continue;
        void *out = NULL;
        int flag = 0;
        err = k->copy_fn(old_comm->handle, k->handle, k->extra_state, list[i]->value,
                         &out, &flag);
        if (err != MPI_SUCCESS || !flag)
            continue;
        rt_attr_t *a = malloc(sizeof(*a));
        if (a == NULL) {
            err = MPI_ERR_NO_MEM;
            break;
        }
        a->keyval = k;
        a->value = out;
        a->next = new_comm->attrs;
        new_comm->attrs = a;
        k->refcount++;
    }
    free(list);
    return err;
}

int rt_attr_delete_all(rt_comm_t *c)
{
    int err = MPI_SUCCESS;
    while (c->attrs != NULL) {
        rt_attr_t *a = c->attrs;
        int e = attr_call_delete(c, a->keyval, a->value, a->keyval->handle);
        if (e != MPI_SUCCESS && err == MPI_SUCCESS)
            err = e;
        c->attrs = a->next;
        keyval_release(a->keyval);
        free(a);
    }
    return err;
}

void rt_attr_drop_all(rt_comm_t *c)
{
    while (c->attrs != NULL) {
        rt_attr_t *a = c->attrs;
        c->attrs = a->next;
        keyval_release(a->keyval);
        free(a);
    }
}

int MPI_COMM_DUP_FN(MPI_Comm oldcomm, int comm_keyval, void *extra_state, void *attribute_val_in,
                    void *attribute_val_out, int *flag)
{
    (void)oldcomm;
    (void)comm_keyval;
    (void)extra_state;
    *(void **)attribute_val_out = attribute_val_in;
    *flag = 1;
    return MPI_SUCCESS;
}

/*
 * rt_attr.h -- attribute keys (keyvals) and the attributes cached on
 * communicators, with their copy callbacks (run by MPI_Comm_dup) and delete
 * callbacks (run by MPI_Comm_free, MPI_Comm_delete_attr and when a value
 * is replaced).  The predefined keys (MPI_TAG_UB, ...) are answered from
 * fixed values and cannot be set or deleted.
 */
#ifndef MINIMPI_RT_ATTR_H
#define MINIMPI_RT_ATTR_H

#include "rt.h"

typedef struct rt_keyval rt_keyval_t;

typedef struct rt_attr {
    struct rt_attr *next;
    rt_keyval_t *keyval;
    void *value;
} rt_attr_t;

/* Values of the predefined attributes, from the job's layout. */
int rt_attr_init_predefined(rt_comm_t *world);

/* Create / free a key (the key lives on while attributes use it). */
int rt_keyval_create(MPI_Comm_copy_attr_function *copy_fn,
                     MPI_Comm_delete_attr_function *delete_fn, void *extra_state, int *keyval);
int rt_keyval_free(int keyval);    /* MPI_ERR_KEYVAL when not a live created key */

/* The three calls; error classes are returned, not raised. */
int rt_attr_set(rt_comm_t *c, int keyval, void *value);
int rt_attr_get(rt_comm_t *c, int keyval, void **value, int *flag);
int rt_attr_delete(rt_comm_t *c, int keyval);

/* MPI_Comm_dup: run the copy callbacks of old's attributes into new_comm. */
int rt_attr_copy_all(rt_comm_t *old_comm, rt_comm_t *new_comm);
/* MPI_Comm_free: run every delete callback, drop every attribute. */
int rt_attr_delete_all(rt_comm_t *c);
/* After MPI_Finalize: drop every attribute without callbacks. */
void rt_attr_drop_all(rt_comm_t *c);

#endif /* MINIMPI_RT_ATTR_H */

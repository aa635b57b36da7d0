/*
 * lnch_kvs.h -- the job's PMI key-value store (one per job: its kvsname is
 * the job id).
 *
 * Keys and values are copied in; a key is stored once and never changed,
 * as PMI-1 expects (a second put of the same key is an error).
 */
#ifndef MINIMPI_LNCH_KVS_H
#define MINIMPI_LNCH_KVS_H

#include <stddef.h>

/* The most entries one job may store: a bound so that a runaway rank cannot
 * make the launcher eat the node's memory. */
#define LNCH_KVS_MAX_ENTRIES (1u << 20)

typedef enum lnch_kvs_status {
    LNCH_KVS_OK = 0,
    LNCH_KVS_DUPLICATE,            /* the key is already stored */
    LNCH_KVS_FULL,                 /* max_entries reached */
    LNCH_KVS_NOMEM,                /* out of memory */
} lnch_kvs_status_t;

typedef struct lnch_kvs {
    char **slots;                  /* open addressing; each slot "key\0value\0" or NULL */
    size_t cap;                    /* a power of two */
    size_t count;
    size_t max_entries;
} lnch_kvs_t;

/* Returns 0, or -1 when out of memory. */
int lnch_kvs_init(lnch_kvs_t *kvs, size_t max_entries);
void lnch_kvs_fini(lnch_kvs_t *kvs);

lnch_kvs_status_t lnch_kvs_put(lnch_kvs_t *kvs, const char *key, const char *value);

/* The stored value, or NULL when the key is not stored. */
const char *lnch_kvs_get(const lnch_kvs_t *kvs, const char *key);

#endif /* MINIMPI_LNCH_KVS_H */

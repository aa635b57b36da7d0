/*
 * lnch_kvs.c -- a small hash table of strings (see lnch_kvs.h).
 *
 * Open addressing with linear probing, grown to keep the load under one
 * half; entries are never removed, which keeps probing trivial.
 */
#include "lnch_kvs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LNCH_KVS_INITIAL_CAP 64

/* FNV-1a: simple and good enough for short textual keys. */
static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t find_slot(char **slots, size_t cap, const char *key)
{
    size_t i = (size_t)hash_key(key) & (cap - 1);
    while (slots[i] != NULL && strcmp(slots[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

int lnch_kvs_init(lnch_kvs_t *kvs, size_t max_entries)
{
    kvs->cap = LNCH_KVS_INITIAL_CAP;
    kvs->count = 0;
    kvs->max_entries = max_entries;
    kvs->slots = calloc(kvs->cap, sizeof(*kvs->slots));
    return kvs->slots != NULL ? 0 : -1;
}

void lnch_kvs_fini(lnch_kvs_t *kvs)
{
    if (kvs->slots != NULL)
        for (size_t i = 0; i < kvs->cap; i++)
            free(kvs->slots[i]);
    free(kvs->slots);
    kvs->slots = NULL;
    kvs->cap = kvs->count = 0;
}

static int grow(lnch_kvs_t *kvs)
{
    size_t cap = kvs->cap * 2;
    char **slots = calloc(cap, sizeof(*slots));
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < kvs->cap; i++)
        if (kvs->slots[i] != NULL)
            slots[find_slot(slots, cap, kvs->slots[i])] = kvs->slots[i];
    free(kvs->slots);
    kvs->slots = slots;
    kvs->cap = cap;
    return 0;
}

lnch_kvs_status_t lnch_kvs_put(lnch_kvs_t *kvs, const char *key, const char *value)
{
    size_t i = find_slot(kvs->slots, kvs->cap, key);
    if (kvs->slots[i] != NULL)
        return LNCH_KVS_DUPLICATE;
    if (kvs->count >= kvs->max_entries)
        return LNCH_KVS_FULL;
    if ((kvs->count + 1) * 2 > kvs->cap) {
        if (grow(kvs) != 0)
            return LNCH_KVS_NOMEM;
        i = find_slot(kvs->slots, kvs->cap, key);
    }
    size_t klen = strlen(key), vlen = strlen(value);
    char *entry = malloc(klen + vlen + 2);
    if (entry == NULL)
        return LNCH_KVS_NOMEM;
    memcpy(entry, key, klen + 1);
    memcpy(entry + klen + 1, value, vlen + 1);
    kvs->slots[i] = entry;
    kvs->count++;
    return LNCH_KVS_OK;
}

const char *lnch_kvs_get(const lnch_kvs_t *kvs, const char *key)
{
    const char *entry = kvs->slots[find_slot(kvs->slots, kvs->cap, key)];
    return entry != NULL ? entry + strlen(entry) + 1 : NULL;
}

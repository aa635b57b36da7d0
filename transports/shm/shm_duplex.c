/*
 * shm_duplex.c -- duplex lanes (see shm_duplex.h).
 */
#include "shm_duplex.h"

#include <string.h>

void shm_duplex_init(shm_duplex_t *lane, uint32_t first)
{
    /* EMPTY never equals a FULL state, so no entry reads as arrived. */
    for (uint32_t i = 0; i < SHM_DUPLEX_ENTRIES; i++) {
        shm_duplex_entry_t *entry = &lane->entries[i];
        memset(entry, 0, sizeof(*entry));
        atomic_init(&entry->state, SHM_DUPLEX_EMPTY);
    }
    for (unsigned dir = 0; dir < 2; dir++)
        atomic_init(&lane->consumed[dir].n, first);
}

void shm_duplex_end_init(shm_duplex_end_t *end, uint32_t first)
{
    /* No lane yet; every entry known as SHM_DUPLEX_EMPTY, which is 0. */
    memset(end, 0, sizeof(*end));
    end->out_next = end->out_limit = end->in_next = end->in_at_send = first;
    end->in_lines = 1;
}

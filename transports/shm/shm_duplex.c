/*
 * shm_duplex.c -- duplex lanes (see shm_duplex.h).
 */
#include "shm_duplex.h"

#include <string.h>

void shm_duplex_init(shm_duplex_t *lane, uint32_t first)
{
    for (uint32_t i = 0; i < SHM_DUPLEX_LINES; i++) {
        /* Line i first holds the message numbered first + k that maps to
         * it; its seq starts at that number, which never reads as arrived. */
        uint32_t m = first + ((i - first) % SHM_DUPLEX_LINES);
        for (unsigned dir = 0; dir < 2; dir++) {
            shm_duplex_half_t *half = &lane->lines[i][dir];
            memset(half, 0, sizeof(*half));
            atomic_init(&half->seq, m);
        }
    }
    for (unsigned dir = 0; dir < 2; dir++)
        atomic_init(&lane->consumed[dir].n, first);
}

/*
 * shm_room.h -- a single sender's room in a ring of slots that its receiver
 * empties and reports through a counter of consumed messages (fast boxes,
 * shm_fbox.h, and duplex lanes, shm_duplex.h; the algorithm: shm_fbox.c).
 */
#ifndef MINIMPI_SHM_ROOM_H
#define MINIMPI_SHM_ROOM_H

#include <stdatomic.h>
#include <stdint.h>

/*
 * Nonzero when message number m fits in a ring of `slots` slots.  *limit is
 * the sender's own note of the first number it may not write yet (start it
 * equal to the first number): the receiver's counter, a line the receiver
 * writes, is read only when m reaches that note, so a sender with room
 * touches no line of the receiver's.  Numbers wrap at 2^32 and are compared
 * by their difference: m may run ahead of the last number written (a lane
 * that writes fillers first asks for the room of its last one).
 */
static inline int shm_room(_Atomic uint32_t *consumed, uint32_t slots, uint32_t m,
                           uint32_t *limit)
{
    if ((int32_t)(*limit - m) > 0)
        return 1;
    *limit = atomic_load_explicit(consumed, memory_order_acquire) + slots;
    return (int32_t)(*limit - m) > 0;
}

#endif /* MINIMPI_SHM_ROOM_H */

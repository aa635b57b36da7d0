/*
 * rt_bsend.h -- buffered sends (MPI_Bsend, MPI_Ibsend, MPI_Bsend_init) over
 * the buffer the program attached with MPI_Buffer_attach.
 *
 * Each buffered message takes one block of the attached buffer: a
 * bookkeeping header (at most MPI_BSEND_OVERHEAD bytes, padding included)
 * followed by the packed message.  The message is then sent as an ordinary
 * standard-mode send owned by the runtime; its completion frees the block.
 * Blocks are kept in address order and a new one goes into the first gap
 * that fits (first fit), which is simple and reuses space freed out of order.
 */
#ifndef MINIMPI_RT_BSEND_H
#define MINIMPI_RT_BSEND_H

#include <stddef.h>

#include "rt.h"

/* MPI_Buffer_attach / MPI_Buffer_detach; errors go through rt_err. */
int rt_bsend_attach(void *buffer, int size);
int rt_bsend_detach(void *buffer_addr, int *size);

/*
 * Copy a message into the attached buffer and start sending it.  Returns
 * MPI_SUCCESS, or the code of an MPI_ERR_BUFFER raised through rt_err when
 * no buffer is attached or the message does not fit.
 */
int rt_bsend_start(const char *call, rt_comm_t *comm, const void *buf, int count,
                   rt_datatype_t *dt, int dest, int tag);

/* Forget the attached buffer (MPI_Finalize; the memory is the program's). */
void rt_bsend_finalize(void);

/*
 * The allocator on its own, for unit tests: a region and its blocks.
 * rt_bsend_region_alloc returns the data area of a new block of `bytes`
 * (NULL when no gap fits); rt_bsend_region_free takes that pointer back.
 */
typedef struct rt_bsend_block rt_bsend_block_t;
typedef struct rt_bsend_region {
    char *base;                    /* first usable byte (aligned) */
    char *end;
    rt_bsend_block_t *first;       /* blocks in use, by address */
    size_t num_blocks;
} rt_bsend_region_t;

void rt_bsend_region_init(rt_bsend_region_t *region, void *buffer, size_t size);
void *rt_bsend_region_alloc(rt_bsend_region_t *region, size_t bytes);
void rt_bsend_region_free(rt_bsend_region_t *region, void *data);
/* The largest message that fits now (for error messages and tests). */
size_t rt_bsend_region_largest_gap(const rt_bsend_region_t *region);

#endif /* MINIMPI_RT_BSEND_H */

/*
 * t_bsend.c -- buffered sends.  MPI_Bsend copies the message into the
 * attached buffer and returns without waiting for the receiver, so a ring
 * where everybody Bsends (rendezvous sizes included) before receiving
 * cannot deadlock, and overwriting the user buffer right after Bsend does
 * not change what arrives.  Also: Ibsend, Bsend to self, Buffer_detach
 * returning the attached address and size (after the messages went out),
 * attaching again, and MPI_ERR_BUFFER for a Bsend without a buffer or one
 * too large for it (under MPI_ERRORS_RETURN).
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define TAG 1

static int next_rank, prev_rank;
static const size_t sizes[] = {0, 40, 9000, 100000, 1u << 20};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static int pool_size(void)
{
    size_t total = 0;
    for (size_t k = 0; k < NSIZES; k++)
        total += sizes[k] + MPI_BSEND_OVERHEAD;
    return (int)total;
}

static void bsend_ring(int use_ibsend, int dest, int source)
{
    int size = pool_size(), detached_size = 0;
    void *pool = t_malloc((size_t)size), *detached = NULL;
    uint8_t *buf = t_malloc(1u << 20), *in = t_malloc(1u << 20);
    T_MPI(MPI_Buffer_attach(pool, size));
    for (size_t k = 0; k < NSIZES; k++) {
        t_fill(buf, sizes[k], (uint32_t)(t_rank * 10 + (int)k));
        if (use_ibsend) {
            MPI_Request req;
            T_MPI(MPI_Ibsend(buf, (int)sizes[k], MPI_BYTE, dest, TAG, MPI_COMM_WORLD, &req));
            T_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        } else {
            T_MPI(MPI_Bsend(buf, (int)sizes[k], MPI_BYTE, dest, TAG, MPI_COMM_WORLD));
        }
        memset(buf, 0xee, sizes[k]);  /* the copy in the pool is what goes out */
    }
    for (size_t k = 0; k < NSIZES; k++) {
        MPI_Status st;
        T_MPI(MPI_Recv(in, (int)sizes[k], MPI_BYTE, source, TAG, MPI_COMM_WORLD, &st));
        T_CHECK_STATUS(&st, source, TAG, MPI_BYTE, (int)sizes[k], "buffered message");
        T_CHECK_PATTERN(in, sizes[k], (uint32_t)(source * 10 + (int)k),
                        "buffered message of %zu bytes from rank %d", sizes[k], source);
    }
    T_MPI(MPI_Buffer_detach(&detached, &detached_size));
    T_ASSERT(detached == pool && detached_size == size,
             "Buffer_detach gave %p and %d, attached %p and %d", detached, detached_size, pool,
             size);
    free(pool);
    free(buf);
    free(in);
}

/* Detach must wait until buffered messages went out: the receiver is late. */
static void detach_waits(void)
{
    int size = 1000 + MPI_BSEND_OVERHEAD, detached_size = 0, out[250], in[250];
    void *pool = t_malloc((size_t)size), *detached = NULL;
    for (int i = 0; i < 250; i++)
        out[i] = t_rank + i;
    T_MPI(MPI_Buffer_attach(pool, size));
    T_MPI(MPI_Bsend(out, 250, MPI_INT, next_rank, TAG + 1, MPI_COMM_WORLD));
    if (t_size > 1) {
        /* The message must survive detach and free of the pool. */
        T_MPI(MPI_Buffer_detach(&detached, &detached_size));
        memset(pool, 0xee, (size_t)size);
        free(pool);
        t_sleep_ms(50);
        T_MPI(MPI_Recv(in, 250, MPI_INT, prev_rank, TAG + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    } else {
        T_MPI(MPI_Recv(in, 250, MPI_INT, prev_rank, TAG + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        T_MPI(MPI_Buffer_detach(&detached, &detached_size));
        free(pool);
    }
    for (int i = 0; i < 250; i++)
        T_ASSERT(in[i] == prev_rank + i, "message buffered before detach: int %d is %d", i,
                 in[i]);
}

/* Open MPI sends a small Bsend at once when it can, without the buffer, so
 * it does not report these errors; minimpi and MPICH do, as the standard says. */
static void errors(void)
{
#ifndef OPEN_MPI
    int v[100] = {0}, size = 64 + MPI_BSEND_OVERHEAD;
    void *pool = t_malloc((size_t)size), *detached = NULL;
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    T_MPI_ERR(MPI_ERR_BUFFER, MPI_Bsend(v, 1, MPI_INT, next_rank, TAG + 2, MPI_COMM_WORLD));
    T_MPI(MPI_Buffer_attach(pool, size));
    T_MPI_ERR(MPI_ERR_BUFFER, MPI_Bsend(v, 100, MPI_INT, next_rank, TAG + 2, MPI_COMM_WORLD));
    T_MPI(MPI_Buffer_detach(&detached, &size));
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    free(pool);
#endif
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    bsend_ring(0, next_rank, prev_rank);
    bsend_ring(1, next_rank, prev_rank);
    bsend_ring(0, t_rank, t_rank);  /* to self: Bsend returns before the Recv */
    detach_waits();
    errors();
    t_finalize();
    return 0;
}

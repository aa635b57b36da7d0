/*
 * t_letgo.c -- messages the program lets go of are still delivered:
 *   - MPI_Request_free on an active send, eager and rendezvous, while the
 *     receiver posts late: the message arrives intact (the sender learns
 *     it through an acknowledgement and keeps its buffer until then);
 *   - a buffered send still in the attached buffer when the sender calls
 *     MPI_Finalize (without detaching) arrives intact: Finalize must push
 *     it out, even to a receiver that posts late.
 * Pairs (0,1), (2,3), ...: the even rank sends; a lone rank only checks
 * the freed-send part with itself.
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

#define TAG_DATA 1
#define TAG_ACK 2
#define TAG_BSEND 3

static const size_t sizes[] = {8, 9000, 3u << 20};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define BSEND_SIZE (2u << 20)

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    int peer = t_rank % 2 == 0 ? t_rank + 1 : t_rank - 1;
    int alone = peer >= t_size;
    uint8_t *buf = t_malloc(sizes[NSIZES - 1]), *in = t_malloc(sizes[NSIZES - 1]);
    void *pool = NULL;  /* the Bsend buffer: the library's until MPI_Finalize returns */

    for (size_t k = 0; k < NSIZES; k++) {
        size_t n = sizes[k];
        if (alone) {
            MPI_Request req;
            t_fill(buf, n, (uint32_t)k);
            T_MPI(MPI_Isend(buf, (int)n, MPI_BYTE, t_rank, TAG_DATA, MPI_COMM_WORLD, &req));
            T_MPI(MPI_Request_free(&req));
            T_MPI(MPI_Recv(in, (int)n, MPI_BYTE, t_rank, TAG_DATA, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE));
            T_CHECK_PATTERN(in, n, (uint32_t)k, "freed %zu-byte send to self", n);
        } else if (t_rank % 2 == 0) {
            MPI_Request req;
            t_fill(buf, n, (uint32_t)k);
            T_MPI(MPI_Isend(buf, (int)n, MPI_BYTE, peer, TAG_DATA, MPI_COMM_WORLD, &req));
            T_MPI(MPI_Request_free(&req));
            T_ASSERT(req == MPI_REQUEST_NULL, "Request_free left the request non-null");
            T_MPI(MPI_Recv(NULL, 0, MPI_BYTE, peer, TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        } else {
            t_sleep_ms(50);
            T_MPI(MPI_Recv(in, (int)n, MPI_BYTE, peer, TAG_DATA, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE));
            T_CHECK_PATTERN(in, n, (uint32_t)k, "%zu-byte send whose request was freed", n);
            T_MPI(MPI_Send(NULL, 0, MPI_BYTE, peer, TAG_ACK, MPI_COMM_WORLD));
        }
    }

    if (!alone && t_rank % 2 == 0) {
        int size = (int)BSEND_SIZE + MPI_BSEND_OVERHEAD;
        pool = t_malloc((size_t)size);
        T_MPI(MPI_Buffer_attach(pool, size));
        t_fill(buf, BSEND_SIZE, 99);
        T_MPI(MPI_Bsend(buf, (int)BSEND_SIZE, MPI_BYTE, peer, TAG_BSEND, MPI_COMM_WORLD));
        memset(buf, 0, BSEND_SIZE);
    } else if (!alone) {
        t_sleep_ms(200);  /* the sender is in MPI_Finalize by now */
        T_MPI(MPI_Recv(in, (int)BSEND_SIZE, MPI_BYTE, peer, TAG_BSEND, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE));
        T_CHECK_PATTERN(in, BSEND_SIZE, 99, "buffered send pending at the sender's MPI_Finalize");
    }
    free(buf);
    free(in);
    t_finalize();
    free(pool);
    return 0;
}

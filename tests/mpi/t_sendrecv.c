/*
 * t_sendrecv.c -- MPI_Sendrecv and MPI_Sendrecv_replace: a ring shift
 * (send to next, receive from prev) of eager and rendezvous sizes, which
 * deadlocks unless both halves progress together; different send and
 * receive types and tags; ANY_SOURCE/ANY_TAG on the receive side; and a
 * non-periodic shift whose ends talk to MPI_PROC_NULL (receive buffer
 * untouched, status source MPI_PROC_NULL, tag MPI_ANY_TAG, count 0).
 */
#include "t_util.h"

#include <stdlib.h>
#include <string.h>

static int next_rank, prev_rank;

static uint32_t seed_of(int rank, size_t n)
{
    return (uint32_t)(rank * 977) + (uint32_t)n;
}

static void shift(size_t n)
{
    uint8_t *s = t_malloc(n), *r = t_malloc(n);
    MPI_Status st;
    t_fill(s, n, seed_of(t_rank, n));
    T_MPI(MPI_Sendrecv(s, (int)n, MPI_BYTE, next_rank, 1, r, (int)n, MPI_BYTE, prev_rank, 1,
                       MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 1, MPI_BYTE, (int)n, "Sendrecv ring shift");
    T_CHECK_PATTERN(r, n, seed_of(prev_rank, n), "Sendrecv of %zu bytes from rank %d", n,
                    prev_rank);

    /* Replace: the buffer goes out and the previous rank's comes in. */
    T_MPI(MPI_Sendrecv_replace(s, (int)n, MPI_BYTE, next_rank, 2, MPI_ANY_SOURCE, MPI_ANY_TAG,
                               MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 2, MPI_BYTE, (int)n, "Sendrecv_replace ring shift");
    T_CHECK_PATTERN(s, n, seed_of(prev_rank, n), "Sendrecv_replace of %zu bytes from rank %d", n,
                    prev_rank);
    free(s);
    free(r);
}

/* Send n ints with tag 3, receive them as 4n bytes with tag 3 (wildcard source). */
static void types_differ(int n)
{
    int *s = t_malloc(sizeof(int) * (size_t)n), *r = t_malloc(sizeof(int) * (size_t)n);
    MPI_Status st;
    for (int i = 0; i < n; i++)
        s[i] = t_rank * 100000 + i;
    T_MPI(MPI_Sendrecv(s, n, MPI_INT, next_rank, 3, r, n * (int)sizeof(int), MPI_BYTE,
                       MPI_ANY_SOURCE, 3, MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 3, MPI_INT, n, "Sendrecv int/byte");
    for (int i = 0; i < n; i++)
        T_ASSERT(r[i] == prev_rank * 100000 + i, "Sendrecv int/byte: int %d is %d", i, r[i]);
    free(s);
    free(r);
}

/* Non-periodic shift: rank 0 receives from nobody, the last rank sends to nobody. */
static void open_ends(void)
{
    int dest = t_rank + 1 < t_size ? t_rank + 1 : MPI_PROC_NULL;
    int source = t_rank > 0 ? t_rank - 1 : MPI_PROC_NULL;
    int s[3] = {t_rank, t_rank + 1, t_rank + 2}, r[3] = {-7, -7, -7};
    MPI_Status st;
    T_MPI(MPI_Sendrecv(s, 3, MPI_INT, dest, 4, r, 3, MPI_INT, source, 4, MPI_COMM_WORLD, &st));
    if (source == MPI_PROC_NULL) {
        T_CHECK_STATUS(&st, MPI_PROC_NULL, MPI_ANY_TAG, MPI_INT, 0, "receive from MPI_PROC_NULL");
        T_ASSERT(r[0] == -7 && r[2] == -7, "receive from MPI_PROC_NULL wrote the buffer");
    } else {
        T_CHECK_STATUS(&st, source, 4, MPI_INT, 3, "open-ended shift");
        T_ASSERT(r[0] == source && r[2] == source + 2, "open-ended shift got %d..%d", r[0], r[2]);
    }
    T_MPI(MPI_Sendrecv_replace(s, 3, MPI_INT, dest, 5, source, 5, MPI_COMM_WORLD, &st));
    if (source == MPI_PROC_NULL)
        T_ASSERT(s[0] == t_rank && s[2] == t_rank + 2,
                 "Sendrecv_replace from MPI_PROC_NULL changed the buffer");
    else
        T_ASSERT(s[0] == source && s[2] == source + 2, "open-ended replace got %d..%d", s[0],
                 s[2]);
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;
    static const size_t sizes[] = {0, 1, 4, 8191, 8192, 9000, 65537, 300000, 4u << 20};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
        shift(sizes[k]);
    types_differ(10);
    types_differ(50000);
    open_ends();
    t_finalize();
    return 0;
}

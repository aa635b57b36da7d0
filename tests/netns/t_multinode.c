/*
 * t_multinode.c -- MPI across nodes (tests/netns/netns.sh runs it with the
 * ranks spread over network namespaces, consecutive ranks per node).
 *
 * Usage: t_multinode N0,N1,...   (ranks on node 0, node 1, ...; a single N:
 *                                 N ranks on every node)
 * Checks, in order: ping-pong between rank 0 and every rank (same node:
 * shared memory; other nodes: libfabric) at eager and rendezvous sizes with
 * the contents checked; an ANY_SOURCE fan-in at rank 0 mixing both kinds of
 * senders, with per-sender order checked; the collectives; and
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) grouping exactly the ranks of
 * each node.
 *
 * t_multinode LAYOUT wait: the ranks only wait instead -- rank 0 in an
 * ANY_SOURCE receive, every other rank in a receive from rank 0 -- after
 * printing "rank R waiting", for the fault test that takes a node away
 * from ranks that have nothing but receives pending (nothing is sent, so
 * only the launcher's heartbeats can notice).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_util.h"

static const size_t sizes[] = {0, 8, 1000, 16384, 65536, 1 << 20};
#define NUM_SIZES (sizeof(sizes) / sizeof(sizes[0]))
#define FANIN_MSGS 10

/* node_of[r]: the node of world rank r, from the command line. */
static int *node_of;

static void wait_forever(void)
{
    int x;
    T_MPI(MPI_Barrier(MPI_COMM_WORLD));
    printf("rank %d waiting\n", t_rank);
    fflush(stdout);
    T_MPI(MPI_Recv(&x, 1, MPI_INT, t_rank == 0 ? MPI_ANY_SOURCE : 0, 7, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE));
    T_ASSERT(0, "rank %d: a receive nobody sends to completed", t_rank);
}

static void pingpong(void)
{
    char *buf = t_malloc(1 << 20);
    for (int peer = 1; peer < t_size; peer++) {
        if (t_rank != 0 && t_rank != peer)
            continue;
        for (size_t i = 0; i < NUM_SIZES; i++) {
            int n = (int)sizes[i];
            uint32_t seed = (uint32_t)(peer * 100 + (int)i);
            MPI_Status st;
            if (t_rank == 0) {
                t_fill(buf, sizes[i], seed);
                T_MPI(MPI_Send(buf, n, MPI_BYTE, peer, 1, MPI_COMM_WORLD));
                memset(buf, 0, sizes[i]);
                T_MPI(MPI_Recv(buf, n, MPI_BYTE, peer, 2, MPI_COMM_WORLD, &st));
                T_CHECK_STATUS(&st, peer, 2, MPI_BYTE, n, "pong");
                T_CHECK_PATTERN(buf, sizes[i], seed + 1, "pong of %d bytes from %d", n, peer);
            } else {
                T_MPI(MPI_Recv(buf, n, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &st));
                T_CHECK_STATUS(&st, 0, 1, MPI_BYTE, n, "ping");
                T_CHECK_PATTERN(buf, sizes[i], seed, "ping of %d bytes", n);
                t_fill(buf, sizes[i], seed + 1);
                T_MPI(MPI_Send(buf, n, MPI_BYTE, 0, 2, MPI_COMM_WORLD));
            }
        }
    }
    free(buf);
}

/* Every other rank sends FANIN_MSGS numbered messages (some large); rank 0
 * takes them with MPI_ANY_SOURCE and checks that each sender's arrive in
 * order, whatever transport carried them. */
static void fanin(void)
{
    enum { BIG = 50000 };
    int *buf = t_malloc(BIG * sizeof(int));
    if (t_rank != 0) {
        for (int k = 0; k < FANIN_MSGS; k++) {
            int count = k % 5 == 4 ? BIG : 4;
            for (int j = 0; j < count; j++)
                buf[j] = t_rank * 1000000 + k * 10 + j % 7;
            T_MPI(MPI_Send(buf, count, MPI_INT, 0, 7, MPI_COMM_WORLD));
        }
    } else {
        int *next = calloc((size_t)t_size, sizeof(int));
        for (int m = 0; m < FANIN_MSGS * (t_size - 1); m++) {
            MPI_Status st;
            int count;
            T_MPI(MPI_Recv(buf, BIG, MPI_INT, MPI_ANY_SOURCE, 7, MPI_COMM_WORLD, &st));
            T_MPI(MPI_Get_count(&st, MPI_INT, &count));
            int src = st.MPI_SOURCE, k = next[src]++;
            T_ASSERT(src > 0 && src < t_size, "bad source %d", src);
            T_ASSERT(count == (k % 5 == 4 ? BIG : 4), "message %d of %d: %d ints", k, src, count);
            for (int j = 0; j < count; j++)
                T_ASSERT(buf[j] == src * 1000000 + k * 10 + j % 7,
                         "message %d of rank %d out of order or corrupt at %d: %d", k, src, j,
                         buf[j]);
        }
        free(next);
    }
    free(buf);
}

static void collectives(void)
{
    int n = t_size;
    T_MPI(MPI_Barrier(MPI_COMM_WORLD));

    enum { BCAST = 1 << 16 };
    int *b = t_malloc(BCAST * sizeof(int));
    int root = n - 1;
    for (int i = 0; i < BCAST; i++)
        b[i] = t_rank == root ? i ^ 0x5a5a : -1;
    T_MPI(MPI_Bcast(b, BCAST, MPI_INT, root, MPI_COMM_WORLD));
    for (int i = 0; i < BCAST; i++)
        T_ASSERT(b[i] == (i ^ 0x5a5a), "bcast element %d is %d", i, b[i]);
    free(b);

    long v = t_rank + 1, sum = 0, max = 0, scan = 0;
    T_MPI(MPI_Allreduce(&v, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD));
    T_ASSERT(sum == (long)n * (n + 1) / 2, "allreduce sum %ld", sum);
    T_MPI(MPI_Reduce(&v, &max, 1, MPI_LONG, MPI_MAX, 1 % n, MPI_COMM_WORLD));
    T_ASSERT(t_rank != 1 % n || max == n, "reduce max %ld", max);
    T_MPI(MPI_Scan(&v, &scan, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD));
    T_ASSERT(scan == (long)(t_rank + 1) * (t_rank + 2) / 2, "scan %ld", scan);

    int *all = t_malloc((size_t)n * sizeof(int));
    T_MPI(MPI_Allgather(&t_rank, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD));
    for (int i = 0; i < n; i++)
        T_ASSERT(all[i] == i, "allgather[%d] = %d", i, all[i]);
    T_MPI(MPI_Gather(&t_rank, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD));
    for (int i = 0; t_rank == 0 && i < n; i++)
        T_ASSERT(all[i] == i, "gather[%d] = %d", i, all[i]);
    int got = -1;
    for (int i = 0; i < n; i++)
        all[i] = 100 + i;
    T_MPI(MPI_Scatter(all, 1, MPI_INT, &got, 1, MPI_INT, 0, MPI_COMM_WORLD));
    T_ASSERT(got == 100 + t_rank, "scatter gave %d", got);

    int *out = t_malloc((size_t)n * sizeof(int)), *in = t_malloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++)
        out[i] = t_rank * 100 + i;
    T_MPI(MPI_Alltoall(out, 1, MPI_INT, in, 1, MPI_INT, MPI_COMM_WORLD));
    for (int i = 0; i < n; i++)
        T_ASSERT(in[i] == i * 100 + t_rank, "alltoall from %d: %d", i, in[i]);
    free(out);
    free(in);
    free(all);
}

static void split_by_node(void)
{
    MPI_Comm node;
    int size, *members;
    T_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    T_MPI(MPI_Comm_size(node, &size));
    int first = t_rank, expect = 0;
    while (first > 0 && node_of[first - 1] == node_of[t_rank])
        first--;
    for (int r = first; r < t_size && node_of[r] == node_of[t_rank]; r++)
        expect++;
    T_ASSERT(size == expect, "the node communicator has %d ranks, expected %d", size, expect);
    members = t_malloc((size_t)size * sizeof(int));
    T_MPI(MPI_Allgather(&t_rank, 1, MPI_INT, members, 1, MPI_INT, node));
    for (int i = 0; i < size; i++)
        T_ASSERT(members[i] == first + i, "node communicator member %d is world rank %d", i,
                 members[i]);
    free(members);
    T_MPI(MPI_Comm_free(&node));
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    const char *layout = argc > 1 ? argv[1] : "";
    node_of = t_malloc((size_t)t_size * sizeof(int));
    const char *p = layout;
    int single = strchr(layout, ',') == NULL;
    for (int r = 0, node = 0; r < t_size; node++) {
        int n = atoi(p);
        T_ASSERT(n > 0, "usage: t_multinode N0,N1,... (got '%s')", layout);
        for (int k = 0; k < n && r < t_size; k++)
            node_of[r++] = node;
        if (!single) {
            p = strchr(p, ',');
            T_ASSERT(p != NULL || r == t_size, "layout '%s' has fewer ranks than %d", layout,
                     t_size);
            p = p != NULL ? p + 1 : p;
        }
    }
    if (argc > 2 && strcmp(argv[2], "wait") == 0)
        wait_forever();
    pingpong();
    fanin();
    collectives();
    split_by_node();
    t_finalize();
    if (t_rank == 0)
        printf("t_multinode: %d ranks, layout %s: ok\n", t_size, layout);
    free(node_of);
    return 0;
}

/*
 * t_intercomm.c -- intercommunicators between the even and the odd ranks
 * of MPI_COMM_WORLD: sizes and groups, point-to-point addressed by remote
 * ranks (the source seen is the sender's rank in its own group), dup,
 * merge in both orders, and free.  Run with 3 or 4 ranks (any size >= 2).
 */
#include <stdlib.h>

#include "t_util.h"

static int rank, size;

/* Every rank i of the smaller side exchanges with rank i of the other. */
static void exchange(MPI_Comm ic, int lrank, int rsize, int tag)
{
    if (lrank >= rsize)
        return;
    int out = rank, in = -1;
    MPI_Status st;
    T_OK(MPI_Sendrecv(&out, 1, MPI_INT, lrank, tag, &in, 1, MPI_INT, MPI_ANY_SOURCE, tag, ic,
                      &st));
    T_EQ(st.MPI_SOURCE, lrank);
    /* Remote rank lrank of the other parity is world rank 2*lrank + other. */
    T_EQ(in, 2 * lrank + (rank % 2 == 0 ? 1 : 0));
}

/* The blocking collectives across the two groups. */
static void collectives(MPI_Comm ic, int color, int lrank, int lsize, int rsize)
{
    T_OK(MPI_Barrier(ic));
    /* Bcast from world rank 0 (evens' rank 0) to the odds, then back from
     * the odds' rank 0. */
    for (int from = 0; from < 2; from++) {
        int v = -1;
        int root = color == from ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
        if (root == MPI_ROOT)
            v = 1000 + from;
        T_OK(MPI_Bcast(&v, 1, MPI_INT, root, ic));
        if (color != from)
            T_EQ(v, 1000 + from);
        else if (lrank != 0)
            T_EQ(v, -1);
    }
    /* Allreduce: each group gets the sum of the other group's world ranks. */
    int sum = -1, want = 0;
    for (int r = 1 - color; r < size; r += 2)
        want += r;
    T_OK(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, ic));
    T_EQ(sum, want);
    /* Reduce to the evens' rank 0. */
    int root = color == 0 ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    sum = -1;
    T_OK(MPI_Reduce(&rank, &sum, 1, MPI_INT, MPI_MAX, root, ic));
    if (root == MPI_ROOT)
        T_EQ(sum, size % 2 == 0 ? size - 1 : size - 2);
    /* Allgather: the other group's world ranks in their order. */
    int *all = malloc((size_t)rsize * sizeof(int));
    T_OK(MPI_Allgather(&rank, 1, MPI_INT, all, 1, MPI_INT, ic));
    for (int i = 0; i < rsize; i++)
        T_EQ(all[i], 2 * i + 1 - color);
    /* Gather to and scatter from the odds' rank 0. */
    root = color == 1 ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    for (int i = 0; i < rsize; i++)
        all[i] = -1;
    T_OK(MPI_Gather(&rank, 1, MPI_INT, all, 1, MPI_INT, root, ic));
    if (root == MPI_ROOT)
        for (int i = 0; i < rsize; i++)
            T_EQ(all[i], 2 * i);
    int got = -1;
    if (root == MPI_ROOT)
        for (int i = 0; i < rsize; i++)
            all[i] = 500 + i;
    T_OK(MPI_Scatter(all, 1, MPI_INT, &got, 1, MPI_INT, root, ic));
    if (color == 0)
        T_EQ(got, 500 + lrank);
    /* Alltoall: block j goes to remote rank j. */
    int *out = malloc((size_t)rsize * sizeof(int)), *in = malloc((size_t)rsize * sizeof(int));
    for (int j = 0; j < rsize; j++)
        out[j] = rank * 100 + j;
    T_OK(MPI_Alltoall(out, 1, MPI_INT, in, 1, MPI_INT, ic));
    for (int j = 0; j < rsize; j++)
        T_EQ(in[j], (2 * j + 1 - color) * 100 + lrank);
    (void)lsize;
    free(out);
    free(in);
    free(all);
}

#define GAP (-77)

/* World rank of remote rank i (the other parity). */
static int remote_world(int color, int i)
{
    return 2 * i + 1 - color;
}

/* The v-variants, alltoallw and reduce_scatter across the groups: remote
 * rank i contributes i + 1 elements, laid out with a one-element gap that
 * must stay untouched. */
static void vcollectives(MPI_Comm ic, int color, int lrank, int lsize, int rsize)
{
    int *counts = malloc((size_t)rsize * sizeof(int));
    int *displs = malloc((size_t)rsize * sizeof(int));
    int total = 0;
    for (int i = 0; i < rsize; i++) {
        counts[i] = i + 1;
        displs[i] = total;
        total += i + 2;
    }
    int *buf = malloc((size_t)(total + 1) * sizeof(int));
    int mine[16];
    for (int e = 0; e < 16; e++)
        mine[e] = rank;

    /* Gatherv to the odds' leader. */
    int root = color == 1 ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    for (int e = 0; e <= total; e++)
        buf[e] = GAP;
    T_OK(MPI_Gatherv(mine, lrank + 1, MPI_INT, buf, counts, displs, MPI_INT, root, ic));
    if (root == MPI_ROOT)
        for (int i = 0; i < rsize; i++) {
            for (int e = 0; e < i + 1; e++)
                T_EQ(buf[displs[i] + e], remote_world(color, i));
            T_EQ(buf[displs[i] + i + 1], GAP);
        }
    /* Scatterv from the evens' leader. */
    root = color == 0 ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    for (int e = 0; e <= total; e++)
        buf[e] = 700 + e;
    int got[17];
    for (int e = 0; e < 17; e++)
        got[e] = GAP;
    T_OK(MPI_Scatterv(buf, counts, displs, MPI_INT, got, lrank + 1, MPI_INT, root, ic));
    if (color == 1) {
        int at = lrank * (lrank + 1) / 2 + lrank; /* displs[lrank] on the evens' side */
        for (int e = 0; e < lrank + 1; e++)
            T_EQ(got[e], 700 + at + e);
        T_EQ(got[lrank + 1], GAP);
    } else {
        T_EQ(got[0], GAP);
    }
    /* Allgatherv: everyone gets every remote rank's i + 1 elements. */
    for (int e = 0; e <= total; e++)
        buf[e] = GAP;
    T_OK(MPI_Allgatherv(mine, lrank + 1, MPI_INT, buf, counts, displs, MPI_INT, ic));
    for (int i = 0; i < rsize; i++) {
        for (int e = 0; e < i + 1; e++)
            T_EQ(buf[displs[i] + e], remote_world(color, i));
        T_EQ(buf[displs[i] + i + 1], GAP);
    }
    /* Alltoallv: to remote rank j, j + 1 elements of rank * 100 + j; from
     * remote rank i, lrank + 1 elements. */
    int *out = malloc((size_t)(total + 1) * sizeof(int));
    int *rcounts = malloc((size_t)rsize * sizeof(int));
    int *rdispls = malloc((size_t)rsize * sizeof(int));
    for (int j = 0; j < rsize; j++)
        for (int e = 0; e < j + 2; e++)
            out[displs[j] + e] = rank * 100 + j;
    for (int i = 0; i < rsize; i++) {
        rcounts[i] = lrank + 1;
        rdispls[i] = i * (lrank + 2);
    }
    int rtotal = rsize * (lrank + 2);
    int *in = malloc((size_t)rtotal * sizeof(int));
    for (int e = 0; e < rtotal; e++)
        in[e] = GAP;
    T_OK(MPI_Alltoallv(out, counts, displs, MPI_INT, in, rcounts, rdispls, MPI_INT, ic));
    for (int i = 0; i < rsize; i++) {
        for (int e = 0; e < lrank + 1; e++)
            T_EQ(in[rdispls[i] + e], remote_world(color, i) * 100 + lrank);
        T_EQ(in[rdispls[i] + lrank + 1], GAP);
    }
    /* Alltoallw: the same with byte displacements and a type per rank. */
    MPI_Datatype *types = malloc((size_t)rsize * sizeof(MPI_Datatype));
    int *sbytes = malloc((size_t)rsize * sizeof(int)), *rbytes = malloc((size_t)rsize * sizeof(int));
    for (int i = 0; i < rsize; i++) {
        types[i] = MPI_INT;
        sbytes[i] = displs[i] * (int)sizeof(int);
        rbytes[i] = rdispls[i] * (int)sizeof(int);
    }
    for (int e = 0; e < rtotal; e++)
        in[e] = GAP;
    T_OK(MPI_Alltoallw(out, counts, sbytes, types, in, rcounts, rbytes, types, ic));
    for (int i = 0; i < rsize; i++) {
        for (int e = 0; e < lrank + 1; e++)
            T_EQ(in[rdispls[i] + e], remote_world(color, i) * 100 + lrank);
        T_EQ(in[rdispls[i] + lrank + 1], GAP);
    }
    /* Reduce_scatter: both groups reduce `size` elements (the same total on
     * both sides); local rank r gets one, the last the rest. */
    int *lcounts = malloc((size_t)lsize * sizeof(int));
    for (int r = 0; r < lsize; r++)
        lcounts[r] = r < lsize - 1 ? 1 : size - (lsize - 1);
    int *vec = malloc((size_t)size * sizeof(int)), res[16];
    for (int e = 0; e < size; e++)
        vec[e] = rank * 1000 + e;
    int rsum = 0;
    for (int i = 0; i < rsize; i++)
        rsum += remote_world(color, i);
    T_OK(MPI_Reduce_scatter(vec, res, lcounts, MPI_INT, MPI_SUM, ic));
    for (int e = 0; e < lcounts[lrank]; e++)
        T_EQ(res[e], rsum * 1000 + (lrank + e) * rsize);
    /* Reduce_scatter_block needs groups of equal size (equal totals). */
    if (lsize == rsize) {
        T_OK(MPI_Reduce_scatter_block(vec, res, 1, MPI_INT, MPI_SUM, ic));
        T_EQ(res[0], rsum * 1000 + lrank * rsize);
    }
    free(lcounts);
    free(vec);
    free(types);
    free(sbytes);
    free(rbytes);
    free(in);
    free(out);
    free(rcounts);
    free(rdispls);
    free(buf);
    free(counts);
    free(displs);
}

/* Is `ic` an intercommunicator whose local group is `lw` and remote group
 * `rw` (world ranks), and does traffic flow across it? */
static void check_intercomm(MPI_Comm ic, int n, const int *lw, int m, const int *rw)
{
    int flag, ls, rs, me;
    T_OK(MPI_Comm_test_inter(ic, &flag));
    T_EQ(flag, 1);
    T_OK(MPI_Comm_size(ic, &ls));
    T_OK(MPI_Comm_remote_size(ic, &rs));
    T_EQ(ls, n);
    T_EQ(rs, m);
    T_OK(MPI_Comm_rank(ic, &me));
    T_EQ(lw[me], rank);
    MPI_Group rg, wg;
    T_OK(MPI_Comm_remote_group(ic, &rg));
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    for (int i = 0; i < m; i++) {
        int w;
        T_OK(MPI_Group_translate_ranks(rg, 1, &i, wg, &w));
        T_EQ(w, rw[i]);
    }
    T_OK(MPI_Group_free(&rg));
    T_OK(MPI_Group_free(&wg));
    /* Each group's sum of world ranks reaches the other group. */
    int lsum = 0, rsum = 0, got = -1;
    for (int i = 0; i < n; i++)
        lsum += lw[i];
    for (int i = 0; i < m; i++)
        rsum += rw[i];
    T_OK(MPI_Allreduce(&rank, &got, 1, MPI_INT, MPI_SUM, ic));
    T_EQ(got, rsum);
    (void)lsum;
    if (me < m) {
        int in = -1;
        T_OK(MPI_Sendrecv(&rank, 1, MPI_INT, me, 5, &in, 1, MPI_INT, me, 5, ic,
                          MPI_STATUS_IGNORE));
        T_EQ(in, rw[me]);
    }
}

/* MPI_Comm_split on the intercommunicator (MPI-2.2): colour lrank % 2,
 * key -lrank (so the order reverses), local rank 2 left out. */
static void split_inter(MPI_Comm ic, int color, int lrank, int lsize, int rsize)
{
    int c = lrank == 2 ? MPI_UNDEFINED : lrank % 2;
    MPI_Comm sub;
    T_OK(MPI_Comm_split(ic, c, -lrank, &sub));
    int lw[8], rw[8], n = 0, m = 0;
    for (int r = lsize - 1; r >= 0; r--)
        if (r != 2 && r % 2 == c)
            lw[n++] = 2 * r + color;
    for (int r = rsize - 1; r >= 0; r--)
        if (r != 2 && r % 2 == c)
            rw[m++] = remote_world(color, r);
    if (c == MPI_UNDEFINED || m == 0) {
        T_EQ(sub, MPI_COMM_NULL);
        return;
    }
    T_CHECK(sub != MPI_COMM_NULL);
    check_intercomm(sub, n, lw, m, rw);
    T_OK(MPI_Comm_free(&sub));
}

/* MPI_Comm_create on the intercommunicator: each side keeps its local
 * ranks 1.. (the group of rank 0 left out). */
static void create_inter(MPI_Comm ic, int color, int lrank, int lsize, int rsize)
{
    MPI_Group g, sub;
    T_OK(MPI_Comm_group(ic, &g));
    int zero = 0;
    T_OK(MPI_Group_excl(g, 1, &zero, &sub));
    MPI_Comm nc;
    T_OK(MPI_Comm_create(ic, sub, &nc));
    T_OK(MPI_Group_free(&sub));
    T_OK(MPI_Group_free(&g));
    if (lrank == 0 || lsize == 1 || rsize == 1) {
        T_EQ(nc, MPI_COMM_NULL);
        return;
    }
    int lw[8], rw[8];
    for (int r = 1; r < lsize; r++)
        lw[r - 1] = 2 * r + color;
    for (int r = 1; r < rsize; r++)
        rw[r - 1] = remote_world(color, r);
    check_intercomm(nc, lsize - 1, lw, rsize - 1, rw);
    T_OK(MPI_Comm_free(&nc));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    T_CHECK(size >= 2);
    int color = rank % 2;
    MPI_Comm local, ic;
    T_OK(MPI_Comm_split(MPI_COMM_WORLD, color, rank, &local));
    int lrank, lsize;
    MPI_Comm_rank(local, &lrank);
    MPI_Comm_size(local, &lsize);
    /* Leaders: world rank 0 for the evens, 1 for the odds. */
    T_OK(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, color == 0 ? 1 : 0, 42, &ic));
    int flag, rsize, icsize, icrank;
    T_OK(MPI_Comm_test_inter(ic, &flag));
    T_EQ(flag, 1);
    T_OK(MPI_Comm_remote_size(ic, &rsize));
    T_EQ(rsize, color == 0 ? size / 2 : (size + 1) / 2);
    T_OK(MPI_Comm_size(ic, &icsize));
    T_OK(MPI_Comm_rank(ic, &icrank));
    T_EQ(icsize, lsize);
    T_EQ(icrank, lrank);
    MPI_Group rg, wg;
    T_OK(MPI_Comm_remote_group(ic, &rg));
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int zero = 0, w;
    T_OK(MPI_Group_translate_ranks(rg, 1, &zero, wg, &w));
    T_EQ(w, 1 - color);
    T_OK(MPI_Group_free(&rg));
    T_OK(MPI_Group_free(&wg));

    exchange(ic, lrank, rsize, 1);
    collectives(ic, color, lrank, lsize, rsize);
    vcollectives(ic, color, lrank, lsize, rsize);
    split_inter(ic, color, lrank, lsize, rsize);
    create_inter(ic, color, lrank, lsize, rsize);

    MPI_Comm icdup;
    T_OK(MPI_Comm_dup(ic, &icdup));
    int result;
    T_OK(MPI_Comm_compare(ic, icdup, &result));
    T_EQ(result, MPI_CONGRUENT);
    exchange(icdup, lrank, rsize, 1);
    collectives(icdup, color, lrank, lsize, rsize);
    vcollectives(icdup, color, lrank, lsize, rsize);

    /* Evens low: they come first. */
    MPI_Comm merged;
    T_OK(MPI_Intercomm_merge(ic, color, &merged));
    int mrank, msize;
    MPI_Comm_rank(merged, &mrank);
    MPI_Comm_size(merged, &msize);
    T_EQ(msize, size);
    T_EQ(mrank, color == 0 ? lrank : (size + 1) / 2 + lrank);
    /* Odds low this time. */
    MPI_Comm merged2;
    T_OK(MPI_Intercomm_merge(icdup, !color, &merged2));
    MPI_Comm_rank(merged2, &mrank);
    T_EQ(mrank, color == 1 ? lrank : size / 2 + lrank);
    /* The merged communicator carries traffic: a ring. */
    int out = mrank, in = -1;
    T_OK(MPI_Sendrecv(&out, 1, MPI_INT, (mrank + 1) % size, 0, &in, 1, MPI_INT,
                      (mrank + size - 1) % size, 0, merged2, MPI_STATUS_IGNORE));
    T_EQ(in, (mrank + size - 1) % size);
    /* And collectives. */
    int total = -1;
    T_OK(MPI_Allreduce(&mrank, &total, 1, MPI_INT, MPI_SUM, merged2));
    T_EQ(total, size * (size - 1) / 2);

    MPI_Comm_set_errhandler(ic, MPI_ERRORS_RETURN);
    T_EQ(MPI_Send(&out, 1, MPI_INT, rsize, 0, ic), MPI_ERR_RANK);
    MPI_Comm bad;
    MPI_Comm_set_errhandler(local, MPI_ERRORS_RETURN);
    T_EQ(MPI_Intercomm_create(local, lsize, MPI_COMM_WORLD, 0, 1, &bad), MPI_ERR_RANK);
    T_EQ(MPI_Intercomm_merge(local, 0, &bad), MPI_ERR_COMM);
    MPI_Request req;
    T_EQ(MPI_Ibarrier(ic, &req), MPI_ERR_COMM);
    T_EQ(MPI_Bcast(&out, 1, MPI_INT, rsize, ic), MPI_ERR_ROOT);
    /* Comm_create on an intercommunicator takes part of the local group
     * only; WORLD's group holds the remote ranks too. */
    MPI_Group world_group;
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &world_group));
    T_EQ(MPI_Comm_create(ic, world_group, &bad), MPI_ERR_GROUP);
    T_OK(MPI_Group_free(&world_group));
    T_EQ(MPI_Comm_split(ic, -5, 0, &bad), MPI_ERR_ARG);

    T_OK(MPI_Comm_free(&merged2));
    T_OK(MPI_Comm_free(&merged));
    T_OK(MPI_Comm_free(&icdup));
    T_OK(MPI_Comm_free(&ic));
    T_OK(MPI_Comm_free(&local));
    MPI_Finalize();
    if (rank == 0)
        printf("t_intercomm: ok\n");
    return 0;
}

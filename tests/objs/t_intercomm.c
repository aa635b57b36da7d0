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

    MPI_Comm icdup;
    T_OK(MPI_Comm_dup(ic, &icdup));
    int result;
    T_OK(MPI_Comm_compare(ic, icdup, &result));
    T_EQ(result, MPI_CONGRUENT);
    exchange(icdup, lrank, rsize, 1);

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

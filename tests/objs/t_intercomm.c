/*
 * t_intercomm.c -- intercommunicators between the even and the odd ranks
 * of MPI_COMM_WORLD: sizes and groups, point-to-point addressed by remote
 * ranks (the source seen is the sender's rank in its own group), dup,
 * merge in both orders, and free.  Run with 3 or 4 ranks (any size >= 2).
 */
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

    MPI_Comm_set_errhandler(ic, MPI_ERRORS_RETURN);
    T_EQ(MPI_Send(&out, 1, MPI_INT, rsize, 0, ic), MPI_ERR_RANK);
    MPI_Comm bad;
    MPI_Comm_set_errhandler(local, MPI_ERRORS_RETURN);
    T_EQ(MPI_Intercomm_create(local, lsize, MPI_COMM_WORLD, 0, 1, &bad), MPI_ERR_RANK);
    T_EQ(MPI_Intercomm_merge(local, 0, &bad), MPI_ERR_COMM);

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

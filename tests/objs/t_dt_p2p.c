/*
 * t_dt_p2p.c -- derived datatypes on the wire between two ranks: a matrix
 * column (vector type) and an array of padded structs, each at an eager
 * and a rendezvous size, in both directions.  The receiver checks every
 * byte: the data where the type points, and the gaps (other columns,
 * struct padding) untouched.  The receive's type is freed while the
 * receive is in flight.  Rendezvous sizes go through the single-copy path
 * (scatter/gather reads) or, with MINIMPI_SHM_CMA=0, the streamed one; the
 * driver runs both.  Run with 2 ranks.
 */
#include <stddef.h>
#include <string.h>

#include "t_util.h"

#define COLS 3

struct particle {
    char tag;
    double pos[2];
    int id;
};

static MPI_Datatype column_type(int rows)
{
    MPI_Datatype t;
    T_OK(MPI_Type_vector(rows, 1, COLS, MPI_DOUBLE, &t));
    T_OK(MPI_Type_commit(&t));
    return t;
}

static MPI_Datatype particle_type(void)
{
    int bl[3] = {1, 2, 1};
    MPI_Aint d[3] = {offsetof(struct particle, tag), offsetof(struct particle, pos),
                     offsetof(struct particle, id)};
    MPI_Datatype types[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT}, t;
    T_OK(MPI_Type_create_struct(3, bl, d, types, &t));
    T_OK(MPI_Type_commit(&t));
    return t;
}

/* Column 1 of a rows x COLS matrix travels; the receiver's other columns
 * hold -1 and must keep it. */
static void column_round(int rank, int rows, int sender)
{
    double *m = malloc((size_t)rows * COLS * sizeof(double));
    T_CHECK(m != NULL);
    MPI_Datatype col = column_type(rows);
    if (rank == sender) {
        for (int i = 0; i < rows * COLS; i++)
            m[i] = i * 0.25;
        T_OK(MPI_Send(m + 1, 1, col, 1 - sender, 7, MPI_COMM_WORLD));
        T_OK(MPI_Type_free(&col));
    } else {
        for (int i = 0; i < rows * COLS; i++)
            m[i] = -1;
        MPI_Request req;
        MPI_Status st;
        T_OK(MPI_Irecv(m + 1, 1, col, sender, 7, MPI_COMM_WORLD, &req));
        /* Freed while in use: the request keeps it until it completes. */
        T_OK(MPI_Type_free(&col));
        T_CHECK(col == MPI_DATATYPE_NULL);
        T_OK(MPI_Wait(&req, &st));
        int n;
        T_OK(MPI_Get_count(&st, MPI_DOUBLE, &n));
        T_EQ(n, rows);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < COLS; c++) {
                double want = c == 1 ? (r * COLS + c) * 0.25 : -1;
                if (m[r * COLS + c] != want)
                    T_CHECK(!"column element or gap wrong");
            }
    }
    free(m);
}

/* A column received as contiguous doubles (same type signature). */
static void column_to_contiguous(int rank, int rows)
{
    double *m = malloc((size_t)rows * COLS * sizeof(double));
    double *v = malloc((size_t)rows * sizeof(double));
    T_CHECK(m != NULL && v != NULL);
    if (rank == 0) {
        MPI_Datatype col = column_type(rows);
        for (int i = 0; i < rows * COLS; i++)
            m[i] = i;
        T_OK(MPI_Send(m + 2, 1, col, 1, 8, MPI_COMM_WORLD));
        T_OK(MPI_Type_free(&col));
    } else {
        T_OK(MPI_Recv(v, rows, MPI_DOUBLE, 0, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int r = 0; r < rows; r++)
            T_CHECK(v[r] == r * COLS + 2);
    }
    free(m);
    free(v);
}

/* Contiguous doubles received as a column: the receiver's gaps hold -1
 * and must keep it. */
static void contiguous_to_column(int rank, int rows)
{
    double *m = malloc((size_t)rows * COLS * sizeof(double));
    double *v = malloc((size_t)rows * sizeof(double));
    T_CHECK(m != NULL && v != NULL);
    if (rank == 0) {
        for (int r = 0; r < rows; r++)
            v[r] = r + 0.5;
        T_OK(MPI_Send(v, rows, MPI_DOUBLE, 1, 11, MPI_COMM_WORLD));
    } else {
        MPI_Datatype col = column_type(rows);
        for (int i = 0; i < rows * COLS; i++)
            m[i] = -1;
        T_OK(MPI_Recv(m, 1, col, 0, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < COLS; c++)
                if (m[r * COLS + c] != (c == 0 ? r + 0.5 : -1))
                    T_CHECK(!"column element or gap wrong");
        T_OK(MPI_Type_free(&col));
    }
    free(m);
    free(v);
}

/* A column walked upwards (negative stride: the type's data lies below
 * the buffer's address), received as contiguous doubles. */
static void reversed_column(int rank, int rows)
{
    double *m = malloc((size_t)rows * COLS * sizeof(double));
    double *v = malloc((size_t)(rows + 1) * sizeof(double));
    T_CHECK(m != NULL && v != NULL);
    if (rank == 0) {
        MPI_Datatype up;
        T_OK(MPI_Type_create_hvector(rows, 1, -(MPI_Aint)(COLS * sizeof(double)), MPI_DOUBLE,
                                     &up));
        T_OK(MPI_Type_commit(&up));
        for (int i = 0; i < rows * COLS; i++)
            m[i] = i;
        T_OK(MPI_Send(m + (rows - 1) * COLS + 1, 1, up, 1, 12, MPI_COMM_WORLD));
        T_OK(MPI_Type_free(&up));
    } else {
        v[rows] = -1;
        T_OK(MPI_Recv(v, rows, MPI_DOUBLE, 0, 12, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int r = 0; r < rows; r++)
            if (v[r] != (rows - 1 - r) * COLS + 1)
                T_CHECK(!"reversed column element wrong");
        T_CHECK(v[rows] == -1);
    }
    free(m);
    free(v);
}

static void particles_round(int rank, int n, int sender)
{
    struct particle *p = malloc((size_t)n * sizeof(*p));
    T_CHECK(p != NULL);
    MPI_Datatype t = particle_type();
    if (rank == sender) {
        memset(p, 0x11, (size_t)n * sizeof(*p));
        for (int i = 0; i < n; i++) {
            p[i].tag = (char)('a' + i % 26);
            p[i].pos[0] = i;
            p[i].pos[1] = -0.5 * i;
            p[i].id = i * 3;
        }
        MPI_Request req;
        T_OK(MPI_Isend(p, n, t, 1 - sender, 9, MPI_COMM_WORLD, &req));
        T_OK(MPI_Type_free(&t));
        T_OK(MPI_Wait(&req, MPI_STATUS_IGNORE));
    } else {
        memset(p, 0x77, (size_t)n * sizeof(*p));
        MPI_Status st;
        T_OK(MPI_Recv(p, n, t, sender, 9, MPI_COMM_WORLD, &st));
        int count;
        T_OK(MPI_Get_count(&st, t, &count));
        T_EQ(count, n);
        T_OK(MPI_Get_elements(&st, t, &count));
        T_EQ(count, 4 * n);
        for (int i = 0; i < n; i++) {
            T_EQ(p[i].tag, 'a' + i % 26);
            T_CHECK(p[i].pos[0] == i && p[i].pos[1] == -0.5 * i);
            T_EQ(p[i].id, i * 3);
            const unsigned char *bytes = (const unsigned char *)&p[i];
            for (size_t b = 1; b < offsetof(struct particle, pos); b++)
                T_EQ(bytes[b], 0x77);
            for (size_t b = offsetof(struct particle, id) + sizeof(int); b < sizeof(*p); b++)
                T_EQ(bytes[b], 0x77);
        }
        T_OK(MPI_Type_free(&t));
    }
    free(p);
}

/* Absolute addresses from MPI_BOTTOM. */
static void bottom_round(int rank)
{
    double x = rank == 0 ? 3.25 : 0;
    int k = rank == 0 ? 42 : 0;
    MPI_Aint d[2];
    T_OK(MPI_Get_address(&x, &d[0]));
    T_OK(MPI_Get_address(&k, &d[1]));
    int bl[2] = {1, 1};
    MPI_Datatype types[2] = {MPI_DOUBLE, MPI_INT}, t;
    T_OK(MPI_Type_create_struct(2, bl, d, types, &t));
    T_OK(MPI_Type_commit(&t));
    if (rank == 0)
        T_OK(MPI_Send(MPI_BOTTOM, 1, t, 1, 10, MPI_COMM_WORLD));
    else
        T_OK(MPI_Recv(MPI_BOTTOM, 1, t, 0, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_CHECK(x == 3.25 && k == 42);
    T_OK(MPI_Type_free(&t));
}

/*
 * A derived type used by collectives stays the program's: the runtime's
 * internal messages must take their own references on it, or the repeated
 * broadcasts below would drop the program's reference and free the type
 * under it (a use after free the sanitizer build reports).
 */
static void collective_keeps_type(int rank)
{
    MPI_Datatype pair;
    T_OK(MPI_Type_vector(2, 1, 2, MPI_INT, &pair));
    T_OK(MPI_Type_commit(&pair));
    for (int round = 0; round < 4; round++) {
        int v[3] = {-1, -1, -1};
        if (rank == 0) {
            v[0] = 10 + round;
            v[2] = 20 + round;
        }
        T_OK(MPI_Bcast(v, 1, pair, 0, MPI_COMM_WORLD));
        T_EQ(v[0], 10 + round);
        T_EQ(v[2], 20 + round);
        T_EQ(v[1], -1);   /* the gap stays untouched */
    }
    int size = 0;
    T_OK(MPI_Type_size(pair, &size));
    T_EQ(size, 2 * (int)sizeof(int));
    T_OK(MPI_Type_free(&pair));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    T_EQ(size, 2);
    if (argc > 1 && strcmp(argv[1], "uncommitted") == 0) {
        /* Fatal under the default error handler: exits with MPI_ERR_TYPE. */
        MPI_Datatype t;
        double x[4] = {0};
        MPI_Type_vector(2, 1, 2, MPI_DOUBLE, &t);
        MPI_Send(x, 1, t, 1 - rank, 0, MPI_COMM_WORLD);
        T_CHECK(!"sending with an uncommitted type returned");
    }
    /* 8 rows travel eagerly; 200000 rows (1.6 MB) by rendezvous. */
    int sizes[2] = {8, 200000};
    for (int s = 0; s < 2; s++) {
        column_round(rank, sizes[s], 0);
        column_round(rank, sizes[s], 1);
        column_to_contiguous(rank, sizes[s]);
        contiguous_to_column(rank, sizes[s]);
        reversed_column(rank, sizes[s]);
    }
    int counts[2] = {3, 50000};
    for (int s = 0; s < 2; s++) {
        particles_round(rank, counts[s], 0);
        particles_round(rank, counts[s], 1);
    }
    bottom_round(rank);
    collective_keeps_type(rank);
    MPI_Finalize();
    if (rank == 0)
        printf("t_dt_p2p: ok\n");
    return 0;
}

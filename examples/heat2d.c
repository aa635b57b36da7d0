/*
 * heat2d.c -- the 2D heat equation on a Cartesian grid of ranks.
 *
 * The plate is NX x NY interior points inside a boundary held at fixed
 * temperatures (the top edge hot, the others cold).  MPI_Dims_create and
 * MPI_Cart_create lay the ranks out in 2D; each rank owns a block plus a
 * one-point halo.  Every step exchanges the halos with MPI_Sendrecv: rows
 * are contiguous, columns travel as an MPI_Type_vector, and at the plate's
 * edges MPI_Cart_shift gives MPI_PROC_NULL, so the boundary values in the
 * halo stay as they are.  Then an explicit (Jacobi) update.
 *
 * At the end rank 0 gathers the blocks into the whole plate, each one
 * received straight into place through an MPI_Type_create_subarray, runs
 * the same update on the whole plate as a single block (the serial run of
 * the same code path), and compares the two bit for bit: each point's
 * update is the same arithmetic whatever the decomposition, so any
 * difference is a communication bug.  Exit status 0 when identical.
 *
 * Usage: mini-mpirun -n 4 ./heat2d [steps]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NX 60                      /* interior rows */
#define NY 48                      /* interior columns */
#define ALPHA 0.2
#define HOT 100.0

/* Rows [start, start + len) of n, for part `coord` of `parts`: the first
 * n % parts parts get one row more. */
static void block_range(int n, int parts, int coord, int *start, int *len)
{
    int base = n / parts, extra = n % parts;
    *len = base + (coord < extra);
    *start = coord * base + (coord < extra ? coord : extra);
}

/* One explicit step on a block of rows x cols interior points whose
 * arrays have a one-point halo (row stride cols + 2). */
static void step(const double *u, double *v, int rows, int cols)
{
    int s = cols + 2;
    for (int i = 1; i <= rows; i++)
        for (int j = 1; j <= cols; j++) {
            double c = u[i * s + j];
            v[i * s + j] = c + ALPHA * ((u[(i - 1) * s + j] + u[(i + 1) * s + j]) +
                                        (u[i * s + j - 1] + u[i * s + j + 1]) - 4.0 * c);
        }
}

/* Fill a block (with halo) whose first interior point is global (r0, c0):
 * zero inside, the fixed temperature on the plate's boundary. */
static void init_block(double *u, int rows, int cols, int r0, int c0)
{
    int s = cols + 2;
    for (int i = 0; i < rows + 2; i++)
        for (int j = 0; j < cols + 2; j++)
            u[i * s + j] = (r0 + i == 0) ? HOT : 0.0;
    (void)c0;
}

/* The serial run: the whole plate as one block, the same steps. */
static double *serial_run(int steps)
{
    size_t n = (size_t)(NX + 2) * (NY + 2);
    double *u = malloc(n * sizeof(double)), *v = malloc(n * sizeof(double));
    if (u == NULL || v == NULL) {
        fprintf(stderr, "heat2d: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    init_block(u, NX, NY, 0, 0);
    memcpy(v, u, n * sizeof(double));
    for (int t = 0; t < steps; t++) {
        step(u, v, NX, NY);
        double *tmp = u;
        u = v;
        v = tmp;
    }
    free(v);
    return u;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 500;
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2];
    MPI_Comm grid;
    MPI_Dims_create(size, 2, dims);
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &grid);
    MPI_Comm_rank(grid, &rank);
    MPI_Cart_coords(grid, rank, 2, coords);

    int r0, rows, c0, cols;
    block_range(NX, dims[0], coords[0], &r0, &rows);
    block_range(NY, dims[1], coords[1], &c0, &cols);
    int s = cols + 2;
    size_t n = (size_t)(rows + 2) * (size_t)s;
    double *u = malloc(n * sizeof(double)), *v = malloc(n * sizeof(double));
    if (u == NULL || v == NULL) {
        fprintf(stderr, "heat2d: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    init_block(u, rows, cols, r0, c0);
    memcpy(v, u, n * sizeof(double));

    MPI_Datatype row, column;
    MPI_Type_contiguous(cols, MPI_DOUBLE, &row);
    MPI_Type_vector(rows, 1, s, MPI_DOUBLE, &column);
    MPI_Type_commit(&row);
    MPI_Type_commit(&column);
    int up, down, left, right;
    MPI_Cart_shift(grid, 0, 1, &up, &down);
    MPI_Cart_shift(grid, 1, 1, &left, &right);

    for (int t = 0; t < steps; t++) {
        /* First interior row up, bottom halo from below; and back. */
        MPI_Sendrecv(&u[1 * s + 1], 1, row, up, 0, &u[(rows + 1) * s + 1], 1, row, down, 0,
                     grid, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&u[rows * s + 1], 1, row, down, 1, &u[0 * s + 1], 1, row, up, 1, grid,
                     MPI_STATUS_IGNORE);
        /* Columns: strided, one vector type each way. */
        MPI_Sendrecv(&u[1 * s + 1], 1, column, left, 2, &u[1 * s + cols + 1], 1, column, right,
                     2, grid, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&u[1 * s + cols], 1, column, right, 3, &u[1 * s + 0], 1, column, left, 3,
                     grid, MPI_STATUS_IGNORE);
        step(u, v, rows, cols);
        double *tmp = u;
        u = v;
        v = tmp;
    }

    /* Gather: each block's interior, described by a subarray of the local
     * array, lands in place in rank 0's plate through a subarray there. */
    int lsizes[2] = {rows + 2, cols + 2}, lsub[2] = {rows, cols}, lstart[2] = {1, 1};
    MPI_Datatype mine;
    MPI_Type_create_subarray(2, lsizes, lsub, lstart, MPI_ORDER_C, MPI_DOUBLE, &mine);
    MPI_Type_commit(&mine);
    MPI_Request req;
    MPI_Isend(u, 1, mine, 0, 9, grid, &req);
    int status = 0;
    if (rank == 0) {
        double *plate = calloc((size_t)(NX + 2) * (NY + 2), sizeof(double));
        if (plate == NULL) {
            fprintf(stderr, "heat2d: out of memory\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (int r = 0; r < size; r++) {
            int rc[2], br0, brows, bc0, bcols;
            MPI_Cart_coords(grid, r, 2, rc);
            block_range(NX, dims[0], rc[0], &br0, &brows);
            block_range(NY, dims[1], rc[1], &bc0, &bcols);
            int gsizes[2] = {NX + 2, NY + 2}, gsub[2] = {brows, bcols},
                gstart[2] = {1 + br0, 1 + bc0};
            MPI_Datatype block;
            MPI_Type_create_subarray(2, gsizes, gsub, gstart, MPI_ORDER_C, MPI_DOUBLE, &block);
            MPI_Type_commit(&block);
            MPI_Recv(plate, 1, block, r, 9, grid, MPI_STATUS_IGNORE);
            MPI_Type_free(&block);
        }
        double *ref = serial_run(steps);
        int diffs = 0;
        double sum = 0;
        for (int i = 1; i <= NX; i++)
            for (int j = 1; j <= NY; j++) {
                double a = plate[i * (NY + 2) + j], b = ref[i * (NY + 2) + j];
                if (memcmp(&a, &b, sizeof(a)) != 0)
                    diffs++;
                sum += a;
            }
        if (diffs == 0) {
            printf("heat2d: %d ranks (%dx%d), %dx%d plate, %d steps: heat %.17g, "
                   "bit-for-bit equal to the serial run\n",
                   size, dims[0], dims[1], NX, NY, steps, sum);
        } else {
            printf("heat2d: %d ranks: %d points differ from the serial run\n", size, diffs);
            status = 1;
        }
        free(ref);
        free(plate);
    }
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    MPI_Type_free(&mine);
    MPI_Type_free(&row);
    MPI_Type_free(&column);
    MPI_Comm_free(&grid);
    free(u);
    free(v);
    MPI_Finalize();
    return status;
}

/*
 * t_coll.c -- every MPI collective against a serial computation.
 *
 * Each rank's data is a function of (rank, index), so every rank can
 * compute what any collective must produce.  Covered: several counts
 * (0, 1, small, above the eager limit), every root, MPI_IN_PLACE where the
 * standard allows it, types with padding (MPI_DOUBLE_INT), predefined
 * operations and a user operation that is not commutative (composition of
 * affine maps: applying it out of rank order gives a different result),
 * the nonblocking forms (several in flight at once), and argument errors.
 * Reductions also run on derived types: a predefined operation on a vector
 * of doubles with a gap, and a user operation on a resized type whose data
 * reaches past its extent (temporaries must hold the true bounds).
 * The algorithms are forced from outside (MINIMPI_COLL_*), so the same
 * program checks each of them.  With the argument "split" everything runs
 * on two halves of MPI_COMM_WORLD (odd and even world ranks, ranked by a
 * shuffled key), so communicator ranks are not world ranks.
 * Exits 1 naming the first wrong value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi.h"

static int rank, size, failures;
/* The communicator under test: MPI_COMM_WORLD or a part of it. */
static MPI_Comm comm;

#define FAIL(...)                                                              \
    do {                                                                       \
        fprintf(stderr, "rank %d of %d: ", rank, size);                        \
        fprintf(stderr, __VA_ARGS__);                                          \
        fprintf(stderr, "\n");                                                 \
        if (++failures > 5)                                                    \
            MPI_Abort(MPI_COMM_WORLD, 1);                                      \
    } while (0)

#define OK(call)                                                               \
    do {                                                                       \
        int err_ = (call);                                                     \
        if (err_ != MPI_SUCCESS)                                               \
            FAIL("%s returned %d", #call, err_);                               \
    } while (0)

static const int counts[] = {0, 1, 7, 2500};
#define NCOUNTS ((int)(sizeof(counts) / sizeof(counts[0])))

static int val(int r, int i) { return (r * 131 + i * 7) % 1000 - 300; }

/* ---- The non-commutative user operation: f(x) = a x + b, composed in rank
 * order (lower rank applied first), computed modulo 2^32. */
typedef struct { int a; int b; } affine_t;

static void affine_compose(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    affine_t *f = in, *g = inout;
    for (int i = 0; i < *len; i++) {
        unsigned a = (unsigned)f[i].a * (unsigned)g[i].a;
        unsigned b = (unsigned)g[i].a * (unsigned)f[i].b + (unsigned)g[i].b;
        g[i].a = (int)a;
        g[i].b = (int)b;
    }
}

static affine_t affine_of(int r, int i)
{
    affine_t f = {2 * ((r + i) % 5) + 1, val(r, i)};
    return f;
}

static affine_t affine_fold(int first, int last, int i)
{
    affine_t acc = affine_of(first, i);
    for (int r = first + 1; r <= last; r++) {
        affine_t x = affine_of(r, i);
        int len = 1;
        affine_compose(&acc, &x, &len, NULL);
        acc = x;
    }
    return acc;
}

static MPI_Op op_affine;

/* ---- Derived types ---------------------------------------------------------------- */
/* Two doubles with a gap between them: MPI_Type_vector(2, 1, 2, MPI_DOUBLE),
 * reduced with the predefined MPI_SUM. */
typedef struct { double a, gap, b; } dvec_t;
static MPI_Datatype dvec_type;

/* An affine map (a, b) stored as ints 0 and 3 of an element whose extent is
 * 2 ints: elements interleave, and the last one's data reaches 2 ints past
 * count * extent.  Reduced with a user operation that must receive this
 * type. */
static MPI_Datatype ilv_type;
static int ilv_wrong_type;

static void affine_compose_ilv(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    if (*dt != ilv_type)
        ilv_wrong_type++;
    for (int i = 0; i < *len; i++) {
        int *f = (int *)in + 2 * i, *g = (int *)inout + 2 * i;
        affine_t x = {f[0], f[3]}, y = {g[0], g[3]};
        int one = 1;
        affine_compose(&x, &y, &one, NULL);
        g[0] = y.a;
        g[3] = y.b;
    }
}

static MPI_Op op_affine_ilv;

static void make_types(void)
{
    MPI_Datatype v;
    OK(MPI_Type_vector(2, 1, 2, MPI_DOUBLE, &dvec_type));
    OK(MPI_Type_commit(&dvec_type));
    OK(MPI_Type_vector(2, 1, 3, MPI_INT, &v));
    OK(MPI_Type_create_resized(v, 0, 2 * (MPI_Aint)sizeof(int), &ilv_type));
    OK(MPI_Type_free(&v));
    OK(MPI_Type_commit(&ilv_type));
    OK(MPI_Op_create(affine_compose_ilv, 0, &op_affine_ilv));
}

static void free_types(void)
{
    OK(MPI_Type_free(&dvec_type));
    OK(MPI_Type_free(&ilv_type));
    OK(MPI_Op_free(&op_affine_ilv));
    if (ilv_wrong_type)
        FAIL("the user operation on a derived type received another type %d times",
             ilv_wrong_type);
}

/* ---- Reductions: the kinds of data and operations tested ------------------ */
enum { R_SUM_INT, R_MAX_DOUBLE, R_MINLOC, R_AFFINE, R_SUM_DVEC, R_AFFINE_ILV, R_NUM };

typedef struct { double v; int i; } dint_t;

/* Where an element's data lies: `npieces` runs of bytes at offsets from the
 * element's start, elements `stride` bytes apart.  Values are handled as
 * one element laid out alone (`value` bytes); only the pieces are data, so
 * padding and gaps are never compared. */
typedef struct {
    size_t stride, value;
    int npieces;
    size_t off[2], len[2];
} layout_t;

static layout_t layout_of(int kind)
{
    switch (kind) {
    case R_SUM_INT: return (layout_t){sizeof(int), sizeof(int), 1, {0}, {sizeof(int)}};
    case R_MAX_DOUBLE:
        return (layout_t){sizeof(double), sizeof(double), 1, {0}, {sizeof(double)}};
    case R_MINLOC:
        return (layout_t){sizeof(dint_t), sizeof(dint_t), 2, {0, sizeof(double)},
                          {sizeof(double), sizeof(int)}};
    case R_AFFINE: return (layout_t){sizeof(affine_t), sizeof(affine_t), 1, {0}, {sizeof(affine_t)}};
    case R_SUM_DVEC:
        return (layout_t){sizeof(dvec_t), sizeof(dvec_t), 2, {0, 2 * sizeof(double)},
                          {sizeof(double), sizeof(double)}};
    default:
        return (layout_t){2 * sizeof(int), 4 * sizeof(int), 2, {0, 3 * sizeof(int)},
                          {sizeof(int), sizeof(int)}};
    }
}

/* Bytes a buffer of n elements needs. */
static size_t buf_bytes(int kind, int n)
{
    layout_t l = layout_of(kind);
    return (size_t)n * l.stride + l.value;
}

/* Store / load element i of buf from / into a lone value. */
static void put(int kind, void *buf, int i, const void *value)
{
    layout_t l = layout_of(kind);
    for (int k = 0; k < l.npieces; k++)
        memcpy((char *)buf + (size_t)i * l.stride + l.off[k], (const char *)value + l.off[k],
               l.len[k]);
}

static void get(int kind, const void *buf, int i, void *value)
{
    layout_t l = layout_of(kind);
    memset(value, 0, l.value);
    for (int k = 0; k < l.npieces; k++)
        memcpy((char *)value + l.off[k], (const char *)buf + (size_t)i * l.stride + l.off[k],
               l.len[k]);
}

static MPI_Datatype type_of(int kind)
{
    switch (kind) {
    case R_SUM_INT: return MPI_INT;
    case R_MAX_DOUBLE: return MPI_DOUBLE;
    case R_MINLOC: return MPI_DOUBLE_INT;
    case R_AFFINE: return MPI_2INT;
    case R_SUM_DVEC: return dvec_type;
    default: return ilv_type;
    }
}

static MPI_Op op_of(int kind)
{
    switch (kind) {
    case R_SUM_INT: return MPI_SUM;
    case R_MAX_DOUBLE: return MPI_MAX;
    case R_MINLOC: return MPI_MINLOC;
    case R_AFFINE: return op_affine;
    case R_SUM_DVEC: return MPI_SUM;
    default: return op_affine_ilv;
    }
}

static const char *kind_name(int kind)
{
    static const char *names[] = {"SUM/INT", "MAX/DOUBLE", "MINLOC/DOUBLE_INT", "user affine",
                                  "SUM/vector of DOUBLE", "user affine/resized vector"};
    return names[kind];
}

/* Rank r's element i, as a lone value (zeroed padding and gaps). */
static void input(int kind, int r, int i, void *out)
{
    memset(out, 0, layout_of(kind).value);
    switch (kind) {
    case R_SUM_INT: *(int *)out = val(r, i); break;
    case R_MAX_DOUBLE: *(double *)out = val(r, i) * 0.25; break;
    case R_MINLOC: {
        dint_t d = {(double)((r * 7 + i) % 4), r};
        memcpy(out, &d.v, sizeof(d.v));
        memcpy((char *)out + sizeof(double), &d.i, sizeof(d.i));
        break;
    }
    case R_SUM_DVEC: {
        dvec_t d = {val(r, i) * 0.5, 0, val(r, i + 1)};
        memcpy(out, &d, sizeof(d));
        break;
    }
    case R_AFFINE_ILV: {
        affine_t f = affine_of(r, i);
        ((int *)out)[0] = f.a;
        ((int *)out)[3] = f.b;
        break;
    }
    default: *(affine_t *)out = affine_of(r, i);
    }
}

/* Rank r's first n elements; gaps between the data get a marker. */
static void fill(int kind, int r, int n, void *buf)
{
    char v[32];
    memset(buf, 0x5a, buf_bytes(kind, n));
    for (int i = 0; i < n; i++) {
        input(kind, r, i, v);
        put(kind, buf, i, v);
    }
}

/* The reduction of ranks first..last at element i, as a lone value. */
static void expect(int kind, int first, int last, int i, void *out)
{
    memset(out, 0, layout_of(kind).value);
    switch (kind) {
    case R_SUM_INT: {
        int s = 0;
        for (int r = first; r <= last; r++)
            s += val(r, i);
        *(int *)out = s;
        break;
    }
    case R_MAX_DOUBLE: {
        double m = val(first, i) * 0.25;
        for (int r = first; r <= last; r++)
            if (val(r, i) * 0.25 > m)
                m = val(r, i) * 0.25;
        *(double *)out = m;
        break;
    }
    case R_MINLOC: {
        char best[32], d[32];
        input(kind, first, i, best);
        for (int r = first + 1; r <= last; r++) {
            input(kind, r, i, d);
            if (*(double *)d < *(double *)best)
                memcpy(best, d, sizeof(best));
        }
        memcpy(out, best, sizeof(dint_t));
        break;
    }
    case R_SUM_DVEC: {
        /* Halves and integers: every order of the sum is exact. */
        dvec_t d = {0, 0, 0};
        for (int r = first; r <= last; r++) {
            d.a += val(r, i) * 0.5;
            d.b += val(r, i + 1);
        }
        memcpy(out, &d, sizeof(d));
        break;
    }
    case R_AFFINE_ILV: {
        affine_t f = affine_fold(first, last, i);
        ((int *)out)[0] = f.a;
        ((int *)out)[3] = f.b;
        break;
    }
    default: *(affine_t *)out = affine_fold(first, last, i);
    }
}

/* Compare element `slot` of buf with element i of the reduction of ranks
 * first..last. */
static int element_ok(int kind, const void *buf, int slot, int i, int first, int last)
{
    char e[32], got[32];
    expect(kind, first, last, i, e);
    get(kind, buf, slot, got);
    return memcmp(got, e, layout_of(kind).value) == 0;
}

/* Compare buf[0..n) with the reduction of ranks first..last. */
static void check_reduced(const char *what, int kind, int n, const void *buf, int first, int last)
{
    for (int i = 0; i < n; i++)
        if (!element_ok(kind, buf, i, i, first, last)) {
            FAIL("%s %s count %d: element %d wrong", what, kind_name(kind), n, i);
            return;
        }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        MPI_Abort(MPI_COMM_WORLD, 2);
    return p;
}

/* ---- Tests -------------------------------------------------------------------------- */

static void test_bcast(void)
{
    for (int c = 0; c < NCOUNTS; c++)
        for (int root = 0; root < size; root++) {
            int n = counts[c];
            dint_t *buf = xmalloc((size_t)n * sizeof(dint_t));
            for (int i = 0; i < n; i++) {
                buf[i].v = rank == root ? val(root, i) : -1;
                buf[i].i = rank == root ? i : -1;
            }
            OK(MPI_Bcast(buf, n, MPI_DOUBLE_INT, root, comm));
            for (int i = 0; i < n; i++)
                if (buf[i].v != val(root, i) || buf[i].i != i) {
                    FAIL("bcast root %d count %d: element %d wrong", root, n, i);
                    break;
                }
            free(buf);
        }
}

static void test_reduce(void)
{
    for (int kind = 0; kind < R_NUM; kind++)
        for (int c = 0; c < NCOUNTS; c++) {
            int n = counts[c];
            size_t bytes = buf_bytes(kind, n);
            void *in = xmalloc(bytes), *out = xmalloc(bytes);
            fill(kind, rank, n, in);
            int roots[] = {0, size - 1, size / 2};
            for (int k = 0; k < 3; k++) {
                int root = roots[k];
                memset(out, 0, bytes);
                OK(MPI_Reduce(in, out, n, type_of(kind), op_of(kind), root, comm));
                if (rank == root)
                    check_reduced("reduce", kind, n, out, 0, size - 1);
                /* In place at the root. */
                if (rank == root)
                    memcpy(out, in, bytes);
                OK(MPI_Reduce(rank == root ? MPI_IN_PLACE : in, out, n, type_of(kind),
                              op_of(kind), root, comm));
                if (rank == root)
                    check_reduced("reduce in place", kind, n, out, 0, size - 1);
            }
            memset(out, 0, bytes);
            OK(MPI_Allreduce(in, out, n, type_of(kind), op_of(kind), comm));
            check_reduced("allreduce", kind, n, out, 0, size - 1);
            memcpy(out, in, bytes);
            OK(MPI_Allreduce(MPI_IN_PLACE, out, n, type_of(kind), op_of(kind), comm));
            check_reduced("allreduce in place", kind, n, out, 0, size - 1);

            OK(MPI_Scan(in, out, n, type_of(kind), op_of(kind), comm));
            check_reduced("scan", kind, n, out, 0, rank);
            memcpy(out, in, bytes);
            OK(MPI_Scan(MPI_IN_PLACE, out, n, type_of(kind), op_of(kind), comm));
            check_reduced("scan in place", kind, n, out, 0, rank);
            OK(MPI_Exscan(in, out, n, type_of(kind), op_of(kind), comm));
            if (rank > 0)
                check_reduced("exscan", kind, n, out, 0, rank - 1);
            memcpy(out, in, bytes);
            OK(MPI_Exscan(MPI_IN_PLACE, out, n, type_of(kind), op_of(kind), comm));
            if (rank > 0)
                check_reduced("exscan in place", kind, n, out, 0, rank - 1);

            /* Reduce_scatter: rank r gets n + r elements of the reduction. */
            int *rcounts = xmalloc((size_t)size * sizeof(int));
            int total = 0;
            for (int r = 0; r < size; r++)
                total += rcounts[r] = (n + r) % 5 == 0 ? 0 : n + r;
            void *all = xmalloc(buf_bytes(kind, total));
            void *mine = xmalloc(buf_bytes(kind, n + size));
            fill(kind, rank, total, all);
            OK(MPI_Reduce_scatter(all, mine, rcounts, type_of(kind), op_of(kind), comm));
            int first = 0;
            for (int r = 0; r < rank; r++)
                first += rcounts[r];
            for (int i = 0; i < rcounts[rank]; i++) {
                if (!element_ok(kind, mine, i, first + i, 0, size - 1)) {
                    FAIL("reduce_scatter %s: element %d wrong", kind_name(kind), i);
                    break;
                }
            }
            OK(MPI_Reduce_scatter(MPI_IN_PLACE, all, rcounts, type_of(kind), op_of(kind),
                                  comm));
            for (int i = 0; i < rcounts[rank]; i++) {
                if (!element_ok(kind, all, i, first + i, 0, size - 1)) {
                    FAIL("reduce_scatter in place %s: element %d wrong", kind_name(kind), i);
                    break;
                }
            }
            free(all);
            all = xmalloc(buf_bytes(kind, n * size));
            fill(kind, rank, n * size, all);
            OK(MPI_Reduce_scatter_block(all, mine, n, type_of(kind), op_of(kind),
                                        comm));
            for (int i = 0; i < n; i++) {
                if (!element_ok(kind, mine, i, rank * n + i, 0, size - 1)) {
                    FAIL("reduce_scatter_block %s: element %d wrong", kind_name(kind), i);
                    break;
                }
            }
            OK(MPI_Reduce_scatter_block(MPI_IN_PLACE, all, n, type_of(kind), op_of(kind), comm));
            for (int i = 0; i < n; i++) {
                if (!element_ok(kind, all, i, rank * n + i, 0, size - 1)) {
                    FAIL("reduce_scatter_block in place %s: element %d wrong", kind_name(kind), i);
                    break;
                }
            }
            free(all);
            free(mine);
            free(rcounts);
            free(in);
            free(out);
        }
}

static void test_gather_scatter(void)
{
    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c];
        int *mine = xmalloc((size_t)n * sizeof(int));
        int *all = xmalloc((size_t)n * (size_t)size * sizeof(int));
        int *rc = xmalloc((size_t)size * sizeof(int)), *dsp = xmalloc((size_t)size * sizeof(int));
        int vtotal = 0;
        for (int r = 0; r < size; r++) {
            rc[r] = n ? (n + r) % (n + 1) : 0;
            dsp[r] = vtotal + 1;   /* a gap before every block */
            vtotal += rc[r] + 1;
        }
        int *vall = xmalloc((size_t)(vtotal + 1) * sizeof(int));
        for (int i = 0; i < n; i++)
            mine[i] = val(rank, i);
        for (int root = 0; root < size; root++) {
            /* Gather, and in place at the root. */
            for (int inplace = 0; inplace < 2; inplace++) {
                memset(all, 0, (size_t)n * (size_t)size * sizeof(int));
                if (inplace && rank == root)
                    memcpy(all + (size_t)root * (size_t)n, mine, (size_t)n * sizeof(int));
                OK(MPI_Gather(inplace && rank == root ? MPI_IN_PLACE : mine, n, MPI_INT, all, n,
                              MPI_INT, root, comm));
                if (rank == root)
                    for (int r = 0; r < size; r++)
                        for (int i = 0; i < n; i++)
                            if (all[(size_t)r * (size_t)n + (size_t)i] != val(r, i)) {
                                FAIL("gather%s root %d count %d: block %d[%d] wrong",
                                     inplace ? " in place" : "", root, n, r, i);
                                r = size;
                                break;
                            }
            }
            /* Scatter: the root's block r is val(r, .). */
            for (int r = 0; r < size && rank == root; r++)
                for (int i = 0; i < n; i++)
                    all[(size_t)r * (size_t)n + (size_t)i] = val(r, i) + 1;
            for (int inplace = 0; inplace < 2; inplace++) {
                int *got = inplace && rank == root ? all + (size_t)root * (size_t)n : mine;
                memset(mine, 0, (size_t)n * sizeof(int));
                OK(MPI_Scatter(all, n, MPI_INT, inplace && rank == root ? MPI_IN_PLACE : mine, n,
                               MPI_INT, root, comm));
                for (int i = 0; i < n; i++)
                    if (got[i] != val(rank, i) + 1) {
                        FAIL("scatter%s root %d count %d: element %d wrong",
                             inplace ? " in place" : "", root, n, i);
                        break;
                    }
            }
            /* Gatherv / Scatterv with uneven blocks and gaps. */
            for (int i = 0; i < n; i++)
                mine[i] = val(rank, i);
            memset(vall, 0, (size_t)(vtotal + 1) * sizeof(int));
            OK(MPI_Gatherv(mine, rc[rank], MPI_INT, vall, rc, dsp, MPI_INT, root,
                           comm));
            if (rank == root)
                for (int r = 0; r < size; r++)
                    for (int i = 0; i < rc[r]; i++)
                        if (vall[dsp[r] + i] != val(r, i)) {
                            FAIL("gatherv root %d: block %d[%d] wrong", root, r, i);
                            r = size;
                            break;
                        }
            memset(mine, 0, (size_t)n * sizeof(int));
            OK(MPI_Scatterv(vall, rc, dsp, MPI_INT, mine, rc[rank], MPI_INT, root,
                            comm));
            for (int i = 0; i < rc[rank]; i++)
                if (mine[i] != val(rank, i)) {
                    FAIL("scatterv root %d: element %d wrong", root, i);
                    break;
                }
            /* The same in place at the root: its block stays where it is. */
            for (int i = 0; i < n; i++)
                mine[i] = val(rank, i);
            memset(vall, 0, (size_t)(vtotal + 1) * sizeof(int));
            if (rank == root)
                memcpy(vall + dsp[root], mine, (size_t)rc[root] * sizeof(int));
            OK(MPI_Gatherv(rank == root ? MPI_IN_PLACE : mine, rc[rank], MPI_INT, vall, rc, dsp,
                           MPI_INT, root, comm));
            if (rank == root)
                for (int r = 0; r < size; r++)
                    for (int i = 0; i < rc[r]; i++)
                        if (vall[dsp[r] + i] != val(r, i)) {
                            FAIL("gatherv in place root %d: block %d[%d] wrong", root, r, i);
                            r = size;
                            break;
                        }
            memset(mine, 0, (size_t)n * sizeof(int));
            OK(MPI_Scatterv(vall, rc, dsp, MPI_INT, rank == root ? MPI_IN_PLACE : mine, rc[rank],
                            MPI_INT, root, comm));
            const int *sv = rank == root ? vall + dsp[root] : mine;
            for (int i = 0; i < rc[rank]; i++)
                if (sv[i] != val(rank, i)) {
                    FAIL("scatterv in place root %d: element %d wrong", root, i);
                    break;
                }
            for (int i = 0; i < n; i++)
                mine[i] = val(rank, i);
        }
        /* Allgather, in place, and allgatherv. */
        for (int inplace = 0; inplace < 2; inplace++) {
            memset(all, 0, (size_t)n * (size_t)size * sizeof(int));
            if (inplace)
                memcpy(all + (size_t)rank * (size_t)n, mine, (size_t)n * sizeof(int));
            OK(MPI_Allgather(inplace ? MPI_IN_PLACE : mine, n, MPI_INT, all, n, MPI_INT,
                             comm));
            for (int r = 0; r < size; r++)
                for (int i = 0; i < n; i++)
                    if (all[(size_t)r * (size_t)n + (size_t)i] != val(r, i)) {
                        FAIL("allgather%s count %d: block %d[%d] wrong",
                             inplace ? " in place" : "", n, r, i);
                        r = size;
                        break;
                    }
        }
        memset(vall, 0, (size_t)(vtotal + 1) * sizeof(int));
        OK(MPI_Allgatherv(mine, rc[rank], MPI_INT, vall, rc, dsp, MPI_INT, comm));
        for (int r = 0; r < size; r++)
            for (int i = 0; i < rc[r]; i++)
                if (vall[dsp[r] + i] != val(r, i)) {
                    FAIL("allgatherv: block %d[%d] wrong", r, i);
                    r = size;
                    break;
                }
        memset(vall, 0, (size_t)(vtotal + 1) * sizeof(int));
        memcpy(vall + dsp[rank], mine, (size_t)rc[rank] * sizeof(int));
        OK(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, vall, rc, dsp, MPI_INT, comm));
        for (int r = 0; r < size; r++)
            for (int i = 0; i < rc[r]; i++)
                if (vall[dsp[r] + i] != val(r, i)) {
                    FAIL("allgatherv in place: block %d[%d] wrong", r, i);
                    r = size;
                    break;
                }
        free(vall);
        free(rc);
        free(dsp);
        free(mine);
        free(all);
    }
}

/* Alltoall data: what rank `from` sends to rank `to`, element i. */
static int a2a(int from, int to, int i) { return from * 10000 + to * 100 + i % 100; }

/* MPI_Alltoall of n ints per pair, into a separate buffer and in place. */
static void check_alltoall(int n)
{
    size_t total = (size_t)n * (size_t)size;
    int *sb = xmalloc(total * sizeof(int)), *rb = xmalloc(total * sizeof(int));
    for (int inplace = 0; inplace < 2; inplace++) {
        for (int to = 0; to < size; to++)
            for (int i = 0; i < n; i++)
                (inplace ? rb : sb)[(size_t)to * (size_t)n + (size_t)i] = a2a(rank, to, i);
        if (!inplace)
            memset(rb, 0, total * sizeof(int));
        OK(MPI_Alltoall(inplace ? MPI_IN_PLACE : sb, n, MPI_INT, rb, n, MPI_INT, comm));
        for (int from = 0; from < size; from++)
            for (int i = 0; i < n; i++)
                if (rb[(size_t)from * (size_t)n + (size_t)i] != a2a(from, rank, i)) {
                    FAIL("alltoall%s count %d: block %d[%d] wrong", inplace ? " in place" : "",
                         n, from, i);
                    from = size;
                    break;
                }
    }
    free(sb);
    free(rb);
}

static void test_alltoall(void)
{
    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c] > 1000 ? 300 : counts[c];
        check_alltoall(n);
        /* And the large count itself, and a larger one: 300 ints (1200 B
         * per pair), 2500 (10000 B) and 17000 (68000 B) fall on each side
         * of where the shared buffer stops taking alltoall (1 KiB per pair;
         * 64 KiB on an oversubscribed node; forced, while a rank's p blocks
         * fit its slot, 512 KiB up to 8 ranks and 4 MiB shared by more,
         * which 68000 B do not from 8 ranks on). */
        if (n != counts[c]) {
            check_alltoall(counts[c]);
            check_alltoall(17000);
        }
        size_t total = (size_t)n * (size_t)size;
        int *sb = xmalloc(total * sizeof(int)), *rb = xmalloc(total * sizeof(int));
        /* Alltoallv: rank r sends (r + to) % (n + 1) elements to `to`, blocks reversed. */
        int *scnt = xmalloc((size_t)size * sizeof(int)), *sdsp = xmalloc((size_t)size * sizeof(int));
        int *rcnt = xmalloc((size_t)size * sizeof(int)), *rdsp = xmalloc((size_t)size * sizeof(int));
        int soff = 0, roff = 0;
        for (int p = size - 1; p >= 0; p--) {
            scnt[p] = (rank + p) % (n + 1);
            sdsp[p] = soff;
            soff += scnt[p];
        }
        for (int p = 0; p < size; p++) {
            rcnt[p] = (p + rank) % (n + 1);
            rdsp[p] = roff;
            roff += rcnt[p];
        }
        int *vs = xmalloc((size_t)soff * sizeof(int)), *vr = xmalloc((size_t)roff * sizeof(int));
        for (int p = 0; p < size; p++)
            for (int i = 0; i < scnt[p]; i++)
                vs[sdsp[p] + i] = a2a(rank, p, i);
        memset(vr, 0, (size_t)roff * sizeof(int));
        OK(MPI_Alltoallv(vs, scnt, sdsp, MPI_INT, vr, rcnt, rdsp, MPI_INT, comm));
        for (int p = 0; p < size; p++)
            for (int i = 0; i < rcnt[p]; i++)
                if (vr[rdsp[p] + i] != a2a(p, rank, i)) {
                    FAIL("alltoallv count %d: block %d[%d] wrong", n, p, i);
                    p = size;
                    break;
                }
        /* In place: the counts are symmetric, so what goes to p lies where
         * p's data arrives. */
        for (int p = 0; p < size; p++)
            for (int i = 0; i < rcnt[p]; i++)
                vr[rdsp[p] + i] = a2a(rank, p, i);
        OK(MPI_Alltoallv(MPI_IN_PLACE, NULL, NULL, MPI_DATATYPE_NULL, vr, rcnt, rdsp, MPI_INT,
                         comm));
        for (int p = 0; p < size; p++)
            for (int i = 0; i < rcnt[p]; i++)
                if (vr[rdsp[p] + i] != a2a(p, rank, i)) {
                    FAIL("alltoallv in place count %d: block %d[%d] wrong", n, p, i);
                    p = size;
                    break;
                }
        /* Alltoallw with byte displacements, same layout. */
        MPI_Datatype *types = xmalloc((size_t)size * sizeof(MPI_Datatype));
        int *sbd = xmalloc((size_t)size * sizeof(int)), *rbd = xmalloc((size_t)size * sizeof(int));
        for (int p = 0; p < size; p++) {
            types[p] = MPI_INT;
            sbd[p] = sdsp[p] * (int)sizeof(int);
            rbd[p] = rdsp[p] * (int)sizeof(int);
        }
        memset(vr, 0, (size_t)roff * sizeof(int));
        OK(MPI_Alltoallw(vs, scnt, sbd, types, vr, rcnt, rbd, types, comm));
        for (int p = 0; p < size; p++)
            for (int i = 0; i < rcnt[p]; i++)
                if (vr[rdsp[p] + i] != a2a(p, rank, i)) {
                    FAIL("alltoallw count %d: block %d[%d] wrong", n, p, i);
                    p = size;
                    break;
                }
        free(types);
        free(sbd);
        free(rbd);
        free(vs);
        free(vr);
        free(scnt);
        free(sdsp);
        free(rcnt);
        free(rdsp);
        free(sb);
        free(rb);
    }
}

/* Several nonblocking collectives in flight at once, completed together. */
static void test_nonblocking(void)
{
    enum { N = 700 };
    int root = size - 1;
    MPI_Request reqs[8];
    int *bc = xmalloc(N * sizeof(int)), *red = xmalloc(N * sizeof(int));
    int *ar = xmalloc(N * sizeof(int)), *in = xmalloc(N * sizeof(int));
    int *gat = xmalloc((size_t)size * 3 * sizeof(int)), *sca = xmalloc(3 * sizeof(int));
    int *ag = xmalloc((size_t)size * 3 * sizeof(int)), *a2s = xmalloc((size_t)size * sizeof(int));
    int *a2r = xmalloc((size_t)size * sizeof(int)), *scs = xmalloc((size_t)size * 3 * sizeof(int));
    for (int i = 0; i < N; i++) {
        in[i] = val(rank, i);
        bc[i] = rank == root ? val(root, i) : 0;
    }
    for (int i = 0; i < size * 3; i++)
        scs[i] = val(i / 3, i % 3);
    for (int p = 0; p < size; p++)
        a2s[p] = a2a(rank, p, 0);
    int mine3[3] = {val(rank, 0), val(rank, 1), val(rank, 2)};
    OK(MPI_Ibarrier(comm, &reqs[0]));
    OK(MPI_Ibcast(bc, N, MPI_INT, root, comm, &reqs[1]));
    OK(MPI_Ireduce(in, red, N, MPI_INT, MPI_SUM, 0, comm, &reqs[2]));
    OK(MPI_Iallreduce(in, ar, N, MPI_INT, MPI_SUM, comm, &reqs[3]));
    OK(MPI_Igather(mine3, 3, MPI_INT, gat, 3, MPI_INT, root, comm, &reqs[4]));
    OK(MPI_Iscatter(scs, 3, MPI_INT, sca, 3, MPI_INT, 0, comm, &reqs[5]));
    OK(MPI_Iallgather(mine3, 3, MPI_INT, ag, 3, MPI_INT, comm, &reqs[6]));
    OK(MPI_Ialltoall(a2s, 1, MPI_INT, a2r, 1, MPI_INT, comm, &reqs[7]));
    /* Test until done, then Waitall: both complete collectives. */
    int flag = 0;
    OK(MPI_Test(&reqs[0], &flag, MPI_STATUS_IGNORE));
    MPI_Status statuses[8];
    OK(MPI_Waitall(8, reqs, statuses));
    for (int k = 0; k < 8; k++)
        if (reqs[k] != MPI_REQUEST_NULL)
            FAIL("request %d not freed by MPI_Waitall", k);
    for (int i = 0; i < N; i++) {
        int sum = 0;
        for (int r = 0; r < size; r++)
            sum += val(r, i);
        if (bc[i] != val(root, i) || ar[i] != sum || (rank == 0 && red[i] != sum)) {
            FAIL("ibcast/ireduce/iallreduce: element %d wrong", i);
            break;
        }
    }
    for (int r = 0; r < size; r++)
        for (int i = 0; i < 3; i++)
            if (ag[r * 3 + i] != val(r, i) || (rank == root && gat[r * 3 + i] != val(r, i))) {
                FAIL("iallgather/igather: block %d[%d] wrong", r, i);
                r = size;
                break;
            }
    for (int i = 0; i < 3; i++)
        if (sca[i] != val(rank, i))
            FAIL("iscatter: element %d wrong", i);
    for (int p = 0; p < size; p++)
        if (a2r[p] != a2a(p, rank, 0))
            FAIL("ialltoall: block %d wrong", p);
    free(bc); free(red); free(ar); free(in); free(gat); free(sca);
    free(ag); free(a2s); free(a2r); free(scs);
}

/* Blocking collectives while nonblocking ones on the same communicator are
 * still pending: a blocking call that runs without a schedule (the shared
 * buffer's direct form, binomial bcast) waits its turn behind them and
 * drives their progress meanwhile (without that, this hangs). */
static void test_blocking_behind_pending(void)
{
    int n = size, x = rank + 1, early = 0, late = 0, b = rank == 0 ? 42 : 0;
    MPI_Request reqs[2];
    OK(MPI_Iallreduce(&x, &early, 1, MPI_INT, MPI_SUM, comm, &reqs[0]));
    OK(MPI_Ibarrier(comm, &reqs[1]));
    OK(MPI_Allreduce(&x, &late, 1, MPI_INT, MPI_SUM, comm));
    OK(MPI_Bcast(&b, 1, MPI_INT, 0, comm));
    OK(MPI_Barrier(comm));
    OK(MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
    if (early != n * (n + 1) / 2 || late != n * (n + 1) / 2 || b != 42)
        FAIL("blocking behind pending: allreduce %d and %d, bcast %d (expected %d, %d, 42)",
             early, late, b, n * (n + 1) / 2, n * (n + 1) / 2);
}

/* Wrong arguments return the standard's error classes (every rank makes
 * the same mistake, so nobody waits for a collective that never starts). */
static void test_errors(void)
{
    int x = 1, y = 0, cls;
    /* Calls without a communicator report to MPI_COMM_WORLD's handler. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
#define EXPECT(call, want)                                                     \
    do {                                                                       \
        int err_ = (call);                                                     \
        MPI_Error_class(err_, &cls);                                           \
        if (cls != (want))                                                     \
            FAIL("%s gave class %d, expected %s", #call, cls, #want);          \
    } while (0)
    EXPECT(MPI_Bcast(&x, 1, MPI_INT, size, comm), MPI_ERR_ROOT);
    EXPECT(MPI_Reduce(&x, &y, 1, MPI_INT, MPI_SUM, -1, comm), MPI_ERR_ROOT);
    EXPECT(MPI_Allreduce(&x, &y, 1, MPI_CHAR, MPI_SUM, comm), MPI_ERR_OP);
    EXPECT(MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_MINLOC, comm), MPI_ERR_OP);
    EXPECT(MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_BAND, comm), MPI_ERR_OP);
    /* A derived type takes the operations of its one basic type only. */
    dvec_t dx = {1, 2, 3}, dy;
    EXPECT(MPI_Allreduce(&dx, &dy, 1, dvec_type, MPI_BAND, comm), MPI_ERR_OP);
    EXPECT(MPI_Reduce_local(&dx, &dy, 1, dvec_type, MPI_LAND), MPI_ERR_OP);
    MPI_Datatype mixed;
    int blens[2] = {1, 1};
    MPI_Aint displs[2] = {0, sizeof(double)};
    MPI_Datatype parts[2] = {MPI_DOUBLE, MPI_INT};
    OK(MPI_Type_create_struct(2, blens, displs, parts, &mixed));
    OK(MPI_Type_commit(&mixed));
    EXPECT(MPI_Allreduce(&dx, &dy, 1, mixed, MPI_SUM, comm), MPI_ERR_OP);
    OK(MPI_Type_free(&mixed));
    EXPECT(MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_REPLACE, comm), MPI_ERR_OP);
    EXPECT(MPI_Allreduce(&x, &y, 1, MPI_INT, (MPI_Op)0x12345, comm), MPI_ERR_OP);
    EXPECT(MPI_Allreduce(&x, &y, -1, MPI_INT, MPI_SUM, comm), MPI_ERR_COUNT);
    EXPECT(MPI_Allreduce(&x, MPI_IN_PLACE, 1, MPI_INT, MPI_SUM, comm), MPI_ERR_BUFFER);
    EXPECT(MPI_Barrier(MPI_COMM_NULL), MPI_ERR_COMM);
    EXPECT(MPI_Ibarrier(comm, NULL), MPI_ERR_ARG);
    MPI_Op op = MPI_SUM;
    EXPECT(MPI_Op_free(&op), MPI_ERR_OP);
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    /* The communicator still works after the refused calls. */
    OK(MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_SUM, comm));
    if (y != size)
        FAIL("allreduce after errors gave %d", y);
}

/* Floating-point sums whose rounding depends on the order: every run, and
 * every rank, must get the same bits (the reduction order is fixed). */
static void test_reproducible(void)
{
    enum { N = 3000 };
    double *in = xmalloc(N * sizeof(double)), *first = xmalloc(N * sizeof(double));
    double *again = xmalloc(N * sizeof(double));
    double *all = xmalloc((size_t)size * N * sizeof(double));
    for (int i = 0; i < N; i++)
        in[i] = 1.0 / (rank + 3) + 1e-9 * i * (rank % 3 == 0 ? -1 : 1) + (i % 7) * 1e7;
    OK(MPI_Allreduce(in, first, N, MPI_DOUBLE, MPI_SUM, comm));
    for (int k = 0; k < 3; k++) {
        OK(MPI_Allreduce(in, again, N, MPI_DOUBLE, MPI_SUM, comm));
        if (memcmp(first, again, N * sizeof(double)) != 0)
            FAIL("allreduce of doubles differs between runs");
    }
    OK(MPI_Allgather(first, N, MPI_DOUBLE, all, N, MPI_DOUBLE, comm));
    for (int r = 0; r < size; r++)
        if (memcmp(all + (size_t)r * N, first, N * sizeof(double)) != 0)
            FAIL("allreduce of doubles on rank %d differs from mine", r);
    /* A nonblocking one completed by MPI_Test polling gives the same bits. */
    MPI_Request req;
    int flag = 0;
    OK(MPI_Iallreduce(in, again, N, MPI_DOUBLE, MPI_SUM, comm, &req));
    while (!flag)
        OK(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
    if (req != MPI_REQUEST_NULL || memcmp(first, again, N * sizeof(double)) != 0)
        FAIL("MPI_Iallreduce completed by MPI_Test differs from MPI_Allreduce");
    free(in);
    free(first);
    free(again);
    free(all);
}

static void test_ops(void)
{
    int commute = -1;
    OK(MPI_Op_commutative(op_affine, &commute));
    if (commute != 0)
        FAIL("user op reported commutative");
    OK(MPI_Op_commutative(MPI_SUM, &commute));
    if (commute != 1)
        FAIL("MPI_SUM reported non-commutative");
    affine_t f = affine_of(0, 0), g = affine_of(1, 0), want = affine_fold(0, 1, 0);
    OK(MPI_Reduce_local(&f, &g, 1, MPI_2INT, op_affine));
    if (memcmp(&g, &want, sizeof(g)) != 0)
        FAIL("MPI_Reduce_local with the user op is wrong");
    /* A predefined operation on a derived type touches its data only. */
    dvec_t x = {1, 7, 3}, y = {10, 8, 20};
    OK(MPI_Reduce_local(&x, &y, 1, dvec_type, MPI_SUM));
    if (y.a != 11 || y.gap != 8 || y.b != 23)
        FAIL("MPI_Reduce_local SUM on a vector of doubles gave %g %g %g", y.a, y.gap, y.b);
    /* A duplicate of a pair type is still a pair type for MPI_MINLOC. */
    MPI_Datatype pair;
    int in2[2] = {3, 1}, io2[2] = {5, 0};
    OK(MPI_Type_dup(MPI_2INT, &pair));
    OK(MPI_Reduce_local(in2, io2, 1, pair, MPI_MINLOC));
    if (io2[0] != 3 || io2[1] != 1)
        FAIL("MPI_Reduce_local MINLOC on a duplicate of MPI_2INT gave %d %d", io2[0], io2[1]);
    OK(MPI_Type_free(&pair));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const char *only = "all";
    int split = 0;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "split"))
            split = 1;
        else
            only = argv[k];
    }
    comm = MPI_COMM_WORLD;
    if (split) {
        /* Odd and even world ranks, ordered by a key unrelated to the world
         * rank (ties go to the world order). */
        int wrank;
        MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
        OK(MPI_Comm_split(MPI_COMM_WORLD, wrank % 2, (wrank * 5 + 3) % 7, &comm));
    }
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    OK(MPI_Op_create(affine_compose, 0, &op_affine));
    make_types();
    OK(MPI_Barrier(comm));
    if (!strcmp(only, "all") || !strcmp(only, "bcast"))
        test_bcast();
    if (!strcmp(only, "all") || !strcmp(only, "reduce"))
        test_reduce();
    if (!strcmp(only, "all") || !strcmp(only, "gather"))
        test_gather_scatter();
    if (!strcmp(only, "all") || !strcmp(only, "alltoall"))
        test_alltoall();
    if (!strcmp(only, "all") || !strcmp(only, "nonblocking")) {
        test_nonblocking();
        test_blocking_behind_pending();
    }
    if (!strcmp(only, "all")) {
        test_reproducible();
        test_ops();
        test_errors();
    }
    free_types();
    OK(MPI_Op_free(&op_affine));
    if (op_affine != MPI_OP_NULL)
        FAIL("MPI_Op_free did not reset the handle");
    OK(MPI_Barrier(comm));
    if (split)
        OK(MPI_Comm_free(&comm));
    MPI_Finalize();
    return failures != 0;
}

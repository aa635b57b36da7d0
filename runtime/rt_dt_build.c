/*
 * rt_dt_build.c -- building derived datatypes: every constructor places
 * copies of existing types at displacements, and a builder turns those
 * placements, in typemap order, into the compact run list of rt.h.
 *
 * Coalescing happens in two steps.  Byte ranges that touch are merged into
 * one pending block first (a contiguous type of a contiguous type is one
 * block); a finished block then joins the previous run when it has the
 * same length and continues its stride (a vector's column becomes one run
 * however many rows it has).  Packing then costs one memcpy per block and
 * no per-element decisions.
 */
#include "rt_dt.h"

#include <stdlib.h>
#include <string.h>

typedef struct dt_builder {
    rt_dt_block_t *runs;
    size_t num_runs, cap;
    MPI_Aint pend_offset;          /* the block being extended */
    size_t pend_len;               /* 0: none */
    int have_bounds;
    MPI_Aint lb, ub, true_lb, true_ub;
    size_t size, num_basic, align;
    MPI_Datatype basic;
    int basic_mixed;
    int explicit_bounds;
    int failed;                    /* out of memory */
} dt_builder_t;

static void builder_push_run(dt_builder_t *b, MPI_Aint offset, size_t len)
{
    if (b->num_runs > 0) {
        rt_dt_block_t *last = &b->runs[b->num_runs - 1];
        if (last->len == len) {
            if (last->count == 1) {
                last->stride = offset - last->offset;
                last->count = 2;
                return;
            }
            if (offset == last->offset + (MPI_Aint)last->count * last->stride) {
                last->count++;
                return;
            }
        }
    }
    if (b->num_runs == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        rt_dt_block_t *r = realloc(b->runs, cap * sizeof(*r));
        if (r == NULL) {
            b->failed = 1;
            return;
        }
        b->runs = r;
        b->cap = cap;
    }
    b->runs[b->num_runs++] = (rt_dt_block_t){offset, len, 1, 0};
}

static void builder_flush(dt_builder_t *b)
{
    if (b->pend_len > 0)
        builder_push_run(b, b->pend_offset, b->pend_len);
    b->pend_len = 0;
}

static void builder_add_bytes(dt_builder_t *b, MPI_Aint offset, size_t len)
{
    if (len == 0)
        return;
    if (b->pend_len > 0 && b->pend_offset + (MPI_Aint)b->pend_len == offset) {
        b->pend_len += len;
        return;
    }
    builder_flush(b);
    b->pend_offset = offset;
    b->pend_len = len;
}

static void builder_bound(dt_builder_t *b, const rt_datatype_t *old, MPI_Aint disp)
{
    MPI_Aint lb = disp + old->lb, ub = lb + old->extent;
    MPI_Aint tlb = disp + old->true_lb, tub = tlb + old->true_extent;
    if (!b->have_bounds) {
        b->lb = lb;
        b->ub = ub;
        b->true_lb = tlb;
        b->true_ub = tub;
        b->have_bounds = 1;
        return;
    }
    if (lb < b->lb) b->lb = lb;
    if (ub > b->ub) b->ub = ub;
    if (tlb < b->true_lb) b->true_lb = tlb;
    if (tub > b->true_ub) b->true_ub = tub;
}

/* Place `reps` copies of `old`, the first at `disp`, each next `stride`
 * bytes further. */
static void builder_place(dt_builder_t *b, const rt_datatype_t *old, MPI_Aint disp, size_t reps,
                          MPI_Aint stride)
{
    if (reps == 0)
        return;
    builder_bound(b, old, disp);
    builder_bound(b, old, disp + (MPI_Aint)(reps - 1) * stride);
    b->size += reps * old->size;
    b->num_basic += reps * old->num_basic;
    if (old->align > b->align)
        b->align = old->align;
    if (old->explicit_bounds)
        b->explicit_bounds = 1;
    if (old->basic == 0 || (b->basic != 0 && b->basic != old->basic))
        b->basic_mixed = 1;
    else
        b->basic = old->basic;

    if (old->contiguous) {
        if (stride == old->extent) {
            builder_add_bytes(b, disp + old->lb, reps * old->size);
            return;
        }
        for (size_t r = 0; r < reps; r++)
            builder_add_bytes(b, disp + (MPI_Aint)r * stride + old->lb, old->size);
        return;
    }
    for (size_t r = 0; r < reps; r++) {
        MPI_Aint d = disp + (MPI_Aint)r * stride;
        for (int i = 0; i < old->num_blocks; i++) {
            const rt_dt_block_t *blk = &old->blocks[i];
            for (size_t k = 0; k < blk->count; k++)
                builder_add_bytes(b, d + blk->offset + (MPI_Aint)k * blk->stride, blk->len);
        }
    }
}

static int builder_finish(dt_builder_t *b, rt_datatype_t **out)
{
    builder_flush(b);
    rt_datatype_t *dt = calloc(1, sizeof(*dt));
    if (b->failed || dt == NULL) {
        free(b->runs);
        free(dt);
        return MPI_ERR_NO_MEM;
    }
    dt->derived = 1;
    dt->size = b->size;
    dt->num_basic = b->num_basic;
    dt->align = b->align ? b->align : 1;
    dt->explicit_bounds = b->explicit_bounds;
    dt->basic = b->basic_mixed ? 0 : b->basic;
    if (b->have_bounds) {
        dt->lb = b->lb;
        dt->extent = b->ub - b->lb;
        dt->true_lb = b->true_lb;
        dt->true_extent = b->true_ub - b->true_lb;
    }
    dt->blocks = b->runs;
    dt->num_blocks = (int)b->num_runs;
    *out = dt;
    return MPI_SUCCESS;
}

/* Whether the memcpy path applies: the data is one block starting at lb,
 * and consecutive elements follow each other without gaps. */
static void set_contiguous(rt_datatype_t *dt)
{
    dt->contiguous = dt->size == 0 ||
                     (dt->num_blocks == 1 && dt->blocks[0].count == 1 &&
                      dt->blocks[0].len == dt->size && dt->blocks[0].offset == dt->lb &&
                      (MPI_Aint)dt->size == dt->extent);
}

int rt_dt_build_hvector(int count, int blocklen, MPI_Aint stride, const rt_datatype_t *old,
                        rt_datatype_t **out)
{
    dt_builder_t b = {0};
    for (int i = 0; i < count; i++)
        builder_place(&b, old, (MPI_Aint)i * stride, (size_t)blocklen, old->extent);
    int err = builder_finish(&b, out);
    if (err == MPI_SUCCESS)
        set_contiguous(*out);
    return err;
}

int rt_dt_build_struct(int count, const int *blocklens, const MPI_Aint *displs,
                       const rt_datatype_t *const *types, int pad_extent, rt_datatype_t **out)
{
    dt_builder_t b = {0};
    for (int i = 0; i < count; i++)
        builder_place(&b, types[i], displs[i], (size_t)blocklens[i], types[i]->extent);
    int err = builder_finish(&b, out);
    if (err != MPI_SUCCESS)
        return err;
    rt_datatype_t *dt = *out;
    /* As a C compiler pads a struct so that arrays of it stay aligned. */
    if (pad_extent && !dt->explicit_bounds && dt->align > 1) {
        MPI_Aint a = (MPI_Aint)dt->align;
        dt->extent = (dt->extent + a - 1) / a * a;
    }
    set_contiguous(dt);
    return MPI_SUCCESS;
}

static rt_dt_block_t *copy_blocks(const rt_datatype_t *old)
{
    size_t n = old->num_blocks > 0 ? (size_t)old->num_blocks : 1;
    rt_dt_block_t *blocks = malloc(n * sizeof(*blocks));
    if (blocks != NULL && old->num_blocks > 0)
        memcpy(blocks, old->blocks, (size_t)old->num_blocks * sizeof(*blocks));
    return blocks;
}

int rt_dt_build_dup(const rt_datatype_t *old, rt_datatype_t **out)
{
    rt_datatype_t *dt = malloc(sizeof(*dt));
    rt_dt_block_t *blocks = copy_blocks(old);
    if (dt == NULL || blocks == NULL) {
        free(dt);
        free(blocks);
        return MPI_ERR_NO_MEM;
    }
    *dt = *old;
    dt->name = NULL;
    dt->user_name[0] = '\0';
    dt->blocks = blocks;
    dt->derived = 1;
    dt->refcount = 0;
    memset(&dt->contents, 0, sizeof(dt->contents));
    *out = dt;
    return MPI_SUCCESS;
}

int rt_dt_build_resized(const rt_datatype_t *old, MPI_Aint lb, MPI_Aint extent,
                        rt_datatype_t **out)
{
    int err = rt_dt_build_dup(old, out);
    if (err != MPI_SUCCESS)
        return err;
    rt_datatype_t *dt = *out;
    dt->committed = 0;
    dt->lb = lb;
    dt->extent = extent;
    dt->explicit_bounds = 1;
    set_contiguous(dt);
    return MPI_SUCCESS;
}

/* Place the subarray's dimension `dim` (0 is the slowest-varying) and the
 * ones inside it, starting at byte `base` of the full array. */
static void subarray_place(dt_builder_t *b, int ndims, const int *sizes, const int *subsizes,
                           const int *starts, const MPI_Aint *dim_stride, int dim, MPI_Aint base,
                           const rt_datatype_t *old)
{
    if (dim == ndims - 1) {
        builder_place(b, old, base + (MPI_Aint)starts[dim] * old->extent, (size_t)subsizes[dim],
                      old->extent);
        return;
    }
    for (int i = 0; i < subsizes[dim]; i++)
        subarray_place(b, ndims, sizes, subsizes, starts, dim_stride, dim + 1,
                       base + (MPI_Aint)(starts[dim] + i) * dim_stride[dim], old);
}

int rt_dt_build_subarray(int ndims, const int *sizes, const int *subsizes, const int *starts,
                         int order, const rt_datatype_t *old, rt_datatype_t **out)
{
    /* Work in C order: Fortran order is the same with the dimensions reversed. */
    int *s = malloc(3 * (size_t)ndims * sizeof(int));
    MPI_Aint *stride = malloc((size_t)ndims * sizeof(MPI_Aint));
    if (s == NULL || stride == NULL) {
        free(s);
        free(stride);
        return MPI_ERR_NO_MEM;
    }
    int *sz = s, *sub = s + ndims, *st = s + 2 * ndims;
    for (int i = 0; i < ndims; i++) {
        int j = order == MPI_ORDER_C ? i : ndims - 1 - i;
        sz[i] = sizes[j];
        sub[i] = subsizes[j];
        st[i] = starts[j];
    }
    MPI_Aint full = old->extent;
    for (int i = ndims - 1; i >= 0; i--) {
        stride[i] = full;
        full *= sz[i];
    }
    dt_builder_t b = {0};
    int empty = 0;
    for (int i = 0; i < ndims; i++)
        empty |= sub[i] == 0;
    if (!empty)
        subarray_place(&b, ndims, sz, sub, st, stride, 0, 0, old);
    free(s);
    free(stride);
    int err = builder_finish(&b, out);
    if (err != MPI_SUCCESS)
        return err;
    /* The type spans the whole array, so consecutive elements tile it. */
    rt_datatype_t *dt = *out;
    dt->lb = 0;
    dt->extent = full;
    dt->explicit_bounds = 1;
    set_contiguous(dt);
    return MPI_SUCCESS;
}

int rt_dt_set_contents(rt_datatype_t *dt, int combiner, int num_ints, const int *ints,
                       int num_aints, const MPI_Aint *aints, int num_types,
                       const MPI_Datatype *types)
{
    rt_dt_contents_t *c = &dt->contents;
    c->combiner = combiner;
    c->ints = malloc((size_t)(num_ints > 0 ? num_ints : 1) * sizeof(int));
    c->aints = malloc((size_t)(num_aints > 0 ? num_aints : 1) * sizeof(MPI_Aint));
    c->types = malloc((size_t)(num_types > 0 ? num_types : 1) * sizeof(MPI_Datatype));
    c->type_objs = malloc((size_t)(num_types > 0 ? num_types : 1) * sizeof(rt_datatype_t *));
    if (c->ints == NULL || c->aints == NULL || c->types == NULL || c->type_objs == NULL)
        return MPI_ERR_NO_MEM;
    c->num_ints = num_ints;
    c->num_aints = num_aints;
    if (num_ints > 0)
        memcpy(c->ints, ints, (size_t)num_ints * sizeof(int));
    if (num_aints > 0)
        memcpy(c->aints, aints, (size_t)num_aints * sizeof(MPI_Aint));
    for (int i = 0; i < num_types; i++) {
        c->types[i] = types[i];
        c->type_objs[i] = rt_datatype_get(types[i]);
        rt_datatype_retain(c->type_objs[i]);
        c->num_types = i + 1;
    }
    return MPI_SUCCESS;
}

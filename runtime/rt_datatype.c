/*
 * rt_datatype.c -- the predefined datatypes and packing (see rt.h).
 *
 * Derived types are built in rt_dt_build.c and registered here.
 *
 * Each type is a list of byte blocks per element.  Basic types are one block
 * covering the whole element; the pair types used by MINLOC/MAXLOC are two
 * blocks with the C struct's padding between them, so what travels is the
 * data alone (MPI_Type_size), while the stride in memory is the struct's
 * size (the extent).
 */
#include "rt.h"
#include "rt_dt.h"

#include <complex.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#define PAIR_BLOCKS(S, A, B) \
    {{offsetof(S, A), sizeof(((S *)0)->A), 1, 0}, {offsetof(S, B), sizeof(((S *)0)->B), 1, 0}}

typedef struct { float v; int i; } rt_float_int_t;
typedef struct { double v; int i; } rt_double_int_t;
typedef struct { long v; int i; } rt_long_int_t;
typedef struct { int v; int i; } rt_2int_t;
typedef struct { short v; int i; } rt_short_int_t;
typedef struct { long double v; int i; } rt_long_double_int_t;

static const rt_dt_block_t blocks_float_int[] = PAIR_BLOCKS(rt_float_int_t, v, i);
static const rt_dt_block_t blocks_double_int[] = PAIR_BLOCKS(rt_double_int_t, v, i);
static const rt_dt_block_t blocks_long_int[] = PAIR_BLOCKS(rt_long_int_t, v, i);
static const rt_dt_block_t blocks_2int[] = PAIR_BLOCKS(rt_2int_t, v, i);
static const rt_dt_block_t blocks_short_int[] = PAIR_BLOCKS(rt_short_int_t, v, i);
static const rt_dt_block_t blocks_long_double_int[] = PAIR_BLOCKS(rt_long_double_int_t, v, i);

/* One block per basic type, indexed like the table below. */
static rt_dt_block_t basic_blocks[MINIMPI_DATATYPE_PREDEFINED_LAST + 1];

#define BASIC(H, T)                                                                 \
    [(H) & 0xff] = {.handle = (H), .name = #H, .size = sizeof(T), .extent = sizeof(T), \
                    .contiguous = 1, .num_blocks = 1, .committed = 1,               \
                    .true_extent = sizeof(T), .align = _Alignof(T), .num_basic = 1, \
                    .basic = (H)}
#define PAIR(H, S, B)                                                               \
    [(H) & 0xff] = {.handle = (H), .name = #H, .size = sizeof(((S *)0)->v) + sizeof(int), \
                    .extent = sizeof(S), .num_blocks = 2, .blocks = B, .committed = 1, \
                    .true_extent = offsetof(S, i) + sizeof(int), .align = _Alignof(S), \
                    .num_basic = 2}

rt_datatype_t rt_dt_predefined[MINIMPI_DATATYPE_PREDEFINED_LAST + 1] = {
    BASIC(MPI_CHAR, char),
    BASIC(MPI_SIGNED_CHAR, signed char),
    BASIC(MPI_UNSIGNED_CHAR, unsigned char),
    BASIC(MPI_BYTE, unsigned char),
    BASIC(MPI_WCHAR, wchar_t),
    BASIC(MPI_SHORT, short),
    BASIC(MPI_UNSIGNED_SHORT, unsigned short),
    BASIC(MPI_INT, int),
    BASIC(MPI_UNSIGNED, unsigned),
    BASIC(MPI_LONG, long),
    BASIC(MPI_UNSIGNED_LONG, unsigned long),
    BASIC(MPI_LONG_LONG_INT, long long),
    BASIC(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    BASIC(MPI_FLOAT, float),
    BASIC(MPI_DOUBLE, double),
    BASIC(MPI_LONG_DOUBLE, long double),
    BASIC(MPI_PACKED, unsigned char),
    BASIC(MPI_INT8_T, int8_t),
    BASIC(MPI_INT16_T, int16_t),
    BASIC(MPI_INT32_T, int32_t),
    BASIC(MPI_INT64_T, int64_t),
    BASIC(MPI_UINT8_T, uint8_t),
    BASIC(MPI_UINT16_T, uint16_t),
    BASIC(MPI_UINT32_T, uint32_t),
    BASIC(MPI_UINT64_T, uint64_t),
    BASIC(MPI_C_BOOL, bool),
    BASIC(MPI_C_FLOAT_COMPLEX, float _Complex),
    BASIC(MPI_C_DOUBLE_COMPLEX, double _Complex),
    BASIC(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex),
    BASIC(MPI_AINT, MPI_Aint),
    BASIC(MPI_OFFSET, MPI_Offset),
    BASIC(MPI_COUNT, MPI_Count),
    PAIR(MPI_FLOAT_INT, rt_float_int_t, blocks_float_int),
    PAIR(MPI_DOUBLE_INT, rt_double_int_t, blocks_double_int),
    PAIR(MPI_LONG_INT, rt_long_int_t, blocks_long_int),
    PAIR(MPI_2INT, rt_2int_t, blocks_2int),
    PAIR(MPI_SHORT_INT, rt_short_int_t, blocks_short_int),
    PAIR(MPI_LONG_DOUBLE_INT, rt_long_double_int_t, blocks_long_double_int),
};

/*
 * Finish the table once: basic types point at their single block, and a
 * pair whose members happen to leave no padding (MPI_2INT, MPI_FLOAT_INT) is
 * contiguous and takes the memcpy path.
 */
static void datatype_table_init(void)
{
    for (int i = 1; i <= MINIMPI_DATATYPE_PREDEFINED_LAST; i++) {
        rt_datatype_t *dt = &rt_dt_predefined[i];
        if (dt->blocks == NULL) {
            basic_blocks[i].offset = 0;
            basic_blocks[i].len = dt->size;
            basic_blocks[i].count = 1;
            dt->blocks = &basic_blocks[i];
        }
        if (dt->num_blocks == 2 && dt->size == (size_t)dt->extent &&
            dt->blocks[0].offset == 0 && dt->blocks[1].offset == (MPI_Aint)dt->blocks[0].len)
            dt->contiguous = 1;
    }
}

/*
 * Derived types live in a table that grows on demand; a handle's index
 * above MINIMPI_DATATYPE_PREDEFINED_LAST names slot (index - LAST - 1).
 * A freed type leaves its slot at once (the handle becomes invalid) but the
 * object lives on while requests still hold it.
 */
static rt_datatype_t **derived_table;
static size_t derived_cap;

int rt_dt_predefined_ready;

rt_datatype_t *rt_datatype_lookup(MPI_Datatype handle)
{
    unsigned int h = (unsigned int)handle;
    unsigned int index = h & 0xffffffu;
    if (RT_UNLIKELY(!rt_dt_predefined_ready)) {
        datatype_table_init();
        rt_dt_predefined_ready = 1;
    }
    if ((h >> 24) != MINIMPI_KIND_DATATYPE || index == 0)
        return NULL;
    if (RT_LIKELY(index <= MINIMPI_DATATYPE_PREDEFINED_LAST))
        return &rt_dt_predefined[index];
    size_t slot = index - MINIMPI_DATATYPE_PREDEFINED_LAST - 1;
    return slot < derived_cap ? derived_table[slot] : NULL;
}

int rt_datatype_register(rt_datatype_t *dt)
{
    size_t slot = 0;
    while (slot < derived_cap && derived_table[slot] != NULL)
        slot++;
    if (slot == derived_cap) {
        size_t cap = derived_cap ? derived_cap * 2 : 64;
        if (cap > 0xffffffu - MINIMPI_DATATYPE_PREDEFINED_LAST - 1)
            return MPI_ERR_NO_MEM;
        rt_datatype_t **t = realloc(derived_table, cap * sizeof(*t));
        if (t == NULL)
            return MPI_ERR_NO_MEM;
        memset(t + derived_cap, 0, (cap - derived_cap) * sizeof(*t));
        derived_table = t;
        derived_cap = cap;
    }
    derived_table[slot] = dt;
    dt->handle = (MPI_Datatype)((MINIMPI_KIND_DATATYPE << 24) |
                                (slot + MINIMPI_DATATYPE_PREDEFINED_LAST + 1));
    dt->refcount = 1;
    return MPI_SUCCESS;
}

void rt_datatype_unregister(rt_datatype_t *dt)
{
    size_t slot = ((unsigned int)dt->handle & 0xffffffu) - MINIMPI_DATATYPE_PREDEFINED_LAST - 1;
    if (slot < derived_cap && derived_table[slot] == dt)
        derived_table[slot] = NULL;
    rt_datatype_release(dt);
}

void rt_datatype_destroy(rt_datatype_t *dt)
{
    for (int i = 0; i < dt->contents.num_types; i++)
        rt_datatype_release(dt->contents.type_objs[i]);
    free(dt->contents.type_objs);
    free(dt->contents.ints);
    free(dt->contents.aints);
    free(dt->contents.types);
    free((void *)dt->blocks);
    free(dt);
}

/* Types the program never freed are not a leak of ours: drop them. */
void rt_datatype_finalize(void)
{
    for (size_t i = 0; i < derived_cap; i++) {
        rt_datatype_t *dt = derived_table[i];
        if (dt != NULL)
            rt_datatype_unregister(dt);
    }
    free(derived_table);
    derived_table = NULL;
    derived_cap = 0;
}

void rt_datatype_pack(const rt_datatype_t *dt, const void *src, size_t count, void *dst)
{
    const char *in = src;
    char *out = dst;
    if (dt->contiguous) {
        memcpy(out, in + dt->lb, count * dt->size);
        return;
    }
    for (size_t e = 0; e < count; e++, in += dt->extent) {
        for (const rt_dt_block_t *b = dt->blocks, *end = b + dt->num_blocks; b < end; b++) {
            const char *p = in + b->offset;
            for (size_t r = 0; r < b->count; r++, p += b->stride) {
                memcpy(out, p, b->len);
                out += b->len;
            }
        }
    }
}

void rt_datatype_unpack(const rt_datatype_t *dt, const void *src, size_t bytes, void *dst)
{
    const char *in = src;
    char *out = dst;
    if (dt->contiguous) {
        memcpy(out + dt->lb, in, bytes);
        return;
    }
    for (; bytes > 0; out += dt->extent) {
        for (const rt_dt_block_t *b = dt->blocks, *end = b + dt->num_blocks;
             b < end && bytes > 0; b++) {
            char *p = out + b->offset;
            for (size_t r = 0; r < b->count && bytes > 0; r++, p += b->stride) {
                size_t len = b->len < bytes ? b->len : bytes;
                memcpy(p, in, len);
                in += len;
                bytes -= len;
            }
        }
    }
}

long rt_dt_runs_iov(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                    int64_t origin, size_t limit, tp_iov_t **out)
{
    size_t n = 0, cap = 16;
    tp_iov_t *v = malloc(cap * sizeof(*v));
    if (v == NULL)
        return -1;
    size_t left = limit;
    for (size_t e = 0; e < count && left > 0; e++) {
        int64_t elem = origin + (int64_t)e * (int64_t)extent;
        for (int k = 0; k < num_blocks && left > 0; k++) {
            const rt_dt_block_t *b = &blocks[k];
            for (size_t r = 0; r < b->count && left > 0; r++) {
                uint64_t at = (uint64_t)(elem + b->offset + (int64_t)r * (int64_t)b->stride);
                size_t len = b->len < left ? b->len : left;
                left -= len;
                if (len == 0)
                    continue;
                if (n > 0 && v[n - 1].base + v[n - 1].len == at) {
                    v[n - 1].len += len;
                    continue;
                }
                if (n == cap) {
                    tp_iov_t *bigger = realloc(v, 2 * cap * sizeof(*v));
                    if (bigger == NULL) {
                        free(v);
                        return -1;
                    }
                    v = bigger;
                    cap *= 2;
                }
                v[n].base = at;
                v[n].len = len;
                n++;
            }
        }
    }
    *out = v;
    return (long)n;
}

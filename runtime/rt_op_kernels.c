/*
 * rt_op_kernels.c -- the loops of the predefined reduction operations, one
 * function per operation with one case per type the standard allows
 * (MPI-3.1 section 5.9.2); any other type is MPI_ERR_OP.
 *
 * Integer SUM and PROD compute in uintmax_t and convert back, so that
 * overflow wraps instead of being undefined behaviour (and C's promotion of
 * unsigned short to int cannot overflow either).
 */
/* Element-wise loops over buffers that never overlap are what vector
 * instructions are for, but GCC at -O2 (its "very cheap" cost model)
 * vectorises only loops whose trip count it knows: ask for its full
 * vectoriser here, where an allreduce spends its time. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

#include "rt_op.h"

#include <complex.h>
#include <stdbool.h>
#include <stdint.h>

/* The standard's type groups, as X-macros: X(handle, C type, expression). */
#define C_INTEGER(X, E)                                                        \
    X(MPI_INT, int, E) X(MPI_LONG, long, E) X(MPI_SHORT, short, E)             \
    X(MPI_UNSIGNED_SHORT, unsigned short, E) X(MPI_UNSIGNED, unsigned, E)      \
    X(MPI_UNSIGNED_LONG, unsigned long, E) X(MPI_LONG_LONG_INT, long long, E)  \
    X(MPI_UNSIGNED_LONG_LONG, unsigned long long, E)                           \
    X(MPI_SIGNED_CHAR, signed char, E) X(MPI_UNSIGNED_CHAR, unsigned char, E)  \
    X(MPI_INT8_T, int8_t, E) X(MPI_INT16_T, int16_t, E)                        \
    X(MPI_INT32_T, int32_t, E) X(MPI_INT64_T, int64_t, E)                      \
    X(MPI_UINT8_T, uint8_t, E) X(MPI_UINT16_T, uint16_t, E)                    \
    X(MPI_UINT32_T, uint32_t, E) X(MPI_UINT64_T, uint64_t, E)
#define MULTI_LANGUAGE(X, E) \
    X(MPI_AINT, MPI_Aint, E) X(MPI_OFFSET, MPI_Offset, E) X(MPI_COUNT, MPI_Count, E)
#define FLOATING(X, E) \
    X(MPI_FLOAT, float, E) X(MPI_DOUBLE, double, E) X(MPI_LONG_DOUBLE, long double, E)
#define COMPLEX(X, E)                                                          \
    X(MPI_C_FLOAT_COMPLEX, float _Complex, E)                                  \
    X(MPI_C_DOUBLE_COMPLEX, double _Complex, E)                                \
    X(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex, E)
#define LOGICAL(X, E) X(MPI_C_BOOL, bool, E)
#define BYTE(X, E) X(MPI_BYTE, unsigned char, E)

/* One case of a kernel's switch: the loop for type T. */
#define CASE(H, T, E)                                                          \
    case H: {                                                                  \
        const T *restrict a = in;                                              \
        T *restrict b = inout;                                                 \
        for (size_t i = 0; i < count; i++)                                     \
            b[i] = E(T, a[i], b[i]);                                           \
        return MPI_SUCCESS;                                                    \
    }

#define MAX_OF(T, x, y) ((x) > (y) ? (x) : (y))
#define MIN_OF(T, x, y) ((x) < (y) ? (x) : (y))
#define ADD(T, x, y) ((x) + (y))
#define MUL(T, x, y) ((x) * (y))
#define WRAP_ADD(T, x, y) ((T)((uintmax_t)(x) + (uintmax_t)(y)))
#define WRAP_MUL(T, x, y) ((T)((uintmax_t)(x) * (uintmax_t)(y)))
#define AND(T, x, y) ((T)((x) && (y)))
#define OR(T, x, y) ((T)((x) || (y)))
#define XOR(T, x, y) ((T)(!(x) != !(y)))
#define BIT_AND(T, x, y) ((T)((x) & (y)))
#define BIT_OR(T, x, y) ((T)((x) | (y)))
#define BIT_XOR(T, x, y) ((T)((x) ^ (y)))

int rt_op_kernel_max(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, MAX_OF) MULTI_LANGUAGE(CASE, MAX_OF) FLOATING(CASE, MAX_OF)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_min(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, MIN_OF) MULTI_LANGUAGE(CASE, MIN_OF) FLOATING(CASE, MIN_OF)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_sum(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, WRAP_ADD) MULTI_LANGUAGE(CASE, WRAP_ADD)
        FLOATING(CASE, ADD) COMPLEX(CASE, ADD)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_prod(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, WRAP_MUL) MULTI_LANGUAGE(CASE, WRAP_MUL)
        FLOATING(CASE, MUL) COMPLEX(CASE, MUL)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_land(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, AND) LOGICAL(CASE, AND)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_lor(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, OR) LOGICAL(CASE, OR)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_lxor(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, XOR) LOGICAL(CASE, XOR)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_band(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, BIT_AND) MULTI_LANGUAGE(CASE, BIT_AND) BYTE(CASE, BIT_AND)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_bor(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, BIT_OR) MULTI_LANGUAGE(CASE, BIT_OR) BYTE(CASE, BIT_OR)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_bxor(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        C_INTEGER(CASE, BIT_XOR) MULTI_LANGUAGE(CASE, BIT_XOR) BYTE(CASE, BIT_XOR)
    default: return MPI_ERR_OP;
    }
}

/*
 * MINLOC and MAXLOC work on the pair types, whose C layout must match
 * rt_datatype.c's (value first, then the int index).  On equal values the
 * smaller index wins, as the standard says.
 */
#define PAIR_TYPES(X, E)                                                       \
    X(MPI_FLOAT_INT, float, E) X(MPI_DOUBLE_INT, double, E)                    \
    X(MPI_LONG_INT, long, E) X(MPI_2INT, int, E) X(MPI_SHORT_INT, short, E)    \
    X(MPI_LONG_DOUBLE_INT, long double, E)

#define PAIR_CASE(H, V, BETTER)                                                \
    case H: {                                                                  \
        typedef struct { V v; int i; } pair_t;                                 \
        const pair_t *a = in;                                                  \
        pair_t *b = inout;                                                     \
        for (size_t k = 0; k < count; k++) {                                   \
            if (a[k].v BETTER b[k].v)                                          \
                b[k] = a[k];                                                   \
            else if (a[k].v == b[k].v && a[k].i < b[k].i)                      \
                b[k].i = a[k].i;                                               \
        }                                                                      \
        return MPI_SUCCESS;                                                    \
    }

int rt_op_kernel_minloc(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        PAIR_TYPES(PAIR_CASE, <)
    default: return MPI_ERR_OP;
    }
}

int rt_op_kernel_maxloc(const void *in, void *inout, size_t count, MPI_Datatype dt)
{
    switch (dt) {
        PAIR_TYPES(PAIR_CASE, >)
    default: return MPI_ERR_OP;
    }
}

/*
 * t_datatypes.c -- every predefined datatype: MPI_Type_size equals the C
 * type's size, a message of it round-trips byte for byte, and Get_count
 * counts elements.  The pair types (MPI_DOUBLE_INT ...) describe C structs
 * with padding: data moves field by field, Type_size counts only the data
 * bytes (12 for MPI_DOUBLE_INT, whose struct takes 16), the padding of the
 * receive buffer is left alone, and they also work above the eager limit.
 * Ring: send to next, receive from prev.
 */
#include "t_util.h"

#include <complex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int next_rank, prev_rank;

struct plain_type {
    MPI_Datatype type;
    const char *name;
    size_t c_size;
};

#define PLAIN(t, ctype) {t, #t, sizeof(ctype)}
static const struct plain_type plain[] = {
    PLAIN(MPI_CHAR, char),
    PLAIN(MPI_SIGNED_CHAR, signed char),
    PLAIN(MPI_UNSIGNED_CHAR, unsigned char),
    PLAIN(MPI_BYTE, unsigned char),
    PLAIN(MPI_WCHAR, wchar_t),
    PLAIN(MPI_SHORT, short),
    PLAIN(MPI_UNSIGNED_SHORT, unsigned short),
    PLAIN(MPI_INT, int),
    PLAIN(MPI_UNSIGNED, unsigned),
    PLAIN(MPI_LONG, long),
    PLAIN(MPI_UNSIGNED_LONG, unsigned long),
    PLAIN(MPI_LONG_LONG_INT, long long),
    PLAIN(MPI_LONG_LONG, long long),
    PLAIN(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    PLAIN(MPI_FLOAT, float),
    PLAIN(MPI_DOUBLE, double),
    PLAIN(MPI_LONG_DOUBLE, long double),
    PLAIN(MPI_PACKED, char),
    PLAIN(MPI_INT8_T, int8_t),
    PLAIN(MPI_INT16_T, int16_t),
    PLAIN(MPI_INT32_T, int32_t),
    PLAIN(MPI_INT64_T, int64_t),
    PLAIN(MPI_UINT8_T, uint8_t),
    PLAIN(MPI_UINT16_T, uint16_t),
    PLAIN(MPI_UINT32_T, uint32_t),
    PLAIN(MPI_UINT64_T, uint64_t),
    PLAIN(MPI_C_BOOL, bool),
    PLAIN(MPI_C_FLOAT_COMPLEX, float _Complex),
    PLAIN(MPI_C_COMPLEX, float _Complex),
    PLAIN(MPI_C_DOUBLE_COMPLEX, double _Complex),
    PLAIN(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex),
    PLAIN(MPI_AINT, MPI_Aint),
    PLAIN(MPI_OFFSET, MPI_Offset),
    PLAIN(MPI_COUNT, MPI_Count),
};
#define NPLAIN (sizeof(plain) / sizeof(plain[0]))

/* Send `count` elements of a contiguous type as raw bytes of a pattern. */
static void plain_round_trip(const struct plain_type *t, int count)
{
    int size = -1;
    T_MPI(MPI_Type_size(t->type, &size));
    T_ASSERT(size == (int)t->c_size, "MPI_Type_size(%s) = %d, sizeof = %zu", t->name, size,
             t->c_size);
    size_t bytes = t->c_size * (size_t)count;
    uint8_t *s = t_malloc(bytes), *r = t_malloc(bytes + 16);
    uint32_t seed = (uint32_t)(t->c_size * 131 + (size_t)count);
    /* Booleans stay 0 or 1; everything else may hold any bit pattern. */
    if (t->type == MPI_C_BOOL)
        for (size_t i = 0; i < bytes; i++)
            s[i] = (uint8_t)(t_pattern_byte(i, seed + (uint32_t)t_rank) & 1);
    else
        t_fill(s, bytes, seed + (uint32_t)t_rank);
    memset(r, 0x5a, bytes + 16);
    MPI_Status st;
    T_MPI(MPI_Sendrecv(s, count, t->type, next_rank, 1, r, count + 1, t->type, prev_rank, 1,
                       MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 1, t->type, count, t->name);
    int nbytes = -1;
    T_MPI(MPI_Get_count(&st, MPI_BYTE, &nbytes));
    T_ASSERT(nbytes == (int)bytes, "%s: %d elements counted as %d bytes, expected %zu", t->name,
             count, nbytes, bytes);
    if (t->type == MPI_C_BOOL) {
        for (size_t i = 0; i < bytes; i++)
            T_ASSERT(r[i] == (t_pattern_byte(i, seed + (uint32_t)prev_rank) & 1),
                     "MPI_C_BOOL element %zu is %d", i, r[i]);
    } else {
        T_CHECK_PATTERN(r, bytes, seed + (uint32_t)prev_rank, "%d elements of %s", count,
                        t->name);
    }
    T_CHECK_BYTES(r + bytes, 16, 0x5a, "bytes after %d elements of %s", count, t->name);
    free(s);
    free(r);
}

/* The pair types, with the struct layouts the standard gives them. */
struct float_int { float v; int i; };
struct double_int { double v; int i; };
struct long_int { long v; int i; };
struct two_int { int v; int i; };
struct short_int { short v; int i; };
struct long_double_int { long double v; int i; };

#define PAIR_TEST(TYPE, STRUCT, VTYPE, COUNT)                                 \
    do {                                                                      \
        int size_ = -1, count_ = COUNT;                                       \
        T_MPI(MPI_Type_size(TYPE, &size_));                                   \
        T_ASSERT(size_ == (int)(sizeof(VTYPE) + sizeof(int)),                 \
                 "MPI_Type_size(%s) = %d, expected %zu", #TYPE, size_,       \
                 sizeof(VTYPE) + sizeof(int));                                \
        struct STRUCT *s_ = t_malloc(sizeof(*s_) * (size_t)count_);          \
        struct STRUCT *r_ = t_malloc(sizeof(*r_) * (size_t)count_);          \
        memset(s_, 0xab, sizeof(*s_) * (size_t)count_);                       \
        memset(r_, 0xcd, sizeof(*r_) * (size_t)count_);                       \
        for (int k_ = 0; k_ < count_; k_++) {                                 \
            s_[k_].v = (VTYPE)(t_rank * 1000 + k_ % 1000);                    \
            s_[k_].i = -(t_rank * 100000 + k_);                               \
        }                                                                     \
        MPI_Status st_;                                                       \
        T_MPI(MPI_Sendrecv(s_, count_, TYPE, next_rank, 2, r_, count_, TYPE,  \
                           prev_rank, 2, MPI_COMM_WORLD, &st_));              \
        T_CHECK_STATUS(&st_, prev_rank, 2, TYPE, count_, #TYPE);              \
        int bytes_ = -1;                                                      \
        T_MPI(MPI_Get_count(&st_, MPI_BYTE, &bytes_));                        \
        T_ASSERT(bytes_ == count_ * size_, "%s: %d elements are %d bytes, expected %d", \
                 #TYPE, count_, bytes_, count_ * size_);                      \
        for (int k_ = 0; k_ < count_; k_++) {                                 \
            T_ASSERT(r_[k_].v == (VTYPE)(prev_rank * 1000 + k_ % 1000) &&     \
                         r_[k_].i == -(prev_rank * 100000 + k_),              \
                     "%s element %d has the wrong value or index", #TYPE, k_); \
            check_padding(&r_[k_], sizeof(*r_), offsetof(struct STRUCT, v),   \
                          sizeof(VTYPE), offsetof(struct STRUCT, i), #TYPE, k_); \
        }                                                                     \
        free(s_);                                                             \
        free(r_);                                                             \
    } while (0)

/* Bytes of a received pair struct outside its two fields keep the receiver's 0xcd. */
static void check_padding(const void *elem, size_t elem_size, size_t v_off, size_t v_size,
                          size_t i_off, const char *type, int k)
{
    const uint8_t *p = elem;
    for (size_t b = 0; b < elem_size; b++) {
        int in_v = b >= v_off && b < v_off + v_size;
        int in_i = b >= i_off && b < i_off + sizeof(int);
        /* long double's own unused bytes are part of the value's storage. */
        if (!in_v && !in_i)
            T_ASSERT(p[b] == 0xcd, "%s element %d: padding byte %zu was written (0x%02x)", type,
                     k, b, p[b]);
    }
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    next_rank = (t_rank + 1) % t_size;
    prev_rank = (t_rank + t_size - 1) % t_size;

    for (size_t k = 0; k < NPLAIN; k++) {
        plain_round_trip(&plain[k], 1);
        plain_round_trip(&plain[k], 37);
        plain_round_trip(&plain[k], 70001);  /* above the eager limit for every size */
    }
    for (int round = 0; round < 2; round++) {
        int count = round == 0 ? 37 : 100000;  /* eager, then rendezvous */
        PAIR_TEST(MPI_FLOAT_INT, float_int, float, count);
        PAIR_TEST(MPI_DOUBLE_INT, double_int, double, count);
        PAIR_TEST(MPI_LONG_INT, long_int, long, count);
        PAIR_TEST(MPI_2INT, two_int, int, count);
        PAIR_TEST(MPI_SHORT_INT, short_int, short, count);
        PAIR_TEST(MPI_LONG_DOUBLE_INT, long_double_int, long double, count);
    }
    t_finalize();
    return 0;
}

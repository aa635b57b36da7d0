/*
 * t_util.h -- assertions for the multi-rank tests of tests/objs: a failed
 * check prints the rank, file, line and expression, then aborts the job
 * with exit status 1, so the driver sees which check failed where.
 */
#ifndef T_UTIL_H
#define T_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "mpi.h"

#define T_CHECK(EXPR)                                                                  \
    do {                                                                               \
        if (!(EXPR)) {                                                                 \
            int r_ = -1;                                                               \
            MPI_Comm_rank(MPI_COMM_WORLD, &r_);                                        \
            fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", r_, __FILE__, __LINE__, \
                    #EXPR);                                                            \
            fflush(stderr);                                                            \
            MPI_Abort(MPI_COMM_WORLD, 1);                                              \
        }                                                                              \
    } while (0)

#define T_EQ(A, B)                                                                     \
    do {                                                                               \
        long long a_ = (long long)(A), b_ = (long long)(B);                            \
        if (a_ != b_) {                                                                \
            int r_ = -1;                                                               \
            MPI_Comm_rank(MPI_COMM_WORLD, &r_);                                        \
            fprintf(stderr, "rank %d: %s:%d: %s == %lld, expected %s == %lld\n", r_,   \
                    __FILE__, __LINE__, #A, a_, #B, b_);                               \
            fflush(stderr);                                                            \
            MPI_Abort(MPI_COMM_WORLD, 1);                                              \
        }                                                                              \
    } while (0)

#define T_OK(CALL) T_EQ((CALL), MPI_SUCCESS)

#endif /* T_UTIL_H */

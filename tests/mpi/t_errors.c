/*
 * t_errors.c -- argument checking under MPI_ERRORS_RETURN: every bad
 * argument gives the standard's error class, the call does nothing, and
 * the job goes on.  Also the error handler calls themselves, and that
 * MPI_Error_string and MPI_Error_class work for every class used here.
 * (Handles that are not even of the right kind are checked only with
 * minimpi, whose handles are ints: elsewhere they may be pointers.)
 */
#include "t_util.h"

#include <string.h>

#define CHECK_STRING(code)                                                    \
    do {                                                                      \
        char text_[MPI_MAX_ERROR_STRING];                                     \
        int len_ = -1;                                                        \
        memset(text_, 0, sizeof(text_));                                      \
        T_MPI(MPI_Error_string((code), text_, &len_));                        \
        T_ASSERT(len_ > 0 && len_ < MPI_MAX_ERROR_STRING &&                   \
                     (size_t)len_ == strlen(text_),                           \
                 "MPI_Error_string(%s) gives length %d for \"%s\"", #code,    \
                 len_, text_);                                                \
    } while (0)

static void error_strings(void)
{
    static const int classes[] = {
        MPI_SUCCESS,    MPI_ERR_BUFFER,   MPI_ERR_COUNT,   MPI_ERR_TYPE,      MPI_ERR_TAG,
        MPI_ERR_COMM,   MPI_ERR_RANK,     MPI_ERR_ARG,     MPI_ERR_UNKNOWN,   MPI_ERR_TRUNCATE,
        MPI_ERR_OTHER,  MPI_ERR_INTERN,   MPI_ERR_IN_STATUS, MPI_ERR_PENDING, MPI_ERR_REQUEST,
    };
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        int cls = -1;
        CHECK_STRING(classes[i]);
        T_MPI(MPI_Error_class(classes[i], &cls));
        T_ASSERT(cls == classes[i], "MPI_Error_class(%d) gives %d", classes[i], cls);
    }
    char a[MPI_MAX_ERROR_STRING], b[MPI_MAX_ERROR_STRING];
    int la, lb;
    T_MPI(MPI_Error_string(MPI_ERR_COUNT, a, &la));
    T_MPI(MPI_Error_string(MPI_ERR_TAG, b, &lb));
    T_ASSERT(strcmp(a, b) != 0, "MPI_ERR_COUNT and MPI_ERR_TAG have the same text \"%s\"", a);
}

static void errhandlers(void)
{
    MPI_Errhandler eh = MPI_ERRHANDLER_NULL;
    T_MPI(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    T_ASSERT(eh == MPI_ERRORS_ARE_FATAL, "MPI_COMM_WORLD's handler is not MPI_ERRORS_ARE_FATAL");
    T_MPI(MPI_Errhandler_free(&eh));
    T_ASSERT(eh == MPI_ERRHANDLER_NULL, "MPI_Errhandler_free did not set MPI_ERRHANDLER_NULL");
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    T_MPI(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    T_ASSERT(eh == MPI_ERRORS_RETURN, "MPI_COMM_WORLD's handler is not MPI_ERRORS_RETURN");
    T_MPI(MPI_Errhandler_free(&eh));
    /* Each communicator has its own handler. */
    T_MPI(MPI_Comm_get_errhandler(MPI_COMM_SELF, &eh));
    T_ASSERT(eh == MPI_ERRORS_ARE_FATAL, "setting WORLD's handler changed SELF's");
    T_MPI(MPI_Errhandler_free(&eh));
    T_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
}

static void bad_arguments(void)
{
    int v[4] = {0, 0, 0, 0};
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Status st;
    int flag = 0;
    const MPI_Comm W = MPI_COMM_WORLD;

    /* count */
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Send(v, -1, MPI_INT, 0, 1, W));
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Recv(v, -1, MPI_INT, 0, 1, W, &st));
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Isend(v, -1, MPI_INT, 0, 1, W, &req));
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Irecv(v, -1, MPI_INT, 0, 1, W, &req));
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Ssend(v, -1, MPI_INT, 0, 1, W));
    T_MPI_ERR(MPI_ERR_COUNT, MPI_Send_init(v, -1, MPI_INT, 0, 1, W, &req));
    /* rank */
    T_MPI_ERR(MPI_ERR_RANK, MPI_Send(v, 1, MPI_INT, t_size, 1, W));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Send(v, 1, MPI_INT, -5, 1, W));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Send(v, 1, MPI_INT, MPI_ANY_SOURCE, 1, W));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Recv(v, 1, MPI_INT, t_size, 1, W, &st));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Irecv(v, 1, MPI_INT, t_size + 100, 1, W, &req));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Isend(v, 1, MPI_INT, t_size, 1, W, &req));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Probe(t_size, 1, W, &st));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Iprobe(t_size, 1, W, &flag, &st));
    T_MPI_ERR(MPI_ERR_RANK, MPI_Send(v, 1, MPI_INT, 1, 1, MPI_COMM_SELF));
    /* tag */
    T_MPI_ERR(MPI_ERR_TAG, MPI_Send(v, 1, MPI_INT, 0, -7, W));
    T_MPI_ERR(MPI_ERR_TAG, MPI_Send(v, 1, MPI_INT, 0, MPI_ANY_TAG, W));
    T_MPI_ERR(MPI_ERR_TAG, MPI_Isend(v, 1, MPI_INT, 0, -7, W, &req));
    T_MPI_ERR(MPI_ERR_TAG, MPI_Recv(v, 1, MPI_INT, 0, -7, W, &st));
    T_MPI_ERR(MPI_ERR_TAG, MPI_Irecv(v, 1, MPI_INT, 0, -7, W, &req));
    T_MPI_ERR(MPI_ERR_TAG, MPI_Probe(0, -7, W, &st));
    /* communicator: errors without a valid communicator go to WORLD's handler */
    T_MPI_ERR(MPI_ERR_COMM, MPI_Send(v, 1, MPI_INT, 0, 1, MPI_COMM_NULL));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Recv(v, 1, MPI_INT, 0, 1, MPI_COMM_NULL, &st));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Isend(v, 1, MPI_INT, 0, 1, MPI_COMM_NULL, &req));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Irecv(v, 1, MPI_INT, 0, 1, MPI_COMM_NULL, &req));
#ifndef OPEN_MPI /* Open MPI raises this one on MPI_COMM_NULL's handler, which is fatal */
    T_MPI_ERR(MPI_ERR_COMM, MPI_Probe(0, 1, MPI_COMM_NULL, &st));
#endif
    int rank = -1;
    T_MPI_ERR(MPI_ERR_COMM, MPI_Comm_rank(MPI_COMM_NULL, &rank));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Comm_size(MPI_COMM_NULL, &rank));
    /* datatype */
    T_MPI_ERR(MPI_ERR_TYPE, MPI_Send(v, 1, MPI_DATATYPE_NULL, 0, 1, W));
    T_MPI_ERR(MPI_ERR_TYPE, MPI_Recv(v, 1, MPI_DATATYPE_NULL, 0, 1, W, &st));
    T_MPI_ERR(MPI_ERR_TYPE, MPI_Isend(v, 1, MPI_DATATYPE_NULL, 0, 1, W, &req));
    /* buffer */
    T_MPI_ERR(MPI_ERR_BUFFER, MPI_Send(NULL, 1, MPI_INT, 0, 1, W));
    T_MPI_ERR(MPI_ERR_BUFFER, MPI_Recv(NULL, 1, MPI_INT, 0, 1, W, &st));
    T_ASSERT(req == MPI_REQUEST_NULL, "a failed call changed its request argument");

#ifdef MINIMPI
    /* Handles of the wrong kind or a stale index are errors, not crashes. */
    T_MPI_ERR(MPI_ERR_COMM, MPI_Send(v, 1, MPI_INT, 0, 1, (MPI_Comm)12345));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Send(v, 1, MPI_INT, 0, 1, (MPI_Comm)0x44001234));
    T_MPI_ERR(MPI_ERR_COMM, MPI_Send(v, 1, MPI_INT, 0, 1, (MPI_Comm)MPI_INT));
    T_MPI_ERR(MPI_ERR_TYPE, MPI_Send(v, 1, (MPI_Datatype)0x4c0000ff, 0, 1, W));
    T_MPI_ERR(MPI_ERR_TYPE, MPI_Send(v, 1, (MPI_Datatype)MPI_COMM_WORLD, 0, 1, W));
    req = (MPI_Request)0x2c00ffff;
    T_MPI_ERR(MPI_ERR_REQUEST, MPI_Wait(&req, &st));
    req = (MPI_Request)MPI_COMM_WORLD;
    T_MPI_ERR(MPI_ERR_REQUEST, MPI_Test(&req, &flag, &st));
    T_MPI_ERR(MPI_ERR_ARG, MPI_Buffer_attach(v, -1));
#endif
}

int main(int argc, char **argv)
{
    t_init(&argc, &argv);
    error_strings();
    errhandlers();
    bad_arguments();

    /* Nothing of the above got sent: a ring exchange sees only its own message. */
    int next_rank = (t_rank + 1) % t_size, prev_rank = (t_rank + t_size - 1) % t_size;
    int out = 100 + t_rank, in = -1;
    MPI_Status st;
    T_MPI(MPI_Sendrecv(&out, 1, MPI_INT, next_rank, 1, &in, 1, MPI_INT, prev_rank, 1,
                       MPI_COMM_WORLD, &st));
    T_CHECK_STATUS(&st, prev_rank, 1, MPI_INT, 1, "exchange after the errors");
    T_ASSERT(in == 100 + prev_rank, "exchange after the errors got %d", in);
    int flag = 1;
    T_MPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
    T_ASSERT(!flag, "a message is pending: a failed call sent something");
    t_finalize();
    return 0;
}

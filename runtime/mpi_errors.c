/*
 * mpi_errors.c -- MPI entry points for error handlers and error texts.
 */
#include "rt.h"
#include "rt_errhandler.h"
#include "rt_errors.h"

#include <string.h>

static int errhandler_valid(MPI_Errhandler h)
{
    return rt_errhandler_valid(h);
}

int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_set_errhandler");
    RT_CHECK_COMM("MPI_Comm_set_errhandler", comm, c);
    if (!errhandler_valid(errhandler))
        return rt_err(c, "MPI_Comm_set_errhandler", MPI_ERR_ARG, "invalid error handler");
    if (!rt_errhandler_fits_comm(errhandler))
        return rt_err(c, "MPI_Comm_set_errhandler", MPI_ERR_ARG,
                      "a window's error handler (made by MPI_Win_create_errhandler)");
    /* MPI_ERRORS_ABORT (MPI-4) ends the job like ERRORS_ARE_FATAL here. */
    rt_errhandler_retain(errhandler);
    rt_errhandler_release(c->errhandler);
    c->errhandler = errhandler == MPI_ERRORS_ABORT ? MPI_ERRORS_ARE_FATAL : errhandler;
    return MPI_SUCCESS;
}

int MPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_get_errhandler");
    RT_CHECK_COMM("MPI_Comm_get_errhandler", comm, c);
    if (errhandler == NULL)
        return rt_err(c, "MPI_Comm_get_errhandler", MPI_ERR_ARG, "errhandler is NULL");
    /* The caller gets a reference of its own, to free with MPI_Errhandler_free. */
    rt_errhandler_retain(c->errhandler);
    *errhandler = c->errhandler;
    return MPI_SUCCESS;
}

int MPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    RT_CHECK_INIT("MPI_Errhandler_free");
    if (errhandler == NULL || !errhandler_valid(*errhandler))
        return rt_err(NULL, "MPI_Errhandler_free", MPI_ERR_ARG, "invalid error handler");
    /* Predefined handlers are never destroyed; the handle just becomes NULL.
     * A created one lives on while communicators use it. */
    rt_errhandler_unregister(*errhandler);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* Allowed before MPI_Init and after MPI_Finalize (MPI-4). */
int MPI_Error_string(int errorcode, char *string, int *resultlen)
{
    const char *text = rt_error_text(errorcode);
    if (string == NULL || resultlen == NULL)
        return rt_err(NULL, "MPI_Error_string", MPI_ERR_ARG, "string or resultlen is NULL");
    if (text == NULL)
        return rt_err(NULL, "MPI_Error_string", MPI_ERR_ARG, "invalid error code %d", errorcode);
    size_t len = strlen(text);
    if (len >= MPI_MAX_ERROR_STRING)
        len = MPI_MAX_ERROR_STRING - 1;
    memcpy(string, text, len);
    string[len] = '\0';
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

int MPI_Error_class(int errorcode, int *errorclass)
{
    if (errorclass == NULL)
        return rt_err(NULL, "MPI_Error_class", MPI_ERR_ARG, "errorclass is NULL");
    if (rt_error_text(errorcode) == NULL)
        return rt_err(NULL, "MPI_Error_class", MPI_ERR_ARG, "invalid error code %d", errorcode);
    /* Every code minimpi returns is its own class; added codes know theirs. */
    *errorclass = errorcode >= MPI_ERR_LASTCODE ? rt_errcode_class(errorcode) : errorcode;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Comm_get_errhandler = PMPI_Comm_get_errhandler
#pragma weak MPI_Comm_set_errhandler = PMPI_Comm_set_errhandler
#pragma weak MPI_Errhandler_free = PMPI_Errhandler_free
#pragma weak MPI_Error_class = PMPI_Error_class
#pragma weak MPI_Error_string = PMPI_Error_string

/*
 * mpi_errhandler.c -- created error handlers, calling a communicator's
 * handler, the MPI-1 names Errhandler_set/get/create, the error classes
 * and codes programs add, and MPI_Request_get_status.
 */
#include "rt_errhandler.h"

#include "rt_request.h"

int MPI_Comm_create_errhandler(MPI_Comm_errhandler_function *function,
                               MPI_Errhandler *errhandler)
{
    RT_CHECK_INIT("MPI_Comm_create_errhandler");
    if (function == NULL || errhandler == NULL)
        return rt_err(NULL, "MPI_Comm_create_errhandler", MPI_ERR_ARG,
                      "function or errhandler is NULL");
    int err = rt_errhandler_create(function, errhandler);
    if (err != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Comm_create_errhandler", err, "out of memory");
    return MPI_SUCCESS;
}

int MPI_Errhandler_create(MPI_Handler_function *function, MPI_Errhandler *errhandler)
{
    return MPI_Comm_create_errhandler(function, errhandler);
}

int MPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler)
{
    return MPI_Comm_set_errhandler(comm, errhandler);
}

int MPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    return MPI_Comm_get_errhandler(comm, errhandler);
}

/* The program raises `errorcode` on comm: its handler decides. */
int MPI_Comm_call_errhandler(MPI_Comm comm, int errorcode)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_call_errhandler");
    RT_CHECK_COMM("MPI_Comm_call_errhandler", comm, c);
    rt_err(c, "MPI_Comm_call_errhandler", errorcode, "error code %d raised by the program",
           errorcode);
    return MPI_SUCCESS;
}

int MPI_Add_error_class(int *errorclass)
{
    RT_CHECK_INIT("MPI_Add_error_class");
    if (errorclass == NULL)
        return rt_err(NULL, "MPI_Add_error_class", MPI_ERR_ARG, "errorclass is NULL");
    int err = rt_errcode_add_class(errorclass);
    return err == MPI_SUCCESS ? err : rt_err(NULL, "MPI_Add_error_class", err, "out of memory");
}

static int class_valid(int errorclass)
{
    if (errorclass >= 0 && errorclass < MPI_ERR_LASTCODE)
        return 1;
    return rt_errcode_class(errorclass) == errorclass;
}

int MPI_Add_error_code(int errorclass, int *errorcode)
{
    RT_CHECK_INIT("MPI_Add_error_code");
    if (errorcode == NULL)
        return rt_err(NULL, "MPI_Add_error_code", MPI_ERR_ARG, "errorcode is NULL");
    if (!class_valid(errorclass))
        return rt_err(NULL, "MPI_Add_error_code", MPI_ERR_ARG, "invalid error class %d",
                      errorclass);
    int err = rt_errcode_add_code(errorclass, errorcode);
    return err == MPI_SUCCESS ? err : rt_err(NULL, "MPI_Add_error_code", err, "out of memory");
}

int MPI_Add_error_string(int errorcode, const char *string)
{
    RT_CHECK_INIT("MPI_Add_error_string");
    if (string == NULL)
        return rt_err(NULL, "MPI_Add_error_string", MPI_ERR_ARG, "string is NULL");
    /* Only added codes can be given a text; the standard's keep theirs. */
    int err = rt_errcode_set_string(errorcode, string);
    if (err == MPI_ERR_ARG)
        return rt_err(NULL, "MPI_Add_error_string", err,
                      "error code %d was not added with MPI_Add_error_code/class", errorcode);
    return err == MPI_SUCCESS ? err : rt_err(NULL, "MPI_Add_error_string", err, "out of memory");
}

/* Like MPI_Test without releasing the request. */
int MPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status)
{
    RT_CHECK_INIT("MPI_Request_get_status");
    if (flag == NULL || status == NULL)
        return rt_err(NULL, "MPI_Request_get_status", MPI_ERR_ARG,
                      "flag or status is NULL (use MPI_STATUS_IGNORE)");
    if (request == MPI_REQUEST_NULL) {
        *flag = 1;
        if (status != MPI_STATUS_IGNORE)
            rt_status_set_empty(status);
        return MPI_SUCCESS;
    }
    rt_request_t *req = rt_request_get(request);
    if (req == NULL)
        return rt_err(NULL, "MPI_Request_get_status", MPI_ERR_REQUEST,
                      "invalid request handle 0x%x", (unsigned)request);
    if (!rt_request_is_active(req)) {
        *flag = 1;
        if (status != MPI_STATUS_IGNORE)
            rt_status_set_empty(status);
        return MPI_SUCCESS;
    }
    if (!req->complete)
        rt_progress();
    *flag = req->complete;
    if (*flag && status != MPI_STATUS_IGNORE)
        *status = req->status;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Add_error_class = PMPI_Add_error_class
#pragma weak MPI_Add_error_code = PMPI_Add_error_code
#pragma weak MPI_Add_error_string = PMPI_Add_error_string
#pragma weak MPI_Comm_call_errhandler = PMPI_Comm_call_errhandler
#pragma weak MPI_Comm_create_errhandler = PMPI_Comm_create_errhandler
#pragma weak MPI_Errhandler_create = PMPI_Errhandler_create
#pragma weak MPI_Errhandler_get = PMPI_Errhandler_get
#pragma weak MPI_Errhandler_set = PMPI_Errhandler_set
#pragma weak MPI_Request_get_status = PMPI_Request_get_status

/*
 * rt_errcodes.c -- error classes and codes added by programs
 * (MPI_Add_error_class/code/string).  They are numbered from
 * MPI_ERR_LASTCODE on; each remembers its class and its text.
 */
#include "rt_errhandler.h"

#include <stdlib.h>
#include <string.h>

typedef struct rt_errcode {
    int errclass;
    char *text;
} rt_errcode_t;

static rt_errcode_t *codes;        /* [num_codes], code = MPI_ERR_LASTCODE + index */
static int num_codes;

static int add(int errclass)
{
    rt_errcode_t *c = realloc(codes, ((size_t)num_codes + 1) * sizeof(*c));
    if (c == NULL)
        return -1;
    codes = c;
    int code = MPI_ERR_LASTCODE + num_codes;
    codes[num_codes].errclass = errclass < 0 ? code : errclass;
    codes[num_codes].text = NULL;
    num_codes++;
    return code;
}

int rt_errcode_add_class(int *errorclass)
{
    int code = add(-1);
    if (code < 0)
        return MPI_ERR_NO_MEM;
    *errorclass = code;
    return MPI_SUCCESS;
}

int rt_errcode_class(int errorcode)
{
    if (errorcode < MPI_ERR_LASTCODE || errorcode >= MPI_ERR_LASTCODE + num_codes)
        return -1;
    return codes[errorcode - MPI_ERR_LASTCODE].errclass;
}

int rt_errcode_add_code(int errorclass, int *errorcode)
{
    int code = add(errorclass);
    if (code < 0)
        return MPI_ERR_NO_MEM;
    *errorcode = code;
    return MPI_SUCCESS;
}

int rt_errcode_set_string(int errorcode, const char *string)
{
    if (rt_errcode_class(errorcode) < 0)
        return MPI_ERR_ARG;
    char *copy = strdup(string);
    if (copy == NULL)
        return MPI_ERR_NO_MEM;
    rt_errcode_t *c = &codes[errorcode - MPI_ERR_LASTCODE];
    free(c->text);
    c->text = copy;
    return MPI_SUCCESS;
}

const char *rt_errcode_text(int errorcode)
{
    if (rt_errcode_class(errorcode) < 0)
        return NULL;
    const char *t = codes[errorcode - MPI_ERR_LASTCODE].text;
    return t != NULL ? t : "";
}

int rt_errcode_last(void)
{
    return MPI_ERR_LASTCODE + num_codes - 1;
}

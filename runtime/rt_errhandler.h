/*
 * rt_errhandler.h -- error handler objects: the predefined ones
 * (ERRORS_ARE_FATAL, ERRORS_RETURN, ERRORS_ABORT) are plain handles; the
 * ones programs create with MPI_Comm_create_errhandler or
 * MPI_Win_create_errhandler live in a table and are counted, so a handler
 * freed while communicators or windows use it stays valid.
 * Also the error classes and codes programs add (MPI_Add_error_class).
 */
#ifndef MINIMPI_RT_ERRHANDLER_H
#define MINIMPI_RT_ERRHANDLER_H

#include "rt.h"

/* A handle a communicator may carry: predefined or a live created one. */
int rt_errhandler_valid(MPI_Errhandler h);
int rt_errhandler_is_predefined(MPI_Errhandler h);
/* Created handlers are counted per communicator using them; no-ops on the
 * predefined ones. */
void rt_errhandler_retain(MPI_Errhandler h);
void rt_errhandler_release(MPI_Errhandler h);
int rt_errhandler_create(MPI_Comm_errhandler_function *fn, MPI_Errhandler *out);
/* A handler for windows: called with the window's handle. */
int rt_errhandler_create_win(MPI_Win_errhandler_function *fn, MPI_Errhandler *out);
/* Whether `h` may be set on a window (predefined, or made for windows) or
 * on a communicator (predefined, or made for communicators). */
int rt_errhandler_fits_win(MPI_Errhandler h);
int rt_errhandler_fits_comm(MPI_Errhandler h);
/* MPI_Errhandler_free: drops the handle's reference; the object goes with
 * its last user. */
void rt_errhandler_unregister(MPI_Errhandler h);
/* Run comm's created handler for `errcode`: 1 when `h` is one (it ran).
 * A window's handler gets the window (comm->win). */
int rt_errhandler_invoke(rt_comm_t *comm, MPI_Errhandler h, int errcode);

/* ---- Added error classes and codes (runtime/rt_errcodes.c) ------------- */
int rt_errcode_add_class(int *errorclass);
int rt_errcode_add_code(int errorclass, int *errorcode);
int rt_errcode_set_string(int errorcode, const char *string);
/* For codes >= MPI_ERR_LASTCODE: their class / text, or -1 / NULL if unknown. */
int rt_errcode_class(int errorcode);
const char *rt_errcode_text(int errorcode);
int rt_errcode_last(void);

#endif /* MINIMPI_RT_ERRHANDLER_H */

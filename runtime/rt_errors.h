/*
 * rt_errors.h -- error texts; raising errors is declared in rt.h.
 */
#ifndef MINIMPI_RT_ERRORS_H
#define MINIMPI_RT_ERRORS_H

/* The text of an error class or code, or NULL when there is no such code. */
const char *rt_error_text(int errorcode);

#endif /* MINIMPI_RT_ERRORS_H */

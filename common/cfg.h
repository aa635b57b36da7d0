/*
 * cfg.h -- the one table of MINIMPI_* environment variables.
 *
 * Every variable the runtime or the launcher reads is declared once in
 * common/cfg.c with its default and a one-line description; the runtime
 * reads values through cfg_get*(), and `mini-mpirun --help-env` and the man
 * page print the same table, so code and documentation cannot drift apart.
 */
#ifndef MINIMPI_CFG_H
#define MINIMPI_CFG_H

#include <stddef.h>
#include <stdio.h>

typedef struct cfg_var {
    const char *name;              /* e.g. "MINIMPI_VERBOSE" */
    const char *default_value;     /* as text; "" for unset */
    const char *doc;               /* one sentence, for --help-env and the man page */
} cfg_var_t;

extern const cfg_var_t cfg_vars[];
extern const size_t cfg_num_vars;

/* The variable's value from the environment, else its default.
 * Asking for a name missing from the table is a programming error: abort. */
const char *cfg_get(const char *name);
/* Same, as a number; accepts k/K, m/M, g/G suffixes (powers of 1024).
 * A malformed value prints a warning naming the variable and yields the default. */
long long cfg_get_num(const char *name);
/* Same, as a boolean: 1/yes/on/true or 0/no/off/false. */
int cfg_get_bool(const char *name);

/* Print the table: "NAME (default: X)\n    doc\n" per variable. */
void cfg_print_help(FILE *out);

#endif /* MINIMPI_CFG_H */

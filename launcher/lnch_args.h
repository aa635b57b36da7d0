/*
 * lnch_args.h -- mini-mpirun's command line.
 *
 * Parsing is kept apart from everything else so that it can be unit tested
 * (tests/unit/check_lnch_args.c) without starting a single process.
 */
#ifndef MINIMPI_LNCH_ARGS_H
#define MINIMPI_LNCH_ARGS_H

#include <stddef.h>
#include <stdio.h>

#include "lnch_place_opts.h"

/* The most ranks one job may have: each rank costs the launcher three file
 * descriptors and a little memory, and one node never needs more. */
#define LNCH_NP_MAX 4096

/* The longest --timeout, in seconds (a year): enough for any real job, and
 * small enough that deadline arithmetic stays exact in a double. */
#define LNCH_TIMEOUT_MAX (365.0 * 24 * 3600)

typedef enum lnch_action {
    LNCH_ACTION_RUN = 0,          /* start the job */
    LNCH_ACTION_HELP,             /* -h, --help */
    LNCH_ACTION_HELP_ENV,         /* --help-env */
    LNCH_ACTION_VERSION,          /* --version */
} lnch_action_t;

typedef struct lnch_args {
    lnch_action_t action;
    int np;                       /* number of ranks; 1 when -n is not given */
    int tag_output;               /* --tag-output */
    double timeout;               /* --timeout in seconds; 0 when not given */
    const char **env;             /* -x arguments as given: "VAR" or "VAR=value" */
    int num_env;
    char **prog_argv;             /* the program and its arguments, NULL-terminated
                                   * (points into the argv given to the parser) */
    lnch_place_opts_t place;      /* --map-by, --bind-to, --cpu-set, --report-bindings,
                                   * --display-map */
    /* Multi-node options (see lnch_hosts.h and lnch_remote.h). */
    int np_given;                 /* -n was given (else the host list decides) */
    int npernode;                 /* -N, --npernode; 0 when not given */
    const char **hosts;           /* -H/--host lists, in order */
    int num_hosts;
    const char *hostfile;         /* --hostfile/--machinefile, or NULL */
    const char *launch_agent;     /* --launch-agent, or NULL (ssh) */
    const char *iface;            /* --iface, or NULL (MINIMPI_IFACE, else the route) */
    double hang_timeout;          /* --hang-timeout in seconds; 0 when not given */
    const char *hang_action;      /* --hang-action: "abort" or "report", or NULL */
    const char *profile;          /* --profile[=FILE]: FILE, or NULL */
} lnch_args_t;

/*
 * Parse argv (argv[0] is the launcher's own name).  Returns 0, or -1 with a
 * one-line reason naming the offending flag in `err` (no "mini-mpirun:"
 * prefix, no newline).  Parsing stops at the first argument that is not an
 * option, or after "--": the rest belongs to the program.  On success the
 * caller owns `args` and releases it with lnch_args_fini().
 */
int lnch_args_parse(int argc, char **argv, lnch_args_t *args, char *err, size_t err_len);

void lnch_args_fini(lnch_args_t *args);

/* A -x name is a valid environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
int lnch_args_env_name_ok(const char *name, size_t len);

/* The full --help text. */
void lnch_args_usage(FILE *out);

#endif /* MINIMPI_LNCH_ARGS_H */

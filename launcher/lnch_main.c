/*
 * lnch_main.c -- mini-mpirun: start N ranks of a program on this node,
 * serve them PMI-1, forward their output, and end with the job's status.
 * See lnch_args.h for the command line and lnch_job.h for how a job ends.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "lnch_args.h"
#include "lnch_insight.h"
#include "lnch_job.h"
#include "lnch_loop.h"
#include "lnch_place_job.h"
#include "lnch_remote.h"
#include "lnch_shm.h"
#include "lnch_signals.h"
#include "lnch_spawn.h"

/* Exit status for a bad command line, as most command-line tools use. */
#define LNCH_EXIT_USAGE 2

/* A launcher started with stdin, stdout or stderr closed would hand those
 * numbers to its own pipes, which then alias the ranks' standard streams. */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (nfd >= 0 && nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

/*
 * The hang timeout and action: the options, else MINIMPI_HANG_TIMEOUT and
 * MINIMPI_HANG_ACTION.  The ranks learn the timeout through their
 * environment (they send notices only with it).  Returns 0, or -1 after
 * printing why.
 */
static int hang_options(lnch_args_t *args, double *timeout, int *report_only)
{
    static char env[64];
    *timeout = args->hang_timeout;
    if (*timeout == 0) {
        const char *text = cfg_get("MINIMPI_HANG_TIMEOUT");
        char *end;
        *timeout = strtod(text, &end);
        if (text[0] == '\0' || *end != '\0' || !(*timeout >= 0) || *timeout > LNCH_TIMEOUT_MAX) {
            fprintf(stderr, "mini-mpirun: MINIMPI_HANG_TIMEOUT must be a number of seconds "
                            "(0: off), not '%s'\n", text);
            return -1;
        }
    }
    const char *action =
        args->hang_action != NULL ? args->hang_action : cfg_get("MINIMPI_HANG_ACTION");
    if (strcmp(action, "abort") != 0 && strcmp(action, "report") != 0) {
        fprintf(stderr, "mini-mpirun: MINIMPI_HANG_ACTION must be abort or report, not '%s'\n",
                action);
        return -1;
    }
    *report_only = strcmp(action, "report") == 0;
    if (*timeout > 0) {
        /* args->env has room for one more: argv[0] and PROGRAM are no -x. */
        snprintf(env, sizeof(env), "MINIMPI_HANG_TIMEOUT=%.17g", *timeout);
        args->env[args->num_env++] = env;
    }
    return 0;
}

int main(int argc, char **argv)
{
    lnch_args_t args;
    char err[512];

    ensure_std_fds();
    if (lnch_args_parse(argc, argv, &args, err, sizeof(err)) != 0) {
        fprintf(stderr, "mini-mpirun: %s\nTry 'mini-mpirun --help'.\n", err);
        lnch_args_fini(&args);
        return LNCH_EXIT_USAGE;
    }
    switch (args.action) {
    case LNCH_ACTION_HELP:
        lnch_args_usage(stdout);
        lnch_args_fini(&args);
        return 0;
    case LNCH_ACTION_HELP_ENV:
        cfg_print_help(stdout);
        lnch_args_fini(&args);
        return 0;
    case LNCH_ACTION_VERSION:
        printf("mini-mpirun (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        lnch_args_fini(&args);
        return 0;
    case LNCH_ACTION_RUN:
        break;
    }

    double hang_timeout;
    int hang_report_only;
    if (hang_options(&args, &hang_timeout, &hang_report_only) != 0) {
        lnch_args_fini(&args);
        return LNCH_EXIT_USAGE;
    }
    int exit_code = 1;
    int sig_fd = lnch_signals_init();
    if (sig_fd < 0)
        goto out_args;
    lnch_job_t job;
    if (lnch_remote_wanted(&args)) {
        int code = lnch_remote_job_init(&job, &args);
        if (code != 0) {
            exit_code = code;
            goto out_signals;
        }
    } else if (lnch_job_init(&job, args.np, args.tag_output) != 0) {
        goto out_signals;
    }

    int rc = lnch_hang_setup(&job, hang_timeout, hang_report_only);
    if (rc != 0)
        goto out_job;
    /* A multi-node job's nodes may be one machine (containers, namespaces):
     * our own node's ranks are placed and started once every daemon has
     * said which machine it is (lnch_remote_share), so that the nodes of one
     * machine get disjoint cores. */
    rc = job.remote != NULL ? lnch_place_job_load(&job, &args.place)
                            : lnch_place_job_setup(&job, &args.place);
    if (rc != 0) {
        exit_code = rc;           /* reported already; nothing was started */
        goto out_job;
    }
    rc = job.remote != NULL ? lnch_remote_launch(&job, &args)
                            : lnch_spawn_job(&job, args.prog_argv, args.env, args.num_env);
    if (rc != 0) {
        /* Reported already; the loop kills and reaps what did start. */
        job.failed = 1;
        job.exit_code = rc;
        lnch_job_fail(&job, rc);
    } else if (job.remote == NULL) {
        lnch_place_job_report(&job);
    }
    lnch_loop_run(&job, sig_fd, args.timeout);
    lnch_remote_finish(&job);
    if (args.profile != NULL)
        lnch_insight_write_profile(&job, args.profile, stderr);
    (void)lnch_shm_cleanup(LNCH_SHM_DIR, job.id);
    exit_code = job.failed ? job.exit_code : 0;
out_job:
    lnch_hang_fini(&job);
    lnch_place_job_fini(&job);
    lnch_job_fini(&job);

out_signals:
    close(sig_fd);
out_args:
    lnch_args_fini(&args);
    return exit_code;
}

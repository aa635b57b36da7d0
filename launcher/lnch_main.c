/*
 * lnch_main.c -- mini-mpirun: start N ranks of a program on this node,
 * serve them PMI-1, forward their output, and end with the job's status.
 * See lnch_args.h for the command line and lnch_job.h for how a job ends.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

    int rc = lnch_place_job_setup(&job, &args.place);
    if (rc != 0) {
        exit_code = rc;           /* reported already; nothing was started */
        goto out_job;
    }
    rc = lnch_spawn_job(&job, args.prog_argv, args.env, args.num_env);
    if (rc == 0 && job.remote != NULL)
        rc = lnch_remote_launch(&job, &args);
    if (rc != 0) {
        /* Reported already; the loop kills and reaps what did start. */
        job.failed = 1;
        job.exit_code = rc;
        lnch_job_fail(&job, rc);
    } else {
        lnch_place_job_report(&job);
    }
    lnch_loop_run(&job, sig_fd, args.timeout);
    lnch_remote_finish(&job);
    if (args.profile != NULL)
        lnch_insight_write_profile(&job, args.profile, stderr);
    (void)lnch_shm_cleanup(LNCH_SHM_DIR, job.id);
    exit_code = job.failed ? job.exit_code : 0;
out_job:
    lnch_place_job_fini(&job);
    lnch_job_fini(&job);

out_signals:
    close(sig_fd);
out_args:
    lnch_args_fini(&args);
    return exit_code;
}

/*
 * lnch_loop.h -- the launcher's event loop: one poll() over the signalfd,
 * our stdin, and every rank's PMI socket, stdout and stderr.  No threads,
 * no busy waiting; the only timers are --timeout and the kill grace period.
 */
#ifndef MINIMPI_LNCH_LOOP_H
#define MINIMPI_LNCH_LOOP_H

#include "lnch_job.h"

/*
 * Serve the job until every rank is reaped and its output forwarded.
 * `timeout` is --timeout in seconds (0: none), counted from now.  On return
 * no rank and no process of their groups is left; the job's exit status is
 * in job->exit_code (when job->failed).
 */
void lnch_loop_run(lnch_job_t *job, int sig_fd, double timeout);

#endif /* MINIMPI_LNCH_LOOP_H */

/*
 * lnch_spawn.h -- start the ranks of a job on this node.
 *
 * Each rank is forked into its own process group (so that signals reach
 * everything it starts), dies with the launcher (PR_SET_PDEATHSIG), and
 * inherits only the fds it needs: stdin (rank 0: a pipe fed from our stdin;
 * the others: /dev/null), stdout and stderr pipes, and its end of a PMI
 * socketpair, named by PMI_FD.  Whether exec worked is learnt through a
 * close-on-exec pipe, not guessed in advance.
 */
#ifndef MINIMPI_LNCH_SPAWN_H
#define MINIMPI_LNCH_SPAWN_H

#include "lnch_job.h"

/*
 * Set the job's environment (PMI_SIZE, PMI_JOBID, the -x variables), then
 * fork and exec every rank.  Returns 0, or the exit code the launcher
 * should end with (127 program not found, 126 not executable, 1 other)
 * after printing why; ranks already started are then left for the event
 * loop to kill and reap.
 */
int lnch_spawn_job(lnch_job_t *job, char **argv, const char **env, int num_env);

#endif /* MINIMPI_LNCH_SPAWN_H */

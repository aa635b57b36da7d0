/*
 * lnch_insight.h -- mini-mpirun's half of seeing inside a job (issue 11).
 *
 * --report-transports: every rank puts, at MPI_Init, the PMI key
 * "minimpi-transports-<rank>" = "<node>|<host>|<same>|<other>", where <same>
 * describes how it reaches the ranks of its own node and <other> those of
 * the other nodes ("-" when there are none), spaces written as '+'
 * (runtime/rt_insight_transports.c).  When the last rank's key arrives the
 * launcher prints the job's summary on stderr, once: since every rank puts
 * before the fence that ends its MPI_Init, that is before any rank's output
 * after MPI_Init.
 */
#ifndef MINIMPI_LNCH_INSIGHT_H
#define MINIMPI_LNCH_INSIGHT_H

#include <stdio.h>

#include "lnch_job.h"

#define LNCH_INSIGHT_TRANSPORTS_KEY "minimpi-transports-"

/* A PMI put of `key` was stored: count transport reports, and print the
 * summary to `out` once every rank's is in. */
void lnch_insight_put(lnch_job_t *job, const char *key, FILE *out);

/* Print the transport summary of the `size` ranks whose reports are in the
 * job's key-value store (exposed for the unit test). */
void lnch_insight_print_transports(const lnch_job_t *job, FILE *out);

/*
 * --hang-timeout S (lnch_insight_hang.c).  A rank waiting in a blocking MPI
 * call sends now and then, with no reply, the PMI line
 *   cmd=minimpi_hang call=MPI_Recv args=source=0,+tag=5,+comm=MPI_COMM_WORLD
 *       waitfor=<world ranks, comma-separated, or -1> wait=<s in the call>
 *       done=<progress count> pending=<requests in flight> more=<N>
 * (spaces of args and pending written as '+'; "-" when empty).  A Wait on
 * an array shows args=count=N and waits for the peers of the array's
 * incomplete requests; pending describes at most four of the program's
 * nonblocking requests ("MPI_Irecv(source=0,+tag=5,+comm=...),+MPI_Isend(...)"),
 * more counts the others.  pending and more may be missing.  When no
 * rank made progress for S seconds while one waited that long, mini-mpirun
 * prints where every rank is and the cycle of waits if there is one, then
 * ends the job with LNCH_HANG_EXIT unless the action is report.
 */
#define LNCH_HANG_EXIT 125

/* Start watching (timeout > 0); 0, or -1 after printing why. */
int lnch_hang_setup(lnch_job_t *job, double timeout, int report_only);
void lnch_hang_fini(lnch_job_t *job);
/* A rank's minimpi_hang notice; any other PMI line (progress). */
void lnch_hang_notice(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg);
void lnch_hang_activity(lnch_job_t *job);
/* When the event loop should call lnch_hang_tick next (0: never). */
double lnch_hang_deadline(const lnch_job_t *job);
/* Check for a hang now: report to `out`, end the job unless report_only. */
void lnch_hang_tick(lnch_job_t *job, double now, FILE *out);

/*
 * --profile[=FILE]: at MPI_Finalize every rank puts its profile as text
 * records "T,<ns in MPI>,<ns since MPI_Init>;" "C,<call>,<calls>,<ns>;"
 * "B,<world rank>,<bytes sent to it>;" "H,<bin>,<messages>;" (bin 0: empty
 * messages, bin b: 2^(b-1) to 2^b-1 bytes), cut into chunks under the keys
 * "minimpi-profile-<rank>-<i>" and then the number of chunks under
 * "minimpi-profile-<rank>-n" (runtime/rt_insight_profile.c).  When the job
 * is over, the launcher merges them: a summary to `out`, FILE.csv (the byte
 * matrix), FILE.png (gnuplot heat map, when gnuplot runs) and FILE.html.
 */
#define LNCH_INSIGHT_PROFILE_KEY "minimpi-profile-"
void lnch_insight_write_profile(const lnch_job_t *job, const char *file, FILE *out);

#endif /* MINIMPI_LNCH_INSIGHT_H */

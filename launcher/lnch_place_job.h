/*
 * lnch_place_job.h -- placement of a job's ranks on this node: load the
 * machine's topology, compute where each rank runs (lnch_place.h), tell the
 * ranks through PMI keys, bind each child before it execs, and print what
 * --display-map and --report-bindings ask for.
 */
#ifndef MINIMPI_LNCH_PLACE_JOB_H
#define MINIMPI_LNCH_PLACE_JOB_H

#include "lnch_job.h"
#include "lnch_place.h"

/*
 * Place the job's ranks (all on this node) and publish the placement keys
 * in its key-value store; print the map with --display-map.  The allowed
 * set is the launcher's own binding within the cgroup's cpus, within
 * --cpu-set.  Returns 0, or the exit code for the launcher after printing
 * why: 2 for a --cpu-set naming cpus not available here, 1 otherwise.
 */
int lnch_place_job_setup(lnch_job_t *job, const lnch_place_opts_t *opts);

/* In the child of rank `rank`, after fork: bind it.  Returns 0 (also when
 * the job is not placed), or -1 with errno set. */
int lnch_place_job_bind_child(const lnch_job_t *job, int rank);

/* --report-bindings: one line per started rank on stderr (needs the pids). */
void lnch_place_job_report(const lnch_job_t *job);

void lnch_place_job_fini(lnch_job_t *job);

#endif /* MINIMPI_LNCH_PLACE_JOB_H */

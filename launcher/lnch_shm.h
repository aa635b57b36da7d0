/*
 * lnch_shm.h -- removal of a job's shared-memory files.
 *
 * The runtime unlinks its segments as soon as every rank has attached, but
 * a job that dies inside that window leaves them behind; the launcher
 * removes them when the job ends, whatever the ending.
 */
#ifndef MINIMPI_LNCH_SHM_H
#define MINIMPI_LNCH_SHM_H

/* Where POSIX shared memory lives on Linux. */
#define LNCH_SHM_DIR "/dev/shm"

/*
 * Remove every entry of `dir` whose name starts with "minimpi-<job_id>-".
 * Returns the number removed, or -1 when `dir` cannot be read (reported).
 */
int lnch_shm_cleanup(const char *dir, const char *job_id);

#endif /* MINIMPI_LNCH_SHM_H */

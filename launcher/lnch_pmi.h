/*
 * lnch_pmi.h -- the PMI-1 ("simple") server side, one socket per rank.
 *
 * Replies follow MPICH's simple PMI and Hydra, so programs built with
 * MPICH can use this launcher too:
 *   init            -> cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0
 *   get_maxes       -> cmd=maxes kvsname_max=256 keylen_max=64 vallen_max=1024 rc=0
 *   get_appnum      -> cmd=appnum appnum=0 rc=0
 *   get_my_kvsname  -> cmd=my_kvsname kvsname=<job id> rc=0
 *   get_universe_size -> cmd=universe_size size=<N> rc=0
 *   put             -> cmd=put_result rc=0 (rc=-1 msg=... on a duplicate or a full store)
 *   get             -> cmd=get_result rc=0 value=... (rc=-1 msg=key_<k>_not_found)
 *   barrier_in      -> cmd=barrier_out to every rank once all entered
 *   finalize        -> cmd=finalize_ack
 *   abort           -> no reply: the job ends with the given exitcode
 * A line that does not parse, or an unknown command, fails the job.
 */
#ifndef MINIMPI_LNCH_PMI_H
#define MINIMPI_LNCH_PMI_H

#include <stddef.h>

#include "lnch_job.h"

#define LNCH_PMI_KVSNAME_MAX 256

/*
 * Read what rank r sent (its socket is non-blocking) and answer every
 * complete line.  Returns 1 when the socket reached end of file or broke
 * (it is then closed), else 0.
 */
int lnch_pmi_read(lnch_job_t *job, lnch_rank_t *r);

/* Answer one line of `len` bytes ('\n' optional).  Returns 0, or -1 when
 * the line failed the job (reported already). */
int lnch_pmi_handle_line(lnch_job_t *job, lnch_rank_t *r, const char *line, size_t len);

/* Close the rank's PMI socket (idempotent). */
void lnch_pmi_close(lnch_job_t *job, lnch_rank_t *r);

#endif /* MINIMPI_LNCH_PMI_H */

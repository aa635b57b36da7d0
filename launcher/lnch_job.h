/*
 * lnch_job.h -- the state of one job: its ranks, its key-value store, and
 * how it is ending.
 *
 * The rules for ending a job live in lnch_job.c: the first failure (a rank
 * that dies, exits non-zero, aborts, breaks the protocol; the timeout; a
 * signal to the launcher) decides the exit status and is the only one
 * reported; every rank still alive is then sent SIGTERM (or the launcher's
 * signal) and, after a grace period, SIGKILL, always to its whole process
 * group.
 */
#ifndef MINIMPI_LNCH_JOB_H
#define MINIMPI_LNCH_JOB_H

#include <stddef.h>
#include <sys/types.h>

#include "lnch_kvs.h"
#include "lnch_stdio.h"
#include "pmi_wire.h"

#define LNCH_JOB_ID_MAX 64
#define LNCH_HOST_MAX 256

/* How long ranks get between SIGTERM and SIGKILL. */
#define LNCH_GRACE_FAILURE 0.5    /* after a rank failure or the timeout */
#define LNCH_GRACE_SIGNAL 1.0     /* after forwarding SIGINT or SIGTERM */

typedef struct lnch_rank {
    int rank;
    pid_t pid;                     /* 0 until forked; also its process group id */
    int alive;                     /* forked and not yet reaped */
    int reaped;                    /* forked and reaped */
    int status;                    /* wait status, once reaped */
    int pmi_fd;                    /* launcher's end of the PMI socketpair; -1 once closed */
    char pmi_in[PMI_WIRE_LINE_MAX];/* received bytes of an incomplete PMI line */
    size_t pmi_len;
    int pmi_inited;                /* sent cmd=init */
    int pmi_finalized;             /* sent cmd=finalize */
    int in_barrier;                /* sent barrier_in, waits for barrier_out */
    lnch_stream_t out, err;        /* its stdout and stderr */
    /* Multi-node jobs (lnch_remote.h): a rank on another node has no pid,
     * fds or process group here; its daemon reports for it. */
    int node;                      /* index in the host list (0 on one node) */
    int remote;                    /* runs on another node, under a daemon */
    long remote_pid;               /* its pid there, once the daemon reported it */
} lnch_rank_t;

struct lnch_remote;
typedef struct lnch_hang lnch_hang_t;

typedef struct lnch_job {
    char id[LNCH_JOB_ID_MAX];      /* also the PMI kvsname: [A-Za-z0-9_-] only */
    char host[LNCH_HOST_MAX];
    int size;
    lnch_rank_t *ranks;
    lnch_kvs_t kvs;
    int barrier_count;             /* ranks inside the current PMI barrier */
    int tag_output;

    int failed;                    /* exit_code is decided */
    int exit_code;
    int ending;                    /* ranks were told to stop; their deaths are not reported */
    double kill_at;                /* when to SIGKILL the groups (monotonic s), 0 = never */

    /* stdin forwarding to rank 0 */
    int stdin_src;                 /* our stdin, or -1 when no longer read */
    int stdin_sink;                /* write end of rank 0's stdin pipe, or -1 */
    char stdin_buf[4096];
    size_t stdin_len, stdin_off;

    struct lnch_job_place *place;  /* where the ranks run (lnch_place_job.c); NULL: they
                                    * inherit the launcher's binding */
    /* Multi-node jobs. */
    struct lnch_remote *remote;    /* the daemons (mini-mpirun's side), or NULL */
    char **node_names;             /* host list names by node index, or NULL (one node) */
    int world_size;                /* PMI_SIZE when a daemon runs part of a job, else 0 */
    /* When set, PMI lines are handed here instead of being answered (the
     * daemon relays them to mini-mpirun). */
    int (*pmi_line_hook)(struct lnch_job *job, lnch_rank_t *r, const char *line, size_t len);
    int transports_reported;       /* --report-transports: ranks whose report is in */
    char **report_lines;           /* multi-node --report-bindings: each rank's line by rank
                                    * until all are in (lnch_place_job.c), else NULL */
    struct lnch_hang *hang;        /* --hang-timeout state (lnch_insight_hang.c), or NULL */
} lnch_job_t;

/*
 * Set up a job of `size` ranks (not started): a fresh job id, the host
 * name, and a key-value store holding PMI_process_mapping.  Returns 0, or
 * -1 after printing why.
 */
int lnch_job_init(lnch_job_t *job, int size, int tag_output);
/* The same with the PMI_process_mapping value given (a multi-node job). */
int lnch_job_init_mapped(lnch_job_t *job, int size, int tag_output, const char *mapping);

/* The host a rank runs on (its host-list name, or this host's name), and
 * its pid there: for messages. */
const char *lnch_job_rank_host(const lnch_job_t *job, const lnch_rank_t *r);
long lnch_job_rank_pid(const lnch_rank_t *r);
/* Close every fd and free; the ranks must have been reaped. */
void lnch_job_fini(lnch_job_t *job);

/* Seconds on the monotonic clock. */
double lnch_now(void);

/* Decide the exit code (unless decided already) and start ending the job:
 * SIGTERM to every live rank's group, SIGKILL after LNCH_GRACE_FAILURE. */
void lnch_job_fail(lnch_job_t *job, int exit_code);

/* The launcher got `sig` (SIGINT, SIGTERM, ...): forward it to every group,
 * SIGKILL after LNCH_GRACE_SIGNAL; a second signal sends SIGKILL at once. */
void lnch_job_forward_signal(lnch_job_t *job, int sig);

/* Send `sig` to the process group of every rank that was started. */
void lnch_job_signal_groups(lnch_job_t *job, int sig);

/* The number of ranks forked and not yet reaped. */
int lnch_job_alive(const lnch_job_t *job);

/* The rank whose pid is `pid`, or NULL. */
lnch_rank_t *lnch_job_find_pid(lnch_job_t *job, pid_t pid);

/*
 * A rank was reaped with wait status `status`: read what it left in its
 * PMI socket and pipes, then judge its ending (report it and fail the job
 * when it failed).
 */
void lnch_job_rank_exited(lnch_job_t *job, lnch_rank_t *r, int status);

/* Reap, without waiting, every rank but `except` that has exited
 * (lnch_job_rank_exited for each). */
void lnch_job_reap_others(lnch_job_t *job, const lnch_rank_t *except);

/*
 * A PMI barrier can no longer complete when some rank waits in it and
 * another rank exited without entering it: report that and fail the job.
 */
void lnch_job_check_barrier(lnch_job_t *job);

/* Write "1, 3" (ranks still alive) into buf. */
void lnch_job_alive_list(const lnch_job_t *job, char *buf, size_t len);

#endif /* MINIMPI_LNCH_JOB_H */

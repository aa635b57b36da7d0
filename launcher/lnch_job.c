/*
 * lnch_job.c -- job state and the rules for ending a job (see lnch_job.h).
 */
#define _GNU_SOURCE             /* strsignal */
#include "lnch_job.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lnch_pmi.h"
#include "lnch_remote.h"

double lnch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "<pid>-<8 hex digits>": unique among the launcher's live jobs through the
 * pid, and across pid reuse through the random part. */
static void make_job_id(char *id, size_t len)
{
    unsigned int rnd;
    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
        /* No entropy yet (very early boot): the clock is unique enough. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rnd = (unsigned int)ts.tv_nsec ^ (unsigned int)ts.tv_sec;
    }
    snprintf(id, len, "%ld-%08x", (long)getpid(), rnd);
}

int lnch_job_init(lnch_job_t *job, int size, int tag_output)
{
    /* One node holding all ranks: (vector,(first node, node count, ranks per node)). */
    char mapping[64];
    snprintf(mapping, sizeof(mapping), "(vector,(0,1,%d))", size);
    return lnch_job_init_mapped(job, size, tag_output, mapping);
}

const char *lnch_job_rank_host(const lnch_job_t *job, const lnch_rank_t *r)
{
    return job->node_names != NULL ? job->node_names[r->node] : job->host;
}

long lnch_job_rank_pid(const lnch_rank_t *r)
{
    return r->remote ? r->remote_pid : (long)r->pid;
}

int lnch_job_init_mapped(lnch_job_t *job, int size, int tag_output, const char *mapping)
{
    memset(job, 0, sizeof(*job));
    job->size = size;
    job->tag_output = tag_output;
    job->stdin_src = -1;
    job->stdin_sink = -1;
    make_job_id(job->id, sizeof(job->id));
    if (gethostname(job->host, sizeof(job->host)) != 0)
        snprintf(job->host, sizeof(job->host), "localhost");
    job->host[sizeof(job->host) - 1] = '\0';

    job->ranks = calloc((size_t)size, sizeof(*job->ranks));
    if (job->ranks == NULL)
        goto err_ranks;
    for (int i = 0; i < size; i++) {
        lnch_rank_t *r = &job->ranks[i];
        r->rank = i;
        r->pmi_fd = -1;
        char prefix[48];
        snprintf(prefix, sizeof(prefix), "[1,%d]<stdout>:", i);
        lnch_stream_init(&r->out, -1, STDOUT_FILENO, tag_output ? prefix : NULL);
        snprintf(prefix, sizeof(prefix), "[1,%d]<stderr>:", i);
        lnch_stream_init(&r->err, -1, STDERR_FILENO, tag_output ? prefix : NULL);
    }

    if (lnch_kvs_init(&job->kvs, LNCH_KVS_MAX_ENTRIES) != 0)
        goto err_kvs;
    if (lnch_kvs_put(&job->kvs, "PMI_process_mapping", mapping) != LNCH_KVS_OK)
        goto err_mapping;
    return 0;

err_mapping:
    lnch_kvs_fini(&job->kvs);
err_kvs:
    free(job->ranks);
    job->ranks = NULL;
err_ranks:
    fprintf(stderr, "mini-mpirun: out of memory setting up a job of %d ranks\n", size);
    return -1;
}

void lnch_job_fini(lnch_job_t *job)
{
    for (int i = 0; job->ranks != NULL && i < job->size; i++) {
        lnch_rank_t *r = &job->ranks[i];
        lnch_pmi_close(job, r);
        lnch_stream_finish(&r->out);
        lnch_stream_finish(&r->err);
    }
    if (job->stdin_sink >= 0)
        close(job->stdin_sink);
    job->stdin_sink = -1;
    job->stdin_src = -1;          /* our own stdin: left open */
    free(job->ranks);
    job->ranks = NULL;
    lnch_kvs_fini(&job->kvs);
    lnch_remote_fini(job);
}

void lnch_job_signal_groups(lnch_job_t *job, int sig)
{
    /* Reaped ranks too: a rank's children may still live in its group. */
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].pid > 0)
            (void)kill(-job->ranks[i].pid, sig);
    if (job->remote != NULL)
        lnch_remote_signal(job, sig);
}

static void start_ending(lnch_job_t *job, int sig, double grace)
{
    if (job->ending)
        return;
    job->ending = 1;
    lnch_job_signal_groups(job, sig);
    /* A stopped rank would only see the signal once continued. */
    lnch_job_signal_groups(job, SIGCONT);
    job->kill_at = lnch_now() + grace;
}

void lnch_job_fail(lnch_job_t *job, int exit_code)
{
    if (!job->failed) {
        job->failed = 1;
        job->exit_code = exit_code;
    }
    start_ending(job, SIGTERM, LNCH_GRACE_FAILURE);
}

void lnch_job_forward_signal(lnch_job_t *job, int sig)
{
    if (job->ending) {
        /* Asked twice: stop waiting. */
        lnch_job_signal_groups(job, SIGKILL);
        job->kill_at = 0;
        return;
    }
    if (!job->failed) {
        job->failed = 1;
        job->exit_code = 128 + sig;
    }
    start_ending(job, sig, LNCH_GRACE_SIGNAL);
}

int lnch_job_alive(const lnch_job_t *job)
{
    int n = 0;
    for (int i = 0; i < job->size; i++)
        n += job->ranks[i].alive;
    return n;
}

lnch_rank_t *lnch_job_find_pid(lnch_job_t *job, pid_t pid)
{
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].pid == pid)
            return &job->ranks[i];
    return NULL;
}

void lnch_job_alive_list(const lnch_job_t *job, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < job->size && used < len; i++) {
        if (!job->ranks[i].alive)
            continue;
        int n = snprintf(buf + used, len - used, "%s%d", used ? ", " : "", i);
        if (n < 0 || (size_t)n >= len - used) {
            /* Too many to list: end with an ellipsis where it still fits. */
            if (len >= 4)
                snprintf(buf + (used + 4 < len ? used : len - 4), 4, "...");
            return;
        }
        used += (size_t)n;
    }
}

/* ", killing the job" only when there is something left to kill. */
static const char *killing_suffix(const lnch_job_t *job)
{
    return lnch_job_alive(job) > 0 ? "; killing the job" : "";
}

void lnch_job_rank_exited(lnch_job_t *job, lnch_rank_t *r, int status)
{
    r->alive = 0;
    r->reaped = 1;
    r->status = status;

    /* The rank is dead, so everything it wrote is in our buffers now: handle
     * a finalize or abort it sent just before exiting, and forward its last
     * output before any message about its end. */
    if (r->pmi_fd >= 0)
        (void)lnch_pmi_read(job, r);
    if (r->out.fd >= 0)
        (void)lnch_stream_read(&r->out);
    if (r->err.fd >= 0)
        (void)lnch_stream_read(&r->err);
    if (r->rank == 0 && job->stdin_sink >= 0) {
        close(job->stdin_sink);
        job->stdin_sink = -1;
        job->stdin_src = -1;
    }

    if (job->ending)
        return;                   /* we are killing it, or it already failed the job */
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        fprintf(stderr, "mini-mpirun: rank %d on %s (pid %ld) was killed by signal %d (%s)%s\n",
                r->rank, lnch_job_rank_host(job, r), lnch_job_rank_pid(r), sig, strsignal(sig), killing_suffix(job));
        lnch_job_fail(job, 128 + sig);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        fprintf(stderr, "mini-mpirun: rank %d on %s (pid %ld) exited with code %d%s\n", r->rank,
                lnch_job_rank_host(job, r), lnch_job_rank_pid(r), WEXITSTATUS(status), killing_suffix(job));
        lnch_job_fail(job, WEXITSTATUS(status));
    } else if (r->pmi_inited && !r->pmi_finalized) {
        fprintf(stderr,
                "mini-mpirun: rank %d on %s (pid %ld) exited without calling MPI_Finalize%s\n",
                r->rank, lnch_job_rank_host(job, r), lnch_job_rank_pid(r), killing_suffix(job));
        lnch_job_fail(job, 1);
    } else {
        lnch_job_check_barrier(job);
    }
}

void lnch_job_check_barrier(lnch_job_t *job)
{
    if (job->ending || job->barrier_count == 0)
        return;
    /* Only reaped ranks count as gone: a closed PMI socket alone may just be
     * a rank on its way out, whose exit status is the better report. */
    for (int i = 0; i < job->size; i++) {
        lnch_rank_t *r = &job->ranks[i];
        if (!r->in_barrier && r->reaped) {
            fprintf(stderr,
                    "mini-mpirun: rank %d on %s (pid %ld) exited while %d rank(s) wait for it "
                    "in a PMI barrier%s\n",
                    r->rank, lnch_job_rank_host(job, r), lnch_job_rank_pid(r), job->barrier_count, killing_suffix(job));
            lnch_job_fail(job, 1);
            return;
        }
    }
}

/* A rank killed with SIGKILL is not reapable at once: tearing down a large
 * address space (a sanitizer's shadow memory) can take a few hundred
 * milliseconds, and a peer may notice the death and abort before that.  So
 * the abort path polls for that long, and stops as soon as one rank is
 * reaped; a healthy job's MPI_Abort is reported that much later. */
#define LNCH_REAP_GRACE_MS 500

void lnch_job_reap_others(lnch_job_t *job, const lnch_rank_t *except)
{
    for (int waited_ms = 0;; waited_ms += 10) {
        int reaped = 0, waitable = 0;
        for (int i = 0; i < job->size; i++) {
            lnch_rank_t *r = &job->ranks[i];
            int status;
            if (r != except && r->alive && r->pid > 0) {
                waitable++;
                if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
                    lnch_job_rank_exited(job, r, status);
                    reaped = 1;
                }
            }
        }
        /* No other local rank alive: there is nothing to wait for. */
        if (reaped || waitable == 0 || job->ending || waited_ms >= LNCH_REAP_GRACE_MS)
            return;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

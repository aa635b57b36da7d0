/*
 * lnch_insight_hang.c -- mini-mpirun --hang-timeout: notice that a job
 * stopped making progress, and say where each rank waits.
 *
 * Ranks waiting in a blocking MPI call send, a few times per timeout, a
 * "minimpi_hang" PMI notice (runtime/rt_insight_hang.c): the call, its
 * arguments, the world ranks it waits for, how long it has waited, how
 * many blocking calls the rank has entered (and requests a Waitall
 * completed) so far, and the nonblocking requests it has in flight.  Progress, for the
 * launcher, is any of: a notice whose count moved, any other PMI line, a
 * rank exiting.  When there was none for the timeout while some rank has
 * waited at least that long in one call, the job hangs: one line per rank,
 * the cycle of waits when there is one, then the job ends (or, with
 * --hang-action=report, goes on).  A rank computing without MPI calls sends
 * nothing and is shown as such: it is only reported when the job has made
 * no progress for the whole timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnch_insight.h"

/* Most ranks one rank is shown waiting for (a Waitall on many peers). */
#define HANG_WAITFOR_MAX 8

typedef struct hang_rank {
    int seen;                      /* sent a notice */
    char call[40];
    char args[300];
    char pending[1000];            /* its incomplete requests, described ("" none) */
    int more;                      /* incomplete requests not described */
    int nwaitfor;
    int waitfor[HANG_WAITFOR_MAX]; /* world ranks, each in [0, size) */
    double wait;                   /* seconds in the call when the notice was sent */
    double notice_at;              /* when it arrived (lnch_now) */
    char done[24];                 /* blocking calls entered (as text: only compared) */
} hang_rank_t;

struct lnch_hang {
    double timeout;
    int report_only;
    double interval;               /* the ranks' notice interval */
    double last_progress;
    double next_check;
    int alive;
    int reported;                  /* this stall is reported already */
    hang_rank_t *ranks;
};

int lnch_hang_setup(lnch_job_t *job, double timeout, int report_only)
{
    job->hang = NULL;
    if (!(timeout > 0))
        return 0;
    lnch_hang_t *h = calloc(1, sizeof(*h));
    hang_rank_t *ranks = calloc((size_t)job->size, sizeof(*ranks));
    if (h == NULL || ranks == NULL) {
        free(h);
        free(ranks);
        fprintf(stderr, "mini-mpirun: out of memory setting up the hang diagnosis\n");
        return -1;
    }
    h->timeout = timeout;
    h->report_only = report_only;
    /* As the ranks compute it (rt_insight_hang_init). */
    h->interval = timeout / 4 < 1.0 ? timeout / 4 : 1.0;
    h->last_progress = lnch_now();
    h->alive = -1;
    h->ranks = ranks;
    job->hang = h;
    return 0;
}

void lnch_hang_fini(lnch_job_t *job)
{
    if (job->hang == NULL)
        return;
    free(job->hang->ranks);
    free(job->hang);
    job->hang = NULL;
}

static void progress(lnch_hang_t *h)
{
    h->last_progress = lnch_now();
    h->reported = 0;
}

void lnch_hang_activity(lnch_job_t *job)
{
    if (job->hang != NULL)
        progress(job->hang);
}

/* A text field of a notice: "-" is empty, '+' stands for a space. */
static void from_value(char *out, size_t len, const char *value)
{
    snprintf(out, len, "%s", strcmp(value, "-") == 0 ? "" : value);
    for (char *s = out; *s != '\0'; s++)
        if (*s == '+')
            *s = ' ';
}

/* "-1", or world ranks separated by commas: the ranks in [0, size) are
 * kept (at most HANG_WAITFOR_MAX), anything else is skipped. */
static void parse_waitfor(const lnch_job_t *job, hang_rank_t *hr, const char *text)
{
    hr->nwaitfor = 0;
    const char *s = text;
    while (*s != '\0' && hr->nwaitfor < HANG_WAITFOR_MAX) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end != s && v >= 0 && v < job->size)
            hr->waitfor[hr->nwaitfor++] = (int)v;
        s = strchr(end, ',');
        if (s == NULL)
            break;
        s++;
    }
}

void lnch_hang_notice(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg)
{
    lnch_hang_t *h = job->hang;
    if (h == NULL || r->rank < 0 || r->rank >= job->size)
        return;
    hang_rank_t *hr = &h->ranks[r->rank];
    const char *call = pmi_wire_get(msg, "call"), *args = pmi_wire_get(msg, "args");
    const char *waitfor = pmi_wire_get(msg, "waitfor"), *wait = pmi_wire_get(msg, "wait");
    const char *done = pmi_wire_get(msg, "done");
    /* pending and more are optional: a notice without them lists none. */
    const char *pending = pmi_wire_get(msg, "pending"), *more = pmi_wire_get(msg, "more");
    if (call == NULL || args == NULL || waitfor == NULL || wait == NULL || done == NULL)
        return;                    /* a notice is advice: a bad one is ignored */
    if (!hr->seen || strcmp(hr->done, done) != 0)
        progress(h);
    hr->seen = 1;
    snprintf(hr->call, sizeof(hr->call), "%s", call);
    from_value(hr->args, sizeof(hr->args), args);
    from_value(hr->pending, sizeof(hr->pending), pending != NULL ? pending : "-");
    long m = more != NULL ? strtol(more, NULL, 10) : 0;
    hr->more = m < 0 ? 0 : m > 1000000000 ? 1000000000 : (int)m;
    parse_waitfor(job, hr, waitfor);
    hr->wait = atof(wait);
    hr->notice_at = lnch_now();
    snprintf(hr->done, sizeof(hr->done), "%s", done);
}

/* Whether rank i waits in a blocking call now: its last notice is recent
 * (a waiting rank sends one every interval). */
static int waiting(const lnch_hang_t *h, int i, double now)
{
    const hang_rank_t *hr = &h->ranks[i];
    return hr->seen && now - hr->notice_at <= 2 * h->interval + 0.5;
}

/* What rank i does, for the lines of the report. */
static void describe(const lnch_job_t *job, const lnch_hang_t *h, int i, double now, char *out,
                     size_t len)
{
    const lnch_rank_t *r = &job->ranks[i];
    const hang_rank_t *hr = &h->ranks[i];
    if (r->reaped)
        snprintf(out, len, "has exited");
    else if (waiting(h, i, now)) {
        char more[32] = "";
        if (hr->more > 0)
            snprintf(more, sizeof(more), "%s+%d more", hr->pending[0] != '\0' ? ", " : "",
                     hr->more);
        snprintf(out, len, "%s(%s) waiting %.1f s%s%s%s", hr->call, hr->args,
                 hr->wait + (now - hr->notice_at),
                 hr->pending[0] != '\0' || hr->more > 0 ? "; pending: " : "", hr->pending, more);
    }
    else if (r->pmi_finalized)
        snprintf(out, len, "has finished MPI_Finalize");
    else
        snprintf(out, len, "not in a blocking MPI call (computing, or outside MPI)");
}

/*
 * Print the first cycle of "waits for" edges between waiting ranks: a
 * depth-first search from each rank in turn, the ranks on its current path
 * marked; an edge back to one of them closes a cycle.  A rank in a Waitany
 * or Waitsome waits for any one of its edges, so a cycle through it names
 * a wait that no rank can end now, which a stalled job makes true anyway.
 */
static int print_cycle(const lnch_job_t *job, const lnch_hang_t *h, double now, FILE *out)
{
    int n = job->size;
    if (n <= 0)
        return 0;
    int *state = calloc((size_t)n, sizeof(*state)); /* 0 new, 1 on the path, 2 done */
    int *pos = calloc((size_t)n, sizeof(*pos));      /* index on the path */
    int *path = calloc((size_t)n, sizeof(*path));
    int *next = calloc((size_t)n, sizeof(*next));    /* next edge to follow, per path index */
    int found = 0;
    for (int start = 0; start < n && !found && path != NULL && next != NULL && state != NULL &&
                        pos != NULL;
         start++) {
        if (state[start] != 0 || !waiting(h, start, now))
            continue;
        int depth = 0;
        path[0] = start;
        next[0] = 0;
        pos[start] = 0;
        state[start] = 1;
        while (depth >= 0 && !found) {
            const hang_rank_t *hr = &h->ranks[path[depth]];
            if (next[depth] == hr->nwaitfor) {
                state[path[depth--]] = 2;
                continue;
            }
            int t = hr->waitfor[next[depth]++];
            if (state[t] == 1) {
                fprintf(out, "mini-mpirun: deadlock: %d", t);
                for (int k = pos[t] + 1; k <= depth; k++)
                    fprintf(out, " waits for %d", path[k]);
                fprintf(out, " waits for %d\n", t);
                found = 1;
            } else if (state[t] == 0 && waiting(h, t, now)) {
                path[++depth] = t;
                next[depth] = 0;
                pos[t] = depth;
                state[t] = 1;
            }
        }
    }
    free(state);
    free(pos);
    free(path);
    free(next);
    return found;
}

static void report(lnch_job_t *job, lnch_hang_t *h, double now, FILE *out)
{
    char what[1600];
    fprintf(out, "mini-mpirun: no rank completed an MPI call for %.1f s; the ranks:\n",
            now - h->last_progress);
    for (int i = 0; i < job->size; i++) {
        describe(job, h, i, now, what, sizeof(what));
        fprintf(out, "  rank %d: %s\n", i, what);
    }
    if (!print_cycle(job, h, now, out)) {
        /* No cycle: say what the ranks waited for are doing instead. */
        for (int i = 0; i < job->size; i++) {
            for (int e = 0; waiting(h, i, now) && e < h->ranks[i].nwaitfor; e++) {
                int t = h->ranks[i].waitfor[e];
                describe(job, h, t, now, what, sizeof(what));
                fprintf(out, "mini-mpirun: rank %d waits for rank %d, which is %s%s\n", i, t,
                        waiting(h, t, now) ? "in " : "", what);
            }
        }
    }
    fflush(out);
}

double lnch_hang_deadline(const lnch_job_t *job)
{
    return job->hang != NULL ? job->hang->next_check : 0;
}

void lnch_hang_tick(lnch_job_t *job, double now, FILE *out)
{
    lnch_hang_t *h = job->hang;
    if (h == NULL || now < h->next_check)
        return;
    h->next_check = now + (h->interval < 0.25 ? h->interval : 0.25);
    int alive = lnch_job_alive(job);
    if (alive != h->alive) {
        h->alive = alive;
        progress(h);
    }
    if (job->ending || h->reported || now - h->last_progress < h->timeout)
        return;
    int stuck = 0;
    for (int i = 0; i < job->size && !stuck; i++)
        stuck = waiting(h, i, now) && h->ranks[i].wait + (now - h->ranks[i].notice_at) >=
                                          h->timeout;
    if (!stuck)
        return;
    report(job, h, now, out);
    h->reported = 1;
    if (h->report_only)
        return;
    fprintf(out, "mini-mpirun: the job hangs; killing it (--hang-action=report would keep "
                 "waiting)\n");
    fflush(out);
    lnch_job_fail(job, LNCH_HANG_EXIT);
}

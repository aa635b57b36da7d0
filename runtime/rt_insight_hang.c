/*
 * rt_insight_hang.c -- a rank's half of mini-mpirun --hang-timeout.
 *
 * The blocking calls record themselves in rt_hang (rt_insight.h) with plain
 * stores.  While one of them idles, its progress loop calls
 * rt_insight_hang_tick, which now and then tells mini-mpirun over the PMI
 * connection what the rank waits for and how many blocking calls it has
 * entered: the launcher decides from those notices, and from its own view
 * of the job, whether the job stopped making progress.  No reply comes
 * back, so a notice never mixes with the request-reply PMI calls, which
 * only run inside MPI_Init and MPI_Finalize.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "pmi_wire.h"
#include "rt.h"
#include "rt_boot.h"
#include "rt_insight.h"
#include "rt_request.h"

rt_hang_state_t rt_hang;
int rt_hang_on;

/* Seconds between two notices of a waiting rank. */
static double interval;

void rt_insight_hang_init(void)
{
    const char *text = cfg_get("MINIMPI_HANG_TIMEOUT");
    char *end;
    double timeout = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || !(timeout > 0)) {
        rt_hang_on = 0;
        return;
    }
    /* Four notices per timeout keep the launcher's view fresh; more than
     * one a second would only cost system calls. */
    interval = timeout / 4 < 1.0 ? timeout / 4 : 1.0;
    rt_hang_on = 1;
}

/* "MPI_ANY_TAG" or the number. */
static void format_tag(int tag, char *out, size_t len)
{
    if (tag == MPI_ANY_TAG)
        snprintf(out, len, "MPI_ANY_TAG");
    else
        snprintf(out, len, "%d", tag);
}

/* The world rank of `peer` of `c` (-1: none, MPI_ANY_SOURCE, out of range). */
static int world_of(const rt_comm_t *c, int peer)
{
    return c != NULL && peer >= 0 && peer < c->peer_size ? c->peer_world_rank_of[peer] : -1;
}

/* Arguments as the user wrote them ("source=0, tag=5, comm=MPI_COMM_WORLD")
 * of a call on `c` whose peer is of `peer_kind` (rt_hang_peer_t).  A long
 * communicator name is cut. */
static void format_args(const rt_comm_t *c, int peer_kind, int peer, int tag, char *out,
                        size_t len)
{
    const char *role = peer_kind == RT_HANG_SOURCE ? "source"
                       : peer_kind == RT_HANG_DEST ? "dest"
                       : peer_kind == RT_HANG_ROOT ? "root"
                                                   : NULL;
    char p[48] = "", t[40] = "";
    if (role != NULL) {
        if (peer == MPI_ANY_SOURCE)
            snprintf(p, sizeof(p), "%s=MPI_ANY_SOURCE, ", role);
        else
            snprintf(p, sizeof(p), "%s=%d, ", role, peer);
    }
    if (peer_kind == RT_HANG_SOURCE || peer_kind == RT_HANG_DEST) {
        char num[24];
        format_tag(tag, num, sizeof(num));
        snprintf(t, sizeof(t), "tag=%s, ", num);
    }
    out[0] = '\0';
    if (c != NULL)
        snprintf(out, len, "%s%scomm=%s", p, t, c->name[0] != '\0' ? c->name : "(unnamed)");
}

/* How a request's peer is shown: receives have a source, sends a dest. */
static int req_peer_kind(const rt_request_t *req)
{
    return req->kind == RT_REQ_SEND ? RT_HANG_DEST
           : req->kind == RT_REQ_RECV ? RT_HANG_SOURCE
                                      : RT_HANG_NO_PEER;
}

/* A point-to-point request still in flight. */
static int req_pending(const rt_request_t *req)
{
    return req->active && !req->complete &&
           (req->kind == RT_REQ_SEND || req->kind == RT_REQ_RECV);
}

/* The world ranks a waiting rank waits for, as "1,3" ("-1": none known). */
#define WAITFOR_MAX 8

typedef struct waitfor {
    int n;
    int rank[WAITFOR_MAX];
} waitfor_t;

static void waitfor_add(waitfor_t *w, int rank)
{
    if (rank < 0 || w->n == WAITFOR_MAX)
        return;
    for (int i = 0; i < w->n; i++)
        if (w->rank[i] == rank)
            return;
    w->rank[w->n++] = rank;
}

/* The blocking call's arguments into `out`, the ranks it waits for into
 * `w`: its peer (not a collective's root: every member waits for all), or
 * for a Wait on an array the peers of the array's incomplete requests. */
static void describe_call(char *out, size_t len, waitfor_t *w)
{
    w->n = 0;
    if (rt_hang.reqs != NULL) {
        snprintf(out, len, "count=%d", rt_hang.nreqs);
        for (int i = 0; i < rt_hang.nreqs; i++) {
            const rt_request_t *req = rt_request_get(rt_hang.reqs[i]);
            if (req != NULL && req_pending(req))
                waitfor_add(w, world_of(req->comm, req->peer));
        }
        return;
    }
    format_args(rt_hang.comm, rt_hang.peer_kind, rt_hang.peer, rt_hang.tag, out, len);
    if (rt_hang.peer_kind == RT_HANG_SOURCE || rt_hang.peer_kind == RT_HANG_DEST)
        waitfor_add(w, world_of(rt_hang.comm, rt_hang.peer));
}

/* Collects the program's incomplete requests (point-to-point and
 * nonblocking collectives), for rt_request_foreach. */
#define PENDING_SHOWN 4

typedef struct pending {
    char text[900];
    size_t used;
    int shown, more;
} pending_t;

static int add_pending(rt_request_t *req, void *arg)
{
    pending_t *p = arg;
    if (req->call == NULL || req->detached || !req->active || req->complete)
        return 0;
    char args[300], item[360];
    format_args(req->comm, req_peer_kind(req), req->peer, req->tag, args, sizeof(args));
    int n = snprintf(item, sizeof(item), "%s%s(%s)", p->shown > 0 ? ", " : "", req->call, args);
    if (p->shown == PENDING_SHOWN || n < 0 || p->used + (size_t)n >= sizeof(p->text)) {
        p->more++;
        return 0;
    }
    memcpy(p->text + p->used, item, (size_t)n + 1);
    p->used += (size_t)n;
    p->shown++;
    return 0;
}

/* Make text a PMI value: no spaces (the launcher turns '+' back into ' ')
 * and nothing unprintable (a communicator name may hold anything). */
static void to_value(char *text)
{
    for (char *s = text; *s != '\0'; s++)
        if (*s == ' ')
            *s = '+';
        else if (*s < 0x21 || *s > 0x7e)
            *s = '?';
    if (text[0] == '\0')
        strcpy(text, "-");
}

void rt_insight_hang_tick(void)
{
    static unsigned long seen_seq;
    static double started, last_sent;
    double now = rt_wtime();
    if (rt_hang.seq != seen_seq) {
        seen_seq = rt_hang.seq;
        started = now;
    }
    if (rt_hang.call == NULL || now - last_sent < interval)
        return;
    last_sent = now;

    char args[256], waitfor[WAITFOR_MAX * 12 + 4] = "", wait[32], done[32], more[16];
    char line[PMI_WIRE_LINE_MAX];
    waitfor_t w;
    describe_call(args, sizeof(args), &w);
    for (int i = 0; i < w.n; i++) {
        size_t used = strlen(waitfor);
        snprintf(waitfor + used, sizeof(waitfor) - used, "%s%d", i > 0 ? "," : "", w.rank[i]);
    }
    if (w.n == 0)
        snprintf(waitfor, sizeof(waitfor), "-1");
    pending_t p = {.used = 0};
    p.text[0] = '\0';
    rt_request_foreach(add_pending, &p);
    snprintf(more, sizeof(more), "%d", p.more);
    to_value(args);
    to_value(p.text);
    snprintf(wait, sizeof(wait), "%.3f", now - started);
    snprintf(done, sizeof(done), "%lu", rt_hang.seq + rt_hang.steps);
    int n = pmi_wire_format(line, sizeof(line), "minimpi_hang", "call", rt_hang.call, "args",
                            args, "waitfor", waitfor, "wait", wait, "done", done, "pending",
                            p.text, "more", more, (char *)NULL);
    if (n > 0)
        rt_boot_pmi_notice(line, (size_t)n);
}

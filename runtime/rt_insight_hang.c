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

/* The call's arguments as the user wrote them ("source=0, tag=5,
 * comm=MPI_COMM_WORLD"), and the world rank it waits for (-1: none known). */
static int describe_call(char *out, size_t len)
{
    const rt_comm_t *c = rt_hang.comm;
    const char *role = rt_hang.peer_kind == RT_HANG_SOURCE ? "source"
                       : rt_hang.peer_kind == RT_HANG_DEST ? "dest"
                       : rt_hang.peer_kind == RT_HANG_ROOT ? "root"
                                                           : NULL;
    int waitfor = -1;
    char peer[48] = "", tag[32] = "";
    if (role != NULL) {
        if (rt_hang.peer == MPI_ANY_SOURCE)
            snprintf(peer, sizeof(peer), "%s=MPI_ANY_SOURCE, ", role);
        else
            snprintf(peer, sizeof(peer), "%s=%d, ", role, rt_hang.peer);
        if (c != NULL && rt_hang.peer >= 0 && rt_hang.peer < c->peer_size &&
            rt_hang.peer_kind != RT_HANG_ROOT)
            waitfor = c->peer_world_rank_of[rt_hang.peer];
    }
    if (rt_hang.peer_kind == RT_HANG_SOURCE || rt_hang.peer_kind == RT_HANG_DEST) {
        char t[24];
        format_tag(rt_hang.tag, t, sizeof(t));
        snprintf(tag, sizeof(tag), "tag=%s, ", t);
    }
    out[0] = '\0';
    if (c != NULL) {
        int n = snprintf(out, len, "%s%scomm=%s", peer, tag,
                         c->name[0] != '\0' ? c->name : "(unnamed)");
        (void)n; /* a long communicator name is cut */
    }
    return waitfor;
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

    char args[256], waitfor[16], wait[32], done[32], line[PMI_WIRE_LINE_MAX];
    snprintf(waitfor, sizeof(waitfor), "%d", describe_call(args, sizeof(args)));
    /* PMI values hold no spaces: the launcher turns '+' back into ' '. */
    for (char *s = args; *s != '\0'; s++)
        if (*s == ' ')
            *s = '+';
    if (args[0] == '\0')
        snprintf(args, sizeof(args), "-");
    snprintf(wait, sizeof(wait), "%.3f", now - started);
    snprintf(done, sizeof(done), "%lu", rt_hang.seq);
    int n = pmi_wire_format(line, sizeof(line), "minimpi_hang", "call", rt_hang.call, "args",
                            args, "waitfor", waitfor, "wait", wait, "done", done, (char *)NULL);
    if (n > 0)
        rt_boot_pmi_notice(line, (size_t)n);
}

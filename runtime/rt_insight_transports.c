/*
 * rt_insight_transports.c -- a rank's half of mini-mpirun --report-transports.
 *
 * A rank reaches the peers of its own node through one transport and the
 * ranks of every other node through one other (one endpoint per process),
 * so two descriptions say everything: the first same-node peer's and the
 * first other-node peer's.  The launcher groups them by node and node pair.
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "rt.h"
#include "rt_boot.h"
#include "rt_insight.h"
#include "rt_progress.h"

/* "<transport> (<detail>): eager up to N B, then rendezvous ..." for world rank p. */
static void describe_peer(int p, char *out, size_t len)
{
    const rt_peer_t *peer = rt_progress_peer(p);
    const tp_t *tp = peer->tp;
    char rndv[240];
    if (tp->can_get)
        snprintf(rndv, sizeof(rndv), "single copy by %s",
                 tp->single_copy[0] != '\0' ? tp->single_copy : "get");
    else
        snprintf(rndv, sizeof(rndv), "pipelined in %zu B chunks (single copy off: %s)",
                 tp->am_max_payload, tp->single_copy[0] != '\0' ? tp->single_copy : "no get");
    /* A description longer than `len` is cut: its start is what matters. */
    int n = snprintf(out, len, "%s%s%s%s: eager up to %zu B, then rendezvous %s", tp->name,
                     tp->detail[0] != '\0' ? " (" : "", tp->detail,
                     tp->detail[0] != '\0' ? ")" : "", peer->eager_limit, rndv);
    (void)n;
}

/* PMI-1 values hold no spaces: the launcher turns '+' back into ' '. */
static void encode_spaces(char *s)
{
    for (; *s != '\0'; s++)
        if (*s == ' ')
            *s = '+';
}

void rt_insight_report_transports(void)
{
    if (!cfg_get_bool("MINIMPI_REPORT_TRANSPORTS"))
        return;
    const tp_job_t *job = &rt_proc.job;
    char same[512] = "-", other[512] = "-";
    for (int p = 0; p < job->world_size; p++) {
        if (p == job->world_rank)
            continue;
        int node = job->node_of_rank != NULL ? job->node_of_rank[p] : job->node_id;
        char *d = node == job->node_id ? same : other;
        if (strcmp(d, "-") == 0)
            describe_peer(p, d, sizeof(same));
    }
    char key[64], value[1400]; /* cut to PMI's 1024 by the put */
    snprintf(key, sizeof(key), "minimpi-transports-%d", job->world_rank);
    int n = snprintf(value, sizeof(value), "%d|%s|%s|%s", job->node_id, rt_proc.hostname, same,
                     other);
    (void)n; /* cut at the PMI value limit, like the descriptions */
    encode_spaces(value);
    if (rt_boot_put(key, value) != 0 || rt_boot_fence() != 0)
        rt_verbose("transport", "could not report the transports to the launcher");
}

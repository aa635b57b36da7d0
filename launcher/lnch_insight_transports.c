/*
 * lnch_insight_transports.c -- the summary of mini-mpirun --report-transports.
 *
 * Ranks of one node normally agree, so the summary has one line per node for
 * its same-node peers and one per pair of nodes; a rank that differs from the
 * first rank of its node (a kernel that forbade CMA to one of them) gets a
 * line of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnch_insight.h"

typedef struct report {
    int node;
    char host[128];
    char same[400];
    char other[400];
} report_t;

/* Parse "<node>|<host>|<same>|<other>", turning '+' back into spaces. */
static int parse_report(const char *value, report_t *r)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", value);
    for (char *s = buf; *s != '\0'; s++)
        if (*s == '+')
            *s = ' ';
    char *fields[4], *save = NULL, *s = buf;
    for (int i = 0; i < 4; i++, s = NULL)
        if ((fields[i] = strtok_r(s, "|", &save)) == NULL)
            return -1;
    r->node = atoi(fields[0]);
    snprintf(r->host, sizeof(r->host), "%s", fields[1]);
    snprintf(r->same, sizeof(r->same), "%s", fields[2]);
    snprintf(r->other, sizeof(r->other), "%s", fields[3]);
    return 0;
}

void lnch_insight_print_transports(const lnch_job_t *job, FILE *out)
{
    report_t *reps = calloc((size_t)job->size, sizeof(*reps));
    int *first = calloc((size_t)job->size, sizeof(*first)); /* first rank of each node */
    if (reps == NULL || first == NULL) {
        free(reps);
        free(first);
        return;
    }
    int num_nodes = 0;
    for (int i = 0; i < job->size; i++) {
        char key[64];
        snprintf(key, sizeof(key), LNCH_INSIGHT_TRANSPORTS_KEY "%d", i);
        const char *v = lnch_kvs_get(&job->kvs, key);
        if (v == NULL || parse_report(v, &reps[i]) != 0 || reps[i].node < 0 ||
            reps[i].node >= job->size) {
            fprintf(out, "mini-mpirun: transports: rank %d sent no valid report\n", i);
            reps[i].node = -1;
            continue;
        }
        if (reps[i].node >= num_nodes) {
            for (int n = num_nodes; n <= reps[i].node; n++)
                first[n] = -1;
            num_nodes = reps[i].node + 1;
        }
        if (first[reps[i].node] < 0)
            first[reps[i].node] = i;
        /* The host-list name the user gave, rather than what the rank's
         * gethostname says (loopback tests run every "node" on one host). */
        if (job->ranks != NULL)
            snprintf(reps[i].host, sizeof(reps[i].host), "%s",
                     lnch_job_rank_host(job, &job->ranks[i]));
    }
    fprintf(out, "mini-mpirun: transports of %d rank%s on %d node%s:\n", job->size,
            job->size == 1 ? "" : "s", num_nodes, num_nodes == 1 ? "" : "s");
    for (int n = 0; n < num_nodes; n++) {
        if (first[n] < 0)
            continue;
        const report_t *f = &reps[first[n]];
        if (strcmp(f->same, "-") != 0)
            fprintf(out, "  node %d (%s), same-node peers: %s\n", n, f->host, f->same);
        for (int i = first[n] + 1; i < job->size; i++)
            if (reps[i].node == n && strcmp(reps[i].same, f->same) != 0)
                fprintf(out, "  node %d (%s), rank %d, same-node peers: %s\n", n, f->host, i,
                        reps[i].same);
    }
    for (int a = 0; a < num_nodes; a++) {
        for (int b = a + 1; b < num_nodes; b++) {
            if (first[a] < 0 || first[b] < 0)
                continue;
            fprintf(out, "  node %d (%s) <-> node %d (%s): %s\n", a, reps[first[a]].host, b,
                    reps[first[b]].host, reps[first[a]].other);
        }
    }
    free(reps);
    free(first);
    fflush(out);
}

void lnch_insight_put(lnch_job_t *job, const char *key, FILE *out)
{
    if (strncmp(key, LNCH_INSIGHT_TRANSPORTS_KEY, strlen(LNCH_INSIGHT_TRANSPORTS_KEY)) != 0)
        return;
    if (++job->transports_reported == job->size)
        lnch_insight_print_transports(job, out);
}

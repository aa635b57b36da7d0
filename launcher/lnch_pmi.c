/*
 * lnch_pmi.c -- answer PMI-1 lines from the ranks (see lnch_pmi.h).
 *
 * The launcher is single-threaded and never blocks on a rank: sockets are
 * non-blocking, and a reply that does not fit in the socket's buffer means
 * the rank stopped reading its replies (PMI-1 is strictly request and
 * answer, so a correct client never has more than one reply pending).
 */
#include "lnch_pmi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lnch_insight.h"
#include "lnch_remote.h"

void lnch_pmi_close(lnch_job_t *job, lnch_rank_t *r)
{
    (void)job;
    if (r->pmi_fd >= 0)
        close(r->pmi_fd);
    r->pmi_fd = -1;
    r->pmi_len = 0;
}

/* Report a protocol error by rank r and fail the job. */
static int protocol_error(lnch_job_t *job, lnch_rank_t *r, const char *reason)
{
    if (!job->ending)
        fprintf(stderr, "mini-mpirun: rank %d sent a malformed PMI line: %s\n", r->rank, reason);
    lnch_pmi_close(job, r);
    lnch_job_fail(job, 1);
    return -1;
}

/* Send one formatted reply (len < 0: pmi_wire_format failed, a bug here). */
static int send_reply(lnch_job_t *job, lnch_rank_t *r, const char *buf, int len)
{
    if (len < 0) {
        fprintf(stderr, "mini-mpirun: internal error: cannot format a PMI reply to rank %d\n",
                r->rank);
        lnch_job_fail(job, 1);
        return -1;
    }
    if (r->remote)
        return lnch_remote_send_pmi(job, r, buf, (size_t)len);
    if (r->pmi_fd < 0)
        return 0;
    ssize_t n;
    do
        n = send(r->pmi_fd, buf, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n == len)
        return 0;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
        /* The rank is gone or closed its end: its exit status tells the rest. */
        lnch_pmi_close(job, r);
        return 0;
    }
    if (!job->ending)
        fprintf(stderr, "mini-mpirun: rank %d does not read its PMI replies (%s)\n", r->rank,
                n < 0 ? strerror(errno) : "socket buffer full");
    lnch_pmi_close(job, r);
    lnch_job_fail(job, 1);
    return -1;
}

/* Fetch a required key, or report its absence. */
static const char *need(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg,
                        const char *key, int *failed)
{
    const char *v = pmi_wire_get(msg, key);
    if (v == NULL && !*failed) {
        char reason[128];
        snprintf(reason, sizeof(reason), "cmd=%s without %s=", pmi_wire_cmd(msg), key);
        protocol_error(job, r, reason);
        *failed = 1;
    }
    return v;
}

/* A kvsname other than ours gets rc=-1 (as Hydra answers), not a job failure. */
static int kvsname_ok(const lnch_job_t *job, const char *kvsname)
{
    return strcmp(kvsname, job->id) == 0;
}

static int handle_init(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg)
{
    char buf[PMI_WIRE_LINE_MAX];
    const char *version = pmi_wire_get(msg, "pmi_version");
    if (version == NULL || strcmp(version, "1") != 0) {
        char m[96];
        snprintf(m, sizeof(m), "pmi_version_%.40s_not_supported",
                 version != NULL ? version : "missing");
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "response_to_init", "pmi_version",
                                          "1", "pmi_subversion", "1", "rc", "-1", "msg", m,
                                          NULL));
    }
    r->pmi_inited = 1;
    return send_reply(job, r, buf,
                      pmi_wire_format(buf, sizeof(buf), "response_to_init", "pmi_version", "1",
                                      "pmi_subversion", "1", "rc", "0", NULL));
}

static int handle_put(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg)
{
    char buf[PMI_WIRE_LINE_MAX], m[PMI_WIRE_KEY_MAX + 256];
    int failed = 0;
    const char *kvsname = need(job, r, msg, "kvsname", &failed);
    const char *key = need(job, r, msg, "key", &failed);
    const char *value = need(job, r, msg, "value", &failed);
    if (failed)
        return -1;
    if (!kvsname_ok(job, kvsname)) {
        snprintf(m, sizeof(m), "kvsname_%.200s_unknown", kvsname);
    } else {
        switch (lnch_kvs_put(&job->kvs, key, value)) {
        case LNCH_KVS_OK:
            lnch_insight_put(job, key, stderr);
            return send_reply(job, r, buf,
                              pmi_wire_format(buf, sizeof(buf), "put_result", "rc", "0", NULL));
        case LNCH_KVS_DUPLICATE:
            snprintf(m, sizeof(m), "duplicate_key_%s", key);
            break;
        case LNCH_KVS_FULL:
            snprintf(m, sizeof(m), "store_full_%zu_keys", job->kvs.max_entries);
            break;
        case LNCH_KVS_NOMEM:
            snprintf(m, sizeof(m), "out_of_memory");
            break;
        }
    }
    return send_reply(job, r, buf,
                      pmi_wire_format(buf, sizeof(buf), "put_result", "rc", "-1", "msg", m, NULL));
}

static int handle_get(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg)
{
    char buf[PMI_WIRE_LINE_MAX], m[PMI_WIRE_KEY_MAX + 256];
    int failed = 0;
    const char *kvsname = need(job, r, msg, "kvsname", &failed);
    const char *key = need(job, r, msg, "key", &failed);
    if (failed)
        return -1;
    const char *value = NULL;
    if (!kvsname_ok(job, kvsname))
        snprintf(m, sizeof(m), "kvsname_%.200s_unknown", kvsname);
    else if ((value = lnch_kvs_get(&job->kvs, key)) == NULL)
        snprintf(m, sizeof(m), "key_%s_not_found", key);
    if (value != NULL)
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "get_result", "rc", "0", "value",
                                          value, NULL));
    return send_reply(job, r, buf,
                      pmi_wire_format(buf, sizeof(buf), "get_result", "rc", "-1", "msg", m, NULL));
}

static int handle_barrier_in(lnch_job_t *job, lnch_rank_t *r)
{
    if (r->in_barrier)
        return protocol_error(job, r, "barrier_in twice without barrier_out in between");
    r->in_barrier = 1;
    job->barrier_count++;
    if (job->barrier_count < job->size) {
        lnch_job_check_barrier(job);
        return 0;
    }
    /* Everyone is in: release them all. */
    char buf[64];
    int len = pmi_wire_format(buf, sizeof(buf), "barrier_out", NULL);
    job->barrier_count = 0;
    int rc = 0;
    for (int i = 0; i < job->size; i++) {
        job->ranks[i].in_barrier = 0;
        if (send_reply(job, &job->ranks[i], buf, len) != 0)
            rc = -1;
    }
    return rc;
}

static int handle_abort(lnch_job_t *job, lnch_rank_t *r, const pmi_wire_msg_t *msg)
{
    const char *text = pmi_wire_get(msg, "exitcode");
    char *end;
    long code = text != NULL ? strtol(text, &end, 10) : 0;
    if (text == NULL || text[0] == '\0' || *end != '\0')
        return protocol_error(job, r, "cmd=abort without a numeric exitcode=");
    const char *why = pmi_wire_get(msg, "msg");
    if (why == NULL)
        why = pmi_wire_get(msg, "message");
    /* A rank often aborts because a peer died under it (a read from a killed
     * rank fails): report the dead rank, which failed first, if it is dead
     * already, rather than the rank that noticed. */
    lnch_job_reap_others(job, r);
    if (!job->ending)
        fprintf(stderr,
                "mini-mpirun: rank %d on %s (pid %ld) called MPI_Abort with exit code %ld%s%s; "
                "killing the job\n",
                r->rank, lnch_job_rank_host(job, r), lnch_job_rank_pid(r), code, why != NULL ? ": " : "",
                why != NULL ? why : "");
    lnch_job_fail(job, (int)(code & 0xff));
    return 0;
}

int lnch_pmi_handle_line(lnch_job_t *job, lnch_rank_t *r, const char *line, size_t len)
{
    pmi_wire_msg_t msg;
    char err[160], buf[PMI_WIRE_LINE_MAX], num[32];
    if (pmi_wire_parse(line, len, &msg, err, sizeof(err)) != 0)
        return protocol_error(job, r, err);

    const char *cmd = pmi_wire_cmd(&msg);
    if (strcmp(cmd, "minimpi_hang") == 0) {
        lnch_hang_notice(job, r, &msg); /* a notice: no reply */
        return 0;
    }
    lnch_hang_activity(job);
    if (strcmp(msg.pairs[0].key, "cmd") != 0) {
        snprintf(err, sizeof(err), "mcmd=%.40s is not supported (no process spawning)", cmd);
        return protocol_error(job, r, err);
    }
    if (strcmp(cmd, "init") == 0)
        return handle_init(job, r, &msg);
    if (strcmp(cmd, "get_maxes") == 0) {
        snprintf(num, sizeof(num), "%d", LNCH_PMI_KVSNAME_MAX);
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "maxes", "kvsname_max", num,
                                          "keylen_max", "64", "vallen_max", "1024", "rc", "0",
                                          NULL));
    }
    if (strcmp(cmd, "get_appnum") == 0)
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "appnum", "appnum", "0", "rc", "0",
                                          NULL));
    if (strcmp(cmd, "get_my_kvsname") == 0)
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "my_kvsname", "kvsname", job->id,
                                          "rc", "0", NULL));
    if (strcmp(cmd, "get_universe_size") == 0) {
        snprintf(num, sizeof(num), "%d", job->size);
        return send_reply(job, r, buf,
                          pmi_wire_format(buf, sizeof(buf), "universe_size", "size", num, "rc",
                                          "0", NULL));
    }
    if (strcmp(cmd, "put") == 0)
        return handle_put(job, r, &msg);
    if (strcmp(cmd, "get") == 0)
        return handle_get(job, r, &msg);
    if (strcmp(cmd, "barrier_in") == 0)
        return handle_barrier_in(job, r);
    if (strcmp(cmd, "finalize") == 0) {
        r->pmi_finalized = 1;
        return send_reply(job, r, buf, pmi_wire_format(buf, sizeof(buf), "finalize_ack", NULL));
    }
    if (strcmp(cmd, "abort") == 0)
        return handle_abort(job, r, &msg);

    snprintf(err, sizeof(err), "unknown command '%.40s'", cmd);
    return protocol_error(job, r, err);
}

int lnch_pmi_read(lnch_job_t *job, lnch_rank_t *r)
{
    while (r->pmi_fd >= 0) {
        ssize_t n = read(r->pmi_fd, r->pmi_in + r->pmi_len, sizeof(r->pmi_in) - r->pmi_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0) {
            /* End of file (or a reset by a dying rank).  A partial last line
             * is what a rank killed mid-write leaves: ignored, its exit
             * status tells what happened. */
            lnch_pmi_close(job, r);
            return 1;
        }
        r->pmi_len += (size_t)n;

        /* Answer every complete line, then keep the incomplete tail. */
        size_t start = 0;
        char *nl;
        while (r->pmi_fd >= 0 &&
               (nl = memchr(r->pmi_in + start, '\n', r->pmi_len - start)) != NULL) {
            size_t line_len = (size_t)(nl - (r->pmi_in + start)) + 1;
            if (job->pmi_line_hook != NULL)
                (void)job->pmi_line_hook(job, r, r->pmi_in + start, line_len);
            else
                (void)lnch_pmi_handle_line(job, r, r->pmi_in + start, line_len);
            start += line_len;
        }
        if (r->pmi_fd < 0)
            return 1;
        memmove(r->pmi_in, r->pmi_in + start, r->pmi_len - start);
        r->pmi_len -= start;
        if (r->pmi_len == sizeof(r->pmi_in)) {
            char reason[96];
            snprintf(reason, sizeof(reason), "line longer than %d bytes", PMI_WIRE_LINE_MAX - 1);
            protocol_error(job, r, reason);
            return 1;
        }
    }
    return 1;
}

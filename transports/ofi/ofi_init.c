/*
 * ofi_init.c -- bringing the libfabric transport up and down.
 *
 * init is collective over the whole job and always takes part in exactly
 * two bootstrap fences, whatever happens locally, so that one rank's
 * failure never leaves the others waiting in a fence:
 *   1. every rank asks libfabric for an RDM provider (FI_PROVIDER narrows
 *      the choice, as everywhere in libfabric; the first fi_getinfo of a
 *      process loads every provider library, a second or more under load,
 *      so all ranks do it at once), and rank 0 publishes the name of the
 *      one it got, or "none";                                   -- fence 1 --
 *   2. every rank opens that same provider (tcp;ofi_rxm and net both run
 *      over TCP but do not talk to each other, so all must agree), asking
 *      libfabric again only when its own first choice was another, and
 *      publishes "ok,<provider>,<rma>,<host>,<address in hex>", or
 *      "failed,<why>";                                          -- fence 2 --
 *   3. everyone reads every entry: a rank that failed or opened another
 *      provider fails init on every rank, rank 0 naming the ranks; else
 *      every address goes into the address vector, in rank order.
 */
#include "ofi.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

#define OFI_KEY_PROVIDER "ofi-prov"
#define OFI_ADDR_MAX 256

static tp_status_t boot_fence(const tp_job_t *job, const char *when)
{
    if (job->boot->fence() != 0) {
        fprintf(stderr, "minimpi: rank %d: ofi: bootstrap fence %s failed\n", job->world_rank,
                when);
        return TP_ESYS;
    }
    return TP_OK;
}

/* ---- Provider choice -------------------------------------------------------- */

/* The FI_MR_* modes we know how to honour; a provider that needs others
 * (FI_MR_RAW keys, device memory) is not offered to us. */
#define OFI_MR_MODES \
    (FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_ENDPOINT)

static struct fi_info *get_info(const char *prov_name, int with_rma, int with_atomic,
                                const struct fi_info *like, int *err_out)
{
    struct fi_info *hints = ofi_lib.dupinfo(NULL);
    struct fi_info *info = NULL;
    if (hints == NULL) {
        *err_out = -FI_ENOMEM;
        return NULL;
    }
    hints->ep_attr->type = FI_EP_RDM;
    /* Reads for rendezvous, writes too for one-sided Put (rt_win_cma.c). */
    hints->caps = FI_MSG | (with_rma ? FI_RMA | FI_READ | FI_REMOTE_READ | FI_WRITE |
                                           FI_REMOTE_WRITE
                                     : 0) |
                  (with_atomic ? FI_ATOMIC : 0);
    hints->mode = FI_CONTEXT | FI_CONTEXT2;
    hints->domain_attr->mr_mode = OFI_MR_MODES;
    hints->domain_attr->threading = FI_THREAD_DOMAIN;
    /* Per-sender order is what the runtime's non-overtaking rule rests on. */
    hints->tx_attr->msg_order = FI_ORDER_SAS;
    hints->rx_attr->msg_order = FI_ORDER_SAS;
    /* Queue depths as deep as our own pools: tcp;ofi_rxm sizes (and
     * touches) its buffer pools by these, several seconds of start-up on a
     * loaded machine with its defaults. */
    hints->tx_attr->size = OFI_NUM_SEND;
    hints->rx_attr->size = OFI_NUM_RECV;
    if (prov_name != NULL)
        hints->fabric_attr->prov_name = strdup(prov_name);
    /* The same provider, fabric and domain as `like`, with more caps. */
    if (like != NULL) {
        free(hints->fabric_attr->prov_name);
        hints->fabric_attr->prov_name = strdup(like->fabric_attr->prov_name);
        hints->fabric_attr->name = strdup(like->fabric_attr->name);
        hints->domain_attr->name = strdup(like->domain_attr->name);
    }
    int rc = ofi_lib.getinfo(OFI_API_VERSION, NULL, NULL, 0, hints, &info);
    ofi_lib.freeinfo(hints);
    *err_out = rc;
    return rc == 0 ? info : NULL;
}

/* The first provider that gives us messages, with reads (and atomics,
 * for windows' accumulates) if one can.  *rma_out: OFI_CAN_RMA and
 * OFI_CAN_ATOMIC bits. */
#define OFI_CAN_RMA 1
#define OFI_CAN_ATOMIC 2
static struct fi_info *choose_info(const char *prov_name, int *rma_out, int *err_out)
{
    struct fi_info *info = NULL;
    *rma_out = 0;
    if (cfg_get_bool("MINIMPI_OFI_RMA")) {
        info = get_info(prov_name, 1, 0, NULL, err_out);
        if (info != NULL)
            *rma_out = OFI_CAN_RMA;
    }
    /* Atomics from the provider and interface chosen without them, never
     * another one for their sake. */
    if (info != NULL && cfg_get_bool("MINIMPI_OFI_ATOMIC")) {
        int err = 0;
        struct fi_info *with = get_info(NULL, 1, 1, info, &err);
        if (with != NULL) {
            ofi_lib.freeinfo(info);
            info = with;
            *rma_out |= OFI_CAN_ATOMIC;
        }
    }
    if (info == NULL)
        info = get_info(prov_name, 0, 0, NULL, err_out);
    return info;
}

/* ---- Opening -------------------------------------------------------------------- */

/* A libfabric call that failed: say which and why into `why`. */
#define OFI_TRY(call, what)                                                                  \
    do {                                                                                     \
        int rc_ = (call);                                                                    \
        if (rc_ != 0) {                                                                      \
            snprintf(why, why_len, "%s: %s", what, ofi_strerror(-rc_));                      \
            return TP_ESYS;                                                                  \
        }                                                                                    \
    } while (0)

static tp_status_t register_buffers(ofi_tp_t *ofi, char *why, size_t why_len)
{
    size_t n = OFI_NUM_SEND + OFI_NUM_RECV;
    ofi->bufs_bytes = n * OFI_BUF_SIZE;
    if (posix_memalign((void **)&ofi->bufs, 4096, ofi->bufs_bytes) != 0) {
        ofi->bufs = NULL;
        snprintf(why, why_len, "out of memory for %zu bounce buffers", n);
        return TP_ENOMEM;
    }
    ofi->ops = calloc(n, sizeof(*ofi->ops));
    if (ofi->ops == NULL) {
        snprintf(why, why_len, "out of memory for %zu operation contexts", n);
        return TP_ENOMEM;
    }
    if (ofi->mr_mode & FI_MR_LOCAL) {
        uint64_t key = ofi->next_key++;
        OFI_TRY(fi_mr_reg(ofi->domain, ofi->bufs, ofi->bufs_bytes, FI_SEND | FI_RECV, 0, key, 0,
                          &ofi->bufs_mr, NULL),
                "fi_mr_reg(bounce buffers)");
        if (ofi->mr_mode & FI_MR_ENDPOINT) {
            OFI_TRY(fi_mr_bind(ofi->bufs_mr, &ofi->ep->fid, 0), "fi_mr_bind(bounce buffers)");
            OFI_TRY(fi_mr_enable(ofi->bufs_mr), "fi_mr_enable(bounce buffers)");
        }
        ofi->bufs_desc = fi_mr_desc(ofi->bufs_mr);
    }
    for (size_t i = 0; i < n; i++) {
        ofi_op_t *op = &ofi->ops[i];
        op->buf = ofi->bufs + i * OFI_BUF_SIZE;
        op->peer = -1;
        if (i < OFI_NUM_SEND) {
            op->kind = OFI_OP_SEND;
            op->next = ofi->send_free;
            ofi->send_free = op;
        } else {
            op->kind = OFI_OP_RECV;
        }
    }
    return TP_OK;
}

void ofi_post_recv(ofi_tp_t *ofi, ofi_op_t *op)
{
    ssize_t rc = fi_recv(ofi->ep, op->buf, OFI_BUF_SIZE, ofi->bufs_desc, FI_ADDR_UNSPEC, &op->ctx);
    if (rc == 0)
        return;
    if (rc != -FI_EAGAIN)
        ofi_fail(ofi, "posting a receive buffer failed: %s", ofi_strerror((int)-rc));
    op->next = ofi->repost;
    ofi->repost = op;
}

static tp_status_t open_endpoint(ofi_tp_t *ofi, int world_size, char *why, size_t why_len)
{
    struct fi_info *info = ofi->info;
    ofi->mr_mode = info->domain_attr->mr_mode;
    ofi->next_key = 1;
    ofi->max_msg_size = info->ep_attr->max_msg_size;
    OFI_TRY(ofi_lib.fabric(info->fabric_attr, &ofi->fabric, NULL), "fi_fabric");
    OFI_TRY(fi_domain(ofi->fabric, info, &ofi->domain, NULL), "fi_domain");

    struct fi_av_attr av_attr = {
        .type = info->domain_attr->av_type != FI_AV_UNSPEC ? info->domain_attr->av_type
                                                           : FI_AV_TABLE,
        .count = (size_t)world_size,
    };
    OFI_TRY(fi_av_open(ofi->domain, &av_attr, &ofi->av, NULL), "fi_av_open");

    struct fi_cq_attr cq_attr = {
        .format = FI_CQ_FORMAT_MSG,
        .wait_obj = FI_WAIT_NONE,
        .size = OFI_NUM_SEND + OFI_NUM_RECV + 64,
    };
    OFI_TRY(fi_cq_open(ofi->domain, &cq_attr, &ofi->cq, NULL), "fi_cq_open");

    OFI_TRY(fi_endpoint(ofi->domain, info, &ofi->ep, NULL), "fi_endpoint");
    OFI_TRY(fi_ep_bind(ofi->ep, &ofi->av->fid, 0), "fi_ep_bind(av)");
    OFI_TRY(fi_ep_bind(ofi->ep, &ofi->cq->fid, FI_TRANSMIT | FI_RECV), "fi_ep_bind(cq)");
    OFI_TRY(fi_enable(ofi->ep), "fi_enable");

    tp_status_t st = register_buffers(ofi, why, why_len);
    if (st != TP_OK)
        return st;
    for (unsigned i = 0; i < OFI_NUM_RECV; i++)
        ofi_post_recv(ofi, &ofi->ops[OFI_NUM_SEND + i]);
    return TP_OK;
}

static void close_fid(struct fid *fid)
{
    if (fid != NULL)
        fi_close(fid);
}

static void destroy_instance(ofi_tp_t *ofi)
{
    if (ofi == NULL)
        return;
    /* Endpoint first: it cancels the posted receives that use the buffers. */
    close_fid(ofi->ep ? &ofi->ep->fid : NULL);
    close_fid(ofi->bufs_mr ? &ofi->bufs_mr->fid : NULL);
    close_fid(ofi->av ? &ofi->av->fid : NULL);
    close_fid(ofi->cq ? &ofi->cq->fid : NULL);
    close_fid(ofi->domain ? &ofi->domain->fid : NULL);
    close_fid(ofi->fabric ? &ofi->fabric->fid : NULL);
    if (ofi->info != NULL)
        ofi_lib.freeinfo(ofi->info);
    /* Reads and writes still waiting to be issued own nothing but their context. */
    while (ofi->rma_waiting != NULL) {
        ofi_op_t *op = ofi->rma_waiting;
        ofi->rma_waiting = op->next;
        free(op);
    }
    free(ofi->ops);
    free(ofi->bufs);
    free(ofi->peers);
    free(ofi);
}

/* ---- Publishing and reading addresses ------------------------------------------ */

static void hex_encode(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Returns the number of bytes decoded, or -1 when `in` is not hex. */
static long hex_decode(const char *in, unsigned char *out, size_t out_len)
{
    size_t n = strlen(in);
    if (n % 2 != 0 || n / 2 > out_len)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

/* KVS values hold no spaces, and ours separate fields with commas: make a
 * reason or a host name fit. */
static void kvs_safe(char *s)
{
    for (; *s != '\0'; s++)
        if (!isgraph((unsigned char)*s) || *s == ',')
            *s = '_';
}

static void publish(const tp_job_t *job, ofi_tp_t *ofi, int rma, tp_status_t st, const char *why)
{
    char key[32], value[TP_KVS_VALUE_MAX], host[sizeof(ofi->host)], reason[256];
    snprintf(key, sizeof(key), "ofi-%d", job->world_rank);
    snprintf(host, sizeof(host), "%s", ofi->host);
    snprintf(reason, sizeof(reason), "%s", why);
    kvs_safe(host);
    kvs_safe(reason);
    if (st == TP_OK) {
        unsigned char addr[OFI_ADDR_MAX];
        size_t addr_len = sizeof(addr);
        int rc = fi_getname(&ofi->ep->fid, addr, &addr_len);
        if (rc == 0 && addr_len * 2 + 200 < sizeof(value)) {
            char hex[2 * OFI_ADDR_MAX + 1];
            hex_encode(addr, addr_len, hex);
            snprintf(value, sizeof(value), "ok,%s,%d,%s,%s", ofi->info->fabric_attr->prov_name,
                     rma, host, hex);
        } else {
            snprintf(value, sizeof(value), "failed,fi_getname_failed:_%s",
                     rc != 0 ? ofi_strerror(-rc) : "address_too_long");
        }
    } else {
        snprintf(value, sizeof(value), "failed,%s", reason);
    }
    if (job->boot->kvs_put(key, value) != 0)
        fprintf(stderr, "minimpi: rank %d: ofi: kvs_put(%s) failed\n", job->world_rank, key);
}

typedef struct ofi_entry {
    int ok;
    char prov[64];
    int rma;
    char host[64];
    unsigned char addr[OFI_ADDR_MAX];
    long addr_len;
    char why[200];                 /* when not ok */
} ofi_entry_t;

static void read_entry(const tp_job_t *job, int rank, ofi_entry_t *e)
{
    char key[32], value[TP_KVS_VALUE_MAX];
    memset(e, 0, sizeof(*e));
    snprintf(key, sizeof(key), "ofi-%d", rank);
    if (job->boot->kvs_get(key, value, sizeof(value)) != 0) {
        snprintf(e->why, sizeof(e->why), "published no libfabric address");
        return;
    }
    if (strncmp(value, "failed,", 7) == 0) {
        snprintf(e->why, sizeof(e->why), "%.190s", value + 7);
        return;
    }
    char hex[TP_KVS_VALUE_MAX];
    if (sscanf(value, "ok,%63[^,],%d,%63[^,],%1023s", e->prov, &e->rma, e->host, hex) != 4 ||
        (e->addr_len = hex_decode(hex, e->addr, sizeof(e->addr))) <= 0) {
        snprintf(e->why, sizeof(e->why), "published a malformed address '%.60s'", value);
        return;
    }
    e->ok = 1;
}

/*
 * After fence 2: every rank must have opened the provider rank 0 chose.
 * Everyone decides alike from the same entries; rank 0 alone tells why.
 */
static tp_status_t read_peers(const tp_job_t *job, ofi_tp_t *ofi, const char *prov, int *rma_all,
                              int *atomic_all)
{
    ofi_entry_t e;
    char bad[512] = "";
    size_t used = 0;
    int num_bad = 0;
    *rma_all = 1;
    *atomic_all = 1;
    for (int r = 0; r < job->world_size; r++) {
        read_entry(job, r, &e);
        if (e.ok && strcmp(e.prov, prov) != 0)
            snprintf(e.why, sizeof(e.why), "opened provider %s", e.prov);
        else if (e.ok)
            snprintf(ofi->peers[r].host, sizeof(ofi->peers[r].host), "%s", e.host);
        if (!e.ok || strcmp(e.prov, prov) != 0) {
            if (used < sizeof(bad) - 1)
                used += (size_t)snprintf(bad + used, sizeof(bad) - used, "%srank %d (%s)",
                                         num_bad ? "; " : "", r, e.why);
            num_bad++;
            continue;
        }
        *rma_all &= (e.rma & OFI_CAN_RMA) != 0;
        *atomic_all &= (e.rma & OFI_CAN_ATOMIC) != 0;
        /* Nowhere to insert after a local failure. */
        if (ofi->av == NULL)
            continue;
        /* Ourselves too, but apart (peers[].addr stays FI_ADDR_NOTAVAIL: no
         * messages to ourselves): atomics toward our own window go through
         * the provider like everyone else's (ofi_atomic.c). */
        if (r == job->world_rank) {
            if (fi_av_insert(ofi->av, e.addr, 1, &ofi->self_addr, 0, NULL) != 1)
                ofi->self_addr = FI_ADDR_NOTAVAIL;
            continue;
        }
        int n = fi_av_insert(ofi->av, e.addr, 1, &ofi->peers[r].addr, 0, NULL);
        if (n != 1) {
            fprintf(stderr, "minimpi: rank %d: ofi: fi_av_insert of rank %d (%s) failed\n",
                    job->world_rank, r, e.host);
            return TP_ESYS;
        }
    }
    if (num_bad > 0) {
        if (job->world_rank == 0)
            fprintf(stderr,
                    "minimpi: rank 0: ofi: every rank must use libfabric provider '%s' "
                    "(chosen by rank 0; FI_PROVIDER must be the same on every rank), but %d "
                    "cannot: %s\n",
                    prov, num_bad, bad);
        return TP_EPEER;
    }
    return TP_OK;
}

/* ---- init / finalize ------------------------------------------------------------ */

static tp_status_t alloc_instance(const tp_job_t *job, ofi_tp_t **ofi_out)
{
    ofi_tp_t *ofi = calloc(1, sizeof(*ofi));
    if (ofi != NULL)
        ofi->peers = calloc((size_t)job->world_size, sizeof(*ofi->peers));
    if (ofi == NULL || ofi->peers == NULL) {
        free(ofi);
        fprintf(stderr, "minimpi: rank %d: ofi: out of memory for %d peers\n", job->world_rank,
                job->world_size);
        return TP_ENOMEM;
    }
    ofi->world_rank = job->world_rank;
    ofi->self_addr = FI_ADDR_NOTAVAIL;
    ofi->world_size = job->world_size;
    ofi->am_handler = job->am_handler;
    ofi->am_handler_arg = job->am_handler_arg;
    ofi->fatal = job->fatal;
    if (gethostname(ofi->host, sizeof(ofi->host)) != 0)
        snprintf(ofi->host, sizeof(ofi->host), "unknown");
    ofi->host[sizeof(ofi->host) - 1] = '\0';
    for (int r = 0; r < job->world_size; r++) {
        ofi->peers[r].addr = FI_ADDR_NOTAVAIL;
        snprintf(ofi->peers[r].host, sizeof(ofi->peers[r].host), "node %d",
                 job->node_of_rank != NULL ? job->node_of_rank[r] : 0);
    }
    ofi->timeout = (double)cfg_get_num("MINIMPI_OFI_TIMEOUT");
    if (ofi->timeout < 0)
        ofi->timeout = 0;
    *ofi_out = ofi;
    return TP_OK;
}

/* Before fence 1: every rank picks a provider; rank 0's is everyone's. */
static void choose_provider(const tp_job_t *job, ofi_tp_t *ofi, int *rma, char *why,
                            size_t why_len)
{
    int err = 0;
    if (ofi_lib_load(why, why_len) != 0) {
        /* As with no provider: rank 0 says "none", the others fail later. */
        ofi->info = NULL;
        fprintf(stderr, "minimpi: rank %d: ofi: %s\n", job->world_rank, why);
    } else {
        ofi->info = choose_info(NULL, rma, &err);
    }
    if (job->world_rank != 0)
        return;
    const char *value = "none";
    if (ofi->info != NULL) {
        value = ofi->info->fabric_attr->prov_name;
    } else if (ofi_lib.getinfo != NULL) {
        const char *filter = getenv("FI_PROVIDER");
        snprintf(why, why_len, "no libfabric provider offers reliable datagrams (FI_EP_RDM)%s%s: %s",
                 filter ? " with FI_PROVIDER=" : "", filter ? filter : "", ofi_strerror(-err));
        fprintf(stderr, "minimpi: rank 0: ofi: %s\n", why);
    }
    if (job->boot->kvs_put(OFI_KEY_PROVIDER, value) != 0)
        fprintf(stderr, "minimpi: rank 0: ofi: kvs_put(%s) failed\n", OFI_KEY_PROVIDER);
}

tp_status_t ofi_init(const tp_job_t *job, tp_t **tp_out)
{
    *tp_out = NULL;
    if (job == NULL || job->boot == NULL || job->am_handler == NULL)
        return TP_EINVAL;
    ofi_tp_t *ofi = NULL;
    tp_status_t st = alloc_instance(job, &ofi);
    if (st != TP_OK) {
        /* The fences are collective, whatever happened here. */
        if (boot_fence(job, "choosing a provider") == TP_OK)
            boot_fence(job, "publishing addresses");
        return st;
    }

    char why[256] = "";
    int rma = 0;
    choose_provider(job, ofi, &rma, why, sizeof(why));
    if (boot_fence(job, "choosing a provider") != TP_OK) {
        destroy_instance(ofi);
        return TP_ESYS;
    }

    char prov[64] = "";
    if (job->boot->kvs_get(OFI_KEY_PROVIDER, prov, sizeof(prov)) != 0) {
        snprintf(why, sizeof(why), "kvs_get(%s) failed", OFI_KEY_PROVIDER);
        st = TP_ESYS;
    } else if (strcmp(prov, "none") == 0) {
        /* Rank 0 said why; nobody publishes, but fence 2 is still ours. */
        st = TP_ENOTSUP;
    } else if (ofi_lib.getinfo == NULL) {
        st = TP_ENOTSUP;           /* said in choose_provider */
    } else if (ofi->info == NULL || strcmp(ofi->info->fabric_attr->prov_name, prov) != 0) {
        int err = 0;
        if (ofi->info != NULL)
            ofi_lib.freeinfo(ofi->info);
        ofi->info = choose_info(prov, &rma, &err);
        if (ofi->info == NULL) {
            const char *filter = getenv("FI_PROVIDER");
            snprintf(why, sizeof(why), "provider %s (chosen by rank 0) is not available here%s%s: %s",
                     prov, filter ? " with FI_PROVIDER=" : "", filter ? filter : "",
                     ofi_strerror(-err));
            st = TP_ENOTSUP;
        }
    }
    if (st == TP_OK)
        st = open_endpoint(ofi, job->world_size, why, sizeof(why));
    if (st != TP_OK && strcmp(prov, "none") != 0 && job->world_rank != 0)
        fprintf(stderr, "minimpi: rank %d on %s: ofi: %s\n", job->world_rank, ofi->host, why);
    if (strcmp(prov, "none") != 0)
        publish(job, ofi, rma, st, why);

    tp_status_t fence_st = boot_fence(job, "publishing addresses");
    int rma_all = 0, atomic_all = 0;
    if (st == TP_OK)
        st = fence_st;
    if (strcmp(prov, "none") == 0)
        st = TP_ENOTSUP;
    else if (fence_st == TP_OK) {
        /* Also on a local failure: every rank reads, so rank 0 can name them all. */
        tp_status_t peers_st = read_peers(job, ofi, prov, &rma_all, &atomic_all);
        if (st == TP_OK)
            st = peers_st;
    }
    if (st != TP_OK) {
        destroy_instance(ofi);
        return st == TP_ENOTSUP ? TP_EPEER : st;
    }

    ofi->base.ops = &tp_ofi_ops;
    ofi->base.name = "ofi";
    ofi->base.am_max_hdr = OFI_MAX_HDR;
    ofi->base.am_max_payload = OFI_MAX_PAYLOAD;
    ofi->base.can_get = rma_all;
    ofi->atomic = rma_all && atomic_all && ofi->self_addr != FI_ADDR_NOTAVAIL;
    ofi_atomic_query(ofi);
    ofi->base.can_atomic = ofi->atomic && !(ofi->mr_mode & FI_MR_LOCAL);
    ofi->next_check = ofi_now() + 1.0;
    snprintf(ofi->base.detail, sizeof(ofi->base.detail), "provider %s, interface %s, fabric %s",
             prov, ofi->info->domain_attr->name, ofi->info->fabric_attr->name);
    snprintf(ofi->base.single_copy, sizeof(ofi->base.single_copy), "%s",
             rma_all                            ? "fi_read"
             : !cfg_get_bool("MINIMPI_OFI_RMA") ? "MINIMPI_OFI_RMA=0"
                                                : "a rank's provider lacks FI_RMA");
    if (job->verbose)
        fprintf(stderr,
                "minimpi: rank %d: ofi: provider %s, domain %s, fabric %s, %u B bounce buffers "
                "(%u send, %u receive), mr_mode 0x%llx, reads %s, silence timeout %.0f s\n",
                job->world_rank, prov, ofi->info->domain_attr->name,
                ofi->info->fabric_attr->name, OFI_BUF_SIZE, OFI_NUM_SEND, OFI_NUM_RECV,
                (unsigned long long)ofi->mr_mode, rma_all ? "on (fi_read)" : "off (pipelined)",
                ofi->timeout);
    *tp_out = &ofi->base;
    return TP_OK;
}

void ofi_finalize(tp_t *tp)
{
    destroy_instance((ofi_tp_t *)tp);
}

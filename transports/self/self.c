/*
 * self.c -- tp_self_ops, the loopback transport: a process sending to
 * itself.
 *
 * am_send copies header and payload into a message node and appends it to
 * a FIFO; progress hands the queued messages to the runtime's handler in
 * order.  Delivering from progress, never from inside am_send, keeps the
 * runtime's handler from running re-entrantly in the middle of a send.
 * get() is a memcpy from the exposed buffer, so a large send to oneself is
 * a single copy, and a rendezvous to oneself behaves as with any peer (a
 * blocking large MPI_Send to self without a posted receive waits, as in
 * other MPI libraries).
 */
#include <stdlib.h>
#include <string.h>

#include "transports/transport.h"

#define SELF_MAX_HDR 64
#define SELF_MAX_PAYLOAD (16 * 1024)
/* Message nodes kept for reuse after delivery; beyond that they are freed,
 * so a burst of messages does not pin memory for the rest of the run. */
#define SELF_MAX_FREE 64

typedef struct self_msg self_msg_t;
struct self_msg {
    self_msg_t *next;
    size_t hdr_len;
    size_t payload_len;
    /* Header, then the payload at offset SELF_MAX_HDR. */
    _Alignas(16) unsigned char data[SELF_MAX_HDR + SELF_MAX_PAYLOAD];
};

typedef struct self_tp {
    tp_t base;                     /* first, as the contract wants */
    int rank;
    tp_am_handler_fn handler;
    void *handler_arg;
    self_msg_t *head;              /* queued for delivery, oldest first */
    self_msg_t *tail;
    self_msg_t *free;
    int num_free;
} self_tp_t;

/* What mem_expose writes into a tp_mem_desc_t. */
typedef struct self_desc {
    const void *buf;
    size_t len;
} self_desc_t;

_Static_assert(sizeof(self_desc_t) <= TP_MEM_DESC_MAX, "self_desc_t must fit a tp_mem_desc_t");

static tp_status_t self_init(const tp_job_t *job, tp_t **tp_out)
{
    self_tp_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return TP_ENOMEM;
    s->base.ops = &tp_self_ops;
    s->base.name = "self";
    s->base.am_max_hdr = SELF_MAX_HDR;
    s->base.am_max_payload = SELF_MAX_PAYLOAD;
    s->base.can_get = 1;
    s->rank = job->world_rank;
    s->handler = job->am_handler;
    s->handler_arg = job->am_handler_arg;
    *tp_out = &s->base;
    return TP_OK;
}

static int self_reachable(tp_t *tp, int peer)
{
    return peer == ((self_tp_t *)tp)->rank;
}

static tp_status_t self_am_send(tp_t *tp, int peer, const void *hdr, size_t hdr_len,
                                const void *payload, size_t payload_len)
{
    self_tp_t *s = (self_tp_t *)tp;
    TP_CONTRACT(peer == s->rank, "self", "am_send");
    TP_CONTRACT(hdr_len <= SELF_MAX_HDR && payload_len <= SELF_MAX_PAYLOAD, "self", "am_send");
    self_msg_t *m = s->free;
    if (m != NULL) {
        s->free = m->next;
        s->num_free--;
    } else {
        m = malloc(sizeof(*m));
        if (m == NULL)
            return TP_ENOMEM;
    }
    m->next = NULL;
    m->hdr_len = hdr_len;
    m->payload_len = payload_len;
    memcpy(m->data, hdr, hdr_len);
    if (payload_len > 0)
        memcpy(m->data + SELF_MAX_HDR, payload, payload_len);
    if (s->tail != NULL)
        s->tail->next = m;
    else
        s->head = m;
    s->tail = m;
    return TP_OK;
}

static tp_status_t self_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    (void)tp;
    self_desc_t d = {buf, len};
    memset(desc, 0, sizeof(*desc));
    memcpy(desc->bytes, &d, sizeof(d));
    return TP_OK;
}

static void self_mem_release(tp_t *tp, tp_mem_desc_t *desc)
{
    (void)tp;
    (void)desc;
}

static tp_status_t self_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset,
                            void *local, size_t len, tp_comp_t *comp)
{
    (void)comp;
    self_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    if (peer != ((self_tp_t *)tp)->rank || offset > d.len || len > d.len - offset)
        return TP_EINVAL;
    if (len > 0)
        memcpy(local, (const char *)d.buf + offset, len);
    return TP_OK;
}

static int self_progress(tp_t *tp)
{
    self_tp_t *s = (self_tp_t *)tp;
    int n = 0;
    /* Unlink before calling the handler: it may send to us again. */
    while (s->head != NULL) {
        self_msg_t *m = s->head;
        s->head = m->next;
        if (s->head == NULL)
            s->tail = NULL;
        s->handler(s->handler_arg, s->rank, m->data, m->hdr_len, m->data + SELF_MAX_HDR,
                   m->payload_len);
        if (s->num_free < SELF_MAX_FREE) {
            m->next = s->free;
            s->free = m;
            s->num_free++;
        } else {
            free(m);
        }
        n++;
    }
    return n;
}

static void free_list(self_msg_t *m)
{
    while (m != NULL) {
        self_msg_t *next = m->next;
        free(m);
        m = next;
    }
}

static void self_finalize(tp_t *tp)
{
    self_tp_t *s = (self_tp_t *)tp;
    free_list(s->head);
    free_list(s->free);
    free(s);
}

const tp_ops_t tp_self_ops = {
    .name = "self",
    .init = self_init,
    .reachable = self_reachable,
    .am_send = self_am_send,
    .mem_expose = self_mem_expose,
    .mem_release = self_mem_release,
    .get = self_get,
    .progress = self_progress,
    .finalize = self_finalize,
};

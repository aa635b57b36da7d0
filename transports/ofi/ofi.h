/*
 * ofi.h -- the libfabric transport's instance, shared by its files
 * (ofi_init.c opens it, ofi_ops.c sends, ofi_progress.c reads the
 * completion queue, ofi_rma.c does the one-sided reads).  Private to
 * transports/ofi/: the runtime sees only tp_ofi_ops.
 *
 * One reliable-datagram endpoint (FI_EP_RDM) per process, untagged
 * messages (FI_MSG), and FI_RMA reads and writes when every rank's
 * provider offers them.  Every message is a wire header (ofi_wire_t), the runtime's header
 * and its payload, copied into a bounce buffer from a pool registered once;
 * receives land in a pool of posted buffers that are posted again as soon
 * as the runtime's handler returned.
 */
#ifndef MINIMPI_OFI_H
#define MINIMPI_OFI_H

#include <stddef.h>
#include <stdint.h>

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_eq.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_atomic.h>
#include <rdma/fi_rma.h>

#include "ofi_lib.h"
#include "transports/transport.h"

/* The libfabric API version we are written against (fi_context2, the
 * FI_MR_* mode bits). */
#define OFI_API_VERSION FI_VERSION(1, 10)

/*
 * Bounce buffers of 16 KiB: the eager threshold of tcp;ofi_rxm's own
 * buffers, so an eager message is one provider message without its
 * segmentation, and large enough that the pipelined fallback (no FI_RMA)
 * moves a megabyte in 64 steps.
 */
#define OFI_BUF_SIZE (16u * 1024u)
#define OFI_MAX_HDR 64u

/* Sends in flight at most (then am_send says TP_AGAIN) and receives kept
 * posted: 4 MiB and 1 MiB of bounce buffers. */
#define OFI_NUM_SEND 256u
#define OFI_NUM_RECV 64u

/* Completions read from the queue per fi_cq_read call. */
#define OFI_CQ_BATCH 16

/* What a bounce buffer starts with on the wire. */
typedef struct ofi_wire {
    uint32_t src;                  /* sender's world rank */
    uint32_t seq;                  /* per sender and receiver, from 0: order check */
    uint32_t hdr_len;
    uint32_t payload_len;
} ofi_wire_t;

_Static_assert(sizeof(ofi_wire_t) == 16, "the wire header keeps the runtime header 8-byte aligned");

#define OFI_MAX_PAYLOAD (OFI_BUF_SIZE - sizeof(ofi_wire_t) - OFI_MAX_HDR)

typedef enum ofi_op_kind {
    OFI_OP_SEND, OFI_OP_RECV, OFI_OP_READ, OFI_OP_WRITE,
    OFI_OP_ATOMIC                  /* one fi_atomic, fi_fetch_atomic or fi_compare_atomic */
} ofi_op_kind_t;

/* Pieces of one getv/putv (or get) that are not done yet: the last one
 * done calls comp. */
typedef struct ofi_group {
    tp_comp_t *comp;
    size_t left;
    tp_status_t status;
} ofi_group_t;

/* Most pieces one getv_async/putv_async takes (each is an operation of its
 * own); more go as messages. */
#define OFI_MAX_PIECES 256u

/*
 * The context of every operation posted to the endpoint.  The fi_context2
 * comes first: providers that ask for FI_CONTEXT/FI_CONTEXT2 use it as
 * scratch space, and the completion gives its address back.
 */
typedef struct ofi_op ofi_op_t;
struct ofi_op {
    struct fi_context2 ctx;
    ofi_op_kind_t kind;
    int peer;                      /* SEND, READ, WRITE: the other rank */
    ofi_op_t *next;                /* free list, repost list, pending reads */
    unsigned char *buf;            /* SEND, RECV: its bounce buffer */
    /* READ, WRITE: one contiguous piece, done as chunks of at most
     * max_msg_size bytes, one at a time. */
    ofi_group_t *group;
    char *local;
    size_t len;
    size_t done;                   /* bytes whose read completed */
    uint64_t remote_addr;
    uint64_t remote_key;
    struct fid_mr *local_mr;       /* FI_MR_LOCAL providers: the local side */
    /* ATOMIC: `len` elements of fi_type at `local` (the operand), combined
     * with fi_op at remote_addr; compare and result may be NULL. */
    int fi_op, fi_type;
    const void *compare;
    void *result;
};

/* What mem_expose writes into a tp_mem_desc_t. */
typedef struct ofi_desc {
    uint64_t addr;                 /* address for fi_read: virtual, or 0-based */
    uint64_t key;
    uint64_t len;
    uint64_t mr;                   /* the sender's own struct fid_mr *, for release */
} ofi_desc_t;

_Static_assert(sizeof(ofi_desc_t) <= TP_MEM_DESC_MAX, "ofi_desc_t must fit a tp_mem_desc_t");

/* What we know of every other rank. */
typedef struct ofi_peer {
    fi_addr_t addr;                /* FI_ADDR_NOTAVAIL for ourselves */
    uint32_t send_seq;             /* next sequence number towards it */
    uint32_t recv_seq;             /* next sequence number expected from it */
    int outstanding;               /* sends and reads not completed yet */
    double busy_since;             /* when outstanding last left 0, or last completion */
    char host[64];                 /* its host name, for error messages */
} ofi_peer_t;

typedef struct ofi_tp {
    tp_t base;                     /* first: tp_t * and ofi_tp_t * convert */
    int world_rank;
    int world_size;
    tp_am_handler_fn am_handler;
    void *am_handler_arg;
    void (*fatal)(const char *msg);
    char host[64];

    struct fi_info *info;
    struct fid_fabric *fabric;
    struct fid_domain *domain;
    struct fid_av *av;
    struct fid_cq *cq;
    struct fid_ep *ep;
    uint64_t mr_mode;              /* the FI_MR_* bits the provider asks of us */
    uint64_t next_key;             /* our own MR keys, without FI_MR_PROV_KEY */
    size_t max_msg_size;

    ofi_peer_t *peers;             /* [world_size] */

    unsigned char *bufs;           /* every bounce buffer, sends then receives */
    size_t bufs_bytes;
    struct fid_mr *bufs_mr;        /* FI_MR_LOCAL providers only */
    void *bufs_desc;
    ofi_op_t *ops;                 /* [OFI_NUM_SEND + OFI_NUM_RECV] */
    ofi_op_t *send_free;
    int sends_outstanding;
    ofi_op_t *repost;              /* receives the provider refused to take back */
    ofi_op_t *rma_waiting;         /* reads/writes the provider refused (-FI_EAGAIN), oldest first */
    ofi_op_t *rma_waiting_tail;
    int rma_outstanding;           /* reads and writes not completed yet */
    /* Remote atomics (ofi_atomic.c): whether every rank asked for FI_ATOMIC
     * and got it, our own address (atomics toward ourselves go through the
     * provider too), and what the provider takes, [op][type][fetch]. */
    int atomic;
    fi_addr_t self_addr;
    size_t atomic_max[TP_AOP_COUNT][TP_ATYPE_COUNT][2];

    double timeout;                /* MINIMPI_OFI_TIMEOUT seconds, 0: never */
    double next_check;
    int in_progress;               /* guards against a handler calling progress */
} ofi_tp_t;

/* ofi_init.c */
tp_status_t ofi_init(const tp_job_t *job, tp_t **tp_out);
void ofi_finalize(tp_t *tp);
/* Post a receive buffer, or queue it for later when the provider is busy. */
void ofi_post_recv(ofi_tp_t *ofi, ofi_op_t *op);

/* ofi_progress.c */
int ofi_progress(tp_t *tp);
int ofi_pending(tp_t *tp);
double ofi_now(void);
/* End the job: a message naming this rank, the peer and its host. */
void ofi_fail(ofi_tp_t *ofi, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* ofi_rma.c */
tp_status_t ofi_mem_expose(tp_t *tp, const void *buf, size_t len, tp_mem_desc_t *desc);
void ofi_mem_release(tp_t *tp, tp_mem_desc_t *desc);
tp_status_t ofi_get(tp_t *tp, int peer, const tp_mem_desc_t *remote, size_t offset, void *local,
                    size_t len, tp_comp_t *comp);
tp_status_t ofi_getv_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                           size_t riov_count, const tp_iov_t *liov, size_t liov_count,
                           tp_comp_t *comp);
tp_status_t ofi_putv_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, const tp_iov_t *riov,
                           size_t riov_count, const tp_iov_t *liov, size_t liov_count,
                           tp_comp_t *comp);
/* Queue an operation the provider refused (-FI_EAGAIN) for ofi_rma_retry. */
void ofi_rma_wait_for_progress(ofi_tp_t *ofi, ofi_op_t *op);

/* ofi_atomic.c */
/* After the endpoint is open: fill atomic_max from the provider's answers. */
void ofi_atomic_query(ofi_tp_t *ofi);
size_t ofi_atomic_max(tp_t *tp, tp_atomic_op_t op, tp_atomic_type_t type, int fetch);
tp_status_t ofi_atomic_async(tp_t *tp, int peer, const tp_mem_desc_t *remote, uint64_t offset,
                             tp_atomic_op_t op, tp_atomic_type_t type, size_t count,
                             const void *operand, const void *compare, void *result,
                             tp_comp_t *comp);
/* Post an atomic operation.  Returns 0, or -FI_EAGAIN. */
ssize_t ofi_atomic_post(ofi_tp_t *ofi, ofi_op_t *op);

/* A chunk of a read or write completed (or failed: status != TP_OK). */
void ofi_rma_done(ofi_tp_t *ofi, ofi_op_t *op, tp_status_t status);
/* Issue reads and writes the provider refused before. */
int ofi_rma_retry(ofi_tp_t *ofi);

#endif /* MINIMPI_OFI_H */

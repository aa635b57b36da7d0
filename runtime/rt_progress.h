/*
 * rt_progress.h -- per-peer transports and outgoing queues, for the
 * protocol code.  (rt_progress_init/rt_progress/... themselves are declared
 * in rt.h, for MPI_Init and MPI_Finalize.)
 *
 * Every packet to a peer goes through rt_progress_send: when the peer's
 * queue is empty it is handed to the transport at once (the fast path: no
 * allocation, no lock); when the transport says TP_AGAIN, or earlier
 * packets are still queued, it is queued and retried from rt_progress(), in
 * order, so MPI's non-overtaking rule survives back-pressure.
 */
#ifndef MINIMPI_RT_PROGRESS_H
#define MINIMPI_RT_PROGRESS_H

#include <stddef.h>

#include "rt.h"
#include "rt_proto.h"
#include "rt_request.h"

typedef struct rt_out rt_out_t;

typedef struct rt_peer {
    tp_t *tp;                      /* transport that reaches this world rank */
    size_t eager_limit;            /* largest message sent EAGER to it */
    size_t copy_limit;             /* largest message sent eagerly in several packets
                                      (EAGER with RT_PKT_MULTI, then DATA); larger
                                      ones use rendezvous.  >= eager_limit. */
    rt_out_t *head;                /* queued outgoing packets, oldest first */
    rt_out_t *tail;
} rt_peer_t;

/* Per world rank (valid after rt_progress_init).  Exposed for the inline
 * fast path below; only rt_progress.c changes it. */
extern rt_peer_t *rt_peers;

/* The peer entry of world rank `world_rank`. */
static inline rt_peer_t *rt_progress_peer(int world_rank)
{
    return &rt_peers[world_rank];
}

/* Fatal: the transport refused a packet for good (names rank and cause). */
void rt_progress_send_failed(int world_rank, const tp_t *tp, tp_status_t st);

/*
 * Send `hdr` + `payload` to world rank `world_rank`, now or, behind earlier
 * packets, later.  The payload must stay valid until the packet is taken:
 * it is either empty, or data owned by a request that is not complete yet
 * (which is why `complete_when_taken` exists: an eager standard send is
 * completed by this module once the transport took its packet).
 */
void rt_progress_send(int world_rank, const rt_pkt_hdr_t *hdr, const void *payload,
                      size_t payload_len, rt_request_t *complete_when_taken);

/*
 * A plain EAGER packet with the short header `s`, now or never: 1 when the
 * transport took it, 0 when nothing was sent (packets are queued for the
 * peer, the peer is ourself, or the transport said TP_AGAIN); then send
 * the full header with rt_progress_send.
 */
static inline int rt_progress_try_short(int world_rank, const rt_pkt_short_t *s,
                                        const void *payload, size_t payload_len)
{
    rt_peer_t *peer = &rt_peers[world_rank];
    /* Packets to self take rt_progress_send, which turns on polling self. */
    if (RT_UNLIKELY(peer->head != NULL || world_rank == rt_proc.world_rank))
        return 0;
    tp_status_t st = peer->tp->ops->am_send(peer->tp, world_rank, s, sizeof(*s), payload,
                                            payload_len);
    if (RT_LIKELY(st == TP_OK))
        return 1;
    if (st != TP_AGAIN)
        rt_progress_send_failed(world_rank, peer->tp, st);
    return 0;
}

/* Stream a send's DATA chunks (after CTS), in order behind earlier packets. */
void rt_progress_stream(int world_rank, rt_request_t *req);

/*
 * A barrier over all ranks of the job, made of runtime messages, that keeps
 * progressing while it waits (a PMI fence does not).  MPI_Finalize should
 * call it after rt_progress_flush and before its fence: a rank that is done
 * then keeps draining what others still send it (messages nobody receives,
 * late control packets), so they can finish too instead of blocking
 * against a rank that sits in the fence.  Collective; returns MPI_SUCCESS.
 */
int rt_progress_barrier(void);

/* Wake those of the `num_ranks` world ranks `world_ranks`, all on this
 * node (this process's own rank may be among them), that sleep while idle:
 * after changing shared memory they wait on outside the transports (the
 * flags of a shared-memory collective).  Does nothing unless idle ranks
 * sleep (oversubscribed nodes). */
void rt_progress_wake_local(const int *world_ranks, size_t num_ranks);

/* The idle-round count to start a wait with (rt_progress_idle) when what
 * it waits for needs ranks that probably do not run now (a shared-memory
 * collective's flags): on an oversubscribed node it yields after a few
 * spins; elsewhere 0 (the usual spinning). */
unsigned rt_progress_idle_few_spins(void);

#endif /* MINIMPI_RT_PROGRESS_H */

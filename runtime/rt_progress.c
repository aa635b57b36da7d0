/*
 * rt_progress.c -- transport bring-up per peer, the progress engine, idle
 * policy, per-peer queues of outgoing packets, and the flush MPI_Finalize
 * needs (see rt_progress.h and rt.h).
 */
#include "rt_progress.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "rt_boot.h"
#include "rt_bsend.h"
#include "rt_coll_sched.h"
#include "rt_coll_shm.h"
#include "rt_insight.h"
#include "rt_proto.h"
#include "rt_request.h"

/* A packet (or a whole DATA stream) waiting for room in a transport. */
struct rt_out {
    rt_out_t *next;
    rt_pkt_hdr_t hdr;
    const void *payload;
    size_t payload_len;
    rt_request_t *req;             /* packet: completed once taken (may be NULL);
                                    * stream: the streaming send */
    int is_stream;
};

/* Idle rounds spent spinning (with a pause instruction) before a blocking
 * call starts yielding the core, when yielding is on. */
#define RT_IDLE_SPIN_ROUNDS 64

/* Spin rounds, of those, of a wait that needs ranks which probably do not
 * run (rt_progress_idle_few_spins). */
#define RT_IDLE_FEW_SPIN_ROUNDS 4

/* Then rounds spent yielding before it sleeps until a message arrives
 * (when every transport with peers can sleep; see rt_progress_idle). */
#define RT_IDLE_YIELD_ROUNDS 32

/* Longest sleep by default (MINIMPI_IDLE_SLEEP_MS): a safety net for a
 * wake-up that never comes.  Senders always ring a sleeping receiver (no
 * sleep ended by this limit in an 8-rank collective and point-to-point
 * run with a 3 s limit), so the limit only bounds how late a rank notices
 * something that is not a message, such as the launcher being gone. */
#define RT_IDLE_SLEEP_MS 2
#define RT_IDLE_SLEEP_MS_MAX 10000

/* Context id of the runtime's own messages (rt_progress_barrier): below
 * every communicator's, so no MPI receive can ever match them. */
#define RT_CONTEXT_INTERNAL (-2)

/* MPI_Finalize warns once when buffered or freed sends still have not gone
 * out after this many seconds (their receives were probably never posted). */
#define RT_FLUSH_WARN_SECONDS 10.0

rt_peer_t *rt_peers;
static int rt_num_peers;
static tp_t *rt_tp_self;
static tp_t *rt_tp_shm;            /* NULL when no peer shares the node */
static int rt_poll_shm;            /* some peer uses shm */
static int rt_poll_self;           /* a packet was ever sent to ourselves: poll self */
static tp_t *rt_tp_ofi;            /* NULL when every peer is on this node */
static int rt_poll_ofi;            /* some peer uses ofi */
static rt_out_t *rt_out_free;
static int rt_num_queued_peers;    /* peers whose queue is not empty */
static int rt_yield;               /* idle blocking calls yield the core */
static int rt_sleep;               /* ... and then sleep in rt_tp_shm->ops->wait */
static int rt_sleep_ms;            /* for at most this long (MINIMPI_IDLE_SLEEP_MS) */

/* ---- Bring-up ---------------------------------------------------------------- */

/* The eager limit for a transport: its largest payload, or
 * MINIMPI_EAGER_LIMIT when that is set and smaller. */
static size_t eager_limit_for(const tp_t *tp)
{
    size_t limit = tp->am_max_payload;
    const char *text = cfg_get("MINIMPI_EAGER_LIMIT");
    if (text[0] == '\0')
        return limit;
    long long value = cfg_get_num("MINIMPI_EAGER_LIMIT");
    /* cfg_get_num already warned about a malformed value and returned the
     * (empty) default as 0; only a written zero means zero. */
    if (value == 0 && text[0] != '0')
        return limit;
    if (value < 0) {
        rt_verbose("transport", "ignoring negative MINIMPI_EAGER_LIMIT=%s", text);
        return limit;
    }
    return (unsigned long long)value < limit ? (size_t)value : limit;
}

/* Largest same-node message copied through shared memory in several
 * cells rather than read with the rendezvous: MINIMPI_SHM_CMA_THRESHOLD,
 * else RT_SHM_COPY_LIMIT, but never past an explicit MINIMPI_EAGER_LIMIT
 * unless both are set (tests lower the eager limit to force rendezvous).
 * The rendezvous costs a round trip (RTS, then FIN) and, with CMA, a system
 * call that pins every page; two copies through cells that stay in cache
 * win below a few tens of KiB, most of all when both sides send at once
 * (an allreduce's exchange), where each rendezvous waits for the other. */
#define RT_SHM_COPY_LIMIT (64u << 10)

static size_t copy_limit_for(size_t eager_limit)
{
    const char *text = cfg_get("MINIMPI_SHM_CMA_THRESHOLD");
    size_t limit = RT_SHM_COPY_LIMIT;
    if (text[0] != '\0') {
        long long value = cfg_get_num("MINIMPI_SHM_CMA_THRESHOLD");
        limit = value > 0 ? (size_t)value : 0;
    } else if (cfg_get("MINIMPI_EAGER_LIMIT")[0] != '\0') {
        limit = 0;
    }
    return limit > eager_limit ? limit : eager_limit;
}

/* MINIMPI_YIELD=auto: the runtime decides (oversubscribed, or libfabric peers). */
static int rt_yield_auto;

static int yield_policy(void)
{
    rt_yield_auto = 0;
    const char *mode = cfg_get("MINIMPI_YIELD");
    if (strcasecmp(mode, "always") == 0)
        return 1;
    if (strcasecmp(mode, "never") == 0)
        return 0;
    if (strcasecmp(mode, "auto") != 0 && mode[0] != '\0' && rt_proc.job.world_rank == 0)
        fprintf(stderr, "minimpi: warning: MINIMPI_YIELD=%s is not auto, always or never; "
                        "using auto\n", mode);
    rt_yield_auto = 1;
    return rt_proc.job.oversubscribed != 0;
}

/* MINIMPI_IDLE_SLEEP_MS, or the default when it is malformed or out of range. */
static int sleep_limit_ms(void)
{
    long long ms = cfg_get_num("MINIMPI_IDLE_SLEEP_MS");
    if (ms >= 1 && ms <= RT_IDLE_SLEEP_MS_MAX)
        return (int)ms;
    if (rt_proc.job.world_rank == 0)
        fprintf(stderr, "minimpi: warning: MINIMPI_IDLE_SLEEP_MS=%s is not a number of "
                        "milliseconds from 1 to %d; using %d\n",
                cfg_get("MINIMPI_IDLE_SLEEP_MS"), RT_IDLE_SLEEP_MS_MAX, RT_IDLE_SLEEP_MS);
    return RT_IDLE_SLEEP_MS;
}

static void check_transport_limits(const tp_t *tp)
{
    if (tp->am_max_hdr < sizeof(rt_pkt_hdr_t))
        rt_fatal("transport %s takes headers of at most %zu bytes; the runtime needs %zu",
                 tp->name, tp->am_max_hdr, sizeof(rt_pkt_hdr_t));
    if (tp->am_max_payload < sizeof(tp_mem_desc_t))
        rt_fatal("transport %s takes payloads of at most %zu bytes; the runtime needs %zu",
                 tp->name, tp->am_max_payload, sizeof(tp_mem_desc_t));
}

static void report_peers(void)
{
    if (!rt_verbose_on("transport"))
        return;
    for (int p = 0; p < rt_num_peers; p++) {
        const rt_peer_t *peer = &rt_peers[p];
        if (peer->tp->can_get)
            rt_verbose("transport", "peer %d: %s, eager up to %zu bytes (in several packets "
                       "up to %zu), rendezvous single copy",
                       p, peer->tp->name, peer->eager_limit, peer->copy_limit);
        else
            rt_verbose("transport",
                       "peer %d: %s, eager up to %zu bytes, rendezvous pipelined (%zu-byte chunks)",
                       p, peer->tp->name, peer->eager_limit, peer->tp->am_max_payload);
    }
}

/* MINIMPI_TRANSPORTS=ofi: libfabric for every other rank, also on this node. */
static int transports_forced_ofi(void)
{
    const char *mode = cfg_get("MINIMPI_TRANSPORTS");
    if (strcasecmp(mode, "ofi") == 0)
        return 1;
    if (strcasecmp(mode, "auto") != 0 && mode[0] != '\0')
        rt_fatal("MINIMPI_TRANSPORTS=%s is not auto or ofi", mode);
    return 0;
}

/* Errors a transport finds outside any call that returns a status. */
static void transport_fatal(const char *msg)
{
    rt_fatal("%s", msg);
}

/*
 * Transport choice per peer: itself -> self; forced -> ofi; same node ->
 * shm; else -> ofi.  Every rank decides which transports to start from
 * job-wide facts only (node count, MINIMPI_TRANSPORTS), since their init
 * is collective.
 */
static void start_transports(tp_job_t *job, int forced_ofi)
{
    tp_status_t st = tp_self_ops.init(job, &rt_tp_self);
    if (st != TP_OK)
        rt_fatal("the loopback transport failed to start (status %d)", (int)st);
    check_transport_limits(rt_tp_self);
    rt_tp_shm = NULL;
    if (!forced_ofi) {
        st = tp_shm_ops.init(job, &rt_tp_shm);
        if (st == TP_ENOTSUP)
            rt_tp_shm = NULL;      /* no other rank on this node */
        else if (st != TP_OK)
            rt_fatal("the shared-memory transport failed to start (status %d)", (int)st);
        if (rt_tp_shm != NULL) {
            check_transport_limits(rt_tp_shm);
            /* A sleeping rank also wakes for its shared-memory collectives. */
            rt_tp_shm->other_pending = rt_coll_shm_pending;
        }
    }
    rt_tp_ofi = NULL;
    if (job->world_size > 1 && (forced_ofi || job->num_nodes > 1)) {
        st = tp_ofi_ops.init(job, &rt_tp_ofi);
        if (st != TP_OK)
            rt_fatal("the libfabric transport failed to start (status %d); "
                     "see the messages above", (int)st);
        check_transport_limits(rt_tp_ofi);
    }
}

int rt_progress_init(void)
{
    tp_job_t *job = &rt_proc.job;
    job->am_handler = rt_proto_am_handler;
    job->am_handler_arg = NULL;
    rt_request_pool_init();
    rt_proto_init();
    rt_yield = yield_policy();
    rt_sleep_ms = sleep_limit_ms();
    rt_num_queued_peers = 0;
    rt_out_free = NULL;

    rt_num_peers = job->world_size;
    rt_peers = calloc((size_t)rt_num_peers, sizeof(*rt_peers));
    if (rt_peers == NULL)
        rt_fatal("out of memory for %d peers", rt_num_peers);

    /* Collective: every rank initialises the same transports in the same
     * order, since their init may fence. */
    job->fatal = transport_fatal;
    int forced_ofi = transports_forced_ofi();
    start_transports(job, forced_ofi);

    size_t self_eager = eager_limit_for(rt_tp_self);
    size_t shm_eager = rt_tp_shm != NULL ? eager_limit_for(rt_tp_shm) : 0;
    size_t ofi_eager = rt_tp_ofi != NULL ? eager_limit_for(rt_tp_ofi) : 0;
    size_t shm_copy = rt_tp_shm != NULL ? copy_limit_for(shm_eager) : 0;
    rt_poll_shm = 0;
    rt_poll_ofi = 0;
    rt_poll_self = 0;
    for (int p = 0; p < rt_num_peers; p++) {
        rt_peer_t *peer = &rt_peers[p];
        int node = job->node_of_rank != NULL ? job->node_of_rank[p] : job->node_id;
        if (p == job->world_rank) {
            peer->tp = rt_tp_self;
            peer->eager_limit = self_eager;
            peer->copy_limit = self_eager;
        } else if (forced_ofi || node != job->node_id) {
            if (rt_tp_ofi == NULL || !rt_tp_ofi->ops->reachable(rt_tp_ofi, p))
                rt_fatal("rank %d is on node %d but the libfabric transport cannot reach it",
                         p, node);
            peer->tp = rt_tp_ofi;
            peer->eager_limit = ofi_eager;
            peer->copy_limit = ofi_eager;
            rt_poll_ofi = 1;
        } else if (rt_tp_shm == NULL || !rt_tp_shm->ops->reachable(rt_tp_shm, p)) {
            rt_fatal("rank %d is on this node (%d) but the shared-memory transport cannot reach it",
                     p, node);
        } else {
            peer->tp = rt_tp_shm;
            peer->eager_limit = shm_eager;
            peer->copy_limit = shm_copy;
            rt_poll_shm = 1;
        }
    }
    /* With libfabric peers an idle rank yields after its spin rounds, as
     * when oversubscribed.  The 4 ms per message once measured across two
     * network namespaces on 2 cores was not the kernel's network processing
     * but both "nodes" binding their first rank to core 0, so that one
     * spinning rank starved the other until the scheduler's tick; nodes of
     * one machine now get disjoint cores (launcher/lnch_place.h), and
     * bound apart the pair ran at 11.8 us on a quiet machine.  The rule
     * stays because it still pays where the cores are busy: over sockets
     * (tcp;ofi_rxm, net) a message needs work from other tasks (the peer,
     * the kernel's deferred network work in ksoftirqd, other jobs) that a
     * rank spinning through its time slice delays.  Measured with disjoint
     * cores on the loaded 2-core machine (load ~19), alternating, 5 rounds:
     * 8 B 155-207 us yielding vs 400-640 us never; 1 MiB 82-108 vs 50-61
     * MB/s.  With nothing else to run, sched_yield returns at once: a
     * system call per idle round, small next to a socket round trip. */
    if (rt_poll_ofi && rt_yield_auto)
        rt_yield = 1;
    report_peers();
    rt_insight_report_transports();
    rt_insight_hang_init();
    /* Sleeping waits for shm's doorbell, so only when shm is the one
     * transport with peers besides self (which never has anything pending
     * while we are idle) and it can sleep. */
    rt_sleep = rt_yield && rt_poll_shm && rt_tp_shm->ops->wait != NULL;
    for (int p = 0; p < rt_num_peers && rt_sleep; p++)
        if (rt_peers[p].tp != rt_tp_self && rt_peers[p].tp != rt_tp_shm)
            rt_sleep = 0;
    return MPI_SUCCESS;
}

void rt_progress_finalize(void)
{
    for (int p = 0; p < rt_num_peers; p++) {
        while (rt_peers[p].head != NULL) {
            rt_out_t *o = rt_peers[p].head;
            rt_peers[p].head = o->next;
            free(o);
        }
    }
    while (rt_out_free != NULL) {
        rt_out_t *o = rt_out_free;
        rt_out_free = o->next;
        free(o);
    }
    if (rt_tp_ofi != NULL)
        rt_tp_ofi->ops->finalize(rt_tp_ofi);
    if (rt_tp_shm != NULL)
        rt_tp_shm->ops->finalize(rt_tp_shm);
    if (rt_tp_self != NULL)
        rt_tp_self->ops->finalize(rt_tp_self);
    rt_tp_shm = NULL;
    rt_tp_self = NULL;
    rt_tp_ofi = NULL;
    rt_poll_shm = 0;
    rt_poll_ofi = 0;
    rt_sleep = 0;
    rt_bsend_finalize();
    rt_proto_finalize();
    rt_request_pool_finalize();
    free(rt_peers);
    rt_peers = NULL;
    rt_num_peers = 0;
    rt_num_queued_peers = 0;
}

/* ---- Outgoing queues ---------------------------------------------------------- */

static rt_out_t *out_alloc(void)
{
    rt_out_t *o = rt_out_free;
    if (o != NULL) {
        rt_out_free = o->next;
    } else {
        o = malloc(sizeof(*o));
        if (o == NULL)
            rt_fatal("out of memory queueing an outgoing message");
    }
    memset(o, 0, sizeof(*o));
    return o;
}

static void out_enqueue(rt_peer_t *peer, rt_out_t *o)
{
    o->next = NULL;
    if (peer->tail != NULL) {
        peer->tail->next = o;
    } else {
        peer->head = o;
        rt_num_queued_peers++;
    }
    peer->tail = o;
}

static void out_dequeue_head(rt_peer_t *peer)
{
    rt_out_t *o = peer->head;
    peer->head = o->next;
    if (peer->head == NULL) {
        peer->tail = NULL;
        rt_num_queued_peers--;
    }
    o->next = rt_out_free;
    rt_out_free = o;
}

void rt_progress_send_failed(int world_rank, const tp_t *tp, tp_status_t st)
{
    rt_fatal_transport(st, "sending to rank %d failed (transport %s, status %d%s)", world_rank,
                       tp->name, (int)st, st == TP_EPEER ? ": the peer is gone" : "");
}

void rt_progress_send(int world_rank, const rt_pkt_hdr_t *hdr, const void *payload,
                      size_t payload_len, rt_request_t *complete_when_taken)
{
    rt_peer_t *peer = &rt_peers[world_rank];
    /* Most programs never send to themselves: self is polled only once
     * they did (every packet to self passes here first). */
    if (RT_UNLIKELY(peer->tp == rt_tp_self))
        rt_poll_self = 1;
    if (RT_LIKELY(peer->head == NULL)) {
        tp_status_t st =
            peer->tp->ops->am_send(peer->tp, world_rank, hdr, sizeof(*hdr), payload, payload_len);
        if (RT_LIKELY(st == TP_OK)) {
            if (complete_when_taken != NULL)
                rt_request_complete(complete_when_taken);
            return;
        }
        if (st != TP_AGAIN)
            rt_progress_send_failed(world_rank, peer->tp, st);
    }
    rt_out_t *o = out_alloc();
    o->hdr = *hdr;
    o->payload = payload;
    o->payload_len = payload_len;
    o->req = complete_when_taken;
    out_enqueue(peer, o);
}

void rt_progress_stream(int world_rank, rt_request_t *req)
{
    rt_peer_t *peer = &rt_peers[world_rank];
    if (peer->head == NULL && rt_proto_stream_push(req))
        return;
    rt_out_t *o = out_alloc();
    o->req = req;
    o->is_stream = 1;
    out_enqueue(peer, o);
}

/* Hand a peer's queued packets to its transport, oldest first, until it
 * refuses one.  Returns how many went out. */
static int push_peer(int world_rank, rt_peer_t *peer)
{
    int n = 0;
    while (peer->head != NULL) {
        rt_out_t *o = peer->head;
        if (o->is_stream) {
            if (!rt_proto_stream_push(o->req))
                break;
            out_dequeue_head(peer);
        } else {
            tp_status_t st = peer->tp->ops->am_send(peer->tp, world_rank, &o->hdr, sizeof(o->hdr),
                                                    o->payload, o->payload_len);
            if (st == TP_AGAIN)
                break;
            if (st != TP_OK)
                rt_progress_send_failed(world_rank, peer->tp, st);
            rt_request_t *req = o->req;
            out_dequeue_head(peer);
            if (req != NULL)
                rt_request_complete(req);
        }
        n++;
    }
    return n;
}

/* ---- Progress ---------------------------------------------------------------- */

int rt_progress(void)
{
    /* Now and then, make sure the launcher is still there, so that no rank
     * outlives it (the check itself looks at the clock first). */
    static unsigned calls;
    if (RT_UNLIKELY((++calls & 0xfff) == 0))
        rt_boot_pmi_check_launcher();
    int n = 0;
    if (RT_UNLIKELY(rt_poll_self))
        n += rt_tp_self->ops->progress(rt_tp_self);
    if (rt_poll_shm)
        n += rt_tp_shm->ops->progress(rt_tp_shm);
    if (rt_poll_ofi)
        n += rt_tp_ofi->ops->progress(rt_tp_ofi);
    if (RT_UNLIKELY(rt_num_queued_peers > 0))
        for (int p = 0; p < rt_num_peers && rt_num_queued_peers > 0; p++)
            if (rt_peers[p].head != NULL)
                n += push_peer(p, &rt_peers[p]);
    /* Nonblocking collectives advance here, like any request. */
    if (RT_UNLIKELY(rt_coll_sched_num_active > 0))
        n += rt_coll_sched_progress();
    return n;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

void rt_progress_wake_local(const int *world_ranks, size_t num_ranks)
{
    if (rt_tp_shm != NULL && rt_tp_shm->ops->wake != NULL)
        rt_tp_shm->ops->wake(rt_tp_shm, world_ranks, num_ranks);
}

/*
 * Idle policy of blocking calls: spin (the answer is usually a few hundred
 * nanoseconds away), then, when yielding is on (oversubscribed node, or
 * MINIMPI_YIELD=always), yield the core to the rank we probably wait for,
 * then sleep until a sender rings our doorbell.  Sleeping needs every
 * outgoing packet handed over: nobody rings when our queued packets find
 * room, so with packets queued we keep yielding.
 */
void rt_progress_idle(unsigned *idle_rounds)
{
    if (RT_UNLIKELY(rt_hang_on))
        rt_insight_hang_tick();
    if (*idle_rounds < RT_IDLE_SPIN_ROUNDS || !rt_yield) {
        if (*idle_rounds < RT_IDLE_SPIN_ROUNDS)
            (*idle_rounds)++;
        cpu_relax();
        return;
    }
    if (*idle_rounds < RT_IDLE_SPIN_ROUNDS + RT_IDLE_YIELD_ROUNDS || !rt_sleep ||
        rt_num_queued_peers > 0) {
        if (*idle_rounds < RT_IDLE_SPIN_ROUNDS + RT_IDLE_YIELD_ROUNDS)
            (*idle_rounds)++;
        /* Oversubscribed: the rank we wait for may need this core to run. */
        sched_yield();
        return;
    }
    /* A sleeping rank makes few progress calls, so the count-driven check in
     * rt_progress comes seconds late: before each sleep, look (the check
     * itself reads the clock first and polls at most four times a second). */
    rt_boot_pmi_check_launcher();
    rt_tp_shm->ops->wait(rt_tp_shm, rt_sleep_ms);
}

/*
 * Where a wait for other ranks' shared-memory flags starts counting idle
 * rounds, so that on an oversubscribed node it spins only a few rounds
 * before yielding.  With 8 ranks on 2 cores a shared-memory barrier waits
 * for ranks that mostly wait for a core: spinning 64 rounds before each
 * yield took about 40% of the cpu time; with 4 rounds a loop of barriers
 * took 37 us per call against 45, and bench/coll on a loaded machine 57
 * against 89 (alltoall 4 B 39 against 109).  Not with dedicated cores,
 * where the others run and their answer is a few hundred nanoseconds away.
 */
unsigned rt_progress_idle_few_spins(void)
{
    if (!rt_yield || !rt_proc.job.oversubscribed)
        return 0;
    return RT_IDLE_SPIN_ROUNDS - RT_IDLE_FEW_SPIN_ROUNDS;
}

int rt_progress_flush(void)
{
    unsigned idle = 0;
    double start = rt_wtime();
    int warned = 0;
    while (rt_num_queued_peers > 0 || rt_request_num_detached_sends() > 0) {
        if (rt_progress() != 0) {
            idle = 0;
            continue;
        }
        rt_progress_idle(&idle);
        if (!warned && rt_wtime() - start > RT_FLUSH_WARN_SECONDS) {
            fprintf(stderr, "minimpi: rank %d: MPI_Finalize is still waiting after %.0f s for "
                            "%zu buffered or freed sends (were their receives posted?)\n",
                    rt_proc.job.world_rank, RT_FLUSH_WARN_SECONDS,
                    rt_request_num_detached_sends());
            warned = 1;
        }
    }
    return MPI_SUCCESS;
}

/* Transports that need our progress to move what they took (libfabric's
 * manual progress) get it until they are done: the PMI fence that follows
 * the finalize barrier would stall them, and a peer waiting for them. */
static void rt_progress_drain(void)
{
    tp_t *tps[] = {rt_tp_self, rt_tp_shm, rt_tp_ofi};
    unsigned idle = 0;
    for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
        tp_t *tp = tps[i];
        while (tp != NULL && tp->ops->pending != NULL && tp->ops->pending(tp) > 0) {
            if (rt_progress() != 0)
                idle = 0;
            else
                rt_progress_idle(&idle);
        }
    }
}

int rt_progress_barrier(void)
{
    rt_comm_t *world = rt_comm_get(MPI_COMM_WORLD);
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    if (world == NULL || byte == NULL)
        rt_fatal("the finalize barrier needs MPI_COMM_WORLD and MPI_BYTE");
    int n = world->size, me = world->rank;
    /* Dissemination: in round k everyone signals rank + 2^k and waits for
     * rank - 2^k; after ceil(log2 n) rounds everyone has heard from all. */
    for (int dist = 1; dist < n; dist <<= 1) {
        rt_request_t *recv =
            rt_proto_irecv(world, RT_CONTEXT_INTERNAL, NULL, 0, byte, (me - dist + n) % n, dist);
        rt_request_t *send =
            rt_proto_isend(world, RT_CONTEXT_INTERNAL, NULL, 0, byte, (me + dist) % n, dist);
        rt_request_wait(send);
        rt_request_wait(recv);
        rt_request_release(send);
        rt_request_release(recv);
    }
    rt_progress_drain();
    return MPI_SUCCESS;
}

/*
 * rt_coll_bcast.c -- broadcast algorithms.
 *
 * binomial: the root sends to ranks at distance p/2, p/4, ... (relative to
 *   the root); every rank forwards to its own subtree.  log2 p steps of the
 *   whole message: best for small messages.
 * scatter_allgather (van de Geijn): a binomial scatter of p pieces, then a
 *   ring allgather of the pieces.  About 2 (p-1)/p of the message per rank:
 *   best for large messages.
 * node_aware: binomial among one leader per node (the root leads its own
 *   node), then binomial inside each node from its leader.
 */
#include "rt_coll_algo.h"

#include <stdlib.h>

#include "rt_proto.h"

/* The binomial tree of n ranks rooted at relative rank 0, seen from
 * relative rank vr: its parent (-1 for the root) and its children, nearest
 * subtree last, in the order they are sent to; returns how many. */
#define MAX_CHILDREN (8 * (int)sizeof(int))
static int binomial_tree(int n, int vr, int *parent, int children[MAX_CHILDREN])
{
    int mask = 1, num = 0;
    *parent = -1;
    for (; mask < n; mask <<= 1) {
        if (vr & mask) {
            *parent = vr - mask;
            break;
        }
    }
    for (mask >>= 1; mask > 0; mask >>= 1)
        if (vr + mask < n)
            children[num++] = vr + mask;
    return num;
}

void rt_coll_bcast_binomial(rt_coll_sched_t *s, const rt_coll_team_t *t, const rt_coll_args_t *a)
{
    int n = t->size, root = a->root;
    int parent, children[MAX_CHILDREN];
    int num = binomial_tree(n, (t->rank - root + n) % n, &parent, children);
    if (parent >= 0) {
        rt_coll_sched_recv(s, a->rbuf, a->count, a->dt, rt_coll_team_peer(t, (parent + root) % n));
        rt_coll_sched_round(s);
    }
    for (int i = 0; i < num; i++)
        rt_coll_sched_send(s, a->rbuf, a->count, a->dt,
                           rt_coll_team_peer(t, (children[i] + root) % n));
    rt_coll_sched_round(s);
}

/*
 * The blocking form of binomial: the same messages with the same tag, so
 * that it meets ranks running the schedule, but sent and received here.  A
 * loop of small broadcasts is bounded by what each receiving rank spends
 * per call, and a schedule (steps, rounds, a request per message) costs
 * more than the message.
 */
int rt_coll_bcast_binomial_direct(rt_comm_t *comm, const rt_coll_args_t *a)
{
    int n = comm->size, root = a->root, context_id = comm->context_id + 1;
    int parent, children[MAX_CHILDREN];
    int num = binomial_tree(n, (comm->rank - root + n) % n, &parent, children);
    int tag = rt_coll_take_tag(comm);
    int err = MPI_SUCCESS;
    if (parent >= 0) {
        rt_request_t *r = rt_proto_irecv(comm, context_id, a->rbuf, a->count, a->dt,
                                         (parent + root) % n, tag);
        rt_request_wait(r);
        err = r->status.MPI_ERROR;
        rt_request_release(r);
    }
    /* Forwarded even after a failed receive, as the schedule would: the
     * subtree waits for it. */
    rt_request_t *sends[MAX_CHILDREN];
    int num_sends = 0;
    for (int i = 0; i < num; i++) {
        int child = (children[i] + root) % n;
        if (!rt_proto_send_now(comm, context_id, a->rbuf, a->count, a->dt, child, tag))
            sends[num_sends++] =
                rt_proto_isend(comm, context_id, a->rbuf, a->count, a->dt, child, tag);
    }
    for (int i = 0; i < num_sends; i++) {
        rt_request_wait(sends[i]);
        if (err == MPI_SUCCESS)
            err = sends[i]->status.MPI_ERROR;
        rt_request_release(sends[i]);
    }
    return err;
}

void rt_coll_bcast_scatter_allgather(rt_coll_sched_t *s, const rt_coll_team_t *t,
                                     const rt_coll_args_t *a)
{
    int n = t->size, root = a->root;
    int vr = (t->rank - root + n) % n;
    size_t chunk = (a->count + (size_t)n - 1) / (size_t)n;
    if (n == 1 || chunk == 0)
        return;
    /* Piece v (for relative rank v) is elements [v chunk, (v+1) chunk). */
#define FIRST(v) ((size_t)(v) * chunk < a->count ? (size_t)(v) * chunk : a->count)
#define ELEMS(v0, v1) (FIRST(v1) - FIRST(v0))
#define PEER(v) rt_coll_team_peer(t, ((v) + root) % n)
    int mask = 1;
    for (; mask < n; mask <<= 1) {
        if (vr & mask) {
            int end = vr + mask < n ? vr + mask : n;
            if (ELEMS(vr, end) > 0)
                rt_coll_sched_recv(s, rt_coll_at(a->rbuf, FIRST(vr), a->dt), ELEMS(vr, end),
                                   a->dt, PEER(vr - mask));
            rt_coll_sched_round(s);
            break;
        }
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
        int child = vr + mask;
        if (child >= n)
            continue;
        int end = child + mask < n ? child + mask : n;
        if (ELEMS(child, end) > 0)
            rt_coll_sched_send(s, rt_coll_at(a->rbuf, FIRST(child), a->dt), ELEMS(child, end),
                               a->dt, PEER(child));
    }
    rt_coll_sched_round(s);
    /* Ring allgather of the pieces, in relative ranks. */
    int right = (vr + 1) % n, left = (vr - 1 + n) % n;
    for (int k = 0; k < n - 1; k++) {
        int sv = (vr - k + n) % n, rv = (vr - k - 1 + n) % n;
        if (ELEMS(sv, sv + 1) > 0)
            rt_coll_sched_send(s, rt_coll_at(a->rbuf, FIRST(sv), a->dt), ELEMS(sv, sv + 1),
                               a->dt, PEER(right));
        if (ELEMS(rv, rv + 1) > 0)
            rt_coll_sched_recv(s, rt_coll_at(a->rbuf, FIRST(rv), a->dt), ELEMS(rv, rv + 1),
                               a->dt, PEER(left));
        rt_coll_sched_round(s);
    }
#undef FIRST
#undef ELEMS
#undef PEER
}

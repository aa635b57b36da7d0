/*
 * mpi_intercomm.c -- intercommunicators: MPI_Intercomm_create,
 * MPI_Intercomm_merge, and their dup.
 *
 * MPI_Comm_split and MPI_Comm_create on intercommunicators come here too
 * (rt_intercomm_split).
 *
 * An intercommunicator carries the local group (rank, size, world ranks),
 * the remote group (peer_size, peer_world_rank_of: whom point-to-point
 * addresses) and an intracommunicator of the local group (local_comm) for
 * the agreements that later calls need.  Both groups must take the same
 * context id: each group ANDs its free masks, the two leaders swap the
 * result with their group's size and world ranks, and each leader passes
 * what it got on to its group; everyone then takes from the same mask.
 */
#include "rt_comm_new.h"

#include <stdlib.h>
#include <string.h>

#include "rt_attr.h"

typedef struct group_hdr {
    int size;
    int high;                      /* MPI_Intercomm_merge's argument */
    rt_ctx_mask_t mask;            /* AND of the group's free context ids */
} group_hdr_t;

/* What one group learns about the other. */
typedef struct remote_info {
    group_hdr_t mine, theirs;
    int *world;                    /* [theirs.size] */
} remote_info_t;

/*
 * Swap group descriptions.  `local` is my group's intracommunicator and
 * `leader` its leader's rank there; the leaders talk through `xcomm` (my
 * leader to rank `xpeer` of it) under `xtag`.
 */
static int swap_groups(rt_comm_t *local, int leader, rt_comm_t *xcomm, int xpeer, int xtag,
                       int high, remote_info_t *out)
{
    out->world = NULL;
    rt_ctx_mask_t mask, *all = malloc((size_t)local->size * sizeof(*all));
    if (all == NULL)
        return MPI_ERR_NO_MEM;
    rt_ctx_get_free(&mask);
    int err = rt_comm_allgather_bytes(local, &mask, sizeof(mask), all);
    if (err != MPI_SUCCESS) {
        free(all);
        return err;
    }
    memset(&out->mine, 0, sizeof(out->mine));
    out->mine.size = local->size;
    out->mine.high = high != 0;
    out->mine.mask = all[0];
    for (int r = 1; r < local->size; r++)
        for (int i = 0; i < RT_CTX_WORDS; i++)
            out->mine.mask.word[i] &= all[r].word[i];
    free(all);
    if (local->rank == leader) {
        err = rt_comm_sendrecv_bytes(xcomm, xpeer, xtag, &out->mine, sizeof(out->mine),
                                     &out->theirs, sizeof(out->theirs));
        if (err != MPI_SUCCESS)
            return err;
    }
    err = rt_comm_bcast_bytes(local, &out->theirs, sizeof(out->theirs), leader);
    if (err != MPI_SUCCESS)
        return err;
    out->world = malloc((size_t)(out->theirs.size > 0 ? out->theirs.size : 1) * sizeof(int));
    if (out->world == NULL)
        return MPI_ERR_NO_MEM;
    if (local->rank == leader) {
        err = rt_comm_sendrecv_bytes(xcomm, xpeer, xtag, local->world_rank_of,
                                     (size_t)local->size * sizeof(int), out->world,
                                     (size_t)out->theirs.size * sizeof(int));
        if (err != MPI_SUCCESS)
            return err;
    }
    return rt_comm_bcast_bytes(local, out->world, (size_t)out->theirs.size * sizeof(int), leader);
}

static void agreed_mask(const remote_info_t *info, rt_ctx_mask_t *mask)
{
    for (int i = 0; i < RT_CTX_WORDS; i++)
        mask->word[i] = info->mine.mask.word[i] & info->theirs.mask.word[i];
}

/*
 * A new intercommunicator (and its local intracommunicator) from an
 * agreed mask: both groups take the same two pairs in the same order.
 * This process is `rank` of the local group `lworld`; `rworld` is the
 * remote group.  The new communicators inherit `parent`'s error handler.
 */
static int new_intercomm(const rt_comm_t *parent, const rt_ctx_mask_t *mask, int rank,
                         int lsize, const int *lworld, int rsize, const int *rworld,
                         rt_comm_t **out)
{
    int ctx = rt_ctx_take(mask);
    int lctx = rt_ctx_take(mask);
    if (ctx < 0 || lctx < 0) {
        if (ctx >= 0)
            rt_ctx_give_back(ctx);
        return MPI_ERR_OTHER;
    }
    rt_comm_t *lc = rt_comm_new(parent, lctx, rank, lsize, lworld, 0, NULL);
    rt_comm_t *ic = rt_comm_new(parent, ctx, rank, lsize, lworld, rsize, rworld);
    if (lc == NULL || ic == NULL) {
        if (lc != NULL)
            rt_comm_destroy(lc);
        else
            rt_ctx_give_back(lctx);
        if (ic != NULL)
            rt_comm_destroy(ic);
        else
            rt_ctx_give_back(ctx);
        return MPI_ERR_NO_MEM;
    }
    ic->local_comm = lc->handle;
    *out = ic;
    return MPI_SUCCESS;
}

static int build_intercomm(rt_comm_t *local, const remote_info_t *info, rt_comm_t **out)
{
    rt_ctx_mask_t mask;
    agreed_mask(info, &mask);
    return new_intercomm(local, &mask, local->rank, local->size, local->world_rank_of,
                         info->theirs.size, info->world, out);
}

int MPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm,
                         int remote_leader, int tag, MPI_Comm *newintercomm)
{
    const char *call = "MPI_Intercomm_create";
    rt_comm_t *local, *peer = NULL;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, local_comm, local);
    if (local->is_inter)
        return rt_err(local, call, MPI_ERR_COMM, "local_comm is an intercommunicator");
    if (newintercomm == NULL)
        return rt_err(local, call, MPI_ERR_ARG, "newintercomm is NULL");
    if (local_leader < 0 || local_leader >= local->size)
        return rt_err(local, call, MPI_ERR_RANK, "invalid local_leader %d (size %d)",
                      local_leader, local->size);
    RT_CHECK_SEND_TAG(call, local, tag);
    /* peer_comm matters only at the leader. */
    if (local->rank == local_leader) {
        RT_CHECK_COMM(call, peer_comm, peer);
        if (remote_leader < 0 || remote_leader >= peer->peer_size)
            return rt_err(local, call, MPI_ERR_RANK, "invalid remote_leader %d (size %d)",
                          remote_leader, peer->peer_size);
        if (peer->peer_world_rank_of[remote_leader] == rt_proc.world_rank)
            return rt_err(local, call, MPI_ERR_RANK,
                          "remote_leader %d is this process: the groups must be disjoint",
                          remote_leader);
    }
    remote_info_t info;
    int err = swap_groups(local, local_leader, peer, remote_leader, tag, 0, &info);
    rt_comm_t *ic = NULL;
    if (err == MPI_SUCCESS) {
        for (int i = 0; i < info.theirs.size && err == MPI_SUCCESS; i++)
            for (int r = 0; r < local->size; r++)
                if (info.world[i] == local->world_rank_of[r])
                    err = MPI_ERR_COMM;
        if (err != MPI_SUCCESS) {
            free(info.world);
            return rt_err(local, call, err, "the local and remote groups overlap");
        }
        err = build_intercomm(local, &info, &ic);
    }
    free(info.world);
    if (err != MPI_SUCCESS)
        return rt_err(local, call, err, "cannot create the intercommunicator");
    *newintercomm = ic->handle;
    return MPI_SUCCESS;
}

/* The leaders of an intercommunicator talk on its collective context. */
static void leader_view(const rt_comm_t *ic, rt_comm_t *view)
{
    *view = *ic;
    view->context_id = ic->context_id + 1;
}

int rt_intercomm_dup(const char *call, rt_comm_t *c, MPI_Comm *newcomm)
{
    rt_comm_t *local = rt_comm_get(c->local_comm);
    if (local == NULL)
        return rt_err(c, call, MPI_ERR_INTERN, "intercommunicator without its local group");
    rt_comm_t view;
    leader_view(c, &view);
    remote_info_t info;
    int err = swap_groups(local, 0, &view, 0, RT_TAG_COMM_AGREE, 0, &info);
    rt_comm_t *ic = NULL;
    if (err == MPI_SUCCESS)
        err = build_intercomm(local, &info, &ic);
    free(info.world);
    if (err == MPI_SUCCESS)
        err = rt_attr_copy_all(c, ic);
    if (err != MPI_SUCCESS) {
        if (ic != NULL)
            rt_comm_free(ic);
        return rt_err(c, call, err, "cannot duplicate the intercommunicator");
    }
    *newcomm = ic->handle;
    return MPI_SUCCESS;
}

int rt_intercomm_split(rt_comm_t *c, int color, int key, rt_comm_t **out)
{
    *out = NULL;
    rt_comm_t *local = rt_comm_get(c->local_comm);
    if (local == NULL)
        return MPI_ERR_INTERN;
    int n = c->size, m = c->peer_size;
    rt_split_entry_t mine = {.color = color, .key = key};
    rt_ctx_get_free(&mine.free_ctx);
    rt_split_entry_t *all = malloc((size_t)(n + m) * sizeof(*all));
    int *world = malloc((size_t)(n + m) * sizeof(int));
    int err = MPI_ERR_NO_MEM;
    if (all == NULL || world == NULL)
        goto out;
    /* Gather the group's entries, the leaders swap them, and each leader
     * passes the other group's on: everyone sees all n + m entries. */
    rt_split_entry_t *theirs = all + n;
    err = rt_comm_allgather_bytes(local, &mine, sizeof(mine), all);
    if (err == MPI_SUCCESS && local->rank == 0) {
        rt_comm_t view;
        leader_view(c, &view);
        err = rt_comm_sendrecv_bytes(&view, 0, RT_TAG_COMM_AGREE, all, (size_t)n * sizeof(*all),
                                     theirs, (size_t)m * sizeof(*all));
    }
    if (err == MPI_SUCCESS)
        err = rt_comm_bcast_bytes(local, theirs, (size_t)m * sizeof(*all), 0);
    if (err != MPI_SUCCESS || color == MPI_UNDEFINED)
        goto out;
    rt_ctx_mask_t agreed = all[0].free_ctx;
    for (int r = 1; r < n + m; r++)
        for (int i = 0; i < RT_CTX_WORDS; i++)
            agreed.word[i] &= all[r].free_ctx.word[i];
    int my_rank = 0;
    int k = rt_split_members(all, n, color, c->world_rank_of, c->rank, world, &my_rank);
    int kr = rt_split_members(theirs, m, color, c->peer_world_rank_of, -1, world + n, NULL);
    err = MPI_ERR_NO_MEM;
    if (k < 0 || kr < 0)
        goto out;
    err = MPI_SUCCESS;
    if (kr > 0)
        err = new_intercomm(c, &agreed, my_rank, k, world, kr, world + n, out);
out:
    free(all);
    free(world);
    return err;
}

int MPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm *newintracomm)
{
    const char *call = "MPI_Intercomm_merge";
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, intercomm, c);
    if (!c->is_inter)
        return rt_err(c, call, MPI_ERR_COMM, "not an intercommunicator");
    if (newintracomm == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "newintracomm is NULL");
    rt_comm_t *local = rt_comm_get(c->local_comm);
    if (local == NULL)
        return rt_err(c, call, MPI_ERR_INTERN, "intercommunicator without its local group");
    rt_comm_t view;
    leader_view(c, &view);
    remote_info_t info;
    int err = swap_groups(local, 0, &view, 0, RT_TAG_COMM_AGREE, high, &info);
    if (err != MPI_SUCCESS) {
        free(info.world);
        return rt_err(c, call, err, "cannot agree with the remote group");
    }
    /* The "low" group comes first; on a tie, the group of the lower world
     * rank (both sides decide the same way). */
    int me_first = info.mine.high != info.theirs.high
                       ? !info.mine.high
                       : c->world_rank_of[0] < info.world[0];
    int n = c->size + c->peer_size;
    int *world = malloc((size_t)n * sizeof(int));
    rt_ctx_mask_t mask;
    agreed_mask(&info, &mask);
    int ctx = rt_ctx_take(&mask);
    rt_comm_t *m = NULL;
    if (world != NULL && ctx >= 0) {
        int *first = me_first ? c->world_rank_of : info.world;
        int *second = me_first ? info.world : c->world_rank_of;
        int n1 = me_first ? c->size : c->peer_size;
        memcpy(world, first, (size_t)n1 * sizeof(int));
        memcpy(world + n1, second, (size_t)(n - n1) * sizeof(int));
        int rank = me_first ? c->rank : c->peer_size + c->rank;
        m = rt_comm_new(c, ctx, rank, n, world, 0, NULL);
    }
    free(world);
    free(info.world);
    if (m == NULL) {
        if (ctx >= 0)
            rt_ctx_give_back(ctx);
        return rt_err(c, call, ctx < 0 ? MPI_ERR_OTHER : MPI_ERR_NO_MEM,
                      "cannot create the merged communicator");
    }
    *newintracomm = m->handle;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Intercomm_create = PMPI_Intercomm_create
#pragma weak MPI_Intercomm_merge = PMPI_Intercomm_merge

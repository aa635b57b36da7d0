/*
 * mpi_comm.c -- MPI entry points for communicators: rank and size, dup,
 * split, create, free, compare, groups, names, info.
 *
 * Every creating call agrees on a context id among the ranks taking part
 * (rt_comm_new.h) in the same exchange that shares what else it needs
 * (split: colours and keys).  Intercommunicators: see mpi_intercomm.c.
 */
#include "rt_comm_new.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_attr.h"
#include "rt_coll_sched.h"
#include "rt_group.h"
#include "rt_info.h"
#include "rt_proto.h"
#include "rt_request.h"
#include "rt_topo.h"

#define CHECK_ARG(CALL, COMM, PTR, NAME)                                      \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(COMM, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

#define CHECK_INTRA(CALL, COMM)                                               \
    do {                                                                      \
        if (RT_UNLIKELY((COMM)->is_inter))                                    \
            return rt_err(COMM, CALL, MPI_ERR_COMM,                           \
                          "not supported on an intercommunicator");           \
    } while (0)

int MPI_Comm_rank(MPI_Comm comm, int *rank)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_rank");
    RT_CHECK_COMM("MPI_Comm_rank", comm, c);
    CHECK_ARG("MPI_Comm_rank", c, rank, "rank");
    *rank = c->rank;
    return MPI_SUCCESS;
}

int MPI_Comm_size(MPI_Comm comm, int *size)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_size");
    RT_CHECK_COMM("MPI_Comm_size", comm, c);
    CHECK_ARG("MPI_Comm_size", c, size, "size");
    *size = c->size;
    return MPI_SUCCESS;
}

/* ---- Dup -------------------------------------------------------------------- */

/* A copy of an intracommunicator on context `ctx` (given back on failure),
 * its attributes copied by their callbacks and its topology kept: an MPI
 * error class. */
static int dup_on_context(rt_comm_t *c, int ctx, rt_comm_t **out)
{
    rt_comm_t *n = rt_comm_new(c, ctx, c->rank, c->size, c->world_rank_of, 0, NULL);
    if (n == NULL) {
        rt_ctx_give_back(ctx);
        return MPI_ERR_NO_MEM;
    }
    if (c->topo != NULL && (n->topo = rt_topo_dup(c->topo)) == NULL) {
        rt_comm_destroy(n);
        return MPI_ERR_NO_MEM;
    }
    int err = rt_attr_copy_all(c, n);
    if (err != MPI_SUCCESS) {
        rt_attr_delete_all(n);
        rt_comm_destroy(n);
        return err;
    }
    *out = n;
    return MPI_SUCCESS;
}

static int dup_intra(const char *call, rt_comm_t *c, MPI_Comm *newcomm)
{
    int ctx;
    int err = rt_comm_agree_context(c, &ctx);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "cannot agree on a context id");
    rt_comm_t *n;
    err = dup_on_context(c, ctx, &n);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "cannot copy the communicator (error class %d)", err);
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_dup");
    RT_CHECK_COMM("MPI_Comm_dup", comm, c);
    CHECK_ARG("MPI_Comm_dup", c, newcomm, "newcomm");
    if (c->is_inter)
        return rt_intercomm_dup("MPI_Comm_dup", c, newcomm);
    return dup_intra("MPI_Comm_dup", c, newcomm);
}

int MPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_dup_with_info");
    RT_CHECK_COMM("MPI_Comm_dup_with_info", comm, c);
    if (info != MPI_INFO_NULL && !rt_info_valid(info))
        return rt_err(c, "MPI_Comm_dup_with_info", MPI_ERR_INFO, "invalid info");
    CHECK_ARG("MPI_Comm_dup_with_info", c, newcomm, "newcomm");
    /* No hint changes anything here yet. */
    if (c->is_inter)
        return rt_intercomm_dup("MPI_Comm_dup_with_info", c, newcomm);
    return dup_intra("MPI_Comm_dup_with_info", c, newcomm);
}

/*
 * MPI_Comm_idup on an intracommunicator is a schedule the progress engine
 * runs: every rank sends its offer of context ids (rt_ctx_lend) to every
 * other, and once all are in, a last step agrees on the id and builds the
 * communicator, whose handle it writes to the program's *newcomm.  So the
 * program may do other communication before its MPI_Wait.  The copy
 * callbacks of the attributes run at that last step.
 */
#define RT_IDUP_LEND 32

typedef struct idup_state {
    rt_comm_t *comm;
    MPI_Comm *newcomm;
    rt_ctx_mask_t lent;            /* my offer */
    rt_ctx_mask_t all[];           /* [comm->size]: everyone's */
} idup_state_t;

static int idup_finish(void *arg)
{
    idup_state_t *st = arg;
    rt_comm_t *c = st->comm;
    rt_ctx_mask_t agreed = st->lent;
    for (int r = 0; r < c->size; r++)
        for (int i = 0; i < RT_CTX_WORDS; i++)
            agreed.word[i] &= st->all[r].word[i];
    int ctx = rt_ctx_settle(&st->lent, &agreed);
    if (ctx < 0)
        return MPI_ERR_OTHER;
    rt_comm_t *n;
    int err = dup_on_context(c, ctx, &n);
    if (err == MPI_SUCCESS)
        *st->newcomm = n->handle;
    return err;
}

static int idup_intra(const char *call, rt_comm_t *c, MPI_Comm *newcomm, MPI_Request *request)
{
    rt_coll_sched_t *s = rt_coll_sched_new(c);
    if (s == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    rt_datatype_t *byte = rt_datatype_get(MPI_BYTE);
    size_t len = sizeof(idup_state_t) + (size_t)c->size * sizeof(rt_ctx_mask_t);
    idup_state_t *st = rt_coll_sched_tmp(s, len, byte);
    rt_ctx_mask_t lent = {{0}};
    if (st != NULL) {
        st->comm = c;
        st->newcomm = newcomm;
        /* Where to lend from: the same at every rank of c (its context
         * and the collective's number on it), spread over the space. */
        unsigned start = (unsigned)(c->context_id / 2) * 2654435761u + c->coll_seq * 40503u;
        rt_ctx_lend((int)(start % RT_CTX_PAIRS), RT_IDUP_LEND, &lent);
        st->lent = lent;
        st->all[c->rank] = st->lent;
        for (int r = 0; r < c->size; r++)
            if (r != c->rank)
                rt_coll_sched_recv(s, &st->all[r], sizeof(rt_ctx_mask_t), byte, r);
        for (int r = 0; r < c->size; r++)
            if (r != c->rank)
                rt_coll_sched_send(s, &st->lent, sizeof(rt_ctx_mask_t), byte, r);
        rt_coll_sched_round(s);
        rt_coll_sched_call(s, idup_finish, st);
    }
    rt_request_t *req;
    int err = rt_coll_sched_start(s, &req);
    if (err != MPI_SUCCESS) {
        /* The schedule is gone: give back what it had lent itself. */
        rt_ctx_settle(&lent, &(rt_ctx_mask_t){{0}});
        return rt_err(c, call, err, "cannot start the duplication");
    }
    *request = req->handle;
    return MPI_SUCCESS;
}

int MPI_Comm_idup(MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_idup");
    RT_CHECK_COMM("MPI_Comm_idup", comm, c);
    CHECK_ARG("MPI_Comm_idup", c, newcomm, "newcomm");
    CHECK_ARG("MPI_Comm_idup", c, request, "request");
    if (!c->is_inter)
        return idup_intra("MPI_Comm_idup", c, newcomm, request);
    /* An intercommunicator is duplicated at once; its request is complete. */
    int err = rt_intercomm_dup("MPI_Comm_idup", c, newcomm);
    if (err != MPI_SUCCESS)
        return err;
    rt_request_t *req = rt_request_alloc(RT_REQ_SEND);
    req->comm = c;
    req->dt = rt_datatype_get(MPI_BYTE);
    req->peer = MPI_PROC_NULL;
    rt_status_set_empty(&req->status);
    req->state = RT_STATE_DONE;
    req->complete = 1;
    *request = req->handle;
    return MPI_SUCCESS;
}

/* ---- Split -------------------------------------------------------------------- */

typedef struct split_member {
    int key, rank;
} split_member_t;

static int member_order(const void *a, const void *b)
{
    const split_member_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

int rt_split_members(const rt_split_entry_t *all, int n, int color, const int *world_of, int me,
                     int *world_out, int *my_rank)
{
    split_member_t *members = malloc((size_t)(n > 0 ? n : 1) * sizeof(*members));
    if (members == NULL)
        return -1;
    int k = 0;
    for (int r = 0; r < n; r++)
        if (all[r].color == color)
            members[k++] = (split_member_t){all[r].key, r};
    qsort(members, (size_t)k, sizeof(*members), member_order);
    for (int i = 0; i < k; i++) {
        world_out[i] = world_of[members[i].rank];
        if (members[i].rank == me)
            *my_rank = i;
    }
    free(members);
    return k;
}

int rt_comm_split(rt_comm_t *parent, int color, int key, rt_comm_t **out)
{
    int n = parent->size;
    rt_split_entry_t mine;
    mine.color = color;
    mine.key = key;
    rt_ctx_get_free(&mine.free_ctx);
    rt_split_entry_t *all = malloc((size_t)n * sizeof(*all));
    int *world = malloc((size_t)n * sizeof(int));
    int err = MPI_ERR_NO_MEM;
    *out = NULL;
    if (all == NULL || world == NULL)
        goto free_arrays;
    err = rt_comm_allgather_bytes(parent, &mine, sizeof(mine), all);
    if (err != MPI_SUCCESS || color == MPI_UNDEFINED)
        goto free_arrays;
    /* Every colour takes the same id: the new communicators are disjoint. */
    rt_ctx_mask_t agreed = all[0].free_ctx;
    for (int r = 1; r < n; r++)
        for (int i = 0; i < RT_CTX_WORDS; i++)
            agreed.word[i] &= all[r].free_ctx.word[i];
    int my_rank = 0;
    int k = rt_split_members(all, n, color, parent->world_rank_of, parent->rank, world, &my_rank);
    err = MPI_ERR_NO_MEM;
    if (k < 0)
        goto free_arrays;
    int ctx = rt_ctx_take(&agreed);
    err = MPI_ERR_OTHER;
    if (ctx < 0)
        goto free_arrays;
    *out = rt_comm_new(parent, ctx, my_rank, k, world, 0, NULL);
    err = MPI_SUCCESS;
    if (*out == NULL) {
        rt_ctx_give_back(ctx);
        err = MPI_ERR_NO_MEM;
    }
free_arrays:
    free(all);
    free(world);
    return err;
}

static int split_common(const char *call, rt_comm_t *c, int color, int key, MPI_Comm *newcomm)
{
    rt_comm_t *n;
    int err = c->is_inter ? rt_intercomm_split(c, color, key, &n)
                          : rt_comm_split(c, color, key, &n);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "cannot create the communicator");
    *newcomm = n != NULL ? n->handle : MPI_COMM_NULL;
    return MPI_SUCCESS;
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_split");
    RT_CHECK_COMM("MPI_Comm_split", comm, c);
    CHECK_ARG("MPI_Comm_split", c, newcomm, "newcomm");
    if (color < 0 && color != MPI_UNDEFINED)
        return rt_err(c, "MPI_Comm_split", MPI_ERR_ARG, "invalid color %d", color);
    return split_common("MPI_Comm_split", c, color, key, newcomm);
}

int MPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info,
                        MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_split_type";
    rt_comm_t *c;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    CHECK_INTRA(call, c);
    CHECK_ARG(call, c, newcomm, "newcomm");
    if (info != MPI_INFO_NULL && !rt_info_valid(info))
        return rt_err(c, call, MPI_ERR_INFO, "invalid info");
    if (split_type != MPI_COMM_TYPE_SHARED && split_type != MPI_UNDEFINED)
        return rt_err(c, call, MPI_ERR_ARG, "invalid split_type %d", split_type);
    /* SHARED: the ranks of one node, whose id the bootstrap gave us. */
    int color = MPI_UNDEFINED;
    if (split_type == MPI_COMM_TYPE_SHARED)
        color = rt_proc.job.node_of_rank != NULL ? rt_proc.job.node_of_rank[rt_proc.world_rank]
                                                 : 0;
    return split_common(call, c, color, key, newcomm);
}

/* ---- Create ---------------------------------------------------------------------- */

int MPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_create";
    rt_comm_t *c;
    rt_group_t *g;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    CHECK_ARG(call, c, newcomm, "newcomm");
    g = rt_group_get(group);
    if (g == NULL)
        return rt_err(c, call, MPI_ERR_GROUP, "invalid group");
    /* On an intercommunicator the group is part of the local group. */
    for (int i = 0; i < g->size; i++) {
        int in_comm = 0;
        for (int r = 0; r < c->size && !in_comm; r++)
            in_comm = c->world_rank_of[r] == g->world_ranks[i];
        if (!in_comm)
            return rt_err(c, call, MPI_ERR_GROUP,
                          "the group's rank %d is not a member of the communicator", i);
    }
    if (c->is_inter) {
        int in = g->rank != MPI_UNDEFINED;
        return split_common(call, c, in ? 0 : MPI_UNDEFINED, in ? g->rank : 0, newcomm);
    }
    /* Every rank of comm takes part in agreeing, even those left out. */
    int ctx;
    int err = rt_comm_agree_context(c, &ctx);
    if (err != MPI_SUCCESS)
        return rt_err(c, call, err, "cannot agree on a context id");
    if (g->rank == MPI_UNDEFINED) {
        rt_ctx_give_back(ctx);
        *newcomm = MPI_COMM_NULL;
        return MPI_SUCCESS;
    }
    rt_comm_t *n = rt_comm_new(c, ctx, g->rank, g->size, g->world_ranks, 0, NULL);
    if (n == NULL) {
        rt_ctx_give_back(ctx);
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    }
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

int MPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_create_group";
    rt_comm_t *c;
    rt_group_t *g;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    CHECK_INTRA(call, c);
    CHECK_ARG(call, c, newcomm, "newcomm");
    RT_CHECK_SEND_TAG(call, c, tag);
    g = rt_group_get(group);
    if (g == NULL)
        return rt_err(c, call, MPI_ERR_GROUP, "invalid group");
    if (g->rank == MPI_UNDEFINED) {
        *newcomm = MPI_COMM_NULL;
        return MPI_SUCCESS;
    }
    /* Only the group's members take part: agree among them, addressed by
     * their group ranks on comm's collective context under the tag. */
    rt_comm_t view = *c;
    view.rank = g->rank;
    view.size = g->size;
    view.world_rank_of = g->world_ranks;
    rt_ctx_mask_t mine, *all = malloc((size_t)g->size * sizeof(*all));
    if (all == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    rt_ctx_get_free(&mine);
    int err = rt_comm_allgather_tagged(&view, -16 - tag, &mine, sizeof(mine), all);
    int ctx = -1;
    if (err == MPI_SUCCESS) {
        for (int r = 1; r < g->size; r++)
            for (int i = 0; i < RT_CTX_WORDS; i++)
                all[0].word[i] &= all[r].word[i];
        ctx = rt_ctx_take(&all[0]);
    }
    free(all);
    if (err != MPI_SUCCESS || ctx < 0)
        return rt_err(c, call, err != MPI_SUCCESS ? err : MPI_ERR_OTHER,
                      "cannot agree on a context id");
    rt_comm_t *n = rt_comm_new(c, ctx, g->rank, g->size, g->world_ranks, 0, NULL);
    if (n == NULL) {
        rt_ctx_give_back(ctx);
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    }
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

/* ---- Free, compare ---------------------------------------------------------------- */

int rt_comm_free(rt_comm_t *c)
{
    int err = rt_attr_delete_all(c);
    rt_comm_t *local = c->is_inter ? rt_comm_get(c->local_comm) : NULL;
    if (local != NULL)
        rt_comm_free(local);
    rt_comm_destroy(c);
    return err;
}

int MPI_Comm_free(MPI_Comm *comm)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_free");
    CHECK_ARG("MPI_Comm_free", NULL, comm, "comm");
    RT_CHECK_COMM("MPI_Comm_free", *comm, c);
    if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF)
        return rt_err(c, "MPI_Comm_free", MPI_ERR_COMM, "cannot free %s", c->name);
    int err = rt_comm_free(c);
    *comm = MPI_COMM_NULL;
    if (err != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Comm_free", err, "an attribute delete callback failed");
    return MPI_SUCCESS;
}

static int compare_ranks(int n1, const int *w1, int n2, const int *w2)
{
    rt_group_t a = {0, n1, 0, (int *)w1}, b = {0, n2, 0, (int *)w2};
    return rt_group_compare(&a, &b);
}

int MPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result)
{
    rt_comm_t *a, *b;
    RT_CHECK_INIT("MPI_Comm_compare");
    RT_CHECK_COMM("MPI_Comm_compare", comm1, a);
    RT_CHECK_COMM("MPI_Comm_compare", comm2, b);
    CHECK_ARG("MPI_Comm_compare", a, result, "result");
    if (a == b) {
        *result = MPI_IDENT;
        return MPI_SUCCESS;
    }
    if (a->is_inter != b->is_inter) {
        *result = MPI_UNEQUAL;
        return MPI_SUCCESS;
    }
    int r = compare_ranks(a->size, a->world_rank_of, b->size, b->world_rank_of);
    if (a->is_inter) {
        int rr = compare_ranks(a->peer_size, a->peer_world_rank_of, b->peer_size,
                               b->peer_world_rank_of);
        if (rr > r)
            r = rr;
    }
    *result = r == MPI_IDENT ? MPI_CONGRUENT : r;
    return MPI_SUCCESS;
}

/* ---- Groups, kind, names, info ---------------------------------------------------- */

static int group_of(const char *call, rt_comm_t *c, int n, const int *world, MPI_Group *group)
{
    CHECK_ARG(call, c, group, "group");
    rt_group_t *g = rt_group_new(n, world);
    if (g == NULL)
        return rt_err(c, call, MPI_ERR_NO_MEM, "out of memory");
    *group = g->handle;
    return MPI_SUCCESS;
}

int MPI_Comm_group(MPI_Comm comm, MPI_Group *group)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_group");
    RT_CHECK_COMM("MPI_Comm_group", comm, c);
    return group_of("MPI_Comm_group", c, c->size, c->world_rank_of, group);
}

int MPI_Comm_remote_group(MPI_Comm comm, MPI_Group *group)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_remote_group");
    RT_CHECK_COMM("MPI_Comm_remote_group", comm, c);
    if (!c->is_inter)
        return rt_err(c, "MPI_Comm_remote_group", MPI_ERR_COMM, "not an intercommunicator");
    return group_of("MPI_Comm_remote_group", c, c->peer_size, c->peer_world_rank_of, group);
}

int MPI_Comm_remote_size(MPI_Comm comm, int *size)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_remote_size");
    RT_CHECK_COMM("MPI_Comm_remote_size", comm, c);
    if (!c->is_inter)
        return rt_err(c, "MPI_Comm_remote_size", MPI_ERR_COMM, "not an intercommunicator");
    CHECK_ARG("MPI_Comm_remote_size", c, size, "size");
    *size = c->peer_size;
    return MPI_SUCCESS;
}

int MPI_Comm_test_inter(MPI_Comm comm, int *flag)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_test_inter");
    RT_CHECK_COMM("MPI_Comm_test_inter", comm, c);
    CHECK_ARG("MPI_Comm_test_inter", c, flag, "flag");
    *flag = c->is_inter;
    return MPI_SUCCESS;
}

int MPI_Comm_set_name(MPI_Comm comm, const char *comm_name)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_set_name");
    RT_CHECK_COMM("MPI_Comm_set_name", comm, c);
    CHECK_ARG("MPI_Comm_set_name", c, comm_name, "comm_name");
    snprintf(c->name, sizeof(c->name), "%s", comm_name);
    return MPI_SUCCESS;
}

int MPI_Comm_get_name(MPI_Comm comm, char *comm_name, int *resultlen)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_get_name");
    RT_CHECK_COMM("MPI_Comm_get_name", comm, c);
    CHECK_ARG("MPI_Comm_get_name", c, comm_name, "comm_name");
    CHECK_ARG("MPI_Comm_get_name", c, resultlen, "resultlen");
    size_t len = strlen(c->name);
    memcpy(comm_name, c->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

int MPI_Comm_set_info(MPI_Comm comm, MPI_Info info)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_set_info");
    RT_CHECK_COMM("MPI_Comm_set_info", comm, c);
    if (!rt_info_valid(info))
        return rt_err(c, "MPI_Comm_set_info", MPI_ERR_INFO, "invalid info");
    /* No hint is used yet: accepted and ignored, as the standard allows. */
    return MPI_SUCCESS;
}

int MPI_Comm_get_info(MPI_Comm comm, MPI_Info *info_used)
{
    rt_comm_t *c;
    RT_CHECK_INIT("MPI_Comm_get_info");
    RT_CHECK_COMM("MPI_Comm_get_info", comm, c);
    CHECK_ARG("MPI_Comm_get_info", c, info_used, "info_used");
    if (rt_info_create(info_used) != MPI_SUCCESS)
        return rt_err(c, "MPI_Comm_get_info", MPI_ERR_NO_MEM, "out of memory");
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Comm_compare = PMPI_Comm_compare
#pragma weak MPI_Comm_create = PMPI_Comm_create
#pragma weak MPI_Comm_create_group = PMPI_Comm_create_group
#pragma weak MPI_Comm_dup = PMPI_Comm_dup
#pragma weak MPI_Comm_dup_with_info = PMPI_Comm_dup_with_info
#pragma weak MPI_Comm_free = PMPI_Comm_free
#pragma weak MPI_Comm_get_info = PMPI_Comm_get_info
#pragma weak MPI_Comm_get_name = PMPI_Comm_get_name
#pragma weak MPI_Comm_group = PMPI_Comm_group
#pragma weak MPI_Comm_idup = PMPI_Comm_idup
#pragma weak MPI_Comm_rank = PMPI_Comm_rank
#pragma weak MPI_Comm_remote_group = PMPI_Comm_remote_group
#pragma weak MPI_Comm_remote_size = PMPI_Comm_remote_size
#pragma weak MPI_Comm_set_info = PMPI_Comm_set_info
#pragma weak MPI_Comm_set_name = PMPI_Comm_set_name
#pragma weak MPI_Comm_size = PMPI_Comm_size
#pragma weak MPI_Comm_split = PMPI_Comm_split
#pragma weak MPI_Comm_split_type = PMPI_Comm_split_type
#pragma weak MPI_Comm_test_inter = PMPI_Comm_test_inter

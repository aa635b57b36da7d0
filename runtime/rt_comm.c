/*
 * rt_comm.c -- the communicator table and communicator objects.
 * MPI_COMM_WORLD and MPI_COMM_SELF are entries 0 and 1; a handle's low 24
 * bits index the table.  Context ids keep messages of different
 * communicators apart in matching: WORLD uses 0 and SELF 2 (each also owns
 * the odd id above it for its collectives); later communicators get fresh
 * pairs agreed among their ranks (see rt_comm_new.h).
 */
#include "rt_comm_new.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_attr.h"
#include "rt_coll_shm.h"
#include "rt_errhandler.h"
#include "rt_handles.h"
#include "rt_topo.h"

rt_htable_t rt_comm_table = RT_HTABLE_INIT(MINIMPI_KIND_COMM, 2);
static rt_ctx_mask_t ctx_used;     /* bit set: pair in use by this process */
static int self_world_rank;

/* ---- Context ids ------------------------------------------------------ */

void rt_ctx_get_free(rt_ctx_mask_t *mask)
{
    for (int i = 0; i < RT_CTX_WORDS; i++)
        mask->word[i] = ~ctx_used.word[i];
}

int rt_ctx_take(const rt_ctx_mask_t *agreed)
{
    for (int i = 0; i < RT_CTX_WORDS; i++) {
        uint32_t w = agreed->word[i] & ~ctx_used.word[i];
        if (w != 0) {
            int bit = __builtin_ctz(w);
            ctx_used.word[i] |= 1u << bit;
            return 2 * (i * 32 + bit);
        }
    }
    return -1;
}

void rt_ctx_give_back(int context_id)
{
    int pair = context_id / 2;
    ctx_used.word[pair / 32] &= ~(1u << (pair % 32));
}

void rt_ctx_lend(int start, int max, rt_ctx_mask_t *lent)
{
    memset(lent, 0, sizeof(*lent));
    for (int i = 0; i < RT_CTX_PAIRS && max > 0; i++) {
        int pair = (start + i) % RT_CTX_PAIRS;
        uint32_t bit = 1u << (pair % 32);
        if (ctx_used.word[pair / 32] & bit)
            continue;
        ctx_used.word[pair / 32] |= bit;
        lent->word[pair / 32] |= bit;
        max--;
    }
}

int rt_ctx_settle(rt_ctx_mask_t *lent, const rt_ctx_mask_t *agreed)
{
    int kept = -1;
    for (int pair = 0; pair < RT_CTX_PAIRS; pair++) {
        uint32_t bit = 1u << (pair % 32);
        if (!(lent->word[pair / 32] & bit))
            continue;
        if (kept < 0 && (agreed->word[pair / 32] & bit))
            kept = 2 * pair;
        else
            ctx_used.word[pair / 32] &= ~bit;
    }
    memset(lent, 0, sizeof(*lent));
    return kept;
}

int rt_comm_agree_context(rt_comm_t *comm, int *context_id)
{
    rt_ctx_mask_t mine, agreed;
    rt_ctx_mask_t *all = malloc((size_t)comm->size * sizeof(*all));
    if (all == NULL)
        return MPI_ERR_NO_MEM;
    rt_ctx_get_free(&mine);
    int err = rt_comm_allgather_bytes(comm, &mine, sizeof(mine), all);
    if (err == MPI_SUCCESS) {
        agreed = all[0];
        for (int r = 1; r < comm->size; r++)
            for (int i = 0; i < RT_CTX_WORDS; i++)
                agreed.word[i] &= all[r].word[i];
        *context_id = rt_ctx_take(&agreed);
        if (*context_id < 0)
            err = MPI_ERR_OTHER;
    }
    free(all);
    return err;
}

/* ---- Objects ------------------------------------------------------------ */

static int *copy_ranks(int n, const int *ranks)
{
    int *copy = malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
    if (copy != NULL && n > 0)
        memcpy(copy, ranks, (size_t)n * sizeof(int));
    return copy;
}

rt_comm_t *rt_comm_new(const rt_comm_t *parent, int context_id, int rank, int size,
                       const int *world_ranks, int remote_size, const int *remote)
{
    rt_comm_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->world_rank_of = copy_ranks(size, world_ranks);
    if (c->world_rank_of == NULL)
        goto free_comm;
    c->context_id = context_id;
    c->rank = rank;
    c->size = size;
    c->peer_size = size;
    c->peer_world_rank_of = c->world_rank_of;
    c->errhandler = parent != NULL ? parent->errhandler : MPI_ERRORS_ARE_FATAL;
    c->local_comm = MPI_COMM_NULL;
    if (remote != NULL) {
        c->is_inter = 1;
        c->peer_size = remote_size;
        c->peer_world_rank_of = copy_ranks(remote_size, remote);
        if (c->peer_world_rank_of == NULL)
            goto free_ranks;
    }
    int h = rt_htable_add(&rt_comm_table, c);
    if (h == -1)
        goto free_remote;
    c->handle = h;
    c->refcount = 1;
    rt_errhandler_retain(c->errhandler);
    return c;
free_remote:
    if (c->is_inter)
        free(c->peer_world_rank_of);
free_ranks:
    free(c->world_rank_of);
free_comm:
    free(c);
    return NULL;
}

void rt_comm_free_object(rt_comm_t *c)
{
    rt_coll_shm_free(c);
    rt_errhandler_release(c->errhandler);
    rt_topo_free(c->topo);
    if (c->is_inter)
        free(c->peer_world_rank_of);
    free(c->world_rank_of);
    if (c->context_id > 2)
        rt_ctx_give_back(c->context_id);
    free(c);
}

/* WORLD and SELF are static and hold their handle's reference forever. */
void rt_comm_destroy(rt_comm_t *c)
{
    /* Its handle goes now; the object (and its context id) when the last
     * request using it is released. */
    if (rt_comm_get(c->handle) == c)
        rt_htable_remove(&rt_comm_table, c->handle);
    rt_comm_release(c);
}

/* WORLD and SELF are static, so that WORLD stays readable after
 * MPI_Finalize: its error handler still applies to calls made too late. */
static rt_comm_t comm_world, comm_self;

static int predefined_setup(rt_comm_t *c, size_t index, int context_id, int rank, int size,
                            int *world_rank_of, const char *name)
{
    c->handle = rt_htable_put(&rt_comm_table, index, c);
    if (c->handle == -1)
        return -1;
    c->context_id = context_id;
    c->rank = rank;
    c->size = size;
    c->world_rank_of = world_rank_of;
    c->peer_size = size;
    c->peer_world_rank_of = world_rank_of;
    c->errhandler = MPI_ERRORS_ARE_FATAL;
    c->local_comm = MPI_COMM_NULL;
    c->refcount = 1;
    snprintf(c->name, sizeof(c->name), "%s", name);
    return 0;
}

int rt_comm_init_predefined(void)
{
    int size = rt_proc.world_size;
    int *world = malloc((size_t)size * sizeof(int));
    if (world == NULL)
        return -1;
    for (int r = 0; r < size; r++)
        world[r] = r;
    self_world_rank = rt_proc.world_rank;
    if (predefined_setup(&comm_world, 0, 0, rt_proc.world_rank, size, world,
                         "MPI_COMM_WORLD") != 0 ||
        predefined_setup(&comm_self, 1, 2, 0, 1, &self_world_rank, "MPI_COMM_SELF") != 0)
        return -1;
    ctx_used.word[0] |= 3u;        /* pairs 0 (WORLD) and 1 (SELF) */
    return rt_attr_init_predefined(&comm_world);
}

void rt_comm_finalize_begin(void)
{
    rt_attr_delete_all(&comm_self);
    rt_attr_delete_all(&comm_world);
}

/*
 * Communicators the program did not free go now.  MPI is shut down, so
 * their attributes are dropped without running callbacks.  WORLD and SELF
 * objects stay (WORLD's error handler still applies to calls made too
 * late); only WORLD's rank list memory goes.
 */
void rt_comm_finalize(void)
{
    rt_attr_drop_all(&comm_self);
    for (size_t i = 2; i < rt_comm_table.cap; i++) {
        rt_comm_t *c = rt_htable_at(&rt_comm_table, i);
        if (c != NULL) {
            rt_attr_drop_all(c);
            rt_htable_remove(&rt_comm_table, c->handle);
            rt_comm_free_object(c);
        }
    }
    rt_attr_drop_all(&comm_world);
    rt_coll_shm_free(&comm_world);
    rt_topo_free(comm_world.topo);
    comm_world.topo = NULL;
    free(comm_world.world_rank_of);
    comm_world.world_rank_of = NULL;
    comm_world.peer_world_rank_of = NULL;
}

/*
 * mpi_win_sync.c -- MPI entry points of the synchronization calls: fence,
 * post/start/complete/wait/test, lock/unlock (all), flush (local) (all)
 * and sync.  The work is in runtime/rt_win_sync.c.
 */
#include "rt_win.h"
#include "rt_win_sync.h"

#define CHECK_TARGET(CALL, W, RANK)                                           \
    do {                                                                      \
        if ((RANK) == MPI_PROC_NULL)                                          \
            return MPI_SUCCESS;                                               \
        if ((RANK) < 0 || (RANK) >= (W)->comm->size)                          \
            return rt_err((W)->comm, CALL, MPI_ERR_RANK,                      \
                          "invalid rank %d (window of %d ranks)", (RANK),     \
                          (W)->comm->size);                                   \
    } while (0)

/* A copy of the program's group, which the window then owns. */
static int copy_group(rt_win_t *w, const char *call, MPI_Group group, rt_group_t **out)
{
    rt_group_t *g = rt_group_get(group);
    if (g == NULL)
        return rt_err(w->comm, call, MPI_ERR_GROUP, "invalid group");
    *out = rt_group_new(g->size, g->world_ranks);
    if (*out == NULL)
        return rt_err(w->comm, call, MPI_ERR_NO_MEM, "out of memory");
    return MPI_SUCCESS;
}

int MPI_Win_fence(int assert, MPI_Win win)
{
    rt_win_t *w;
    (void)assert;
    RT_CHECK_INIT("MPI_Win_fence");
    RT_CHECK_WIN("MPI_Win_fence", win, w);
    int err = rt_win_fence(w);
    if (err != MPI_SUCCESS)
        return rt_err(w->comm, "MPI_Win_fence", err, "the barrier failed");
    return rt_rma_raise_pending(w, "MPI_Win_fence");
}

int MPI_Win_post(MPI_Group group, int assert, MPI_Win win)
{
    rt_win_t *w;
    rt_group_t *g;
    (void)assert;
    RT_CHECK_INIT("MPI_Win_post");
    RT_CHECK_WIN("MPI_Win_post", win, w);
    if (w->post_group != NULL)
        return rt_err(w->comm, "MPI_Win_post", MPI_ERR_RMA_SYNC,
                      "an exposure epoch is already open (call MPI_Win_wait first)");
    int err = copy_group(w, "MPI_Win_post", group, &g);
    if (err != MPI_SUCCESS)
        return err;
    if (rt_win_post(w, g) != MPI_SUCCESS) {
        rt_group_free(g);
        return rt_err(w->comm, "MPI_Win_post", MPI_ERR_GROUP, "the group holds a rank "
                      "outside the window");
    }
    return MPI_SUCCESS;
}

int MPI_Win_start(MPI_Group group, int assert, MPI_Win win)
{
    rt_win_t *w;
    rt_group_t *g;
    (void)assert;
    RT_CHECK_INIT("MPI_Win_start");
    RT_CHECK_WIN("MPI_Win_start", win, w);
    if (w->start_group != NULL)
        return rt_err(w->comm, "MPI_Win_start", MPI_ERR_RMA_SYNC,
                      "an access epoch is already open (call MPI_Win_complete first)");
    int err = copy_group(w, "MPI_Win_start", group, &g);
    if (err != MPI_SUCCESS)
        return err;
    if (rt_win_start(w, g) != MPI_SUCCESS) {
        rt_group_free(g);
        return rt_err(w->comm, "MPI_Win_start", MPI_ERR_GROUP, "the group holds a rank "
                      "outside the window");
    }
    return MPI_SUCCESS;
}

int MPI_Win_complete(MPI_Win win)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_complete");
    RT_CHECK_WIN("MPI_Win_complete", win, w);
    if (w->start_group == NULL)
        return rt_err(w->comm, "MPI_Win_complete", MPI_ERR_RMA_SYNC,
                      "no access epoch is open (MPI_Win_start first)");
    rt_win_complete(w);
    return rt_rma_raise_pending(w, "MPI_Win_complete");
}

static int wait_or_test(const char *call, MPI_Win win, int *flag)
{
    rt_win_t *w;
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    if (w->post_group == NULL)
        return rt_err(w->comm, call, MPI_ERR_RMA_SYNC,
                      "no exposure epoch is open (MPI_Win_post first)");
    int done = rt_win_wait(w, flag == NULL);
    if (flag != NULL)
        *flag = done;
    return MPI_SUCCESS;
}

int MPI_Win_wait(MPI_Win win)
{
    return wait_or_test("MPI_Win_wait", win, NULL);
}

int MPI_Win_test(MPI_Win win, int *flag)
{
    if (flag == NULL)
        return rt_err(NULL, "MPI_Win_test", MPI_ERR_ARG, "flag is NULL");
    return wait_or_test("MPI_Win_test", win, flag);
}

int MPI_Win_lock(int lock_type, int rank, int assert, MPI_Win win)
{
    rt_win_t *w;
    (void)assert;
    RT_CHECK_INIT("MPI_Win_lock");
    RT_CHECK_WIN("MPI_Win_lock", win, w);
    if (lock_type != MPI_LOCK_SHARED && lock_type != MPI_LOCK_EXCLUSIVE)
        return rt_err(w->comm, "MPI_Win_lock", MPI_ERR_LOCKTYPE, "invalid lock type %d",
                      lock_type);
    CHECK_TARGET("MPI_Win_lock", w, rank);
    if (w->peers[rank].locked)
        return rt_err(w->comm, "MPI_Win_lock", MPI_ERR_RMA_SYNC,
                      "rank %d's window is already locked by this process", rank);
    rt_win_lock(w, lock_type, rank);
    return MPI_SUCCESS;
}

int MPI_Win_unlock(int rank, MPI_Win win)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_unlock");
    RT_CHECK_WIN("MPI_Win_unlock", win, w);
    CHECK_TARGET("MPI_Win_unlock", w, rank);
    if (!w->peers[rank].locked)
        return rt_err(w->comm, "MPI_Win_unlock", MPI_ERR_RMA_SYNC,
                      "rank %d's window is not locked by this process", rank);
    rt_win_unlock(w, rank);
    return rt_rma_raise_pending(w, "MPI_Win_unlock");
}

int MPI_Win_lock_all(int assert, MPI_Win win)
{
    rt_win_t *w;
    (void)assert;
    RT_CHECK_INIT("MPI_Win_lock_all");
    RT_CHECK_WIN("MPI_Win_lock_all", win, w);
    for (int r = 0; r < w->comm->size; r++)
        if (w->peers[r].locked)
            return rt_err(w->comm, "MPI_Win_lock_all", MPI_ERR_RMA_SYNC,
                          "rank %d's window is already locked by this process", r);
    rt_win_lock_all(w);
    return MPI_SUCCESS;
}

int MPI_Win_unlock_all(MPI_Win win)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_unlock_all");
    RT_CHECK_WIN("MPI_Win_unlock_all", win, w);
    for (int r = 0; r < w->comm->size; r++)
        if (!w->peers[r].locked)
            return rt_err(w->comm, "MPI_Win_unlock_all", MPI_ERR_RMA_SYNC,
                          "rank %d's window is not locked by this process", r);
    for (int r = 0; r < w->comm->size; r++)
        rt_win_unlock(w, r);
    return rt_rma_raise_pending(w, "MPI_Win_unlock_all");
}

/* Every operation here completes at the target before it completes at the
 * origin, so the local flushes are the same as the others. */
static int flush(const char *call, MPI_Win win, int rank, int all)
{
    rt_win_t *w;
    RT_CHECK_INIT(call);
    RT_CHECK_WIN(call, win, w);
    if (!all)
        CHECK_TARGET(call, w, rank);
    rt_rma_flush(w, all ? -1 : rank);
    return rt_rma_raise_pending(w, call);
}

int MPI_Win_flush(int rank, MPI_Win win)
{
    return flush("MPI_Win_flush", win, rank, 0);
}

int MPI_Win_flush_all(MPI_Win win)
{
    return flush("MPI_Win_flush_all", win, -1, 1);
}

int MPI_Win_flush_local(int rank, MPI_Win win)
{
    return flush("MPI_Win_flush_local", win, rank, 0);
}

int MPI_Win_flush_local_all(MPI_Win win)
{
    return flush("MPI_Win_flush_local_all", win, -1, 1);
}

int MPI_Win_sync(MPI_Win win)
{
    rt_win_t *w;
    RT_CHECK_INIT("MPI_Win_sync");
    RT_CHECK_WIN("MPI_Win_sync", win, w);
    /* The unified model: a full memory barrier makes this process's stores
     * to the shared segment visible and later loads see others' stores. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    (void)w;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Win_complete = PMPI_Win_complete
#pragma weak MPI_Win_fence = PMPI_Win_fence
#pragma weak MPI_Win_flush = PMPI_Win_flush
#pragma weak MPI_Win_flush_all = PMPI_Win_flush_all
#pragma weak MPI_Win_flush_local = PMPI_Win_flush_local
#pragma weak MPI_Win_flush_local_all = PMPI_Win_flush_local_all
#pragma weak MPI_Win_lock = PMPI_Win_lock
#pragma weak MPI_Win_lock_all = PMPI_Win_lock_all
#pragma weak MPI_Win_post = PMPI_Win_post
#pragma weak MPI_Win_start = PMPI_Win_start
#pragma weak MPI_Win_sync = PMPI_Win_sync
#pragma weak MPI_Win_test = PMPI_Win_test
#pragma weak MPI_Win_unlock = PMPI_Win_unlock
#pragma weak MPI_Win_unlock_all = PMPI_Win_unlock_all
#pragma weak MPI_Win_wait = PMPI_Win_wait

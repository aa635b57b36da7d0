/*
 * rt_win_shm.c -- the memory of MPI_Win_allocate_shared: one segment per
 * window, holding every rank's part, mapped by every rank of the window.
 *
 * Rank 0 creates the segment, the others map it, a barrier, then rank 0
 * unlinks it: from then on nothing is left in /dev/shm even if the job
 * dies (the same rule as the shm transport's segment, whose helpers this
 * reuses; the launcher removes what a crash between creation and unlink
 * leaves, since the name starts with "minimpi-<job id>-").
 *
 * Parts follow each other in rank order without gaps, as the standard's
 * default asks; with alloc_shared_noncontig each part starts on its own
 * page, so a rank's part may grow into padding a neighbour never touches.
 * The segment starts with a cache line of its own: the lock of the direct
 * path's operations that hardware atomics cannot do (rt_win_direct.c).
 */
#include "rt_win.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_coll.h"
#include "rt_comm_new.h"
#include "transports/shm/shm_segment.h"

#define RT_WIN_SHM_HEADER 64

int rt_win_all_on_node(const rt_comm_t *c)
{
    for (int r = 0; r < c->size; r++)
        if (rt_proc.job.node_of_rank[c->world_rank_of[r]] != rt_proc.job.node_id)
            return 0;
    return 1;
}

int rt_win_shm_allocate(rt_win_t *w, MPI_Aint size, int noncontig, void **base)
{
    rt_comm_t *c = w->comm;
    (void)size;
    if (!rt_win_all_on_node(c))
        return MPI_ERR_RMA_SHARED;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    /* With alloc_shared_noncontig, parts start on pages: the header takes one. */
    size_t header = noncontig ? page : RT_WIN_SHM_HEADER;
    size_t total = header, mine = 0;
    for (int r = 0; r < c->size; r++) {
        if (r == c->rank)
            mine = total;
        size_t part = (size_t)w->peers[r].size;
        total += noncontig ? (part + page - 1) / page * page : part;
    }
    if (total == header) {
        /* Nothing to share: every base is a valid, empty address. */
        for (int r = 0; r < c->size; r++)
            w->peers[r].direct = NULL;
        *base = NULL;
        return MPI_SUCCESS;
    }
    char name[SHM_SEGMENT_NAME_MAX];
    snprintf(name, sizeof(name), "/minimpi-%s-w%d-%d", rt_proc.job.job_id, w->id,
             c->world_rank_of[0]);
    void *seg = NULL;
    int ok = 1;
    if (c->rank == 0)
        ok = shm_segment_create(rt_proc.world_rank, name, total, total, &seg) == TP_OK;
    int err = rt_comm_bcast_bytes(c, &ok, sizeof(ok), 0);
    if (err != MPI_SUCCESS)
        return err;
    if (!ok)
        return MPI_ERR_NO_MEM;
    size_t got = total;
    if (c->rank != 0 && shm_segment_attach(rt_proc.world_rank, name, &seg, &got) != TP_OK)
        seg = NULL;
    /* Everyone mapped it (or failed to): the name can go. */
    int mapped = seg != NULL && got == total, all_mapped = 0;
    rt_coll_allreduce(c, &mapped, &all_mapped, 1, rt_datatype_get(MPI_INT),
                      rt_op_get(MPI_MIN));
    if (c->rank == 0)
        shm_segment_unlink(rt_proc.world_rank, name);
    if (!all_mapped) {
        if (seg != NULL)
            munmap(seg, got);
        return MPI_ERR_NO_MEM;
    }
    w->segment = seg;
    w->segment_len = total;
    w->segment_lock = seg;
    size_t off = header;
    for (int r = 0; r < c->size; r++) {
        w->peers[r].direct = (char *)seg + off;
        size_t part = (size_t)w->peers[r].size;
        off += noncontig ? (part + page - 1) / page * page : part;
    }
    *base = (char *)seg + mine;
    return MPI_SUCCESS;
}

void rt_win_shm_free(rt_win_t *w)
{
    if (w->segment != NULL)
        munmap(w->segment, w->segment_len);
    w->segment = NULL;
}

/*
 * rt_win_sync.h -- the origin and target sides of the synchronization
 * calls (runtime/rt_win_sync.c), for runtime/mpi_win_sync.c.  Arguments are
 * checked by the caller; group arguments are copies the window then owns.
 */
#ifndef MINIMPI_RT_WIN_SYNC_H
#define MINIMPI_RT_WIN_SYNC_H

#include "rt_win.h"

void rt_win_lock(rt_win_t *w, int type, int rank);
void rt_win_lock_all(rt_win_t *w);
void rt_win_unlock(rt_win_t *w, int rank);
int rt_win_fence(rt_win_t *w);
/* MPI_ERR_GROUP when a member is not in the window. */
int rt_win_post(rt_win_t *w, rt_group_t *g);
int rt_win_start(rt_win_t *w, rt_group_t *g);
void rt_win_complete(rt_win_t *w);
/* 1 when every origin of the exposure epoch completed (it is then over);
 * 0 when not yet and `block` is 0. */
int rt_win_wait(rt_win_t *w, int block);

#endif /* MINIMPI_RT_WIN_SYNC_H */

/*
 * rt_comm_new.h -- what creating and freeing communicators needs inside
 * the runtime: context-id agreement, the small exchanges among a
 * communicator's ranks, and building a communicator object.
 *
 * Context ids.  Every process keeps a mask of the context-id pairs it has
 * free.  A creating call gathers the masks of the ranks taking part, ANDs
 * them and takes the lowest pair free everywhere (as MPICH does), so the id
 * is agreed with no synchronisation beyond the creating call itself.  Ids
 * only need to be unique per process: a message is matched by its
 * receiver, which has at most one communicator per id.
 */
#ifndef MINIMPI_RT_COMM_NEW_H
#define MINIMPI_RT_COMM_NEW_H

#include <stdint.h>

#include "rt.h"

#define RT_CTX_PAIRS 2048
#define RT_CTX_WORDS (RT_CTX_PAIRS / 32)

typedef struct rt_ctx_mask {
    uint32_t word[RT_CTX_WORDS];
} rt_ctx_mask_t;

/* The pairs this process has free. */
void rt_ctx_get_free(rt_ctx_mask_t *mask);
/* Take the lowest pair free in `agreed` (an AND of free masks): its even
 * context id, or -1 when none is left. */
int rt_ctx_take(const rt_ctx_mask_t *agreed);
void rt_ctx_give_back(int context_id);
/*
 * A nonblocking agreement (MPI_Comm_idup) cannot hold the whole mask while
 * it waits: other creations go on meanwhile, on other communicators in any
 * order.  It lends itself the first `max` pairs free from pair `start` on
 * (marked used, so nothing else here takes them) and offers only those;
 * when the offers are in, it keeps the lowest pair agreed and gives the
 * other lent ones back (-1, all given back, when the offers had no pair in
 * common).  `start` is the same at every rank taking part and differs from
 * one agreement to the next, so agreements in flight together at a rank
 * lend from different parts of the space whatever order they began in.
 */
void rt_ctx_lend(int start, int max, rt_ctx_mask_t *lent);
int rt_ctx_settle(rt_ctx_mask_t *lent, const rt_ctx_mask_t *agreed);

/* The runtime's own tag for these exchanges: above RT_TAG_UB, so no
 * program message can carry it. */
#define RT_TAG_COMM_AGREE (RT_TAG_UB + 1)

/*
 * Exchanges among the ranks of `comm` (every rank calls them), on the
 * communicator's collective context with a tag of the runtime's own.
 * They return MPI_SUCCESS or an MPI error class.
 */
int rt_comm_allgather_bytes(rt_comm_t *comm, const void *mine, size_t len, void *all);
/* The same under an internal tag of the caller's (negative: no program
 * message has one), for exchanges that may run beside others on the same
 * communicator (MPI_Comm_create_group's program tag becomes -16 - tag). */
int rt_comm_allgather_tagged(rt_comm_t *comm, int tag, const void *mine, size_t len, void *all);
int rt_comm_bcast_bytes(rt_comm_t *comm, void *buf, size_t len, int root);
/* Point to point with one rank of comm on its point-to-point context under
 * the program's `tag` (MPI_Intercomm_create's leaders). */
int rt_comm_sendrecv_bytes(rt_comm_t *comm, int peer, int tag, const void *sendbuf,
                           size_t sendlen, void *recvbuf, size_t recvlen);

/*
 * A new communicator over `size` world ranks (copied), in which this
 * process is `rank`, with a handle; it inherits `parent`'s error handler.
 * `remote`: NULL for an intracommunicator, else the remote group's world
 * ranks (remote_size of them).  NULL when out of memory.
 */
rt_comm_t *rt_comm_new(const rt_comm_t *parent, int context_id, int rank, int size,
                       const int *world_ranks, int remote_size, const int *remote);
/* Drop the object and its handle (attributes must be deleted already). */
void rt_comm_destroy(rt_comm_t *c);

/* Agree on a fresh context id among comm's ranks: MPI error class. */
int rt_comm_agree_context(rt_comm_t *comm, int *context_id);

/*
 * MPI_Comm_split's work (runtime/mpi_comm.c), also used by the topology
 * calls: *out is the new communicator of this rank's colour, or NULL for
 * MPI_UNDEFINED.  Returns an MPI error class.
 */
int rt_comm_split(rt_comm_t *parent, int color, int key, rt_comm_t **out);
/* One rank's part in a split: its colour and key, and its free context
 * ids (the agreement rides on the same exchange). */
typedef struct rt_split_entry {
    int color, key;
    rt_ctx_mask_t free_ctx;
} rt_split_entry_t;
/*
 * The members of `color` among the n entries (entry r is rank r, world
 * rank world_of[r]), ordered by key then rank: their world ranks go to
 * world_out[], the new rank of rank `me` (if it is one) to *my_rank.
 * Returns how many there are, or -1 when out of memory.
 */
int rt_split_members(const rt_split_entry_t *all, int n, int color, const int *world_of, int me,
                     int *world_out, int *my_rank);
/* MPI_Comm_split and (colour 0 for the group's members, keyed by group
 * rank) MPI_Comm_create on an intercommunicator, MPI-2.2 semantics: the
 * new intercommunicator joins the local and remote ranks of one colour;
 * *out is NULL when either side has none (runtime/mpi_intercomm.c). */
int rt_intercomm_split(rt_comm_t *c, int color, int key, rt_comm_t **out);
/* MPI_Comm_dup of an intercommunicator (runtime/mpi_intercomm.c); raises
 * its errors as `call`'s. */
int rt_intercomm_dup(const char *call, rt_comm_t *c, MPI_Comm *newcomm);
/* Free a communicator as MPI_Comm_free does (delete callbacks first). */
int rt_comm_free(rt_comm_t *c);

#endif /* MINIMPI_RT_COMM_NEW_H */

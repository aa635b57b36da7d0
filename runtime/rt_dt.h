/*
 * rt_dt.h -- derived datatypes: building (flattening) them, and the table
 * their handles index.  The description every type shares is in rt.h.
 *
 * A builder returns a fresh type that has no handle yet (the MPI call
 * registers it once its contents are recorded) and is not committed.
 * Builders return MPI_SUCCESS or an MPI error class and report nothing:
 * the MPI entry point names the argument in its error.
 */
#ifndef MINIMPI_RT_DT_H
#define MINIMPI_RT_DT_H

#include "rt.h"

/* ---- Table (runtime/rt_datatype.c) ------------------------------------ */
/* Give `dt` a handle; its reference count becomes 1 (the handle's). */
int rt_datatype_register(rt_datatype_t *dt);
/* MPI_Type_free: the handle goes now, the object with its last reference. */
void rt_datatype_unregister(rt_datatype_t *dt);

/* ---- Builders (runtime/rt_dt_build.c) --------------------------------- */
/* count blocks of blocklen elements of old, the blocks `stride` bytes apart
 * (MPI_Type_contiguous, vector, hvector). */
int rt_dt_build_hvector(int count, int blocklen, MPI_Aint stride, const rt_datatype_t *old,
                        rt_datatype_t **out);
/* Block i holds blocklens[i] elements of types[i] at displs[i] bytes
 * (indexed, hindexed, their _block forms, struct).  `pad_extent`: round the
 * extent up to the strictest alignment, as C does for a struct. */
int rt_dt_build_struct(int count, const int *blocklens, const MPI_Aint *displs,
                       const rt_datatype_t *const *types, int pad_extent, rt_datatype_t **out);
int rt_dt_build_resized(const rt_datatype_t *old, MPI_Aint lb, MPI_Aint extent,
                        rt_datatype_t **out);
/* order: MPI_ORDER_C or MPI_ORDER_FORTRAN; arguments already checked. */
int rt_dt_build_subarray(int ndims, const int *sizes, const int *subsizes, const int *starts,
                         int order, const rt_datatype_t *old, rt_datatype_t **out);
/* An exact copy (MPI_Type_dup), uncommitted only if `old` was. */
int rt_dt_build_dup(const rt_datatype_t *old, rt_datatype_t **out);

/* Record what MPI_Type_get_contents returns; retains the types. */
int rt_dt_set_contents(rt_datatype_t *dt, int combiner, int num_ints, const int *ints,
                       int num_aints, const MPI_Aint *aints, int num_types,
                       const MPI_Datatype *types);

/*
 * The scatter/gather list of the first `limit` bytes of `count` elements
 * laid out as `blocks` (num_blocks runs, `extent` apart), element 0 at
 * `origin` (an address, or an offset inside a peer's buffer), adjacent
 * pieces merged.  *out is malloc'd; returns its length, or -1 when out of
 * memory.  The single-copy rendezvous reads non-contiguous data with it.
 */
long rt_dt_runs_iov(const rt_dt_block_t *blocks, int num_blocks, size_t count, MPI_Aint extent,
                    int64_t origin, size_t limit, tp_iov_t **out);

#endif /* MINIMPI_RT_DT_H */

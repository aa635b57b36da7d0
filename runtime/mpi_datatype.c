/*
 * mpi_datatype.c -- MPI entry points for datatypes: sizes and bounds,
 * the derived-type constructors, commit and free, names, envelopes and
 * contents, addresses, and MPI_Pack/Unpack.
 *
 * A constructor checks its arguments, lets rt_dt_build.c flatten the new
 * type, records the arguments for MPI_Type_get_contents and registers it.
 */
#include "rt_dt.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A datatype to describe or build from (committed or not). */
#define LOOKUP_TYPE(CALL, HANDLE, OUT)                                        \
    do {                                                                      \
        (OUT) = rt_datatype_get(HANDLE);                                      \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_TYPE, "invalid datatype");      \
    } while (0)

#define CHECK_ARG(CALL, PTR, NAME)                                            \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

#define CHECK_TYPE_COUNT(CALL, COUNT)                                         \
    do {                                                                      \
        if (RT_UNLIKELY((COUNT) < 0))                                         \
            return rt_err(NULL, CALL, MPI_ERR_COUNT, "invalid count %d", (COUNT)); \
    } while (0)

#define CHECK_BLOCKLEN(CALL, LEN, INDEX)                                      \
    do {                                                                      \
        if (RT_UNLIKELY((LEN) < 0))                                           \
            return rt_err(NULL, CALL, MPI_ERR_ARG,                            \
                          "invalid block length %d (block %d)", (LEN), (INDEX)); \
    } while (0)

/* Record the contents, give the type a handle and hand it out; on failure
 * the half-built type goes away and the error is raised as `call`'s. */
static int finish_type(const char *call, int err, rt_datatype_t *dt, int combiner, int ni,
                       const int *ints, int na, const MPI_Aint *aints, int nt,
                       const MPI_Datatype *types, MPI_Datatype *newtype)
{
    if (err == MPI_SUCCESS)
        err = rt_dt_set_contents(dt, combiner, ni, ints, na, aints, nt, types);
    if (err == MPI_SUCCESS)
        err = rt_datatype_register(dt);
    if (err != MPI_SUCCESS) {
        if (dt != NULL)
            rt_datatype_destroy(dt);
        return rt_err(NULL, call, err, "cannot create the datatype (out of memory)");
    }
    *newtype = dt->handle;
    return MPI_SUCCESS;
}

/* ---- Sizes and bounds -------------------------------------------------- */

int MPI_Type_size(MPI_Datatype datatype, int *size)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_size");
    LOOKUP_TYPE("MPI_Type_size", datatype, dt);
    CHECK_ARG("MPI_Type_size", size, "size");
    *size = dt->size > INT_MAX ? MPI_UNDEFINED : (int)dt->size;
    return MPI_SUCCESS;
}

int MPI_Type_size_x(MPI_Datatype datatype, MPI_Count *size)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_size_x");
    LOOKUP_TYPE("MPI_Type_size_x", datatype, dt);
    CHECK_ARG("MPI_Type_size_x", size, "size");
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

int MPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_get_extent");
    LOOKUP_TYPE("MPI_Type_get_extent", datatype, dt);
    CHECK_ARG("MPI_Type_get_extent", lb, "lb");
    CHECK_ARG("MPI_Type_get_extent", extent, "extent");
    *lb = dt->lb;
    *extent = dt->extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    MPI_Aint l, e;
    CHECK_ARG("MPI_Type_get_extent_x", lb, "lb");
    CHECK_ARG("MPI_Type_get_extent_x", extent, "extent");
    int err = MPI_Type_get_extent(datatype, &l, &e);
    if (err == MPI_SUCCESS) {
        *lb = l;
        *extent = e;
    }
    return err;
}

int MPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_get_true_extent");
    LOOKUP_TYPE("MPI_Type_get_true_extent", datatype, dt);
    CHECK_ARG("MPI_Type_get_true_extent", true_lb, "true_lb");
    CHECK_ARG("MPI_Type_get_true_extent", true_extent, "true_extent");
    *true_lb = dt->true_lb;
    *true_extent = dt->true_extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    MPI_Aint l, e;
    CHECK_ARG("MPI_Type_get_true_extent_x", true_lb, "true_lb");
    CHECK_ARG("MPI_Type_get_true_extent_x", true_extent, "true_extent");
    int err = MPI_Type_get_true_extent(datatype, &l, &e);
    if (err == MPI_SUCCESS) {
        *true_lb = l;
        *true_extent = e;
    }
    return err;
}

/* The MPI-1 names, removed from the standard but still called. */
int MPI_Type_extent(MPI_Datatype datatype, MPI_Aint *extent)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_extent");
    LOOKUP_TYPE("MPI_Type_extent", datatype, dt);
    CHECK_ARG("MPI_Type_extent", extent, "extent");
    *extent = dt->extent;
    return MPI_SUCCESS;
}

int MPI_Type_lb(MPI_Datatype datatype, MPI_Aint *displacement)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_lb");
    LOOKUP_TYPE("MPI_Type_lb", datatype, dt);
    CHECK_ARG("MPI_Type_lb", displacement, "displacement");
    *displacement = dt->lb;
    return MPI_SUCCESS;
}

int MPI_Type_ub(MPI_Datatype datatype, MPI_Aint *displacement)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_ub");
    LOOKUP_TYPE("MPI_Type_ub", datatype, dt);
    CHECK_ARG("MPI_Type_ub", displacement, "displacement");
    *displacement = dt->lb + dt->extent;
    return MPI_SUCCESS;
}

/* ---- Constructors -------------------------------------------------------- */

int MPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_contiguous";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    CHECK_TYPE_COUNT(call, count);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    int err = rt_dt_build_hvector(1, count, old->extent, old, &dt);
    return finish_type(call, err, dt, MPI_COMBINER_CONTIGUOUS, 1, &count, 0, NULL, 1, &oldtype,
                       newtype);
}

int MPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                    MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_vector";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    CHECK_TYPE_COUNT(call, count);
    CHECK_BLOCKLEN(call, blocklength, 0);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    int err = rt_dt_build_hvector(count, blocklength, (MPI_Aint)stride * old->extent, old, &dt);
    int ints[3] = {count, blocklength, stride};
    return finish_type(call, err, dt, MPI_COMBINER_VECTOR, 3, ints, 0, NULL, 1, &oldtype, newtype);
}

int MPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                            MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_create_hvector";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    CHECK_TYPE_COUNT(call, count);
    CHECK_BLOCKLEN(call, blocklength, 0);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    int err = rt_dt_build_hvector(count, blocklength, stride, old, &dt);
    int ints[2] = {count, blocklength};
    return finish_type(call, err, dt, MPI_COMBINER_HVECTOR, 2, ints, 1, &stride, 1, &oldtype,
                       newtype);
}

/*
 * The indexed family: block i holds blocklens[i] (or `blocklength`)
 * elements at displacement displs[i], counted in elements of oldtype
 * (`disp_unit` = its extent) or in bytes (idispls, disp_unit 1).
 */
static int build_indexed(const char *call, int count, const int *blocklens, int blocklength,
                         const int *displs, const MPI_Aint *adispls, rt_datatype_t *old,
                         rt_datatype_t **out)
{
    int *bl = malloc((size_t)(count > 0 ? count : 1) * sizeof(int));
    MPI_Aint *d = malloc((size_t)(count > 0 ? count : 1) * sizeof(MPI_Aint));
    const rt_datatype_t **types = malloc((size_t)(count > 0 ? count : 1) * sizeof(*types));
    int err = MPI_SUCCESS;
    if (bl == NULL || d == NULL || types == NULL) {
        err = rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
        goto free_arrays;
    }
    for (int i = 0; i < count; i++) {
        bl[i] = blocklens != NULL ? blocklens[i] : blocklength;
        if (bl[i] < 0) {
            err = rt_err(NULL, call, MPI_ERR_ARG, "invalid block length %d (block %d)", bl[i], i);
            goto free_arrays;
        }
        d[i] = displs != NULL ? (MPI_Aint)displs[i] * old->extent : adispls[i];
        types[i] = old;
    }
    err = rt_dt_build_struct(count, bl, d, types, 0, out);
    if (err != MPI_SUCCESS)
        err = rt_err(NULL, call, err, "cannot create the datatype (out of memory)");
free_arrays:
    free(bl);
    free(d);
    free(types);
    return err;
}

/* Contents of the indexed family: [count, blocklengths or blocklength, displs]. */
static int *indexed_ints(int count, const int *blocklens, int blocklength, const int *displs,
                         int *num)
{
    int n = 1 + (blocklens != NULL ? count : 1) + (displs != NULL ? count : 0);
    int *ints = malloc((size_t)n * sizeof(int));
    if (ints == NULL)
        return NULL;
    int k = 0;
    ints[k++] = count;
    if (blocklens != NULL)
        for (int i = 0; i < count; i++)
            ints[k++] = blocklens[i];
    else
        ints[k++] = blocklength;
    if (displs != NULL)
        for (int i = 0; i < count; i++)
            ints[k++] = displs[i];
    *num = n;
    return ints;
}

static int indexed_common(const char *call, int combiner, int blocks_per_entry, int count,
                          const int *blocklens,
                          int blocklength, const int *displs, const MPI_Aint *adispls,
                          MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    CHECK_TYPE_COUNT(call, count);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    if (count > 0) {
        if (blocks_per_entry && blocklens == NULL)
            return rt_err(NULL, call, MPI_ERR_ARG, "array_of_blocklengths is NULL");
        CHECK_ARG(call, displs != NULL ? (const void *)displs : (const void *)adispls,
                  "array_of_displacements");
    }
    int err = build_indexed(call, count, blocklens, blocklength, displs, adispls, old, &dt);
    if (err != MPI_SUCCESS)
        return err;
    int ni;
    int *ints = indexed_ints(count, blocklens, blocklength, displs, &ni);
    if (ints == NULL) {
        rt_datatype_destroy(dt);
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    err = finish_type(call, MPI_SUCCESS, dt, combiner, ni, ints, adispls != NULL ? count : 0,
                      adispls, 1, &oldtype, newtype);
    free(ints);
    return err;
}

int MPI_Type_indexed(int count, const int array_of_blocklengths[],
                     const int array_of_displacements[], MPI_Datatype oldtype,
                     MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_indexed", MPI_COMBINER_INDEXED, 1, count, array_of_blocklengths,
                          0, array_of_displacements, NULL, oldtype, newtype);
}

int MPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[],
                                  MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_create_indexed_block", MPI_COMBINER_INDEXED_BLOCK, 0, count,
                          NULL, blocklength, array_of_displacements, NULL, oldtype, newtype);
}

int MPI_Type_create_hindexed(int count, const int array_of_blocklengths[],
                             const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                             MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_create_hindexed", MPI_COMBINER_HINDEXED, 1, count,
                          array_of_blocklengths, 0, NULL, array_of_displacements, oldtype,
                          newtype);
}

int MPI_Type_create_hindexed_block(int count, int blocklength,
                                   const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                                   MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_create_hindexed_block", MPI_COMBINER_HINDEXED_BLOCK, 0, count,
                          NULL, blocklength, NULL, array_of_displacements, oldtype, newtype);
}

int MPI_Type_create_struct(int count, const int array_of_blocklengths[],
                           const MPI_Aint array_of_displacements[],
                           const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_create_struct";
    RT_CHECK_INIT(call);
    CHECK_TYPE_COUNT(call, count);
    CHECK_ARG(call, newtype, "newtype");
    if (count > 0) {
        CHECK_ARG(call, array_of_blocklengths, "array_of_blocklengths");
        CHECK_ARG(call, array_of_displacements, "array_of_displacements");
        CHECK_ARG(call, array_of_types, "array_of_types");
    }
    const rt_datatype_t **types = malloc((size_t)(count > 0 ? count : 1) * sizeof(*types));
    int *ints = malloc((size_t)(count + 1) * sizeof(int));
    rt_datatype_t *dt = NULL;
    int err = MPI_SUCCESS;
    if (types == NULL || ints == NULL) {
        err = rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
        goto free_arrays;
    }
    ints[0] = count;
    for (int i = 0; i < count; i++) {
        types[i] = rt_datatype_get(array_of_types[i]);
        if (types[i] == NULL) {
            err = rt_err(NULL, call, MPI_ERR_TYPE, "invalid datatype in array_of_types[%d]", i);
            goto free_arrays;
        }
        if (array_of_blocklengths[i] < 0) {
            err = rt_err(NULL, call, MPI_ERR_ARG, "invalid block length %d (block %d)",
                         array_of_blocklengths[i], i);
            goto free_arrays;
        }
        ints[i + 1] = array_of_blocklengths[i];
    }
    err = rt_dt_build_struct(count, array_of_blocklengths, array_of_displacements, types, 1, &dt);
    err = finish_type(call, err, dt, MPI_COMBINER_STRUCT, count + 1, ints, count,
                      array_of_displacements, count, array_of_types, newtype);
free_arrays:
    free(types);
    free(ints);
    return err;
}

int MPI_Type_create_subarray(int ndims, const int array_of_sizes[], const int array_of_subsizes[],
                             const int array_of_starts[], int order, MPI_Datatype oldtype,
                             MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_create_subarray";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    if (ndims <= 0)
        return rt_err(NULL, call, MPI_ERR_DIMS, "invalid number of dimensions %d", ndims);
    CHECK_ARG(call, array_of_sizes, "array_of_sizes");
    CHECK_ARG(call, array_of_subsizes, "array_of_subsizes");
    CHECK_ARG(call, array_of_starts, "array_of_starts");
    CHECK_ARG(call, newtype, "newtype");
    LOOKUP_TYPE(call, oldtype, old);
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid order %d", order);
    for (int i = 0; i < ndims; i++) {
        if (array_of_sizes[i] <= 0 || array_of_subsizes[i] < 0 || array_of_starts[i] < 0 ||
            array_of_subsizes[i] > array_of_sizes[i] ||
            array_of_starts[i] > array_of_sizes[i] - array_of_subsizes[i])
            return rt_err(NULL, call, MPI_ERR_ARG,
                          "dimension %d: size %d, subsize %d, start %d do not fit", i,
                          array_of_sizes[i], array_of_subsizes[i], array_of_starts[i]);
    }
    int err = rt_dt_build_subarray(ndims, array_of_sizes, array_of_subsizes, array_of_starts,
                                   order, old, &dt);
    int *ints = malloc((size_t)(3 * ndims + 2) * sizeof(int));
    if (ints == NULL) {
        if (dt != NULL)
            rt_datatype_destroy(dt);
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    ints[0] = ndims;
    for (int i = 0; i < ndims; i++) {
        ints[1 + i] = array_of_sizes[i];
        ints[1 + ndims + i] = array_of_subsizes[i];
        ints[1 + 2 * ndims + i] = array_of_starts[i];
    }
    ints[1 + 3 * ndims] = order;
    err = finish_type(call, err, dt, MPI_COMBINER_SUBARRAY, 3 * ndims + 2, ints, 0, NULL, 1,
                      &oldtype, newtype);
    free(ints);
    return err;
}

int MPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent,
                            MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_create_resized";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    int err = rt_dt_build_resized(old, lb, extent, &dt);
    MPI_Aint aints[2] = {lb, extent};
    return finish_type(call, err, dt, MPI_COMBINER_RESIZED, 0, NULL, 2, aints, 1, &oldtype,
                       newtype);
}

int MPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    const char *call = "MPI_Type_dup";
    rt_datatype_t *old, *dt = NULL;
    RT_CHECK_INIT(call);
    LOOKUP_TYPE(call, oldtype, old);
    CHECK_ARG(call, newtype, "newtype");
    int err = rt_dt_build_dup(old, &dt);
    return finish_type(call, err, dt, MPI_COMBINER_DUP, 0, NULL, 0, NULL, 1, &oldtype, newtype);
}

/* ---- Commit, free, names -------------------------------------------------- */

int MPI_Type_commit(MPI_Datatype *datatype)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_commit");
    CHECK_ARG("MPI_Type_commit", datatype, "datatype");
    LOOKUP_TYPE("MPI_Type_commit", *datatype, dt);
    /* Flattening happened when the type was built: committing only allows use. */
    dt->committed = 1;
    return MPI_SUCCESS;
}

int MPI_Type_free(MPI_Datatype *datatype)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_free");
    CHECK_ARG("MPI_Type_free", datatype, "datatype");
    LOOKUP_TYPE("MPI_Type_free", *datatype, dt);
    if (!dt->derived)
        return rt_err(NULL, "MPI_Type_free", MPI_ERR_TYPE, "cannot free predefined datatype %s",
                      dt->name);
    /* Requests still using it hold their own reference. */
    rt_datatype_unregister(dt);
    *datatype = MPI_DATATYPE_NULL;
    return MPI_SUCCESS;
}

int MPI_Type_set_name(MPI_Datatype datatype, const char *type_name)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_set_name");
    LOOKUP_TYPE("MPI_Type_set_name", datatype, dt);
    CHECK_ARG("MPI_Type_set_name", type_name, "type_name");
    snprintf(dt->user_name, sizeof(dt->user_name), "%s", type_name);
    return MPI_SUCCESS;
}

int MPI_Type_get_name(MPI_Datatype datatype, char *type_name, int *resultlen)
{
    rt_datatype_t *dt;
    RT_CHECK_INIT("MPI_Type_get_name");
    LOOKUP_TYPE("MPI_Type_get_name", datatype, dt);
    CHECK_ARG("MPI_Type_get_name", type_name, "type_name");
    CHECK_ARG("MPI_Type_get_name", resultlen, "resultlen");
    const char *name = dt->user_name[0] != '\0' ? dt->user_name : dt->name ? dt->name : "";
    *resultlen = snprintf(type_name, MPI_MAX_OBJECT_NAME, "%s", name);
    if (*resultlen >= MPI_MAX_OBJECT_NAME)
        *resultlen = MPI_MAX_OBJECT_NAME - 1;
    return MPI_SUCCESS;
}

/* ---- Envelope and contents ---------------------------------------------------- */

int MPI_Type_get_envelope(MPI_Datatype datatype, int *num_integers, int *num_addresses,
                          int *num_datatypes, int *combiner)
{
    const char *call = "MPI_Type_get_envelope";
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    LOOKUP_TYPE(call, datatype, dt);
    if (num_integers == NULL || num_addresses == NULL || num_datatypes == NULL || combiner == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "an output argument is NULL");
    if (!dt->derived) {
        *num_integers = *num_addresses = *num_datatypes = 0;
        *combiner = MPI_COMBINER_NAMED;
        return MPI_SUCCESS;
    }
    *num_integers = dt->contents.num_ints;
    *num_addresses = dt->contents.num_aints;
    *num_datatypes = dt->contents.num_types;
    *combiner = dt->contents.combiner;
    return MPI_SUCCESS;
}

int MPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses,
                          int max_datatypes, int array_of_integers[],
                          MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[])
{
    const char *call = "MPI_Type_get_contents";
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    LOOKUP_TYPE(call, datatype, dt);
    if (!dt->derived)
        return rt_err(NULL, call, MPI_ERR_TYPE, "%s is predefined: it has no contents", dt->name);
    const rt_dt_contents_t *c = &dt->contents;
    if (max_integers < c->num_ints || max_addresses < c->num_aints ||
        max_datatypes < c->num_types)
        return rt_err(NULL, call, MPI_ERR_ARG,
                      "arrays too small (need %d integers, %d addresses, %d datatypes)",
                      c->num_ints, c->num_aints, c->num_types);
    if ((c->num_ints > 0 && array_of_integers == NULL) ||
        (c->num_aints > 0 && array_of_addresses == NULL) ||
        (c->num_types > 0 && array_of_datatypes == NULL))
        return rt_err(NULL, call, MPI_ERR_ARG, "an output array is NULL");
    if (c->num_ints > 0)
        memcpy(array_of_integers, c->ints, (size_t)c->num_ints * sizeof(int));
    if (c->num_aints > 0)
        memcpy(array_of_addresses, c->aints, (size_t)c->num_aints * sizeof(MPI_Aint));
    /* Derived types come back as new handles the caller frees, as the
     * standard says; predefined ones as themselves. */
    for (int i = 0; i < c->num_types; i++) {
        rt_datatype_t *t = c->type_objs[i];
        if (!t->derived) {
            array_of_datatypes[i] = t->handle;
            continue;
        }
        rt_datatype_t *copy = NULL;
        int err = rt_dt_build_dup(t, &copy);
        if (err == MPI_SUCCESS)
            err = rt_dt_set_contents(copy, t->contents.combiner, t->contents.num_ints,
                                     t->contents.ints, t->contents.num_aints, t->contents.aints,
                                     t->contents.num_types, t->contents.types);
        if (err == MPI_SUCCESS)
            err = rt_datatype_register(copy);
        if (err != MPI_SUCCESS) {
            if (copy != NULL)
                rt_datatype_destroy(copy);
            return rt_err(NULL, call, err, "out of memory");
        }
        array_of_datatypes[i] = copy->handle;
    }
    return MPI_SUCCESS;
}

/* ---- Counting, addresses ----------------------------------------------------- */

int MPI_Get_elements_x(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    const char *call = "MPI_Get_elements";
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    LOOKUP_TYPE(call, datatype, dt);
    if (status == NULL || status == MPI_STATUS_IGNORE || count == NULL)
        return rt_err(NULL, call, MPI_ERR_ARG, "status or count is NULL (or STATUS_IGNORE)");
    long long bytes = status->minimpi_count;
    if (dt->size == 0) {
        *count = 0;
        return MPI_SUCCESS;
    }
    long long full = bytes / (long long)dt->size, rem = bytes % (long long)dt->size;
    MPI_Count n = full * (MPI_Count)dt->num_basic;
    if (rem > 0) {
        /* A partial element counts its whole basic elements, which only a
         * type made of one basic type can tell without walking the map. */
        rt_datatype_t *basic = dt->basic != 0 ? rt_datatype_get(dt->basic) : NULL;
        if (basic == NULL || rem % (long long)basic->size != 0) {
            *count = MPI_UNDEFINED;
            return MPI_SUCCESS;
        }
        n += rem / (long long)basic->size;
    }
    *count = n;
    return MPI_SUCCESS;
}

int MPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MPI_Count n;
    int err = MPI_Get_elements_x(status, datatype, &n);
    if (err == MPI_SUCCESS)
        *count = n > INT_MAX ? MPI_UNDEFINED : (int)n;
    return err;
}

int MPI_Get_address(const void *location, MPI_Aint *address)
{
    RT_CHECK_INIT("MPI_Get_address");
    CHECK_ARG("MPI_Get_address", address, "address");
    *address = (MPI_Aint)location;
    return MPI_SUCCESS;
}

int MPI_Address(void *location, MPI_Aint *address)
{
    return MPI_Get_address(location, address);
}

MPI_Aint MPI_Aint_add(MPI_Aint base, MPI_Aint disp)
{
    return (MPI_Aint)((uintptr_t)base + (uintptr_t)disp);
}

MPI_Aint MPI_Aint_diff(MPI_Aint addr1, MPI_Aint addr2)
{
    return (MPI_Aint)((uintptr_t)addr1 - (uintptr_t)addr2);
}

/* ---- Pack and unpack ------------------------------------------------------------- */

int MPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int *size)
{
    const char *call = "MPI_Pack_size";
    rt_comm_t *c;
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    RT_CHECK_COUNT(call, c, incount);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    if (size == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "size is NULL");
    size_t bytes = (size_t)incount * dt->size;
    if (bytes > INT_MAX)
        return rt_err(c, call, MPI_ERR_COUNT, "%d elements take more than INT_MAX bytes", incount);
    *size = (int)bytes;
    return MPI_SUCCESS;
}

int MPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize,
             int *position, MPI_Comm comm)
{
    const char *call = "MPI_Pack";
    rt_comm_t *c;
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    RT_CHECK_COUNT(call, c, incount);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    RT_CHECK_BUFFER_DT(call, c, inbuf, incount, dt);
    if (position == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "position is NULL");
    size_t bytes = (size_t)incount * dt->size;
    if (*position < 0 || outsize < 0 || (size_t)outsize < (size_t)*position + bytes)
        return rt_err(c, call, MPI_ERR_TRUNCATE,
                      "%zu bytes at position %d do not fit an output buffer of %d bytes", bytes,
                      *position, outsize);
    if (bytes > 0 && outbuf == NULL)
        return rt_err(c, call, MPI_ERR_BUFFER, "outbuf is NULL");
    if (bytes > 0)
        rt_datatype_pack(dt, inbuf, (size_t)incount, (char *)outbuf + *position);
    *position += (int)bytes;
    return MPI_SUCCESS;
}

int MPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount,
               MPI_Datatype datatype, MPI_Comm comm)
{
    const char *call = "MPI_Unpack";
    rt_comm_t *c;
    rt_datatype_t *dt;
    RT_CHECK_INIT(call);
    RT_CHECK_COMM(call, comm, c);
    RT_CHECK_COUNT(call, c, outcount);
    RT_CHECK_DATATYPE(call, c, datatype, dt);
    RT_CHECK_BUFFER_DT(call, c, outbuf, outcount, dt);
    if (position == NULL)
        return rt_err(c, call, MPI_ERR_ARG, "position is NULL");
    size_t bytes = (size_t)outcount * dt->size;
    if (*position < 0 || insize < 0 || (size_t)insize < (size_t)*position + bytes)
        return rt_err(c, call, MPI_ERR_TRUNCATE,
                      "unpacking %zu bytes at position %d overruns the %d-byte input", bytes,
                      *position, insize);
    if (bytes > 0 && inbuf == NULL)
        return rt_err(c, call, MPI_ERR_BUFFER, "inbuf is NULL");
    if (bytes > 0)
        rt_datatype_unpack(dt, (const char *)inbuf + *position, bytes, outbuf);
    *position += (int)bytes;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Address = PMPI_Address
#pragma weak MPI_Aint_add = PMPI_Aint_add
#pragma weak MPI_Aint_diff = PMPI_Aint_diff
#pragma weak MPI_Get_address = PMPI_Get_address
#pragma weak MPI_Get_elements = PMPI_Get_elements
#pragma weak MPI_Get_elements_x = PMPI_Get_elements_x
#pragma weak MPI_Pack = PMPI_Pack
#pragma weak MPI_Pack_size = PMPI_Pack_size
#pragma weak MPI_Type_commit = PMPI_Type_commit
#pragma weak MPI_Type_contiguous = PMPI_Type_contiguous
#pragma weak MPI_Type_create_hindexed = PMPI_Type_create_hindexed
#pragma weak MPI_Type_create_hindexed_block = PMPI_Type_create_hindexed_block
#pragma weak MPI_Type_create_hvector = PMPI_Type_create_hvector
#pragma weak MPI_Type_create_indexed_block = PMPI_Type_create_indexed_block
#pragma weak MPI_Type_create_resized = PMPI_Type_create_resized
#pragma weak MPI_Type_create_struct = PMPI_Type_create_struct
#pragma weak MPI_Type_create_subarray = PMPI_Type_create_subarray
#pragma weak MPI_Type_dup = PMPI_Type_dup
#pragma weak MPI_Type_extent = PMPI_Type_extent
#pragma weak MPI_Type_free = PMPI_Type_free
#pragma weak MPI_Type_get_contents = PMPI_Type_get_contents
#pragma weak MPI_Type_get_envelope = PMPI_Type_get_envelope
#pragma weak MPI_Type_get_extent = PMPI_Type_get_extent
#pragma weak MPI_Type_get_extent_x = PMPI_Type_get_extent_x
#pragma weak MPI_Type_get_name = PMPI_Type_get_name
#pragma weak MPI_Type_get_true_extent = PMPI_Type_get_true_extent
#pragma weak MPI_Type_get_true_extent_x = PMPI_Type_get_true_extent_x
#pragma weak MPI_Type_indexed = PMPI_Type_indexed
#pragma weak MPI_Type_lb = PMPI_Type_lb
#pragma weak MPI_Type_set_name = PMPI_Type_set_name
#pragma weak MPI_Type_size = PMPI_Type_size
#pragma weak MPI_Type_size_x = PMPI_Type_size_x
#pragma weak MPI_Type_ub = PMPI_Type_ub
#pragma weak MPI_Type_vector = PMPI_Type_vector
#pragma weak MPI_Unpack = PMPI_Unpack

/*
 * mpi_info.c -- MPI_Info objects and their entry points.  An info is a
 * short list of keys in insertion order (MPI_Info_get_nthkey numbers them
 * that way); lists are tiny, so lookups are linear.
 */
#include "rt_info.h"

#include <stdlib.h>
#include <string.h>

#include "rt_handles.h"

typedef struct info_entry {
    char *key, *value;
} info_entry_t;

typedef struct rt_info {
    info_entry_t *entries;
    int num;
} rt_info_t;

static rt_info_t info_env;         /* MPI_INFO_ENV: empty */
static rt_htable_t info_table = RT_HTABLE_INIT(MINIMPI_KIND_INFO, 1);

static rt_info_t *info_get(MPI_Info h)
{
    if (h == MPI_INFO_ENV)
        return &info_env;
    return rt_htable_get(&info_table, h);
}

int rt_info_valid(MPI_Info info)
{
    return info_get(info) != NULL;
}

int rt_info_create(MPI_Info *info)
{
    rt_info_t *i = calloc(1, sizeof(*i));
    if (i == NULL)
        return MPI_ERR_NO_MEM;
    int h = rt_htable_add(&info_table, i);
    if (h == -1) {
        free(i);
        return MPI_ERR_NO_MEM;
    }
    *info = h;
    return MPI_SUCCESS;
}

#define CHECK_INFO(CALL, HANDLE, OUT)                                         \
    do {                                                                      \
        (OUT) = info_get(HANDLE);                                             \
        if (RT_UNLIKELY((OUT) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_INFO, "invalid info");          \
    } while (0)

/* A key must be non-empty and at most MPI_MAX_INFO_KEY characters. */
#define CHECK_KEY(CALL, KEY)                                                  \
    do {                                                                      \
        if ((KEY) == NULL || (KEY)[0] == '\0' || strlen(KEY) > MPI_MAX_INFO_KEY) \
            return rt_err(NULL, CALL, MPI_ERR_INFO_KEY, "invalid info key"); \
    } while (0)

#define CHECK_ARG(CALL, PTR, NAME)                                            \
    do {                                                                      \
        if (RT_UNLIKELY((PTR) == NULL))                                       \
            return rt_err(NULL, CALL, MPI_ERR_ARG, "%s is NULL", NAME);       \
    } while (0)

static int find(const rt_info_t *i, const char *key)
{
    for (int k = 0; k < i->num; k++)
        if (strcmp(i->entries[k].key, key) == 0)
            return k;
    return -1;
}

int MPI_Info_create(MPI_Info *info)
{
    RT_CHECK_INIT("MPI_Info_create");
    CHECK_ARG("MPI_Info_create", info, "info");
    if (rt_info_create(info) != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Info_create", MPI_ERR_NO_MEM, "out of memory");
    return MPI_SUCCESS;
}

static int info_put(rt_info_t *i, const char *key, const char *value)
{
    int k = find(i, key);
    char *v = strdup(value);
    if (v == NULL)
        return MPI_ERR_NO_MEM;
    if (k >= 0) {
        free(i->entries[k].value);
        i->entries[k].value = v;
        return MPI_SUCCESS;
    }
    char *kc = strdup(key);
    info_entry_t *e = realloc(i->entries, ((size_t)i->num + 1) * sizeof(*e));
    if (kc == NULL || e == NULL) {
        free(kc);
        free(v);
        if (e != NULL)
            i->entries = e;
        return MPI_ERR_NO_MEM;
    }
    i->entries = e;
    e[i->num].key = kc;
    e[i->num].value = v;
    i->num++;
    return MPI_SUCCESS;
}

int MPI_Info_set(MPI_Info info, const char *key, const char *value)
{
    const char *call = "MPI_Info_set";
    rt_info_t *i;
    RT_CHECK_INIT(call);
    CHECK_INFO(call, info, i);
    if (info == MPI_INFO_ENV)
        return rt_err(NULL, call, MPI_ERR_INFO, "MPI_INFO_ENV is read-only");
    CHECK_KEY(call, key);
    if (value == NULL || strlen(value) > MPI_MAX_INFO_VAL)
        return rt_err(NULL, call, MPI_ERR_INFO_VALUE, "invalid info value for key '%s'", key);
    if (info_put(i, key, value) != MPI_SUCCESS)
        return rt_err(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    return MPI_SUCCESS;
}

int MPI_Info_get(MPI_Info info, const char *key, int valuelen, char *value, int *flag)
{
    const char *call = "MPI_Info_get";
    rt_info_t *i;
    RT_CHECK_INIT(call);
    CHECK_INFO(call, info, i);
    CHECK_KEY(call, key);
    CHECK_ARG(call, flag, "flag");
    if (valuelen < 0)
        return rt_err(NULL, call, MPI_ERR_ARG, "invalid valuelen %d", valuelen);
    int k = find(i, key);
    *flag = k >= 0;
    if (k >= 0) {
        CHECK_ARG(call, value, "value");
        /* At most valuelen characters, plus the terminator. */
        size_t len = strlen(i->entries[k].value);
        if (len > (size_t)valuelen)
            len = (size_t)valuelen;
        memcpy(value, i->entries[k].value, len);
        value[len] = '\0';
    }
    return MPI_SUCCESS;
}

int MPI_Info_get_valuelen(MPI_Info info, const char *key, int *valuelen, int *flag)
{
    const char *call = "MPI_Info_get_valuelen";
    rt_info_t *i;
    RT_CHECK_INIT(call);
    CHECK_INFO(call, info, i);
    CHECK_KEY(call, key);
    CHECK_ARG(call, valuelen, "valuelen");
    CHECK_ARG(call, flag, "flag");
    int k = find(i, key);
    *flag = k >= 0;
    if (k >= 0)
        *valuelen = (int)strlen(i->entries[k].value);
    return MPI_SUCCESS;
}

int MPI_Info_delete(MPI_Info info, const char *key)
{
    const char *call = "MPI_Info_delete";
    rt_info_t *i;
    RT_CHECK_INIT(call);
    CHECK_INFO(call, info, i);
    CHECK_KEY(call, key);
    int k = find(i, key);
    if (k < 0)
        return rt_err(NULL, call, MPI_ERR_INFO_NOKEY, "no key '%s'", key);
    free(i->entries[k].key);
    free(i->entries[k].value);
    memmove(&i->entries[k], &i->entries[k + 1], (size_t)(i->num - k - 1) * sizeof(info_entry_t));
    i->num--;
    return MPI_SUCCESS;
}

int MPI_Info_get_nkeys(MPI_Info info, int *nkeys)
{
    rt_info_t *i;
    RT_CHECK_INIT("MPI_Info_get_nkeys");
    CHECK_INFO("MPI_Info_get_nkeys", info, i);
    CHECK_ARG("MPI_Info_get_nkeys", nkeys, "nkeys");
    *nkeys = i->num;
    return MPI_SUCCESS;
}

int MPI_Info_get_nthkey(MPI_Info info, int n, char *key)
{
    rt_info_t *i;
    RT_CHECK_INIT("MPI_Info_get_nthkey");
    CHECK_INFO("MPI_Info_get_nthkey", info, i);
    CHECK_ARG("MPI_Info_get_nthkey", key, "key");
    if (n < 0 || n >= i->num)
        return rt_err(NULL, "MPI_Info_get_nthkey", MPI_ERR_ARG, "invalid n %d (%d keys)", n,
                      i->num);
    strcpy(key, i->entries[n].key);
    return MPI_SUCCESS;
}

static void info_destroy(rt_info_t *i)
{
    for (int k = 0; k < i->num; k++) {
        free(i->entries[k].key);
        free(i->entries[k].value);
    }
    free(i->entries);
    free(i);
}

int MPI_Info_dup(MPI_Info info, MPI_Info *newinfo)
{
    rt_info_t *i;
    RT_CHECK_INIT("MPI_Info_dup");
    CHECK_INFO("MPI_Info_dup", info, i);
    CHECK_ARG("MPI_Info_dup", newinfo, "newinfo");
    MPI_Info h;
    if (rt_info_create(&h) != MPI_SUCCESS)
        return rt_err(NULL, "MPI_Info_dup", MPI_ERR_NO_MEM, "out of memory");
    rt_info_t *n = info_get(h);
    for (int k = 0; k < i->num; k++) {
        if (info_put(n, i->entries[k].key, i->entries[k].value) != MPI_SUCCESS) {
            rt_htable_remove(&info_table, h);
            info_destroy(n);
            return rt_err(NULL, "MPI_Info_dup", MPI_ERR_NO_MEM, "out of memory");
        }
    }
    *newinfo = h;
    return MPI_SUCCESS;
}

int MPI_Info_free(MPI_Info *info)
{
    rt_info_t *i;
    RT_CHECK_INIT("MPI_Info_free");
    CHECK_ARG("MPI_Info_free", info, "info");
    CHECK_INFO("MPI_Info_free", *info, i);
    if (*info == MPI_INFO_ENV)
        return rt_err(NULL, "MPI_Info_free", MPI_ERR_INFO, "cannot free MPI_INFO_ENV");
    rt_htable_remove(&info_table, *info);
    info_destroy(i);
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Info_create = PMPI_Info_create
#pragma weak MPI_Info_delete = PMPI_Info_delete
#pragma weak MPI_Info_dup = PMPI_Info_dup
#pragma weak MPI_Info_free = PMPI_Info_free
#pragma weak MPI_Info_get = PMPI_Info_get
#pragma weak MPI_Info_get_nkeys = PMPI_Info_get_nkeys
#pragma weak MPI_Info_get_nthkey = PMPI_Info_get_nthkey
#pragma weak MPI_Info_get_valuelen = PMPI_Info_get_valuelen
#pragma weak MPI_Info_set = PMPI_Info_set

/*
 * lnch_place.c -- map the ranks of one node to cores and choose their
 * bindings (see lnch_place.h for the policies).
 */
#include "lnch_place.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The largest cpu number --cpu-set takes: far above any machine we run on,
 * and small enough that a typo cannot make us allocate a huge bitmap. */
#define LNCH_CPU_MAX 65535

static const char *const map_names[] = {
    [LNCH_MAP_SLOT] = "slot", [LNCH_MAP_CORE] = "core", [LNCH_MAP_SOCKET] = "socket",
    [LNCH_MAP_NUMA] = "numa", [LNCH_MAP_NODE] = "node",
};

static const char *const bind_names[] = {
    [LNCH_BIND_DEFAULT] = "default", [LNCH_BIND_NONE] = "none", [LNCH_BIND_HWTHREAD] = "hwthread",
    [LNCH_BIND_CORE] = "core", [LNCH_BIND_SOCKET] = "socket", [LNCH_BIND_NUMA] = "numa",
};

#define NUM_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *lnch_place_map_name(lnch_map_by_t map_by)
{
    return (size_t)map_by < NUM_OF(map_names) ? map_names[map_by] : NULL;
}

const char *lnch_place_bind_name(lnch_bind_to_t bind_to)
{
    return (size_t)bind_to < NUM_OF(bind_names) ? bind_names[bind_to] : NULL;
}

int lnch_place_parse_map(const char *text, lnch_map_by_t *out)
{
    for (size_t i = 0; i < NUM_OF(map_names); i++) {
        if (strcmp(text, map_names[i]) == 0) {
            *out = (lnch_map_by_t)i;
            return 0;
        }
    }
    return -1;
}

int lnch_place_parse_bind(const char *text, lnch_bind_to_t *out)
{
    /* "default" is not a value the user can give: start after it. */
    for (size_t i = LNCH_BIND_NONE; i < NUM_OF(bind_names); i++) {
        if (strcmp(text, bind_names[i]) == 0) {
            *out = (lnch_bind_to_t)i;
            return 0;
        }
    }
    return -1;
}

/* One decimal cpu number at *p, advancing *p.  Returns it, or -1. */
static long parse_cpu(const char **p)
{
    const char *s = *p;
    long v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > LNCH_CPU_MAX)
            return -1;
        s++;
    }
    *p = s;
    return v;
}

int lnch_place_parse_cpu_set(const char *text, hwloc_bitmap_t set, char *err, size_t err_len)
{
    if (set != NULL)
        hwloc_bitmap_zero(set);
    if (text[0] == '\0') {
        snprintf(err, err_len, "the list is empty");
        return -1;
    }
    const char *p = text;
    for (;;) {
        const char *item = p;
        size_t item_len = strcspn(item, ",");
        long first = parse_cpu(&p), last = first;
        if (first >= 0 && *p == '-') {
            p++;
            last = parse_cpu(&p);
        }
        if (first < 0 || last < 0 || (*p != ',' && *p != '\0')) {
            snprintf(err, err_len, "'%.*s' is not a cpu number (0 to %d) or a range N-M",
                     (int)item_len, item, LNCH_CPU_MAX);
            return -1;
        }
        if (last < first) {
            snprintf(err, err_len, "the range %ld-%ld is reversed", first, last);
            return -1;
        }
        if (set != NULL)
            hwloc_bitmap_set_range(set, (unsigned)first, (int)last);
        if (*p == '\0')
            return 0;
        p++;                      /* the ',' */
    }
}

int lnch_place_allowed(hwloc_topology_t topo, hwloc_const_bitmap_t binding, const char *cpu_set,
                       hwloc_bitmap_t out, char *err, size_t err_len)
{
    hwloc_bitmap_and(out, hwloc_topology_get_allowed_cpuset(topo),
                     hwloc_topology_get_topology_cpuset(topo));
    if (binding != NULL)
        hwloc_bitmap_and(out, out, binding);
    if (cpu_set != NULL) {
        hwloc_bitmap_t want = hwloc_bitmap_alloc();
        if (want == NULL) {
            snprintf(err, err_len, "out of memory");
            return -1;
        }
        if (lnch_place_parse_cpu_set(cpu_set, want, err, err_len) != 0) {
            hwloc_bitmap_free(want);
            return -1;
        }
        if (!hwloc_bitmap_isincluded(want, out)) {
            hwloc_bitmap_andnot(want, want, out);
            char avail[256];
            hwloc_bitmap_list_snprintf(avail, sizeof(avail), out);
            snprintf(err, err_len, "cpu %d is not available here (available: %s)",
                     hwloc_bitmap_first(want), avail);
            hwloc_bitmap_free(want);
            return -1;
        }
        hwloc_bitmap_copy(out, want);
        hwloc_bitmap_free(want);
    }
    if (hwloc_bitmap_iszero(out)) {
        snprintf(err, err_len, "no cpu is available to run the ranks on");
        return -1;
    }
    return 0;
}

hwloc_obj_type_t lnch_place_unit_type(hwloc_topology_t topo)
{
    return hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

/* The package or NUMA node holding `unit`, or NULL when the topology has
 * none.  NUMA nodes are memory children in hwloc 2, off the cpu tree, so
 * they are found by their cpu sets rather than as ancestors. */
static hwloc_obj_t domain_of(hwloc_topology_t topo, hwloc_obj_t unit, hwloc_obj_type_t type)
{
    if (type == HWLOC_OBJ_PACKAGE)
        return hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, unit);
    hwloc_obj_t obj = NULL;
    while ((obj = hwloc_get_next_obj_by_type(topo, type, obj)) != NULL)
        if (obj->cpuset != NULL && hwloc_bitmap_isincluded(unit->cpuset, obj->cpuset))
            return obj;
    return NULL;
}

/*
 * The order in which ranks fill the units: as they come for slot, core and
 * node; round robin over the domains (packages or NUMA nodes) for socket
 * and numa, taking each domain's next unused unit in turn.  Units outside
 * every domain form one more domain, last.
 */
static void order_units(hwloc_topology_t topo, hwloc_obj_t *units, int num_units,
                        lnch_map_by_t map_by, int *order, int *dom, char *taken)
{
    hwloc_obj_type_t type;
    if (map_by == LNCH_MAP_SOCKET)
        type = HWLOC_OBJ_PACKAGE;
    else if (map_by == LNCH_MAP_NUMA)
        type = HWLOC_OBJ_NUMANODE;
    else {
        for (int i = 0; i < num_units; i++)
            order[i] = i;
        return;
    }
    int num_domains = hwloc_get_nbobjs_by_type(topo, type);
    if (num_domains < 0)
        num_domains = 0;
    for (int i = 0; i < num_units; i++) {
        hwloc_obj_t d = domain_of(topo, units[i], type);
        dom[i] = d != NULL ? (int)d->logical_index : num_domains;
        taken[i] = 0;
    }
    int filled = 0;
    while (filled < num_units) {
        for (int d = 0; d <= num_domains && filled < num_units; d++) {
            for (int i = 0; i < num_units; i++) {
                if (!taken[i] && dom[i] == d) {
                    taken[i] = 1;
                    order[filled++] = i;
                    break;
                }
            }
        }
    }
}

/* The binding of a rank on `unit`, on its `pass`-th time around the units. */
static void bind_set(hwloc_topology_t topo, hwloc_const_bitmap_t allowed, hwloc_obj_t unit,
                     int pass, lnch_bind_to_t bind_to, hwloc_bitmap_t out)
{
    hwloc_obj_t domain = NULL;
    switch (bind_to) {
    case LNCH_BIND_HWTHREAD: {
        hwloc_bitmap_and(out, unit->cpuset, allowed);
        int k = pass % hwloc_bitmap_weight(out);
        int cpu = hwloc_bitmap_first(out);
        while (k-- > 0)
            cpu = hwloc_bitmap_next(out, cpu);
        hwloc_bitmap_only(out, (unsigned)cpu);
        return;
    }
    case LNCH_BIND_CORE:
        hwloc_bitmap_and(out, unit->cpuset, allowed);
        return;
    case LNCH_BIND_SOCKET:
        domain = domain_of(topo, unit, HWLOC_OBJ_PACKAGE);
        break;
    case LNCH_BIND_NUMA:
        domain = domain_of(topo, unit, HWLOC_OBJ_NUMANODE);
        break;
    case LNCH_BIND_DEFAULT:
    case LNCH_BIND_NONE:
        break;
    }
    if (domain != NULL)
        hwloc_bitmap_and(out, domain->cpuset, allowed);
    else
        hwloc_bitmap_copy(out, allowed);
}

void lnch_place_share(int num_nodes, const char *const *machine, const int *ranks,
                      lnch_place_share_t *out)
{
    for (int n = 0; n < num_nodes; n++) {
        out[n] = (lnch_place_share_t){.offset = 0, .machine_ranks = ranks[n], .machine_nodes = 1};
        if (machine[n] == NULL || machine[n][0] == '\0')
            continue;
        for (int m = 0; m < num_nodes; m++) {
            if (m == n || machine[m] == NULL || strcmp(machine[m], machine[n]) != 0)
                continue;
            out[n].machine_ranks += ranks[m];
            out[n].machine_nodes++;
            if (m < n)
                out[n].offset += ranks[m];
        }
    }
}

int lnch_place_compute(hwloc_topology_t topo, hwloc_const_bitmap_t allowed, int num_ranks,
                       lnch_map_by_t map_by, lnch_bind_to_t bind_to, lnch_place_t *place,
                       char *err, size_t err_len)
{
    return lnch_place_compute_shared(topo, allowed, num_ranks, NULL, map_by, bind_to, place, err,
                                     err_len);
}

int lnch_place_compute_shared(hwloc_topology_t topo, hwloc_const_bitmap_t allowed, int num_ranks,
                              const lnch_place_share_t *share, lnch_map_by_t map_by,
                              lnch_bind_to_t bind_to, lnch_place_t *place, char *err,
                              size_t err_len)
{
    memset(place, 0, sizeof(*place));
    place->offset = share != NULL ? share->offset : 0;
    place->machine_ranks = share != NULL ? share->machine_ranks : num_ranks;
    place->machine_nodes = share != NULL ? share->machine_nodes : 1;
    place->topo = topo;
    place->map_by = map_by;
    place->num_ranks = num_ranks;

    hwloc_obj_type_t unit_type = lnch_place_unit_type(topo);
    int num_objs = hwloc_get_nbobjs_by_type(topo, unit_type);
    hwloc_obj_t *units = calloc((size_t)(num_objs > 0 ? num_objs : 1), sizeof(*units));
    int *order = calloc((size_t)(num_objs > 0 ? num_objs : 1), sizeof(*order));
    int *dom = calloc((size_t)(num_objs > 0 ? num_objs : 1), sizeof(*dom));
    char *taken = calloc((size_t)(num_objs > 0 ? num_objs : 1), 1);
    place->allowed = hwloc_bitmap_dup(allowed);
    place->ranks = calloc((size_t)num_ranks, sizeof(*place->ranks));
    if (units == NULL || order == NULL || dom == NULL || taken == NULL ||
        place->allowed == NULL || place->ranks == NULL)
        goto err_nomem;

    hwloc_obj_t obj = NULL;
    while ((obj = hwloc_get_next_obj_by_type(topo, unit_type, obj)) != NULL)
        if (hwloc_bitmap_intersects(obj->cpuset, allowed))
            units[place->num_units++] = obj;
    if (place->num_units == 0) {
        snprintf(err, err_len, "no core is available to run the ranks on");
        goto err;
    }
    order_units(topo, units, place->num_units, map_by, order, dom, taken);

    place->oversubscribed = place->machine_ranks > place->num_units;
    if (bind_to == LNCH_BIND_DEFAULT)
        bind_to = place->oversubscribed ? LNCH_BIND_NONE : LNCH_BIND_CORE;
    place->bind_to = bind_to;
    for (int i = 0; i < num_ranks; i++) {
        lnch_place_rank_t *r = &place->ranks[i];
        int pos = place->offset + i;     /* in the machine's order */
        r->unit = order[pos % place->num_units];
        r->bound = bind_to != LNCH_BIND_NONE;
        r->cpuset = hwloc_bitmap_alloc();
        if (r->cpuset == NULL)
            goto err_nomem;
        bind_set(topo, allowed, units[r->unit], pos / place->num_units, bind_to, r->cpuset);
    }
    free(units);
    free(order);
    free(dom);
    free(taken);
    return 0;

err_nomem:
    snprintf(err, err_len, "out of memory placing %d ranks", num_ranks);
err:
    free(units);
    free(order);
    free(dom);
    free(taken);
    lnch_place_fini(place);
    return -1;
}

void lnch_place_fini(lnch_place_t *place)
{
    for (int i = 0; place->ranks != NULL && i < place->num_ranks; i++)
        hwloc_bitmap_free(place->ranks[i].cpuset);
    free(place->ranks);
    place->ranks = NULL;
    hwloc_bitmap_free(place->allowed);
    place->allowed = NULL;
}

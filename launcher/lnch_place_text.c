/*
 * lnch_place_text.c -- the placement as people read it: Open MPI's
 * --report-bindings lines and --display-map block, and the value of the PMI
 * key that tells a rank where it runs (see lnch_place.h).
 */
#include "lnch_place.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Room for a cpu list: a PMI value is at most 1024 bytes (PMI_WIRE_VALUE_MAX)
 * and holds a few numbers besides. */
#define PLACE_CPUS_MAX 1000

/* Text built piece by piece into a fixed buffer, snprintf-style: `need`
 * counts every byte asked for, so the caller learns the full length even
 * when the buffer is short. */
typedef struct text {
    char *buf;
    size_t len;
    size_t need;
} text_t;

static void text_add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = t->need < t->len ? t->buf + t->need : NULL;
    int n = vsnprintf(dst, dst != NULL ? t->len - t->need : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->need += (size_t)n;
}

static int text_end(text_t *t)
{
    if (t->len > 0 && t->need >= t->len)
        t->buf[t->len - 1] = '\0';
    else if (t->len > 0 && t->need == 0)
        t->buf[0] = '\0';
    return (int)t->need;
}

/* The logical index of the package holding `obj`, 0 without packages. */
static unsigned package_of(hwloc_topology_t topo, hwloc_obj_t obj)
{
    hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, obj);
    return pkg != NULL ? pkg->logical_index : 0;
}

int lnch_place_describe(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len)
{
    text_t t = {buf, len, 0};
    hwloc_obj_type_t unit_type = lnch_place_unit_type(topo);
    hwloc_bitmap_t hwts = hwloc_bitmap_alloc();
    if (hwts == NULL)
        return -1;
    hwloc_obj_t unit = NULL;
    int first = 1;
    while ((unit = hwloc_get_next_obj_by_type(topo, unit_type, unit)) != NULL) {
        if (!hwloc_bitmap_intersects(unit->cpuset, set))
            continue;
        /* Hardware threads are numbered within their core, as Open MPI does. */
        hwloc_bitmap_zero(hwts);
        int k = 0;
        for (int cpu = hwloc_bitmap_first(unit->cpuset); cpu >= 0;
             cpu = hwloc_bitmap_next(unit->cpuset, cpu), k++)
            if (hwloc_bitmap_isset(set, (unsigned)cpu))
                hwloc_bitmap_set(hwts, (unsigned)k);
        char list[64];
        hwloc_bitmap_list_snprintf(list, sizeof(list), hwts);
        text_add(&t, "%ssocket %u[core %u[hwt %s]]", first ? "" : ", ", package_of(topo, unit),
                 unit->logical_index, list);
        first = 0;
    }
    hwloc_bitmap_free(hwts);
    return text_end(&t);
}

int lnch_place_picture(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len)
{
    text_t t = {buf, len, 0};
    hwloc_obj_type_t unit_type = lnch_place_unit_type(topo);
    int num_pkgs = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    /* Without packages, the whole machine is one bracket. */
    for (int p = 0; p < (num_pkgs > 0 ? num_pkgs : 1); p++) {
        hwloc_obj_t pkg = num_pkgs > 0 ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, (unsigned)p)
                                       : hwloc_get_root_obj(topo);
        text_add(&t, "[");
        hwloc_obj_t unit = NULL;
        int first = 1;
        while ((unit = hwloc_get_next_obj_inside_cpuset_by_type(topo, pkg->cpuset, unit_type,
                                                                unit)) != NULL) {
            if (!first)
                text_add(&t, "/");
            first = 0;
            for (int cpu = hwloc_bitmap_first(unit->cpuset); cpu >= 0;
                 cpu = hwloc_bitmap_next(unit->cpuset, cpu))
                text_add(&t, "%c", hwloc_bitmap_isset(set, (unsigned)cpu) ? 'B' : '.');
        }
        text_add(&t, "]");
    }
    return text_end(&t);
}

/* lnch_place_describe or lnch_place_picture into a new string, or NULL. */
static char *text_alloc(int (*fn)(hwloc_topology_t, hwloc_const_bitmap_t, char *, size_t),
                        hwloc_topology_t topo, hwloc_const_bitmap_t set)
{
    int n = fn(topo, set, NULL, 0);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s != NULL)
        fn(topo, set, s, (size_t)n + 1);
    return s;
}

int lnch_place_report_line(const lnch_place_t *place, int local_rank, int world_rank,
                           const char *host, pid_t pid, char *buf, size_t len)
{
    const lnch_place_rank_t *r = &place->ranks[local_rank];
    char *pic = text_alloc(lnch_place_picture, place->topo, r->cpuset);
    char *desc = r->bound ? text_alloc(lnch_place_describe, place->topo, r->cpuset) : NULL;
    char cpus[PLACE_CPUS_MAX];
    hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), r->cpuset);
    text_t t = {buf, len, 0};
    text_add(&t, "[%s:%ld] MCW rank %d ", host, (long)pid, world_rank);
    if (r->bound)
        text_add(&t, "bound to %s", desc != NULL ? desc : "?");
    else
        text_add(&t, "is not bound (or bound to all available processors)");
    text_add(&t, ": %s (cpus %s)", pic != NULL ? pic : "?", cpus);
    free(pic);
    free(desc);
    return text_end(&t);
}

/* A policy name in capitals, as Open MPI prints them ("BYSLOT", "CORE"). */
static void upper(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src != NULL && src[i] != '\0' && i + 1 < len; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

void lnch_place_display(FILE *out, const lnch_place_t *place, const char *host,
                        const int *world_ranks)
{
    char allowed[PLACE_CPUS_MAX], map[16], bind[16];
    hwloc_bitmap_list_snprintf(allowed, sizeof(allowed), place->allowed);
    upper(map, sizeof(map), lnch_place_map_name(place->map_by));
    upper(bind, sizeof(bind), lnch_place_bind_name(place->bind_to));
    fprintf(out, " ========================   JOB MAP   ========================\n\n");
    fprintf(out, " Data for node: %s\tNum slots: %d\tNum procs: %d\tOversubscribed: %s\n", host,
            place->num_units, place->num_ranks, place->oversubscribed ? "yes" : "no");
    fprintf(out, " \tMapping policy: BY%s\tBinding policy: %s\tAvailable cpus: %s\n", map, bind,
            allowed);
    /* Nodes that are one machine share its cores (lnch_place_share_t). */
    if (place->machine_nodes > 1)
        fprintf(out, " \tMachine shared by %d nodes: %d procs on its %d slots, this node's "
                "from slot %d\n", place->machine_nodes, place->machine_ranks, place->num_units,
                place->offset % place->num_units);
    for (int i = 0; i < place->num_ranks; i++) {
        const lnch_place_rank_t *r = &place->ranks[i];
        int rank = world_ranks != NULL ? world_ranks[i] : i;
        if (!r->bound) {
            fprintf(out, " \tProcess rank: %d\tBound: N/A\n", rank);
            continue;
        }
        char *desc = text_alloc(lnch_place_describe, place->topo, r->cpuset);
        char *pic = text_alloc(lnch_place_picture, place->topo, r->cpuset);
        fprintf(out, " \tProcess rank: %d\tBound: %s:%s\n", rank, desc != NULL ? desc : "?",
                pic != NULL ? pic : "?");
        free(desc);
        free(pic);
    }
    fprintf(out, "\n =============================================================\n");
    fflush(out);
}

int lnch_place_kvs_value(const lnch_place_t *place, int local_rank, char *buf, size_t len)
{
    const lnch_place_rank_t *r = &place->ranks[local_rank];
    char cpus[PLACE_CPUS_MAX];
    hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), r->cpuset);
    return snprintf(buf, len, "%d,%d,%d,%d,%s", local_rank, place->num_ranks,
                    place->oversubscribed, r->bound, cpus);
}

/*
 * check_lnch_place.c -- mapping and binding of ranks (launcher/lnch_place)
 * against synthetic hwloc topologies, the text it prints, and the
 * placement options of the command line.
 *
 * The main topology is 2 packages x 2 NUMA nodes x 4 cores x 2 hardware
 * threads: 16 cores, 32 PUs numbered in order, so core c holds PUs 2c and
 * 2c+1, NUMA node n holds PUs 8n..8n+7 and package p holds 16p..16p+15.
 * The expected cpu sets below are written out by hand from those facts, not
 * computed by the code under test.
 */
#define _GNU_SOURCE             /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_args.h"
#include "launcher/lnch_place.h"
#include "check_run.h"

#define TOPO_BIG "pack:2 numa:2 core:4 pu:2"

static hwloc_topology_t topo;
static char err[512];

static void load(const char *synthetic)
{
    ck_assert_int_eq(hwloc_topology_init(&topo), 0);
    ck_assert_msg(hwloc_topology_set_synthetic(topo, synthetic) == 0, "synthetic '%s'",
                  synthetic);
    ck_assert_int_eq(hwloc_topology_load(topo), 0);
}

static void unload(void)
{
    hwloc_topology_destroy(topo);
}

/* The allowed set from a cpu list ("" = the whole topology). */
static hwloc_bitmap_t allowed_set(const char *cpu_set)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    int rc = lnch_place_allowed(topo, NULL, cpu_set[0] != '\0' ? cpu_set : NULL, set, err,
                                sizeof(err));
    ck_assert_msg(rc == 0, "allowed '%s': %s", cpu_set, err);
    return set;
}

/* "0-1;2-3;...": the cpu list of every rank, ';' between ranks. */
static void cpusets_text(const lnch_place_t *p, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->num_ranks && off < len; i++) {
        char one[256];
        hwloc_bitmap_list_snprintf(one, sizeof(one), p->ranks[i].cpuset);
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i > 0 ? ";" : "", one);
    }
}

typedef struct place_case {
    const char *topo;
    const char *cpu_set;          /* "" = all */
    int np;
    lnch_map_by_t map;
    lnch_bind_to_t bind;
    int oversubscribed;
    const char *expect;           /* cpu list per rank, ';' between */
} place_case_t;

#define M(x) LNCH_MAP_##x
#define B(x) LNCH_BIND_##x
#define ALL4 "0-31;0-31;0-31;0-31"

static const place_case_t cases[] = {
    /* 4 ranks on 16 cores: every --map-by with every --bind-to.  slot, core
     * and node fill cores 0, 1, 2, 3; socket takes cores 0, 8, 1, 9 (round
     * robin over the packages); numa takes cores 0, 4, 8, 12. */
    {TOPO_BIG, "", 4, M(SLOT), B(NONE), 0, ALL4},
    {TOPO_BIG, "", 4, M(SLOT), B(HWTHREAD), 0, "0;2;4;6"},
    {TOPO_BIG, "", 4, M(SLOT), B(CORE), 0, "0-1;2-3;4-5;6-7"},
    {TOPO_BIG, "", 4, M(SLOT), B(SOCKET), 0, "0-15;0-15;0-15;0-15"},
    {TOPO_BIG, "", 4, M(SLOT), B(NUMA), 0, "0-7;0-7;0-7;0-7"},
    {TOPO_BIG, "", 4, M(SLOT), B(DEFAULT), 0, "0-1;2-3;4-5;6-7"},
    {TOPO_BIG, "", 4, M(CORE), B(NONE), 0, ALL4},
    {TOPO_BIG, "", 4, M(CORE), B(HWTHREAD), 0, "0;2;4;6"},
    {TOPO_BIG, "", 4, M(CORE), B(CORE), 0, "0-1;2-3;4-5;6-7"},
    {TOPO_BIG, "", 4, M(CORE), B(SOCKET), 0, "0-15;0-15;0-15;0-15"},
    {TOPO_BIG, "", 4, M(CORE), B(NUMA), 0, "0-7;0-7;0-7;0-7"},
    {TOPO_BIG, "", 4, M(NODE), B(NONE), 0, ALL4},
    {TOPO_BIG, "", 4, M(NODE), B(HWTHREAD), 0, "0;2;4;6"},
    {TOPO_BIG, "", 4, M(NODE), B(CORE), 0, "0-1;2-3;4-5;6-7"},
    {TOPO_BIG, "", 4, M(NODE), B(SOCKET), 0, "0-15;0-15;0-15;0-15"},
    {TOPO_BIG, "", 4, M(NODE), B(NUMA), 0, "0-7;0-7;0-7;0-7"},
    {TOPO_BIG, "", 4, M(SOCKET), B(NONE), 0, ALL4},
    {TOPO_BIG, "", 4, M(SOCKET), B(HWTHREAD), 0, "0;16;2;18"},
    {TOPO_BIG, "", 4, M(SOCKET), B(CORE), 0, "0-1;16-17;2-3;18-19"},
    {TOPO_BIG, "", 4, M(SOCKET), B(SOCKET), 0, "0-15;16-31;0-15;16-31"},
    {TOPO_BIG, "", 4, M(SOCKET), B(NUMA), 0, "0-7;16-23;0-7;16-23"},
    {TOPO_BIG, "", 4, M(SOCKET), B(DEFAULT), 0, "0-1;16-17;2-3;18-19"},
    {TOPO_BIG, "", 4, M(NUMA), B(NONE), 0, ALL4},
    {TOPO_BIG, "", 4, M(NUMA), B(HWTHREAD), 0, "0;8;16;24"},
    {TOPO_BIG, "", 4, M(NUMA), B(CORE), 0, "0-1;8-9;16-17;24-25"},
    {TOPO_BIG, "", 4, M(NUMA), B(SOCKET), 0, "0-15;0-15;16-31;16-31"},
    {TOPO_BIG, "", 4, M(NUMA), B(NUMA), 0, "0-7;8-15;16-23;24-31"},

    /* Exactly as many ranks as cores: still bound by default. */
    {TOPO_BIG, "", 16, M(CORE), B(DEFAULT), 0,
     "0-1;2-3;4-5;6-7;8-9;10-11;12-13;14-15;16-17;18-19;20-21;22-23;24-25;26-27;28-29;30-31"},
    /* More ranks than cores: oversubscribed, unbound by default; an explicit
     * binding wraps around (hwthread takes each core's second thread on the
     * second pass). */
    {TOPO_BIG, "", 17, M(CORE), B(DEFAULT), 1,
     "0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31;0-31"},
    {TOPO_BIG, "", 18, M(CORE), B(HWTHREAD), 1,
     "0;2;4;6;8;10;12;14;16;18;20;22;24;26;28;30;1;3"},
    {TOPO_BIG, "", 20, M(SOCKET), B(CORE), 1,
     "0-1;16-17;2-3;18-19;4-5;20-21;6-7;22-23;8-9;24-25;10-11;26-27;12-13;28-29;14-15;30-31;"
     "0-1;16-17;2-3;18-19"},

    /* --cpu-set 4-11: cores 2 and 3 (NUMA 0), 4 and 5 (NUMA 1), package 0. */
    {TOPO_BIG, "4-11", 2, M(CORE), B(DEFAULT), 0, "4-5;6-7"},
    {TOPO_BIG, "4-11", 2, M(SOCKET), B(CORE), 0, "4-5;6-7"},
    {TOPO_BIG, "4-11", 2, M(NUMA), B(CORE), 0, "4-5;8-9"},
    {TOPO_BIG, "4-11", 2, M(NUMA), B(NUMA), 0, "4-7;8-11"},
    {TOPO_BIG, "4-11", 2, M(CORE), B(SOCKET), 0, "4-11;4-11"},
    {TOPO_BIG, "4-11", 5, M(CORE), B(DEFAULT), 1, "4-11;4-11;4-11;4-11;4-11"},
    /* Cores with only some threads allowed count as cores, bound to those. */
    {TOPO_BIG, "1,2", 2, M(CORE), B(CORE), 0, "1;2"},
    {TOPO_BIG, "1,2", 3, M(CORE), B(HWTHREAD), 1, "1;2;1"},

    /* No packages: socket mapping and binding fall back to the whole set. */
    {"core:4 pu:1", "", 2, M(SOCKET), B(SOCKET), 0, "0-3;0-3"},
    {"core:4 pu:1", "", 2, M(SOCKET), B(CORE), 0, "0;1"},
    /* No cores: the PUs are the units. */
    {"pack:2 pu:2", "", 2, M(SOCKET), B(CORE), 0, "0;2"},
    {"pack:2 pu:2", "", 3, M(SLOT), B(DEFAULT), 0, "0;1;2"},
};

START_TEST(test_place_table)
{
    const place_case_t *c = &cases[_i];
    load(c->topo);
    hwloc_bitmap_t allowed = allowed_set(c->cpu_set);
    lnch_place_t p;
    ck_assert_msg(lnch_place_compute(topo, allowed, c->np, c->map, c->bind, &p, err,
                                     sizeof(err)) == 0,
                  "case %d: %s", _i, err);
    char got[2048];
    cpusets_text(&p, got, sizeof(got));
    ck_assert_msg(strcmp(got, c->expect) == 0,
                  "case %d (%s, cpu-set '%s', -n %d, map-by %s, bind-to %s): got %s, want %s", _i,
                  c->topo, c->cpu_set, c->np, lnch_place_map_name(c->map),
                  lnch_place_bind_name(c->bind), got, c->expect);
    ck_assert_msg(p.oversubscribed == c->oversubscribed, "case %d: oversubscribed %d", _i,
                  p.oversubscribed);
    ck_assert_int_ne(p.bind_to, LNCH_BIND_DEFAULT);
    for (int i = 0; i < p.num_ranks; i++)
        ck_assert_int_eq(p.ranks[i].bound, p.bind_to != LNCH_BIND_NONE);
    lnch_place_fini(&p);
    hwloc_bitmap_free(allowed);
    unload();
}
END_TEST

START_TEST(test_default_binding_follows_fit)
{
    load("pack:1 core:2 pu:2");
    hwloc_bitmap_t allowed = allowed_set("");
    lnch_place_t p;
    ck_assert_int_eq(lnch_place_compute(topo, allowed, 2, LNCH_MAP_SLOT, LNCH_BIND_DEFAULT, &p,
                                        err, sizeof(err)), 0);
    ck_assert_int_eq(p.bind_to, LNCH_BIND_CORE);
    ck_assert_int_eq(p.num_units, 2);
    lnch_place_fini(&p);
    ck_assert_int_eq(lnch_place_compute(topo, allowed, 3, LNCH_MAP_SLOT, LNCH_BIND_DEFAULT, &p,
                                        err, sizeof(err)), 0);
    ck_assert_int_eq(p.bind_to, LNCH_BIND_NONE);
    ck_assert_int_eq(p.oversubscribed, 1);
    lnch_place_fini(&p);
    hwloc_bitmap_free(allowed);
    unload();
}
END_TEST

/* Nodes that are one machine continue one order of its units: offsets in
 * node order among the nodes of the same machine, totals per machine; a
 * node without a machine id (NULL or "") is alone. */
START_TEST(test_share_arithmetic)
{
    const char *machine[] = {"m1 0-1", "m2 0-1", "m1 0-1", "m1 0-1", NULL, ""};
    const int ranks[] = {2, 3, 1, 4, 5, 6};
    const int offset[] = {0, 0, 2, 3, 0, 0}, total[] = {7, 3, 7, 7, 5, 6};
    const int nodes[] = {3, 1, 3, 3, 1, 1};
    lnch_place_share_t share[6];
    lnch_place_share(6, machine, ranks, share);
    for (int n = 0; n < 6; n++) {
        ck_assert_msg(share[n].offset == offset[n], "node %d: offset %d, expected %d", n,
                      share[n].offset, offset[n]);
        ck_assert_msg(share[n].machine_ranks == total[n], "node %d: %d machine ranks, expected %d",
                      n, share[n].machine_ranks, total[n]);
        ck_assert_int_eq(share[n].machine_nodes, nodes[n]);
    }
}
END_TEST

/* Three nodes on one 2-core machine (3 namespaces x 1 rank): each node's
 * rank takes the next core, wrapping, and every node is oversubscribed, so
 * the default is no binding; with 2 nodes the ranks fit, on cores 0 and 1. */
START_TEST(test_shared_machine_cores)
{
    load("pack:1 core:2 pu:2");
    hwloc_bitmap_t allowed = allowed_set("");
    lnch_place_t p;
    char got[256];
    const char *cores[] = {"0-1", "2-3", "0-1"};
    for (int n = 0; n < 3; n++) {
        lnch_place_share_t share = {.offset = n, .machine_ranks = 3, .machine_nodes = 3};
        ck_assert_int_eq(lnch_place_compute_shared(topo, allowed, 1, &share, LNCH_MAP_SLOT,
                                                   LNCH_BIND_CORE, &p, err, sizeof(err)), 0);
        cpusets_text(&p, got, sizeof(got));
        ck_assert_msg(strcmp(got, cores[n]) == 0, "node %d: rank on %s, expected %s", n, got,
                      cores[n]);
        ck_assert_int_eq(p.oversubscribed, 1);
        lnch_place_fini(&p);
        ck_assert_int_eq(lnch_place_compute_shared(topo, allowed, 1, &share, LNCH_MAP_SLOT,
                                                   LNCH_BIND_DEFAULT, &p, err, sizeof(err)), 0);
        ck_assert_int_eq(p.bind_to, LNCH_BIND_NONE);
        ck_assert_int_eq(p.oversubscribed, 1);
        lnch_place_fini(&p);
    }
    for (int n = 0; n < 2; n++) {
        lnch_place_share_t share = {.offset = n, .machine_ranks = 2, .machine_nodes = 2};
        ck_assert_int_eq(lnch_place_compute_shared(topo, allowed, 1, &share, LNCH_MAP_SLOT,
                                                   LNCH_BIND_DEFAULT, &p, err, sizeof(err)), 0);
        cpusets_text(&p, got, sizeof(got));
        ck_assert_msg(strcmp(got, cores[n]) == 0, "node %d of 2: rank on %s, expected %s", n,
                      got, cores[n]);
        ck_assert_int_eq(p.bind_to, LNCH_BIND_CORE);
        ck_assert_int_eq(p.oversubscribed, 0);
        lnch_place_fini(&p);
    }
    /* --bind-to hwthread: the pass around the machine's units continues
     * too (the second node's rank 1 is the machine's third rank). */
    lnch_place_share_t share = {.offset = 1, .machine_ranks = 3, .machine_nodes = 2};
    ck_assert_int_eq(lnch_place_compute_shared(topo, allowed, 2, &share, LNCH_MAP_SLOT,
                                               LNCH_BIND_HWTHREAD, &p, err, sizeof(err)), 0);
    cpusets_text(&p, got, sizeof(got));
    ck_assert_str_eq(got, "2;1");
    lnch_place_fini(&p);
    hwloc_bitmap_free(allowed);
    unload();
}
END_TEST

START_TEST(test_allowed)
{
    load(TOPO_BIG);
    hwloc_bitmap_t set = hwloc_bitmap_alloc(), binding = hwloc_bitmap_alloc();
    char text[64];

    /* The launcher's own binding restricts; the list restricts further. */
    hwloc_bitmap_set_range(binding, 2, 5);
    ck_assert_int_eq(lnch_place_allowed(topo, binding, NULL, set, err, sizeof(err)), 0);
    hwloc_bitmap_list_snprintf(text, sizeof(text), set);
    ck_assert_str_eq(text, "2-5");
    ck_assert_int_eq(lnch_place_allowed(topo, binding, "3-4", set, err, sizeof(err)), 0);
    hwloc_bitmap_list_snprintf(text, sizeof(text), set);
    ck_assert_str_eq(text, "3-4");

    /* A listed cpu outside what we may use is refused, naming it. */
    ck_assert_int_eq(lnch_place_allowed(topo, binding, "4,6", set, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cpu 6 is not available here (available: 2-5)");
    ck_assert_int_eq(lnch_place_allowed(topo, NULL, "40", set, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cpu 40 is not available here (available: 0-31)");
    ck_assert_int_eq(lnch_place_allowed(topo, NULL, "9-3", set, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "the range 9-3 is reversed");

    /* A binding outside the topology leaves nothing. */
    hwloc_bitmap_only(binding, 100);
    ck_assert_int_eq(lnch_place_allowed(topo, binding, NULL, set, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "no cpu is available to run the ranks on");
    hwloc_bitmap_free(set);
    hwloc_bitmap_free(binding);
    unload();
}
END_TEST

START_TEST(test_parse_cpu_set)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    char text[64];
    ck_assert_int_eq(lnch_place_parse_cpu_set("1,3-5,9", set, err, sizeof(err)), 0);
    hwloc_bitmap_list_snprintf(text, sizeof(text), set);
    ck_assert_str_eq(text, "1,3-5,9");
    ck_assert_int_eq(lnch_place_parse_cpu_set("7-7", set, err, sizeof(err)), 0);
    hwloc_bitmap_list_snprintf(text, sizeof(text), set);
    ck_assert_str_eq(text, "7");

    ck_assert_int_eq(lnch_place_parse_cpu_set("9-3", set, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "the range 9-3 is reversed");
    ck_assert_int_eq(lnch_place_parse_cpu_set("", NULL, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "the list is empty");
    const char *bad[] = {"a", "1,,2", "1-", "-1", "1,", "1-2-3", "0x3", "1 2", "70000"};
    const char *item[] = {"a", "", "1-", "-1", "", "1-2-3", "0x3", "1 2", "70000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(lnch_place_parse_cpu_set(bad[i], set, err, sizeof(err)) == -1,
                      "'%s' accepted", bad[i]);
        char want[128];
        snprintf(want, sizeof(want), "'%s' is not a cpu number (0 to 65535) or a range N-M",
                 item[i]);
        ck_assert_msg(strcmp(err, want) == 0, "'%s': %s", bad[i], err);
    }
    hwloc_bitmap_free(set);
}
END_TEST

START_TEST(test_parse_names)
{
    lnch_map_by_t m;
    lnch_bind_to_t b;
    const char *maps[] = {"slot", "core", "socket", "numa", "node"};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(lnch_place_parse_map(maps[i], &m), 0);
        ck_assert_str_eq(lnch_place_map_name(m), maps[i]);
    }
    const char *binds[] = {"none", "hwthread", "core", "socket", "numa"};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(lnch_place_parse_bind(binds[i], &b), 0);
        ck_assert_str_eq(lnch_place_bind_name(b), binds[i]);
    }
    ck_assert_int_eq(lnch_place_parse_bind("cores", &b), -1);
    ck_assert_int_eq(lnch_place_parse_bind("default", &b), -1);
    ck_assert_int_eq(lnch_place_parse_bind("", &b), -1);
    ck_assert_int_eq(lnch_place_parse_map("sockets", &m), -1);
    ck_assert_int_eq(lnch_place_parse_map("hwthread", &m), -1);
}
END_TEST

static void check_describe(const char *cpus, const char *desc, const char *pic)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    char buf[512];
    ck_assert_int_eq(lnch_place_parse_cpu_set(cpus, set, err, sizeof(err)), 0);
    ck_assert_int_eq(lnch_place_describe(topo, set, buf, sizeof(buf)), (int)strlen(desc));
    ck_assert_str_eq(buf, desc);
    ck_assert_int_eq(lnch_place_picture(topo, set, buf, sizeof(buf)), (int)strlen(pic));
    ck_assert_str_eq(buf, pic);
    /* A short buffer is truncated and terminated; the full length is returned. */
    ck_assert_int_eq(lnch_place_describe(topo, set, buf, 5), (int)strlen(desc));
    ck_assert_int_eq((int)strlen(buf), 4);
    hwloc_bitmap_free(set);
}

START_TEST(test_describe_and_picture)
{
    load(TOPO_BIG);
    check_describe("0-1", "socket 0[core 0[hwt 0-1]]",
                   "[BB/../../../../../../..][../../../../../../../..]");
    check_describe("17", "socket 1[core 8[hwt 1]]",
                   "[../../../../../../../..][.B/../../../../../../..]");
    check_describe("0-3", "socket 0[core 0[hwt 0-1]], socket 0[core 1[hwt 0-1]]",
                   "[BB/BB/../../../../../..][../../../../../../../..]");
    unload();
    load("core:3 pu:1");
    check_describe("2", "socket 0[core 2[hwt 0]]", "[././B]");
    unload();
}
END_TEST

START_TEST(test_report_and_kvs)
{
    load("pack:1 core:2 pu:1");
    hwloc_bitmap_t allowed = allowed_set("");
    lnch_place_t p;
    char line[512];
    ck_assert_int_eq(lnch_place_compute(topo, allowed, 2, LNCH_MAP_SLOT, LNCH_BIND_DEFAULT, &p,
                                        err, sizeof(err)), 0);
    lnch_place_report_line(&p, 1, 5, "h", 12, line, sizeof(line));
    ck_assert_str_eq(line, "[h:12] MCW rank 5 bound to socket 0[core 1[hwt 0]]: [./B] (cpus 1)");
    lnch_place_kvs_value(&p, 1, line, sizeof(line));
    ck_assert_str_eq(line, "1,2,0,1,1");
    lnch_place_fini(&p);

    ck_assert_int_eq(lnch_place_compute(topo, allowed, 3, LNCH_MAP_SLOT, LNCH_BIND_DEFAULT, &p,
                                        err, sizeof(err)), 0);
    lnch_place_report_line(&p, 2, 2, "h", 12, line, sizeof(line));
    ck_assert_str_eq(line, "[h:12] MCW rank 2 is not bound (or bound to all available "
                           "processors): [B/B] (cpus 0-1)");
    lnch_place_kvs_value(&p, 2, line, sizeof(line));
    ck_assert_str_eq(line, "2,3,1,0,0-1");

    /* --display-map: the node, its slots, one line per rank. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int world[] = {4, 5, 6};
    lnch_place_display(f, &p, "h", world);
    fclose(f);
    ck_assert_msg(strstr(text, "Data for node: h\tNum slots: 2\tNum procs: 3\t"
                               "Oversubscribed: yes\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "Mapping policy: BYSLOT\tBinding policy: NONE") != NULL, "%s",
                  text);
    ck_assert_msg(strstr(text, "Process rank: 6\tBound: N/A\n") != NULL, "%s", text);
    free(text);
    lnch_place_fini(&p);

    ck_assert_int_eq(lnch_place_compute(topo, allowed, 1, LNCH_MAP_SLOT, LNCH_BIND_CORE, &p, err,
                                        sizeof(err)), 0);
    f = open_memstream(&text, &len);
    lnch_place_display(f, &p, "h", NULL);
    fclose(f);
    ck_assert_msg(strstr(text, "Process rank: 0\tBound: socket 0[core 0[hwt 0]]:[B/.]\n") != NULL,
                  "%s", text);
    free(text);
    lnch_place_fini(&p);
    hwloc_bitmap_free(allowed);
    unload();
}
END_TEST

/* ---- The command line ---------------------------------------------------- */

static int parse_args(lnch_args_t *args, const char *a, const char *b)
{
    char *argv[] = {"mini-mpirun", (char *)a, (char *)b, "prog", NULL};
    err[0] = '\0';
    return lnch_args_parse(4, argv, args, err, sizeof(err));
}

START_TEST(test_args)
{
    lnch_args_t args;
    ck_assert_int_eq(parse_args(&args, "--map-by", "numa"), 0);
    ck_assert_int_eq(args.place.map_by, LNCH_MAP_NUMA);
    ck_assert_int_eq(args.place.bind_to, LNCH_BIND_DEFAULT);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse_args(&args, "--bind-to=hwthread", "--report-bindings"), 0);
    ck_assert_int_eq(args.place.bind_to, LNCH_BIND_HWTHREAD);
    ck_assert_int_eq(args.place.report_bindings, 1);
    ck_assert_int_eq(args.place.display_map, 0);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse_args(&args, "--cpu-set", "0,2-3"), 0);
    ck_assert_str_eq(args.place.cpu_set, "0,2-3");
    lnch_args_fini(&args);
    ck_assert_int_eq(parse_args(&args, "--display-map", "--map-by=socket"), 0);
    ck_assert_int_eq(args.place.display_map, 1);
    ck_assert_int_eq(args.place.map_by, LNCH_MAP_SOCKET);
    lnch_args_fini(&args);

    ck_assert_int_eq(parse_args(&args, "--bind-to", "cores"), -1);
    ck_assert_str_eq(err, "invalid value 'cores' for --bind-to: must be none, hwthread, core, "
                          "socket or numa");
    lnch_args_fini(&args);
    ck_assert_int_eq(parse_args(&args, "--map-by=ppr", "prog"), -1);
    ck_assert_str_eq(err, "invalid value 'ppr' for --map-by: must be slot, core, socket, numa "
                          "or node");
    lnch_args_fini(&args);
    ck_assert_int_eq(parse_args(&args, "--cpu-set", "9-3"), -1);
    ck_assert_str_eq(err, "invalid value '9-3' for --cpu-set: the range 9-3 is reversed");
    lnch_args_fini(&args);
}
END_TEST

static Suite *place_suite(void)
{
    Suite *s = suite_create("lnch_place");
    TCase *tc = tcase_create("place");
    tcase_add_loop_test(tc, test_place_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_default_binding_follows_fit);
    tcase_add_test(tc, test_share_arithmetic);
    tcase_add_test(tc, test_shared_machine_cores);
    tcase_add_test(tc, test_allowed);
    tcase_add_test(tc, test_parse_cpu_set);
    tcase_add_test(tc, test_parse_names);
    tcase_add_test(tc, test_describe_and_picture);
    tcase_add_test(tc, test_report_and_kvs);
    tcase_add_test(tc, test_args);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(place_suite());
}

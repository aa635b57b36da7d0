/*
 * lnch_place.h -- where the ranks of one node run: mapping ranks to cores
 * and binding them, from an hwloc topology.
 *
 * The computation is a pure function of (topology, allowed cpu set, number
 * of ranks on the node, --map-by, --bind-to): it starts nothing and reads
 * nothing of the machine, so that it can be tested against synthetic
 * topologies (tests/unit/check_lnch_place.c) and called once per node by a
 * launcher that starts ranks on several nodes.  Ranks are numbered 0..N-1
 * on the node (node-local ranks); which job-wide rank each one is belongs to
 * the caller.
 *
 * The vocabulary is Open MPI's.  The units ranks are placed on are the cores
 * that hold at least one allowed hardware thread (the PUs when a topology
 * has no cores); they are also the node's slots:
 *   --map-by slot, core, node  rank i goes to the i-th unit (block); with a
 *                              single node, node is the same as slot;
 *   --map-by socket, numa      round robin over the packages (NUMA nodes):
 *                              rank 0 on the first unit of the first one,
 *                              rank 1 on the first unit of the second, ...
 * With more ranks than units the order starts again (rank N+i shares the
 * unit of rank i): the node is then oversubscribed.  Nodes that are one
 * machine continue one order instead of each starting at the first unit
 * (lnch_place_share_t below).
 *   --bind-to hwthread         one PU of the unit (the next one on each pass
 *                              of oversubscription);
 *   --bind-to core             the allowed PUs of the unit;
 *   --bind-to socket, numa     the allowed PUs of the package (NUMA node)
 *                              holding the unit;
 *   --bind-to none             the whole allowed set.
 * The default binding is core when the ranks fit the units, none when they
 * do not.
 */
#ifndef MINIMPI_LNCH_PLACE_H
#define MINIMPI_LNCH_PLACE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <hwloc.h>

#include "lnch_place_opts.h"

typedef struct lnch_place_rank {
    hwloc_bitmap_t cpuset;        /* where the rank may run: its binding, or the
                                   * allowed set when it is not bound */
    int bound;                    /* 0 with --bind-to none */
    int unit;                     /* index (in the allowed units) it was mapped to */
} lnch_place_rank_t;

typedef struct lnch_place {
    hwloc_topology_t topo;        /* not owned */
    hwloc_bitmap_t allowed;       /* owned copy of the allowed set */
    lnch_map_by_t map_by;
    lnch_bind_to_t bind_to;       /* as applied: never LNCH_BIND_DEFAULT */
    int num_ranks;
    int num_units;                /* the node's slots: allowed cores */
    int oversubscribed;           /* machine_ranks > num_units */
    int offset;                   /* see lnch_place_share_t */
    int machine_ranks;
    int machine_nodes;
    lnch_place_rank_t *ranks;     /* [num_ranks] */
} lnch_place_t;

/*
 * How a node shares its machine with the job's other nodes there.  Nodes
 * that are one machine (containers or network namespaces on one kernel)
 * have the same cores: placed each on its own, every node would put its
 * first rank on the first core, so that ranks of different nodes share a
 * core while others idle, and a rank spinning in progress starves the other
 * until the scheduler's tick.  So the nodes of one machine continue one
 * order of the units: a node's rank i takes position offset + i of it
 * (wrapping when the machine's ranks exceed its units), and the machine is
 * oversubscribed when all its nodes' ranks exceed its units.  A node alone
 * on its machine has offset 0 and machine_ranks = its ranks.
 */
typedef struct lnch_place_share {
    int offset;                   /* ranks of the machine's earlier nodes */
    int machine_ranks;            /* ranks of all the machine's nodes */
    int machine_nodes;            /* the job's nodes on the machine */
} lnch_place_share_t;

/*
 * The shares of `num_nodes` nodes: machine[n] says which machine node n is
 * (equal strings: one machine; NULL or "": a machine of its own) and
 * ranks[n] how many ranks it runs.  Nodes of one machine take their offsets
 * in node order.  A pure function (tests/unit/check_lnch_place.c).
 */
void lnch_place_share(int num_nodes, const char *const *machine, const int *ranks,
                      lnch_place_share_t *out);

/* The names on the command line; NULL for a value out of range. */
const char *lnch_place_map_name(lnch_map_by_t map_by);
const char *lnch_place_bind_name(lnch_bind_to_t bind_to);

/* Parse a --map-by or --bind-to value.  Return 0, or -1 for an unknown one. */
int lnch_place_parse_map(const char *text, lnch_map_by_t *out);
int lnch_place_parse_bind(const char *text, lnch_bind_to_t *out);

/*
 * Parse a --cpu-set list of operating-system cpu numbers, as taskset -c
 * takes them: "0,2-3,8".  Fills `set` (which may be NULL to only check the
 * syntax).  Returns 0, or -1 with why in err ("the range 9-3 is reversed").
 */
int lnch_place_parse_cpu_set(const char *text, hwloc_bitmap_t set, char *err, size_t err_len);

/*
 * The allowed set: the topology's allowed cpus (the cgroup cpuset), within
 * `binding` (the launcher's own, or NULL for no restriction), within the
 * --cpu-set list when given.  Returns 0, or -1 with why in err (a cpu of
 * the list that is not allowed here, or an empty result).
 */
int lnch_place_allowed(hwloc_topology_t topo, hwloc_const_bitmap_t binding, const char *cpu_set,
                       hwloc_bitmap_t out, char *err, size_t err_len);

/*
 * Place `num_ranks` ranks within `allowed`.  Returns 0 and fills `place`
 * (released with lnch_place_fini), or -1 with why in err.
 */
int lnch_place_compute(hwloc_topology_t topo, hwloc_const_bitmap_t allowed, int num_ranks,
                       lnch_map_by_t map_by, lnch_bind_to_t bind_to, lnch_place_t *place,
                       char *err, size_t err_len);
void lnch_place_fini(lnch_place_t *place);

/* The same for a node that shares its machine (`share`; NULL: alone): its
 * ranks continue the machine's order of units from share->offset, and the
 * default binding and oversubscription count the machine's ranks. */
int lnch_place_compute_shared(hwloc_topology_t topo, hwloc_const_bitmap_t allowed, int num_ranks,
                              const lnch_place_share_t *share, lnch_map_by_t map_by,
                              lnch_bind_to_t bind_to, lnch_place_t *place, char *err,
                              size_t err_len);

/* The kind of object ranks are placed on: cores, or PUs in a topology that
 * has no cores. */
hwloc_obj_type_t lnch_place_unit_type(hwloc_topology_t topo);

/* ---- Text (lnch_place_text.c) ------------------------------------------ */

/*
 * Open MPI's description of a cpu set, core by core:
 * "socket 0[core 0[hwt 0-1]], socket 0[core 1[hwt 0]]".  Returns the
 * length it needed (as snprintf).
 */
int lnch_place_describe(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len);

/* Open MPI's picture: one [...] per package, cores separated by '/', one
 * character per hardware thread: 'B' in the set, '.' not: "[BB/..][../..]". */
int lnch_place_picture(hwloc_topology_t topo, hwloc_const_bitmap_t set, char *buf, size_t len);

/*
 * The --report-bindings line of node-local rank `local_rank`, job-wide rank
 * `world_rank`, process `pid` on `host`, without '\n':
 *   [host:pid] MCW rank 0 bound to socket 0[core 0[hwt 0]]: [B/.] (cpus 0)
 *   [host:pid] MCW rank 0 is not bound (or bound to all available processors): [B/B] (cpus 0-1)
 */
int lnch_place_report_line(const lnch_place_t *place, int local_rank, int world_rank,
                           const char *host, pid_t pid, char *buf, size_t len);

/*
 * The --display-map block of this node: the policies, the slots, then one
 * line per rank.  world_ranks[i] is the job-wide rank of node-local rank i
 * (NULL: the same).
 */
void lnch_place_display(FILE *out, const lnch_place_t *place, const char *host,
                        const int *world_ranks);

/*
 * The value of the PMI key that tells node-local rank `local_rank` where it
 * runs (key name: PMI_WIRE_PLACE_KEY, see pmi_wire.h):
 * "<local rank>,<local size>,<oversubscribed 0|1>,<bound 0|1>,<cpu list>",
 * for instance "1,8,1,0,0-1".  Returns the length it needed (as snprintf).
 */
int lnch_place_kvs_value(const lnch_place_t *place, int local_rank, char *buf, size_t len);

#endif /* MINIMPI_LNCH_PLACE_H */

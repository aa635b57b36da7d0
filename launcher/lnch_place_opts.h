/*
 * lnch_place_opts.h -- the placement options of mini-mpirun's command line
 * (--map-by, --bind-to, --cpu-set, --report-bindings, --display-map), apart
 * from lnch_place.h so that the command line does not need hwloc.
 */
#ifndef MINIMPI_LNCH_PLACE_OPTS_H
#define MINIMPI_LNCH_PLACE_OPTS_H

typedef enum lnch_map_by {
    LNCH_MAP_SLOT = 0,            /* the default */
    LNCH_MAP_CORE,
    LNCH_MAP_SOCKET,
    LNCH_MAP_NUMA,
    LNCH_MAP_NODE,
} lnch_map_by_t;

typedef enum lnch_bind_to {
    LNCH_BIND_DEFAULT = 0,        /* core when the ranks fit, else none */
    LNCH_BIND_NONE,
    LNCH_BIND_HWTHREAD,
    LNCH_BIND_CORE,
    LNCH_BIND_SOCKET,
    LNCH_BIND_NUMA,
} lnch_bind_to_t;

/* The placement options of the command line. */
typedef struct lnch_place_opts {
    lnch_map_by_t map_by;
    lnch_bind_to_t bind_to;
    const char *cpu_set;          /* --cpu-set as given, or NULL */
    int report_bindings;          /* --report-bindings */
    int display_map;              /* --display-map */
} lnch_place_opts_t;

#endif /* MINIMPI_LNCH_PLACE_OPTS_H */

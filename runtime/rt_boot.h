/*
 * rt_boot.h -- bootstrap: who am I, who else is in the job, where they run,
 * and a job-wide key-value store with a fence.  Two back ends: the PMI-1
 * client (rt_boot_pmi.c, when the launcher gave us PMI_FD or PMI_PORT) and
 * the singleton (a program started without a launcher is a job of size 1).
 */
#ifndef MINIMPI_RT_BOOT_H
#define MINIMPI_RT_BOOT_H

#include <stddef.h>

#include "transports/transport.h"

/* The key-value back end: PMI-1 or the singleton's local table. */
typedef struct rt_boot_ops {
    int (*put)(const char *key, const char *value);
    int (*get)(const char *key, char *value, size_t value_len);
    int (*fence)(void);
    void (*abort)(int exit_code, const char *msg);
    int (*finalize)(void);
} rt_boot_ops_t;

/* What the back end learned at start-up. */
typedef struct rt_boot_info {
    int rank;
    int size;
    int appnum;
    char kvsname[256];
    char process_mapping[1024];    /* PMI_process_mapping, or "" when the server has none */
} rt_boot_info_t;

/*
 * Start the bootstrap and fill rt_proc (world rank and size, hostname) and
 * rt_proc.job (layout: nodes, local ranks, job id, oversubscription).
 * Prints what went wrong and returns -1 on failure.
 */
int rt_boot_init(void);
int rt_boot_put(const char *key, const char *value);
int rt_boot_get(const char *key, char *value, size_t value_len);
int rt_boot_fence(void);
/* Tell the launcher the job must end with `exit_code`; returns when told. */
void rt_boot_abort(int exit_code, const char *msg);
int rt_boot_finalize(void);

/* The bootstrap services as transports see them. */
extern const tp_boot_ops_t rt_boot_tp_ops;

/* Back ends: each fills `info` and returns its ops, or NULL after printing why. */
const rt_boot_ops_t *rt_boot_pmi_start(int fd, int rank, int size, rt_boot_info_t *info);

/*
 * Connect to a process manager that listens at PMI_PORT ("host:port") and
 * identify as `pmi_id` (PMI_ID), as MPICH's simple PMI does for processes that
 * did not inherit a connected fd: the manager answers with our rank and the
 * job size.  Returns 0 and the connected fd, or -1 after printing why.
 */
int rt_boot_port_connect(const char *port, int pmi_id, int *fd_out, int *rank_out,
                         int *size_out);
/* The handshake of rt_boot_port_connect on a connected fd: send initack,
 * read the manager's initack and its set lines.  Returns 0, or -1 when the
 * manager's lines are missing or malformed (nothing printed). */
int rt_boot_port_handshake(int fd, int pmi_id, int *rank_out, int *size_out);
const rt_boot_ops_t *rt_boot_singleton_start(rt_boot_info_t *info);

/*
 * Parse PMI_process_mapping "(vector,(node,nnodes,ppn),...)" into
 * node_of_rank[0..size-1].  Blocks repeat until every rank has a node, as
 * MPICH reads them.  Returns the number of nodes, or -1 when malformed.
 */
int rt_boot_parse_mapping(const char *mapping, int size, int *node_of_rank);

/*
 * Exit (status 1, after one line on stderr) if the launcher closed the PMI
 * connection, i.e. died; nothing when started without one.  Looks at the
 * clock and does the real check at most four times a second, so progress
 * may call it often.
 */
void rt_boot_pmi_check_launcher(void);

/*
 * Send mini-mpirun one PMI line that gets no reply (a hang-diagnosis notice,
 * rt_insight_hang.c); nothing when started without a PMI connection.  Only
 * called between PMI calls, so it never splits a request from its reply.
 */
void rt_boot_pmi_notice(const char *line, size_t len);

#endif /* MINIMPI_RT_BOOT_H */

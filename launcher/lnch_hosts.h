/*
 * lnch_hosts.h -- the host list of a multi-node job: -H host1:4,host2:4 and
 * --hostfile FILE.
 *
 * A hostfile holds one host per line, in Open MPI's form ("host slots=N")
 * or MPICH's ("host:N"), or a bare host name (one slot); '#' starts a
 * comment, blank lines are skipped.  A host named twice keeps its first
 * place and gets the slots of both lines, as both Open MPI and MPICH do.
 * The index of a host in the list is its node id: two names never count as
 * one node, whatever gethostname() says on them (namespaces and containers
 * may share a host name).
 */
#ifndef MINIMPI_LNCH_HOSTS_H
#define MINIMPI_LNCH_HOSTS_H

#include <stddef.h>
#include <stdio.h>

/* The longest host name kept (as in RFC 1035 plus room for a user@ part). */
#define LNCH_HOSTNAME_MAX 256

/* The most nodes one job may span. */
#define LNCH_NODES_MAX 1024

typedef struct lnch_node {
    char name[LNCH_HOSTNAME_MAX];
    int slots;                    /* ranks the host takes before the map wraps around */
} lnch_node_t;

typedef struct lnch_hosts {
    lnch_node_t *nodes;
    int num;
} lnch_hosts_t;

/* Add the hosts of an -H list ("a:4,b,c:2"; a host without ":N" has one
 * slot).  Returns 0, or -1 with the reason in err. */
int lnch_hosts_add_list(lnch_hosts_t *h, const char *list, char *err, size_t err_len);

/* Add the hosts of a hostfile read from f; `fname` only names it in errors,
 * which read "FILE:LINE: reason".  Returns 0 or -1. */
int lnch_hosts_add_file(lnch_hosts_t *h, FILE *f, const char *fname, char *err,
                        size_t err_len);

/* Open `path` and add its hosts (see lnch_hosts_add_file). */
int lnch_hosts_read_file(lnch_hosts_t *h, const char *path, char *err, size_t err_len);

/* The total number of slots. */
int lnch_hosts_slots(const lnch_hosts_t *h);

void lnch_hosts_fini(lnch_hosts_t *h);

#endif /* MINIMPI_LNCH_HOSTS_H */

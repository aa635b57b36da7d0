/*
 * lnch_daemon.h -- mini-mpid, the per-node daemon of a multi-node job.
 *
 * mini-mpirun starts it on a remote node through the launch agent:
 *   AGENT HOST mini-mpid --job ID --node N --connect IP:PORT --size S
 *        --ranks R1,R2,... --timeouts BOOT,HEARTBEAT [--wdir DIR]
 *        [-x VAR=value]... -- PROGRAM ARGS...
 * with the job's secret as the first line of its stdin.  It connects back,
 * says HELLO and which machine it is, and once mini-mpirun has sent the
 * node's share of that machine (nodes that are one machine share its
 * cores), forks its node's ranks with the same code mini-mpirun uses on
 * its own node (lnch_spawn.c), and relays their PMI lines, output and exit
 * statuses (lnch_wire.h).  Told to (LAUNCH frames), it starts the daemons
 * of other nodes through the launch agent, as mini-mpirun would (the launch
 * tree of lnch_remote.h), and stays until those agents have ended, since
 * they end with it.  It judges nothing: mini-mpirun decides how the
 * job ends and sends signals.  Losing mini-mpirun (connection closed or
 * silent) kills its ranks.
 */
#ifndef MINIMPI_LNCH_DAEMON_H
#define MINIMPI_LNCH_DAEMON_H

#include "lnch_job.h"
#include "lnch_wire.h"

/* An agent this daemon started for another node. */
typedef struct lnch_daemon_agent {
    pid_t pid;
    int node;
    int reaped;
} lnch_daemon_agent_t;

typedef struct lnch_daemon {
    lnch_job_t job;               /* this node's ranks only; world_size set */
    lnch_conn_t conn;             /* to mini-mpirun */
    int node;
    double heartbeat_timeout;
    int orphaned;                 /* lost mini-mpirun: ranks are being killed */
    char secret[128];             /* the job's, for the agents it starts */
    lnch_daemon_agent_t *agents;
    int num_agents;
    int started;                  /* its ranks were started (or could not be): the
                                   * loop ends once they are all reaped */
} lnch_daemon_t;

/* mini-mpirun's SHARE frame (lnch_wire.h): place this node's ranks on its
 * share of the machine, tell mini-mpirun where they run, and start them. */
void lnch_daemon_start(lnch_daemon_t *d, const char *share, size_t len);

/* Serve the ranks until they are all reaped and their output is sent.
 * Returns the daemon's exit status. */
int lnch_daemon_loop(lnch_daemon_t *d, int sig_fd);

#endif /* MINIMPI_LNCH_DAEMON_H */

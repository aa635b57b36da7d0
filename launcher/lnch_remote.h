/*
 * lnch_remote.h -- mini-mpirun's side of a multi-node job: the host list
 * turned into a job, the per-node daemons (mini-mpid) started through the
 * launch agent, and their connections back (protocol: lnch_wire.h).
 *
 * Ranks of remote nodes are ordinary entries of job->ranks with `remote`
 * set: their PMI lines arrive as frames and are answered by the same
 * lnch_pmi_handle_line() as local ones (so the key-value store and the
 * barrier are the job's one store and one barrier), their output is fed to
 * their streams, and their exit statuses are judged by the same
 * lnch_job_rank_exited().  A node is lost when its daemon's connection
 * closes or goes silent with ranks still running there, when the daemon does
 * not connect back in time, or when its launch agent exits first: the job
 * then ends naming the node and its ranks.
 *
 * Start-up fans out as a tree of launches: mini-mpirun starts the agents of
 * the first k remote nodes only (k = MINIMPI_FANOUT); when a daemon says
 * HELLO, mini-mpirun sends it LAUNCH frames for its k children in the k-ary
 * tree over the remote nodes, and so on, so mini-mpirun forks k agents (k
 * ssh clients) rather than one per node, and a level of the tree boots in
 * parallel.  Every daemon still connects straight back to mini-mpirun:
 * the key-value store is there anyway, so relaying PMI through the tree
 * would not take work off mini-mpirun, while one connection per node keeps
 * failure detection exact (a silent daemon is that node, not a subtree
 * behind a relay).  What the tree does mean is that a daemon's death takes
 * its subtree with it (the agents it started end with it): a lost node
 * takes the nodes launched through it into the report.
 */
#ifndef MINIMPI_LNCH_REMOTE_H
#define MINIMPI_LNCH_REMOTE_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "lnch_args.h"
#include "lnch_job.h"
#include "lnch_wire.h"

/* Connections that have not said HELLO yet, at most. */
#define LNCH_REMOTE_PENDING_MAX 16

typedef struct lnch_remote_node {
    const char *name;             /* points into job->node_names */
    int remote;                   /* runs under a daemon (else: mini-mpirun's own node) */
    pid_t agent_pid;              /* 0 when not started or reaped */
    int agent_status;             /* its wait status, once reaped */
    int agent_reaped;
    lnch_conn_t conn;             /* fd -1 until the daemon connected, and once closed */
    int connected;                /* said HELLO */
    int closed;                   /* its connection ended (normally or not) */
    double connect_by;            /* deadline for HELLO (monotonic s), 0 once connected */
    int tree;                     /* index in the launch tree, -1 when not launched */
    char *launch;                 /* LAUNCH payload (agent argv) until sent, else NULL */
    size_t launch_len;
    char *machine;                /* which machine it is (MACHINE), NULL until said */
} lnch_remote_node_t;

typedef struct lnch_pending {
    lnch_conn_t conn;
    char peer[64];                /* "ip:port", for the log */
    double deadline;
} lnch_pending_t;

typedef struct lnch_remote {
    lnch_remote_node_t *nodes;    /* by node index */
    int num_nodes;
    int num_remote;
    int listen_fd;                /* -1 when no node is remote */
    char addr[64];                /* the address daemons connect back to */
    int port;
    char secret[2 * LNCH_WIRE_SECRET_BYTES + 1];
    const char *agent;            /* the launch agent command */
    double boot_timeout;          /* seconds for a daemon to connect back */
    double heartbeat_timeout;     /* seconds of silence that lose a node */
    int fanout;                   /* children per node of the launch tree */
    int *tree_node;               /* node index by tree index */
    int tree_size;                /* remote nodes with ranks */
    lnch_pending_t pending[LNCH_REMOTE_PENDING_MAX];
    const lnch_args_t *args;      /* the command line, to start our own node's ranks */
    int shared;                   /* the shares were sent (lnch_remote_share) */
} lnch_remote_t;

/* Whether the command line asks for a multi-node job (-H or --hostfile). */
int lnch_remote_wanted(const lnch_args_t *args);

/*
 * Read the host list, map the ranks and set up `job` (lnch_job_init_mapped)
 * with every rank's node; when some node is remote, also the listening
 * socket and the secret.  Returns 0, or the launcher's exit code after
 * printing why (2 for a bad host list or mapping).
 */
int lnch_remote_job_init(lnch_job_t *job, const lnch_args_t *args);

/* Start a daemon on every remote node through the launch agent.  Returns 0,
 * or 1 after printing why (what started is ended by the event loop).  The
 * ranks of mini-mpirun's own node (placement loaded with
 * lnch_place_job_load) start later, with lnch_remote_share. */
int lnch_remote_launch(lnch_job_t *job, const lnch_args_t *args);

/*
 * Once every node that runs ranks has said which machine it is (its MACHINE
 * frame; ours from lnch_place_job_machine): send each daemon its node's
 * share of its machine (lnch_place_share: nodes that are one machine get
 * disjoint cores), then place and start the ranks of mini-mpirun's own
 * node.  Does nothing before that, or a second time, or once the job ends.
 */
void lnch_remote_share(lnch_job_t *job);

/* Send a PMI reply to a rank on a remote node (for lnch_pmi.c).  Returns 0;
 * a connection that breaks loses its node. */
int lnch_remote_send_pmi(lnch_job_t *job, lnch_rank_t *r, const char *buf, size_t len);

/* Ask every daemon to send `sig` to its ranks' process groups. */
void lnch_remote_signal(lnch_job_t *job, int sig);

/* For the event loop: the most fds lnch_remote_poll_fds() may add; add them
 * (returns how many); handle an event on one of them; the next deadline
 * (0: none) and the timers that are due; a child that is no rank. */
int lnch_remote_max_fds(const lnch_job_t *job);
int lnch_remote_poll_fds(lnch_job_t *job, struct pollfd *fds);
void lnch_remote_on_event(lnch_job_t *job, int fd);
double lnch_remote_deadline(const lnch_job_t *job);
void lnch_remote_tick(lnch_job_t *job, double now);
void lnch_remote_child_exited(lnch_job_t *job, pid_t pid, int status);

/* Whether a daemon connection or a launch agent is still there. */
int lnch_remote_busy(const lnch_job_t *job);

/* At the end of the job: close the connections (daemons then end their
 * ranks and exit), give the agents a moment, then kill and reap them. */
void lnch_remote_finish(lnch_job_t *job);

/* The launch tree (k-ary over tree indices 0..size-1, mini-mpirun the
 * root above the first k): parent of tree index t, or -1 when mini-mpirun
 * launches it; first child of t (children are first..first+k-1 below size). */
int lnch_remote_tree_parent(int t, int k);
int lnch_remote_tree_first_child(int t, int k);

/* Free everything (from lnch_job_fini). */
void lnch_remote_fini(lnch_job_t *job);

/* Where the daemon binary is: next to mini-mpirun when it is there (an
 * installed tree or the build tree), else "mini-mpid" from the PATH. */
void lnch_remote_daemon_path(char *out, size_t len);

#endif /* MINIMPI_LNCH_REMOTE_H */

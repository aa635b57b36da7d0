/*
 * lnch_agent.h -- start a launch agent: the command (ssh, srun, or what
 * --launch-agent names) that runs mini-mpid on another node.  Both
 * mini-mpirun (for the first nodes) and mini-mpid (for the nodes of its
 * subtree, see lnch_remote.h) start agents, the same way.
 */
#ifndef MINIMPI_LNCH_AGENT_H
#define MINIMPI_LNCH_AGENT_H

#include <sys/types.h>

/*
 * Fork and exec argv[0] with argv in a process group of its own, ended by
 * SIGTERM when the caller dies, with `secret` and a newline as its stdin
 * (never on a command line, where any user of either host could read it in
 * ps).  Returns the pid, or -1 with errno set.
 */
pid_t lnch_agent_spawn(char *const argv[], const char *secret);

/* argv as one buffer of NUL-terminated strings (for a LAUNCH frame, see
 * lnch_wire.h).  Returns a malloc'd buffer and its length in *len, or NULL. */
char *lnch_agent_pack(char *const argv[], size_t *len);

/* The reverse: a malloc'd NULL-terminated array pointing into `buf`, or
 * NULL when `buf` is empty, does not end in a NUL, or memory runs out. */
char **lnch_agent_unpack(const char *buf, size_t len);

#endif /* MINIMPI_LNCH_AGENT_H */

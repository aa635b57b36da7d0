/*
 * lnch_agent.c -- start a launch agent (see lnch_agent.h).
 */
#define _GNU_SOURCE             /* pipe2 */
#include "lnch_agent.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lnch_signals.h"
#include "lnch_stdio.h"

pid_t lnch_agent_spawn(char *const argv[], const char *secret)
{
    int secret_pipe[2];
    if (pipe2(secret_pipe, O_CLOEXEC) != 0)
        return -1;
    /* Written before the fork, into the pipe's buffer (a secret is far
     * shorter than PIPE_BUF): an agent that exits at once then cannot make
     * the write raise SIGPIPE. */
    size_t slen = strlen(secret);
    int wrote = slen < PIPE_BUF - 1 ? lnch_write_all(secret_pipe[1], secret, slen) : -1;
    if (wrote == 0)
        wrote = lnch_write_all(secret_pipe[1], "\n", 1);
    int werr = wrote == 0 ? 0 : slen < PIPE_BUF - 1 ? errno : EINVAL;
    close(secret_pipe[1]);
    if (wrote != 0) {
        close(secret_pipe[0]);
        errno = werr;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        lnch_signals_child_reset();
        (void)setpgid(0, 0);
        /* The agent (and the daemon, where the agent execs it) ends with us. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
            _exit(127);
        if (dup2(secret_pipe[0], STDIN_FILENO) < 0)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int e = errno;
    close(secret_pipe[0]);
    if (pid < 0) {
        errno = e;
        return -1;
    }
    (void)setpgid(pid, pid);
    return pid;
}

char *lnch_agent_pack(char *const argv[], size_t *len)
{
    size_t total = 0;
    for (char *const *p = argv; *p != NULL; p++)
        total += strlen(*p) + 1;
    char *buf = malloc(total ? total : 1);
    if (buf == NULL)
        return NULL;
    size_t used = 0;
    for (char *const *p = argv; *p != NULL; p++) {
        size_t n = strlen(*p) + 1;
        memcpy(buf + used, *p, n);
        used += n;
    }
    *len = total;
    return buf;
}

char **lnch_agent_unpack(const char *buf, size_t len)
{
    if (len == 0 || buf[len - 1] != '\0')
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += buf[i] == '\0';
    char **v = calloc(count + 1, sizeof(*v));
    if (v == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
        v[k++] = (char *)(uintptr_t)(buf + i);
    return v;
}

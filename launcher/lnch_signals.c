/*
 * lnch_signals.c -- signal set-up of the launcher and of its children.
 */
#include "lnch_signals.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>

static void handled_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

int lnch_signals_init(void)
{
    sigset_t set;
    handled_set(&set);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
        fprintf(stderr, "mini-mpirun: cannot block signals: %s\n", strerror(errno));
        return -1;
    }
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "mini-mpirun: cannot create a signalfd: %s\n", strerror(errno));
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    return fd;
}

void lnch_signals_child_reset(void)
{
    sigset_t none;
    /* Ignored signals stay ignored across exec: restore the defaults. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGTTIN, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

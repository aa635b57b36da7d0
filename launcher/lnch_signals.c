/*
 * lnch_signals.c -- signal set-up of the launcher and of its children.
 */
#include "lnch_signals.h"

#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>

/* The signals the event loop handles; see lnch_signals.h for the
 * exception of ignored ones. */
static void handled_set(sigset_t *set)
{
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
        struct sigaction sa;
        if (sigaction(forwarded[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            continue;
        sigaddset(set, forwarded[i]);
    }
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

/*
 * lnch_signals.h -- the launcher's signals, received through a signalfd so
 * that the single poll() loop sees them like any other event.
 */
#ifndef MINIMPI_LNCH_SIGNALS_H
#define MINIMPI_LNCH_SIGNALS_H

/*
 * Block SIGCHLD, SIGINT, SIGTERM and SIGHUP and return a non-blocking
 * signalfd for them (or -1 after printing why).  Of the last three, one
 * that we were started with ignored (nohup, a background job of a
 * non-interactive shell) stays ignored, for us and for the ranks.  Also ignore SIGPIPE (a
 * broken pipe is an error code here) and SIGTTIN (reading a terminal from
 * the background then fails with EIO instead of stopping the launcher).
 * Call before forking anything, so that no signal is missed.
 */
int lnch_signals_init(void);

/* In a forked child before exec: undo all of the above. */
void lnch_signals_child_reset(void);

#endif /* MINIMPI_LNCH_SIGNALS_H */

/*
 * rt_insight.h -- what a rank tells mini-mpirun about itself so that the
 * launcher can show the user the inside of a job (issue 11).
 */
#ifndef MINIMPI_RT_INSIGHT_H
#define MINIMPI_RT_INSIGHT_H

#include "mpi.h"

/*
 * With MINIMPI_REPORT_TRANSPORTS=1 (mini-mpirun --report-transports): put
 * this rank's transport choices under the PMI key "minimpi-transports-<rank>"
 * (format in launcher/lnch_insight.h) and fence, so the launcher has every
 * rank's line before any rank returns from MPI_Init.  Collective; called at
 * the end of rt_progress_init.  Does nothing when the variable is 0.
 */
void rt_insight_report_transports(void);

/* ---- Hang diagnosis (mini-mpirun --hang-timeout) ------------------------ */

struct rt_comm;

/* What the peer argument of a blocking call is (how it is printed). */
typedef enum rt_hang_peer {
    RT_HANG_NO_PEER = 0,
    RT_HANG_SOURCE,
    RT_HANG_DEST,
    RT_HANG_ROOT,
} rt_hang_peer_t;

/*
 * The blocking MPI call this rank is in: plain stores at its entry and exit
 * (no clock, no system call), read by rt_insight_hang_tick when the call
 * idles.  Calls the library makes from inside another call only count the
 * depth, so the program's own call is the one shown.
 */
typedef struct rt_hang_state {
    const char *call;              /* "MPI_Recv", or NULL outside blocking calls */
    const struct rt_comm *comm;    /* its communicator, or NULL */
    int peer_kind;                 /* rt_hang_peer_t */
    int peer;                      /* comm rank (or MPI_ANY_SOURCE) */
    int tag;
    int depth;
    unsigned long seq;             /* blocking calls entered so far */
    /* A Wait on an array of requests (MPI_Waitall, _any, _some): the
     * program's array, read while the call waits; NULL otherwise. */
    const MPI_Request *reqs;
    int nreqs;
    unsigned long steps;           /* requests a Waitall completed so far (progress too) */
} rt_hang_state_t;

extern rt_hang_state_t rt_hang;
/* MINIMPI_HANG_TIMEOUT > 0: idle blocking calls send notices (below). */
extern int rt_hang_on;

static inline void rt_hang_enter(const char *call, const struct rt_comm *comm, int peer_kind,
                                 int peer, int tag)
{
    /* Without --hang-timeout nobody reads rt_hang: one predictable branch.
     * (rt_hang_on is set once, in MPI_Init, outside any blocking call.) */
    if (__builtin_expect(!rt_hang_on, 1))
        return;
    if (rt_hang.depth++ == 0) {
        rt_hang.call = call;
        rt_hang.comm = comm;
        rt_hang.peer_kind = peer_kind;
        rt_hang.peer = peer;
        rt_hang.tag = tag;
        rt_hang.seq++;             /* reqs is NULL here: rt_hang_exit cleared it */
    }
}

/* Enter a Wait on `count` requests of the program's array, shown as
 * "call(count=N)" and waiting for the peers of its incomplete requests. */
static inline void rt_hang_enter_reqs(const char *call, int count, const MPI_Request *reqs)
{
    rt_hang_enter(call, NULL, RT_HANG_NO_PEER, 0, 0);
    if (rt_hang.depth == 1) {
        rt_hang.reqs = reqs;
        rt_hang.nreqs = count;
    }
}

static inline void rt_hang_exit(void)
{
    if (__builtin_expect(!rt_hang_on, 1))
        return;
    if (--rt_hang.depth == 0) {
        rt_hang.call = NULL;
        rt_hang.reqs = NULL;
    }
}

/* Read MINIMPI_HANG_TIMEOUT (at MPI_Init, once the PMI connection is up). */
void rt_insight_hang_init(void);

/*
 * Called by rt_progress_idle while a blocking call waits, when rt_hang_on:
 * at most every min(1 s, timeout / 4) it sends mini-mpirun the PMI line
 * "cmd=minimpi_hang call=<call> args=<text> waitfor=<world ranks or -1>
 * wait=<seconds in the call> done=<progress count> pending=<requests>
 * more=<requests not described>" (no reply; format in
 * launcher/lnch_insight.h).  <requests> describes the nonblocking
 * point-to-point and collective requests the program started and has not
 * seen complete (rt_request_t.call set), at most four.
 */
void rt_insight_hang_tick(void);

#endif /* MINIMPI_RT_INSIGHT_H */

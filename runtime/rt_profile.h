/*
 * rt_profile.h -- the entry hook of mini-mpirun --profile (issue 11).
 *
 * Every MPI call starts with RT_CHECK_INIT, which opens a profile scope.
 * When profiling is off that costs, per call, one predictable branch: the test
 * of the scope's own register value at the exit.  The entry's test is the one
 * RT_CHECK_INIT makes anyway (rt_entry_gate, rt.h, also nonzero outside
 * MPI_Init..MPI_Finalize).  A send started costs nothing: its test of
 * rt_prof_on shares rt_proto_send_start's test for MPI_PROC_NULL (and
 * rt_proto_send_now tests it once the message is sent).  When it is on, the
 * outermost MPI call of the application is counted and timed (calls the
 * library makes to its own PMPI_ functions are inside that one and are not
 * counted again), and every message the protocol starts adds its bytes to its
 * destination's total and to the size histogram
 * (runtime/rt_insight_profile.c).
 */
#ifndef MINIMPI_RT_PROFILE_H
#define MINIMPI_RT_PROFILE_H

#include <stddef.h>

/* 1 from the end of MPI_Init to the start of MPI_Finalize under
 * MINIMPI_PROFILE=1; 0 otherwise. */
extern int rt_prof_on;

/* Slow halves: start timing `call` (returns its scope, 0 when it is nested
 * in another MPI call), stop timing scope `scope`, count a message (called
 * by the sending paths of rt_proto.c when rt_prof_on). */
int rt_prof_enter_slow(const char *call);
void rt_prof_leave_slow(int scope);
void rt_prof_message_slow(int world_dest, size_t bytes);

static inline int rt_prof_enter(const char *call)
{
    if (__builtin_expect(rt_prof_on, 0))
        return rt_prof_enter_slow(call);
    return 0;
}

static inline void rt_prof_leave(const int *scope)
{
    if (__builtin_expect(*scope != 0, 0))
        rt_prof_leave_slow(*scope);
}

#define RT_PROF_CAT2(a, b) a##b
#define RT_PROF_CAT(a, b) RT_PROF_CAT2(a, b)
/* A scope variable whose cleanup runs on every return of the function: 0
 * (nothing to do) unless RT_CHECK_INIT's slow path opened a scope.  Both
 * name it by the line of the RT_CHECK_INIT they expand from. */
#define RT_PROFILE_SCOPE_NAME RT_PROF_CAT(rt_prof_scope_, __LINE__)
#define RT_PROFILE_SCOPE                                                      \
    int RT_PROFILE_SCOPE_NAME __attribute__((cleanup(rt_prof_leave), unused)) = 0

/* Start profiling if MINIMPI_PROFILE is 1 (the end of MPI_Init). */
void rt_insight_profile_start(void);
/* Stop profiling and put this rank's profile under the PMI keys
 * "minimpi-profile-<rank>-<i>" (format in launcher/lnch_insight.h); the
 * fence of MPI_Finalize follows.  Does nothing when profiling is off. */
void rt_insight_report_profile(void);

#endif /* MINIMPI_RT_PROFILE_H */

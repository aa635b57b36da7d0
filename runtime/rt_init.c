/*
 * rt_init.c -- MPI_Init and MPI_Finalize: bring the layers up in order
 * (bootstrap, communicators, transports) and down in reverse.
 */
#include "rt.h"
#include "rt_boot.h"
#include "rt_coll.h"
#include "rt_insight.h"
#include "rt_progress.h"
#include "rt_win.h"

#include <stdio.h>
#include <string.h>

rt_process_t rt_proc;
int rt_entry_gate = 1;             /* before MPI_Init: every entry checks */

void rt_entry_gate_update(void)
{
    rt_entry_gate = rt_proc.phase != RT_PHASE_INITIALIZED || rt_prof_on;
}

static int init_common(const char *call, int required, int *provided)
{
    if (rt_proc.phase == RT_PHASE_INITIALIZED)
        return rt_err(NULL, call, MPI_ERR_OTHER, "MPI is already initialized");
    if (rt_proc.phase == RT_PHASE_FINALIZED)
        return rt_err(NULL, call, MPI_ERR_OTHER, "called after MPI_Finalize");

    rt_proc.main_thread = pthread_self();
    /*
     * The runtime keeps no thread-private state and takes no locks, so it is
     * correct as long as one thread at a time is inside MPI: SERIALIZED.
     */
    rt_proc.thread_level = required < MPI_THREAD_SERIALIZED ? required : MPI_THREAD_SERIALIZED;
    if (rt_proc.thread_level < MPI_THREAD_SINGLE)
        rt_proc.thread_level = MPI_THREAD_SINGLE;

    if (rt_boot_init() != 0)
        rt_abort_job(1, "bootstrap failed");
    if (rt_comm_init_predefined() != 0)
        rt_fatal("%s: out of memory creating MPI_COMM_WORLD", call);
    rt_proc.phase = RT_PHASE_INITIALIZED;
    rt_entry_gate_update();
    if (rt_progress_init() != 0)
        rt_fatal("%s: cannot start the transports", call);
    rt_insight_profile_start();
    if (provided != NULL)
        *provided = rt_proc.thread_level;
    return MPI_SUCCESS;
}

int MPI_Init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return init_common("MPI_Init", MPI_THREAD_SINGLE, NULL);
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    (void)argc;
    (void)argv;
    if (provided == NULL)
        return rt_err(NULL, "MPI_Init_thread", MPI_ERR_ARG, "provided is NULL");
    if (required < MPI_THREAD_SINGLE || required > MPI_THREAD_MULTIPLE)
        return rt_err(NULL, "MPI_Init_thread", MPI_ERR_ARG, "invalid thread level %d", required);
    return init_common("MPI_Init_thread", required, provided);
}

int MPI_Finalize(void)
{
    RT_CHECK_INIT("MPI_Finalize");
    /* MPI_COMM_SELF's attributes go first, while MPI is still usable in
     * their delete callbacks, as the standard asks. */
    rt_comm_finalize_begin();
    rt_insight_report_profile();   /* before the fence below, which waits for it */
    /* Shown by the hang diagnosis while this rank waits for the others. */
    rt_hang_enter("MPI_Finalize", NULL, RT_HANG_NO_PEER, 0, 0);
    /*
     * Messages this rank already completed locally (eager sends, buffered
     * sends) may still sit in its queues: push them out, then wait at a
     * barrier and a fence until every rank is done, so no peer still reads
     * our memory.
     */
    if (rt_progress_flush() != 0)
        rt_fatal("MPI_Finalize: cannot deliver the last outgoing messages");
    /* A rank blocked in the PMI fence no longer drains its receive queue, so
     * a peer whose last messages wait for room there would never get to the
     * fence: meet in a barrier that keeps progressing first. */
    rt_progress_barrier();
    rt_hang_exit();
    if (rt_boot_fence() != 0)
        rt_fatal("MPI_Finalize: the final fence failed");
    rt_win_finalize();             /* windows the program did not free */
    rt_coll_finalize();
    rt_progress_finalize();
    rt_proc.phase = RT_PHASE_FINALIZED;
    rt_entry_gate_update();
    rt_comm_finalize();
    rt_datatype_finalize();
    if (rt_boot_finalize() != 0)
        return rt_err(NULL, "MPI_Finalize", MPI_ERR_OTHER, "PMI finalize failed");
    return MPI_SUCCESS;
}

int MPI_Initialized(int *flag)
{
    if (flag == NULL)
        return rt_err(NULL, "MPI_Initialized", MPI_ERR_ARG, "flag is NULL");
    *flag = rt_proc.phase != RT_PHASE_BEFORE_INIT;
    return MPI_SUCCESS;
}

int MPI_Finalized(int *flag)
{
    if (flag == NULL)
        return rt_err(NULL, "MPI_Finalized", MPI_ERR_ARG, "flag is NULL");
    *flag = rt_proc.phase == RT_PHASE_FINALIZED;
    return MPI_SUCCESS;
}

int MPI_Abort(MPI_Comm comm, int errorcode)
{
    /* The whole job ends whatever the communicator; it only has to be valid. */
    char why[64];
    (void)comm;
    snprintf(why, sizeof(why), "MPI_Abort(errorcode=%d)", errorcode);
    rt_abort_job(errorcode, why);
}

/* Public names: weak aliases of the PMPI_ definitions above (rt_pmpi.h). */
#pragma weak MPI_Abort = PMPI_Abort
#pragma weak MPI_Finalize = PMPI_Finalize
#pragma weak MPI_Finalized = PMPI_Finalized
#pragma weak MPI_Init = PMPI_Init
#pragma weak MPI_Init_thread = PMPI_Init_thread
#pragma weak MPI_Initialized = PMPI_Initialized

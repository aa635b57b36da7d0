/*
 * t_env.c -- the environment calls: Initialized/Finalized before, during
 * and after; Init_thread and Query_thread agree; Is_thread_main is true in
 * main and false in another thread, which may call MPI when the level is
 * MPI_THREAD_SERIALIZED; the world has the size the launcher
 * was asked for (argv[1], when given) and every rank exactly once;
 * MPI_COMM_SELF has one rank; processor name, version and library version;
 * MPI_Wtime never goes back and measures a sleep; MPI_Wtick is sane; the
 * program's arguments arrive intact (argv[2] when given).
 */
#include "t_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
    int *flag = arg;
    MPI_Is_thread_main(flag);
    return NULL;
}

/* With MPI_THREAD_SERIALIZED, any thread may call MPI, one at a time. */
static void *thread_sendrecv(void *arg)
{
    int *value = arg, out = *value;
    if (MPI_Sendrecv(&out, 1, MPI_INT, t_rank, 5, value, 1, MPI_INT, t_rank, 5, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE) != MPI_SUCCESS)
        *value = -1;
    return NULL;
}

int main(int argc, char **argv)
{
    int flag = -1, provided = -1, queried = -1;
    t_name = "t_env";

    /* Before MPI_Init: t_rank is still -1 in failure messages. */
    T_MPI(MPI_Initialized(&flag));
    T_ASSERT(flag == 0, "MPI_Initialized is %d before MPI_Init", flag);
    T_MPI(MPI_Finalized(&flag));
    T_ASSERT(flag == 0, "MPI_Finalized is %d before MPI_Init", flag);

    T_MPI(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided));
    T_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &t_rank));
    T_MPI(MPI_Comm_size(MPI_COMM_WORLD, &t_size));
    T_ASSERT(provided >= MPI_THREAD_SINGLE && provided <= MPI_THREAD_MULTIPLE,
             "Init_thread provided %d", provided);
#ifdef MINIMPI
    T_ASSERT(provided == MPI_THREAD_SERIALIZED, "asked for SERIALIZED, got %d", provided);
#endif
    T_MPI(MPI_Query_thread(&queried));
    T_ASSERT(queried == provided, "Query_thread says %d, Init_thread said %d", queried, provided);
    T_MPI(MPI_Is_thread_main(&flag));
    T_ASSERT(flag == 1, "Is_thread_main is %d in the main thread", flag);
    pthread_t thread;
    int other = -1;
    T_ASSERT(pthread_create(&thread, NULL, thread_main, &other) == 0, "pthread_create failed");
    pthread_join(thread, NULL);
    T_ASSERT(other == 0, "Is_thread_main is %d in another thread", other);
    if (provided >= MPI_THREAD_SERIALIZED) {
        int value = 4242;
        T_ASSERT(pthread_create(&thread, NULL, thread_sendrecv, &value) == 0,
                 "pthread_create failed");
        pthread_join(thread, NULL);
        T_ASSERT(value == 4242, "Sendrecv with self from another thread gave %d", value);
    }
    T_MPI(MPI_Initialized(&flag));
    T_ASSERT(flag == 1, "MPI_Initialized is %d after MPI_Init", flag);
    T_MPI(MPI_Finalized(&flag));
    T_ASSERT(flag == 0, "MPI_Finalized is %d before MPI_Finalize", flag);

    /* The world. */
    if (argc > 1) {
        int want = atoi(argv[1]);
        T_ASSERT(t_size == want, "world size %d, launched with %d", t_size, want);
    }
    if (argc > 2)
        T_ASSERT(strcmp(argv[2], "two words") == 0, "argument 2 arrived as '%s'", argv[2]);
    T_ASSERT(t_rank >= 0 && t_rank < t_size, "rank %d of %d", t_rank, t_size);
    int self_rank = -1, self_size = -1;
    T_MPI(MPI_Comm_rank(MPI_COMM_SELF, &self_rank));
    T_MPI(MPI_Comm_size(MPI_COMM_SELF, &self_size));
    T_ASSERT(self_rank == 0 && self_size == 1, "MPI_COMM_SELF: rank %d size %d", self_rank,
             self_size);
    /* Every rank exactly once, each a different process. */
    int mine[2] = {t_rank, (int)getpid()};
    if (t_rank == 0) {
        int *seen = calloc((size_t)t_size, sizeof(int));
        int *pids = calloc((size_t)t_size, sizeof(int));
        T_ASSERT(seen != NULL && pids != NULL, "calloc failed");
        seen[0] = 1;
        pids[0] = mine[1];
        for (int k = 1; k < t_size; k++) {
            int got[2];
            MPI_Status st;
            T_MPI(MPI_Recv(got, 2, MPI_INT, MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &st));
            T_ASSERT(got[0] == st.MPI_SOURCE, "rank %d says it is rank %d", st.MPI_SOURCE,
                     got[0]);
            T_ASSERT(!seen[got[0]], "two processes are rank %d", got[0]);
            seen[got[0]] = 1;
            pids[got[0]] = got[1];
        }
        for (int a = 0; a < t_size; a++)
            for (int b = a + 1; b < t_size; b++)
                T_ASSERT(pids[a] != pids[b], "ranks %d and %d are the same process %d", a, b,
                         pids[a]);
        free(seen);
        free(pids);
    } else {
        T_MPI(MPI_Send(mine, 2, MPI_INT, 0, 1, MPI_COMM_WORLD));
    }

    /* Names and versions. */
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = -1;
    memset(name, 0x7f, sizeof(name));
    T_MPI(MPI_Get_processor_name(name, &len));
    T_ASSERT(len > 0 && len < MPI_MAX_PROCESSOR_NAME && (size_t)len == strlen(name),
             "processor name of length %d", len);
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    T_ASSERT(strncmp(name, host, strlen(name)) == 0,
             "processor name '%s' is not this host's name '%s'", name, host);
    int version = -1, subversion = -1;
    T_MPI(MPI_Get_version(&version, &subversion));
    T_ASSERT(version == MPI_VERSION && subversion == MPI_SUBVERSION,
             "MPI_Get_version gives %d.%d, mpi.h says %d.%d", version, subversion, MPI_VERSION,
             MPI_SUBVERSION);
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    T_MPI(MPI_Get_library_version(lib, &len));
    T_ASSERT(len > 0 && len < MPI_MAX_LIBRARY_VERSION_STRING, "library version of length %d",
             len);
#ifdef MINIMPI
    /* Open MPI counts the terminating NUL; the standard does not. */
    T_ASSERT((size_t)len == strlen(lib), "library version of length %d, strlen %zu", len,
             strlen(lib));
    T_ASSERT(strstr(lib, MINIMPI_VERSION_STRING) != NULL, "library version '%s' lacks %s", lib,
             MINIMPI_VERSION_STRING);
#endif

    /* Clock. */
    double tick = MPI_Wtick();
    T_ASSERT(tick > 0 && tick <= 0.01, "MPI_Wtick is %g", tick);
    double last = MPI_Wtime();
    for (int i = 0; i < 100000; i++) {
        double now = MPI_Wtime();
        T_ASSERT(now >= last, "MPI_Wtime went back from %.9f to %.9f", last, now);
        last = now;
    }
    double t0 = MPI_Wtime();
    t_sleep_ms(20);
    double slept = MPI_Wtime() - t0;
    T_ASSERT(slept >= 0.019 && slept < 10, "a 20 ms sleep measured %.6f s", slept);

    T_MPI(MPI_Finalize());
    T_MPI(MPI_Finalized(&flag));
    T_ASSERT(flag == 1, "MPI_Finalized is %d after MPI_Finalize", flag);
    T_MPI(MPI_Initialized(&flag));
    T_ASSERT(flag == 1, "MPI_Initialized is %d after MPI_Finalize", flag);
    return 0;
}

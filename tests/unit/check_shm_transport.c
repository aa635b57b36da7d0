/*
 * check_shm_transport.c -- the whole shared-memory transport across forked
 * processes, with a fake bootstrap: a process-shared barrier as the fence
 * and a small key-value store, both in an anonymous shared mapping.
 *
 * Each test forks N "ranks" that run init, all-to-all active messages with
 * content checks (TP_AGAIN handled by progressing), single-copy gets of a
 * multi-MiB buffer, and finalize.  A rank reports a failure on stderr and
 * exits non-zero; the test process waits with a deadline, kills what is
 * left on timeout, names the ranks that did not finish, and checks that no
 * /dev/shm file of the job remains.
 *
 * Message sizes alternate between 0 and 1 byte (duplex-lane messages),
 * sizes up to just beyond a fast box's inline limit (lane, box, queue),
 * box-sized ones right before lane ones, and larger ones (queue cells), and
 * a sender sends far more than a box holds before the receiver drains, so
 * a pair's messages take all three paths, lanes and boxes fill up and fall
 * back to the next path, and their numbers wrap around 2^32 (they start 64
 * below it): the per-sender sequence check on arrival is the test of MPI's
 * non-overtaking rule across the paths.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "transports/transport.h"
#include "transports/shm/shm_fbox.h"
#include "check_run.h"

enum {
    MAX_RANKS = 8,
    KVS_ENTRIES = 32,
    KVS_KEY_MAX = 64,
    MSGS_PER_PEER = 300,
    RANK_DEADLINE_S = 30,        /* a rank gives up on its own after this */
    FENCE_DEADLINE_S = 30,       /* and waits no longer in a fence */
    TEST_DEADLINE_S = 45,        /* the test process kills every rank after this */
    GET_BYTES = 3 * 1024 * 1024 + 17,
};

/* ---- Fake bootstrap, shared by the forked ranks ----------------------- */

typedef struct kvs_entry {
    char key[KVS_KEY_MAX];
    char value[TP_KVS_VALUE_MAX];
} kvs_entry_t;

typedef struct shared_area {
    int nranks;
    _Atomic int fence_arrived;
    _Atomic int fence_generation;
    pthread_mutex_t kvs_lock;
    int kvs_count;
    kvs_entry_t kvs[KVS_ENTRIES];
    tp_mem_desc_t desc[MAX_RANKS];   /* exposed buffers, handed around out of band */
    _Atomic int sleepers;            /* wake test: ranks about to wait */
    _Atomic int news;                /* wake test: what the sleepers wait for */
} shared_area_t;

static shared_area_t *shared;

static int fake_kvs_put(const char *key, const char *value)
{
    if (strlen(key) >= KVS_KEY_MAX || strlen(value) >= TP_KVS_VALUE_MAX)
        return -1;
    pthread_mutex_lock(&shared->kvs_lock);
    int rc = -1;
    for (int i = 0; i < shared->kvs_count; i++) {
        if (strcmp(shared->kvs[i].key, key) == 0) {
            strcpy(shared->kvs[i].value, value);
            rc = 0;
        }
    }
    if (rc != 0 && shared->kvs_count < KVS_ENTRIES) {
        strcpy(shared->kvs[shared->kvs_count].key, key);
        strcpy(shared->kvs[shared->kvs_count].value, value);
        shared->kvs_count++;
        rc = 0;
    }
    pthread_mutex_unlock(&shared->kvs_lock);
    return rc;
}

static int fake_kvs_get(const char *key, char *value, size_t value_len)
{
    pthread_mutex_lock(&shared->kvs_lock);
    int rc = -1;
    for (int i = 0; i < shared->kvs_count; i++) {
        if (strcmp(shared->kvs[i].key, key) == 0 && strlen(shared->kvs[i].value) < value_len) {
            strcpy(value, shared->kvs[i].value);
            rc = 0;
        }
    }
    pthread_mutex_unlock(&shared->kvs_lock);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A barrier that gives up after FENCE_DEADLINE_S, so that a rank that died
 * makes the others fail with a message instead of hanging. */
static int fake_fence(void)
{
    int gen = atomic_load(&shared->fence_generation);
    if (atomic_fetch_add(&shared->fence_arrived, 1) == shared->nranks - 1) {
        atomic_store(&shared->fence_arrived, 0);
        atomic_fetch_add(&shared->fence_generation, 1);
        return 0;
    }
    double deadline = now_s() + FENCE_DEADLINE_S;
    while (atomic_load(&shared->fence_generation) == gen) {
        if (now_s() > deadline) {
            fprintf(stderr, "fake fence: gave up waiting after %d s\n", FENCE_DEADLINE_S);
            return -1;
        }
        sched_yield();
    }
    return 0;
}

static const tp_boot_ops_t fake_boot = {
    .kvs_put = fake_kvs_put,
    .kvs_get = fake_kvs_get,
    .fence = fake_fence,
};

static void shared_create(int nranks)
{
    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    ck_assert_ptr_ne(shared, MAP_FAILED);
    shared->nranks = nranks;
    pthread_mutexattr_t mattr;
    pthread_mutexattr_init(&mattr);
    pthread_mutexattr_setpshared(&mattr, PTHREAD_PROCESS_SHARED);
    ck_assert_int_eq(pthread_mutex_init(&shared->kvs_lock, &mattr), 0);
    pthread_mutexattr_destroy(&mattr);
}

static void shared_destroy(void)
{
    pthread_mutex_destroy(&shared->kvs_lock);
    munmap(shared, sizeof(*shared));
    shared = NULL;
}

/* ---- What a test asks of its ranks ------------------------------------ */

typedef enum expect {
    EXPECT_WORKS,                 /* init OK, messages and (unless CMA is off) gets work */
    EXPECT_NOTSUP,                /* alone on its node: init says TP_ENOTSUP */
    EXPECT_INIT_FAILS,            /* init returns an error, on every rank */
    EXPECT_PEER_GONE,             /* rank 1 exposes a buffer and exits; rank 0's get fails */
    EXPECT_WAKE,                  /* the others sleep in wait(); rank 0 wakes them all */
} expect_t;

typedef struct scenario {
    int nranks;
    int nodes;                    /* ranks are spread over nodes in blocks */
    expect_t expect;
    int expect_can_get;
    int verbose;
    const char *foreign_file;     /* a /dev/shm name the job must leave alone */
} scenario_t;

static char job_id[64];
static int job_counter;

/* ---- One rank ---------------------------------------------------------- */

static int my_rank;

/* In a rank: report and exit; Check's assertions belong to the test process. */
static void rank_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "rank %d: %s:%d: ", my_rank, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    _exit(10);
}

#define RANK_CHECK(cond, ...)                                   \
    do {                                                        \
        if (!(cond))                                            \
            rank_fail(__FILE__, __LINE__, __VA_ARGS__);         \
    } while (0)

typedef struct msg_hdr {
    int32_t src;
    int32_t dst;
    uint32_t seq;
    uint32_t len;
} msg_hdr_t;

typedef struct rank_state {
    int world_size;
    uint32_t expected[MAX_RANKS];      /* next sequence number per sender */
    long received;
    size_t max_payload;
} rank_state_t;

static uint8_t pattern(int src, int dst, uint32_t seq, size_t i)
{
    return (uint8_t)(src * 41 + dst * 17 + seq * 5 + i * 3 + (i >> 9));
}

static size_t length_of(uint32_t seq, size_t max)
{
    switch (seq % 5) {
    case 0: return 0;
    case 1: return max;
    case 2: return 1;
    /* Every size up to one byte more than a fast box holds inline, so
     * box messages of every length interleave with queue cells. */
    case 3: return (seq * 37u) % (SHM_FBOX_MAX_INLINE - sizeof(msg_hdr_t) + 2);
    /* Every other time a box message right before a lane message (the
     * next one, 0 bytes), with no queue cell between to order them. */
    default:
        if ((seq / 5) % 2 == 1)
            return SHM_FBOX_MAX_INLINE - sizeof(msg_hdr_t) - seq % 64;
        return (seq * 2654435761u) % (max + 1);
    }
}

static void on_message(void *arg, int src, const void *hdr, size_t hdr_len,
                       const void *payload, size_t payload_len)
{
    rank_state_t *st = arg;
    msg_hdr_t h;
    RANK_CHECK(hdr_len == sizeof(h), "header of %zu bytes, expected %zu", hdr_len, sizeof(h));
    memcpy(&h, hdr, sizeof(h));
    RANK_CHECK(src >= 0 && src < st->world_size && src == h.src,
               "message says it is from %d, transport says %d", h.src, src);
    RANK_CHECK(h.dst == my_rank, "message for rank %d arrived here", h.dst);
    RANK_CHECK(h.seq == st->expected[src], "from rank %d: message %u, expected %u", src, h.seq,
               st->expected[src]);
    RANK_CHECK(payload_len == h.len && h.len == length_of(h.seq, st->max_payload),
               "from rank %d message %u: %zu payload bytes, expected %u", src, h.seq,
               payload_len, h.len);
    const uint8_t *p = payload;
    for (size_t i = 0; i < payload_len; i++)
        RANK_CHECK(p[i] == pattern(src, my_rank, h.seq, i),
                   "from rank %d message %u: byte %zu corrupted", src, h.seq, i);
    st->expected[src]++;
    st->received++;
}

/* No file of the job's segment for `node` (all nodes when -1) in /dev/shm. */
static void check_no_segment_file(int node, const char *when)
{
    char prefix[96];
    if (node < 0)
        snprintf(prefix, sizeof(prefix), "minimpi-%s-", job_id);
    else
        snprintf(prefix, sizeof(prefix), "minimpi-%s-n%d", job_id, node);
    DIR *dir = opendir("/dev/shm");
    RANK_CHECK(dir != NULL, "opendir /dev/shm: %s", strerror(errno));
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        RANK_CHECK(strncmp(de->d_name, prefix, strlen(prefix)) != 0, "/dev/shm/%s exists %s",
                   de->d_name, when);
    closedir(dir);
}

static void all_to_all(tp_t *tp, const tp_job_t *job, rank_state_t *st)
{
    uint8_t *payload = malloc(tp->am_max_payload + 1);
    RANK_CHECK(payload != NULL, "out of memory");
    double deadline = now_s() + RANK_DEADLINE_S;
    /* What progress says it delivered must be what the handler got: the
     * lane's fillers are consumed but not counted. */
    long progressed = 0, received_before = st->received;
    /* Round-robin over peers so that every queue has several senders at once. */
    for (uint32_t seq = 0; seq < MSGS_PER_PEER; seq++) {
        for (int k = 1; k < job->local_size; k++) {
            int peer = job->local_ranks[(job->local_rank + k) % job->local_size];
            msg_hdr_t h = {.src = my_rank, .dst = peer, .seq = seq,
                           .len = (uint32_t)length_of(seq, tp->am_max_payload)};
            for (size_t i = 0; i < h.len; i++)
                payload[i] = pattern(my_rank, peer, seq, i);
            tp_status_t s;
            while ((s = tp->ops->am_send(tp, peer, &h, sizeof(h), payload, h.len)) == TP_AGAIN) {
                /* The peer may be waiting for room in our queue: drain it. */
                progressed += tp->ops->progress(tp);
                RANK_CHECK(now_s() < deadline, "stuck sending to rank %d", peer);
                sched_yield();
            }
            RANK_CHECK(s == TP_OK, "am_send to %d: status %d", peer, s);
        }
    }
    long want = (long)MSGS_PER_PEER * (job->local_size - 1);
    while (st->received < want) {
        int n = tp->ops->progress(tp);
        progressed += n;
        if (n == 0) {
            RANK_CHECK(now_s() < deadline, "received %ld of %ld messages", st->received, want);
            sched_yield();
        }
    }
    RANK_CHECK(progressed == st->received - received_before,
               "progress reported %ld messages, the handler got %ld", progressed,
               st->received - received_before);
    for (int i = 0; i < job->local_size; i++) {
        int peer = job->local_ranks[i];
        RANK_CHECK(st->expected[peer] == (peer == my_rank ? 0u : (uint32_t)MSGS_PER_PEER),
                   "got %u messages from rank %d", st->expected[peer], peer);
    }
    free(payload);
}

static uint8_t get_pattern(int owner, size_t i)
{
    return (uint8_t)(owner * 29 + i * 11 + (i >> 12));
}

static void single_copy(tp_t *tp, const tp_job_t *job, int expect_can_get)
{
    RANK_CHECK(tp->can_get == expect_can_get, "can_get is %d, expected %d", tp->can_get,
               expect_can_get);
    uint8_t *mine = malloc(GET_BYTES);
    uint8_t *got = malloc(GET_BYTES);
    RANK_CHECK(mine != NULL && got != NULL, "out of memory");
    for (size_t i = 0; i < GET_BYTES; i++)
        mine[i] = get_pattern(my_rank, i);
    tp_mem_desc_t desc;
    tp_status_t s = tp->ops->mem_expose(tp, mine, GET_BYTES, &desc);
    if (!expect_can_get) {
        RANK_CHECK(s == TP_ENOTSUP, "mem_expose with single copy off: status %d", s);
        memset(&desc, 0, sizeof(desc));
    } else {
        RANK_CHECK(s == TP_OK, "mem_expose: status %d", s);
    }
    shared->desc[my_rank] = desc;
    RANK_CHECK(fake_fence() == 0, "fence");

    int peer = job->local_ranks[(job->local_rank + 1) % job->local_size];
    s = tp->ops->get(tp, peer, &shared->desc[peer], 0, got, GET_BYTES, NULL);
    if (!expect_can_get) {
        RANK_CHECK(s == TP_ENOTSUP, "get with single copy off: status %d", s);
    } else {
        RANK_CHECK(s == TP_OK, "get of %d bytes from rank %d: status %d", GET_BYTES, peer, s);
        for (size_t i = 0; i < GET_BYTES; i++)
            RANK_CHECK(got[i] == get_pattern(peer, i), "get from rank %d: byte %zu wrong", peer, i);
        /* A window in the middle lands at the start of local. */
        memset(got, 0, 4096);
        size_t off = 1234567, len = 4000;
        s = tp->ops->get(tp, peer, &shared->desc[peer], off, got, len, NULL);
        RANK_CHECK(s == TP_OK, "partial get: status %d", s);
        for (size_t i = 0; i < len; i++)
            RANK_CHECK(got[i] == get_pattern(peer, off + i), "partial get: byte %zu wrong", i);
        /* Past the end is refused, and nothing is read. */
        s = tp->ops->get(tp, peer, &shared->desc[peer], GET_BYTES - 10, got, 11, NULL);
        RANK_CHECK(s == TP_EINVAL, "get past the end: status %d", s);
        /* A descriptor must come from the peer named. */
        if (job->local_size > 2) {
            int other = job->local_ranks[(job->local_rank + 2) % job->local_size];
            s = tp->ops->get(tp, other, &shared->desc[peer], 0, got, 8, NULL);
            RANK_CHECK(s == TP_EINVAL, "get with another rank's descriptor: status %d", s);
        }
    }
    /* Nobody releases a buffer a peer may still be reading. */
    RANK_CHECK(fake_fence() == 0, "fence");
    if (expect_can_get)
        tp->ops->mem_release(tp, &desc);
    free(mine);
    free(got);
}

static void build_job(const scenario_t *sc, int rank, tp_job_t *job, int *node_of_rank,
                      int *local_ranks, rank_state_t *st)
{
    int per_node = (sc->nranks + sc->nodes - 1) / sc->nodes;
    for (int r = 0; r < sc->nranks; r++)
        node_of_rank[r] = r / per_node;
    int node = node_of_rank[rank];
    int local_size = 0, local_rank = -1;
    for (int r = 0; r < sc->nranks; r++) {
        if (node_of_rank[r] != node)
            continue;
        if (r == rank)
            local_rank = local_size;
        local_ranks[local_size++] = r;
    }
    *job = (tp_job_t){
        .world_rank = rank,
        .world_size = sc->nranks,
        .node_id = node,
        .num_nodes = sc->nodes,
        .node_of_rank = node_of_rank,
        .local_rank = local_rank,
        .local_size = local_size,
        .local_ranks = local_ranks,
        .job_id = job_id,
        .oversubscribed = 1,
        .verbose = sc->verbose,
        .boot = &fake_boot,
        .am_handler = on_message,
        .am_handler_arg = st,
    };
}

/* Rank 1 exposes a buffer and exits without finalizing; once it is gone,
 * rank 0's get must say TP_EPEER instead of crashing or returning garbage. */
static void peer_gone(tp_t *tp)
{
    static uint8_t buf[65536];
    if (my_rank == 1) {
        memset(buf, 0x5a, sizeof(buf));
        RANK_CHECK(tp->ops->mem_expose(tp, buf, sizeof(buf), &shared->desc[1]) == TP_OK,
                   "mem_expose");
        RANK_CHECK(fake_fence() == 0, "fence");
        RANK_CHECK(fake_fence() == 0, "fence");
        _exit(0);
    }
    RANK_CHECK(fake_fence() == 0, "fence");
    tp_status_t s = tp->ops->get(tp, 1, &shared->desc[1], 0, buf, sizeof(buf), NULL);
    RANK_CHECK(s == TP_OK && buf[0] == 0x5a && buf[sizeof(buf) - 1] == 0x5a,
               "get from a live peer: status %d", s);
    RANK_CHECK(fake_fence() == 0, "fence");
    double deadline = now_s() + RANK_DEADLINE_S;
    while ((s = tp->ops->get(tp, 1, &shared->desc[1], 0, buf, sizeof(buf), NULL)) == TP_OK) {
        RANK_CHECK(now_s() < deadline, "rank 1 still readable after %d s", RANK_DEADLINE_S);
        usleep(1000);
    }
    RANK_CHECK(s == TP_EPEER, "get from an exited peer: status %d, expected TP_EPEER", s);
    tp->ops->finalize(tp);
    _exit(0);
}

static int news_pending(void)
{
    return atomic_load(&shared->news) != 0;
}

/*
 * Every rank but 0 sleeps in wait() with a time limit of 20 s until news
 * comes (other_pending, as for a shared-memory collective's flag); rank 0
 * posts the news once they all sleep and wakes every rank of the job with
 * one wake() call (its own rank in the list too).  A sleeper that was not
 * rung would sleep out its 20 s: each must be back within 5 s, rung.
 */
static void wake_all(tp_t *tp, const tp_job_t *job)
{
    RANK_CHECK(tp->ops->wait != NULL && tp->ops->wake != NULL, "no wait or wake");
    tp->other_pending = news_pending;
    if (my_rank != 0) {
        atomic_fetch_add(&shared->sleepers, 1);
        double start = now_s();
        while (!news_pending() && now_s() < start + RANK_DEADLINE_S)
            tp->ops->wait(tp, 20000);
        double slept = now_s() - start;
        RANK_CHECK(news_pending() && slept < 5.0, "woken after %.1f s", slept);
    } else {
        double deadline = now_s() + RANK_DEADLINE_S;
        while (atomic_load(&shared->sleepers) < job->world_size - 1 && now_s() < deadline)
            usleep(1000);
        usleep(200000);            /* long enough for them to be in the futex */
        atomic_store(&shared->news, 1);
        int everyone[MAX_RANKS];
        for (int r = 0; r < job->world_size; r++)
            everyone[r] = r;
        tp->ops->wake(tp, everyone, (size_t)job->world_size);
    }
    RANK_CHECK(fake_fence() == 0, "fence");
    tp->ops->finalize(tp);
    _exit(0);
}

#ifdef MINIMPI_DEBUG
/* Whether am_send(peer, a header of hdr_len, payload_len bytes) aborts: run
 * in a forked child (its stderr, the contract's message, dropped), since
 * the abort ends the process that breaks the contract. */
static int aborts_in_child(tp_t *tp, int peer, size_t hdr_len, size_t payload_len)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        /* The default action, whatever a library linked in installed (the
         * PSM2 provider of libfabric prints a backtrace and exits). */
        signal(SIGABRT, SIG_DFL);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        static char hdr[64];
        tp->ops->am_send(tp, peer, hdr, hdr_len, NULL, payload_len);
        _exit(0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return 0;
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}
#endif

static void rank_main(const scenario_t *sc, int rank)
{
    my_rank = rank;
    int node_of_rank[MAX_RANKS], local_ranks[MAX_RANKS];
    rank_state_t st = {.world_size = sc->nranks};
    tp_job_t job;
    build_job(sc, rank, &job, node_of_rank, local_ranks, &st);

    tp_t *tp = NULL;
    tp_status_t s = tp_shm_ops.init(&job, &tp);
    if (sc->expect == EXPECT_INIT_FAILS) {
        RANK_CHECK(s != TP_OK && s != TP_AGAIN && s != TP_INPROGRESS && tp == NULL,
                   "init should have failed, status %d", s);
        _exit(0);
    }
    if (sc->expect == EXPECT_NOTSUP) {
        RANK_CHECK(s == TP_ENOTSUP && tp == NULL, "init alone on a node: status %d", s);
        _exit(0);
    }
    RANK_CHECK(s == TP_OK && tp != NULL, "init: status %d", s);
    if (job.local_rank == 0)
        check_no_segment_file(job.node_id, "after init returned on local rank 0");
    RANK_CHECK(strcmp(tp->name, "shm") == 0 && tp->ops == &tp_shm_ops, "instance head");
    RANK_CHECK(tp->am_max_hdr >= sizeof(msg_hdr_t) && tp->am_max_payload >= 4096,
               "am_max_hdr %zu, am_max_payload %zu", tp->am_max_hdr, tp->am_max_payload);
    st.max_payload = tp->am_max_payload;
    if (sc->expect == EXPECT_PEER_GONE)
        peer_gone(tp);
    if (sc->expect == EXPECT_WAKE)
        wake_all(tp, &job);
    for (int r = 0; r < sc->nranks; r++)
        RANK_CHECK(tp->ops->reachable(tp, r) == (node_of_rank[r] == job.node_id),
                   "reachable(%d) wrong", r);
    RANK_CHECK(!tp->ops->reachable(tp, -1) && !tp->ops->reachable(tp, sc->nranks),
               "reachable() of a rank outside the job");
    /* Too big, or not on this node: the runtime's contract, checked only in
     * a debug build, where breaking it aborts (in a child, so the rank
     * goes on); elsewhere an oversized message is still refused by the
     * queue, which never writes past a cell. */
    msg_hdr_t h = {0};
#ifdef MINIMPI_DEBUG
    RANK_CHECK(aborts_in_child(tp, job.local_ranks[0], sizeof(h), tp->am_max_payload + 1),
               "oversized am_send did not abort");
    RANK_CHECK(aborts_in_child(tp, -1, sizeof(h), 0), "am_send to rank -1 did not abort");
    RANK_CHECK(aborts_in_child(tp, sc->nranks, sizeof(h), 0),
               "am_send to a rank outside the job did not abort");
#else
    RANK_CHECK(tp->ops->am_send(tp, job.local_ranks[0], &h, sizeof(h), NULL,
                                tp->am_max_payload + 1) == TP_EINVAL,
               "oversized am_send accepted");
#endif

    /* Every rank has passed init here, so every local rank 0 has unlinked. */
    RANK_CHECK(fake_fence() == 0, "fence");
    check_no_segment_file(-1, "after init");

    all_to_all(tp, &job, &st);
    single_copy(tp, &job, sc->expect_can_get);
    RANK_CHECK(tp->ops->progress(tp) == 0, "a message arrived after the last one");
    tp->ops->finalize(tp);
    _exit(0);
}

/* ---- The test process ------------------------------------------------- */

static void remove_leftovers(const char *foreign_file, int *found)
{
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "minimpi-%s-", job_id);
    DIR *dir = opendir("/dev/shm");
    ck_assert_ptr_nonnull(dir);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (foreign_file != NULL && strcmp(de->d_name, foreign_file) == 0)
            continue;
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
            char name[300];
            snprintf(name, sizeof(name), "/%s", de->d_name);
            shm_unlink(name);
            (*found)++;
        }
    }
    closedir(dir);
}

static void new_job_id(void)
{
    snprintf(job_id, sizeof(job_id), "chk%d-%d", (int)getpid(), job_counter++);
}

/* Fork the ranks, wait for them under a deadline, fail naming the ranks
 * that failed or did not finish, and check /dev/shm is clean. */
static void run_scenario(const scenario_t *sc)
{
    ck_assert_int_le(sc->nranks, MAX_RANKS);
    shared_create(sc->nranks);
    pid_t parent = getpid();
    pid_t pids[MAX_RANKS];
    for (int r = 0; r < sc->nranks; r++) {
        pids[r] = fork();
        ck_assert_int_ge(pids[r], 0);
        if (pids[r] == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(11);
            rank_main(sc, r);
        }
    }
    int status[MAX_RANKS], done = 0, finished[MAX_RANKS] = {0};
    double deadline = now_s() + TEST_DEADLINE_S;
    while (done < sc->nranks && now_s() < deadline) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0) {
            usleep(10000);
            continue;
        }
        for (int r = 0; r < sc->nranks; r++) {
            if (pids[r] == pid) {
                status[r] = st;
                finished[r] = 1;
                done++;
            }
        }
    }
    char hung[256] = "";
    for (int r = 0; r < sc->nranks; r++) {
        if (!finished[r]) {
            kill(pids[r], SIGKILL);
            waitpid(pids[r], NULL, 0);
            snprintf(hung + strlen(hung), sizeof(hung) - strlen(hung), " %d", r);
        }
    }
    shared_destroy();
    int leftovers = 0;
    remove_leftovers(sc->foreign_file, &leftovers);
    ck_assert_msg(hung[0] == '\0', "ranks that did not finish within %d s:%s", TEST_DEADLINE_S,
                  hung);
    for (int r = 0; r < sc->nranks; r++)
        ck_assert_msg(WIFEXITED(status[r]) && WEXITSTATUS(status[r]) == 0,
                      "rank %d ended with %s %d (see its message above)", r,
                      WIFEXITED(status[r]) ? "exit code" : "signal",
                      WIFEXITED(status[r]) ? WEXITSTATUS(status[r]) : WTERMSIG(status[r]));
    ck_assert_msg(leftovers == 0, "%d file(s) of the job left in /dev/shm", leftovers);
}

static void setup(void)
{
    new_job_id();
    unsetenv("MINIMPI_SHM_CMA");
    unsetenv("MINIMPI_SHM_QUEUE_DEPTH");
}

START_TEST(test_ranks_exchange_and_get)
{
    static const int sizes[] = {2, 4, 8};
    scenario_t sc = {.nranks = sizes[_i], .nodes = 1, .expect = EXPECT_WORKS,
                     .expect_can_get = 1};
    run_scenario(&sc);
}
END_TEST

/* A two-cell queue: senders hit TP_AGAIN all the time and must progress. */
START_TEST(test_tiny_queues_force_again)
{
    setenv("MINIMPI_SHM_QUEUE_DEPTH", "2", 1);
    scenario_t sc = {.nranks = 4, .nodes = 1, .expect = EXPECT_WORKS, .expect_can_get = 1};
    run_scenario(&sc);
}
END_TEST

START_TEST(test_cma_off_by_variable)
{
    setenv("MINIMPI_SHM_CMA", "0", 1);
    scenario_t sc = {.nranks = 4, .nodes = 1, .expect = EXPECT_WORKS, .expect_can_get = 0,
                     .verbose = 1};
    run_scenario(&sc);
}
END_TEST

/* Two fake nodes: each has its own segment, and only its own ranks are reachable. */
START_TEST(test_two_nodes)
{
    scenario_t sc = {.nranks = 6, .nodes = 2, .expect = EXPECT_WORKS, .expect_can_get = 1};
    run_scenario(&sc);
}
END_TEST

START_TEST(test_alone_on_node_is_notsup)
{
    scenario_t sc = {.nranks = 1, .nodes = 1, .expect = EXPECT_NOTSUP};
    run_scenario(&sc);
    scenario_t sc3 = {.nranks = 3, .nodes = 3, .expect = EXPECT_NOTSUP};
    run_scenario(&sc3);
}
END_TEST

/* A file with the segment's name already exists: every rank fails, none
 * hangs, and the file, which is not the job's, is left alone for its owner. */
START_TEST(test_existing_segment_fails_cleanly)
{
    char name[128];
    snprintf(name, sizeof(name), "/minimpi-%s-n0", job_id);
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    scenario_t sc = {.nranks = 3, .nodes = 1, .expect = EXPECT_INIT_FAILS,
                     .foreign_file = name + 1};
    run_scenario(&sc);
    ck_assert_int_eq(shm_unlink(name), 0);
}
END_TEST

/* Not a power of two; below 2; above 32768, where a lane message's 16-bit
 * queue counter could no longer tell a lag of the whole queue from none
 * (shm_duplex.h). */
static const char *const bad_depths[] = {"48", "1", "65536"};

START_TEST(test_bad_depth_fails_cleanly)
{
    setenv("MINIMPI_SHM_QUEUE_DEPTH", bad_depths[_i], 1);
    scenario_t sc = {.nranks = 2, .nodes = 1, .expect = EXPECT_INIT_FAILS};
    run_scenario(&sc);
}
END_TEST

START_TEST(test_get_from_exited_peer)
{
    scenario_t sc = {.nranks = 2, .nodes = 1, .expect = EXPECT_PEER_GONE, .expect_can_get = 1};
    run_scenario(&sc);
}
END_TEST

START_TEST(test_wake_rings_every_sleeper)
{
    scenario_t sc = {.nranks = 4, .nodes = 1, .expect = EXPECT_WAKE, .expect_can_get = 1};
    run_scenario(&sc);
}
END_TEST

START_TEST(test_bad_job_id_fails_cleanly)
{
    strcpy(job_id, "bad/id");
    scenario_t sc = {.nranks = 2, .nodes = 1, .expect = EXPECT_INIT_FAILS};
    run_scenario(&sc);
}
END_TEST

static Suite *shm_transport_suite(void)
{
    Suite *s = suite_create("shm_transport");
    TCase *tc = tcase_create("works");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, TEST_DEADLINE_S + 30);
    tcase_add_loop_test(tc, test_ranks_exchange_and_get, 0, 3);
    tcase_add_test(tc, test_tiny_queues_force_again);
    tcase_add_test(tc, test_cma_off_by_variable);
    tcase_add_test(tc, test_two_nodes);
    tcase_add_test(tc, test_alone_on_node_is_notsup);
    tcase_add_test(tc, test_wake_rings_every_sleeper);
    suite_add_tcase(s, tc);

    tc = tcase_create("fails_cleanly");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, TEST_DEADLINE_S + 30);
    tcase_add_test(tc, test_existing_segment_fails_cleanly);
    tcase_add_loop_test(tc, test_bad_depth_fails_cleanly, 0,
                        (int)(sizeof(bad_depths) / sizeof(bad_depths[0])));
    tcase_add_test(tc, test_get_from_exited_peer);
    tcase_add_test(tc, test_bad_job_id_fails_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(shm_transport_suite());
}

/*
 * t_stress.c -- randomized message-integrity stress test.
 *
 *   t_stress [--seed S] [--messages N] [--max-size BYTES] [--duration SECONDS]
 *            [--stall SECONDS] [--quiet]
 *
 * Every rank sends N messages per round (default 2000) of random sizes
 * (0 B to --max-size, default 4 MiB, weighted towards small sizes and with
 * sizes around every protocol boundary), random tags and destinations
 * (itself included), on two communicators (a duplicate of MPI_COMM_WORLD and
 * a split of it with the ranks reversed), with Isend, Issend, Send and Ssend,
 * from contiguous, vector and struct layouts.  It receives with specific and
 * wildcard (ANY_SOURCE, ANY_TAG, both) Irecvs into contiguous and strided
 * buffers, with Iprobe- and Probe-driven Recvs, and completes requests with
 * Testsome, Testany, Waitsome, Waitany and Wait.  Rounds repeat until
 * --duration seconds have passed (default 0: one round).
 *
 * The plan of every rank is a function of (seed, round, rank) only, so every
 * receiver knows what each sender sends it and the run can be repeated
 * exactly.  Every payload carries its sequence number (per sender,
 * destination and communicator) and a checksum; the receiver checks that no
 * byte outside the message was written, then at the end of each round that
 * nothing was lost, duplicated, corrupted or reordered against MPI's
 * non-overtaking rule: of two receives posted in succession that both match
 * two messages of one sender, the first posted gets the first sent.
 *
 * The seed is printed at the start, on every failure line, and in the
 * summary; "--seed S" repeats a run.  A run that stops making progress for
 * --stall seconds (default 60) prints which messages it is still waiting for
 * and aborts, instead of hanging.
 *
 * Deadlock freedom (the program itself must never hang a correct MPI): a rank
 * blocks only (a) in Send/Ssend, or in Wait* on send requests, towards a
 * higher rank; (b) in Waitsome/Waitany over all its requests while it has an
 * incomplete ANY_SOURCE/ANY_TAG receive posted on every communicator with
 * messages still to come, and a send in flight or its whole plan handed
 * over (else the messages still to come may all be its own to itself, not
 * sent yet: a run stalled so once, its rank 0 waiting in (b) for them);
 * (c) in Probe when it has nothing posted and its whole plan is sent.  A wildcard receive is posted only while more messages
 * may match it than receives posted before it could take, so every posted
 * receive is eventually satisfied.
 *
 * Only standard MPI is used: the program also builds with Open MPI's and
 * MPICH's mpicc, which checks the test itself.
 */
#define _GNU_SOURCE
#include <mpi.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NCOMM 2             /* communicators used per round */
#define NTAGS 6             /* tags 0..NTAGS-1 */
#define SEND_WINDOW 16      /* outstanding nonblocking sends per rank */
#define RECV_WINDOW 12      /* outstanding receives (buffer slots) per rank */
#define GUARD 64            /* bytes after a message that must stay untouched */
#define HDR 16              /* header bytes of a message of at least HDR bytes */
#define NONCONTIG_MAX (1u << 20) /* the largest message sent from a vector/struct */

/* ---- options and reporting ---------------------------------------------- */

static uint64_t seed;
static int me, nranks, round_no;
static long n_failures;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "t_stress: rank %d: %s\n", me, line);
}

/* A failed check: one line naming the seed, so the run can be repeated.
 * After 20 lines a rank stops printing, but keeps counting. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    char line[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n_failures++ < 20)
        fprintf(stderr, "t_stress: rank %d: FAIL: seed %" PRIu64 " round %d: %s\n", me, seed,
                round_no, line);
}

/* An MPI call that must succeed (the error handler is MPI_ERRORS_RETURN). */
#define CALL(call)                                                            \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != MPI_SUCCESS)                                               \
            die("%s:%d: %s returned %d", __FILE__, __LINE__, #call, rc_);     \
    } while (0)

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    char line[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "t_stress: rank %d: FAIL: seed %" PRIu64 " round %d: %s\n", me, seed,
            round_no, line);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    if (p == NULL)
        die("out of memory (%zu bytes)", n);
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n > 0 ? n : 1, size > 0 ? size : 1);
    if (p == NULL)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/* ---- random numbers: splitmix64, a pure function of its state ------------- */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ull;
    return mix64(*state);
}

static uint64_t rnd_below(uint64_t *state, uint64_t n)
{
    return n > 0 ? rnd(state) % n : 0;
}

/* ---- payloads ------------------------------------------------------------ */

/* The key of one message: its bytes depend on it and on nothing else. */
static uint64_t msg_key(int sender, int comm, uint32_t seq, int dest)
{
    return mix64(seed ^ mix64(((uint64_t)round_no << 48) ^ ((uint64_t)sender << 32) ^
                              ((uint64_t)dest << 16) ^ ((uint64_t)comm << 12)) ^ seq);
}

/* Fill `len` bytes with the pattern of `key` (8 bytes per step of splitmix). */
static void pattern_fill(uint8_t *buf, size_t len, uint64_t key)
{
    size_t i = 0;
    uint64_t s = key;
    while (i + 8 <= len) {
        uint64_t v = rnd(&s);
        memcpy(buf + i, &v, 8);
        i += 8;
    }
    if (i < len) {
        uint64_t v = rnd(&s);
        memcpy(buf + i, &v, len - i);
    }
}

/* FNV-1a over the body of a message. */
static uint32_t checksum(const uint8_t *p, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/*
 * The bytes of a message: the pattern of its key, with a header in front
 * when it is long enough: the sequence number (from 4 bytes on), then
 * (from HDR bytes on) the checksum of the bytes after the header, the
 * sender, communicator, tag and size.  Shorter messages are told apart by
 * their pattern bytes.
 */
static void msg_fill(uint8_t *buf, size_t len, int sender, int comm, int tag, uint32_t seq, int dest)
{
    pattern_fill(buf, len, msg_key(sender, comm, seq, dest));
    if (len >= 4)
        memcpy(buf, &seq, 4);
    if (len >= HDR) {
        uint32_t sum = checksum(buf + HDR, len - HDR), size = (uint32_t)len;
        uint16_t s16 = (uint16_t)sender;
        uint8_t c8 = (uint8_t)comm, t8 = (uint8_t)tag;
        memcpy(buf + 4, &sum, 4);
        memcpy(buf + 8, &s16, 2);
        memcpy(buf + 10, &c8, 1);
        memcpy(buf + 11, &t8, 1);
        memcpy(buf + 12, &size, 4);
    }
}

/* ---- layouts: how a message's bytes lie in a user buffer ----------------- */

/* A layout repeats a unit of `unit` bytes at offsets `off` within `extent`. */
typedef struct {
    const char *name;
    int unit, extent;
    int off[8];
    MPI_Datatype type;
} layout_t;

enum { L_CONTIG, L_VECTOR, L_STRUCT, L_STRIDED, L_COUNT };
static layout_t layouts[L_COUNT] = {
    [L_CONTIG] = {"contiguous", 1, 1, {0}, MPI_DATATYPE_NULL},
    /* MPI_Type_vector(2, 2, 3, MPI_BYTE): bytes 0, 1, 3, 4 of 5. */
    [L_VECTOR] = {"vector", 4, 5, {0, 1, 3, 4}, MPI_DATATYPE_NULL},
    /* A struct of 1, 2 and 3 bytes at 0, 3 and 7, resized to 12 bytes. */
    [L_STRUCT] = {"struct", 6, 12, {0, 3, 4, 7, 8, 9}, MPI_DATATYPE_NULL},
    /* MPI_BYTE resized to 2 bytes: every other byte (receive side). */
    [L_STRIDED] = {"strided", 1, 2, {0}, MPI_DATATYPE_NULL},
};

static void layouts_init(void)
{
    MPI_Datatype t;
    layouts[L_CONTIG].type = MPI_BYTE;
    CALL(MPI_Type_vector(2, 2, 3, MPI_BYTE, &layouts[L_VECTOR].type));
    CALL(MPI_Type_commit(&layouts[L_VECTOR].type));
    int lens[3] = {1, 2, 3};
    MPI_Aint disps[3] = {0, 3, 7};
    MPI_Datatype types[3] = {MPI_BYTE, MPI_BYTE, MPI_BYTE};
    CALL(MPI_Type_create_struct(3, lens, disps, types, &t));
    CALL(MPI_Type_create_resized(t, 0, 12, &layouts[L_STRUCT].type));
    CALL(MPI_Type_free(&t));
    CALL(MPI_Type_commit(&layouts[L_STRUCT].type));
    CALL(MPI_Type_create_resized(MPI_BYTE, 0, 2, &layouts[L_STRIDED].type));
    CALL(MPI_Type_commit(&layouts[L_STRIDED].type));
}

static void layouts_free(void)
{
    for (int l = L_VECTOR; l < L_COUNT; l++)
        CALL(MPI_Type_free(&layouts[l].type));
}

/* Offset in the user buffer of message byte `i`. */
static size_t layout_offset(const layout_t *l, size_t i)
{
    return (i / (size_t)l->unit) * (size_t)l->extent + (size_t)l->off[i % (size_t)l->unit];
}

/* Bytes of user buffer that `len` message bytes span. */
static size_t layout_span(const layout_t *l, size_t len)
{
    return len == 0 ? 0 : layout_offset(l, len - 1) + 1;
}

/* ---- the plan ------------------------------------------------------------ */

enum { M_ISEND, M_ISSEND, M_SEND, M_SSEND, M_COUNT };
static const char *mode_names[M_COUNT] = {"Isend", "Issend", "Send", "Ssend"};

typedef struct {
    int dest, comm, tag, mode, layout;
    uint32_t seq;  /* per (sender, dest, comm) */
    size_t size;
} msg_t;

static size_t opt_max_size = 4u << 20;
static int opt_messages = 2000;

/* Sizes where protocols change in common MPI implementations: shared-memory
 * cell payloads and eager limits (minimpi: 16384 bytes in a cell of 16 KiB
 * plus headers, 16256 and 8064 in the cells of earlier versions; others:
 * 4 KiB .. 64 KiB), and every power of two. */
static const size_t boundaries[] = {8064, 8192, 12288, 16128, 16256, 16384, 16385, 24192, 32768,
                                    65536};

static size_t pick_size(uint64_t *s)
{
    size_t max = opt_max_size, n;
    unsigned r = (unsigned)rnd_below(s, 100);
    if (r < 35) {
        n = (size_t)rnd_below(s, 65);                        /* 0 .. 64 */
    } else if (r < 60) {
        n = 65 + (size_t)rnd_below(s, 4096 - 65);            /* small */
    } else if (r < 80) {                                     /* around a boundary */
        size_t b;
        if (rnd_below(s, 2) == 0)
            b = boundaries[rnd_below(s, sizeof(boundaries) / sizeof(boundaries[0]))];
        else
            b = (size_t)1 << (6 + rnd_below(s, 17));         /* 64 B .. 4 MiB */
        n = b - 2 + (size_t)rnd_below(s, 5);
    } else if (r < 98) {                                     /* medium, log-uniform */
        int bits = 12 + (int)rnd_below(s, 6);                /* 4 KiB .. 256 KiB */
        n = ((size_t)1 << bits) + (size_t)rnd_below(s, (uint64_t)1 << bits);
    } else {                                                 /* large */
        n = max / 2 + (size_t)rnd_below(s, max / 2 + 1);
    }
    return n > max ? max : n;
}

/* The messages `sender` sends in this round, in order. */
static msg_t *make_plan(int sender)
{
    msg_t *plan = xmalloc(sizeof(msg_t) * (size_t)opt_messages);
    uint32_t *next_seq = xcalloc((size_t)nranks * NCOMM, sizeof(uint32_t));
    uint64_t s = mix64(seed ^ 0x5eedull) ^ mix64(((uint64_t)round_no << 32) | (uint64_t)sender);
    for (int i = 0; i < opt_messages; i++) {
        msg_t *m = &plan[i];
        m->dest = (int)rnd_below(&s, (uint64_t)nranks);
        m->comm = (int)rnd_below(&s, NCOMM);
        m->tag = (int)rnd_below(&s, NTAGS);
        m->size = pick_size(&s);
        unsigned r = (unsigned)rnd_below(&s, 100);
        m->mode = r < 55 ? M_ISEND : r < 70 ? M_ISSEND : r < 85 ? M_SEND : M_SSEND;
        /* Blocking sends go only to higher ranks (see the top comment). */
        if (m->dest <= sender && (m->mode == M_SEND || m->mode == M_SSEND))
            m->mode = m->mode == M_SEND ? M_ISEND : M_ISSEND;
        r = (unsigned)rnd_below(&s, 100);
        m->layout = L_CONTIG;
        if (m->size <= NONCONTIG_MAX && r < 20) {
            m->layout = r < 10 ? L_VECTOR : L_STRUCT;
            m->size -= m->size % (size_t)layouts[m->layout].unit;
        }
        m->seq = next_seq[m->dest * NCOMM + m->comm]++;
    }
    free(next_seq);
    return plan;
}

/* ---- what a rank expects -------------------------------------------------- */

/* One expected message from (comm, source): its plan entry and whether it came. */
typedef struct {
    int tag;
    size_t size;
    int seen;
} expect_t;

typedef struct {
    expect_t *msgs;   /* by sequence number */
    uint32_t count;
} stream_t;

static stream_t streams[NCOMM][256];   /* [comm][world rank of the sender] */
static long unrecv[NCOMM][256][NTAGS]; /* messages expected but not yet received */
static long unrecv_total;
static long n_completed;               /* receives completed this round */

/* Outstanding receives by pattern; index nranks = ANY_SOURCE, NTAGS = ANY_TAG. */
static int posted[NCOMM][257][NTAGS + 1];

static void expect_init(void)
{
    memset(streams, 0, sizeof(streams));
    memset(unrecv, 0, sizeof(unrecv));
    unrecv_total = 0;
    for (int q = 0; q < nranks; q++) {
        msg_t *plan = make_plan(q);
        for (int i = 0; i < opt_messages; i++)
            if (plan[i].dest == me)
                streams[plan[i].comm][q].count++;
        for (int c = 0; c < NCOMM; c++)
            streams[c][q].msgs = xcalloc(streams[c][q].count, sizeof(expect_t));
        for (int i = 0; i < opt_messages; i++) {
            msg_t *m = &plan[i];
            if (m->dest != me)
                continue;
            expect_t *e = &streams[m->comm][q].msgs[m->seq];
            e->tag = m->tag;
            e->size = m->size;
            unrecv[m->comm][q][m->tag]++;
            unrecv_total++;
        }
        free(plan);
    }
}

static void expect_free(void)
{
    for (int c = 0; c < NCOMM; c++)
        for (int q = 0; q < nranks; q++)
            free(streams[c][q].msgs);
}

/* Messages not yet received that match (comm, src, tag), wildcards allowed. */
static long unrecv_matching(int c, int src, int tag)
{
    long n = 0;
    for (int q = 0; q < nranks; q++) {
        if (src != MPI_ANY_SOURCE && q != src)
            continue;
        for (int t = 0; t < NTAGS; t++)
            if (tag == MPI_ANY_TAG || t == tag)
                n += unrecv[c][q][t];
    }
    return n;
}

/* Outstanding receives whose pattern overlaps (comm, src, tag). */
static long posted_overlapping(int c, int src, int tag)
{
    long n = 0;
    for (int q = 0; q <= nranks; q++) {
        if (src != MPI_ANY_SOURCE && q != src && q != nranks)
            continue;
        for (int t = 0; t <= NTAGS; t++)
            if (tag == MPI_ANY_TAG || t == tag || t == NTAGS)
                n += posted[c][q][t];
    }
    return n;
}

static int *pidx(int c, int src, int tag)
{
    return &posted[c][src == MPI_ANY_SOURCE ? nranks : src][tag == MPI_ANY_TAG ? NTAGS : tag];
}

/* ---- the record of every receive, checked at the end of the round --------- */

typedef struct {
    uint32_t post;      /* order in which the receive was posted */
    int comm, src, tag; /* what arrived (world rank) */
    int any_tag;        /* the receive's tag was MPI_ANY_TAG */
    size_t size;
    int64_t seq;        /* -1: a message shorter than 4 bytes, resolved at the end */
    uint8_t tiny[3];
} rec_t;

static rec_t *recs;
static size_t n_recs, cap_recs;
static uint32_t next_post;

static rec_t *rec_new(void)
{
    if (n_recs == cap_recs) {
        cap_recs = cap_recs ? 2 * cap_recs : 1024;
        rec_t *n = realloc(recs, cap_recs * sizeof(rec_t));
        if (n == NULL)
            die("out of memory for receive records");
        recs = n;
    }
    return &recs[n_recs++];
}

/* ---- communicators -------------------------------------------------------- */

static MPI_Comm comms[NCOMM];

/* Communicator 1 numbers the ranks in reverse. */
static int to_comm_rank(int c, int world)
{
    return c == 1 ? nranks - 1 - world : world;
}

static int to_world_rank(int c, int rank)
{
    return c == 1 ? nranks - 1 - rank : rank;
}

/* ---- receive slots ---------------------------------------------------------- */

/*
 * A slot is a buffer of 2 * max-size + GUARD bytes, mapped once, zero
 * outside the bytes of the message being received.  After a receive, the
 * bytes it may have written are zeroed again (or, for large ones, handed
 * back to the kernel), so checking that nothing outside the message was
 * written costs only the message's own span.
 */
typedef struct {
    uint8_t *buf;
    size_t cap;       /* mapped bytes */
    int busy, layout;
    int comm, src, tag; /* the receive's pattern (src: world rank or ANY) */
    uint32_t post;
} slot_t;

static slot_t slots[RECV_WINDOW];
static MPI_Request rreq[RECV_WINDOW];
static MPI_Request sreq[SEND_WINDOW];
static int n_posted;
static uint8_t *scratch; /* a message gathered from a strided buffer */

static void slots_init(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t cap = 2 * opt_max_size + GUARD;
    cap = (cap + (size_t)page - 1) / (size_t)page * (size_t)page;
    for (int i = 0; i < RECV_WINDOW; i++) {
        void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("mmap of %zu bytes failed", cap);
        slots[i].buf = p;
        slots[i].cap = cap;
        slots[i].busy = 0;
        rreq[i] = MPI_REQUEST_NULL;
    }
    scratch = xmalloc(opt_max_size);
    for (int i = 0; i < SEND_WINDOW; i++)
        sreq[i] = MPI_REQUEST_NULL;
}

static void slots_free(void)
{
    for (int i = 0; i < RECV_WINDOW; i++)
        munmap(slots[i].buf, slots[i].cap);
    free(scratch);
}

/* Zero the first `len` bytes of a slot again. */
static void slot_reset(slot_t *s, size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    if (len > s->cap)
        len = s->cap;
    if (len >= (size_t)(64 * page)) {
        size_t whole = len / (size_t)page * (size_t)page;
        if (madvise(s->buf, whole, MADV_DONTNEED) == 0) {
            memset(s->buf + whole, 0, len - whole);
            return;
        }
    }
    memset(s->buf, 0, len);
}

static int slot_free_index(void)
{
    for (int i = 0; i < RECV_WINDOW; i++)
        if (!slots[i].busy)
            return i;
    return -1;
}

/* ---- checking one received message ---------------------------------------- */

static long stat_msgs, stat_bytes;
static long stat_recv_kind[8];

/*
 * A receive into slot `s` completed with `status`: check the status, the
 * bytes around the message, the header and the checksum; record it for the
 * end-of-round checks.
 */
static void received(slot_t *s, const MPI_Status *st)
{
    int count;
    CALL(MPI_Get_count(st, MPI_BYTE, &count));
    if (count == MPI_UNDEFINED || count < 0)
        die("MPI_Get_count gave %d", count);
    size_t n = (size_t)count;
    int c = s->comm;
    int src = to_world_rank(c, st->MPI_SOURCE), tag = st->MPI_TAG;
    const layout_t *l = &layouts[s->layout];
    size_t span = layout_span(l, n);

    n_completed++;
    if (src < 0 || src >= nranks || tag < 0 || tag >= NTAGS) {
        fail("receive #%u: status source %d tag %d out of range", s->post, st->MPI_SOURCE, tag);
        slot_reset(s, s->cap);
        return;
    }
    if ((s->src != MPI_ANY_SOURCE && s->src != src) || (s->tag != MPI_ANY_TAG && s->tag != tag))
        fail("receive #%u for (source %d, tag %d) got a message from %d with tag %d", s->post,
             s->src, s->tag, src, tag);
    if (n > opt_max_size) {
        fail("receive #%u: %zu bytes, more than the largest message", s->post, n);
        slot_reset(s, s->cap);
        return;
    }
    if (unrecv[c][src][tag] > 0) {
        unrecv[c][src][tag]--;
        unrecv_total--;
    } else {
        fail("receive #%u: one message too many from %d with tag %d on comm %d", s->post, src,
             tag, c);
    }
    /* Nothing written between the message's bytes (strided) or after them. */
    size_t guard_end = span + GUARD < s->cap ? span + GUARD : s->cap;
    for (size_t i = s->layout == L_CONTIG ? span : 0; i < guard_end; i++) {
        if (s->buf[i] != 0 && (i >= span || (l->extent == 2 && (i & 1)))) {
            fail("receive #%u (%zu bytes from %d, %s buffer): byte %zu outside the message "
                 "was written (0x%02x)", s->post, n, src, l->name, i, s->buf[i]);
            break;
        }
    }
    const uint8_t *data = s->buf;
    if (s->layout != L_CONTIG) {
        for (size_t i = 0; i < n; i++)
            scratch[i] = s->buf[layout_offset(l, i)];
        data = scratch;
    }

    rec_t *r = rec_new();
    r->post = s->post;
    r->comm = c;
    r->src = src;
    r->tag = tag;
    r->any_tag = s->tag == MPI_ANY_TAG;
    r->size = n;
    r->seq = -1;
    memcpy(r->tiny, data, n < 3 ? n : 3);
    stat_msgs++;
    stat_bytes += (long)n;

    if (n >= 4) {
        uint32_t seq;
        memcpy(&seq, data, 4);
        stream_t *str = &streams[c][src];
        if (seq >= str->count) {
            fail("receive #%u: message from %d (comm %d, tag %d, %zu bytes) has sequence "
                 "number %u, but only %u were sent", s->post, src, c, tag, n, seq, str->count);
            r->seq = -2;
        } else {
            expect_t *e = &str->msgs[seq];
            r->seq = seq;
            if (e->seen)
                fail("message %u from %d on comm %d received twice (receive #%u)", seq, src, c,
                     s->post);
            e->seen++;
            if (e->tag != tag || e->size != n)
                fail("message %u from %d on comm %d: tag %d, %zu bytes; sent with tag %d, "
                     "%zu bytes", seq, src, c, tag, n, e->tag, e->size);
            if (n >= HDR) {
                uint32_t sum, size;
                uint16_t s16;
                memcpy(&sum, data + 4, 4);
                memcpy(&s16, data + 8, 2);
                memcpy(&size, data + 12, 4);
                if (s16 != src || data[10] != c || data[11] != tag || size != n)
                    fail("message %u from %d on comm %d: header says sender %u comm %u tag %u "
                         "size %u", seq, src, c, s16, data[10], data[11], size);
                if (checksum(data + HDR, n - HDR) != sum) {
                    /* Name the first wrong byte against the regenerated message. */
                    uint8_t *want = xmalloc(n);
                    msg_fill(want, n, src, c, tag, seq, me);
                    size_t i = HDR;
                    while (i < n && want[i] == data[i])
                        i++;
                    fail("message %u from %d on comm %d (%zu bytes, %s receive buffer): "
                         "checksum mismatch, first wrong byte %zu", seq, src, c, n, l->name, i);
                    free(want);
                }
            } else {
                uint8_t want[HDR];
                msg_fill(want, n, src, c, tag, seq, me);
                if (memcmp(want, data, n) != 0)
                    fail("message %u from %d on comm %d (%zu bytes): wrong contents", seq, src,
                         c, n);
            }
        }
    }
    slot_reset(s, guard_end);
}

/* ---- end-of-round checks ---------------------------------------------------- */

static int by_post(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    return x->post < y->post ? -1 : x->post > y->post;
}

/*
 * Messages shorter than 4 bytes carry no sequence number: in posting order,
 * each is the earliest unseen message of its sender with its tag and size,
 * and its bytes must be that message's.  Then: nothing lost, and for every
 * (communicator, sender), no receive got a later message than one that a
 * receive posted after it got, when it could have matched that one too.
 */
static void check_round(void)
{
    qsort(recs, n_recs, sizeof(rec_t), by_post);
    for (size_t i = 0; i < n_recs; i++) {
        rec_t *r = &recs[i];
        if (r->seq != -1)
            continue;
        stream_t *str = &streams[r->comm][r->src];
        uint32_t k;
        for (k = 0; k < str->count; k++)
            if (!str->msgs[k].seen && str->msgs[k].tag == r->tag)
                break;
        if (k == str->count) {
            fail("receive #%u: a %zu-byte message from %d with tag %d on comm %d that was "
                 "never sent (or came twice)", r->post, r->size, r->src, r->tag, r->comm);
            continue;
        }
        /* In posting order, the receive must have got the earliest message
         * of this sender and tag that no receive posted before it got. */
        uint8_t want[4];
        msg_fill(want, r->size, r->src, r->comm, r->tag, k, me);
        if (str->msgs[k].size != r->size || memcmp(want, r->tiny, r->size) != 0)
            fail("receive #%u got a %zu-byte message from %d with tag %d on comm %d, but the "
                 "next one of that tag is message %u of %zu bytes (reordered or corrupted)",
                 r->post, r->size, r->src, r->tag, r->comm, k, str->msgs[k].size);
        str->msgs[k].seen = 1;
        r->seq = k;
    }

    for (int c = 0; c < NCOMM; c++)
        for (int q = 0; q < nranks; q++)
            for (uint32_t k = 0; k < streams[c][q].count; k++)
                if (!streams[c][q].msgs[k].seen)
                    fail("message %u from %d on comm %d (tag %d, %zu bytes) was never received",
                         k, q, c, streams[c][q].msgs[k].tag, streams[c][q].msgs[k].size);

    /* Non-overtaking: per (comm, sender), the highest sequence number taken
     * so far by an ANY_TAG receive and by a receive of each tag. */
    int64_t *max_any = xmalloc(sizeof(int64_t) * NCOMM * (size_t)nranks);
    int64_t *max_tag = xmalloc(sizeof(int64_t) * NCOMM * (size_t)nranks * NTAGS);
    for (size_t i = 0; i < NCOMM * (size_t)nranks; i++)
        max_any[i] = -1;
    for (size_t i = 0; i < NCOMM * (size_t)nranks * NTAGS; i++)
        max_tag[i] = -1;
    for (size_t i = 0; i < n_recs; i++) {
        rec_t *r = &recs[i];
        if (r->seq < 0)
            continue;
        size_t cq = (size_t)r->comm * (size_t)nranks + (size_t)r->src;
        int64_t earlier = max_any[cq] > max_tag[cq * NTAGS + (size_t)r->tag]
                              ? max_any[cq] : max_tag[cq * NTAGS + (size_t)r->tag];
        if (earlier > r->seq)
            fail("order: receive #%u got message %" PRId64 " from %d on comm %d (tag %d), but "
                 "a receive posted before it, which also matched it, got the later message %"
                 PRId64, r->post, r->seq, r->src, r->comm, r->tag, earlier);
        int64_t *m = r->any_tag ? &max_any[cq] : &max_tag[cq * NTAGS + (size_t)r->tag];
        if (r->seq > *m)
            *m = r->seq;
    }
    free(max_any);
    free(max_tag);
}

/* ---- sending ------------------------------------------------------------------ */

static void *sbuf[SEND_WINDOW];
static int sdest[SEND_WINDOW];
static int n_sending;
static long stat_send_mode[M_COUNT], stat_layout[L_COUNT];

/* The user buffer of message `m` in its layout. */
static void *send_buffer(const msg_t *m)
{
    const layout_t *l = &layouts[m->layout];
    uint8_t *img = xmalloc(m->size);
    msg_fill(img, m->size, me, m->comm, m->tag, m->seq, m->dest);
    if (m->layout == L_CONTIG)
        return img;
    size_t units = m->size / (size_t)l->unit;
    uint8_t *buf = xmalloc(units * (size_t)l->extent);
    memset(buf, 0xa5, units * (size_t)l->extent);
    for (size_t i = 0; i < m->size; i++)
        buf[layout_offset(l, i)] = img[i];
    free(img);
    return buf;
}

static void send_one(const msg_t *m)
{
    const layout_t *l = &layouts[m->layout];
    int count = (int)(m->size / (size_t)l->unit);
    int dest = to_comm_rank(m->comm, m->dest);
    void *buf = send_buffer(m);
    stat_send_mode[m->mode]++;
    stat_layout[m->layout]++;
    if (m->mode == M_SEND || m->mode == M_SSEND) {
        if (m->mode == M_SEND)
            CALL(MPI_Send(buf, count, l->type, dest, m->tag, comms[m->comm]));
        else
            CALL(MPI_Ssend(buf, count, l->type, dest, m->tag, comms[m->comm]));
        free(buf);
        return;
    }
    int i;
    for (i = 0; i < SEND_WINDOW; i++)
        if (sreq[i] == MPI_REQUEST_NULL && sbuf[i] == NULL)
            break;
    if (i == SEND_WINDOW)
        die("no free send slot");
    sbuf[i] = buf;
    sdest[i] = m->dest;
    if (m->mode == M_ISEND)
        CALL(MPI_Isend(buf, count, l->type, dest, m->tag, comms[m->comm], &sreq[i]));
    else
        CALL(MPI_Issend(buf, count, l->type, dest, m->tag, comms[m->comm], &sreq[i]));
    n_sending++;
}

static int send_done(int i)
{
    free(sbuf[i]);
    sbuf[i] = NULL;
    sreq[i] = MPI_REQUEST_NULL;
    n_sending--;
    return 1;
}

/* ---- receiving ----------------------------------------------------------------- */

enum { K_SPECIFIC, K_ANY_TAG, K_ANY_SOURCE, K_ANY_BOTH, K_IPROBE, K_PROBE, K_COUNT };
static const char *kind_names[K_COUNT] = {"Irecv(src,tag)", "Irecv(src,ANY_TAG)",
                                          "Irecv(ANY_SOURCE,tag)", "Irecv(ANY,ANY)",
                                          "Iprobe+Recv", "Probe+Recv"};

/* Post an Irecv for (comm, src, tag) if every posted receive stays sure to
 * be satisfied; src is a world rank or MPI_ANY_SOURCE. */
static int try_post(int c, int src, int tag, int kind, uint64_t *rs)
{
    if (unrecv_matching(c, src, tag) <= posted_overlapping(c, src, tag))
        return 0;
    int i = slot_free_index();
    if (i < 0)
        return 0;
    slot_t *s = &slots[i];
    s->busy = 1;
    s->layout = rnd_below(rs, 4) == 0 ? L_STRIDED : L_CONTIG;
    s->comm = c;
    s->src = src;
    s->tag = tag;
    s->post = next_post++;
    int csrc = src == MPI_ANY_SOURCE ? MPI_ANY_SOURCE : to_comm_rank(c, src);
    CALL(MPI_Irecv(s->buf, (int)opt_max_size, layouts[s->layout].type, csrc, tag, comms[c],
                   &rreq[i]));
    (*pidx(c, src, tag))++;
    n_posted++;
    stat_recv_kind[kind]++;
    return 1;
}

static void recv_done(int i, const MPI_Status *st)
{
    slot_t *s = &slots[i];
    (*pidx(s->comm, s->src, s->tag))--;
    n_posted--;
    received(s, st);
    s->busy = 0;
    rreq[i] = MPI_REQUEST_NULL;
}

/* Receive the message a probe found on comm c, into a free slot. */
static void recv_probed(int c, const MPI_Status *pst, int kind, uint64_t *rs)
{
    int i = slot_free_index();
    if (i < 0)
        die("no free slot for a probed message");
    slot_t *s = &slots[i];
    MPI_Status st;
    s->layout = rnd_below(rs, 4) == 0 ? L_STRIDED : L_CONTIG;
    s->comm = c;
    s->src = to_world_rank(c, pst->MPI_SOURCE);
    s->tag = pst->MPI_TAG;
    s->post = next_post++;
    CALL(MPI_Recv(s->buf, (int)opt_max_size, layouts[s->layout].type, pst->MPI_SOURCE,
                  pst->MPI_TAG, comms[c], &st));
    int pc, rc;
    CALL(MPI_Get_count(pst, MPI_BYTE, &pc));
    CALL(MPI_Get_count(&st, MPI_BYTE, &rc));
    if (st.MPI_SOURCE != pst->MPI_SOURCE || st.MPI_TAG != pst->MPI_TAG || pc != rc)
        fail("%s: the probe saw (source %d, tag %d, %d bytes), the receive got (%d, %d, %d)",
             kind_names[kind], pst->MPI_SOURCE, pst->MPI_TAG, pc, st.MPI_SOURCE, st.MPI_TAG, rc);
    stat_recv_kind[kind]++;
    received(s, &st);
}

/* Is every communicator with messages still to come covered by an
 * ANY_SOURCE/ANY_TAG receive that has not completed yet? */
static int wildcards_cover(void)
{
    for (int c = 0; c < NCOMM; c++)
        if (unrecv_matching(c, MPI_ANY_SOURCE, MPI_ANY_TAG) > 0 &&
            posted[c][nranks][NTAGS] == 0)
            return 0;
    return 1;
}

/*
 * The communicator on which a blocking Probe(ANY_SOURCE, ANY_TAG) cannot
 * hang, or -1: one with messages still to come, such that every message
 * still to come from a lower rank (the only ones that may block sending to
 * this one) is on it.
 */
static int probe_comm(void)
{
    for (int c = 0; c < NCOMM; c++) {
        if (unrecv_matching(c, MPI_ANY_SOURCE, MPI_ANY_TAG) == 0)
            continue;
        int ok = 1;
        for (int q = 0; q < me && ok; q++)
            for (int o = 0; o < NCOMM; o++)
                if (o != c && unrecv_matching(o, q, MPI_ANY_TAG) > 0)
                    ok = 0;
        if (ok)
            return c;
    }
    return -1;
}

/* ---- the round ------------------------------------------------------------------ */

static double opt_stall = 60;

static void report_stall(const msg_t *plan, int next_send)
{
    say("FAIL: seed %" PRIu64 " round %d: no progress for %.0f s; sent %d of %d messages, "
        "%d sends and %d receives pending, %ld messages still to come",
        seed, round_no, opt_stall, next_send, opt_messages, n_sending, n_posted, unrecv_total);
    int shown = 0;
    for (int c = 0; c < NCOMM && shown < 10; c++)
        for (int q = 0; q < nranks && shown < 10; q++)
            for (uint32_t k = 0; k < streams[c][q].count && shown < 10; k++)
                if (!streams[c][q].msgs[k].seen && streams[c][q].msgs[k].size >= 4) {
                    say("  waiting for message %u from %d on comm %d (tag %d, %zu bytes)", k, q,
                        c, streams[c][q].msgs[k].tag, streams[c][q].msgs[k].size);
                    shown++;
                }
    for (int i = 0; i < SEND_WINDOW; i++)
        if (sreq[i] != MPI_REQUEST_NULL)
            say("  send pending to rank %d", sdest[i]);
    if (next_send < opt_messages)
        say("  next send: %s of %zu bytes to %d", mode_names[plan[next_send].mode],
            plan[next_send].size, plan[next_send].dest);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

static void run_round(void)
{
    uint64_t rs = mix64(seed ^ 0xc0ffeeull ^ ((uint64_t)round_no << 20) ^ (uint64_t)me);
    msg_t *plan = make_plan(me);
    int next_send = 0;
    n_recs = 0;
    next_post = 0;
    memset(posted, 0, sizeof(posted));
    expect_init();
    /* unrecv_total counts messages whose receive has not completed. */
    long total_expected = unrecv_total;
    n_completed = 0;
    double last_progress = MPI_Wtime();
    int drain = rnd_below(&rs, 2) == 0;

    while (next_send < opt_messages || n_sending > 0 || n_completed < total_expected) {
        int progressed = 0;

        /* Send until the window is full. */
        while (next_send < opt_messages && n_sending < SEND_WINDOW) {
            send_one(&plan[next_send++]);
            progressed = 1;
            if (rnd_below(&rs, 4) == 0)
                break;  /* let receives in between */
        }

        /* Half of the ranks stop posting receives once half of their plan is
         * sent, and take the rest with probes (blocking Probe once nothing is
         * posted and nothing is left to send). */
        int everything_sent = next_send == opt_messages && n_sending == 0;
        int draining = drain && next_send >= opt_messages / 2;

        /* Post receives of random patterns, the fully wildcard one last. */
        /* One slot per communicator stays for the wildcard receive, and one
         * for a probed message, so a message nothing matches can always be
         * taken. */
        for (int tries = 0; !draining && tries < 4 && n_posted < RECV_WINDOW - NCOMM - 1;
             tries++) {
            int c = (int)rnd_below(&rs, NCOMM);
            int q = (int)rnd_below(&rs, (uint64_t)nranks), t = (int)rnd_below(&rs, NTAGS);
            int k = (int)rnd_below(&rs, 4);
            int src = (k == K_SPECIFIC || k == K_ANY_TAG) ? q : MPI_ANY_SOURCE;
            int tag = (k == K_SPECIFIC || k == K_ANY_SOURCE) ? t : MPI_ANY_TAG;
            progressed |= try_post(c, src, tag, k, &rs);
        }
        for (int c = 0; c < NCOMM; c++)
            if (!draining && posted[c][nranks][NTAGS] == 0 && n_posted < RECV_WINDOW - 1)
                progressed |= try_post(c, MPI_ANY_SOURCE, MPI_ANY_TAG, K_ANY_BOTH, &rs);

        /* A probe-driven receive now and then, or when nothing else moves. */
        int probe_next = draining && everything_sent && n_posted == 0 && probe_comm() >= 0;
        if (!probe_next && slot_free_index() >= 0 && (rnd_below(&rs, 3) == 0 || !progressed)) {
            int c = (int)rnd_below(&rs, NCOMM), flag = 0;
            int src = rnd_below(&rs, 2) ? MPI_ANY_SOURCE : (int)rnd_below(&rs, (uint64_t)nranks);
            int tag = rnd_below(&rs, 2) ? MPI_ANY_TAG : (int)rnd_below(&rs, NTAGS);
            MPI_Status st;
            CALL(MPI_Iprobe(src == MPI_ANY_SOURCE ? src : to_comm_rank(c, src), tag, comms[c],
                            &flag, &st));
            if (flag) {
                recv_probed(c, &st, K_IPROBE, &rs);
                progressed = 1;
            }
        }

        /* Complete what has completed, in one of several ways. */
        int idx[RECV_WINDOW > SEND_WINDOW ? RECV_WINDOW : SEND_WINDOW], n = 0;
        MPI_Status sts[RECV_WINDOW > SEND_WINDOW ? RECV_WINDOW : SEND_WINDOW];
        unsigned how = (unsigned)rnd_below(&rs, 10);
        int pc = probe_comm();
        if (n_posted == 0 && everything_sent && pc >= 0 && (probe_next || how < 5)) {
            /* (c): nothing posted, nothing left to send. */
            MPI_Status st;
            CALL(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, comms[pc], &st));
            recv_probed(pc, &st, K_PROBE, &rs);
            progressed = 1;
        } else if (n_posted > 0 && (n_sending > 0 || next_send == opt_messages) &&
                   wildcards_cover() && how < 4) {
            /* (b): block on every request at once. */
            MPI_Request all[RECV_WINDOW + SEND_WINDOW];
            MPI_Status allst[RECV_WINDOW + SEND_WINDOW];
            int allidx[RECV_WINDOW + SEND_WINDOW], outn = 0;
            memcpy(all, rreq, sizeof(rreq));
            memcpy(all + RECV_WINDOW, sreq, sizeof(sreq));
            if (how < 2) {
                CALL(MPI_Waitsome(RECV_WINDOW + SEND_WINDOW, all, &outn, allidx, allst));
            } else {
                CALL(MPI_Waitany(RECV_WINDOW + SEND_WINDOW, all, &allidx[0], &allst[0]));
                outn = allidx[0] == MPI_UNDEFINED ? 0 : 1;
            }
            for (int j = 0; j < outn; j++) {
                int x = allidx[j];
                if (x < RECV_WINDOW) {
                    rreq[x] = all[x];
                    recv_done(x, &allst[j]);
                } else {
                    sreq[x - RECV_WINDOW] = all[x];
                    send_done(x - RECV_WINDOW);
                }
                progressed = 1;
            }
        } else {
            if (how < 7) {
                CALL(MPI_Testsome(RECV_WINDOW, rreq, &n, idx, sts));
                for (int j = 0; n != MPI_UNDEFINED && j < n; j++)
                    recv_done(idx[j], &sts[j]);
            } else {
                int x, flag;
                MPI_Status st;
                CALL(MPI_Testany(RECV_WINDOW, rreq, &x, &flag, &st));
                if (flag && x != MPI_UNDEFINED) {
                    recv_done(x, &st);
                    n = 1;
                }
            }
            progressed |= n > 0 && n != MPI_UNDEFINED;
            /* Sends: Testsome, or a blocking wait on one to a higher rank (a). */
            int higher = -1;
            for (int j = 0; j < SEND_WINDOW; j++)
                if (sreq[j] != MPI_REQUEST_NULL && sdest[j] > me)
                    higher = j;
            if (higher >= 0 && how == 9) {
                CALL(MPI_Wait(&sreq[higher], MPI_STATUS_IGNORE));
                progressed |= send_done(higher);
            } else {
                n = 0;
                CALL(MPI_Testsome(SEND_WINDOW, sreq, &n, idx, sts));
                for (int j = 0; n != MPI_UNDEFINED && j < n; j++)
                    progressed |= send_done(idx[j]);
            }
        }

        double now = MPI_Wtime();
        if (progressed)
            last_progress = now;
        else if (now - last_progress > opt_stall)
            report_stall(plan, next_send);
    }
    free(plan);
    check_round();
    expect_free();
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(void)
{
    if (me == 0)
        fprintf(stderr, "usage: t_stress [--seed S] [--messages N] [--max-size BYTES] "
                        "[--duration SECONDS] [--stall SECONDS] [--quiet]\n");
    MPI_Finalize();
    exit(2);
}

int main(int argc, char **argv)
{
    double duration = 0;
    int quiet = 0, have_seed = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
            continue;
        }
        if (v == NULL)
            usage();
        i++;
        if (strcmp(a, "--seed") == 0) {
            seed = strtoull(v, &end, 0);
            have_seed = 1;
        } else if (strcmp(a, "--messages") == 0) {
            opt_messages = (int)strtol(v, &end, 0);
        } else if (strcmp(a, "--max-size") == 0) {
            opt_max_size = (size_t)strtoull(v, &end, 0);
        } else if (strcmp(a, "--duration") == 0) {
            duration = strtod(v, &end);
        } else if (strcmp(a, "--stall") == 0) {
            opt_stall = strtod(v, &end);
        } else {
            usage();
        }
        if (end == v || *end != '\0' || opt_messages < 0 || opt_max_size < 4 ||
            opt_max_size > (1u << 30) || duration < 0 || opt_stall <= 0)
            usage();
    }
    if (nranks > 256) {
        if (me == 0)
            fprintf(stderr, "t_stress: at most 256 ranks\n");
        MPI_Finalize();
        return 2;
    }
    /* The same seed everywhere: rank 0's, from the clock unless given. */
    if (!have_seed)
        seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
    CALL(MPI_Bcast(&seed, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD));
    if (me == 0)
        printf("t_stress: seed %" PRIu64 ", %d ranks, %d messages per rank per round, "
               "sizes 0..%zu B, duration %.0f s\n", seed, nranks, opt_messages, opt_max_size,
               duration);
    fflush(stdout);

    layouts_init();
    slots_init();
    double start = MPI_Wtime();
    int go = 1;
    for (round_no = 0; go; round_no++) {
        CALL(MPI_Comm_dup(MPI_COMM_WORLD, &comms[0]));
        CALL(MPI_Comm_split(MPI_COMM_WORLD, 0, nranks - 1 - me, &comms[1]));
        run_round();
        CALL(MPI_Comm_free(&comms[0]));
        CALL(MPI_Comm_free(&comms[1]));
        /* Rank 0's clock decides, so that all ranks stop after the same round. */
        go = MPI_Wtime() - start < duration;
        CALL(MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD));
    }
    slots_free();
    layouts_free();
    free(recs);

    long local[4 + K_COUNT + M_COUNT + L_COUNT], total[4 + K_COUNT + M_COUNT + L_COUNT];
    local[0] = n_failures;
    local[1] = stat_msgs;
    local[2] = stat_bytes;
    local[3] = 0;
    memcpy(local + 4, stat_recv_kind, sizeof(long) * K_COUNT);
    memcpy(local + 4 + K_COUNT, stat_send_mode, sizeof(long) * M_COUNT);
    memcpy(local + 4 + K_COUNT + M_COUNT, stat_layout, sizeof(long) * L_COUNT);
    int nstat = 4 + K_COUNT + M_COUNT + L_COUNT;
    CALL(MPI_Allreduce(local, total, nstat, MPI_LONG, MPI_SUM, MPI_COMM_WORLD));
    if (me == 0 && !quiet) {
        printf("t_stress: seed %" PRIu64 ": %ld messages (%ld bytes) in %d round(s) checked in "
               "%.1f s, %ld failure(s)\n", seed, total[1], total[2], round_no,
               MPI_Wtime() - start, total[0]);
        printf("t_stress: receives:");
        for (int k = 0; k < K_COUNT; k++)
            printf(" %s %ld%s", kind_names[k], total[4 + k], k + 1 < K_COUNT ? "," : "\n");
        printf("t_stress: sends:");
        for (int k = 0; k < M_COUNT; k++)
            printf(" %s %ld,", mode_names[k], total[4 + K_COUNT + k]);
        for (int k = 0; k < L_VECTOR + 2; k++)
            printf(" %s %ld%s", layouts[k].name, total[4 + K_COUNT + M_COUNT + k],
                   k + 1 < L_VECTOR + 2 ? "," : "\n");
    }
    if (total[0] != 0) {
        if (me == 0)
            fprintf(stderr, "t_stress: FAIL: seed %" PRIu64 ": %ld failure(s); repeat with "
                    "--seed %" PRIu64 "\n", seed, total[0], seed);
        MPI_Finalize();
        return 1;
    }
    MPI_Finalize();
    return 0;
}

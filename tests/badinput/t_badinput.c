/*
 * t_badinput.c -- every MPI call of mpi.h with each invalid argument that
 * applies (issue 9, "Bad input").
 *
 *   t_badinput --header PATH/mpi.h     the table, under MPI_ERRORS_RETURN
 *   t_badinput --fatal CASE            one bad call under MPI_ERRORS_ARE_FATAL
 *
 * The table is a list of EXPECT/EACH lines: each makes one call with one bad
 * argument (invalid, null, garbage or freed handles, an uncommitted type,
 * ranks out of range, negative counts, NULL buffers with a positive count,
 * bad tags, NULL output arguments) and checks that it returns the standard's
 * error class (MPICH's choice where the standard leaves it open).  Every rank
 * runs the same cases, so a collective whose check is missing still meets its
 * peers (and fails the case) instead of hanging.  Afterwards the job must
 * still work: a ping-pong and an allreduce.
 *
 * So that a call added to mpi.h cannot go untested, the program reads the
 * header given with --header and fails for every function declared there
 * that no case called and that is not in the short list of calls without
 * arguments to get wrong (exempt[] below, each with its reason).
 *
 * --fatal CASE makes rank 1 (the last rank on one rank) make one bad call
 * with the default handler: the job must end non-zero with a message naming
 * the rank, the call and the argument (checked by badinput.sh).
 */
#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int me, np, n_cases, n_failed;

/* ---- the functions the table called ---------------------------------- */

#define MAX_FUNCS 512
static char *called[MAX_FUNCS];
static int n_called;

static void note_called(const char *text)
{
    size_t len = strcspn(text, "( ");
    for (int i = 0; i < n_called; i++)
        if (strlen(called[i]) == len && strncmp(called[i], text, len) == 0)
            return;
    if (n_called < MAX_FUNCS)
        called[n_called++] = strndup(text, len);
}

static int was_called(const char *name)
{
    for (int i = 0; i < n_called; i++)
        if (strcmp(called[i], name) == 0)
            return 1;
    return 0;
}

/* Calls with nothing to get wrong, or that cannot return. */
static const struct {
    const char *name, *why;
} exempt[] = {
    {"MPI_Finalize", "no arguments; the job must go on after the table"},
    {"MPI_Abort", "never returns (the fault tests cover it)"},
    {"MPI_Wtime", "no arguments"},
    {"MPI_Wtick", "no arguments"},
    {"MPI_Aint_add", "pure arithmetic, no error to report"},
    {"MPI_Aint_diff", "pure arithmetic, no error to report"},
    {"MPI_COMM_DUP_FN", "a predefined callback, called by MPI_Comm_dup"},
};

/* ---- checking one case ------------------------------------------------ */

static const char *class_name(int cls)
{
    static const char *names[] = {
        [MPI_SUCCESS] = "MPI_SUCCESS",       [MPI_ERR_BUFFER] = "MPI_ERR_BUFFER",
        [MPI_ERR_COUNT] = "MPI_ERR_COUNT",   [MPI_ERR_TYPE] = "MPI_ERR_TYPE",
        [MPI_ERR_TAG] = "MPI_ERR_TAG",       [MPI_ERR_COMM] = "MPI_ERR_COMM",
        [MPI_ERR_RANK] = "MPI_ERR_RANK",     [MPI_ERR_ROOT] = "MPI_ERR_ROOT",
        [MPI_ERR_GROUP] = "MPI_ERR_GROUP",   [MPI_ERR_OP] = "MPI_ERR_OP",
        [MPI_ERR_TOPOLOGY] = "MPI_ERR_TOPOLOGY", [MPI_ERR_DIMS] = "MPI_ERR_DIMS",
        [MPI_ERR_ARG] = "MPI_ERR_ARG",       [MPI_ERR_UNKNOWN] = "MPI_ERR_UNKNOWN",
        [MPI_ERR_TRUNCATE] = "MPI_ERR_TRUNCATE", [MPI_ERR_OTHER] = "MPI_ERR_OTHER",
        [MPI_ERR_INTERN] = "MPI_ERR_INTERN", [MPI_ERR_REQUEST] = "MPI_ERR_REQUEST",
        [MPI_ERR_INFO] = "MPI_ERR_INFO",     [MPI_ERR_INFO_KEY] = "MPI_ERR_INFO_KEY",
        [MPI_ERR_INFO_VALUE] = "MPI_ERR_INFO_VALUE",
        [MPI_ERR_INFO_NOKEY] = "MPI_ERR_INFO_NOKEY", [MPI_ERR_KEYVAL] = "MPI_ERR_KEYVAL",
        [MPI_ERR_WIN] = "MPI_ERR_WIN",       [MPI_ERR_BASE] = "MPI_ERR_BASE",
        [MPI_ERR_SIZE] = "MPI_ERR_SIZE",     [MPI_ERR_DISP] = "MPI_ERR_DISP",
        [MPI_ERR_LOCKTYPE] = "MPI_ERR_LOCKTYPE", [MPI_ERR_RMA_SYNC] = "MPI_ERR_RMA_SYNC",
        [MPI_ERR_RMA_RANGE] = "MPI_ERR_RMA_RANGE", [MPI_ERR_RMA_ATTACH] = "MPI_ERR_RMA_ATTACH",
        [MPI_ERR_RMA_SHARED] = "MPI_ERR_RMA_SHARED", [MPI_ERR_RMA_FLAVOR] = "MPI_ERR_RMA_FLAVOR",
    };
    if (cls >= 0 && cls < (int)(sizeof(names) / sizeof(names[0])) && names[cls] != NULL)
        return names[cls];
    return "another class";
}

static void expect(int line, const char *call, const char *arg, int want, int rc)
{
    int got = -1;
    n_cases++;
    note_called(call);
    if (rc == MPI_SUCCESS) {
        fprintf(stderr, "t_badinput: rank %d: line %d: %s with %s succeeded; expected %s\n",
                me, line, call, arg, class_name(want));
        n_failed++;
        return;
    }
    if (MPI_Error_class(rc, &got) != MPI_SUCCESS || got != want) {
        fprintf(stderr, "t_badinput: rank %d: line %d: %s with %s gave class %d (%s); "
                "expected %s\n", me, line, call, arg, got, class_name(got), class_name(want));
        n_failed++;
    }
}

/* EXPECT(CLASS, "what is wrong", CALL) */
#define EXPECT(CLASS, ARG, CALL) expect(__LINE__, #CALL, ARG, CLASS, (CALL))

/* EACH(VAR, SET, CLASS, CALL): CALL once per bad handle of SET in VAR. */
typedef struct {
    int h;
    const char *name;
} bad_t;
#define NBAD(SET) ((int)(sizeof(SET) / sizeof(SET[0])))
#define EACH(VAR, SET, CLASS, CALL)                                           \
    for (int i_ = 0; i_ < NBAD(SET); i_++) {                                  \
        VAR = SET[i_].h;                                                      \
        expect(__LINE__, #CALL, SET[i_].name, CLASS, (CALL));                 \
    }

/* ---- the bad handles --------------------------------------------------- */

static bad_t comms[4], types[3], dtypes[4], ops[3], groups[3], infos[3], ehs[2], wins[3];
static int wbuf[64];
static MPI_Win vw;    /* a valid window (its memory: wbuf) */
static MPI_Comm cart, graph;  /* valid topology communicators */
static MPI_Datatype uncommitted;
static MPI_Group wg;  /* MPI_COMM_WORLD's group */
static MPI_Info vi;   /* a valid info */
static int tag_ub;

static void op_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)in, (void)inout, (void)len, (void)dt;
}

static void eh_fn(MPI_Comm *comm, int *code, ...)
{
    (void)comm, (void)code;
}

static void win_eh_fn(MPI_Win *win, int *code, ...)
{
    (void)win, (void)code;
}

/* Every valid object is made before any is freed, so that no later
 * creation reuses a freed handle's slot and makes it valid again. */
static void make_bad_handles(void)
{
    int dims[2] = {np, 1}, periods[2] = {0, 0};
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart);
    static int index[64], edges[1];
    MPI_Graph_create(MPI_COMM_WORLD, np, index, edges, 0, &graph);
    MPI_Type_contiguous(2, MPI_INT, &uncommitted);
    MPI_Comm_group(MPI_COMM_WORLD, &wg);
    MPI_Info_create(&vi);

    MPI_Comm fc;
    MPI_Comm_dup(MPI_COMM_SELF, &fc);
    MPI_Datatype ft;
    MPI_Type_contiguous(3, MPI_INT, &ft);
    MPI_Type_commit(&ft);
    MPI_Op fo;
    MPI_Op_create(op_fn, 1, &fo);
    MPI_Group fg;
    MPI_Comm_group(MPI_COMM_WORLD, &fg);
    MPI_Info fi;
    MPI_Info_create(&fi);
    MPI_Errhandler fe;
    MPI_Comm_create_errhandler(eh_fn, &fe);
    /* A window holds a communicator of its own: made here too. */
    MPI_Win_create(wbuf, sizeof(wbuf), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &vw);
    MPI_Win fw;
    MPI_Win_create(wbuf, sizeof(wbuf), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &fw);

    comms[0] = (bad_t){MPI_COMM_NULL, "MPI_COMM_NULL"};
    comms[1] = (bad_t){MPI_COMM_WORLD + 0xfff0, "a garbage communicator"};
    comms[2] = (bad_t){0x12345678, "a handle of no kind"};
    comms[3] = (bad_t){fc, "a freed communicator"};
    types[0] = (bad_t){MPI_DATATYPE_NULL, "MPI_DATATYPE_NULL"};
    types[1] = (bad_t){MPI_INT + 0xfff0, "a garbage datatype"};
    types[2] = (bad_t){ft, "a freed datatype"};
    memcpy(dtypes, types, sizeof(types));
    dtypes[3] = (bad_t){uncommitted, "an uncommitted datatype"};
    ops[0] = (bad_t){MPI_OP_NULL, "MPI_OP_NULL"};
    ops[1] = (bad_t){MPI_SUM + 0xfff0, "a garbage op"};
    ops[2] = (bad_t){fo, "a freed op"};
    groups[0] = (bad_t){MPI_GROUP_NULL, "MPI_GROUP_NULL"};
    groups[1] = (bad_t){MPI_GROUP_EMPTY + 0xfff0, "a garbage group"};
    groups[2] = (bad_t){fg, "a freed group"};
    infos[0] = (bad_t){MPI_INFO_NULL, "MPI_INFO_NULL"};
    infos[1] = (bad_t){MPI_INFO_ENV + 0xfff0, "a garbage info"};
    infos[2] = (bad_t){fi, "a freed info"};
    ehs[0] = (bad_t){MPI_ERRORS_RETURN + 0xfff0, "a garbage errhandler"};
    ehs[1] = (bad_t){fe, "a freed errhandler"};
    wins[0] = (bad_t){MPI_WIN_NULL, "MPI_WIN_NULL"};
    wins[1] = (bad_t){(int)vw + 0xfff0, "a garbage window"};
    wins[2] = (bad_t){fw, "a freed window"};

    MPI_Comm_free(&fc);
    MPI_Type_free(&ft);
    MPI_Op_free(&fo);
    MPI_Group_free(&fg);
    MPI_Info_free(&fi);
    MPI_Errhandler_free(&fe);
    MPI_Win_free(&fw);

    int *ub, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
    tag_ub = flag ? *ub : 32767;
}

/* ---- the table --------------------------------------------------------- */

static int sbuf[64], rbuf[64];
static MPI_Status st;
static MPI_Request req;
static int flag, idx, cnt, out[8];
static int counts[64], displs[64];
static MPI_Comm c, nc;
static MPI_Datatype d, nt;
static MPI_Op o;
static MPI_Group g, ng;
static MPI_Info inf;
static MPI_Errhandler eh;

static void environment(void)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    EXPECT(MPI_ERR_OTHER, "a second call", MPI_Init(NULL, NULL));
    EXPECT(MPI_ERR_OTHER, "a second call", MPI_Init_thread(NULL, NULL, MPI_THREAD_SINGLE, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Initialized(NULL));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Finalized(NULL));
    EXPECT(MPI_ERR_ARG, "provided NULL", MPI_Query_thread(NULL));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Is_thread_main(NULL));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Get_processor_name(NULL, &cnt));
    EXPECT(MPI_ERR_ARG, "resultlen NULL", MPI_Get_processor_name(name, NULL));
    EXPECT(MPI_ERR_ARG, "version NULL", MPI_Get_version(NULL, &cnt));
    EXPECT(MPI_ERR_ARG, "version NULL", MPI_Get_library_version(NULL, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_rank(c, &cnt));
    EXPECT(MPI_ERR_ARG, "rank NULL", MPI_Comm_rank(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_size(c, &cnt));
    EXPECT(MPI_ERR_ARG, "size NULL", MPI_Comm_size(MPI_COMM_WORLD, NULL));
}

static void errors(void)
{
    char s[MPI_MAX_ERROR_STRING];
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN));
    EACH(eh, ehs, MPI_ERR_ARG, MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_get_errhandler(c, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Comm_get_errhandler(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Errhandler_set(c, MPI_ERRORS_RETURN));
    EACH(eh, ehs, MPI_ERR_ARG, MPI_Errhandler_set(MPI_COMM_WORLD, eh));
    EACH(c, comms, MPI_ERR_COMM, MPI_Errhandler_get(c, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Errhandler_get(MPI_COMM_WORLD, NULL));
    EACH(eh, ehs, MPI_ERR_ARG, MPI_Errhandler_free(&eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Errhandler_free(NULL));
    EXPECT(MPI_ERR_ARG, "code 100000", MPI_Error_string(100000, s, &cnt));
    EXPECT(MPI_ERR_ARG, "string NULL", MPI_Error_string(MPI_ERR_COUNT, NULL, &cnt));
    EXPECT(MPI_ERR_ARG, "code 100000", MPI_Error_class(100000, &cnt));
    EXPECT(MPI_ERR_ARG, "errorclass NULL", MPI_Error_class(MPI_ERR_COUNT, NULL));
    EXPECT(MPI_ERR_ARG, "function NULL", MPI_Comm_create_errhandler(NULL, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Comm_create_errhandler(eh_fn, NULL));
    EXPECT(MPI_ERR_ARG, "function NULL", MPI_Errhandler_create(NULL, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Errhandler_create(eh_fn, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_call_errhandler(c, MPI_ERR_OTHER));
    EXPECT(MPI_ERR_ARG, "errorclass NULL", MPI_Add_error_class(NULL));
    EXPECT(MPI_ERR_ARG, "class 100000", MPI_Add_error_code(100000, &cnt));
    EXPECT(MPI_ERR_ARG, "errorcode NULL", MPI_Add_error_code(MPI_ERR_OTHER, NULL));
    EXPECT(MPI_ERR_ARG, "code 100000", MPI_Add_error_string(100000, "x"));
    EXPECT(MPI_ERR_ARG, "string NULL", MPI_Add_error_string(MPI_ERR_OTHER, NULL));
}

/* The arguments every send takes: comm, datatype, count, buffer, dest, tag. */
#define SEND_CASES(F, ...)                                                    \
    do {                                                                      \
        EACH(c, comms, MPI_ERR_COMM, F(sbuf, 1, MPI_INT, 0, 0, c __VA_ARGS__)); \
        EACH(d, dtypes, MPI_ERR_TYPE,                                         \
             F(sbuf, 1, d, 0, 0, MPI_COMM_WORLD __VA_ARGS__));                \
        EXPECT(MPI_ERR_COUNT, "count -1",                                     \
               F(sbuf, -1, MPI_INT, 0, 0, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_BUFFER, "buf NULL, count 1",                           \
               F(NULL, 1, MPI_INT, 0, 0, MPI_COMM_WORLD __VA_ARGS__));        \
        EXPECT(MPI_ERR_RANK, "dest = size",                                   \
               F(sbuf, 1, MPI_INT, np, 0, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_RANK, "dest ANY_SOURCE",                               \
               F(sbuf, 1, MPI_INT, MPI_ANY_SOURCE, 0, MPI_COMM_WORLD __VA_ARGS__)); \
        EXPECT(MPI_ERR_TAG, "tag ANY_TAG",                                    \
               F(sbuf, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD __VA_ARGS__)); \
        EXPECT(MPI_ERR_TAG, "tag -5",                                         \
               F(sbuf, 1, MPI_INT, 0, -5, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_TAG, "tag TAG_UB + 1",                                 \
               F(sbuf, 1, MPI_INT, 0, tag_ub + 1, MPI_COMM_WORLD __VA_ARGS__)); \
    } while (0)
#define RECV_CASES(F, ...)                                                    \
    do {                                                                      \
        EACH(c, comms, MPI_ERR_COMM, F(rbuf, 1, MPI_INT, 0, 0, c __VA_ARGS__)); \
        EACH(d, dtypes, MPI_ERR_TYPE,                                         \
             F(rbuf, 1, d, 0, 0, MPI_COMM_WORLD __VA_ARGS__));                \
        EXPECT(MPI_ERR_COUNT, "count -1",                                     \
               F(rbuf, -1, MPI_INT, 0, 0, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_BUFFER, "buf NULL, count 1",                           \
               F(NULL, 1, MPI_INT, 0, 0, MPI_COMM_WORLD __VA_ARGS__));        \
        EXPECT(MPI_ERR_RANK, "source = size",                                 \
               F(rbuf, 1, MPI_INT, np, 0, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_RANK, "source -5",                                     \
               F(rbuf, 1, MPI_INT, -5, 0, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_TAG, "tag -5",                                         \
               F(rbuf, 1, MPI_INT, 0, -5, MPI_COMM_WORLD __VA_ARGS__));       \
        EXPECT(MPI_ERR_TAG, "tag TAG_UB + 1",                                 \
               F(rbuf, 1, MPI_INT, 0, tag_ub + 1, MPI_COMM_WORLD __VA_ARGS__)); \
    } while (0)

static void point_to_point(void)
{
    MPI_Request bad = MPI_REQUEST_NULL + 0xfff0, reqs[1], nulls[1] = {MPI_REQUEST_NULL};
    int nonblocking_request_null = 0;
    SEND_CASES(MPI_Send);
    SEND_CASES(MPI_Ssend);
    SEND_CASES(MPI_Rsend);
    SEND_CASES(MPI_Bsend);
    SEND_CASES(MPI_Isend, , &req);
    SEND_CASES(MPI_Issend, , &req);
    SEND_CASES(MPI_Irsend, , &req);
    SEND_CASES(MPI_Ibsend, , &req);
    SEND_CASES(MPI_Send_init, , &req);
    SEND_CASES(MPI_Ssend_init, , &req);
    SEND_CASES(MPI_Rsend_init, , &req);
    SEND_CASES(MPI_Bsend_init, , &req);
    RECV_CASES(MPI_Recv, , &st);
    RECV_CASES(MPI_Irecv, , &req);
    RECV_CASES(MPI_Recv_init, , &req);
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Isend(sbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Irecv(rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_ARG, "request NULL",
           MPI_Send_init(sbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
    (void)nonblocking_request_null;

    EACH(c, comms, MPI_ERR_COMM, MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, rbuf, 1, MPI_INT, 0, 0, c, &st));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Sendrecv(sbuf, 1, d, 0, 0, rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, rbuf, 1, d, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_COUNT, "sendcount -1", MPI_Sendrecv(sbuf, -1, MPI_INT, 0, 0, rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_COUNT, "recvcount -1", MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, rbuf, -1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_BUFFER, "sendbuf NULL", MPI_Sendrecv(NULL, 1, MPI_INT, 0, 0, rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_BUFFER, "recvbuf NULL", MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, NULL, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "dest = size", MPI_Sendrecv(sbuf, 1, MPI_INT, np, 0, rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "source = size", MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, rbuf, 1, MPI_INT, np, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "sendtag -5", MPI_Sendrecv(sbuf, 1, MPI_INT, 0, -5, rbuf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "recvtag -5", MPI_Sendrecv(sbuf, 1, MPI_INT, 0, 0, rbuf, 1, MPI_INT, 0, -5, MPI_COMM_WORLD, &st));
    EACH(c, comms, MPI_ERR_COMM, MPI_Sendrecv_replace(rbuf, 1, MPI_INT, 0, 0, 0, 0, c, &st));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Sendrecv_replace(rbuf, 1, d, 0, 0, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Sendrecv_replace(rbuf, -1, MPI_INT, 0, 0, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_BUFFER, "buf NULL", MPI_Sendrecv_replace(NULL, 1, MPI_INT, 0, 0, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "dest = size", MPI_Sendrecv_replace(rbuf, 1, MPI_INT, np, 0, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "source = size", MPI_Sendrecv_replace(rbuf, 1, MPI_INT, 0, 0, np, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "sendtag -5", MPI_Sendrecv_replace(rbuf, 1, MPI_INT, 0, -5, 0, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "recvtag TAG_UB + 1", MPI_Sendrecv_replace(rbuf, 1, MPI_INT, 0, 0, 0, tag_ub + 1, MPI_COMM_WORLD, &st));

    EXPECT(MPI_ERR_BUFFER, "buffer NULL", MPI_Buffer_attach(NULL, 100));
    EXPECT(MPI_ERR_ARG, "size -1", MPI_Buffer_attach(rbuf, -1));
    EXPECT(MPI_ERR_ARG, "buffer_addr NULL", MPI_Buffer_detach(NULL, &cnt));

    reqs[0] = bad;
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Start(&reqs[0]));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Start(NULL));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Startall(-1, reqs));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Startall(1, reqs));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Wait(&reqs[0], &st));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Wait(NULL, &st));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Waitall(-1, reqs, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Waitall(1, reqs, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_ARG, "array NULL", MPI_Waitall(1, NULL, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Waitany(-1, reqs, &idx, &st));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Waitany(1, reqs, &idx, &st));
    EXPECT(MPI_ERR_ARG, "index NULL", MPI_Waitany(1, nulls, NULL, &st));
    EXPECT(MPI_ERR_COUNT, "incount -1", MPI_Waitsome(-1, reqs, &cnt, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Waitsome(1, reqs, &cnt, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_ARG, "outcount NULL", MPI_Waitsome(1, nulls, NULL, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Test(&reqs[0], &flag, &st));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Test(&req, NULL, &st));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Testall(-1, reqs, &flag, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Testall(1, reqs, &flag, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Testall(1, nulls, NULL, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Testany(-1, reqs, &idx, &flag, &st));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Testany(1, reqs, &idx, &flag, &st));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Testany(1, nulls, &idx, NULL, &st));
    EXPECT(MPI_ERR_COUNT, "incount -1", MPI_Testsome(-1, reqs, &cnt, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Testsome(1, reqs, &cnt, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_ARG, "outcount NULL", MPI_Testsome(1, nulls, NULL, out, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Request_free(&reqs[0]));
    req = MPI_REQUEST_NULL;
    EXPECT(MPI_ERR_REQUEST, "MPI_REQUEST_NULL", MPI_Request_free(&req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Request_free(NULL));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Cancel(&reqs[0]));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Cancel(NULL));
    EXPECT(MPI_ERR_ARG, "status NULL", MPI_Test_cancelled(NULL, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Test_cancelled(&st, NULL));
    EXPECT(MPI_ERR_REQUEST, "a garbage request", MPI_Request_get_status(bad, &flag, &st));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Request_get_status(MPI_REQUEST_NULL, NULL, &st));

    EACH(c, comms, MPI_ERR_COMM, MPI_Probe(0, 0, c, &st));
    EXPECT(MPI_ERR_RANK, "source = size", MPI_Probe(np, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "tag -5", MPI_Probe(0, -5, MPI_COMM_WORLD, &st));
    EACH(c, comms, MPI_ERR_COMM, MPI_Iprobe(0, 0, c, &flag, &st));
    EXPECT(MPI_ERR_RANK, "source -5", MPI_Iprobe(-5, 0, MPI_COMM_WORLD, &flag, &st));
    EXPECT(MPI_ERR_TAG, "tag TAG_UB + 1", MPI_Iprobe(0, tag_ub + 1, MPI_COMM_WORLD, &flag, &st));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Iprobe(0, 0, MPI_COMM_WORLD, NULL, &st));
}

static void datatypes(void)
{
    int bl[1] = {1}, dp[1] = {0}, sizes[1] = {4}, subs[1] = {2}, starts[1] = {0};
    MPI_Aint adp[1] = {0}, a, b;
    MPI_Count xa, xb;
    MPI_Datatype ts[1] = {MPI_INT};
    char name[MPI_MAX_OBJECT_NAME];
    int pos = 0;

    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_contiguous(-1, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_contiguous(1, d, &nt));
    EXPECT(MPI_ERR_ARG, "newtype NULL", MPI_Type_contiguous(1, MPI_INT, NULL));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_vector(-1, 1, 1, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "blocklength -1", MPI_Type_vector(1, -1, 1, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_vector(1, 1, 1, d, &nt));
    EXPECT(MPI_ERR_ARG, "newtype NULL", MPI_Type_vector(1, 1, 1, MPI_INT, NULL));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_create_hvector(-1, 1, 4, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "blocklength -1", MPI_Type_create_hvector(1, -1, 4, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_hvector(1, 1, 4, d, &nt));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_indexed(-1, bl, dp, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "blocklengths NULL", MPI_Type_indexed(1, NULL, dp, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "displacements NULL", MPI_Type_indexed(1, bl, NULL, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_indexed(1, bl, dp, d, &nt));
    EXPECT(MPI_ERR_ARG, "newtype NULL", MPI_Type_indexed(1, bl, dp, MPI_INT, NULL));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_create_indexed_block(-1, 1, dp, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "blocklength -1", MPI_Type_create_indexed_block(1, -1, dp, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_indexed_block(1, 1, dp, d, &nt));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_create_hindexed(-1, bl, adp, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "displacements NULL", MPI_Type_create_hindexed(1, bl, NULL, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_hindexed(1, bl, adp, d, &nt));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_create_hindexed_block(-1, 1, adp, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_hindexed_block(1, 1, adp, d, &nt));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Type_create_struct(-1, bl, adp, ts, &nt));
    EXPECT(MPI_ERR_ARG, "types NULL", MPI_Type_create_struct(1, bl, adp, NULL, &nt));
    for (int i = 0; i < NBAD(types); i++) {
        MPI_Datatype bts[1] = {types[i].h};
        expect(__LINE__, "MPI_Type_create_struct(1, bl, adp, bts, &nt)", types[i].name,
               MPI_ERR_TYPE, MPI_Type_create_struct(1, bl, adp, bts, &nt));
    }
    EXPECT(MPI_ERR_DIMS, "ndims 0", MPI_Type_create_subarray(0, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "subsize > size", MPI_Type_create_subarray(1, subs, sizes, starts, MPI_ORDER_C, MPI_INT, &nt));
    EXPECT(MPI_ERR_ARG, "order 99", MPI_Type_create_subarray(1, sizes, subs, starts, 99, MPI_INT, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_subarray(1, sizes, subs, starts, MPI_ORDER_C, d, &nt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_create_resized(d, 0, 8, &nt));
    EXPECT(MPI_ERR_ARG, "newtype NULL", MPI_Type_create_resized(MPI_INT, 0, 8, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_dup(d, &nt));
    EXPECT(MPI_ERR_ARG, "newtype NULL", MPI_Type_dup(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_commit(&d));
    EXPECT(MPI_ERR_ARG, "datatype NULL", MPI_Type_commit(NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_free(&d));
    d = MPI_INT;
    EXPECT(MPI_ERR_TYPE, "a predefined datatype", MPI_Type_free(&d));
    EXPECT(MPI_ERR_ARG, "datatype NULL", MPI_Type_free(NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_size(d, &cnt));
    EXPECT(MPI_ERR_ARG, "size NULL", MPI_Type_size(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_size_x(d, &xa));
    EXPECT(MPI_ERR_ARG, "size NULL", MPI_Type_size_x(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_extent(d, &a, &b));
    EXPECT(MPI_ERR_ARG, "extent NULL", MPI_Type_get_extent(MPI_INT, &a, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_extent_x(d, &xa, &xb));
    EXPECT(MPI_ERR_ARG, "lb NULL", MPI_Type_get_extent_x(MPI_INT, NULL, &xb));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_true_extent(d, &a, &b));
    EXPECT(MPI_ERR_ARG, "true_lb NULL", MPI_Type_get_true_extent(MPI_INT, NULL, &b));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_true_extent_x(d, &xa, &xb));
    EXPECT(MPI_ERR_ARG, "true_extent NULL", MPI_Type_get_true_extent_x(MPI_INT, &xa, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_extent(d, &a));
    EXPECT(MPI_ERR_ARG, "extent NULL", MPI_Type_extent(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_lb(d, &a));
    EXPECT(MPI_ERR_ARG, "displacement NULL", MPI_Type_lb(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_ub(d, &a));
    EXPECT(MPI_ERR_ARG, "displacement NULL", MPI_Type_ub(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_envelope(d, &cnt, &cnt, &cnt, &cnt));
    EXPECT(MPI_ERR_ARG, "combiner NULL", MPI_Type_get_envelope(MPI_INT, &cnt, &cnt, &cnt, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_contents(d, 1, 1, 1, out, adp, ts));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_set_name(d, "x"));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Type_set_name(MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Type_get_name(d, name, &cnt));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Type_get_name(MPI_INT, NULL, &cnt));
    EXPECT(MPI_ERR_ARG, "status NULL", MPI_Get_count(NULL, MPI_INT, &cnt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Get_count(&st, d, &cnt));
    EXPECT(MPI_ERR_ARG, "status NULL", MPI_Get_elements(NULL, MPI_INT, &cnt));
    EACH(d, types, MPI_ERR_TYPE, MPI_Get_elements(&st, d, &cnt));
    EXPECT(MPI_ERR_ARG, "count NULL", MPI_Get_elements_x(&st, MPI_INT, NULL));
    EACH(d, types, MPI_ERR_TYPE, MPI_Get_elements_x(&st, d, &xa));
    EXPECT(MPI_ERR_ARG, "address NULL", MPI_Get_address(sbuf, NULL));
    EXPECT(MPI_ERR_ARG, "address NULL", MPI_Address(sbuf, NULL));

    EXPECT(MPI_ERR_COUNT, "incount -1", MPI_Pack(sbuf, -1, MPI_INT, rbuf, 64, &pos, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Pack(sbuf, 1, d, rbuf, 64, &pos, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Pack(sbuf, 1, MPI_INT, rbuf, 64, &pos, c));
    EXPECT(MPI_ERR_ARG, "position NULL", MPI_Pack(sbuf, 1, MPI_INT, rbuf, 64, NULL, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_BUFFER, "inbuf NULL", MPI_Pack(NULL, 1, MPI_INT, rbuf, 64, &pos, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "outcount -1", MPI_Unpack(sbuf, 64, &pos, rbuf, -1, MPI_INT, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Unpack(sbuf, 64, &pos, rbuf, 1, d, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Unpack(sbuf, 64, &pos, rbuf, 1, MPI_INT, c));
    EXPECT(MPI_ERR_ARG, "position NULL", MPI_Unpack(sbuf, 64, NULL, rbuf, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "incount -1", MPI_Pack_size(-1, MPI_INT, MPI_COMM_WORLD, &cnt));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Pack_size(1, d, MPI_COMM_WORLD, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Pack_size(1, MPI_INT, c, &cnt));
    EXPECT(MPI_ERR_ARG, "size NULL", MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, NULL));
}

static int copy_fn(MPI_Comm a, int k, void *e, void *i, void *o_, int *f)
{
    (void)a, (void)k, (void)e, (void)i, (void)o_, (void)f;
    return MPI_SUCCESS;
}

static void communicators(void)
{
    char name[MPI_MAX_OBJECT_NAME];
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_dup(c, &nc));
    EXPECT(MPI_ERR_ARG, "newcomm NULL", MPI_Comm_dup(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_dup_with_info(c, MPI_INFO_NULL, &nc));
    EXPECT(MPI_ERR_INFO, "a freed info", MPI_Comm_dup_with_info(MPI_COMM_WORLD, infos[2].h, &nc));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_idup(c, &nc, &req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Comm_idup(MPI_COMM_WORLD, &nc, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_split(c, 0, 0, &nc));
    EXPECT(MPI_ERR_ARG, "color -5", MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &nc));
    EXPECT(MPI_ERR_ARG, "newcomm NULL", MPI_Comm_split(MPI_COMM_WORLD, 0, 0, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_split_type(c, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &nc));
    EXPECT(MPI_ERR_ARG, "newcomm NULL", MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_create(c, wg, &nc));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Comm_create(MPI_COMM_WORLD, g, &nc));
    EXPECT(MPI_ERR_ARG, "newcomm NULL", MPI_Comm_create(MPI_COMM_WORLD, wg, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_create_group(c, wg, 0, &nc));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Comm_create_group(MPI_COMM_WORLD, g, 0, &nc));
    EXPECT(MPI_ERR_TAG, "tag -5", MPI_Comm_create_group(MPI_COMM_WORLD, wg, -5, &nc));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_free(&c));
    c = MPI_COMM_WORLD;
    EXPECT(MPI_ERR_COMM, "MPI_COMM_WORLD", MPI_Comm_free(&c));
    EXPECT(MPI_ERR_ARG, "comm NULL", MPI_Comm_free(NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_compare(c, MPI_COMM_WORLD, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_compare(MPI_COMM_WORLD, c, &cnt));
    EXPECT(MPI_ERR_ARG, "result NULL", MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_SELF, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_group(c, &ng));
    EXPECT(MPI_ERR_ARG, "group NULL", MPI_Comm_group(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_test_inter(c, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Comm_test_inter(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_remote_size(c, &cnt));
    EXPECT(MPI_ERR_COMM, "an intracommunicator", MPI_Comm_remote_size(MPI_COMM_WORLD, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_remote_group(c, &ng));
    EXPECT(MPI_ERR_COMM, "an intracommunicator", MPI_Comm_remote_group(MPI_COMM_WORLD, &ng));
    EACH(c, comms, MPI_ERR_COMM, MPI_Intercomm_create(c, 0, MPI_COMM_WORLD, 0, 0, &nc));
    EXPECT(MPI_ERR_RANK, "local_leader = size", MPI_Intercomm_create(MPI_COMM_WORLD, np, MPI_COMM_WORLD, 0, 0, &nc));
    EXPECT(MPI_ERR_TAG, "tag -5", MPI_Intercomm_create(MPI_COMM_WORLD, 0, MPI_COMM_WORLD, 0, -5, &nc));
    EXPECT(MPI_ERR_ARG, "newintercomm NULL", MPI_Intercomm_create(MPI_COMM_WORLD, 0, MPI_COMM_WORLD, 0, 0, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Intercomm_merge(c, 0, &nc));
    EXPECT(MPI_ERR_COMM, "an intracommunicator", MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &nc));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_set_name(c, "x"));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Comm_set_name(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_get_name(c, name, &cnt));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Comm_get_name(MPI_COMM_WORLD, NULL, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_set_info(c, MPI_INFO_NULL));
    EXPECT(MPI_ERR_INFO, "a freed info", MPI_Comm_set_info(MPI_COMM_WORLD, infos[2].h));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_get_info(c, &inf));
    EXPECT(MPI_ERR_ARG, "info_used NULL", MPI_Comm_get_info(MPI_COMM_WORLD, NULL));

    /* Attributes. */
    int kv = MPI_KEYVAL_INVALID, *val = &cnt;
    EXPECT(MPI_ERR_ARG, "comm_keyval NULL", MPI_Comm_create_keyval(copy_fn, NULL, NULL, NULL));
    EXPECT(MPI_ERR_ARG, "keyval NULL", MPI_Keyval_create(copy_fn, NULL, NULL, NULL));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Comm_free_keyval(&kv));
    kv = MPI_TAG_UB;
    EXPECT(MPI_ERR_KEYVAL, "predefined MPI_TAG_UB", MPI_Comm_free_keyval(&kv));
    EXPECT(MPI_ERR_ARG, "keyval NULL", MPI_Comm_free_keyval(NULL));
    kv = MPI_KEYVAL_INVALID;
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Keyval_free(&kv));
    EXPECT(MPI_ERR_ARG, "keyval NULL", MPI_Keyval_free(NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_set_attr(c, MPI_TAG_UB, val));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, val));
    EXPECT(MPI_ERR_KEYVAL, "predefined MPI_TAG_UB", MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, val));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_get_attr(c, MPI_TAG_UB, &val, &flag));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, &val, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &val, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Comm_delete_attr(c, MPI_TAG_UB));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Comm_delete_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID));
    EACH(c, comms, MPI_ERR_COMM, MPI_Attr_put(c, MPI_TAG_UB, val));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Attr_put(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, val));
    EACH(c, comms, MPI_ERR_COMM, MPI_Attr_get(c, MPI_TAG_UB, &val, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Attr_get(MPI_COMM_WORLD, MPI_TAG_UB, &val, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Attr_delete(c, MPI_TAG_UB));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Attr_delete(MPI_COMM_WORLD, MPI_KEYVAL_INVALID));
}

static void groups_and_info(void)
{
    int ranks[2] = {0, 0}, range[1][3] = {{0, np, 1}}, zero[1][3] = {{0, 0, 0}};
    char key[MPI_MAX_INFO_KEY + 2], longkey[MPI_MAX_INFO_KEY + 10], val[MPI_MAX_INFO_VAL + 10];
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_size(g, &cnt));
    EXPECT(MPI_ERR_ARG, "size NULL", MPI_Group_size(wg, NULL));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_rank(g, &cnt));
    EXPECT(MPI_ERR_ARG, "rank NULL", MPI_Group_rank(wg, NULL));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_incl(g, 1, ranks, &ng));
    EXPECT(MPI_ERR_ARG, "n -1", MPI_Group_incl(wg, -1, ranks, &ng));
    ranks[0] = np;
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Group_incl(wg, 1, ranks, &ng));
    ranks[0] = 0;
    if (np > 1)
        EXPECT(MPI_ERR_RANK, "a rank twice", MPI_Group_incl(wg, 2, ranks, &ng));
    EXPECT(MPI_ERR_ARG, "newgroup NULL", MPI_Group_incl(wg, 1, ranks, NULL));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_excl(g, 1, ranks, &ng));
    EXPECT(MPI_ERR_ARG, "n -1", MPI_Group_excl(wg, -1, ranks, &ng));
    ranks[0] = -3;
    EXPECT(MPI_ERR_RANK, "rank -3", MPI_Group_excl(wg, 1, ranks, &ng));
    ranks[0] = 0;
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_range_incl(g, 1, zero, &ng));
    EXPECT(MPI_ERR_ARG, "n -1", MPI_Group_range_incl(wg, -1, range, &ng));
    EXPECT(MPI_ERR_RANK, "last = size", MPI_Group_range_incl(wg, 1, range, &ng));
    EXPECT(MPI_ERR_ARG, "stride 0", MPI_Group_range_incl(wg, 1, zero, &ng));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_range_excl(g, 1, zero, &ng));
    EXPECT(MPI_ERR_RANK, "last = size", MPI_Group_range_excl(wg, 1, range, &ng));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_union(g, wg, &ng));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_union(wg, g, &ng));
    EXPECT(MPI_ERR_ARG, "newgroup NULL", MPI_Group_union(wg, wg, NULL));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_intersection(g, wg, &ng));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_difference(wg, g, &ng));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_translate_ranks(g, 1, ranks, wg, out));
    EXPECT(MPI_ERR_ARG, "n -1", MPI_Group_translate_ranks(wg, -1, ranks, wg, out));
    ranks[0] = np;
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Group_translate_ranks(wg, 1, ranks, wg, out));
    ranks[0] = 0;
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_compare(g, wg, &cnt));
    EXPECT(MPI_ERR_ARG, "result NULL", MPI_Group_compare(wg, wg, NULL));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Group_free(&g));
    EXPECT(MPI_ERR_ARG, "group NULL", MPI_Group_free(NULL));

    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    memset(val, 'v', sizeof(val) - 1);
    val[sizeof(val) - 1] = '\0';
    EXPECT(MPI_ERR_ARG, "info NULL", MPI_Info_create(NULL));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_set(inf, "k", "v"));
    EXPECT(MPI_ERR_INFO_KEY, "key NULL", MPI_Info_set(vi, NULL, "v"));
    EXPECT(MPI_ERR_INFO_KEY, "key too long", MPI_Info_set(vi, longkey, "v"));
    EXPECT(MPI_ERR_INFO_VALUE, "value NULL", MPI_Info_set(vi, "k", NULL));
    EXPECT(MPI_ERR_INFO_VALUE, "value too long", MPI_Info_set(vi, "k", val));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_get(inf, "k", 10, val, &flag));
    EXPECT(MPI_ERR_INFO_KEY, "key NULL", MPI_Info_get(vi, NULL, 10, val, &flag));
    EXPECT(MPI_ERR_ARG, "valuelen -1", MPI_Info_get(vi, "k", -1, val, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Info_get(vi, "k", 10, val, NULL));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_get_valuelen(inf, "k", &cnt, &flag));
    EXPECT(MPI_ERR_INFO_KEY, "key too long", MPI_Info_get_valuelen(vi, longkey, &cnt, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Info_get_valuelen(vi, "k", &cnt, NULL));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_delete(inf, "k"));
    EXPECT(MPI_ERR_INFO_NOKEY, "a key not set", MPI_Info_delete(vi, "minimpi-no-such-key"));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_get_nkeys(inf, &cnt));
    EXPECT(MPI_ERR_ARG, "nkeys NULL", MPI_Info_get_nkeys(vi, NULL));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_get_nthkey(inf, 0, key));
    EXPECT(MPI_ERR_ARG, "n -1", MPI_Info_get_nthkey(vi, -1, key));
    EXPECT(MPI_ERR_ARG, "n 100000", MPI_Info_get_nthkey(vi, 100000, key));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_dup(inf, &inf));
    EXPECT(MPI_ERR_ARG, "newinfo NULL", MPI_Info_dup(vi, NULL));
    EACH(inf, infos, MPI_ERR_INFO, MPI_Info_free(&inf));
    EXPECT(MPI_ERR_ARG, "info NULL", MPI_Info_free(NULL));
}

static void topologies(void)
{
    int dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2] = {0, 0}, remain[2] = {1, 0};
    int index[1] = {1}, edges[1] = {np};
    EXPECT(MPI_ERR_ARG, "nnodes -1", MPI_Dims_create(-1, 2, dims));
    /* minimpi says MPI_ERR_DIMS for a bad dimension count (MPICH: ERR_ARG). */
    EXPECT(MPI_ERR_DIMS, "ndims -1", MPI_Dims_create(4, -1, dims));
    EXPECT(MPI_ERR_ARG, "dims NULL", MPI_Dims_create(4, 2, NULL));
    dims[0] = 2;
    EXPECT(MPI_ERR_DIMS, "dims[0] = 2 does not divide 5", MPI_Dims_create(5, 2, dims));
    dims[0] = np + 1, dims[1] = 1;
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_create(c, 2, dims, periods, 0, &nc));
    EXPECT(MPI_ERR_DIMS, "ndims -1", MPI_Cart_create(MPI_COMM_WORLD, -1, dims, periods, 0, &nc));
    EXPECT(MPI_ERR_DIMS, "more cells than ranks", MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &nc));
    dims[0] = np;
    EXPECT(MPI_ERR_ARG, "comm_cart NULL", MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_coords(c, 0, 2, coords));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cart_coords(MPI_COMM_WORLD, 0, 2, coords));
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Cart_coords(cart, np, 2, coords));
    EXPECT(MPI_ERR_ARG, "maxdims 1", MPI_Cart_coords(cart, 0, 1, coords));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_rank(c, coords, &cnt));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cart_rank(MPI_COMM_WORLD, coords, &cnt));
    EXPECT(MPI_ERR_ARG, "coords NULL", MPI_Cart_rank(cart, NULL, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_shift(c, 0, 1, &cnt, &idx));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cart_shift(MPI_COMM_WORLD, 0, 1, &cnt, &idx));
    EXPECT(MPI_ERR_ARG, "direction 5", MPI_Cart_shift(cart, 5, 1, &cnt, &idx));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_sub(c, remain, &nc));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cart_sub(MPI_COMM_WORLD, remain, &nc));
    EXPECT(MPI_ERR_ARG, "newcomm NULL", MPI_Cart_sub(cart, remain, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cart_get(c, 2, dims, periods, coords));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cart_get(MPI_COMM_WORLD, 2, dims, periods, coords));
    EXPECT(MPI_ERR_ARG, "maxdims -1", MPI_Cart_get(cart, -1, dims, periods, coords));
    EACH(c, comms, MPI_ERR_COMM, MPI_Cartdim_get(c, &cnt));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Cartdim_get(MPI_COMM_WORLD, &cnt));
    EXPECT(MPI_ERR_ARG, "ndims NULL", MPI_Cartdim_get(cart, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Topo_test(c, &cnt));
    EXPECT(MPI_ERR_ARG, "status NULL", MPI_Topo_test(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Graph_create(c, 1, index, edges, 0, &nc));
    EXPECT(MPI_ERR_ARG, "nnodes -1", MPI_Graph_create(MPI_COMM_WORLD, -1, index, edges, 0, &nc));
    EXPECT(MPI_ERR_ARG, "nnodes > size", MPI_Graph_create(MPI_COMM_WORLD, np + 1, index, edges, 0, &nc));
    EXPECT(MPI_ERR_ARG, "an edge to a node out of range", MPI_Graph_create(MPI_COMM_WORLD, 1, index, edges, 0, &nc));
    EACH(c, comms, MPI_ERR_COMM, MPI_Graphdims_get(c, &cnt, &idx));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Graphdims_get(MPI_COMM_WORLD, &cnt, &idx));
    EXPECT(MPI_ERR_ARG, "nedges NULL", MPI_Graphdims_get(graph, &cnt, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Graph_get(c, 1, 1, out, out));
    EXPECT(MPI_ERR_TOPOLOGY, "a cartesian communicator", MPI_Graph_get(cart, 1, 1, out, out));
    EXPECT(MPI_ERR_ARG, "maxindex -1", MPI_Graph_get(graph, -1, 1, out, out));
    EACH(c, comms, MPI_ERR_COMM, MPI_Graph_neighbors_count(c, 0, &cnt));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Graph_neighbors_count(MPI_COMM_WORLD, 0, &cnt));
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Graph_neighbors_count(graph, np, &cnt));
    EACH(c, comms, MPI_ERR_COMM, MPI_Graph_neighbors(c, 0, 1, out));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Graph_neighbors(MPI_COMM_WORLD, 0, 1, out));
    EXPECT(MPI_ERR_RANK, "rank -1", MPI_Graph_neighbors(graph, -1, 1, out));

    for (int i = 0; i < 4; i++)
        counts[i] = 1, displs[i] = i;
    EACH(c, comms, MPI_ERR_COMM, MPI_Neighbor_allgather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, c));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Neighbor_allgather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "sendcount -1", MPI_Neighbor_allgather(sbuf, -1, MPI_INT, rbuf, 1, MPI_INT, cart));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Neighbor_allgather(sbuf, 1, MPI_INT, rbuf, 1, d, cart));
    EACH(c, comms, MPI_ERR_COMM, MPI_Neighbor_alltoall(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, c));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Neighbor_alltoall(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "recvcount -1", MPI_Neighbor_alltoall(sbuf, 1, MPI_INT, rbuf, -1, MPI_INT, cart));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Neighbor_alltoall(sbuf, 1, d, rbuf, 1, MPI_INT, cart));
    EACH(c, comms, MPI_ERR_COMM, MPI_Neighbor_allgatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, MPI_INT, c));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Neighbor_allgatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ARG, "recvcounts NULL", MPI_Neighbor_allgatherv(sbuf, 1, MPI_INT, rbuf, NULL, displs, MPI_INT, cart));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Neighbor_allgatherv(sbuf, 1, d, rbuf, counts, displs, MPI_INT, cart));
    EACH(c, comms, MPI_ERR_COMM, MPI_Neighbor_alltoallv(sbuf, counts, displs, MPI_INT, rbuf, counts, displs, MPI_INT, c));
    EXPECT(MPI_ERR_TOPOLOGY, "no topology", MPI_Neighbor_alltoallv(sbuf, counts, displs, MPI_INT, rbuf, counts, displs, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ARG, "sendcounts NULL", MPI_Neighbor_alltoallv(sbuf, NULL, displs, MPI_INT, rbuf, counts, displs, MPI_INT, cart));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Neighbor_alltoallv(sbuf, counts, displs, MPI_INT, rbuf, counts, displs, d, cart));
}

/* The arguments of a reduction: comm, count, datatype, op, buffers. */
#define REDUCE_CASES(F, ...)                                                  \
    do {                                                                      \
        EACH(c, comms, MPI_ERR_COMM, F(sbuf, rbuf, 1, MPI_INT, MPI_SUM __VA_ARGS__, c)); \
        EXPECT(MPI_ERR_COUNT, "count -1",                                     \
               F(sbuf, rbuf, -1, MPI_INT, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD)); \
        EACH(d, dtypes, MPI_ERR_TYPE, F(sbuf, rbuf, 1, d, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD)); \
        EACH(o, ops, MPI_ERR_OP, F(sbuf, rbuf, 1, MPI_INT, o __VA_ARGS__, MPI_COMM_WORLD)); \
        EXPECT(MPI_ERR_BUFFER, "recvbuf NULL",                                \
               F(sbuf, NULL, 1, MPI_INT, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD)); \
        EXPECT(MPI_ERR_BUFFER, "sendbuf NULL",                                \
               F(NULL, rbuf, 1, MPI_INT, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD)); \
    } while (0)
#define REDUCE_REQ_CASES(F, ...)                                              \
    do {                                                                      \
        EACH(c, comms, MPI_ERR_COMM, F(sbuf, rbuf, 1, MPI_INT, MPI_SUM __VA_ARGS__, c, &req)); \
        EXPECT(MPI_ERR_COUNT, "count -1",                                     \
               F(sbuf, rbuf, -1, MPI_INT, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD, &req)); \
        EACH(d, dtypes, MPI_ERR_TYPE, F(sbuf, rbuf, 1, d, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD, &req)); \
        EACH(o, ops, MPI_ERR_OP, F(sbuf, rbuf, 1, MPI_INT, o __VA_ARGS__, MPI_COMM_WORLD, &req)); \
        EXPECT(MPI_ERR_ARG, "request NULL",                                   \
               F(sbuf, rbuf, 1, MPI_INT, MPI_SUM __VA_ARGS__, MPI_COMM_WORLD, NULL)); \
    } while (0)
/* Gather-like: comm, both counts, both types (and the root when ROOT). */
#define GATHER_CASES(F, ...)                                                  \
    do {                                                                      \
        EACH(c, comms, MPI_ERR_COMM, F(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT __VA_ARGS__, c)); \
        EXPECT(MPI_ERR_COUNT, "sendcount -1",                                 \
               F(sbuf, -1, MPI_INT, rbuf, 1, MPI_INT __VA_ARGS__, MPI_COMM_WORLD)); \
        EXPECT(MPI_ERR_COUNT, "recvcount -1",                                 \
               F(sbuf, 1, MPI_INT, rbuf, -1, MPI_INT __VA_ARGS__, MPI_COMM_WORLD)); \
        EACH(d, dtypes, MPI_ERR_TYPE, F(sbuf, 1, d, rbuf, 1, MPI_INT __VA_ARGS__, MPI_COMM_WORLD)); \
        EACH(d, dtypes, MPI_ERR_TYPE, F(sbuf, 1, MPI_INT, rbuf, 1, d __VA_ARGS__, MPI_COMM_WORLD)); \
        EXPECT(MPI_ERR_BUFFER, "sendbuf NULL",                                \
               F(NULL, 1, MPI_INT, rbuf, 1, MPI_INT __VA_ARGS__, MPI_COMM_WORLD)); \
        EXPECT(MPI_ERR_BUFFER, "recvbuf NULL",                                \
               F(sbuf, 1, MPI_INT, NULL, 1, MPI_INT __VA_ARGS__, MPI_COMM_WORLD)); \
    } while (0)

/* Every rank is the root of its own rooted call: some arguments count only
 * at the root, and a call must fail on every rank, or the ranks that did
 * not fail would wait for the others. */
static void collectives(void)
{
    MPI_Datatype tv[64];
    for (int i = 0; i < 64; i++)
        counts[i] = 1, displs[i] = i, tv[i] = MPI_INT;
    EXPECT(MPI_ERR_ARG, "user_fn NULL", MPI_Op_create(NULL, 1, &o));
    EXPECT(MPI_ERR_ARG, "op NULL", MPI_Op_create(op_fn, 1, NULL));
    EACH(o, ops, MPI_ERR_OP, MPI_Op_free(&o));
    o = MPI_SUM;
    EXPECT(MPI_ERR_OP, "a predefined op", MPI_Op_free(&o));
    EXPECT(MPI_ERR_ARG, "op NULL", MPI_Op_free(NULL));
    EACH(o, ops, MPI_ERR_OP, MPI_Op_commutative(o, &cnt));
    EXPECT(MPI_ERR_ARG, "commute NULL", MPI_Op_commutative(MPI_SUM, NULL));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Reduce_local(sbuf, rbuf, -1, MPI_INT, MPI_SUM));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Reduce_local(sbuf, rbuf, 1, d, MPI_SUM));
    EACH(o, ops, MPI_ERR_OP, MPI_Reduce_local(sbuf, rbuf, 1, MPI_INT, o));
    EXPECT(MPI_ERR_BUFFER, "inoutbuf NULL", MPI_Reduce_local(sbuf, NULL, 1, MPI_INT, MPI_SUM));

    EACH(c, comms, MPI_ERR_COMM, MPI_Barrier(c));
    EACH(c, comms, MPI_ERR_COMM, MPI_Bcast(rbuf, 1, MPI_INT, me, c));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Bcast(rbuf, -1, MPI_INT, me, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Bcast(rbuf, 1, d, me, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Bcast(rbuf, 1, MPI_INT, np, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "root -5", MPI_Bcast(rbuf, 1, MPI_INT, -5, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_BUFFER, "buffer NULL", MPI_Bcast(NULL, 1, MPI_INT, me, MPI_COMM_WORLD));
    REDUCE_CASES(MPI_Reduce, , me);
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Reduce(sbuf, rbuf, 1, MPI_INT, MPI_SUM, np, MPI_COMM_WORLD));
    REDUCE_CASES(MPI_Allreduce);
    REDUCE_CASES(MPI_Scan);
    REDUCE_CASES(MPI_Exscan);
    REDUCE_CASES(MPI_Reduce_scatter_block);
    EACH(c, comms, MPI_ERR_COMM, MPI_Reduce_scatter(sbuf, rbuf, counts, MPI_INT, MPI_SUM, c));
    EXPECT(MPI_ERR_ARG, "recvcounts NULL", MPI_Reduce_scatter(sbuf, rbuf, NULL, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Reduce_scatter(sbuf, rbuf, counts, d, MPI_SUM, MPI_COMM_WORLD));
    EACH(o, ops, MPI_ERR_OP, MPI_Reduce_scatter(sbuf, rbuf, counts, MPI_INT, o, MPI_COMM_WORLD));
    counts[0] = -1;
    EXPECT(MPI_ERR_COUNT, "recvcounts[0] -1", MPI_Reduce_scatter(sbuf, rbuf, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    counts[0] = 1;

    GATHER_CASES(MPI_Gather, , me);
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Gather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, np, MPI_COMM_WORLD));
    GATHER_CASES(MPI_Scatter, , me);
    EXPECT(MPI_ERR_ROOT, "root -5", MPI_Scatter(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, -5, MPI_COMM_WORLD));
    GATHER_CASES(MPI_Allgather);
    GATHER_CASES(MPI_Alltoall);
    EACH(c, comms, MPI_ERR_COMM, MPI_Gatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, MPI_INT, me, c));
    EXPECT(MPI_ERR_COUNT, "sendcount -1", MPI_Gatherv(sbuf, -1, MPI_INT, rbuf, counts, displs, MPI_INT, me, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Gatherv(sbuf, 1, d, rbuf, counts, displs, MPI_INT, me, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Gatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, MPI_INT, np, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Scatterv(sbuf, counts, displs, MPI_INT, rbuf, 1, MPI_INT, me, c));
    EXPECT(MPI_ERR_COUNT, "recvcount -1", MPI_Scatterv(sbuf, counts, displs, MPI_INT, rbuf, -1, MPI_INT, me, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Scatterv(sbuf, counts, displs, MPI_INT, rbuf, 1, d, me, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Scatterv(sbuf, counts, displs, MPI_INT, rbuf, 1, MPI_INT, np, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Allgatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, MPI_INT, c));
    EXPECT(MPI_ERR_ARG, "recvcounts NULL", MPI_Allgatherv(sbuf, 1, MPI_INT, rbuf, NULL, displs, MPI_INT, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Allgatherv(sbuf, 1, MPI_INT, rbuf, counts, displs, d, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Alltoallv(sbuf, counts, displs, MPI_INT, rbuf, counts, displs, MPI_INT, c));
    EXPECT(MPI_ERR_ARG, "sendcounts NULL", MPI_Alltoallv(sbuf, NULL, displs, MPI_INT, rbuf, counts, displs, MPI_INT, MPI_COMM_WORLD));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Alltoallv(sbuf, counts, displs, d, rbuf, counts, displs, MPI_INT, MPI_COMM_WORLD));
    EACH(c, comms, MPI_ERR_COMM, MPI_Alltoallw(sbuf, counts, displs, tv, rbuf, counts, displs, tv, c));
    EXPECT(MPI_ERR_ARG, "recvtypes NULL", MPI_Alltoallw(sbuf, counts, displs, tv, rbuf, counts, displs, NULL, MPI_COMM_WORLD));
    for (int i = 0; i < NBAD(dtypes); i++) {
        MPI_Datatype bt[64];
        for (int j = 0; j < 64; j++)
            bt[j] = dtypes[i].h;
        expect(__LINE__, "MPI_Alltoallw(.., sendtypes all bad, ..)", dtypes[i].name, MPI_ERR_TYPE,
               MPI_Alltoallw(sbuf, counts, displs, bt, rbuf, counts, displs, tv, MPI_COMM_WORLD));
    }

    EACH(c, comms, MPI_ERR_COMM, MPI_Ibarrier(c, &req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Ibarrier(MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Ibcast(rbuf, 1, MPI_INT, me, c, &req));
    EXPECT(MPI_ERR_COUNT, "count -1", MPI_Ibcast(rbuf, -1, MPI_INT, me, MPI_COMM_WORLD, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Ibcast(rbuf, 1, d, me, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Ibcast(rbuf, 1, MPI_INT, np, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Ibcast(rbuf, 1, MPI_INT, me, MPI_COMM_WORLD, NULL));
    REDUCE_REQ_CASES(MPI_Ireduce, , me);
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Ireduce(sbuf, rbuf, 1, MPI_INT, MPI_SUM, np, MPI_COMM_WORLD, &req));
    REDUCE_REQ_CASES(MPI_Iallreduce);
    EACH(c, comms, MPI_ERR_COMM, MPI_Igather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, me, c, &req));
    EXPECT(MPI_ERR_COUNT, "sendcount -1", MPI_Igather(sbuf, -1, MPI_INT, rbuf, 1, MPI_INT, me, MPI_COMM_WORLD, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Igather(sbuf, 1, d, rbuf, 1, MPI_INT, me, MPI_COMM_WORLD, &req));
    EACH(c, comms, MPI_ERR_COMM, MPI_Iscatter(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, me, c, &req));
    EXPECT(MPI_ERR_COUNT, "recvcount -1", MPI_Iscatter(sbuf, 1, MPI_INT, rbuf, -1, MPI_INT, me, MPI_COMM_WORLD, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Iscatter(sbuf, 1, MPI_INT, rbuf, 1, d, me, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_ROOT, "root = size", MPI_Igather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, np, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Iscatter(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, me, MPI_COMM_WORLD, NULL));
    EACH(c, comms, MPI_ERR_COMM, MPI_Iallgather(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, c, &req));
    EXPECT(MPI_ERR_COUNT, "sendcount -1", MPI_Iallgather(sbuf, -1, MPI_INT, rbuf, 1, MPI_INT, MPI_COMM_WORLD, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Iallgather(sbuf, 1, MPI_INT, rbuf, 1, d, MPI_COMM_WORLD, &req));
    EACH(c, comms, MPI_ERR_COMM, MPI_Ialltoall(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, c, &req));
    EXPECT(MPI_ERR_COUNT, "recvcount -1", MPI_Ialltoall(sbuf, 1, MPI_INT, rbuf, -1, MPI_INT, MPI_COMM_WORLD, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Ialltoall(sbuf, 1, d, rbuf, 1, MPI_INT, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_ARG, "request NULL", MPI_Ialltoall(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, MPI_COMM_WORLD, NULL));
}

/* ---- after the errors: the job still works ------------------------------ */

/* ---- one-sided communication ------------------------------------------- */

/* Every window call; a window of flavor create on MPI_COMM_WORLD serves as
 * the valid one, and a freed one as a bad handle. */
static void windows(void)
{
    MPI_Win w;
    MPI_Win_set_errhandler(vw, MPI_ERRORS_RETURN);
    void *base;
    MPI_Aint size;
    int du, val;
    char name[MPI_MAX_OBJECT_NAME];

    EACH(c, comms, MPI_ERR_COMM,
         MPI_Win_create(wbuf, 4, 1, MPI_INFO_NULL, c, &w));
    EXPECT(MPI_ERR_SIZE, "size -1", MPI_Win_create(wbuf, -1, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &w));
    EXPECT(MPI_ERR_DISP, "disp_unit 0", MPI_Win_create(wbuf, 4, 0, MPI_INFO_NULL, MPI_COMM_WORLD, &w));
    EXPECT(MPI_ERR_INFO, "a garbage info", MPI_Win_create(wbuf, 4, 1, infos[1].h, MPI_COMM_WORLD, &w));
    EXPECT(MPI_ERR_ARG, "win NULL", MPI_Win_create(wbuf, 4, 1, MPI_INFO_NULL, MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_BASE, "base NULL, size 4", MPI_Win_create(NULL, 4, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &w));
    EACH(c, comms, MPI_ERR_COMM, MPI_Win_allocate(4, 1, MPI_INFO_NULL, c, &base, &w));
    EXPECT(MPI_ERR_SIZE, "size -1", MPI_Win_allocate(-1, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &w));
    EXPECT(MPI_ERR_ARG, "baseptr NULL", MPI_Win_allocate(4, 1, MPI_INFO_NULL, MPI_COMM_WORLD, NULL, &w));
    EACH(c, comms, MPI_ERR_COMM, MPI_Win_allocate_shared(4, 1, MPI_INFO_NULL, c, &base, &w));
    EXPECT(MPI_ERR_DISP, "disp_unit -1", MPI_Win_allocate_shared(4, -1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &w));
    EACH(c, comms, MPI_ERR_COMM, MPI_Win_create_dynamic(MPI_INFO_NULL, c, &w));
    EXPECT(MPI_ERR_ARG, "win NULL", MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, NULL));

    EACH(w, wins, MPI_ERR_WIN, MPI_Win_shared_query(w, 0, &size, &du, &base));
    EXPECT(MPI_ERR_RMA_FLAVOR, "a window of flavor create", MPI_Win_shared_query(vw, 0, &size, &du, &base));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_attach(w, wbuf, 4));
    EXPECT(MPI_ERR_RMA_FLAVOR, "a window of flavor create", MPI_Win_attach(vw, wbuf, 4));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_detach(w, wbuf));
    EXPECT(MPI_ERR_RMA_FLAVOR, "a window of flavor create", MPI_Win_detach(vw, wbuf));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_free(&w));
    EXPECT(MPI_ERR_ARG, "win NULL", MPI_Win_free(NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_get_group(w, &g));
    EXPECT(MPI_ERR_ARG, "group NULL", MPI_Win_get_group(vw, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_get_attr(w, MPI_WIN_BASE, &base, &flag));
    EXPECT(MPI_ERR_KEYVAL, "MPI_KEYVAL_INVALID", MPI_Win_get_attr(vw, MPI_KEYVAL_INVALID, &base, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Win_get_attr(vw, MPI_WIN_BASE, &base, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_set_errhandler(w, MPI_ERRORS_RETURN));
    EACH(eh, ehs, MPI_ERR_ARG, MPI_Win_set_errhandler(vw, eh));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_get_errhandler(w, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Win_get_errhandler(vw, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_call_errhandler(w, MPI_ERR_OTHER));
    EXPECT(MPI_ERR_ARG, "function NULL", MPI_Win_create_errhandler(NULL, &eh));
    EXPECT(MPI_ERR_ARG, "errhandler NULL", MPI_Win_create_errhandler(win_eh_fn, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_set_name(w, "x"));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Win_set_name(vw, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_get_name(w, name, &cnt));
    EXPECT(MPI_ERR_ARG, "name NULL", MPI_Win_get_name(vw, NULL, &cnt));

    /* Operations: bad window, count, type, target rank, op, NULL buffer. */
    EACH(w, wins, MPI_ERR_WIN, MPI_Put(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, w));
    EXPECT(MPI_ERR_COUNT, "origin_count -1", MPI_Put(sbuf, -1, MPI_INT, 0, 0, 1, MPI_INT, vw));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Put(sbuf, 1, d, 0, 0, 1, MPI_INT, vw));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Put(sbuf, 1, MPI_INT, 0, 0, 1, d, vw));
    EXPECT(MPI_ERR_RANK, "target_rank = size", MPI_Put(sbuf, 1, MPI_INT, np, 0, 1, MPI_INT, vw));
    EXPECT(MPI_ERR_BUFFER, "origin_addr NULL", MPI_Put(NULL, 1, MPI_INT, 0, 0, 1, MPI_INT, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Get(rbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, w));
    EXPECT(MPI_ERR_COUNT, "target_count -1", MPI_Get(rbuf, 1, MPI_INT, 0, 0, -1, MPI_INT, vw));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Get(rbuf, 1, d, 0, 0, 1, MPI_INT, vw));
    EXPECT(MPI_ERR_RANK, "target_rank -7", MPI_Get(rbuf, 1, MPI_INT, -7, 0, 1, MPI_INT, vw));
    EXPECT(MPI_ERR_BUFFER, "origin_addr NULL", MPI_Get(NULL, 1, MPI_INT, 0, 0, 1, MPI_INT, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Accumulate(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, w));
    EACH(o, ops, MPI_ERR_OP, MPI_Accumulate(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, o, vw));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Accumulate(sbuf, 1, d, 0, 0, 1, MPI_INT, MPI_SUM, vw));
    EXPECT(MPI_ERR_RANK, "target_rank = size", MPI_Accumulate(sbuf, 1, MPI_INT, np, 0, 1, MPI_INT, MPI_SUM, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Get_accumulate(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, w));
    EACH(o, ops, MPI_ERR_OP, MPI_Get_accumulate(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, o, vw));
    EXPECT(MPI_ERR_COUNT, "result_count -1", MPI_Get_accumulate(sbuf, 1, MPI_INT, rbuf, -1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Fetch_and_op(sbuf, rbuf, MPI_INT, 0, 0, MPI_SUM, w));
    EACH(o, ops, MPI_ERR_OP, MPI_Fetch_and_op(sbuf, rbuf, MPI_INT, 0, 0, o, vw));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Fetch_and_op(sbuf, rbuf, d, 0, 0, MPI_SUM, vw));
    EXPECT(MPI_ERR_RANK, "target_rank = size", MPI_Fetch_and_op(sbuf, rbuf, MPI_INT, np, 0, MPI_SUM, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Compare_and_swap(sbuf, sbuf, rbuf, MPI_INT, 0, 0, w));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Compare_and_swap(sbuf, sbuf, rbuf, d, 0, 0, vw));
    EXPECT(MPI_ERR_RANK, "target_rank = size", MPI_Compare_and_swap(sbuf, sbuf, rbuf, MPI_INT, np, 0, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Rput(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, w, &req));
    EXPECT(MPI_ERR_COUNT, "origin_count -1", MPI_Rput(sbuf, -1, MPI_INT, 0, 0, 1, MPI_INT, vw, &req));
    EACH(w, wins, MPI_ERR_WIN, MPI_Rget(rbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, w, &req));
    EXPECT(MPI_ERR_RANK, "target_rank = size", MPI_Rget(rbuf, 1, MPI_INT, np, 0, 1, MPI_INT, vw, &req));
    EACH(w, wins, MPI_ERR_WIN, MPI_Raccumulate(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, w, &req));
    EACH(o, ops, MPI_ERR_OP, MPI_Raccumulate(sbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, o, vw, &req));
    EACH(w, wins, MPI_ERR_WIN, MPI_Rget_accumulate(sbuf, 1, MPI_INT, rbuf, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, w, &req));
    EACH(d, dtypes, MPI_ERR_TYPE, MPI_Rget_accumulate(sbuf, 1, MPI_INT, rbuf, 1, d, 0, 0, 1, MPI_INT, MPI_SUM, vw, &req));

    /* Synchronization: bad window, group, rank, lock type; calls outside
     * the epoch they close. */
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_fence(0, w));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_post(wg, 0, w));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Win_post(g, 0, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_start(wg, 0, w));
    EACH(g, groups, MPI_ERR_GROUP, MPI_Win_start(g, 0, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_complete(w));
    EXPECT(MPI_ERR_RMA_SYNC, "no access epoch", MPI_Win_complete(vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_wait(w));
    EXPECT(MPI_ERR_RMA_SYNC, "no exposure epoch", MPI_Win_wait(vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_test(w, &flag));
    EXPECT(MPI_ERR_ARG, "flag NULL", MPI_Win_test(vw, NULL));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, w));
    EXPECT(MPI_ERR_LOCKTYPE, "lock_type 99", MPI_Win_lock(99, 0, 0, vw));
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Win_lock(MPI_LOCK_SHARED, np, 0, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_unlock(0, w));
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Win_unlock(np, vw));
    EXPECT(MPI_ERR_RMA_SYNC, "not locked", MPI_Win_unlock(0, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_lock_all(0, w));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_unlock_all(w));
    EXPECT(MPI_ERR_RMA_SYNC, "not locked", MPI_Win_unlock_all(vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_flush(0, w));
    EXPECT(MPI_ERR_RANK, "rank = size", MPI_Win_flush(np, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_flush_all(w));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_flush_local(0, w));
    EXPECT(MPI_ERR_RANK, "rank -1", MPI_Win_flush_local(-1, vw));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_flush_local_all(w));
    EACH(w, wins, MPI_ERR_WIN, MPI_Win_sync(w));
    (void)val;
    MPI_Win_free(&vw);
}

static int still_works(void)
{
    int v = me + 1, sum = 0, bad = 0;
    if (np > 1 && me < 2) {
        int peer = 1 - me, x = me == 0 ? 4242 : 0;
        for (int i = 0; i < 10; i++) {
            if (me == 0) {
                MPI_Send(&x, 1, MPI_INT, peer, 7, MPI_COMM_WORLD);
                MPI_Recv(&x, 1, MPI_INT, peer, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                x++;
            } else {
                MPI_Recv(&x, 1, MPI_INT, peer, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                x++;
                MPI_Send(&x, 1, MPI_INT, peer, 7, MPI_COMM_WORLD);
            }
        }
        if (me == 0 && x != 4242 + 20) {
            fprintf(stderr, "t_badinput: rank 0: ping-pong after the errors ended at %d\n", x);
            bad = 1;
        }
    }
    if (MPI_Allreduce(&v, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS ||
        sum != np * (np + 1) / 2) {
        fprintf(stderr, "t_badinput: rank %d: allreduce after the errors gave %d\n", me, sum);
        bad = 1;
    }
    return bad;
}

/* ---- coverage against mpi.h ---------------------------------------------- */

static int check_coverage(const char *header)
{
    FILE *f = fopen(header, "r");
    char line[512], name[128];
    int missing = 0, declared = 0;
    if (f == NULL) {
        fprintf(stderr, "t_badinput: cannot open %s\n", header);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "%*[A-Za-z_] MPI_%127[A-Za-z0-9_](", name) != 1 ||
            strncmp(line, "typedef", 7) == 0 || strchr(line, '(') == NULL)
            continue;
        char full[140];
        snprintf(full, sizeof(full), "MPI_%s", name);
        declared++;
        int ok = was_called(full);
        for (size_t i = 0; !ok && i < sizeof(exempt) / sizeof(exempt[0]); i++)
            ok = strcmp(exempt[i].name, full) == 0;
        if (!ok) {
            fprintf(stderr, "t_badinput: %s is declared in mpi.h but has no bad-input case\n",
                    full);
            missing++;
        }
    }
    fclose(f);
    if (declared < 100) {
        fprintf(stderr, "t_badinput: found only %d functions in %s\n", declared, header);
        return 1;
    }
    printf("t_badinput: %d functions in mpi.h, %d with cases, %zu exempt\n", declared, n_called,
           sizeof(exempt) / sizeof(exempt[0]));
    return missing != 0;
}

/* ---- one bad call under MPI_ERRORS_ARE_FATAL ----------------------------- */

static void fatal_case(const char *which)
{
    int culprit = np > 1 ? 1 : 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (me == culprit) {
        if (strcmp(which, "count") == 0)
            MPI_Send(sbuf, -1, MPI_INT, 0, 0, MPI_COMM_WORLD);
        else if (strcmp(which, "rank") == 0)
            MPI_Recv(rbuf, 1, MPI_INT, np + 3, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        else if (strcmp(which, "comm") == 0)
            MPI_Barrier(MPI_COMM_NULL);
        else if (strcmp(which, "op") == 0)
            MPI_Allreduce(sbuf, rbuf, 1, MPI_INT, MPI_OP_NULL, MPI_COMM_WORLD);
        else if (strcmp(which, "tag") == 0)
            MPI_Isend(sbuf, 1, MPI_INT, 0, -7, MPI_COMM_WORLD, &req);
        fprintf(stderr, "t_badinput: rank %d: MPI_ERRORS_ARE_FATAL returned from '%s'\n", me,
                which);
        exit(3);
    }
    /* The others wait to be killed by the launcher. */
    MPI_Recv(rbuf, 1, MPI_INT, culprit, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int main(int argc, char **argv)
{
    const char *header = NULL, *fatal = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--header") == 0)
            header = argv[i + 1];
        else if (strcmp(argv[i], "--fatal") == 0)
            fatal = argv[i + 1];
    }
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    if (fatal != NULL) {
        fatal_case(fatal);
        MPI_Finalize();
        return 0;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    make_bad_handles();
    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(graph, MPI_ERRORS_RETURN);

    environment();
    errors();
    point_to_point();
    datatypes();
    communicators();
    groups_and_info();
    topologies();
    collectives();
    windows();

    int bad = still_works() || n_failed != 0;
    if (me == 0 && header != NULL)
        bad |= check_coverage(header);
    printf("t_badinput: rank %d: %d bad-input cases, %d failed\n", me, n_cases, n_failed);
    MPI_Comm_free(&cart);
    MPI_Comm_free(&graph);
    MPI_Type_free(&uncommitted);
    MPI_Group_free(&wg);
    MPI_Info_free(&vi);
    for (int i = 0; i < n_called; i++)
        free(called[i]);
    MPI_Finalize();
    return bad;
}

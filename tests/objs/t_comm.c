/*
 * t_comm.c -- communicators, groups, attributes, error handlers and info
 * across ranks: dup keeps traffic apart, split orders by key, create and
 * create_group pick the right members, groups translate ranks, attribute
 * callbacks run the right number of times, created error handlers are
 * called, and misuse gives the standard's error classes.  Run with 4 ranks
 * (any size >= 2 works).
 */
#include <string.h>

#include "t_util.h"

static int rank, size;

static void dup_keeps_traffic_apart(void)
{
    MPI_Comm d;
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    int result;
    T_OK(MPI_Comm_compare(MPI_COMM_WORLD, d, &result));
    T_EQ(result, MPI_CONGRUENT);
    T_OK(MPI_Comm_compare(d, d, &result));
    T_EQ(result, MPI_IDENT);
    /* Same source, same tag, two communicators: each receive gets its own. */
    if (rank == 0) {
        int a = 111, b = 222;
        T_OK(MPI_Send(&a, 1, MPI_INT, 1, 5, d));
        T_OK(MPI_Send(&b, 1, MPI_INT, 1, 5, MPI_COMM_WORLD));
    } else if (rank == 1) {
        int x, y;
        T_OK(MPI_Recv(&y, 1, MPI_INT, 0, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        T_OK(MPI_Recv(&x, 1, MPI_INT, 0, 5, d, MPI_STATUS_IGNORE));
        T_EQ(x, 111);
        T_EQ(y, 222);
    }
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    T_OK(MPI_Comm_set_name(d, "dup of world"));
    T_OK(MPI_Comm_get_name(d, name, &len));
    T_CHECK(strcmp(name, "dup of world") == 0 && len == 12);
    T_OK(MPI_Comm_get_name(MPI_COMM_WORLD, name, &len));
    T_CHECK(strcmp(name, "MPI_COMM_WORLD") == 0);
    MPI_Comm d2;
    MPI_Request req;
    T_OK(MPI_Comm_idup(d, &d2, &req));
    T_OK(MPI_Wait(&req, MPI_STATUS_IGNORE));
    int s2;
    T_OK(MPI_Comm_size(d2, &s2));
    T_EQ(s2, size);
    T_OK(MPI_Comm_free(&d2));
    T_OK(MPI_Comm_free(&d));
    T_CHECK(d == MPI_COMM_NULL);
}

/* Does `c` carry traffic of its own?  A ring on it, with the same tag on
 * WORLD posted first: each receive must get the message of its own
 * communicator. */
static void ring_apart(MPI_Comm c, int mark)
{
    int me, n;
    MPI_Comm_rank(c, &me);
    MPI_Comm_size(c, &n);
    int wr = 0, cr = 0, wout = -1, cout = mark + me;
    MPI_Request r[4];
    T_OK(MPI_Irecv(&wr, 1, MPI_INT, MPI_ANY_SOURCE, 9, MPI_COMM_WORLD, &r[0]));
    T_OK(MPI_Irecv(&cr, 1, MPI_INT, (me + n - 1) % n, 9, c, &r[1]));
    T_OK(MPI_Isend(&cout, 1, MPI_INT, (me + 1) % n, 9, c, &r[2]));
    T_OK(MPI_Isend(&wout, 1, MPI_INT, (rank + 1) % size, 9, MPI_COMM_WORLD, &r[3]));
    T_OK(MPI_Waitall(4, r, MPI_STATUSES_IGNORE));
    T_EQ(wr, -1);
    T_EQ(cr, mark + (me + n - 1) % n);
}

/*
 * MPI_Comm_idup runs in the background.  Rank 0 posts it, then
 * synchronously sends to rank 1, which posts its own idup only after that
 * message arrived: a dup that blocked until every rank joined would hang
 * here.  Then several idups in flight at once, on different communicators
 * and posted in a different order by even and odd ranks.
 */
static void idup_in_background(void)
{
    MPI_Comm d, parity, pd, d2;
    MPI_Request req[3];
    int token = 7;
    if (rank == 1)
        T_OK(MPI_Recv(&token, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d, &req[0]));
    if (rank == 0)
        T_OK(MPI_Ssend(&token, 1, MPI_INT, 1, 3, MPI_COMM_WORLD));
    T_OK(MPI_Wait(&req[0], MPI_STATUS_IGNORE));
    int result;
    T_OK(MPI_Comm_compare(MPI_COMM_WORLD, d, &result));
    T_EQ(result, MPI_CONGRUENT);
    ring_apart(d, 1000);

    T_OK(MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &parity));
    if (rank % 2 == 0) {
        T_OK(MPI_Comm_idup(parity, &pd, &req[0]));
        T_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d2, &req[1]));
    } else {
        T_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d2, &req[1]));
        T_OK(MPI_Comm_idup(parity, &pd, &req[0]));
    }
    /* And a third on d, with p2p on WORLD in between. */
    MPI_Comm d3;
    T_OK(MPI_Comm_idup(d, &d3, &req[2]));
    int in = -1;
    T_OK(MPI_Sendrecv(&rank, 1, MPI_INT, (rank + 1) % size, 4, &in, 1, MPI_INT,
                      (rank + size - 1) % size, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    T_EQ(in, (rank + size - 1) % size);
    T_OK(MPI_Waitall(3, req, MPI_STATUSES_IGNORE));
    ring_apart(pd, 2000);
    ring_apart(d2, 3000);
    ring_apart(d3, 4000);
    int sum = -1;
    T_OK(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, d2));
    T_EQ(sum, size * (size - 1) / 2);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    T_EQ(MPI_Comm_idup(MPI_COMM_WORLD, NULL, &req[0]), MPI_ERR_ARG);
    T_EQ(MPI_Comm_idup(MPI_COMM_WORLD, &d3, NULL), MPI_ERR_ARG);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    T_OK(MPI_Comm_free(&d3));
    T_OK(MPI_Comm_free(&d2));
    T_OK(MPI_Comm_free(&pd));
    T_OK(MPI_Comm_free(&parity));
    T_OK(MPI_Comm_free(&d));
}

/* A communicator freed with a receive pending: the receive completes. */
static void free_with_pending_receive(void)
{
    MPI_Comm d;
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    if (rank == 1) {
        int x = -1;
        MPI_Request req;
        T_OK(MPI_Irecv(&x, 1, MPI_INT, 0, 3, d, &req));
        T_OK(MPI_Comm_free(&d));
        T_OK(MPI_Send(&x, 0, MPI_INT, 0, 4, MPI_COMM_WORLD));
        T_OK(MPI_Wait(&req, MPI_STATUS_IGNORE));
        T_EQ(x, 4242);
    } else {
        if (rank == 0) {
            int v = 4242;
            T_OK(MPI_Recv(NULL, 0, MPI_INT, 1, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            T_OK(MPI_Send(&v, 1, MPI_INT, 1, 3, d));
        }
        T_OK(MPI_Comm_free(&d));
    }
}

static void split_orders_by_key(void)
{
    MPI_Comm s;
    int color = rank % 2;
    T_OK(MPI_Comm_split(MPI_COMM_WORLD, color, -rank, &s));
    int srank, ssize;
    T_OK(MPI_Comm_rank(s, &srank));
    T_OK(MPI_Comm_size(s, &ssize));
    T_EQ(ssize, (size + 1 - color) / 2);
    /* Keys are -rank: the highest world rank of the colour comes first. */
    int higher = 0;
    for (int r = rank + 2; r < size; r += 2)
        higher++;
    T_EQ(srank, higher);
    /* The group tells the same story. */
    MPI_Group sg, wg;
    T_OK(MPI_Comm_group(s, &sg));
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int zero = 0, w;
    T_OK(MPI_Group_translate_ranks(sg, 1, &zero, wg, &w));
    int top = size - 1;
    if (top % 2 != color)
        top--;
    T_EQ(w, top);
    T_OK(MPI_Group_free(&sg));
    T_OK(MPI_Group_free(&wg));
    /* A message inside the split communicator. */
    int token = srank == 0 ? 77 : -1;
    if (ssize > 1) {
        if (srank == 0)
            T_OK(MPI_Send(&token, 1, MPI_INT, ssize - 1, 0, s));
        else if (srank == ssize - 1)
            T_OK(MPI_Recv(&token, 1, MPI_INT, 0, 0, s, MPI_STATUS_IGNORE));
        if (srank == ssize - 1)
            T_EQ(token, 77);
    }
    T_OK(MPI_Comm_free(&s));
    /* MPI_UNDEFINED leaves a rank out. */
    T_OK(MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? MPI_UNDEFINED : 1, 0, &s));
    if (rank == 0)
        T_CHECK(s == MPI_COMM_NULL);
    else {
        T_OK(MPI_Comm_size(s, &ssize));
        T_EQ(ssize, size - 1);
        T_OK(MPI_Comm_free(&s));
    }
    /* One node: SHARED holds everyone. */
    T_OK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &s));
    T_OK(MPI_Comm_size(s, &ssize));
    T_EQ(ssize, size);
    T_OK(MPI_Comm_free(&s));
}

static void create_and_create_group(void)
{
    MPI_Group wg, evens, odds;
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int range[1][3] = {{0, size - 1, 2}};
    T_OK(MPI_Group_range_incl(wg, 1, range, &evens));
    T_OK(MPI_Group_difference(wg, evens, &odds));
    MPI_Comm c;
    T_OK(MPI_Comm_create(MPI_COMM_WORLD, evens, &c));
    if (rank % 2 == 0) {
        int r;
        T_OK(MPI_Comm_rank(c, &r));
        T_EQ(r, rank / 2);
        T_OK(MPI_Comm_free(&c));
    } else {
        T_CHECK(c == MPI_COMM_NULL);
    }
    /* Only the odd ranks call create_group. */
    if (rank % 2 == 1) {
        T_OK(MPI_Comm_create_group(MPI_COMM_WORLD, odds, 3, &c));
        int r, n;
        T_OK(MPI_Comm_rank(c, &r));
        T_OK(MPI_Comm_size(c, &n));
        T_EQ(r, rank / 2);
        T_EQ(n, size / 2);
        int sum = 0, one = 1;
        /* A ring inside it proves the context is shared. */
        if (n > 1) {
            T_OK(MPI_Sendrecv(&one, 1, MPI_INT, (r + 1) % n, 0, &sum, 1, MPI_INT,
                              (r + n - 1) % n, 0, c, MPI_STATUS_IGNORE));
            T_EQ(sum, 1);
        }
        T_OK(MPI_Comm_free(&c));
    }
    T_OK(MPI_Group_free(&wg));
    T_OK(MPI_Group_free(&evens));
    T_OK(MPI_Group_free(&odds));
}

static void groups_translate(void)
{
    if (size < 4)
        return;
    MPI_Group wg, g1, g2, u, in, diff;
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int incl[3] = {3, 1, 0}, excl[1] = {1};
    T_OK(MPI_Group_incl(wg, 3, incl, &g1));
    T_OK(MPI_Group_excl(wg, 1, excl, &g2));
    int from[4] = {0, 1, 2, MPI_PROC_NULL}, to[4];
    T_OK(MPI_Group_translate_ranks(g1, 4, from, g2, to));
    /* g1 = {3, 1, 0}, g2 = {0, 2, 3, ...}: 3 -> 2, 1 -> none, 0 -> 0. */
    T_EQ(to[0], 2);
    T_EQ(to[1], MPI_UNDEFINED);
    T_EQ(to[2], 0);
    T_EQ(to[3], MPI_PROC_NULL);
    int gr;
    T_OK(MPI_Group_rank(g1, &gr));
    T_EQ(gr, rank == 3 ? 0 : rank == 1 ? 1 : rank == 0 ? 2 : MPI_UNDEFINED);
    T_OK(MPI_Group_union(g1, g2, &u));
    T_OK(MPI_Group_intersection(g1, g2, &in));
    T_OK(MPI_Group_difference(g1, g2, &diff));
    int n;
    T_OK(MPI_Group_size(u, &n));
    T_EQ(n, size);
    T_OK(MPI_Group_size(in, &n));
    T_EQ(n, 2);
    T_OK(MPI_Group_size(diff, &n));
    T_EQ(n, 1);
    /* Union keeps g1's order first: rank 0 of u is world 3. */
    int zero = 0, w;
    T_OK(MPI_Group_translate_ranks(u, 1, &zero, wg, &w));
    T_EQ(w, 3);
    int result;
    T_OK(MPI_Group_compare(u, wg, &result));
    T_EQ(result, MPI_SIMILAR);
    T_OK(MPI_Group_compare(wg, wg, &result));
    T_EQ(result, MPI_IDENT);
    T_OK(MPI_Group_compare(g1, g2, &result));
    T_EQ(result, MPI_UNEQUAL);
    MPI_Group e;
    T_OK(MPI_Group_intersection(diff, g2, &e));
    T_CHECK(e == MPI_GROUP_EMPTY);
    T_OK(MPI_Group_size(MPI_GROUP_EMPTY, &n));
    T_EQ(n, 0);
    MPI_Group *all[6] = {&wg, &g1, &g2, &u, &in, &diff};
    for (int i = 0; i < 6; i++)
        T_OK(MPI_Group_free(all[i]));
}

static int copies, deletes;

static int count_copy(MPI_Comm oldcomm, int keyval, void *extra, void *in, void *out, int *flag)
{
    (void)oldcomm;
    (void)keyval;
    T_CHECK(extra == &copies);
    copies++;
    *(void **)out = (char *)in + 1;
    *flag = 1;
    return MPI_SUCCESS;
}

static int count_delete(MPI_Comm comm, int keyval, void *value, void *extra)
{
    (void)comm;
    (void)keyval;
    (void)value;
    (void)extra;
    deletes++;
    return MPI_SUCCESS;
}

static void attributes(void)
{
    int *v, flag;
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag));
    T_CHECK(flag && *v >= 32767);
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_HOST, &v, &flag));
    T_CHECK(flag && *v == MPI_PROC_NULL);
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_IO, &v, &flag));
    T_CHECK(flag && *v == MPI_ANY_SOURCE);
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &v, &flag));
    T_CHECK(flag && (*v == 0 || *v == 1));
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &v, &flag));
    T_CHECK(flag && *v == size);
    T_OK(MPI_Attr_get(MPI_COMM_WORLD, MPI_APPNUM, &v, &flag));
    T_CHECK(flag && *v == 0);

    int key, plain;
    char base[4];
    T_OK(MPI_Comm_create_keyval(count_copy, count_delete, &key, &copies));
    T_OK(MPI_Keyval_create(MPI_NULL_COPY_FN, count_delete, &plain, NULL));
    MPI_Comm a, b, c;
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &a));
    T_OK(MPI_Comm_set_attr(a, key, base));
    T_OK(MPI_Attr_put(a, plain, base));
    T_OK(MPI_Comm_dup(a, &b));
    T_EQ(copies, 1);
    void *got;
    T_OK(MPI_Comm_get_attr(b, key, &got, &flag));
    T_CHECK(flag && got == base + 1);
    /* The null copy function copies nothing. */
    T_OK(MPI_Comm_get_attr(b, plain, &got, &flag));
    T_EQ(flag, 0);
    T_OK(MPI_Comm_dup(b, &c));
    T_EQ(copies, 2);
    /* Replacing a value deletes the old one. */
    T_OK(MPI_Comm_set_attr(c, key, base + 3));
    T_EQ(deletes, 1);
    T_OK(MPI_Comm_delete_attr(c, key));
    T_EQ(deletes, 2);
    T_OK(MPI_Comm_get_attr(c, key, &got, &flag));
    T_EQ(flag, 0);
    /* The key is freed while attributes still use it: they keep working. */
    T_OK(MPI_Comm_free_keyval(&key));
    T_CHECK(key == MPI_KEYVAL_INVALID);
    T_OK(MPI_Comm_free(&c));
    T_EQ(deletes, 2);
    T_OK(MPI_Comm_free(&b));       /* key's attribute: one delete */
    T_EQ(deletes, 3);
    T_OK(MPI_Comm_free(&a));       /* key and plain: two deletes */
    T_EQ(deletes, 5);
    T_OK(MPI_Keyval_free(&plain));
    /* Errors: freed key, predefined key is read-only. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    T_EQ(MPI_Comm_set_attr(MPI_COMM_WORLD, plain, base), MPI_ERR_KEYVAL);
    T_EQ(MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, base), MPI_ERR_KEYVAL);
    T_EQ(MPI_Comm_free_keyval(&plain), MPI_ERR_KEYVAL);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

static int handler_calls, handler_code;

static void record_error(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    handler_calls++;
    handler_code = *code;
}

static void error_handlers(void)
{
    MPI_Errhandler eh, got;
    MPI_Comm d;
    T_OK(MPI_Comm_create_errhandler(record_error, &eh));
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    T_OK(MPI_Comm_set_errhandler(d, eh));
    /* Freed while d uses it: it stays in force on d. */
    T_OK(MPI_Errhandler_free(&eh));
    T_CHECK(eh == MPI_ERRHANDLER_NULL);
    int x = 0;
    int err = MPI_Send(&x, 1, MPI_INT, size + 5, 0, d);
    T_EQ(err, MPI_ERR_RANK);
    T_EQ(handler_calls, 1);
    T_EQ(handler_code, MPI_ERR_RANK);
    T_OK(MPI_Comm_call_errhandler(d, MPI_ERR_OTHER));
    T_EQ(handler_calls, 2);
    T_EQ(handler_code, MPI_ERR_OTHER);
    /* A dup inherits the handler. */
    MPI_Comm d2;
    T_OK(MPI_Comm_dup(d, &d2));
    T_OK(MPI_Errhandler_get(d2, &got));
    T_OK(MPI_Errhandler_free(&got));
    T_EQ(MPI_Send(&x, -1, MPI_INT, 0, 0, d2), MPI_ERR_COUNT);
    T_EQ(handler_calls, 3);
    T_OK(MPI_Comm_free(&d2));
    T_OK(MPI_Comm_free(&d));

    /* Added error classes and codes. */
    int cls, code, len;
    char text[MPI_MAX_ERROR_STRING];
    T_OK(MPI_Add_error_class(&cls));
    T_OK(MPI_Add_error_code(cls, &code));
    T_OK(MPI_Add_error_string(code, "the frobnicator jammed"));
    T_OK(MPI_Error_string(code, text, &len));
    T_CHECK(strcmp(text, "the frobnicator jammed") == 0);
    int c2;
    T_OK(MPI_Error_class(code, &c2));
    T_EQ(c2, cls);
    int *last, flag;
    T_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &last, &flag));
    T_CHECK(flag && *last >= code);
}

static void misuse(void)
{
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm w = MPI_COMM_WORLD, bogus = (MPI_Comm)0x44000fff;
    T_EQ(MPI_Comm_free(&w), MPI_ERR_COMM);
    T_EQ(MPI_Comm_free(&bogus), MPI_ERR_COMM);
    MPI_Group wg, g;
    T_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int bad[1] = {size};
    T_EQ(MPI_Group_incl(wg, 1, bad, &g), MPI_ERR_RANK);
    int twice[2] = {0, 0};
    T_EQ(MPI_Group_incl(wg, 2, twice, &g), MPI_ERR_RANK);
    int from = size + 1, to;
    T_EQ(MPI_Group_translate_ranks(wg, 1, &from, wg, &to), MPI_ERR_RANK);
    T_EQ(MPI_Group_size((MPI_Group)0x48000fff, &to), MPI_ERR_GROUP);
    T_OK(MPI_Group_free(&wg));
    T_EQ(MPI_Group_free(&wg), MPI_ERR_GROUP);
    MPI_Comm c;
    T_EQ(MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &c), MPI_ERR_ARG);
    int flag;
    T_EQ(MPI_Comm_remote_size(MPI_COMM_WORLD, &flag), MPI_ERR_COMM);
    T_OK(MPI_Comm_test_inter(MPI_COMM_WORLD, &flag));
    T_EQ(flag, 0);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

static void info_basics(void)
{
    MPI_Info info, copy;
    char value[16];
    int flag, n;
    T_OK(MPI_Info_create(&info));
    T_OK(MPI_Info_set(info, "alpha", "1"));
    T_OK(MPI_Info_set(info, "beta", "two"));
    T_OK(MPI_Info_set(info, "alpha", "one"));
    T_OK(MPI_Info_get_nkeys(info, &n));
    T_EQ(n, 2);
    T_OK(MPI_Info_get(info, "alpha", sizeof(value) - 1, value, &flag));
    T_CHECK(flag && strcmp(value, "one") == 0);
    T_OK(MPI_Info_get_nthkey(info, 1, value));
    T_CHECK(strcmp(value, "beta") == 0);
    T_OK(MPI_Info_dup(info, &copy));
    T_OK(MPI_Info_delete(info, "beta"));
    T_OK(MPI_Info_get(info, "beta", sizeof(value) - 1, value, &flag));
    T_EQ(flag, 0);
    T_OK(MPI_Info_get(copy, "beta", sizeof(value) - 1, value, &flag));
    T_CHECK(flag && strcmp(value, "two") == 0);
    MPI_Comm d;
    T_OK(MPI_Comm_dup_with_info(MPI_COMM_WORLD, info, &d));
    T_OK(MPI_Comm_free(&d));
    T_OK(MPI_Info_free(&info));
    T_OK(MPI_Info_free(&copy));
    T_CHECK(info == MPI_INFO_NULL);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    T_EQ(MPI_Info_free(&info), MPI_ERR_INFO);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

/* More creations than there are context ids: freed ids are reused. */
static void context_ids_recycle(void)
{
    for (int i = 0; i < 2100; i++) {
        MPI_Comm d;
        T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
        T_OK(MPI_Comm_free(&d));
    }
}

/* A library's cleanup hook: MPI_COMM_SELF's delete callback runs at the
 * start of MPI_Finalize, when MPI calls still work. */
static MPI_Comm library_comm;
static int cleanup_ran;

static int library_cleanup(MPI_Comm comm, int keyval, void *value, void *extra)
{
    (void)comm;
    (void)keyval;
    (void)value;
    (void)extra;
    int err = MPI_Comm_free(&library_comm);
    cleanup_ran = err == MPI_SUCCESS ? 1 : -1;
    return MPI_SUCCESS;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    T_CHECK(size >= 2);
    if (argc > 1 && strcmp(argv[1], "free_world") == 0) {
        /* Fatal under the default error handler: exits with MPI_ERR_COMM. */
        MPI_Comm w = MPI_COMM_WORLD;
        MPI_Comm_free(&w);
        T_CHECK(!"freeing MPI_COMM_WORLD returned");
    }
    dup_keeps_traffic_apart();
    idup_in_background();
    free_with_pending_receive();
    split_orders_by_key();
    create_and_create_group();
    groups_translate();
    attributes();
    error_handlers();
    misuse();
    info_basics();
    context_ids_recycle();
    /* Something completes and something is left for Finalize to clean. */
    MPI_Request req;
    int x = rank, y = -1, flag;
    MPI_Status st;
    T_OK(MPI_Irecv(&y, 1, MPI_INT, 0, 0, MPI_COMM_SELF, &req));
    T_OK(MPI_Request_get_status(req, &flag, &st));
    T_EQ(flag, 0);
    T_OK(MPI_Send(&x, 1, MPI_INT, 0, 0, MPI_COMM_SELF));
    do
        T_OK(MPI_Request_get_status(req, &flag, &st));
    while (!flag);
    T_EQ(st.MPI_SOURCE, 0);
    T_OK(MPI_Wait(&req, MPI_STATUS_IGNORE));
    T_EQ(y, rank);
    MPI_Comm leftover;
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &leftover));
    int cleanup_key;
    T_OK(MPI_Comm_dup(MPI_COMM_WORLD, &library_comm));
    T_OK(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, library_cleanup, &cleanup_key, NULL));
    T_OK(MPI_Comm_set_attr(MPI_COMM_SELF, cleanup_key, NULL));
    MPI_Finalize();
    if (cleanup_ran != 1) {
        fprintf(stderr, "rank %d: MPI_COMM_SELF's delete callback %s\n", rank,
                cleanup_ran == 0 ? "did not run" : "could not call MPI_Comm_free");
        return 1;
    }
    if (rank == 0)
        printf("t_comm: ok\n");
    return 0;
}

/*
 * t_rma.c -- one-sided communication at any number of ranks: every
 * synchronization mode, the operations on predefined and derived types,
 * shared-memory windows and the errors a window raises.  Prints
 * "t_rma: ok" on rank 0 when every check passed; a failed check aborts
 * the job with status 1 and names the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../objs/t_util.h"

static int rank, size;

/* A window of `bytes` on every rank: from the heap (alloc_shm=false), so
 * that operations travel as messages, or (shared != 0) from a shared
 * segment, whose operations take the direct path: MPI_Win_allocate on one
 * node (shared == 1) or MPI_Win_allocate_shared (2). */
static void *win_alloc(MPI_Aint bytes, int disp_unit, int shared, MPI_Win *win)
{
    void *mem;
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shm", shared ? "true" : "false");
    if (shared == 2)
        T_OK(MPI_Win_allocate_shared(bytes, disp_unit, info, MPI_COMM_WORLD, &mem, win));
    else
        T_OK(MPI_Win_allocate(bytes, disp_unit, info, MPI_COMM_WORLD, &mem, win));
    MPI_Info_free(&info);
    return mem;
}

/* Fetch_and_op from every rank on rank 0's counter adds up exactly. */
static void counter(int shared)
{
    MPI_Win win;
    long *mem = win_alloc(sizeof(long), sizeof(long), shared, &win);
    *mem = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    /* The direct path is cheap: many more rounds there make a lost update
     * (a non-atomic increment) show. */
    const int rounds = shared ? 40000 / size : 100;
    long one = 1, prev;
    T_OK(MPI_Win_lock_all(0, win));
    for (int i = 0; i < rounds; i++) {
        T_OK(MPI_Fetch_and_op(&one, &prev, MPI_LONG, 0, 0, MPI_SUM, win));
        T_OK(MPI_Win_flush(0, win));
        T_CHECK(prev >= 0 && prev < (long)rounds * size);
    }
    T_OK(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        T_OK(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
        long v;
        T_OK(MPI_Get(&v, 1, MPI_LONG, 0, 0, 1, MPI_LONG, win));
        T_OK(MPI_Win_unlock(0, win));
        T_EQ(v, (long)rounds * size);
    }
    T_OK(MPI_Win_free(&win));
    T_EQ(win, MPI_WIN_NULL);
}

/* A spin lock built on Compare_and_swap excludes: the critical section's
 * read-modify-write of a plain counter on rank 0 never loses an update. */
static void cas_lock(int shared)
{
    MPI_Win win;
    int *mem = win_alloc(2 * sizeof(int), sizeof(int), shared, &win);
    mem[0] = mem[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    const int rounds = 20;
    int zero = 0, me = rank + 1, got, none = 0;
    T_OK(MPI_Win_lock_all(0, win));
    for (int i = 0; i < rounds; i++) {
        do {
            T_OK(MPI_Compare_and_swap(&me, &zero, &got, MPI_INT, 0, 0, win));
            T_OK(MPI_Win_flush(0, win));
        } while (got != 0);
        int c;
        T_OK(MPI_Get(&c, 1, MPI_INT, 0, 1, 1, MPI_INT, win));
        T_OK(MPI_Win_flush(0, win));
        c++;
        T_OK(MPI_Put(&c, 1, MPI_INT, 0, 1, 1, MPI_INT, win));
        T_OK(MPI_Win_flush(0, win));
        T_OK(MPI_Compare_and_swap(&none, &me, &got, MPI_INT, 0, 0, win));
        T_OK(MPI_Win_flush(0, win));
        T_EQ(got, me);
    }
    T_OK(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        T_EQ(mem[1], rounds * size);
    T_OK(MPI_Win_free(&win));
}

/* Put and Get of a vector type (origin contiguous, target strided, and the
 * other way round) under fences: the gaps stay untouched. */
static void vectors(void)
{
    enum { N = 64 };
    int *mem;
    MPI_Win win;
    T_OK(MPI_Win_allocate(2 * N * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &mem,
                          &win));
    for (int i = 0; i < 2 * N; i++)
        mem[i] = -1;
    MPI_Datatype vec;
    T_OK(MPI_Type_vector(N, 1, 2, MPI_INT, &vec));
    T_OK(MPI_Type_commit(&vec));
    int src[N], back[2 * N];
    int right = (rank + 1) % size;
    for (int i = 0; i < N; i++)
        src[i] = rank * 1000 + i;
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Put(src, N, MPI_INT, right, 0, 1, vec, win));
    T_OK(MPI_Win_fence(0, win));
    int left = (rank + size - 1) % size;
    for (int i = 0; i < 2 * N; i++)
        T_EQ(mem[i], i % 2 == 0 ? left * 1000 + i / 2 : -1);
    for (int i = 0; i < 2 * N; i++)
        back[i] = -7;
    /* Origin strided, target contiguous: right's first N ints (which hold
     * my values at even places) land at my even places. */
    T_OK(MPI_Get(back, 1, vec, right, 0, N, MPI_INT, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < 2 * N; i++) {
        int j = i / 2;
        T_EQ(back[i], i % 2 != 0 ? -7 : j % 2 == 0 ? rank * 1000 + j / 2 : -1);
    }
    /* Target strided, origin contiguous: the values alone. */
    int vals[N];
    T_OK(MPI_Get(vals, N, MPI_INT, right, 0, 1, vec, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < N; i++)
        T_EQ(vals[i], rank * 1000 + i);
    T_OK(MPI_Type_free(&vec));
    T_OK(MPI_Win_free(&win));
}

/* Accumulate with each predefined operation from every rank into rank 0,
 * compared with the serial result; Get_accumulate returns the old values. */
static void accumulates(int shared)
{
    enum { N = 8 };
    const MPI_Op ops[] = {MPI_SUM, MPI_PROD, MPI_MAX, MPI_MIN, MPI_BAND, MPI_BOR, MPI_BXOR,
                          MPI_LAND, MPI_LOR, MPI_LXOR, MPI_REPLACE};
    const int nops = (int)(sizeof(ops) / sizeof(ops[0]));
    MPI_Win win;
    long *mem = win_alloc(nops * N * (MPI_Aint)sizeof(long), sizeof(long), shared, &win);
    for (int i = 0; i < nops * N; i++)
        mem[i] = 3 + i % N;
    long init[N];
    for (int i = 0; i < N; i++)
        init[i] = 3 + i;
    T_OK(MPI_Win_fence(0, win));
    for (int o = 0; o < nops; o++) {
        long mine[N];
        for (int i = 0; i < N; i++)
            mine[i] = (rank + 1) * (i + 2) % 7;
        T_OK(MPI_Accumulate(mine, N, MPI_LONG, 0, o * N, N, MPI_LONG, ops[o], win));
    }
    T_OK(MPI_Win_fence(0, win));
    if (rank == 0) {
        for (int o = 0; o < nops; o++) {
            for (int i = 0; i < N; i++) {
                long v = init[i];
                for (int r = 0; r < size; r++) {
                    long x = (r + 1) * (i + 2) % 7;
                    MPI_Op op = ops[o];
                    v = op == MPI_SUM    ? v + x
                        : op == MPI_PROD ? v * x
                        : op == MPI_MAX  ? (x > v ? x : v)
                        : op == MPI_MIN  ? (x < v ? x : v)
                        : op == MPI_BAND ? (v & x)
                        : op == MPI_BOR  ? (v | x)
                        : op == MPI_BXOR ? (v ^ x)
                        : op == MPI_LAND ? (v && x)
                        : op == MPI_LOR  ? (v || x)
                        : op == MPI_LXOR ? (!v != !x)
                                         : v;
                }
                if (ops[o] == MPI_REPLACE) {
                    /* One of the ranks' values, whole. */
                    int found = 0;
                    for (int r = 0; r < size; r++)
                        found |= mem[o * N + i] == (r + 1) * (i + 2) % 7;
                    T_CHECK(found);
                } else {
                    T_EQ(mem[o * N + i], v);
                }
            }
        }
    }
    /* Get_accumulate: every rank adds its rank+1 to element 0; the old
     * values it sees are distinct partial sums, the last one the total. */
    T_OK(MPI_Win_fence(0, win));
    if (rank == 0)
        mem[0] = 0;
    T_OK(MPI_Win_fence(0, win));
    long add = rank + 1, old = -1;
    T_OK(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win));
    T_OK(MPI_Get_accumulate(&add, 1, MPI_LONG, &old, 1, MPI_LONG, 0, 0, 1, MPI_LONG, MPI_SUM,
                            win));
    T_OK(MPI_Win_unlock(0, win));
    T_CHECK(old >= 0 && old <= (long)size * (size + 1) / 2 - add);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        long total;
        T_OK(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
        T_OK(MPI_Fetch_and_op(NULL, &total, MPI_LONG, 0, 0, MPI_NO_OP, win));
        T_OK(MPI_Win_unlock(0, win));
        T_EQ(total, (long)size * (size + 1) / 2);
    }
    T_OK(MPI_Win_free(&win));
}

/* Types the atomics cannot take (pair types, 16-byte elements) and
 * derived target types: MINLOC over MPI_DOUBLE_INT from every rank, and a
 * SUM of doubles through a strided target type. */
static void pairs(int shared)
{
    struct di {
        double v;
        int i;
    };
    enum { N = 4 };
    MPI_Win win;
    MPI_Aint bytes = N * (MPI_Aint)sizeof(struct di) + 2 * N * (MPI_Aint)sizeof(double);
    char *mem = win_alloc(bytes, 1, shared, &win);
    struct di *cells = (struct di *)(void *)mem;
    double *sums = (double *)(void *)(mem + N * sizeof(struct di));
    for (int k = 0; k < N; k++) {
        cells[k].v = 1e9;
        cells[k].i = -1;
        sums[2 * k] = 0.5;
        sums[2 * k + 1] = -3;
    }
    MPI_Datatype stride2;
    T_OK(MPI_Type_vector(N, 1, 2, MPI_DOUBLE, &stride2));
    T_OK(MPI_Type_commit(&stride2));
    MPI_Barrier(MPI_COMM_WORLD);
    struct di mine[N];
    double add[N];
    for (int k = 0; k < N; k++) {
        mine[k].v = (double)((rank * 7 + k * 3) % (size + 1));
        mine[k].i = rank;
        add[k] = rank + 0.25 * k;
    }
    T_OK(MPI_Win_lock_all(0, win));
    for (int r = 0; r < size; r++) {
        T_OK(MPI_Accumulate(mine, N, MPI_DOUBLE_INT, r, 0, N, MPI_DOUBLE_INT, MPI_MINLOC, win));
        T_OK(MPI_Accumulate(add, N, MPI_DOUBLE, r, N * sizeof(struct di), 1, stride2, MPI_SUM,
                            win));
    }
    T_OK(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    for (int k = 0; k < N; k++) {
        double best = 1e9, total = 0.5;
        int who = -1;
        for (int r = 0; r < size; r++) {
            double v = (double)((r * 7 + k * 3) % (size + 1));
            if (v < best || (v == best && r < who)) {
                best = v;
                who = r;
            }
            total += r + 0.25 * k;
        }
        T_CHECK(cells[k].v == best);
        T_EQ(cells[k].i, who);
        T_CHECK(sums[2 * k] == total);
        T_CHECK(sums[2 * k + 1] == -3);
    }
    T_OK(MPI_Type_free(&stride2));
    MPI_Barrier(MPI_COMM_WORLD);
    T_OK(MPI_Win_free(&win));
}

/* Operations larger than one packet: a Put and a Get of 40000 doubles
 * and an Accumulate whose target type is a single element of 3000
 * doubles (cut between basic elements, not between target elements). */
static void large(int shared)
{
    enum { N = 40000, M = 3000 };
    MPI_Win win;
    double *mem = win_alloc(N * (MPI_Aint)sizeof(double), sizeof(double), shared, &win);
    double *src = malloc(N * sizeof(double)), *back = malloc(N * sizeof(double));
    for (int i = 0; i < N; i++) {
        mem[i] = 1;
        src[i] = rank + i * 0.5;
    }
    MPI_Datatype big;
    T_OK(MPI_Type_contiguous(M, MPI_DOUBLE, &big));
    T_OK(MPI_Type_commit(&big));
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Put(src, N, MPI_DOUBLE, right, 0, N, MPI_DOUBLE, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < N; i++)
        T_CHECK(mem[i] == left + i * 0.5);
    T_OK(MPI_Get(back, N, MPI_DOUBLE, left, 0, N, MPI_DOUBLE, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < N; i++)
        T_CHECK(back[i] == (left + size - 1) % size + i * 0.5);
    for (int r = 0; r < size; r++)
        T_OK(MPI_Accumulate(src, M, MPI_DOUBLE, r, 5, 1, big, MPI_SUM, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < M; i++) {
        double want = left + (i + 5) * 0.5;
        for (int r = 0; r < size; r++)
            want += r + i * 0.5;
        T_CHECK(mem[i + 5] == want);
    }
    T_OK(MPI_Type_free(&big));
    free(src);
    free(back);
    T_OK(MPI_Win_free(&win));
}

/* Post/start/complete/wait around a ring, with Rput and Rget requests. */
static void pscw(void)
{
    double buf[4] = {0, 0, 0, 0};
    MPI_Win win;
    T_OK(MPI_Win_create(buf, sizeof(buf), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    MPI_Group world, left_g, right_g;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Group_incl(world, 1, &left, &left_g);
    MPI_Group_incl(world, 1, &right, &right_g);
    for (int round = 0; round < 3; round++) {
        T_OK(MPI_Win_post(left_g, 0, win));
        T_OK(MPI_Win_start(right_g, 0, win));
        double v[2] = {rank + round * 0.5, -(double)rank};
        MPI_Request r[2];
        double peek = -1;
        T_OK(MPI_Rput(v, 2, MPI_DOUBLE, right, 1, 2, MPI_DOUBLE, win, &r[0]));
        T_OK(MPI_Wait(&r[0], MPI_STATUS_IGNORE));
        T_OK(MPI_Rget(&peek, 1, MPI_DOUBLE, right, 1, 1, MPI_DOUBLE, win, &r[1]));
        T_OK(MPI_Wait(&r[1], MPI_STATUS_IGNORE));
        T_CHECK(peek == rank + round * 0.5);
        T_OK(MPI_Win_complete(win));
        if (round == 2) {
            int flag = 0;
            while (!flag)
                T_OK(MPI_Win_test(win, &flag));
        } else {
            T_OK(MPI_Win_wait(win));
        }
        T_CHECK(buf[1] == left + round * 0.5 && buf[2] == -(double)left);
        T_CHECK(buf[0] == 0 && buf[3] == 0);
    }
    MPI_Group_free(&left_g);
    MPI_Group_free(&right_g);
    MPI_Group_free(&world);
    int flavor = 0, *fp, flag;
    MPI_Aint *sz;
    void *base;
    T_OK(MPI_Win_get_attr(win, MPI_WIN_CREATE_FLAVOR, &fp, &flag));
    flavor = *fp;
    T_CHECK(flag && flavor == MPI_WIN_FLAVOR_CREATE);
    T_OK(MPI_Win_get_attr(win, MPI_WIN_SIZE, &sz, &flag));
    T_CHECK(flag && *sz == (MPI_Aint)sizeof(buf));
    T_OK(MPI_Win_get_attr(win, MPI_WIN_BASE, &base, &flag));
    T_CHECK(flag && base == buf);
    T_OK(MPI_Win_set_name(win, "ring"));
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    T_OK(MPI_Win_get_name(win, name, &len));
    T_CHECK(strcmp(name, "ring") == 0 && len == 4);
    MPI_Group g;
    int gs;
    T_OK(MPI_Win_get_group(win, &g));
    MPI_Group_size(g, &gs);
    T_EQ(gs, size);
    MPI_Group_free(&g);
    T_OK(MPI_Win_free(&win));
}

/* A shared window: stores by each rank seen by its neighbour after
 * Win_sync and a barrier; the parts are contiguous across ranks; Put and
 * Get (the direct path) agree with loads and stores. */
static void shared(int noncontig)
{
    MPI_Info info = MPI_INFO_NULL;
    if (noncontig) {
        MPI_Info_create(&info);
        MPI_Info_set(info, "alloc_shared_noncontig", "true");
    }
    int *mine;
    MPI_Win win;
    T_OK(MPI_Win_allocate_shared(4 * sizeof(int), sizeof(int), info, MPI_COMM_WORLD, &mine,
                                 &win));
    if (info != MPI_INFO_NULL)
        MPI_Info_free(&info);
    int right = (rank + 1) % size;
    int *theirs, du;
    MPI_Aint sz;
    T_OK(MPI_Win_shared_query(win, right, &sz, &du, &theirs));
    T_EQ(sz, 4 * sizeof(int));
    T_EQ(du, sizeof(int));
    if (!noncontig && right != 0)
        T_CHECK(theirs == mine + 4);
    T_OK(MPI_Win_lock_all(0, win));
    for (int i = 0; i < 4; i++)
        mine[i] = rank * 10 + i;
    T_OK(MPI_Win_sync(win));
    MPI_Barrier(MPI_COMM_WORLD);
    T_OK(MPI_Win_sync(win));
    for (int i = 0; i < 4; i++)
        T_EQ(theirs[i], right * 10 + i);
    int v;
    T_OK(MPI_Get(&v, 1, MPI_INT, right, 3, 1, MPI_INT, win));
    T_OK(MPI_Win_flush(right, win));
    T_EQ(v, right * 10 + 3);
    MPI_Barrier(MPI_COMM_WORLD);
    v = -rank;
    T_OK(MPI_Put(&v, 1, MPI_INT, right, 0, 1, MPI_INT, win));
    T_OK(MPI_Win_flush(right, win));
    T_OK(MPI_Win_sync(win));
    MPI_Barrier(MPI_COMM_WORLD);
    T_OK(MPI_Win_sync(win));
    T_EQ(mine[0], -((rank + size - 1) % size));
    T_OK(MPI_Win_unlock_all(win));
    T_OK(MPI_Win_free(&win));
}

/* A dynamic window: memory attached after creation, addressed absolutely. */
static void dynamic(void)
{
    MPI_Win win;
    T_OK(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    long cell = -1;
    T_OK(MPI_Win_attach(win, &cell, sizeof(cell)));
    MPI_Aint mine, *all = malloc((size_t)size * sizeof(*all));
    MPI_Get_address(&cell, &mine);
    MPI_Allgather(&mine, 1, MPI_AINT, all, 1, MPI_AINT, MPI_COMM_WORLD);
    int right = (rank + 1) % size;
    long v = rank;
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Put(&v, 1, MPI_LONG, right, all[right], 1, MPI_LONG, win));
    T_OK(MPI_Win_fence(0, win));
    T_EQ(cell, (rank + size - 1) % size);
    T_OK(MPI_Win_detach(win, &cell));
    free(all);
    T_OK(MPI_Win_free(&win));
}

/* A window of `bytes` (disp_unit 1) whose memory the origins do not map:
 * MPI_Win_create (flavor 0), MPI_Win_allocate with alloc_shm=false (1), or
 * a dynamic window with the memory attached (2).  base[r] is what an
 * origin adds to a byte offset to address rank r's part (dynamic: the
 * address; else 0); *buf is the window's memory here. */
static void unmapped_win(int flavor, MPI_Aint bytes, MPI_Win *win, char **buf, MPI_Aint *base)
{
    MPI_Aint mine = 0;
    if (flavor == 1) {
        MPI_Info info;
        MPI_Info_create(&info);
        MPI_Info_set(info, "alloc_shm", "false");
        T_OK(MPI_Win_allocate(bytes, 1, info, MPI_COMM_WORLD, buf, win));
        MPI_Info_free(&info);
    } else {
        *buf = malloc((size_t)bytes);
        T_CHECK(*buf != NULL);
        if (flavor == 0) {
            T_OK(MPI_Win_create(*buf, bytes, 1, MPI_INFO_NULL, MPI_COMM_WORLD, win));
        } else {
            T_OK(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, win));
            T_OK(MPI_Win_attach(*win, *buf, bytes));
            MPI_Get_address(*buf, &mine);
        }
    }
    MPI_Allgather(&mine, 1, MPI_AINT, base, 1, MPI_AINT, MPI_COMM_WORLD);
}

static void unmapped_free(int flavor, MPI_Win *win, char *buf)
{
    if (flavor == 2)
        T_OK(MPI_Win_detach(*win, buf));
    T_OK(MPI_Win_free(win));
    if (flavor != 1)
        free(buf);
}

/*
 * Put and Get toward every other rank on windows the origin does not map
 * (single copy on one node: test_rma.sh checks that MINIMPI_VERBOSE=rma
 * counts them so, and runs this with single copy off too): contiguous into
 * strided and back under fences, a large Put under an exclusive lock, and
 * accumulates ordered against Puts and Gets by flushes.
 */
static void unmapped(int flavor)
{
    enum { N = 64, BIG = 70000 };
    /* [a slot of 2N ints per origin][BIG bytes from the left][a long per origin] */
    const MPI_Aint slots = (MPI_Aint)size * 2 * N * (MPI_Aint)sizeof(int);
    const MPI_Aint cells = slots + BIG;
    const MPI_Aint bytes = cells + (MPI_Aint)size * (MPI_Aint)sizeof(long);
    MPI_Win win;
    char *buf;
    MPI_Aint *base = malloc((size_t)size * sizeof(*base));
    unmapped_win(flavor, bytes, &win, &buf, base);
    int *ints = (int *)(void *)buf;
    for (int i = 0; i < size * 2 * N; i++)
        ints[i] = -1;
    memset(buf + slots, 0, (size_t)(bytes - slots));
    MPI_Datatype vec;
    T_OK(MPI_Type_vector(N, 1, 2, MPI_INT, &vec));
    T_OK(MPI_Type_commit(&vec));
    int src[N], back[N];
    for (int i = 0; i < N; i++)
        src[i] = rank * 1000 + i;

    /* Every origin's values at the even places of its slot, everywhere else. */
    MPI_Aint slot = (MPI_Aint)rank * 2 * N * (MPI_Aint)sizeof(int);
    T_OK(MPI_Win_fence(0, win));
    for (int t = 0; t < size; t++)
        if (t != rank)
            T_OK(MPI_Put(src, N, MPI_INT, t, base[t] + slot, 1, vec, win));
    T_OK(MPI_Win_fence(0, win));
    for (int r = 0; r < size; r++)
        for (int i = 0; i < 2 * N; i++)
            T_EQ(ints[r * 2 * N + i], r != rank && i % 2 == 0 ? r * 1000 + i / 2 : -1);
    /* And back, the strided target into a contiguous buffer. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    if (size > 1) {
        T_OK(MPI_Get(back, N, MPI_INT, right, base[right] + slot, 1, vec, win));
        T_OK(MPI_Win_fence(0, win));
        for (int i = 0; i < N; i++)
            T_EQ(back[i], src[i]);
    }

    /* A large Put under an exclusive lock: in place once unlocked. */
    char *big = malloc(BIG);
    for (int i = 0; i < BIG; i++)
        big[i] = (char)(rank * 31 + i * 7);
    T_OK(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, right, 0, win));
    T_OK(MPI_Put(big, BIG, MPI_BYTE, right, base[right] + slots, BIG, MPI_BYTE, win));
    T_OK(MPI_Win_unlock(right, win));
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < BIG; i++)
        T_EQ(buf[slots + i], (char)(left * 31 + i * 7));
    free(big);

    /* Accumulates travel as messages: a flush orders them against Puts
     * and Gets by single copy to the same place. */
    MPI_Aint cell = base[right] + cells + rank * (MPI_Aint)sizeof(long);
    long v = 7, add = 3, got = 0, hundred = 100;
    T_OK(MPI_Win_lock_all(0, win));
    T_OK(MPI_Put(&v, 1, MPI_LONG, right, cell, 1, MPI_LONG, win));
    T_OK(MPI_Win_flush(right, win));
    T_OK(MPI_Accumulate(&add, 1, MPI_LONG, right, cell, 1, MPI_LONG, MPI_SUM, win));
    T_OK(MPI_Win_flush(right, win));
    T_OK(MPI_Get(&got, 1, MPI_LONG, right, cell, 1, MPI_LONG, win));
    T_OK(MPI_Win_flush(right, win));
    T_EQ(got, 10);
    T_OK(MPI_Accumulate(&add, 1, MPI_LONG, right, cell, 1, MPI_LONG, MPI_PROD, win));
    T_OK(MPI_Win_flush(right, win));
    T_OK(MPI_Put(&hundred, 1, MPI_LONG, right, cell, 1, MPI_LONG, win));
    T_OK(MPI_Win_flush(right, win));
    T_OK(MPI_Fetch_and_op(NULL, &got, MPI_LONG, right, cell, MPI_NO_OP, win));
    T_OK(MPI_Win_flush(right, win));
    T_EQ(got, 100);
    T_OK(MPI_Win_unlock_all(win));
    MPI_Barrier(MPI_COMM_WORLD);
    T_EQ(*(long *)(void *)(buf + cells + left * (MPI_Aint)sizeof(long)), 100);

    T_OK(MPI_Type_free(&vec));
    unmapped_free(flavor, &win, buf);
    free(base);
}

/*
 * A target type with more blocks than one packet holds beside its data
 * (an indexed type of 2000 ints with irregular gaps): Accumulate from every
 * rank into every rank is right per element and leaves the gaps alone,
 * Get_accumulate returns the old values, Put and Get of it agree.
 */
static void many_blocks(int shared)
{
    enum { NB = 2000 };
    int *displs = malloc(NB * sizeof(int)), span = 0;
    for (int i = 0; i < NB; i++) {
        displs[i] = span;
        span += 2 + (i * 7) % 5;
    }
    MPI_Datatype idx;
    T_OK(MPI_Type_create_indexed_block(NB, 1, displs, MPI_INT, &idx));
    T_OK(MPI_Type_commit(&idx));
    MPI_Win win;
    int *mem = win_alloc(span * (MPI_Aint)sizeof(int), sizeof(int), shared, &win);
    for (int i = 0; i < span; i++)
        mem[i] = -1;
    for (int i = 0; i < NB; i++)
        mem[displs[i]] = 0;
    int *src = malloc(NB * sizeof(int)), *old = malloc(NB * sizeof(int));
    for (int i = 0; i < NB; i++)
        src[i] = (rank + 1) * (i % 13 + 1);
    T_OK(MPI_Win_fence(0, win));
    for (int t = 0; t < size; t++)
        T_OK(MPI_Accumulate(src, NB, MPI_INT, t, 0, 1, idx, MPI_SUM, win));
    T_OK(MPI_Win_fence(0, win));
    int k = 0;
    for (int i = 0; i < span; i++) {
        if (k < NB && displs[k] == i) {
            T_EQ(mem[i], (k % 13 + 1) * size * (size + 1) / 2);
            k++;
        } else {
            T_EQ(mem[i], -1);
        }
    }
    /* The left neighbour alone adds one to each element here, once all checked. */
    MPI_Barrier(MPI_COMM_WORLD);
    int right = (rank + 1) % size;
    for (int i = 0; i < NB; i++)
        src[i] = 1;
    T_OK(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, right, 0, win));
    T_OK(MPI_Get_accumulate(src, NB, MPI_INT, old, NB, MPI_INT, right, 0, 1, idx, MPI_SUM,
                            win));
    T_OK(MPI_Win_unlock(right, win));
    for (int i = 0; i < NB; i++)
        T_EQ(old[i], (i % 13 + 1) * size * (size + 1) / 2);
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < NB; i++)
        T_EQ(mem[displs[i]], (i % 13 + 1) * size * (size + 1) / 2 + 1);
    /* A Put of it to the right, a Get of it back. */
    for (int i = 0; i < NB; i++)
        src[i] = rank * 100000 + i;
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Put(src, NB, MPI_INT, right, 0, 1, idx, win));
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Get(old, NB, MPI_INT, right, 0, 1, idx, win));
    T_OK(MPI_Win_fence(0, win));
    for (int i = 0; i < NB; i++)
        T_EQ(old[i], src[i]);
    T_EQ(mem[1], -1);
    T_OK(MPI_Type_free(&idx));
    T_OK(MPI_Win_free(&win));
    free(displs);
    free(src);
    free(old);
}

/* Errors go through the window's handler: a displacement outside the
 * window, an unknown operation; a freed window is an invalid one. */
static void errors(void)
{
    int mem[4];
    MPI_Win win, stale;
    T_OK(MPI_Win_create(mem, sizeof(mem), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    MPI_Errhandler eh;
    T_OK(MPI_Win_get_errhandler(win, &eh));
    T_EQ(eh, MPI_ERRORS_ARE_FATAL);
    T_OK(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    int v = 1, cls;
    T_OK(MPI_Win_fence(0, win));
    int err = MPI_Put(&v, 1, MPI_INT, 0, 4, 1, MPI_INT, win);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_RMA_RANGE);
    err = MPI_Put(&v, 1, MPI_INT, 0, -1, 1, MPI_INT, win);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_RMA_RANGE);
    err = MPI_Put(&v, 1, MPI_INT, size, 0, 1, MPI_INT, win);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_RANK);
    T_OK(MPI_Win_fence(0, win));
    stale = win;
    T_OK(MPI_Win_free(&win));
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    err = MPI_Put(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, stale);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_WIN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

/* What the window handler below saw: the window and the code, per call. */
static MPI_Win seen_win;
static int seen_code, seen_calls;

static void win_handler(MPI_Win *win, int *code, ...)
{
    seen_win = *win;
    seen_code = *code;
    seen_calls++;
}

static void comm_handler(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    (void)code;
}

/* A handler made by MPI_Win_create_errhandler is called with the window
 * for its errors and for MPI_Win_call_errhandler, also after the program
 * freed its handle; communicators and windows refuse each other's. */
static void win_errhandlers(void)
{
    int mem[4], v = 1, cls;
    MPI_Win win;
    MPI_Errhandler weh, ceh, got;
    T_OK(MPI_Win_create(mem, sizeof(mem), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    T_OK(MPI_Win_create_errhandler(win_handler, &weh));
    T_OK(MPI_Comm_create_errhandler(comm_handler, &ceh));
    T_OK(MPI_Win_set_errhandler(win, weh));
    T_OK(MPI_Win_get_errhandler(win, &got));
    T_EQ(got, weh);
    T_OK(MPI_Errhandler_free(&got));
    T_OK(MPI_Errhandler_free(&weh));
    T_EQ(weh, MPI_ERRHANDLER_NULL);

    T_OK(MPI_Win_fence(0, win));
    int err = MPI_Put(&v, 1, MPI_INT, 0, 4, 1, MPI_INT, win);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_RMA_RANGE);
    T_EQ(seen_calls, 1);
    T_EQ(seen_win, win);
    T_EQ(seen_code, MPI_ERR_RMA_RANGE);
    T_OK(MPI_Win_call_errhandler(win, MPI_ERR_OTHER));
    T_EQ(seen_calls, 2);
    T_EQ(seen_win, win);
    T_EQ(seen_code, MPI_ERR_OTHER);
    T_OK(MPI_Win_fence(0, win));

    /* Each kind fits its own object only: the errors return here. */
    T_OK(MPI_Win_get_errhandler(win, &weh));
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    err = MPI_Comm_set_errhandler(MPI_COMM_WORLD, weh);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_ARG);
    T_EQ(seen_calls, 2);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    T_OK(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    err = MPI_Win_set_errhandler(win, ceh);
    MPI_Error_class(err, &cls);
    T_EQ(cls, MPI_ERR_ARG);
    T_OK(MPI_Errhandler_free(&weh));
    T_OK(MPI_Errhandler_free(&ceh));
    T_OK(MPI_Win_free(&win));
}

/* Fatal by default: the window's handler names the call. */
static void fatal_range(void)
{
    int mem[2];
    MPI_Win win;
    T_OK(MPI_Win_create(mem, sizeof(mem), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    T_OK(MPI_Win_fence(0, win));
    if (rank == 0)
        MPI_Put(mem, 1, MPI_INT, 0, 2, 1, MPI_INT, win);
    T_OK(MPI_Win_fence(0, win));
    T_OK(MPI_Win_free(&win));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc > 1 && strcmp(argv[1], "fatal_range") == 0) {
        fatal_range();
    } else if (argc > 1 && strcmp(argv[1], "nodes") == 0) {
        /* Ranks on several nodes (tests/netns/netns.sh): heap windows, every
         * operation on the message path.  Across nodes alloc_shm windows
         * (shared == 1) are heap ones too, and counter() would only repeat
         * itself with 10000 rounds per rank, cheap on the direct path but
         * round trips through libfabric here. */
        counter(0);
        cas_lock(0);
        accumulates(0);
        pairs(0);
        vectors();
        pscw();
        dynamic();
        many_blocks(0);
        for (int flavor = 0; flavor < 3; flavor++)
            unmapped(flavor);
    } else if (argc > 1 && strcmp(argv[1], "unmapped") == 0) {
        /* test_rma.sh reads the paths these took (MINIMPI_VERBOSE=rma). */
        for (int flavor = 0; flavor < 3; flavor++)
            unmapped(flavor);
    } else {
        for (int shared = 0; shared < 3; shared++) {
            many_blocks(shared);
            counter(shared);
            cas_lock(shared);
            accumulates(shared);
            pairs(shared);
            large(shared);
        }
        vectors();
        pscw();
        shared(0);
        shared(1);
        dynamic();
        errors();
        win_errhandlers();
    }
    if (rank == 0)
        printf("t_rma: ok\n");
    MPI_Finalize();
    return 0;
}

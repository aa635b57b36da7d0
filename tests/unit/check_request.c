/*
 * check_request.c -- unit tests of the request pool (runtime/rt_request.c):
 * handles are never MPI_REQUEST_NULL, are checkable, stay valid while the
 * pool grows, and die with release; wire ids map back to their request.
 */
#include <check.h>
#include <stdlib.h>

#include "mpi.h"
#include "rt_request.h"
#include "check_run.h"

static void setup(void)
{
    rt_request_pool_init();
}

static void teardown(void)
{
    rt_request_pool_finalize();
}

START_TEST(test_handle_shape)
{
    rt_request_t *r = rt_request_alloc(RT_REQ_SEND);
    ck_assert_int_ne(r->handle, MPI_REQUEST_NULL);
    ck_assert_uint_eq(((unsigned)r->handle) >> 24, MINIMPI_KIND_REQUEST);
    ck_assert_ptr_eq(rt_request_get(r->handle), r);
    ck_assert_int_eq(r->kind, RT_REQ_SEND);
    ck_assert_int_eq(r->active, 1);
    ck_assert_int_eq(r->complete, 0);
}
END_TEST

START_TEST(test_invalid_handles)
{
    rt_request_t *r = rt_request_alloc(RT_REQ_RECV);
    ck_assert_ptr_null(rt_request_get(MPI_REQUEST_NULL));
    ck_assert_ptr_null(rt_request_get(0));
    ck_assert_ptr_null(rt_request_get(-1));
    ck_assert_ptr_null(rt_request_get(MPI_COMM_WORLD));
    /* Right kind, index past the pool. */
    ck_assert_ptr_null(rt_request_get((MPI_Request)(0x2c000000 | 0xfffff0)));
    /* Wrong kind byte, right index. */
    ck_assert_ptr_null(rt_request_get((MPI_Request)(((unsigned)r->handle & 0xffffffu) | 0x44000000u)));
    MPI_Request h = r->handle;
    rt_request_release(r);
    ck_assert_ptr_null(rt_request_get(h));
}
END_TEST

START_TEST(test_many_distinct_and_growth)
{
    enum { N = 2000 };
    static rt_request_t *r[N];
    for (int i = 0; i < N; i++) {
        r[i] = rt_request_alloc(i % 2 ? RT_REQ_SEND : RT_REQ_RECV);
        r[i]->tag = i;
    }
    /* The pool grew several times; every earlier request is intact. */
    for (int i = 0; i < N; i++) {
        ck_assert_ptr_eq(rt_request_get(r[i]->handle), r[i]);
        ck_assert_ptr_eq(rt_request_from_id(rt_request_id(r[i])), r[i]);
        ck_assert_int_eq(r[i]->tag, i);
        for (int j = i + 1; j < i + 3 && j < N; j++)
            ck_assert_int_ne(r[i]->handle, r[j]->handle);
    }
    for (int i = 0; i < N; i += 2)
        rt_request_release(r[i]);
    for (int i = 0; i < N; i++)
        ck_assert_ptr_eq(rt_request_get(r[i]->handle), i % 2 ? r[i] : NULL);
    /* Released slots are reused before the pool grows again. */
    rt_request_t *again = rt_request_alloc(RT_REQ_SEND);
    int reused = 0;
    for (int i = 0; i < N; i += 2)
        reused |= again == r[i];
    ck_assert(reused);
    ck_assert_int_eq(again->tag, 0);
}
END_TEST

START_TEST(test_ids)
{
    ck_assert_ptr_null(rt_request_from_id(0));
    ck_assert_ptr_null(rt_request_from_id(123456));
    rt_request_t *r = rt_request_alloc(RT_REQ_SEND);
    uint32_t id = rt_request_id(r);
    ck_assert_uint_ne(id, 0);
    rt_request_release(r);
    ck_assert_ptr_null(rt_request_from_id(id));
}
END_TEST

static int completions;
static void count_completion(rt_request_t *req)
{
    (void)req;
    completions++;
}

START_TEST(test_detached_released_on_completion)
{
    completions = 0;
    rt_request_t *s = rt_request_alloc(RT_REQ_SEND);
    MPI_Request h = s->handle;
    s->on_complete = count_completion;
    rt_request_detach(s);
    ck_assert_uint_eq(rt_request_num_detached_sends(), 1);
    /* A detached request no longer answers to its handle. */
    ck_assert_ptr_null(rt_request_get(h));
    rt_status_set_empty(&s->status);
    rt_request_complete(s);
    ck_assert_int_eq(completions, 1);
    ck_assert_uint_eq(rt_request_num_detached_sends(), 0);
    ck_assert_ptr_null(rt_request_from_id((uint32_t)h & 0xffffffu));

    /* Detached receives are not waited for at MPI_Finalize. */
    rt_request_t *r = rt_request_alloc(RT_REQ_RECV);
    rt_request_detach(r);
    ck_assert_uint_eq(rt_request_num_detached_sends(), 0);
}
END_TEST

START_TEST(test_finish_nonpersistent_and_persistent)
{
    rt_request_t *r = rt_request_alloc(RT_REQ_RECV);
    MPI_Request h = r->handle;
    rt_status_set_empty(&r->status);
    r->status.MPI_SOURCE = 3;
    r->status.MPI_TAG = 9;
    r->status.minimpi_count = 12;
    rt_request_complete(r);
    MPI_Status st;
    ck_assert_int_eq(rt_request_finish(r, &h, &st), MPI_SUCCESS);
    ck_assert_int_eq(h, MPI_REQUEST_NULL);
    ck_assert_int_eq(st.MPI_SOURCE, 3);
    ck_assert_int_eq(st.MPI_TAG, 9);
    ck_assert_int_eq(st.minimpi_count, 12);

    rt_request_t *p = rt_request_alloc(RT_REQ_SEND);
    p->persistent = 1;
    h = p->handle;
    rt_status_set_empty(&p->status);
    p->status.MPI_ERROR = MPI_ERR_TRUNCATE;
    rt_request_complete(p);
    ck_assert_int_eq(rt_request_finish(p, &h, MPI_STATUS_IGNORE), MPI_ERR_TRUNCATE);
    /* A persistent request stays, inactive; finishing it again reports the
     * empty status. */
    ck_assert_int_eq(h, p->handle);
    ck_assert_ptr_eq(rt_request_get(h), p);
    ck_assert_int_eq(p->active, 0);
    st.MPI_SOURCE = 77;
    ck_assert_int_eq(rt_request_finish(p, &h, &st), MPI_SUCCESS);
    ck_assert_int_eq(st.MPI_SOURCE, MPI_ANY_SOURCE);
    ck_assert_int_eq(st.MPI_TAG, MPI_ANY_TAG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("request");
    TCase *tc = tcase_create("pool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_handle_shape);
    tcase_add_test(tc, test_invalid_handles);
    tcase_add_test(tc, test_many_distinct_and_growth);
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_detached_released_on_completion);
    tcase_add_test(tc, test_finish_nonpersistent_and_persistent);
    suite_add_tcase(s, tc);
    return check_run(s);
}

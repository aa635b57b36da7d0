/*
 * check_lnch_insight.c -- the summary of mini-mpirun --report-transports
 * (launcher/lnch_insight_transports.c), from reports put in a job's store,
 * and the hang diagnosis (lnch_insight_hang.c) from notices.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_insight.h"
#include "check_run.h"

static lnch_job_t job;
static lnch_rank_t ranks[8];
static char *text;                      /* what the module printed */
static size_t len;
static FILE *out;

/* A job of `size` ranks, its store, and `out` capturing what the module
 * prints; with a hang timeout > 0, its ranks (numbered 0..) and the hang
 * diagnosis set up too. */
static void job_setup(int size, double hang_timeout)
{
    memset(&job, 0, sizeof(job));
    memset(ranks, 0, sizeof(ranks));
    ck_assert_int_le(size, 8);
    job.size = size;
    for (int i = 0; i < size; i++)
        ranks[i].rank = i;
    ck_assert_int_eq(lnch_kvs_init(&job.kvs, 100), 0);
    text = NULL;
    len = 0;
    out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    /* Without a rank table the transport summary names nodes from the
     * reports, which is what its tests check. */
    if (hang_timeout > 0) {
        job.ranks = ranks;
        ck_assert_int_eq(lnch_hang_setup(&job, hang_timeout, 1), 0);
    }
}

/* Ends the capture (text holds it) for the checks; job_teardown frees all. */
static void capture_end(void)
{
    fclose(out);
    out = NULL;
}

static void job_teardown(void)
{
    free(text);
    text = NULL;
    lnch_hang_fini(&job);
    lnch_kvs_fini(&job.kvs);
}

/* Store rank r's report and tell the module, as lnch_pmi's put does. */
static void put(int r, const char *value, FILE *out)
{
    char key[64];
    snprintf(key, sizeof(key), "minimpi-transports-%d", r);
    ck_assert_int_eq(lnch_kvs_put(&job.kvs, key, value), LNCH_KVS_OK);
    lnch_insight_put(&job, key, out);
}

START_TEST(test_nodes_and_pairs)
{
    job_setup(4, 0);
    lnch_insight_put(&job, "ofi-prov", out); /* other keys are not reports */
    put(0, "0|a|shm:+eager+up+to+8+B|ofi+(provider+tcp;ofi_rxm):+x", out);
    put(1, "0|a|shm:+pipelined+(single+copy+off:+why)|ofi+(provider+tcp;ofi_rxm):+x", out);
    put(3, "1|b|-|ofi+(provider+tcp;ofi_rxm):+y", out);
    fflush(out);
    ck_assert_uint_eq(len, 0);                /* nothing before the last report */
    put(2, "1|b|-|ofi+(provider+tcp;ofi_rxm):+y", out);
    capture_end();
    ck_assert_str_eq(text, "mini-mpirun: transports of 4 ranks on 2 nodes:\n"
                           "  node 0 (a), same-node peers: shm: eager up to 8 B\n"
                           "  node 0 (a), rank 1, same-node peers: shm: pipelined "
                           "(single copy off: why)\n"
                           "  node 0 (a) <-> node 1 (b): ofi (provider tcp;ofi_rxm): x\n");
}
END_TEST

START_TEST(test_bad_report_is_named)
{
    job_setup(2, 0);
    ck_assert_int_eq(lnch_kvs_put(&job.kvs, "minimpi-transports-0", "0|a|shm:+s|-"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&job.kvs, "minimpi-transports-1", "garbage"), LNCH_KVS_OK);
    lnch_insight_print_transports(&job, out);
    capture_end();
    ck_assert_str_eq(text, "mini-mpirun: transports: rank 1 sent no valid report\n"
                           "mini-mpirun: transports of 2 ranks on 1 node:\n"
                           "  node 0 (a), same-node peers: shm: s\n");
}
END_TEST

/* The hang diagnosis (lnch_insight_hang.c) from notices, without a job. */
static void notice(lnch_rank_t *r, const char *line)
{
    pmi_wire_msg_t msg;
    char err[128];
    ck_assert_int_eq(pmi_wire_parse(line, strlen(line), &msg, err, sizeof(err)), 0);
    lnch_hang_notice(&job, r, &msg);
}

START_TEST(test_hang_cycle)
{
    /* A 0.1 s timeout: the notices below stay fresh for 0.55 s. */
    job_setup(3, 0.1);
    notice(&ranks[1], "cmd=minimpi_hang call=MPI_Recv args=source=2,+tag=5,+comm=W "
                      "waitfor=2 wait=3.0 done=4\n");
    notice(&ranks[2], "cmd=minimpi_hang call=MPI_Ssend args=dest=1,+tag=6,+comm=W "
                      "waitfor=1 wait=3.0 done=2\n");
    double now = lnch_now();
    lnch_hang_tick(&job, now, out);     /* progress just now: no report */
    fflush(out);
    ck_assert_uint_eq(len, 0);
    lnch_hang_tick(&job, now + 0.2, out);
    lnch_hang_tick(&job, now + 0.45, out); /* reported once per stall */
    capture_end();
    ck_assert_ptr_nonnull(strstr(text, "  rank 0: not in a blocking MPI call"));
    ck_assert_ptr_nonnull(strstr(text, "  rank 1: MPI_Recv(source=2, tag=5, comm=W) waiting 3."));
    ck_assert_ptr_nonnull(strstr(text, "  rank 2: MPI_Ssend(dest=1, tag=6, comm=W) waiting 3."));
    ck_assert_ptr_nonnull(strstr(text, "mini-mpirun: deadlock: 1 waits for 2 waits for 1\n"));
    ck_assert_ptr_null(strstr(strstr(text, "deadlock") + 1, "deadlock"));
}
END_TEST

/* Notices whose count moves are progress: no report. */
START_TEST(test_hang_progress)
{
    job_setup(2, 0.1);
    double now = lnch_now();
    notice(&ranks[1], "cmd=minimpi_hang call=MPI_Recv args=- waitfor=-1 wait=3.0 done=1\n");
    lnch_hang_tick(&job, now + 0.05, out);
    while (lnch_now() < now + 0.15)
        ;                                /* the timeout passes ... */
    notice(&ranks[1], "cmd=minimpi_hang call=MPI_Recv args=- waitfor=-1 wait=3.0 done=2\n");
    lnch_hang_tick(&job, lnch_now() + 0.05, out); /* ... but the count moved */
    capture_end();
    ck_assert_uint_eq(len, 0);
}
END_TEST

/* A Wait on several peers: the cycle goes through any of its edges, the
 * pending requests are shown with the count of those not described, and
 * malformed fields are skipped, not trusted. */
START_TEST(test_hang_waitall)
{
    job_setup(4, 0.1);
    /* 0 waits for 1 (which computes) and 3; 3 waits for 0: the cycle is
     * found through 0's second edge.  Ranks out of range are dropped. */
    notice(&ranks[0], "cmd=minimpi_hang call=MPI_Waitall args=count=2 waitfor=1,x,9,-4,3 "
                      "wait=3.0 done=4 pending=MPI_Irecv(source=1,+comm=W),+MPI_Irecv(source=3,"
                      "+comm=W) more=3\n");
    notice(&ranks[3], "cmd=minimpi_hang call=MPI_Wait args=source=0 waitfor=0 wait=3.0 done=1 "
                      "pending=- more=junk\n");
    notice(&ranks[2], "cmd=minimpi_hang call=MPI_Waitany args=count=1 waitfor=, wait=3.0 "
                      "done=1\n");
    lnch_hang_tick(&job, lnch_now() + 0.2, out);
    capture_end();
    ck_assert_ptr_nonnull(strstr(text, "  rank 0: MPI_Waitall(count=2) waiting 3."));
    ck_assert_ptr_nonnull(strstr(text, " s; pending: MPI_Irecv(source=1, comm=W), "
                                       "MPI_Irecv(source=3, comm=W), +3 more\n"));
    ck_assert_ptr_nonnull(strstr(text, "  rank 3: MPI_Wait(source=0) waiting 3."));
    ck_assert_ptr_null(strstr(strstr(text, "  rank 3: "), "pending"));
    ck_assert_ptr_nonnull(strstr(text, "  rank 2: MPI_Waitany(count=1) waiting 3."));
    ck_assert_ptr_nonnull(strstr(text, "mini-mpirun: deadlock: 0 waits for 3 waits for 0\n"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_insight");
    TCase *tc = tcase_create("transports");
    tcase_add_checked_fixture(tc, NULL, job_teardown);
    tcase_add_test(tc, test_nodes_and_pairs);
    tcase_add_test(tc, test_bad_report_is_named);
    tcase_add_test(tc, test_hang_cycle);
    tcase_add_test(tc, test_hang_progress);
    tcase_add_test(tc, test_hang_waitall);
    suite_add_tcase(s, tc);
    return check_run(s);
}

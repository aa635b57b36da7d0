/*
 * check_lnch_insight.c -- the summary of mini-mpirun --report-transports
 * (launcher/lnch_insight_transports.c), from reports put in a job's store.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_insight.h"
#include "check_run.h"

static lnch_job_t job;

static void job_setup(int size)
{
    memset(&job, 0, sizeof(job));
    job.size = size;
    ck_assert_int_eq(lnch_kvs_init(&job.kvs, 100), 0);
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
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    job_setup(4);
    lnch_insight_put(&job, "ofi-prov", out); /* other keys are not reports */
    put(0, "0|a|shm:+eager+up+to+8+B|ofi+(provider+tcp;ofi_rxm):+x", out);
    put(1, "0|a|shm:+pipelined+(single+copy+off:+why)|ofi+(provider+tcp;ofi_rxm):+x", out);
    put(3, "1|b|-|ofi+(provider+tcp;ofi_rxm):+y", out);
    fflush(out);
    ck_assert_uint_eq(len, 0);                /* nothing before the last report */
    put(2, "1|b|-|ofi+(provider+tcp;ofi_rxm):+y", out);
    fclose(out);
    ck_assert_str_eq(text, "mini-mpirun: transports of 4 ranks on 2 nodes:\n"
                           "  node 0 (a), same-node peers: shm: eager up to 8 B\n"
                           "  node 0 (a), rank 1, same-node peers: shm: pipelined "
                           "(single copy off: why)\n"
                           "  node 0 (a) <-> node 1 (b): ofi (provider tcp;ofi_rxm): x\n");
    free(text);
    lnch_kvs_fini(&job.kvs);
}
END_TEST

START_TEST(test_bad_report_is_named)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    job_setup(2);
    ck_assert_int_eq(lnch_kvs_put(&job.kvs, "minimpi-transports-0", "0|a|shm:+s|-"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&job.kvs, "minimpi-transports-1", "garbage"), LNCH_KVS_OK);
    lnch_insight_print_transports(&job, out);
    fclose(out);
    ck_assert_str_eq(text, "mini-mpirun: transports: rank 1 sent no valid report\n"
                           "mini-mpirun: transports of 2 ranks on 1 node:\n"
                           "  node 0 (a), same-node peers: shm: s\n");
    free(text);
    lnch_kvs_fini(&job.kvs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_insight");
    TCase *tc = tcase_create("transports");
    tcase_add_test(tc, test_nodes_and_pairs);
    tcase_add_test(tc, test_bad_report_is_named);
    suite_add_tcase(s, tc);
    return check_run(s);
}

/*
 * check_lnch_pmi.c -- the launcher's PMI-1 server (launcher/lnch_pmi) driven
 * over socketpairs, without starting any process: each fake rank's client
 * end is a socket the test writes requests to and reads replies from.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/lnch_job.h"
#include "launcher/lnch_pmi.h"
#include "check_run.h"

#define NRANKS 3

static lnch_job_t job;
static int client[NRANKS];

static void setup(void)
{
    ck_assert_int_eq(lnch_job_init(&job, NRANKS, 0), 0);
    for (int i = 0; i < NRANKS; i++) {
        int sv[2];
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        fcntl(sv[0], F_SETFL, O_NONBLOCK);
        job.ranks[i].pmi_fd = sv[0];
        job.ranks[i].alive = 1;   /* as if forked; pid 0 is never signalled */
        client[i] = sv[1];
    }
}

static void teardown(void)
{
    for (int i = 0; i < NRANKS; i++)
        close(client[i]);
    lnch_job_fini(&job);
}

/* Send a request from rank r and let the server read it. */
static void request(int r, const char *line)
{
    ck_assert_int_eq((int)write(client[r], line, strlen(line)), (int)strlen(line));
    (void)lnch_pmi_read(&job, &job.ranks[r]);
}

/* The reply rank r has waiting, or "" when none is there. */
static const char *reply(int r)
{
    static char buf[PMI_WIRE_LINE_MAX];
    struct pollfd p = {.fd = client[r], .events = POLLIN};
    if (poll(&p, 1, 0) != 1) {
        buf[0] = '\0';
        return buf;
    }
    ssize_t n = recv(client[r], buf, sizeof(buf) - 1, MSG_DONTWAIT);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

START_TEST(test_info_commands)
{
    char expect[512];
    request(0, "cmd=init pmi_version=1 pmi_subversion=1\n");
    ck_assert_str_eq(reply(0), "cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0\n");
    ck_assert_int_eq(job.ranks[0].pmi_inited, 1);
    request(0, "cmd=get_maxes\n");
    ck_assert_str_eq(reply(0), "cmd=maxes kvsname_max=256 keylen_max=64 vallen_max=1024 rc=0\n");
    request(0, "cmd=get_appnum\n");
    ck_assert_str_eq(reply(0), "cmd=appnum appnum=0 rc=0\n");
    request(0, "cmd=get_my_kvsname\n");
    snprintf(expect, sizeof(expect), "cmd=my_kvsname kvsname=%s rc=0\n", job.id);
    ck_assert_str_eq(reply(0), expect);
    request(0, "cmd=get_universe_size\n");
    ck_assert_str_eq(reply(0), "cmd=universe_size size=3 rc=0\n");
    ck_assert_int_eq(job.failed, 0);
}
END_TEST

START_TEST(test_init_wrong_version)
{
    request(1, "cmd=init pmi_version=2 pmi_subversion=0\n");
    ck_assert_ptr_nonnull(strstr(reply(1), "rc=-1"));
    ck_assert_int_eq(job.ranks[1].pmi_inited, 0);
}
END_TEST

START_TEST(test_job_id_charset)
{
    ck_assert(job.id[0] != '\0');
    ck_assert_int_eq((int)strspn(job.id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-"),
                     (int)strlen(job.id));
}
END_TEST

START_TEST(test_put_get)
{
    char line[512];
    snprintf(line, sizeof(line), "cmd=get kvsname=%s key=PMI_process_mapping\n", job.id);
    request(2, line);
    ck_assert_str_eq(reply(2), "cmd=get_result rc=0 value=(vector,(0,1,3))\n");

    snprintf(line, sizeof(line), "cmd=put kvsname=%s key=addr-0 value=a=b\n", job.id);
    request(0, line);
    ck_assert_str_eq(reply(0), "cmd=put_result rc=0\n");
    request(0, line);
    ck_assert_str_eq(reply(0), "cmd=put_result rc=-1 msg=duplicate_key_addr-0\n");

    snprintf(line, sizeof(line), "cmd=get kvsname=%s key=addr-0\n", job.id);
    request(1, line);
    ck_assert_str_eq(reply(1), "cmd=get_result rc=0 value=a=b\n");
    snprintf(line, sizeof(line), "cmd=get kvsname=%s key=nope\n", job.id);
    request(1, line);
    ck_assert_str_eq(reply(1), "cmd=get_result rc=-1 msg=key_nope_not_found\n");

    request(1, "cmd=get kvsname=other key=addr-0\n");
    ck_assert_str_eq(reply(1), "cmd=get_result rc=-1 msg=kvsname_other_unknown\n");
    ck_assert_int_eq(job.failed, 0);
}
END_TEST

START_TEST(test_put_store_full)
{
    char line[512];
    job.kvs.max_entries = job.kvs.count;   /* full now */
    snprintf(line, sizeof(line), "cmd=put kvsname=%s key=k value=v\n", job.id);
    request(0, line);
    ck_assert_ptr_nonnull(strstr(reply(0), "cmd=put_result rc=-1 msg="));
}
END_TEST

START_TEST(test_barrier_waits_for_all)
{
    request(0, "cmd=barrier_in\n");
    request(2, "cmd=barrier_in\n");
    ck_assert_str_eq(reply(0), "");
    ck_assert_str_eq(reply(2), "");
    request(1, "cmd=barrier_in\n");
    for (int r = 0; r < NRANKS; r++)
        ck_assert_str_eq(reply(r), "cmd=barrier_out\n");
    /* And a second barrier works the same. */
    for (int r = 0; r < NRANKS; r++)
        request(r, "cmd=barrier_in\n");
    for (int r = 0; r < NRANKS; r++)
        ck_assert_str_eq(reply(r), "cmd=barrier_out\n");
    ck_assert_int_eq(job.failed, 0);
}
END_TEST

START_TEST(test_barrier_twice_is_an_error)
{
    request(0, "cmd=barrier_in\n");
    request(0, "cmd=barrier_in\n");
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.exit_code, 1);
}
END_TEST

START_TEST(test_lines_split_and_batched)
{
    /* Half a line, then the rest with a second request in the same read. */
    request(0, "cmd=get_app");
    ck_assert_str_eq(reply(0), "");
    request(0, "num\ncmd=finalize\n");
    ck_assert_str_eq(reply(0), "cmd=appnum appnum=0 rc=0\ncmd=finalize_ack\n");
    ck_assert_int_eq(job.ranks[0].pmi_finalized, 1);
}
END_TEST

START_TEST(test_malformed_fails_job)
{
    request(1, "hello world\n");
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.exit_code, 1);
    ck_assert_int_eq(job.ranks[1].pmi_fd, -1);
}
END_TEST

START_TEST(test_unknown_command_fails_job)
{
    request(1, "cmd=spawn nprocs=2\n");
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.ranks[1].pmi_fd, -1);
}
END_TEST

START_TEST(test_missing_key_fails_job)
{
    request(0, "cmd=put key=k value=v\n");
    ck_assert_int_eq(job.failed, 1);
}
END_TEST

START_TEST(test_too_long_line_fails_job)
{
    char *big = malloc(PMI_WIRE_LINE_MAX + 100);
    memset(big, 'x', PMI_WIRE_LINE_MAX + 100);
    ck_assert_int_eq((int)write(client[0], big, PMI_WIRE_LINE_MAX + 100),
                     PMI_WIRE_LINE_MAX + 100);
    free(big);
    (void)lnch_pmi_read(&job, &job.ranks[0]);
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.ranks[0].pmi_fd, -1);
}
END_TEST

START_TEST(test_abort_sets_exit_code)
{
    request(2, "cmd=abort exitcode=7\n");
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.exit_code, 7);
    ck_assert_int_eq(job.ending, 1);
    /* A later failure does not change the decided exit code. */
    request(1, "garbage\n");
    ck_assert_int_eq(job.exit_code, 7);
}
END_TEST

START_TEST(test_eof_is_not_a_failure)
{
    close(client[0]);
    client[0] = -1;
    ck_assert_int_eq(lnch_pmi_read(&job, &job.ranks[0]), 1);
    ck_assert_int_eq(job.ranks[0].pmi_fd, -1);
    ck_assert_int_eq(job.failed, 0);
}
END_TEST

START_TEST(test_exit_during_barrier_fails_job)
{
    request(0, "cmd=barrier_in\n");
    request(1, "cmd=init pmi_version=1 pmi_subversion=1\n");
    request(1, "cmd=finalize\n");
    close(client[1]);
    client[1] = -1;
    /* A closed socket alone is not yet a failure ... */
    (void)lnch_pmi_read(&job, &job.ranks[1]);
    ck_assert_int_eq(job.failed, 0);
    /* ... the rank's exit (status 0, after finalize) while rank 0 waits is. */
    lnch_job_rank_exited(&job, &job.ranks[1], 0);
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.exit_code, 1);
}
END_TEST

START_TEST(test_exit_without_finalize_fails_job)
{
    request(2, "cmd=init pmi_version=1 pmi_subversion=1\n");
    lnch_job_rank_exited(&job, &job.ranks[2], 0);
    ck_assert_int_eq(job.failed, 1);
    ck_assert_int_eq(job.exit_code, 1);
}
END_TEST

START_TEST(test_exit_without_pmi_is_fine)
{
    /* Like `mini-mpirun -n 3 hostname`: no PMI at all, exit 0. */
    for (int r = 0; r < NRANKS; r++)
        lnch_job_rank_exited(&job, &job.ranks[r], 0);
    ck_assert_int_eq(job.failed, 0);
    ck_assert_int_eq(lnch_job_alive(&job), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_pmi");
    TCase *tc = tcase_create("server");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_info_commands);
    tcase_add_test(tc, test_init_wrong_version);
    tcase_add_test(tc, test_job_id_charset);
    tcase_add_test(tc, test_put_get);
    tcase_add_test(tc, test_put_store_full);
    tcase_add_test(tc, test_barrier_waits_for_all);
    tcase_add_test(tc, test_barrier_twice_is_an_error);
    tcase_add_test(tc, test_lines_split_and_batched);
    tcase_add_test(tc, test_malformed_fails_job);
    tcase_add_test(tc, test_unknown_command_fails_job);
    tcase_add_test(tc, test_missing_key_fails_job);
    tcase_add_test(tc, test_too_long_line_fails_job);
    tcase_add_test(tc, test_abort_sets_exit_code);
    tcase_add_test(tc, test_eof_is_not_a_failure);
    tcase_add_test(tc, test_exit_during_barrier_fails_job);
    tcase_add_test(tc, test_exit_without_finalize_fails_job);
    tcase_add_test(tc, test_exit_without_pmi_is_fine);
    suite_add_tcase(s, tc);
    return check_run(s);
}

/*
 * check_lnch_slurm.c -- Slurm host lists and task counts as mini-mpirun reads
 * them inside an allocation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_slurm.h"
#include "check_run.h"

/* Expand `list` and compare with the space-separated `expect`. */
static void expect_hosts(const char *list, const char *expect)
{
    char **names;
    int count;
    char err[256] = "";
    ck_assert_msg(lnch_slurm_expand_nodelist(list, &names, &count, err, sizeof(err)) == 0,
                  "'%s' rejected: %s", list, err);
    char joined[4096] = "";
    for (int i = 0; i < count; i++) {
        if (i > 0)
            strcat(joined, " ");
        strcat(joined, names[i]);
    }
    ck_assert_str_eq(joined, expect);
    lnch_slurm_free_names(names, count);
}

START_TEST(plain_and_compressed_lists)
{
    expect_hosts("vm", "vm");
    expect_hosts("a,b,c", "a b c");
    expect_hosts("node[01-04,07]", "node01 node02 node03 node04 node07");
    expect_hosts("node[8-11]", "node8 node9 node10 node11");
    expect_hosts("n[098-101]", "n098 n099 n100 n101");
    expect_hosts("gpu[1-2],login,cpu[3]", "gpu1 gpu2 login cpu3");
    expect_hosts("rack[1-2]-n[01-02]", "rack1-n01 rack1-n02 rack2-n01 rack2-n02");
    expect_hosts("x[5]y", "x5y");
}
END_TEST

START_TEST(malformed_lists_are_rejected)
{
    static const char *bad[] = {
        "", "node[", "node[1-", "node[3-1]", "node[a]", "node[1,]", "a,,b", "a,", "[1-2]x]",
        "node[1-2", "n[[1]]", "a b", "n[0-99999999]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char **names;
        int count;
        char err[256] = "";
        ck_assert_msg(lnch_slurm_expand_nodelist(bad[i], &names, &count, err, sizeof(err)) == -1,
                      "accepted '%s'", bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for '%s'", bad[i]);
    }
}
END_TEST

START_TEST(tasks_per_node)
{
    int tasks[6];
    char err[256];
    ck_assert_int_eq(lnch_slurm_tasks_per_node("2(x3),1", 4, tasks, err, sizeof(err)), 0);
    int expect[4] = {2, 2, 2, 1};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(tasks[i], expect[i]);
    ck_assert_int_eq(lnch_slurm_tasks_per_node("16", 1, tasks, err, sizeof(err)), 0);
    ck_assert_int_eq(tasks[0], 16);
    ck_assert_int_eq(lnch_slurm_tasks_per_node("1,4(x2)", 3, tasks, err, sizeof(err)), 0);
    ck_assert_int_eq(tasks[2], 4);
}
END_TEST

START_TEST(bad_task_counts_are_rejected)
{
    static const char *bad[] = {"", "2(x3", "2(3)", "0", "2,", "x", "2(x0)", "1,1,1"};
    int tasks[2];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[256] = "";
        ck_assert_msg(lnch_slurm_tasks_per_node(bad[i], 2, tasks, err, sizeof(err)) == -1,
                      "accepted '%s'", bad[i]);
    }
    char err[256] = "";
    /* Too few counts for the nodes listed is an error too. */
    ck_assert_int_eq(lnch_slurm_tasks_per_node("2", 2, tasks, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "1 of the 2 nodes listed"));
}
END_TEST

START_TEST(allocation_gives_hosts_and_slots)
{
    lnch_hosts_t hosts = {0};
    char err[512] = "";
    setenv("SLURM_JOB_NODELIST", "n[1-2],login", 1);
    setenv("SLURM_TASKS_PER_NODE", "3(x2),1", 1);
    ck_assert_int_eq(lnch_slurm_in_allocation(), 1);
    ck_assert_msg(lnch_slurm_hosts(&hosts, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(hosts.num, 3);
    ck_assert_str_eq(hosts.nodes[0].name, "n1");
    ck_assert_str_eq(hosts.nodes[2].name, "login");
    ck_assert_int_eq(hosts.nodes[1].slots, 3);
    ck_assert_int_eq(hosts.nodes[2].slots, 1);
    ck_assert_int_eq(lnch_hosts_slots(&hosts), 7);
    lnch_hosts_fini(&hosts);

    /* A malformed variable is named in the message. */
    lnch_hosts_t bad = {0};
    setenv("SLURM_TASKS_PER_NODE", "3(x5)", 1);
    ck_assert_int_eq(lnch_slurm_hosts(&bad, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "SLURM_TASKS_PER_NODE='3(x5)'"));
    lnch_hosts_fini(&bad);
    setenv("SLURM_JOB_NODELIST", "n[2-1]", 1);
    ck_assert_int_eq(lnch_slurm_hosts(&bad, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "SLURM_JOB_NODELIST='n[2-1]'"));
    lnch_hosts_fini(&bad);
    unsetenv("SLURM_JOB_NODELIST");
    unsetenv("SLURM_TASKS_PER_NODE");
    ck_assert_int_eq(lnch_slurm_in_allocation(), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_slurm");
    TCase *tc = tcase_create("allocation");
    tcase_add_test(tc, plain_and_compressed_lists);
    tcase_add_test(tc, malformed_lists_are_rejected);
    tcase_add_test(tc, tasks_per_node);
    tcase_add_test(tc, bad_task_counts_are_rejected);
    tcase_add_test(tc, allocation_gives_hosts_and_slots);
    suite_add_tcase(s, tc);
    return check_run(s);
}

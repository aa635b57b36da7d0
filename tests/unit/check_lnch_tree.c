/*
 * check_lnch_tree.c -- the launch tree of multi-node jobs (lnch_remote.h:
 * which daemon starts which node) and the launch agent's helpers
 * (lnch_agent.h: argv packed into a LAUNCH frame and back, the secret on
 * the agent's stdin).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "launcher/lnch_agent.h"
#include "launcher/lnch_remote.h"
#include "check_run.h"

/* Every node of a tree of `size` has one parent, is among that parent's k
 * children, and mini-mpirun starts exactly the first k. */
START_TEST(test_tree_shape)
{
    enum { SIZE = 300 };
    for (int k = 1; k <= 7; k++) {
        int launched_by[SIZE];
        for (int t = 0; t < SIZE; t++)
            launched_by[t] = -2;
        for (int p = -1; p < SIZE; p++) {
            int first = p < 0 ? 0 : lnch_remote_tree_first_child(p, k);
            for (int c = first; c < first + k && c < SIZE; c++) {
                ck_assert_msg(launched_by[c] == -2, "k=%d: node %d launched twice", k, c);
                launched_by[c] = p;
            }
        }
        for (int t = 0; t < SIZE; t++) {
            ck_assert_msg(launched_by[t] != -2, "k=%d: node %d never launched", k, t);
            ck_assert_int_eq(lnch_remote_tree_parent(t, k), launched_by[t]);
            ck_assert_int_lt(lnch_remote_tree_parent(t, k), t);   /* parents boot first */
        }
    }
}
END_TEST

/* The point of the tree: with 32 children each, 1000 nodes are two levels
 * deep, and a fan-out too large to multiply does not overflow. */
START_TEST(test_tree_depth)
{
    int deepest = 0;
    for (int t = 0; t < 1000; t++) {
        int depth = 0;
        for (int p = t; p >= 0; p = lnch_remote_tree_parent(p, 32))
            depth++;
        deepest = depth > deepest ? depth : deepest;
    }
    ck_assert_int_eq(deepest, 2);
    ck_assert_int_eq(lnch_remote_tree_parent(5, 1 << 30), -1);
    ck_assert_int_ge(lnch_remote_tree_first_child(3, 1 << 30), 1 << 30);
}
END_TEST

START_TEST(test_pack_unpack)
{
    char *argv[] = {"/bin/sh", "-c", "exec x \"$@\"", "", "host", NULL};
    size_t len = 0;
    char *buf = lnch_agent_pack(argv, &len);
    ck_assert_ptr_nonnull(buf);
    char **back = lnch_agent_unpack(buf, len);
    ck_assert_ptr_nonnull(back);
    for (int i = 0; argv[i] != NULL; i++)
        ck_assert_str_eq(back[i], argv[i]);
    ck_assert_ptr_null(back[5]);
    free(back);
    /* A payload cut short (no final NUL) or empty is refused. */
    ck_assert_ptr_null(lnch_agent_unpack(buf, len - 1));
    ck_assert_ptr_null(lnch_agent_unpack(buf, 0));
    free(buf);
}
END_TEST

START_TEST(test_spawn_gives_secret_on_stdin)
{
    char *ok[] = {"/bin/sh", "-c", "read s && [ \"$s\" = c0ffee ]", NULL};
    int status;
    pid_t pid = lnch_agent_spawn(ok, "c0ffee");
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pid = lnch_agent_spawn(ok, "other");
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    char *missing[] = {"/nonexistent/agent", NULL};
    pid = lnch_agent_spawn(missing, "x");
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_tree");
    TCase *tc = tcase_create("tree");
    tcase_add_test(tc, test_tree_shape);
    tcase_add_test(tc, test_tree_depth);
    tcase_add_test(tc, test_pack_unpack);
    tcase_add_test(tc, test_spawn_gives_secret_on_stdin);
    suite_add_tcase(s, tc);
    return check_run(s);
}

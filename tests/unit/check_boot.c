/*
 * check_boot.c -- the bootstrap's reading of PMI_process_mapping.
 */
#include <check.h>
#include <stdlib.h>

#include "rt_boot.h"

START_TEST(one_node)
{
    int node[4];
    ck_assert_int_eq(rt_boot_parse_mapping("(vector,(0,1,4))", 4, node), 1);
    for (int r = 0; r < 4; r++)
        ck_assert_int_eq(node[r], 0);
}
END_TEST

START_TEST(blocks_of_two_nodes)
{
    int node[6];
    /* Two nodes with three ranks each, in blocks. */
    ck_assert_int_eq(rt_boot_parse_mapping("(vector,(0,2,3))", 6, node), 2);
    int expect[6] = {0, 0, 0, 1, 1, 1};
    for (int r = 0; r < 6; r++)
        ck_assert_int_eq(node[r], expect[r]);
}
END_TEST

START_TEST(round_robin_repeats_the_vector)
{
    int node[5];
    /* One rank per node over two nodes, repeated: ranks alternate nodes. */
    ck_assert_int_eq(rt_boot_parse_mapping("(vector,(0,2,1))", 5, node), 2);
    int expect[5] = {0, 1, 0, 1, 0};
    for (int r = 0; r < 5; r++)
        ck_assert_int_eq(node[r], expect[r]);
}
END_TEST

START_TEST(several_blocks)
{
    int node[5];
    ck_assert_int_eq(rt_boot_parse_mapping("(vector,(0,1,2),(1,2,1),(3,1,1))", 5, node), 4);
    int expect[5] = {0, 0, 1, 2, 3};
    for (int r = 0; r < 5; r++)
        ck_assert_int_eq(node[r], expect[r]);
}
END_TEST

START_TEST(malformed_is_rejected)
{
    static const char *bad[] = {
        "", "(vector)", "(vector,)", "(vector,(0,1))", "(vector,(0,1,4)", "(vector,(0,1,4)))",
        "(vector,(a,1,4))", "(vector,(0,0,4))", "(vector,(0,1,0))", "vector,(0,1,4)",
        "(vector,(0,1,99999999999))", "(vector,(0,1,4),)", "(vector;(0,1,4))",
    };
    int node[4];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(rt_boot_parse_mapping(bad[i], 4, node) == -1, "accepted '%s'", bad[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("boot");
    TCase *tc = tcase_create("process_mapping");
    tcase_add_test(tc, one_node);
    tcase_add_test(tc, blocks_of_two_nodes);
    tcase_add_test(tc, round_robin_repeats_the_vector);
    tcase_add_test(tc, several_blocks);
    tcase_add_test(tc, malformed_is_rejected);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

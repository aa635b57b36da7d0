/*
 * check_lnch_kvs.c -- the launcher's PMI key-value store (launcher/lnch_kvs).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "launcher/lnch_kvs.h"
#include "check_run.h"

START_TEST(test_put_get)
{
    lnch_kvs_t kvs;
    ck_assert_int_eq(lnch_kvs_init(&kvs, 100), 0);
    ck_assert_ptr_null(lnch_kvs_get(&kvs, "a"));
    ck_assert_int_eq(lnch_kvs_put(&kvs, "a", "1"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "b", ""), LNCH_KVS_OK);
    ck_assert_str_eq(lnch_kvs_get(&kvs, "a"), "1");
    ck_assert_str_eq(lnch_kvs_get(&kvs, "b"), "");
    ck_assert_ptr_null(lnch_kvs_get(&kvs, "c"));
    lnch_kvs_fini(&kvs);
}
END_TEST

START_TEST(test_duplicate_keeps_first)
{
    lnch_kvs_t kvs;
    ck_assert_int_eq(lnch_kvs_init(&kvs, 100), 0);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "k", "first"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "k", "second"), LNCH_KVS_DUPLICATE);
    ck_assert_str_eq(lnch_kvs_get(&kvs, "k"), "first");
    lnch_kvs_fini(&kvs);
}
END_TEST

START_TEST(test_full)
{
    lnch_kvs_t kvs;
    ck_assert_int_eq(lnch_kvs_init(&kvs, 3), 0);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "a", "1"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "b", "2"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "c", "3"), LNCH_KVS_OK);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "d", "4"), LNCH_KVS_FULL);
    ck_assert_int_eq(lnch_kvs_put(&kvs, "a", "5"), LNCH_KVS_DUPLICATE);
    ck_assert_ptr_null(lnch_kvs_get(&kvs, "d"));
    lnch_kvs_fini(&kvs);
}
END_TEST

START_TEST(test_many_keys_survive_growth)
{
    lnch_kvs_t kvs;
    char key[32], value[32];
    ck_assert_int_eq(lnch_kvs_init(&kvs, LNCH_KVS_MAX_ENTRIES), 0);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "rank-%d-addr", i);
        snprintf(value, sizeof(value), "v%d", i * 7);
        ck_assert_int_eq(lnch_kvs_put(&kvs, key, value), LNCH_KVS_OK);
    }
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "rank-%d-addr", i);
        snprintf(value, sizeof(value), "v%d", i * 7);
        ck_assert_str_eq(lnch_kvs_get(&kvs, key), value);
    }
    ck_assert_int_eq((int)kvs.count, 20000);
    lnch_kvs_fini(&kvs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lnch_kvs");
    TCase *tc = tcase_create("kvs");
    tcase_add_test(tc, test_put_get);
    tcase_add_test(tc, test_duplicate_keeps_first);
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_many_keys_survive_growth);
    suite_add_tcase(s, tc);
    return check_run(s);
}

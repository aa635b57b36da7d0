/*
 * check_pmi_wire.c -- the PMI-1 line parser and formatter (common/pmi_wire).
 *
 * The parser reads lines from untrusted peers: every malformed line must
 * give an error with a reason, and no input may crash it (the random-input
 * test runs under the sanitizer build in CI).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmi_wire.h"
#include "check_run.h"

static pmi_wire_msg_t msg;
static char err[256];

static int parse(const char *line)
{
    err[0] = '\0';
    return pmi_wire_parse(line, strlen(line), &msg, err, sizeof(err));
}

/* The line fails to parse, with a reason containing `why`. */
static void expect_bad(const char *line, size_t len, const char *why)
{
    err[0] = '\0';
    ck_assert_int_eq(pmi_wire_parse(line, len, &msg, err, sizeof(err)), -1);
    ck_assert_msg(err[0] != '\0', "no reason given for a bad line");
    ck_assert_msg(strstr(err, why) != NULL, "reason '%s' lacks '%s'", err, why);
}

START_TEST(test_parse_put)
{
    ck_assert_int_eq(parse("cmd=put kvsname=job-1 key=a value=b\n"), 0);
    ck_assert_int_eq(msg.num_pairs, 4);
    ck_assert_str_eq(pmi_wire_cmd(&msg), "put");
    ck_assert_str_eq(pmi_wire_get(&msg, "kvsname"), "job-1");
    ck_assert_str_eq(pmi_wire_get(&msg, "key"), "a");
    ck_assert_str_eq(pmi_wire_get(&msg, "value"), "b");
    ck_assert_ptr_null(pmi_wire_get(&msg, "missing"));
}
END_TEST

START_TEST(test_parse_value_with_equals)
{
    ck_assert_int_eq(parse("cmd=get_result rc=0 value=(vector,(0,1,4))=x=\n"), 0);
    ck_assert_str_eq(pmi_wire_get(&msg, "value"), "(vector,(0,1,4))=x=");
}
END_TEST

START_TEST(test_parse_spaces_collapse)
{
    ck_assert_int_eq(parse("   cmd=barrier_in    a=1  b=2   \n"), 0);
    ck_assert_int_eq(msg.num_pairs, 3);
    ck_assert_str_eq(pmi_wire_cmd(&msg), "barrier_in");
    ck_assert_str_eq(pmi_wire_get(&msg, "a"), "1");
    ck_assert_str_eq(pmi_wire_get(&msg, "b"), "2");
}
END_TEST

START_TEST(test_parse_without_newline_and_empty_value)
{
    ck_assert_int_eq(parse("cmd=put key=k value="), 0);
    ck_assert_str_eq(pmi_wire_get(&msg, "value"), "");
}
END_TEST

START_TEST(test_parse_mcmd)
{
    ck_assert_int_eq(parse("mcmd=spawn nprocs=2\n"), 0);
    ck_assert_str_eq(pmi_wire_cmd(&msg), "spawn");
}
END_TEST

START_TEST(test_parse_limits_accepted)
{
    /* The longest key and value, and the most pairs, still parse. */
    char line[PMI_WIRE_LINE_MAX];
    char key[PMI_WIRE_KEY_MAX], value[PMI_WIRE_VALUE_MAX];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    memset(value, 'v', sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    snprintf(line, sizeof(line), "cmd=put %s=%s\n", key, value);
    ck_assert_int_eq(parse(line), 0);
    ck_assert_str_eq(pmi_wire_get(&msg, key), value);

    strcpy(line, "cmd=x");
    for (int i = 1; i < PMI_WIRE_PAIRS_MAX; i++)
        sprintf(line + strlen(line), " k%d=%d", i, i);
    ck_assert_int_eq(parse(line), 0);
    ck_assert_int_eq(msg.num_pairs, PMI_WIRE_PAIRS_MAX);
}
END_TEST

START_TEST(test_bad_no_equals)
{
    expect_bad("cmd=put foo\n", 12, "has no '='");
}
END_TEST

START_TEST(test_bad_empty_key)
{
    expect_bad("cmd=put =value\n", 15, "empty key");
}
END_TEST

START_TEST(test_bad_control_chars)
{
    expect_bad("cmd=put\tkey=v\n", 14, "control character");
    expect_bad("cmd=put key=v\r\n", 15, "control character");
    expect_bad("cmd=put key=a\nb\n", 16, "control character");
    expect_bad("cmd=put key=\x7f\n", 14, "control character");
    expect_bad("cmd=put key=\xc3\xa9\n", 15, "control character");
}
END_TEST

START_TEST(test_bad_nul)
{
    expect_bad("cmd=put key=a\0b\n", 16, "NUL");
}
END_TEST

START_TEST(test_bad_too_long)
{
    char *line = malloc(PMI_WIRE_LINE_MAX + 10);
    ck_assert_ptr_nonnull(line);
    memcpy(line, "cmd=put value=", 14);
    memset(line + 14, 'x', PMI_WIRE_LINE_MAX + 10 - 14);
    expect_bad(line, PMI_WIRE_LINE_MAX + 10, "longer than");
    free(line);

    char key[PMI_WIRE_KEY_MAX + 16];
    memset(key, 'k', PMI_WIRE_KEY_MAX);
    strcpy(key + PMI_WIRE_KEY_MAX, "=1");
    char l2[256];
    int n = snprintf(l2, sizeof(l2), "cmd=put %s\n", key);
    expect_bad(l2, (size_t)n, "key longer than");

    char l3[PMI_WIRE_VALUE_MAX + 32];
    n = snprintf(l3, sizeof(l3), "cmd=put value=");
    memset(l3 + n, 'v', PMI_WIRE_VALUE_MAX);
    l3[n + PMI_WIRE_VALUE_MAX] = '\n';
    expect_bad(l3, (size_t)n + PMI_WIRE_VALUE_MAX + 1, "value longer than");
}
END_TEST

START_TEST(test_bad_too_many_pairs)
{
    char line[PMI_WIRE_LINE_MAX];
    strcpy(line, "cmd=x");
    for (int i = 0; i < PMI_WIRE_PAIRS_MAX; i++)
        sprintf(line + strlen(line), " k%d=%d", i, i);
    expect_bad(line, strlen(line), "more than");
}
END_TEST

START_TEST(test_bad_first_not_cmd)
{
    expect_bad("key=v cmd=put\n", 14, "not cmd");
}
END_TEST

START_TEST(test_bad_empty)
{
    expect_bad("", 0, "empty line");
    expect_bad("\n", 1, "empty line");
    expect_bad("     \n", 6, "empty line");
    expect_bad("cmd=\n", 5, "empty command");
    err[0] = '\0';
    ck_assert_int_eq(pmi_wire_parse(NULL, 0, &msg, err, sizeof(err)), -1);
    ck_assert(err[0] != '\0');
}
END_TEST

START_TEST(test_random_input_never_crashes)
{
    /* Random lines made mostly of the characters that matter to the parser. */
    static const char alphabet[] = "cmd= =\n\t\0akv\x01\xff";
    char line[PMI_WIRE_LINE_MAX + 64];
    unsigned seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = (size_t)(rand_r(&seed) % (int)sizeof(line));
        if (iter % 4 != 0)
            len %= 80;
        for (size_t i = 0; i < len; i++)
            line[i] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
        if (iter % 3 == 0 && len >= 4)
            memcpy(line, "cmd=", 4);
        err[0] = '\0';
        int rc = pmi_wire_parse(line, len, &msg, err, sizeof(err));
        if (rc == 0) {
            ck_assert_int_ge(msg.num_pairs, 1);
            ck_assert_ptr_nonnull(pmi_wire_cmd(&msg));
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert(err[0] != '\0');
        }
    }
}
END_TEST

START_TEST(test_format_round_trip)
{
    char out[PMI_WIRE_LINE_MAX];
    int n = pmi_wire_format(out, sizeof(out), "put", "kvsname", "job-1", "key", "k", "value",
                            "a=b", NULL);
    ck_assert_int_gt(n, 0);
    ck_assert_str_eq(out, "cmd=put kvsname=job-1 key=k value=a=b\n");
    ck_assert_int_eq((int)strlen(out), n);
    ck_assert_int_eq(pmi_wire_parse(out, (size_t)n, &msg, err, sizeof(err)), 0);
    ck_assert_str_eq(pmi_wire_cmd(&msg), "put");
    ck_assert_str_eq(pmi_wire_get(&msg, "value"), "a=b");

    n = pmi_wire_format(out, sizeof(out), "barrier_out", NULL);
    ck_assert_str_eq(out, "cmd=barrier_out\n");
    ck_assert_int_eq(n, 16);
}
END_TEST

START_TEST(test_format_rejects)
{
    char out[PMI_WIRE_LINE_MAX];
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "bad key", "v", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "k=y", "v", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "", "v", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "k", "a b", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "k", "a\nb", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "put", "k", NULL, NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, sizeof(out), "a b", NULL), -1);
    /* Does not fit: nothing overflows, -1 is returned. */
    ck_assert_int_eq(pmi_wire_format(out, 10, "put", "key", "value", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, 16, "barrier_out", NULL), -1);
    ck_assert_int_eq(pmi_wire_format(out, 17, "barrier_out", NULL), 16);
}
END_TEST

START_TEST(test_key_value_ok)
{
    char key[PMI_WIRE_KEY_MAX + 1], value[PMI_WIRE_VALUE_MAX + 1];
    memset(key, 'k', sizeof(key));
    key[PMI_WIRE_KEY_MAX - 1] = '\0';
    ck_assert(pmi_wire_key_ok(key));
    key[PMI_WIRE_KEY_MAX - 1] = 'k';
    key[PMI_WIRE_KEY_MAX] = '\0';
    ck_assert(!pmi_wire_key_ok(key));
    memset(value, 'v', sizeof(value));
    value[PMI_WIRE_VALUE_MAX - 1] = '\0';
    ck_assert(pmi_wire_value_ok(value));
    value[PMI_WIRE_VALUE_MAX - 1] = 'v';
    value[PMI_WIRE_VALUE_MAX] = '\0';
    ck_assert(!pmi_wire_value_ok(value));
    ck_assert(pmi_wire_value_ok(""));
    ck_assert(!pmi_wire_key_ok(""));
    ck_assert(!pmi_wire_key_ok(NULL));
    ck_assert(!pmi_wire_value_ok(NULL));
}
END_TEST

static Suite *pmi_wire_suite(void)
{
    Suite *s = suite_create("pmi_wire");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_put);
    tcase_add_test(tc, test_parse_value_with_equals);
    tcase_add_test(tc, test_parse_spaces_collapse);
    tcase_add_test(tc, test_parse_without_newline_and_empty_value);
    tcase_add_test(tc, test_parse_mcmd);
    tcase_add_test(tc, test_parse_limits_accepted);
    tcase_add_test(tc, test_bad_no_equals);
    tcase_add_test(tc, test_bad_empty_key);
    tcase_add_test(tc, test_bad_control_chars);
    tcase_add_test(tc, test_bad_nul);
    tcase_add_test(tc, test_bad_too_long);
    tcase_add_test(tc, test_bad_too_many_pairs);
    tcase_add_test(tc, test_bad_first_not_cmd);
    tcase_add_test(tc, test_bad_empty);
    tcase_add_test(tc, test_random_input_never_crashes);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("format");
    tcase_add_test(tf, test_format_round_trip);
    tcase_add_test(tf, test_format_rejects);
    tcase_add_test(tf, test_key_value_ok);
    suite_add_tcase(s, tf);
    return s;
}

int main(void)
{
    return check_run(pmi_wire_suite());
}

/*
 * check_lnch_args.c -- mini-mpirun's command-line parser (launcher/lnch_args).
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_args.h"
#include "check_run.h"

static lnch_args_t args;
static char err[512];
static char *argv_buf[64];

/* Parse the NULL-terminated words after "mini-mpirun". */
static int parse(const char *first, ...)
{
    va_list ap;
    int argc = 0;
    argv_buf[argc++] = "mini-mpirun";
    va_start(ap, first);
    for (const char *w = first; w != NULL; w = va_arg(ap, const char *))
        argv_buf[argc++] = (char *)w;
    va_end(ap);
    argv_buf[argc] = NULL;
    err[0] = '\0';
    return lnch_args_parse(argc, argv_buf, &args, err, sizeof(err));
}

static void expect_error(const char *text)
{
    ck_assert_msg(strstr(err, text) != NULL, "error '%s' lacks '%s'", err, text);
    lnch_args_fini(&args);
}

START_TEST(test_defaults)
{
    ck_assert_int_eq(parse("prog", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_RUN);
    ck_assert_int_eq(args.np, 1);
    ck_assert_int_eq(args.tag_output, 0);
    ck_assert(args.timeout == 0);
    ck_assert_int_eq(args.num_env, 0);
    ck_assert_str_eq(args.prog_argv[0], "prog");
    ck_assert_ptr_null(args.prog_argv[1]);
    lnch_args_fini(&args);
}
END_TEST

START_TEST(test_np_spellings)
{
    const char *flags[] = {"-n", "-np", "--np"};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(parse(flags[i], "4", "prog", NULL), 0);
        ck_assert_int_eq(args.np, 4);
        lnch_args_fini(&args);
    }
    ck_assert_int_eq(parse("-n=3", "prog", NULL), 0);
    ck_assert_int_eq(args.np, 3);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("--np=5", "prog", NULL), 0);
    ck_assert_int_eq(args.np, 5);
    lnch_args_fini(&args);
}
END_TEST

START_TEST(test_all_options)
{
    ck_assert_int_eq(parse("--oversubscribe", "-x", "A", "-x", "B=1=2", "--tag-output",
                           "--allow-run-as-root", "--timeout", "2.5", "-np", "8", "prog",
                           "-n", "3", "--tag-output", NULL),
                     0);
    ck_assert_int_eq(args.np, 8);
    ck_assert_int_eq(args.tag_output, 1);
    ck_assert(args.timeout == 2.5);
    ck_assert_int_eq(args.num_env, 2);
    ck_assert_str_eq(args.env[0], "A");
    ck_assert_str_eq(args.env[1], "B=1=2");
    /* Everything after the program is the program's. */
    ck_assert_str_eq(args.prog_argv[0], "prog");
    ck_assert_str_eq(args.prog_argv[1], "-n");
    ck_assert_str_eq(args.prog_argv[2], "3");
    ck_assert_str_eq(args.prog_argv[3], "--tag-output");
    ck_assert_ptr_null(args.prog_argv[4]);
    lnch_args_fini(&args);
}
END_TEST

START_TEST(test_double_dash)
{
    ck_assert_int_eq(parse("-n", "2", "--", "-weird-prog", "x", NULL), 0);
    ck_assert_str_eq(args.prog_argv[0], "-weird-prog");
    lnch_args_fini(&args);
}
END_TEST

START_TEST(test_bad_np)
{
    ck_assert_int_eq(parse("-n", "0", "prog", NULL), -1);
    ck_assert_str_eq(err, "invalid value '0' for -n: must be a positive integer");
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("-np", "abc", "prog", NULL), -1);
    expect_error("invalid value 'abc' for -np");
    ck_assert_int_eq(parse("-n", "-3", "prog", NULL), -1);
    expect_error("invalid value '-3' for -n");
    ck_assert_int_eq(parse("-n", "4x", "prog", NULL), -1);
    expect_error("invalid value '4x' for -n");
    ck_assert_int_eq(parse("-n", "", "prog", NULL), -1);
    expect_error("for -n");
    ck_assert_int_eq(parse("-n", "99999999999999999999", "prog", NULL), -1);
    expect_error("for -n");
    ck_assert_int_eq(parse("-n", "5000", "prog", NULL), -1);
    expect_error("must be at most 4096");
    ck_assert_int_eq(parse("--np=0", "prog", NULL), -1);
    expect_error("invalid value '0' for --np");
}
END_TEST

START_TEST(test_bad_timeout)
{
    const char *bad[] = {"-1", "0", "abc", "inf", "nan", "1e3", "0x10", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(parse("--timeout", bad[i], "prog", NULL), -1);
        expect_error("for --timeout: must be a positive number of seconds");
    }
    ck_assert_int_eq(parse("--timeout", "99999999999", "prog", NULL), -1);
    expect_error("must be at most");
}
END_TEST

START_TEST(test_bad_env)
{
    const char *bad[] = {"1A", "", "=v", "A-B", "A B=c"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(parse("-x", bad[i], "prog", NULL), -1);
        expect_error("for -x");
    }
    ck_assert(lnch_args_env_name_ok("_A1", 3));
    ck_assert(!lnch_args_env_name_ok("9", 1));
}
END_TEST

START_TEST(test_missing_value_and_program)
{
    ck_assert_int_eq(parse("-n", NULL), -1);
    expect_error("option '-n' needs a value");
    ck_assert_int_eq(parse("prog", NULL), 0);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse(NULL), -1);
    expect_error("no program to run");
    ck_assert_int_eq(parse("-n", "2", NULL), -1);
    expect_error("no program to run");
    ck_assert_int_eq(parse("-n", "2", "--", NULL), -1);
    expect_error("no program to run");
}
END_TEST

START_TEST(test_unknown_option)
{
    ck_assert_int_eq(parse("--bogus", "prog", NULL), -1);
    ck_assert_str_eq(err, "unknown option '--bogus'");
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("-nx", "prog", NULL), -1);
    expect_error("unknown option '-nx'");
}
END_TEST

START_TEST(test_info_actions)
{
    ck_assert_int_eq(parse("--help", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_HELP);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("-n", "2", "-h", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_HELP);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("--help-env", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_HELP_ENV);
    lnch_args_fini(&args);
    ck_assert_int_eq(parse("--version", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_VERSION);
    lnch_args_fini(&args);
    /* After the program, --help is the program's. */
    ck_assert_int_eq(parse("prog", "--help", NULL), 0);
    ck_assert_int_eq(args.action, LNCH_ACTION_RUN);
    lnch_args_fini(&args);
}
END_TEST

START_TEST(test_usage_lists_every_flag)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    lnch_args_usage(f);
    fclose(f);
    const char *flags[] = {"-n N", "-np N", "--np N", "-x VAR", "--tag-output", "--timeout S",
                           "--oversubscribe", "--allow-run-as-root", "--help", "--help-env",
                           "--version", "124", "127", "126"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        ck_assert_msg(strstr(text, flags[i]) != NULL, "usage lacks '%s'", flags[i]);
    free(text);
}
END_TEST

static Suite *args_suite(void)
{
    Suite *s = suite_create("lnch_args");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_np_spellings);
    tcase_add_test(tc, test_all_options);
    tcase_add_test(tc, test_double_dash);
    tcase_add_test(tc, test_bad_np);
    tcase_add_test(tc, test_bad_timeout);
    tcase_add_test(tc, test_bad_env);
    tcase_add_test(tc, test_missing_value_and_program);
    tcase_add_test(tc, test_unknown_option);
    tcase_add_test(tc, test_info_actions);
    tcase_add_test(tc, test_usage_lists_every_flag);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(args_suite());
}

/*
 * check_lnch_stdio.c -- line-preserving output forwarding (launcher/lnch_stdio).
 *
 * A stream writes into a temporary file here; the tests read back exactly
 * what the launcher would have written to its stdout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/lnch_stdio.h"
#include "check_run.h"

static FILE *sink;
static lnch_stream_t s;
static char got[8192];

static void setup_stream(const char *prefix, size_t line_max)
{
    sink = tmpfile();
    ck_assert_ptr_nonnull(sink);
    lnch_stream_init(&s, -1, fileno(sink), prefix);
    if (line_max != 0)
        s.line_max = line_max;
}

/* What was written so far. */
static const char *written(void)
{
    off_t end = lseek(fileno(sink), 0, SEEK_CUR);
    ck_assert(end >= 0 && (size_t)end < sizeof(got));
    ck_assert_int_eq((int)pread(fileno(sink), got, (size_t)end, 0), (int)end);
    got[end] = '\0';
    return got;
}

static void feed(const char *text)
{
    ck_assert_int_eq(lnch_stream_feed(&s, text, strlen(text)), 0);
}

static void teardown_stream(void)
{
    lnch_stream_finish(&s);
    fclose(sink);
}

START_TEST(test_lines_split_across_feeds)
{
    setup_stream(NULL, 0);
    feed("hel");
    ck_assert_str_eq(written(), "");
    feed("lo\nwor");
    ck_assert_str_eq(written(), "hello\n");
    feed("ld\nx\ny\n");
    ck_assert_str_eq(written(), "hello\nworld\nx\ny\n");
    teardown_stream();
}
END_TEST

START_TEST(test_partial_last_line_flushed)
{
    setup_stream(NULL, 0);
    feed("a\nno newline");
    ck_assert_str_eq(written(), "a\n");
    lnch_stream_finish(&s);
    ck_assert_str_eq(written(), "a\nno newline\n");
    lnch_stream_finish(&s);      /* idempotent */
    ck_assert_str_eq(written(), "a\nno newline\n");
    fclose(sink);
}
END_TEST

START_TEST(test_nothing_pending_adds_nothing)
{
    setup_stream(NULL, 0);
    feed("done\n");
    lnch_stream_finish(&s);
    ck_assert_str_eq(written(), "done\n");
    fclose(sink);
}
END_TEST

START_TEST(test_tag_prefix_each_line)
{
    setup_stream("[1,2]<stdout>:", 0);
    feed("one\ntw");
    feed("o\nthree");
    lnch_stream_finish(&s);
    ck_assert_str_eq(written(), "[1,2]<stdout>:one\n[1,2]<stdout>:two\n[1,2]<stdout>:three\n");
    fclose(sink);
}
END_TEST

START_TEST(test_long_line_in_pieces)
{
    /* Lines longer than line_max are written in pieces; no byte is lost and
     * the prefix appears once, at the start of the line. */
    setup_stream("P:", 8);
    feed("0123456789abcdefXYZ\nshort\n");
    ck_assert_str_eq(written(), "P:0123456789abcdefXYZ\nP:short\n");
    feed("abcde");
    feed("fghijkl");
    feed("mn\n");
    ck_assert_str_eq(written(), "P:0123456789abcdefXYZ\nP:short\nP:abcdefghijklmn\n");
    teardown_stream();
}
END_TEST

START_TEST(test_long_line_untagged)
{
    setup_stream(NULL, 4);
    feed("abcdefghij");
    ck_assert_str_eq(written(), "abcdefgh");
    feed("\n");
    ck_assert_str_eq(written(), "abcdefghij\n");
    teardown_stream();
}
END_TEST

START_TEST(test_read_from_pipe)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    sink = tmpfile();
    lnch_stream_init(&s, p[0], fileno(sink), "[1,0]<stderr>:");
    ck_assert_int_eq((int)write(p[1], "x\ny", 3), 3);
    close(p[1]);
    /* The write end is closed: reading reaches end of file and finishes. */
    ck_assert_int_eq(lnch_stream_read(&s), 1);
    ck_assert_int_eq(s.fd, -1);
    ck_assert_str_eq(written(), "[1,0]<stderr>:x\n[1,0]<stderr>:y\n");
    fclose(sink);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("lnch_stdio");
    TCase *tc = tcase_create("stream");
    tcase_add_test(tc, test_lines_split_across_feeds);
    tcase_add_test(tc, test_partial_last_line_flushed);
    tcase_add_test(tc, test_nothing_pending_adds_nothing);
    tcase_add_test(tc, test_tag_prefix_each_line);
    tcase_add_test(tc, test_long_line_in_pieces);
    tcase_add_test(tc, test_long_line_untagged);
    tcase_add_test(tc, test_read_from_pipe);
    suite_add_tcase(su, tc);
    return check_run(su);
}

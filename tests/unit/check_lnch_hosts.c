/*
 * check_lnch_hosts.c -- host lists and hostfiles (launcher/lnch_hosts), the
 * rank mapping and PMI_process_mapping (launcher/lnch_map), and the new
 * multi-node options of the command line.
 */
#define _GNU_SOURCE             /* fmemopen */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_args.h"
#include "launcher/lnch_hosts.h"
#include "launcher/lnch_map.h"
#include "check_run.h"

static char err[1024];

/* Parse `text` as a hostfile named "hf". */
static int parse_file(lnch_hosts_t *h, const char *text)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    ck_assert_ptr_nonnull(f);
    err[0] = '\0';
    int rc = lnch_hosts_add_file(h, f, "hf", err, sizeof(err));
    fclose(f);
    return rc;
}

static void expect_err(const char *text)
{
    ck_assert_msg(strstr(err, text) != NULL, "error '%s' lacks '%s'", err, text);
}

START_TEST(test_list)
{
    lnch_hosts_t h = {0};
    ck_assert_int_eq(lnch_hosts_add_list(&h, "a:4,b,c.example.org:2,a:1", err, sizeof(err)), 0);
    ck_assert_int_eq(h.num, 3);
    ck_assert_str_eq(h.nodes[0].name, "a");
    ck_assert_int_eq(h.nodes[0].slots, 5);     /* named twice: slots add up */
    ck_assert_str_eq(h.nodes[1].name, "b");
    ck_assert_int_eq(h.nodes[1].slots, 1);
    ck_assert_str_eq(h.nodes[2].name, "c.example.org");
    ck_assert_int_eq(lnch_hosts_slots(&h), 8);
    lnch_hosts_fini(&h);
}
END_TEST

START_TEST(test_bad_list)
{
    const char *bad[] = {"", "a:0", "a:", "a:x", "a,,b", "a b", "a:4:2", "a:-1", "a:70000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lnch_hosts_t h = {0};
        ck_assert_msg(lnch_hosts_add_list(&h, bad[i], err, sizeof(err)) != 0, "'%s' accepted",
                      bad[i]);
        ck_assert(err[0] != '\0');
        lnch_hosts_fini(&h);
    }
}
END_TEST

START_TEST(test_file_formats)
{
    lnch_hosts_t h = {0};
    ck_assert_int_eq(parse_file(&h, "# a cluster\n"
                                    "\n"
                                    "n1 slots=4   # Open MPI\n"
                                    "  n2:2\t\n"
                                    "n3 slots=2 max_slots=8\n"
                                    "n4\n"
                                    "n1:1\n"),
                     0);
    ck_assert_int_eq(h.num, 4);
    ck_assert_int_eq(h.nodes[0].slots, 5);
    ck_assert_int_eq(h.nodes[1].slots, 2);
    ck_assert_int_eq(h.nodes[2].slots, 2);
    ck_assert_int_eq(h.nodes[3].slots, 1);
    lnch_hosts_fini(&h);
}
END_TEST

START_TEST(test_file_errors_name_the_line)
{
    struct {
        const char *text, *msg;
    } cases[] = {
        {"a\nb slots=x\n", "hf:2: "},
        {"a\n\n# c\nb:0\n", "hf:4: "},
        {"a slots=2 foo\n", "hf:1: unexpected 'foo'"},
        {"ok\nb@d!host\n", "hf:2: bad host name"},
        {"# nothing\n\n", "no hosts"},
        {"a:2 slots=3\n", "hf:1: unexpected 'slots=3'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lnch_hosts_t h = {0};
        ck_assert_msg(parse_file(&h, cases[i].text) != 0, "case %zu accepted", i);
        expect_err(cases[i].msg);
        lnch_hosts_fini(&h);
    }
}
END_TEST

START_TEST(test_missing_file)
{
    lnch_hosts_t h = {0};
    ck_assert_int_ne(lnch_hosts_read_file(&h, "/nonexistent/hostfile", err, sizeof(err)), 0);
    expect_err("cannot open hostfile '/nonexistent/hostfile'");
}
END_TEST

/* Map with the given list and options; the mapping string into `mapping`. */
static int *map(const char *list, int np, int npernode, int *np_out, char *mapping)
{
    lnch_hosts_t h = {0};
    int *nodes = NULL;
    ck_assert_int_eq(lnch_hosts_add_list(&h, list, err, sizeof(err)), 0);
    int rc = lnch_map_ranks(&h, np, npernode, 4096, &nodes, np_out, err, sizeof(err));
    lnch_hosts_fini(&h);
    if (rc != 0)
        return NULL;
    ck_assert_int_eq(lnch_map_process_mapping(nodes, *np_out, mapping, 256), 0);
    return nodes;
}

START_TEST(test_map_fill_slots)
{
    int np;
    char m[256];
    int *nodes = map("a:2,b:3,c:1", 0, 0, &np, m);   /* no -n: every slot */
    int want[] = {0, 0, 1, 1, 1, 2};
    ck_assert_int_eq(np, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(nodes[i], want[i]);
    ck_assert_str_eq(m, "(vector,(0,1,2),(1,1,3),(2,1,1))");
    free(nodes);

    nodes = map("a:2,b:2,c:2", 5, 0, &np, m);        /* -n below the slots: fill in order */
    ck_assert_int_eq(np, 5);
    ck_assert_int_eq(nodes[4], 2);
    ck_assert_str_eq(m, "(vector,(0,2,2),(2,1,1))");
    free(nodes);
}
END_TEST

START_TEST(test_map_npernode_and_wrap)
{
    int np;
    char m[256];
    int *nodes = map("a:4,b:4", 0, 1, &np, m);        /* -N 1 */
    ck_assert_int_eq(np, 2);
    ck_assert_str_eq(m, "(vector,(0,2,1))");
    free(nodes);

    nodes = map("a:4,b:4,c", 5, 2, &np, m);           /* -N 2 -n 5 */
    ck_assert_str_eq(m, "(vector,(0,2,2),(2,1,1))");
    free(nodes);

    ck_assert_ptr_null(map("a,b", 5, 2, &np, m));     /* more than -N allows */
    expect_err("-n 5 is more than 2 per node on 2 node(s)");

    nodes = map("a,b", 5, 0, &np, m);                 /* beyond the slots: round-robin */
    int want[] = {0, 1, 0, 1, 0};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(nodes[i], want[i]);
    ck_assert_str_eq(m, "(vector,(0,2,1),(0,2,1),(0,1,1))");
    free(nodes);
}
END_TEST

START_TEST(test_mapping_too_long)
{
    int nodes[200];
    char m[32];
    for (int i = 0; i < 200; i++)
        nodes[i] = (i * 7) % 13;
    ck_assert_int_ne(lnch_map_process_mapping(nodes, 200, m, sizeof(m)), 0);
}
END_TEST

START_TEST(test_args_multinode)
{
    char *argv[] = {"mini-mpirun", "-H", "a:2", "--host=b", "--hostfile", "hf", "-N", "2",
                    "--launch-agent", "ip netns exec", "--iface=veth0", "prog", NULL};
    lnch_args_t a;
    ck_assert_int_eq(lnch_args_parse(12, argv, &a, err, sizeof(err)), 0);
    ck_assert_int_eq(a.num_hosts, 2);
    ck_assert_str_eq(a.hosts[0], "a:2");
    ck_assert_str_eq(a.hosts[1], "b");
    ck_assert_str_eq(a.hostfile, "hf");
    ck_assert_int_eq(a.npernode, 2);
    ck_assert_int_eq(a.np_given, 0);
    ck_assert_str_eq(a.launch_agent, "ip netns exec");
    ck_assert_str_eq(a.iface, "veth0");
    ck_assert_str_eq(a.prog_argv[0], "prog");
    lnch_args_fini(&a);

    char *bad[] = {"mini-mpirun", "-N", "0", "prog", NULL};
    ck_assert_int_ne(lnch_args_parse(4, bad, &a, err, sizeof(err)), 0);
    expect_err("-N");
    lnch_args_fini(&a);
}
END_TEST

static Suite *hosts_suite(void)
{
    Suite *s = suite_create("lnch_hosts");
    TCase *tc = tcase_create("hosts");
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_bad_list);
    tcase_add_test(tc, test_file_formats);
    tcase_add_test(tc, test_file_errors_name_the_line);
    tcase_add_test(tc, test_missing_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("map");
    tcase_add_test(tc, test_map_fill_slots);
    tcase_add_test(tc, test_map_npernode_and_wrap);
    tcase_add_test(tc, test_mapping_too_long);
    tcase_add_test(tc, test_args_multinode);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(hosts_suite());
}

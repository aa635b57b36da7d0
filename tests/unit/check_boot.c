/*
 * check_boot.c -- the bootstrap's reading of PMI_process_mapping, and the
 * PMI_PORT handshake against a scripted process manager on loopback.
 */
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_boot.h"
#include "check_run.h"

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

/* ---- PMI_PORT: a process manager that plays a script of replies ---- */

typedef struct port_server {
    int listen_fd;
    char port[32];                 /* "127.0.0.1:N" */
    const char *replies;           /* sent after the client's first line */
    char first_line[256];          /* what the client sent first */
    pthread_t thread;
} port_server_t;

static void *port_server_main(void *arg)
{
    port_server_t *srv = arg;
    int fd = accept(srv->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    size_t len = 0;
    while (len + 1 < sizeof(srv->first_line)) {
        if (read(fd, srv->first_line + len, 1) != 1 || srv->first_line[len++] == '\n')
            break;
    }
    srv->first_line[len] = '\0';
    if (write(fd, srv->replies, strlen(srv->replies)) < 0)
        perror("port server write");
    close(fd);
    return NULL;
}

static void port_server_start(port_server_t *srv, const char *replies)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof(addr);
    memset(srv, 0, sizeof(*srv));
    srv->replies = replies;
    srv->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(srv->listen_fd, 0);
    ck_assert_int_eq(bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    ck_assert_int_eq(listen(srv->listen_fd, 1), 0);
    ck_assert_int_eq(getsockname(srv->listen_fd, (struct sockaddr *)&addr, &addr_len), 0);
    snprintf(srv->port, sizeof(srv->port), "127.0.0.1:%d", ntohs(addr.sin_port));
    ck_assert_int_eq(pthread_create(&srv->thread, NULL, port_server_main, srv), 0);
}

static void port_server_stop(port_server_t *srv)
{
    pthread_join(srv->thread, NULL);
    close(srv->listen_fd);
}

START_TEST(port_handshake_gives_rank_and_size)
{
    port_server_t srv;
    port_server_start(&srv, "cmd=initack\ncmd=set size=6\ncmd=set rank=4\ncmd=set debug=0\n");
    int fd = -1, rank = -1, size = -1;
    ck_assert_int_eq(rt_boot_port_connect(srv.port, 4, &fd, &rank, &size), 0);
    port_server_stop(&srv);
    ck_assert_str_eq(srv.first_line, "cmd=initack pmiid=4\n");
    ck_assert_int_eq(rank, 4);
    ck_assert_int_eq(size, 6);
    close(fd);
}
END_TEST

START_TEST(port_handshake_rejects_bad_replies)
{
    static const char *bad[] = {
        "",                                                           /* closed at once */
        "cmd=response_to_init rc=0\n",                                /* not an initack */
        "cmd=initack\ncmd=set rank=1\ncmd=set size=2\ncmd=set debug=0\n", /* order */
        "cmd=initack\ncmd=set size=2\ncmd=set rank=2\ncmd=set debug=0\n", /* rank >= size */
        "cmd=initack\ncmd=set size=x\ncmd=set rank=0\ncmd=set debug=0\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        port_server_t srv;
        port_server_start(&srv, bad[i]);
        int fd = -1, rank = -1, size = -1;
        ck_assert_msg(rt_boot_port_connect(srv.port, 1, &fd, &rank, &size) == -1,
                      "accepted reply script %zu", i);
        port_server_stop(&srv);
    }
}
END_TEST

START_TEST(port_that_is_not_host_port_is_rejected)
{
    int fd, rank, size;
    ck_assert_int_eq(rt_boot_port_connect("nocolon", 0, &fd, &rank, &size), -1);
    ck_assert_int_eq(rt_boot_port_connect(":123", 0, &fd, &rank, &size), -1);
    ck_assert_int_eq(rt_boot_port_connect("127.0.0.1:", 0, &fd, &rank, &size), -1);
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
    TCase *tc_port = tcase_create("pmi_port");
    tcase_add_test(tc_port, port_handshake_gives_rank_and_size);
    tcase_add_test(tc_port, port_handshake_rejects_bad_replies);
    tcase_add_test(tc_port, port_that_is_not_host_port_is_rejected);
    suite_add_tcase(s, tc_port);
    return check_run(s);
}

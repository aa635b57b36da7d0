/*
 * sec_flood.c -- open many bad connections to mini-mpirun's daemon port,
 * as a stranger on the network could:
 *   sec_flood HOST:PORT COUNT SECONDS
 * COUNT connections over SECONDS, in turns of four kinds: silent (held
 * open until the end), garbage (random bytes, then closed), a HELLO with a
 * wrong secret, and a header announcing a payload over the limit.  Silent
 * ones are held at most 200 at a time (fds are finite).  Exits 0 after
 * printing how many of each it made; a refused connect is counted, not an
 * error (the job may have ended).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { SILENT_MAX = 200 };

static int dial(const struct sockaddr_in *a)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void put32(unsigned char *p, unsigned v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST:PORT COUNT SECONDS\n", argv[0]);
        return 2;
    }
    char host[64];
    const char *colon = strrchr(argv[1], ':');
    if (colon == NULL || (size_t)(colon - argv[1]) >= sizeof(host))
        return 2;
    memcpy(host, argv[1], (size_t)(colon - argv[1]));
    host[colon - argv[1]] = '\0';
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return 2;
    int count = atoi(argv[2]);
    double seconds = atof(argv[3]);
    struct timespec gap = {0, (long)(seconds / (count > 0 ? count : 1) * 1e9)};
    int silent[SILENT_MAX], num_silent = 0;
    int made[4] = {0}, refused = 0;
    srand((unsigned)getpid());
    for (int i = 0; i < count; i++) {
        unsigned kind = (unsigned)i % 4u;  /* unsigned: GCC then sees it in [0, 3] */
        int fd = dial(&a);
        if (fd < 0) {
            refused++;
            nanosleep(&gap, NULL);
            continue;
        }
        unsigned char buf[512];
        switch (kind) {
        case 0:                     /* silent */
            if (num_silent == SILENT_MAX) {
                close(silent[0]);
                memmove(silent, silent + 1, (SILENT_MAX - 1) * sizeof(int));
                num_silent--;
            }
            silent[num_silent++] = fd;
            fd = -1;
            break;
        case 1:                     /* garbage */
            for (size_t k = 0; k < sizeof(buf); k++)
                buf[k] = (unsigned char)rand();
            (void)send(fd, buf, sizeof(buf), MSG_NOSIGNAL);
            break;
        case 2:                     /* HELLO, node 1, with a wrong secret */
            put32(buf, 32);
            put32(buf + 4, 1);
            put32(buf + 8, 1);
            memset(buf + 12, 'f', 32);
            (void)send(fd, buf, 44, MSG_NOSIGNAL);
            break;
        case 3:                     /* a PMI frame of 4 GiB - 1 */
            put32(buf, 0xffffffffu);
            put32(buf + 4, 3);
            put32(buf + 8, 0);
            (void)send(fd, buf, 12, MSG_NOSIGNAL);
            break;
        }
        made[kind]++;
        if (fd >= 0)
            close(fd);
        nanosleep(&gap, NULL);
    }
    for (int i = 0; i < num_silent; i++)
        close(silent[i]);
    printf("sec_flood: %d silent, %d garbage, %d wrong secret, %d oversized, %d refused\n",
           made[0], made[1], made[2], made[3], refused);
    return 0;
}

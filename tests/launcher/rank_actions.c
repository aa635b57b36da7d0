/*
 * rank_actions.c -- a rank that does not speak PMI, for the launcher tests.
 *
 * Usage: rank_actions ACTION [ARG...] [-- MARKER...]
 *   exit N          exit with code N (rank 0 and every other rank)
 *   exit_rank R N [noterm]  rank R exits with N, the others sleep (ignoring
 *                   SIGTERM with noterm, so that only SIGKILL ends them)
 *   segv R          rank R dies of SIGSEGV, the others sleep
 *   sleep           sleep until killed
 *   lines N         write N numbered lines in small pieces, and a last line
 *                   without '\n', to stdout and to stderr
 *   longline        write one line of 200000 letters to stdout, then "after R"
 *   env VAR...      print VAR=value (or VAR unset) for each VAR
 *   stdin           copy stdin to stdout
 *   grandchild      fork a child that sleeps forever, then exit 0
 *   ready_sleep     print "ready R" on stdout, then sleep until killed
 * Extra arguments after the action's own are ignored: tests put a marker
 * there to find leftover processes by their command line.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank;

static void put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            exit(1);
        s += w;
        n -= (size_t)w;
    }
}

/* Write the lines of one stream in pieces of 3 bytes, so the launcher
 * sees lines split across many reads and interleaved with other ranks. */
static void lines(int fd, const char *stream, int count)
{
    char line[128];
    for (int i = 0; i < count; i++) {
        int n = snprintf(line, sizeof(line), "rank %d %s line %d end\n", rank, stream, i);
        for (int off = 0; off < n; off += 3)
            put(fd, line + off, (size_t)(n - off < 3 ? n - off : 3));
    }
    int n = snprintf(line, sizeof(line), "rank %d %s tail", rank, stream);
    put(fd, line, (size_t)n);
}

static void long_line(void)
{
    size_t len = 200000;
    char *big = malloc(len + 1), after[32];
    if (big == NULL)
        exit(1);
    memset(big, 'A' + rank % 26, len);
    big[len] = '\n';
    put(STDOUT_FILENO, big, len + 1);
    free(big);
    int n = snprintf(after, sizeof(after), "after %d\n", rank);
    put(STDOUT_FILENO, after, (size_t)n);
}

static void sleep_forever(void)
{
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    const char *r = getenv("PMI_RANK");
    rank = r != NULL ? atoi(r) : 0;
    const char *action = argc > 1 ? argv[1] : "";

    if (strcmp(action, "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(action, "exit_rank") == 0 && argc > 3) {
        if (rank == atoi(argv[2]))
            return atoi(argv[3]);
        if (argc > 4 && strcmp(argv[4], "noterm") == 0)
            signal(SIGTERM, SIG_IGN);
        sleep_forever();
    }
    if (strcmp(action, "segv") == 0 && argc > 2) {
        if (rank == atoi(argv[2])) {
            /* The sanitizer build catches SIGSEGV to print a report and
             * exit 1; the test wants the death by signal. */
            signal(SIGSEGV, SIG_DFL);
            raise(SIGSEGV);
        }
        sleep_forever();
    }
    if (strcmp(action, "sleep") == 0)
        sleep_forever();
    if (strcmp(action, "lines") == 0 && argc > 2) {
        lines(STDOUT_FILENO, "stdout", atoi(argv[2]));
        lines(STDERR_FILENO, "stderr", atoi(argv[2]));
        return 0;
    }
    if (strcmp(action, "longline") == 0) {
        long_line();
        return 0;
    }
    if (strcmp(action, "env") == 0) {
        for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
            const char *v = getenv(argv[i]);
            printf("rank %d: %s%s%s\n", rank, argv[i], v ? "=" : " unset", v ? v : "");
        }
        return 0;
    }
    if (strcmp(action, "stdin") == 0) {
        char buf[4096];
        ssize_t n;
        while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
            put(STDOUT_FILENO, buf, (size_t)n);
        return 0;
    }
    if (strcmp(action, "grandchild") == 0) {
        pid_t pid = fork();
        if (pid == 0)
            sleep_forever();
        return pid > 0 ? 0 : 1;
    }
    if (strcmp(action, "ready_sleep") == 0) {
        printf("ready %d\n", rank);
        fflush(stdout);
        sleep_forever();
    }
    fprintf(stderr, "rank_actions: bad arguments (action '%s')\n", action);
    return 2;
}

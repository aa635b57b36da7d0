/*
 * yield_floor.c -- what a symmetric collective (barrier, small allreduce or
 * alltoall) cannot beat when ranks outnumber cores: N processes that each
 * publish a counter in shared memory and wait for every other's, yielding
 * the core while they wait; no MPI, no data.  Every process must run once
 * per call, so the time per call is about N / cores context switches.
 *
 *   yield_floor [processes [calls]]      (default 8 and 20000)
 * prints: yield_floor <processes> <microseconds per call>
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One counter per process, each on a line of its own. */
typedef struct {
    _Atomic long n;
    char pad[64 - sizeof(long)];
} line_t;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int np = argc > 1 ? atoi(argv[1]) : 8;
    long calls = argc > 2 ? atol(argv[2]) : 20000;
    if (np < 1 || calls < 1) {
        fprintf(stderr, "usage: yield_floor [processes [calls]]\n");
        return 2;
    }
    line_t *lines = mmap(NULL, (size_t)np * sizeof(line_t), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (lines == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    int me = 0;
    for (int i = 1; i < np; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            me = i;
            break;
        }
    }
    double start = now();
    for (long k = 1; k <= calls; k++) {
        atomic_store(&lines[me].n, k);
        for (int r = 0; r < np; r++)
            while (atomic_load(&lines[r].n) < k)
                sched_yield();
    }
    double elapsed = now() - start;
    if (me != 0)
        return 0;
    int failed = 0, status;
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    printf("yield_floor %d %.2f\n", np, elapsed / (double)calls * 1e6);
    return failed;
}

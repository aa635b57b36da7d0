/*
 * floor.c -- what the hardware allows, without any MPI library: the floor
 * the shared-memory transport is compared with.
 *   floor_latency 0 <us>   one-way latency of a cache line bounced between
 *                          two processes pinned to two cores (a parent and
 *                          its forked child sharing one anonymous mapping);
 *   memcpy <bytes> <MB/s>  single-copy bandwidth: one process copying
 *                          between two page-aligned buffers that do not fit
 *                          the same cache lines, for sizes 1 KiB .. max_bytes.
 * Usage: floor [max_bytes [cpu_a cpu_b [scale]]]  (default 4 MiB, cpus 0 1)
 * Output lines match osu_p2p's, so bench/compare reads both alike.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        perror("floor: sched_setaffinity (continuing unpinned)");
}

/* Each process writes the next odd/even number into the shared line and
 * waits for the other's: one round trip per two increments. */
static double cache_line_latency(int cpu_a, int cpu_b, long rounds)
{
    _Atomic uint64_t *line = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (line == MAP_FAILED) {
        perror("floor: mmap");
        exit(1);
    }
    atomic_store(line, 0);
    pid_t child = fork();
    if (child < 0) {
        perror("floor: fork");
        exit(1);
    }
    int me = child == 0;
    pin(me ? cpu_b : cpu_a);
    double start = 0;
    for (uint64_t v = 0; v < 2 * (uint64_t)rounds; v += 2) {
        if (v == 2 * (uint64_t)(rounds / 10))
            start = now();
        uint64_t mine = v + (uint64_t)me;
        while (atomic_load_explicit(line, memory_order_acquire) != mine)
            ;
        atomic_store_explicit(line, mine + 1, memory_order_release);
    }
    double t = now() - start;
    if (me)
        _exit(0);
    waitpid(child, NULL, 0);
    munmap((void *)line, 4096);
    long timed = rounds - rounds / 10;
    return t * 1e6 / (2.0 * (double)timed);
}

static double memcpy_bw(size_t bytes, char *src, char *dst, double scale)
{
    long iters = (long)((double)(64L << 20) / (double)bytes * scale) + 2;
    memcpy(dst, src, bytes); /* warm-up: fault in and cache what fits */
    double start = now();
    for (long i = 0; i < iters; i++) {
        memcpy(dst, src, bytes);
        /* Keep the compiler from dropping repeated copies. */
        __asm__ __volatile__("" : : "r"(dst) : "memory");
    }
    return (double)bytes * (double)iters / (now() - start) / 1e6;
}

int main(int argc, char **argv)
{
    size_t max_bytes = argc > 1 ? (size_t)atol(argv[1]) : (size_t)4 << 20;
    int cpu_a = argc > 3 ? atoi(argv[2]) : 0, cpu_b = argc > 3 ? atoi(argv[3]) : 1;
    double scale = argc > 4 ? atof(argv[4]) : 1.0;
    long rounds = (long)(200000 * scale) + 20;

    printf("floor_latency 0 %.3f\n", cache_line_latency(cpu_a, cpu_b, rounds));
    fflush(stdout);

    pin(cpu_a);
    char *src, *dst;
    if (posix_memalign((void **)&src, 4096, max_bytes) != 0 ||
        posix_memalign((void **)&dst, 4096, max_bytes) != 0) {
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }
    memset(src, 1, max_bytes);
    memset(dst, 2, max_bytes);
    for (size_t bytes = 1024; bytes <= max_bytes; bytes *= 2)
        printf("memcpy %zu %.1f\n", bytes, memcpy_bw(bytes, src, dst, scale));
    free(src);
    free(dst);
    return 0;
}

/*
 * count_alloc.c -- an LD_PRELOAD library that counts a process's heap
 * allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign) and writes its name and the count to COUNT_ALLOC_OUT.<pid> at
 * exit.  bench/p2p/fastpath.sh runs a benchmark under it twice, with more
 * messages the second time: allocations that grow with the messages are
 * the fast path's.
 *
 * The glibc entry points __libc_malloc and friends do the work, so nothing
 * here allocates or looks a symbol up (dlsym would allocate).
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_ulong allocations;

void *malloc(size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
    return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = memalign(align, size);
    if (p == NULL)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

__attribute__((destructor)) static void report(void)
{
    unsigned long count = atomic_load(&allocations); /* before fopen allocates */
    const char *prefix = getenv("COUNT_ALLOC_OUT");
    if (prefix == NULL)
        return;
    /* Every process of the command writes its own file, named after its
     * pid, with its name (wrappers around the program count too). */
    char comm[64] = "?", path[4096];
    FILE *f = fopen("/proc/self/comm", "r");
    if (f != NULL) {
        if (fscanf(f, "%63s", comm) != 1)
            comm[0] = '?', comm[1] = '\0';
        fclose(f);
    }
    snprintf(path, sizeof(path), "%s.%d", prefix, (int)getpid());
    f = fopen(path, "w");
    if (f == NULL)
        return;
    fprintf(f, "%s %lu\n", comm, count);
    fclose(f);
}

/*
 * shm_cma.c -- single copy with process_vm_readv and process_vm_writev
 * (see shm_cma.h).
 */
#define _GNU_SOURCE
#include "shm_cma.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/uio.h>

#define SHM_CMA_DESC_MAGIC 0x434d4131u       /* "CMA1" */
#define SHM_CMA_PROBE_VALUE 0x70726f62652d6f6bULL /* "probe-ok" */

/* What mem_expose writes into tp_mem_desc_t.bytes. */
typedef struct shm_cma_desc {
    uint32_t magic;
    int32_t pid;
    uint64_t addr;
    uint64_t len;
} shm_cma_desc_t;

static_assert(sizeof(shm_cma_desc_t) <= TP_MEM_DESC_MAX,
              "the CMA descriptor travels inside tp_mem_desc_t");

/* volatile: peers read it behind the compiler's back, it must stay in memory. */
static volatile uint64_t shm_cma_probe_word = SHM_CMA_PROBE_VALUE;

void shm_cma_allow_readers(void)
{
    /* Fails with EINVAL when Yama is not built in; then nothing is needed. */
    (void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
}

uint64_t shm_cma_probe_addr(void)
{
    return (uint64_t)(uintptr_t)&shm_cma_probe_word;
}

int shm_cma_probe(pid_t pid, uint64_t addr, char *why, size_t why_len)
{
    uint64_t value = 0;
    struct iovec local = {.iov_base = &value, .iov_len = sizeof(value)};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = sizeof(value)};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n < 0) {
        snprintf(why, why_len, "process_vm_readv: %s", strerror(errno));
        return 0;
    }
    if (n != (ssize_t)sizeof(value) || value != SHM_CMA_PROBE_VALUE) {
        snprintf(why, why_len, "process_vm_readv returned wrong data from pid %d", (int)pid);
        return 0;
    }
    return 1;
}

void shm_cma_expose(pid_t pid, const void *buf, size_t len, tp_mem_desc_t *desc)
{
    shm_cma_desc_t d = {
        .magic = SHM_CMA_DESC_MAGIC,
        .pid = (int32_t)pid,
        .addr = (uint64_t)(uintptr_t)buf,
        .len = len,
    };
    memset(desc, 0, sizeof(*desc));
    memcpy(desc->bytes, &d, sizeof(d));
}

static tp_status_t status_of_errno(int err)
{
    switch (err) {
    case ESRCH:
    case EFAULT:
        return TP_EPEER;
    case EPERM:
    case EACCES:
    case ENOSYS:
        return TP_ENOTSUP;
    case ENOMEM:
        return TP_ENOMEM;
    default:
        return TP_ESYS;
    }
}

tp_status_t shm_cma_get(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                        size_t offset, void *local, size_t len)
{
    shm_cma_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    if (d.magic != SHM_CMA_DESC_MAGIC || d.pid != (int32_t)expected_pid || offset > d.len ||
        len > d.len - offset) {
        fprintf(stderr,
                "minimpi: rank %d: shm: get of %zu bytes at offset %zu: the descriptor "
                "(pid %d, %llu bytes) does not describe such a buffer of pid %d\n",
                rank, len, offset, (int)d.pid, (unsigned long long)d.len, (int)expected_pid);
        return TP_EINVAL;
    }
    char *dst = local;
    uint64_t src = d.addr + offset;
    size_t left = len;
    /* The kernel may stop short (e.g. at a page it cannot pin); go on from there. */
    while (left > 0) {
        struct iovec liov = {.iov_base = dst, .iov_len = left};
        struct iovec riov = {.iov_base = (void *)(uintptr_t)src, .iov_len = left};
        ssize_t n = process_vm_readv(expected_pid, &liov, 1, &riov, 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EFAULT;
            fprintf(stderr,
                    "minimpi: rank %d: shm: process_vm_readv(pid %d, %zu bytes): %s\n", rank,
                    (int)expected_pid, left, strerror(err));
            return status_of_errno(err);
        }
        dst += n;
        src += (uint64_t)n;
        left -= (size_t)n;
    }
    return TP_OK;
}

/* A position in a scatter/gather list: entry `i`, `done` bytes into it. */
typedef struct iov_cursor {
    const tp_iov_t *iov;
    size_t count, i;
    uint64_t done;
} iov_cursor_t;

/* Fill up to `max` system iovecs from the cursor, `origin` added to each
 * base; returns how many. */
static int iov_batch(const iov_cursor_t *c, uint64_t origin, struct iovec *out, int max)
{
    int n = 0;
    uint64_t skip = c->done;
    for (size_t i = c->i; i < c->count && n < max; i++, skip = 0) {
        out[n].iov_base = (void *)(uintptr_t)(origin + c->iov[i].base + skip);
        out[n].iov_len = (size_t)(c->iov[i].len - skip);
        n++;
    }
    return n;
}

static void iov_advance(iov_cursor_t *c, uint64_t bytes)
{
    while (bytes > 0 && c->i < c->count) {
        uint64_t left = c->iov[c->i].len - c->done;
        if (bytes < left) {
            c->done += bytes;
            return;
        }
        bytes -= left;
        c->i++;
        c->done = 0;
    }
}

/* getv (write 0) and putv (write 1): the kernel copies between the local
 * list and the runs of the peer's exposed buffer, in list order. */
static tp_status_t cma_copyv(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                             const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                             size_t liov_count, int write)
{
    const char *call = write ? "process_vm_writev" : "process_vm_readv";
    shm_cma_desc_t d;
    memcpy(&d, remote->bytes, sizeof(d));
    uint64_t total = 0;
    int ok = d.magic == SHM_CMA_DESC_MAGIC && d.pid == (int32_t)expected_pid;
    for (size_t i = 0; ok && i < riov_count; i++) {
        ok = riov[i].base <= d.len && riov[i].len <= d.len - riov[i].base;
        total += riov[i].len;
    }
    if (!ok) {
        fprintf(stderr,
                "minimpi: rank %d: shm: a %s of %zu runs does not fit the descriptor "
                "(pid %d, %llu bytes) of pid %d\n",
                rank, write ? "put" : "get", riov_count, (int)d.pid,
                (unsigned long long)d.len, (int)expected_pid);
        return TP_EINVAL;
    }
    /* The kernel takes at most IOV_MAX entries per side and may stop short;
     * go on from wherever it stopped. */
    iov_cursor_t lc = {liov, liov_count, 0, 0}, rc = {riov, riov_count, 0, 0};
    enum { BATCH = IOV_MAX < 1024 ? IOV_MAX : 1024 };
    struct iovec lbatch[BATCH], rbatch[BATCH];
    int max = BATCH;
    while (total > 0) {
        int nl = iov_batch(&lc, 0, lbatch, max);
        int nr = iov_batch(&rc, d.addr, rbatch, max);
        ssize_t n = write ? process_vm_writev(expected_pid, lbatch, (unsigned long)nl, rbatch,
                                              (unsigned long)nr, 0)
                          : process_vm_readv(expected_pid, lbatch, (unsigned long)nl, rbatch,
                                             (unsigned long)nr, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EFAULT;
            fprintf(stderr, "minimpi: rank %d: shm: %s(pid %d, %d runs): %s\n", rank, call,
                    (int)expected_pid, nr, strerror(err));
            return status_of_errno(err);
        }
        iov_advance(&lc, (uint64_t)n);
        iov_advance(&rc, (uint64_t)n);
        total -= (uint64_t)n < total ? (uint64_t)n : total;
    }
    return TP_OK;
}

tp_status_t shm_cma_getv(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                         const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                         size_t liov_count)
{
    return cma_copyv(rank, expected_pid, remote, riov, riov_count, liov, liov_count, 0);
}

tp_status_t shm_cma_putv(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                         const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                         size_t liov_count)
{
    return cma_copyv(rank, expected_pid, remote, riov, riov_count, liov, liov_count, 1);
}

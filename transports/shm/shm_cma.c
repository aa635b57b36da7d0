/*
 * shm_cma.c -- single copy with process_vm_readv (see shm_cma.h).
 */
#define _GNU_SOURCE
#include "shm_cma.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

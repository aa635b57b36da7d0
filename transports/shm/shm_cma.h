/*
 * shm_cma.h -- single copy between processes of one node with Cross Memory
 * Attach (process_vm_readv): the receiver reads straight out of the
 * sender's buffer, one copy instead of two through the queues.
 */
#ifndef MINIMPI_SHM_CMA_H
#define MINIMPI_SHM_CMA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "transports/transport.h"

/*
 * Let any process of ours read this one, which Yama's ptrace_scope=1 (the
 * Debian and Ubuntu default) otherwise forbids for everything but children.
 * Harmless where Yama is absent.
 */
void shm_cma_allow_readers(void);

/* Address of a word holding a known value, which peers read to probe CMA. */
uint64_t shm_cma_probe_addr(void);

/*
 * Read the probe word of process `pid` at `addr`.  Returns 1 when it came
 * back intact; otherwise 0 and, in `why` (why_len bytes), the reason, e.g.
 * "process_vm_readv: Operation not permitted".
 */
int shm_cma_probe(pid_t pid, uint64_t addr, char *why, size_t why_len);

/* Describe [buf, buf + len) of this process, whose pid is `pid`, into desc. */
void shm_cma_expose(pid_t pid, const void *buf, size_t len, tp_mem_desc_t *desc);

/*
 * Copy len bytes at offset inside the buffer `remote` describes, which
 * process `expected_pid` exposed, into local.  TP_OK when all arrived;
 * otherwise the error is reported on stderr naming `rank` and errno, and
 * TP_EINVAL (descriptor does not fit the request), TP_EPEER (the peer is
 * gone or its buffer is not mapped), TP_ENOTSUP (the kernel forbids it) or
 * TP_ESYS is returned.
 */
tp_status_t shm_cma_get(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                        size_t offset, void *local, size_t len);

/* The same with scatter/gather lists (tp_ops_t.getv): remote entries are
 * offsets inside the buffer `remote` describes. */
tp_status_t shm_cma_getv(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                         const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                         size_t liov_count);

/* The other way round (tp_ops_t.putv): local runs written into the
 * buffer `remote` describes, with process_vm_writev. */
tp_status_t shm_cma_putv(int rank, pid_t expected_pid, const tp_mem_desc_t *remote,
                         const tp_iov_t *riov, size_t riov_count, const tp_iov_t *liov,
                         size_t liov_count);

#endif /* MINIMPI_SHM_CMA_H */

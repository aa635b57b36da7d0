/*
 * shm_segment.c -- the node's segment: its file in /dev/shm and its layout
 * (see shm_segment.h).  Only init calls these; nothing here is on a fast path.
 */
#include "shm_segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_SEGMENT_MAGIC 0x6d696e6973656733ULL /* "minimseg3": layout version 3 (page-aligned regions) */

static size_t page_round(size_t bytes)
{
    return (bytes + SHM_PAGE - 1) & ~(size_t)(SHM_PAGE - 1);
}

size_t shm_segment_shared_bytes(int local_size)
{
    return page_round(sizeof(shm_seg_hdr_t) + (size_t)local_size * sizeof(shm_slot_t));
}

/* Every rank's queue and pool start on a page of their own. */
static size_t queue_stride(uint32_t depth, uint32_t cell_size)
{
    return page_round(shm_queue_bytes(depth, cell_size));
}

static size_t pool_stride(void)
{
    return page_round(sizeof(shm_fbox_pool_t));
}

size_t shm_segment_bytes(int local_size, uint32_t depth, uint32_t cell_size)
{
    return shm_segment_shared_bytes(local_size) +
           (size_t)local_size * (queue_stride(depth, cell_size) + pool_stride());
}

static size_t queue_offset(const shm_seg_hdr_t *hdr, int local_index)
{
    return shm_segment_shared_bytes((int)hdr->local_size) +
           (size_t)local_index * queue_stride(hdr->depth, hdr->cell_size);
}

static size_t pool_offset(const shm_seg_hdr_t *hdr, int local_index)
{
    return queue_offset(hdr, (int)hdr->local_size) + (size_t)local_index * pool_stride();
}

shm_queue_t *shm_segment_queue(void *base, int local_index)
{
    return (shm_queue_t *)((char *)base + queue_offset(shm_segment_hdr(base), local_index));
}

shm_fbox_pool_t *shm_segment_fbox_pool(void *base, int local_index)
{
    return (shm_fbox_pool_t *)((char *)base + pool_offset(shm_segment_hdr(base), local_index));
}

tp_status_t shm_segment_name(int rank, const char *job_id, int node_id, char *name,
                             size_t name_len)
{
    size_t id_len = job_id != NULL ? strlen(job_id) : 0;
    int ok = id_len > 0;
    for (size_t i = 0; ok && i < id_len; i++) {
        char c = job_id[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    }
    if (!ok) {
        fprintf(stderr,
                "minimpi: rank %d: shm: job id '%s' is not usable in a file name "
                "(it must be non-empty and only hold A-Z a-z 0-9 _ -)\n",
                rank, job_id != NULL ? job_id : "(null)");
        return TP_EINVAL;
    }
    int n = snprintf(name, name_len, "/minimpi-%s-n%d", job_id, node_id);
    if (n < 0 || (size_t)n >= name_len || (size_t)n >= SHM_SEGMENT_NAME_MAX) {
        fprintf(stderr, "minimpi: rank %d: shm: job id '%s' is too long for a segment name\n",
                rank, job_id);
        return TP_EINVAL;
    }
    return TP_OK;
}

/* posix_fallocate of [offset, offset + len) of fd, reported as one that
 * /dev/shm cannot hold. */
static tp_status_t reserve(int rank, const char *name, int fd, size_t offset, size_t len)
{
    int err = posix_fallocate(fd, (off_t)offset, (off_t)len);
    if (err != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: cannot reserve %.1f MiB in /dev/shm for %s: %s\n",
                rank, (double)len / (1024.0 * 1024.0), name, strerror(err));
        return TP_ESYS;
    }
    return TP_OK;
}

tp_status_t shm_segment_create(int rank, const char *name, size_t bytes, size_t reserve_bytes,
                               void **base_out)
{
    *base_out = NULL;
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        fprintf(stderr, "minimpi: rank %d: shm: shm_open(%s, O_CREAT|O_EXCL): %s\n", rank,
                name, strerror(errno));
        return TP_ESYS;
    }
    if (ftruncate(fd, (off_t)bytes) != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: ftruncate(%s, %zu): %s\n", rank, name, bytes,
                strerror(errno));
        goto unlink_file;
    }
    /* Reserve the pages we write now: a sparse file on a small tmpfs would
     * map fine and then kill the first process to touch a missing page with
     * SIGBUS.  The rest is reserved by its owners (shm_segment_take_own). */
    if (reserve(rank, name, fd, 0, reserve_bytes) != TP_OK)
        goto unlink_file;
    void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        fprintf(stderr, "minimpi: rank %d: shm: mmap(%s, %zu): %s\n", rank, name, bytes,
                strerror(errno));
        goto unlink_file;
    }
    close(fd);
    *base_out = base;
    return TP_OK;

unlink_file:
    shm_unlink(name);
    close(fd);
    return TP_ESYS;
}

tp_status_t shm_segment_attach(int rank, const char *name, void **base_out, size_t *bytes_out)
{
    *base_out = NULL;
    *bytes_out = 0;
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        fprintf(stderr, "minimpi: rank %d: shm: shm_open(%s): %s\n", rank, name,
                strerror(errno));
        return TP_ESYS;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: fstat(%s): %s\n", rank, name, strerror(errno));
        goto close_file;
    }
    if ((size_t)st.st_size < sizeof(shm_seg_hdr_t)) {
        fprintf(stderr, "minimpi: rank %d: shm: %s holds %lld bytes, too few for a segment\n",
                rank, name, (long long)st.st_size);
        goto close_file;
    }
    void *base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        fprintf(stderr, "minimpi: rank %d: shm: mmap(%s, %lld): %s\n", rank, name,
                (long long)st.st_size, strerror(errno));
        goto close_file;
    }
    close(fd);
    *base_out = base;
    *bytes_out = (size_t)st.st_size;
    return TP_OK;

close_file:
    close(fd);
    return TP_ESYS;
}

tp_status_t shm_segment_unlink(int rank, const char *name)
{
    if (shm_unlink(name) != 0) {
        fprintf(stderr, "minimpi: rank %d: shm: shm_unlink(%s): %s\n", rank, name,
                strerror(errno));
        return TP_ESYS;
    }
    return TP_OK;
}

void shm_segment_format(void *base, size_t bytes, int local_size, uint32_t depth,
                        uint32_t cell_size, int cma_allowed, uint64_t nonce)
{
    shm_seg_hdr_t *hdr = shm_segment_hdr(base);
    hdr->nonce = nonce;
    hdr->bytes = bytes;
    hdr->local_size = (uint32_t)local_size;
    hdr->depth = depth;
    hdr->cell_size = cell_size;
    hdr->cma_allowed = cma_allowed != 0;
    /* Queues and pools are left to their owners (shm_segment_take_own). */
    for (int i = 0; i < local_size; i++) {
        shm_slot_t *slot = shm_segment_slot(base, i);
        memset((char *)slot + sizeof(slot->attached), 0,
               sizeof(*slot) - sizeof(slot->attached));
        atomic_init(&slot->attached, 0);
    }
    /* Written last: a segment with the magic is completely laid out. */
    hdr->magic = SHM_SEGMENT_MAGIC;
}

void shm_segment_prefault(void *addr, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    /* Best effort: a kernel before 5.14 says EINVAL, and the pages then
     * fault in one at a time as before. */
    (void)madvise(addr, bytes, MADV_POPULATE_WRITE);
#else
    (void)addr;
    (void)bytes;
#endif
}

void shm_segment_touch(const void *addr, size_t bytes)
{
    /* From the start of addr's page, so that a range that starts inside a
     * page reaches the last one. */
    uintptr_t first = (uintptr_t)addr / SHM_PAGE * SHM_PAGE, end = (uintptr_t)addr + bytes;
    for (uintptr_t page = first; page < end; page += SHM_PAGE)
        (void)*(const volatile char *)page;
}

void shm_segment_prefault_queue(void *base, shm_queue_t *queue)
{
    const shm_seg_hdr_t *hdr = shm_segment_hdr(base);
    shm_segment_prefault(queue, queue_stride(hdr->depth, hdr->cell_size));
}

tp_status_t shm_segment_take_own(int rank, const char *name, void *base, int local_index)
{
    const shm_seg_hdr_t *hdr = shm_segment_hdr(base);
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        fprintf(stderr, "minimpi: rank %d: shm: shm_open(%s): %s\n", rank, name,
                strerror(errno));
        return TP_ESYS;
    }
    /* The pages are allocated here, by this process, so under the kernel's
     * default policy they come from the NUMA node it runs on. */
    tp_status_t st = reserve(rank, name, fd, queue_offset(hdr, local_index),
                             queue_stride(hdr->depth, hdr->cell_size));
    if (st == TP_OK)
        st = reserve(rank, name, fd, pool_offset(hdr, local_index), pool_stride());
    close(fd);
    if (st != TP_OK)
        return st;
    shm_segment_prefault_queue(base, shm_segment_queue(base, local_index));
    shm_segment_prefault(shm_segment_fbox_pool(base, local_index), pool_stride());
    shm_queue_init(shm_segment_queue(base, local_index), hdr->depth, hdr->cell_size);
    shm_fbox_pool_init(shm_segment_fbox_pool(base, local_index), SHM_FBOX_FIRST);
    shm_segment_slot(base, local_index)->region_pid = (int32_t)getpid();
    return TP_OK;
}

int shm_segment_matches(const void *base, size_t bytes, int local_size, uint64_t nonce)
{
    const shm_seg_hdr_t *hdr = base;
    return hdr->magic == SHM_SEGMENT_MAGIC && hdr->nonce == nonce && hdr->bytes == bytes &&
           hdr->local_size == (uint32_t)local_size && shm_queue_geometry_ok(hdr->depth, hdr->cell_size) &&
           shm_segment_bytes(local_size, hdr->depth, hdr->cell_size) == bytes;
}

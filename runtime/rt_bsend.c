/*
 * rt_bsend.c -- the attached buffer, its first-fit allocator, and buffered
 * sends (see rt_bsend.h).
 */
#include "rt_bsend.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "rt_proto.h"
#include "rt_request.h"

/* Block headers and data start on this boundary, so the packed copy of any
 * predefined type is aligned as the type wants. */
#define RT_BSEND_ALIGN 16

struct rt_bsend_block {
    rt_bsend_block_t *prev;
    rt_bsend_block_t *next;
    size_t size;                   /* bytes covered, header included */
    size_t reserved;               /* keeps the header a multiple of RT_BSEND_ALIGN */
};

#define RT_BSEND_HDR (((sizeof(rt_bsend_block_t) + RT_BSEND_ALIGN - 1) / RT_BSEND_ALIGN) * RT_BSEND_ALIGN)

/* A message of n bytes takes at most RT_BSEND_HDR + n + RT_BSEND_ALIGN - 1
 * bytes (header, data, rounding), plus at most RT_BSEND_ALIGN - 1 bytes
 * lost once when aligning the buffer's start: within the overhead the
 * standard lets a program budget per message. */
static_assert(RT_BSEND_HDR + 2 * (RT_BSEND_ALIGN - 1) <= MPI_BSEND_OVERHEAD,
              "a buffered-send block must fit MPI_BSEND_OVERHEAD");

static size_t round_up(size_t n)
{
    return (n + RT_BSEND_ALIGN - 1) / RT_BSEND_ALIGN * RT_BSEND_ALIGN;
}

void rt_bsend_region_init(rt_bsend_region_t *region, void *buffer, size_t size)
{
    uintptr_t start = (uintptr_t)buffer;
    uintptr_t aligned = (start + RT_BSEND_ALIGN - 1) & ~(uintptr_t)(RT_BSEND_ALIGN - 1);
    region->base = (char *)buffer + (aligned - start);
    region->end = (char *)buffer + size;
    if (region->base > region->end)
        region->base = region->end;
    region->first = NULL;
    region->num_blocks = 0;
}

void *rt_bsend_region_alloc(rt_bsend_region_t *region, size_t bytes)
{
    size_t need = RT_BSEND_HDR + round_up(bytes);
    if (need < bytes)
        return NULL;               /* overflow */
    char *pos = region->base;
    rt_bsend_block_t *prev = NULL, *next = region->first;
    /* First fit: the gap before each block, then the tail. */
    while (next != NULL && (size_t)((char *)next - pos) < need) {
        pos = (char *)next + next->size;
        prev = next;
        next = next->next;
    }
    if (next == NULL && (size_t)(region->end - pos) < need)
        return NULL;
    rt_bsend_block_t *b = (rt_bsend_block_t *)(void *)pos;
    b->size = need;
    b->reserved = 0;
    b->prev = prev;
    b->next = next;
    if (prev != NULL)
        prev->next = b;
    else
        region->first = b;
    if (next != NULL)
        next->prev = b;
    region->num_blocks++;
    return pos + RT_BSEND_HDR;
}

void rt_bsend_region_free(rt_bsend_region_t *region, void *data)
{
    rt_bsend_block_t *b = (rt_bsend_block_t *)(void *)((char *)data - RT_BSEND_HDR);
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        region->first = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
    region->num_blocks--;
}

size_t rt_bsend_region_largest_gap(const rt_bsend_region_t *region)
{
    size_t best = 0;
    char *pos = region->base;
    for (const rt_bsend_block_t *b = region->first; b != NULL; b = b->next) {
        if ((size_t)((char *)b - pos) > best)
            best = (size_t)((char *)b - pos);
        pos = (char *)b + b->size;
    }
    if ((size_t)(region->end - pos) > best)
        best = (size_t)(region->end - pos);
    /* The largest message whose block (header, rounded data) fits. */
    return best > RT_BSEND_HDR ? (best - RT_BSEND_HDR) / RT_BSEND_ALIGN * RT_BSEND_ALIGN : 0;
}

/* ---- The attached buffer ------------------------------------------------------ */

static struct {
    int attached;
    void *buffer;                  /* as the program gave it */
    int size;
    rt_bsend_region_t region;
} rt_bsend;

int rt_bsend_attach(void *buffer, int size)
{
    if (size < 0)
        return rt_err(NULL, "MPI_Buffer_attach", MPI_ERR_ARG, "invalid size %d", size);
    if (buffer == NULL && size > 0)
        return rt_err(NULL, "MPI_Buffer_attach", MPI_ERR_BUFFER,
                      "invalid buffer NULL with size %d", size);
    if (rt_bsend.attached)
        return rt_err(NULL, "MPI_Buffer_attach", MPI_ERR_BUFFER,
                      "a buffer of %d bytes is already attached (detach it first)",
                      rt_bsend.size);
    rt_bsend.attached = 1;
    rt_bsend.buffer = buffer;
    rt_bsend.size = size;
    rt_bsend_region_init(&rt_bsend.region, buffer, (size_t)size);
    return MPI_SUCCESS;
}

int rt_bsend_detach(void *buffer_addr, int *size)
{
    if (buffer_addr == NULL || size == NULL)
        return rt_err(NULL, "MPI_Buffer_detach", MPI_ERR_ARG, "%s is NULL",
                      buffer_addr == NULL ? "buffer_addr" : "size");
    if (!rt_bsend.attached) {
        /* As MPICH does: nothing attached detaches as an empty buffer. */
        *(void **)buffer_addr = NULL;
        *size = 0;
        return MPI_SUCCESS;
    }
    /* The standard: detach blocks until every buffered message went out. */
    unsigned idle = 0;
    while (rt_bsend.region.num_blocks > 0) {
        if (rt_progress() == 0)
            rt_progress_idle(&idle);
        else
            idle = 0;
    }
    *(void **)buffer_addr = rt_bsend.buffer;
    *size = rt_bsend.size;
    rt_bsend.attached = 0;
    rt_bsend.buffer = NULL;
    rt_bsend.size = 0;
    return MPI_SUCCESS;
}

void rt_bsend_finalize(void)
{
    memset(&rt_bsend, 0, sizeof(rt_bsend));
}

static void bsend_done(rt_request_t *req)
{
    rt_bsend_region_free(&rt_bsend.region, req->on_complete_arg);
}

int rt_bsend_start(const char *call, rt_comm_t *comm, const void *buf, int count,
                   rt_datatype_t *dt, int dest, int tag)
{
    if (dest == MPI_PROC_NULL)
        return MPI_SUCCESS;
    size_t bytes = (size_t)count * dt->size;
    if (!rt_bsend.attached)
        return rt_err(comm, call, MPI_ERR_BUFFER,
                      "no buffer is attached (MPI_Buffer_attach) for a buffered send of %zu bytes",
                      bytes);
    void *data = rt_bsend_region_alloc(&rt_bsend.region, bytes);
    if (data == NULL) {
        /* Earlier buffered messages may have gone out meanwhile. */
        rt_progress();
        data = rt_bsend_region_alloc(&rt_bsend.region, bytes);
    }
    if (data == NULL)
        return rt_err(comm, call, MPI_ERR_BUFFER,
                      "a buffered send of %zu bytes does not fit in the attached buffer of %d "
                      "bytes (largest free space %zu bytes, %zu messages pending; each needs "
                      "MPI_BSEND_OVERHEAD = %d extra bytes)",
                      bytes, rt_bsend.size, rt_bsend_region_largest_gap(&rt_bsend.region),
                      rt_bsend.region.num_blocks, MPI_BSEND_OVERHEAD);
    if (bytes > 0) {
        if (dt->contiguous)
            memcpy(data, (const char *)buf + dt->lb, bytes);
        else
            rt_datatype_pack(dt, buf, (size_t)count, data);
    }
    rt_request_t *req = rt_request_alloc(RT_REQ_SEND);
    req->comm = comm;
    req->context_id = comm->context_id;
    req->buf = data;
    req->count = (size_t)count;
    req->dt = dt;
    req->prepacked = 1;
    req->peer = dest;
    req->tag = tag;
    req->mode = RT_SEND_STANDARD;
    req->on_complete = bsend_done;
    req->on_complete_arg = data;
    rt_request_detach(req);
    rt_proto_send_start(req);
    return MPI_SUCCESS;
}

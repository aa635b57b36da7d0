/*
 * copy_small.h -- memcpy for the few bytes of a small message, inline.
 *
 * A libc memcpy whose length is known only at run time costs a call and a
 * dispatch on the length, about twenty instructions: as much as the rest
 * of handing over an 8-byte message's payload, three times per message on
 * the shared-memory fast path (envelope and payload in, payload out).  Up
 * to 16 bytes, two loads and two stores that may overlap do it here.
 */
#ifndef MINIMPI_COPY_SMALL_H
#define MINIMPI_COPY_SMALL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* memcpy(dst, src, n): the buffers must not overlap. */
static inline void copy_small(void *dst, const void *src, size_t n)
{
    char *d = dst;
    const char *s = src;
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        uint64_t head, tail;
        memcpy(&head, s, 8);
        memcpy(&tail, s + n - 8, 8);
        memcpy(d, &head, 8);
        memcpy(d + n - 8, &tail, 8);
    } else if (n >= 4) {
        uint32_t head, tail;
        memcpy(&head, s, 4);
        memcpy(&tail, s + n - 4, 4);
        memcpy(d, &head, 4);
        memcpy(d + n - 4, &tail, 4);
    } else if (n > 0) {
        /* 1 to 3 bytes: first, middle and last cover them. */
        char first = s[0], middle = s[n / 2], last = s[n - 1];
        d[0] = first;
        d[n / 2] = middle;
        d[n - 1] = last;
    }
}

#endif /* MINIMPI_COPY_SMALL_H */

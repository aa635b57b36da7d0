/*
 * fuzz_wire.c -- the frames between mini-mpirun and its daemons
 * (launcher/lnch_wire.c), as lnch_wire_next cuts them out of what a
 * connection received: every frame must lie inside the received bytes and
 * within LNCH_WIRE_PAYLOAD_MAX, and a HELLO is checked against a secret
 * (lnch_wire_secret_eq must not read past the frame).  The input arrives in
 * two pieces, cut where its first byte says, as a socket may deliver it.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "launcher/lnch_wire.h"

static void take_frames(lnch_conn_t *c, int *stop)
{
    lnch_wire_frame_t f;
    int got;
    while ((got = lnch_wire_next(c, &f)) == 1) {
        FUZZ_ASSERT(f.len <= LNCH_WIRE_PAYLOAD_MAX);
        FUZZ_ASSERT(f.data >= c->in && f.data + f.len <= c->in + c->in_len);
        FUZZ_ASSERT(c->in_off <= c->in_len);
        if (f.type == LNCH_WIRE_HELLO)
            (void)lnch_wire_secret_eq(f.data, f.len, "0123456789abcdef0123456789abcdef");
    }
    if (got < 0)
        *stop = 1;                /* the reader drops such a peer */
}

void fuzz_wire(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    size_t cut = 1 + (size - 1) * data[0] / 256;
    lnch_conn_t c;
    memset(&c, 0, sizeof(c));
    c.fd = -1;
    c.in = malloc(size);
    if (c.in == NULL)
        abort();
    c.in_cap = size;
    int stop = 0;
    /* First piece, then (as lnch_wire_read does) drop what was consumed and
     * append the second. */
    memcpy(c.in, data + 1, cut - 1);
    c.in_len = cut - 1;
    take_frames(&c, &stop);
    if (!stop) {
        memmove(c.in, c.in + c.in_off, c.in_len - c.in_off);
        c.in_len -= c.in_off;
        c.in_off = 0;
        memcpy(c.in + c.in_len, data + cut, size - cut);
        c.in_len += size - cut;
        take_frames(&c, &stop);
    }
    free(c.in);
}

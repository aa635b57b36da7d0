/*
 * fuzz_pmi_port.c -- the PMI_PORT handshake of a rank
 * (runtime/rt_boot_port.c): the input is what the process manager answers
 * to initack, queued in a socketpair (then end of file).  A handshake that
 * succeeds must give a rank within the size.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/rt_boot.h"

void fuzz_pmi_port(const uint8_t *data, size_t size)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    size_t sent = 0;
    while (sent < size) {
        ssize_t w = send(sv[1], data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w <= 0)
            break;
        sent += (size_t)w;
    }
    (void)shutdown(sv[1], SHUT_WR);
    int rank = -7, size_out = -7;
    if (rt_boot_port_handshake(sv[0], 3, &rank, &size_out) == 0)
        FUZZ_ASSERT(size_out >= 1 && rank >= 0 && rank < size_out);
    else
        FUZZ_ASSERT(rank == -7 && size_out == -7);
    close(sv[0]);
    close(sv[1]);
}

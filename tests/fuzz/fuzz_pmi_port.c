/*
 * fuzz_pmi_port.c -- the PMI_PORT handshake of a rank
 * (runtime/rt_boot_port.c): the input is what the process manager answers
 * to initack, queued in a socketpair (then end of file).  A handshake that
 * succeeds must give a rank within the size.
 */
#include "fuzz.h"

#include <unistd.h>

#include "runtime/rt_boot.h"

void fuzz_pmi_port(const uint8_t *data, size_t size)
{
    int manager;
    int fd = fuzz_queued_socket(data, size, &manager);
    int rank = -7, size_out = -7;
    if (rt_boot_port_handshake(fd, 3, &rank, &size_out) == 0)
        FUZZ_ASSERT(size_out >= 1 && rank >= 0 && rank < size_out);
    else
        FUZZ_ASSERT(rank == -7 && size_out == -7);
    close(fd);
    close(manager);
}

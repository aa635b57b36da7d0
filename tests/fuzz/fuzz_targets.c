/*
 * fuzz_targets.c -- the table of fuzz targets and the helpers they share.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const fuzz_target_t targets[] = {
    {"pmi_wire", "common/pmi_wire.c: parse, format, parse again", fuzz_pmi_wire},
    {"pmi_server", "launcher/lnch_pmi.c: lines from ranks, answered by mini-mpirun",
     fuzz_pmi_server},
    {"pmi_client", "runtime/rt_boot_pmi.c: the launcher's replies, read by a rank",
     fuzz_pmi_client},
    {"pmi_port", "runtime/rt_boot_port.c: the PMI_PORT initack handshake", fuzz_pmi_port},
    {"mapping", "runtime/rt_boot_mapping.c: PMI_process_mapping", fuzz_mapping},
    {"hosts", "launcher/lnch_hosts.c: -H lists and hostfiles", fuzz_hosts},
    {"slurm", "launcher/lnch_slurm.c: SLURM_JOB_NODELIST and SLURM_TASKS_PER_NODE",
     fuzz_slurm},
    {"wire", "launcher/lnch_wire.c: frames between mini-mpirun and mini-mpid", fuzz_wire},
};

const fuzz_target_t *fuzz_find(const char *name)
{
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        if (name != NULL && strcmp(name, targets[i].name) == 0)
            return &targets[i];
    fprintf(stderr, "fuzz: unknown target '%s'; the targets are:\n", name ? name : "(none)");
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        fprintf(stderr, "  %-11s %s\n", targets[i].name, targets[i].what);
    return NULL;
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", file, line, what);
    abort();
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int fuzz_queued_socket(const uint8_t *data, size_t size, int *other)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    size_t sent = 0;
    while (sent < size) {
        ssize_t w = send(sv[1], data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w <= 0)
            break;                /* a full buffer: the rest is cut */
        sent += (size_t)w;
    }
    (void)shutdown(sv[1], SHUT_WR);
    *other = sv[1];
    return sv[0];
}

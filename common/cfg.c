/*
 * cfg.c -- the table of MINIMPI_* variables and its readers (see cfg.h).
 */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const cfg_var_t cfg_vars[] = {
    {"MINIMPI_VERBOSE", "",
     "Comma-separated topics to report on stderr: transport (per-peer transport, "
     "protocol thresholds, single-copy on or off and why), boot, coll (the algorithm "
     "chosen for every collective call), proto (packets sent, by type, at MPI_Finalize), "
     "rma (per window: to how many ranks Put/Get go by single copy, and at MPI_Win_free "
     "how many operations took each path), all."},
    {"MINIMPI_EAGER_LIMIT", "",
     "Largest message sent eagerly, in bytes (k/m suffixes allowed); larger ones use "
     "rendezvous. Empty: the transport's own limit."},
    {"MINIMPI_SHM_CMA", "1",
     "Use single-copy (process_vm_readv) for large shared-memory messages: 1 or 0. "
     "With 0, or when the kernel forbids it, a pipelined copy through shared memory is used."},
    {"MINIMPI_SHM_CMA_THRESHOLD", "",
     "Largest shared-memory message, in bytes (k/m suffixes allowed), copied eagerly "
     "through the receive queue in several cells; larger ones use rendezvous (single copy "
     "when allowed). Empty: 64k, or the eager limit when MINIMPI_EAGER_LIMIT is set."},
    {"MINIMPI_SHM_CMA_SPLIT", "",
     "Shared-memory single-copy messages of at least this many bytes (k/m suffixes allowed) "
     "are copied by both ranks at once: the receiver reads the first half with "
     "process_vm_readv while the sender writes the second with process_vm_writev. "
     "0: the receiver copies alone. Empty: 64k (every rendezvous at the default "
     "MINIMPI_SHM_CMA_THRESHOLD), or 0 on an oversubscribed node."},
    {"MINIMPI_SHM_QUEUE_DEPTH", "64",
     "Cells of 16 KiB in each rank's shared-memory receive queue: a power of two from 2 "
     "to 32768. Local rank 0's value applies to its whole node."},
    {"MINIMPI_SHM_FASTBOX", "1",
     "Send small shared-memory messages through a per-peer fast box (one cache line for "
     "a message of up to 40 bytes), and answers of up to 480 bytes through the pair's duplex "
     "lane, in the lines their question came in: 1 or 0. With 0 every message goes through "
     "the queues."},
    {"MINIMPI_CC", "cc",
     "C compiler that the mpicc wrapper runs (default: the compiler minimpi was built with)."},
    {"MINIMPI_YIELD", "auto",
     "When idle in a blocking call: auto (yield the core only when the node is "
     "oversubscribed or the rank has peers on other nodes, whose messages the kernel's "
     "network processing must be let run to deliver), always, or never. Ranks that yield spin briefly, then yield, then "
     "sleep until a shared-memory message arrives (senders wake them)."},
    {"MINIMPI_COLL_BARRIER", "auto",
     "Barrier algorithm: auto, dissemination, tree or shm (through a shared buffer, on "
     "communicators within one node)."},
    {"MINIMPI_COLL_BCAST", "auto",
     "Broadcast algorithm: auto, binomial, scatter_allgather, node_aware or shm."},
    {"MINIMPI_COLL_REDUCE", "auto", "Reduce algorithm: auto, binomial, linear or shm."},
    {"MINIMPI_COLL_ALLREDUCE", "auto",
     "Allreduce algorithm: auto, recursive_doubling, rabenseifner, reduce_bcast, node_aware "
     "or shm (up to 64 KiB per rank; larger calls run recursive_doubling)."},
    {"MINIMPI_COLL_GATHER", "auto", "Gather algorithm: auto, binomial or linear."},
    {"MINIMPI_COLL_GATHERV", "auto", "Gatherv algorithm: auto or linear."},
    {"MINIMPI_COLL_SCATTER", "auto", "Scatter algorithm: auto, binomial or linear."},
    {"MINIMPI_COLL_SCATTERV", "auto", "Scatterv algorithm: auto or linear."},
    {"MINIMPI_COLL_ALLGATHER", "auto",
     "Allgather algorithm: auto, ring, recursive_doubling (powers of two; bruck otherwise) "
     "or bruck."},
    {"MINIMPI_COLL_ALLGATHERV", "auto", "Allgatherv algorithm: auto or ring."},
    {"MINIMPI_COLL_ALLTOALL", "auto",
     "Alltoall algorithm: auto, pairwise, bruck, linear or shm (while a rank's blocks to all "
     "ranks fit 64 KiB; larger calls run pairwise)."},
    {"MINIMPI_COLL_ALLTOALLV", "auto", "Alltoallv algorithm: auto or pairwise."},
    {"MINIMPI_COLL_ALLTOALLW", "auto", "Alltoallw algorithm: auto or pairwise."},
    {"MINIMPI_COLL_REDUCE_SCATTER", "auto",
     "Reduce_scatter(_block) algorithm: auto, reduce_scatterv or ring."},
    {"MINIMPI_COLL_SCAN", "auto", "Scan algorithm: auto, recursive_doubling or linear."},
    {"MINIMPI_COLL_EXSCAN", "auto", "Exscan algorithm: auto, recursive_doubling or linear."},
    {"MINIMPI_COLL_NODE_SIZE", "",
     "Testing aid: node-aware collective algorithms treat every N consecutive ranks as one "
     "node. Empty: the real node layout."
     " The automatic choice then picks them as on a communicator spanning nodes."},
    {"MINIMPI_TRANSPORTS", "auto",
     "Which transport reaches the other ranks: auto (shared memory on the same node, "
     "libfabric to other nodes) or ofi (libfabric to every other rank, also on the same "
     "node). Must be the same on every rank."},
    {"MINIMPI_OFI_LIBRARY", "libfabric.so.1",
     "The libfabric library the libfabric transport loads when it starts (multi-node jobs, "
     "MINIMPI_TRANSPORTS=ofi): a file name looked up as dlopen(3) does, or a path. "
     "Single-node jobs never load libfabric."},
    {"MINIMPI_OFI_TIMEOUT", "120",
     "Seconds a peer may leave libfabric sends or reads towards it unanswered before the "
     "job ends naming that rank and its host (libfabric reports no dead peer). 0: never."},
    {"MINIMPI_IFACE", "",
     "mini-mpirun, multi-node jobs: the network interface whose IPv4 address the remote "
     "daemons connect back to (as --iface). Empty: the interface that routes to the first "
     "remote host."},
    {"MINIMPI_BOOT_TIMEOUT", "10",
     "mini-mpirun, multi-node jobs: seconds a remote daemon has to connect back before its "
     "node is reported unreachable and the job ends."},
    {"MINIMPI_HEARTBEAT_TIMEOUT", "10",
     "mini-mpirun, multi-node jobs: seconds without a word from a daemon (or, in the daemon, "
     "from mini-mpirun) before the peer counts as lost and the job ends (heartbeats are sent "
     "every second)."},
    {"MINIMPI_FANOUT", "32",
     "mini-mpirun, multi-node jobs: how many remote daemons mini-mpirun starts itself; each "
     "daemon starts as many of the rest in turn (a tree of launches), so start-up work on "
     "mini-mpirun does not grow with the number of nodes. At least 1."},
    {"MINIMPI_OFI_RMA", "1",
     "Large libfabric messages are read by the receiver (fi_read) when every rank's provider "
     "offers FI_RMA: 1 or 0. With 0, a pipelined copy through messages is used."},
    {"MINIMPI_RMA_CMA_MIN", "2k",
     "Smallest Put or Get, in bytes (k/m suffixes allowed), that goes by single copy (CMA) "
     "toward a window of another process of the node; smaller ones travel as messages, "
     "which cost less than the system call. 0: every size by single copy."},
    {"MINIMPI_OFI_ATOMIC", "1",
     "Accumulates to windows use libfabric atomics (fi_atomic) when every rank's provider "
     "offers FI_ATOMIC: 1 or 0. With 0, they travel as messages applied by the target."},
    {"MINIMPI_REPORT_TRANSPORTS", "0",
     "1: at MPI_Init every rank reports through PMI the transport it uses for same-node "
     "peers and for other nodes, the libfabric provider and interface, single copy on or "
     "off and why, and the protocol thresholds; mini-mpirun prints the job's summary once "
     "before the program's output. Set by mini-mpirun --report-transports."},
    {"MINIMPI_HANG_TIMEOUT", "0",
     "Seconds (a positive number; 0: off): when no rank of the job has completed an MPI "
     "call for this long while some rank waits in one, mini-mpirun prints each rank's "
     "blocking call, names the cycle of waits if there is one, and ends the job "
     "(see MINIMPI_HANG_ACTION). Same as mini-mpirun --hang-timeout; the ranks then tell "
     "mini-mpirun through PMI what they wait for, so set it only under mini-mpirun."},
    {"MINIMPI_HANG_ACTION", "abort",
     "mini-mpirun, with a hang timeout: abort (print the diagnosis, then end the job with "
     "exit status 125) or report (print it and keep waiting). Same as --hang-action."},
    {"MINIMPI_PROFILE", "0",
     "1: every rank counts its MPI calls (number and time inside), the bytes it sends to "
     "each rank and a histogram of message sizes, and reports them at MPI_Finalize; "
     "mini-mpirun writes the summary and the report files. Set by mini-mpirun --profile."},
    {"MINIMPI_IDLE_SLEEP_MS", "2",
     "Oversubscribed ranks sleep until a sender wakes them, but at most this many "
     "milliseconds (1 to 10000) before they look again: a safety net, since a sender always "
     "wakes a sleeping receiver. MINIMPI_VERBOSE=transport reports at MPI_Finalize how each "
     "rank's sleeps ended."},
};
const size_t cfg_num_vars = sizeof(cfg_vars) / sizeof(cfg_vars[0]);

static const cfg_var_t *cfg_find(const char *name)
{
    for (size_t i = 0; i < cfg_num_vars; i++)
        if (strcmp(cfg_vars[i].name, name) == 0)
            return &cfg_vars[i];
    fprintf(stderr, "minimpi: internal error: configuration variable %s is not in the table\n",
            name);
    abort();
}

const char *cfg_get(const char *name)
{
    const cfg_var_t *var = cfg_find(name);
    const char *value = getenv(name);
    return value != NULL ? value : var->default_value;
}

static int parse_num(const char *text, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || errno != 0)
        return -1;
    long long mult = 1;
    switch (tolower((unsigned char)*end)) {
    case '\0': break;
    case 'k': mult = 1LL << 10; end++; break;
    case 'm': mult = 1LL << 20; end++; break;
    case 'g': mult = 1LL << 30; end++; break;
    default: return -1;
    }
    if (*end != '\0')
        return -1;
    *out = v * mult;
    return 0;
}

long long cfg_get_num(const char *name)
{
    const cfg_var_t *var = cfg_find(name);
    const char *value = cfg_get(name);
    long long out = 0;
    if (value[0] == '\0')
        return 0;
    if (parse_num(value, &out) == 0)
        return out;
    fprintf(stderr, "minimpi: warning: %s=%s is not a number; using the default '%s'\n", name,
            value, var->default_value);
    if (parse_num(var->default_value, &out) == 0)
        return out;
    return 0;
}

int cfg_get_bool(const char *name)
{
    const cfg_var_t *var = cfg_find(name);
    const char *value = cfg_get(name);
    for (int pass = 0; pass < 2; pass++) {
        if (!strcmp(value, "1") || !strcasecmp(value, "yes") || !strcasecmp(value, "on") ||
            !strcasecmp(value, "true"))
            return 1;
        if (!strcmp(value, "0") || !strcasecmp(value, "no") || !strcasecmp(value, "off") ||
            !strcasecmp(value, "false") || value[0] == '\0')
            return 0;
        fprintf(stderr, "minimpi: warning: %s=%s is not a boolean; using the default '%s'\n",
                name, value, var->default_value);
        value = var->default_value;
    }
    return 0;
}

void cfg_print_help(FILE *out)
{
    for (size_t i = 0; i < cfg_num_vars; i++) {
        const cfg_var_t *v = &cfg_vars[i];
        fprintf(out, "%s (default: %s)\n    %s\n", v->name,
                v->default_value[0] ? v->default_value : "unset", v->doc);
    }
}

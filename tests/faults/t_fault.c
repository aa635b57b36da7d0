/*
 * t_fault.c -- ranks that exchange checked messages until something goes
 * wrong on purpose, for the fault tests (tests/faults/faults.sh).
 *
 *   t_fault ACTION VICTIM ITERATION [ARG]
 *
 * Every rank but a victim of "noinit" calls MPI_Init, prints "ready RANK PID"
 * on stdout, then exchanges messages with both ring neighbours, of sizes on
 * both sides of every protocol boundary (eager, rendezvous with single copy
 * or streamed), checking every byte.  Rank VICTIM, at iteration ITERATION,
 * does ACTION:
 *   none                nothing: every rank runs ITERATION iterations, then
 *                       MPI_Finalize (exit 0)
 *   forever             nothing, and the ranks never stop (killed from outside)
 *   segv                dies of SIGSEGV
 *   kill                dies of SIGKILL
 *   abort CODE          MPI_Abort(MPI_COMM_WORLD, CODE)
 *   exit CODE           exit(CODE) without MPI_Finalize
 *   noinit CODE         the victim exits with CODE before MPI_Init
 *   denycma WHEN        no action at ITERATION: the victim (every odd rank
 *                       when VICTIM is -1) cannot use process_vm_readv or
 *                       process_vm_writev (a seccomp filter makes them fail
 *                       with EPERM), from before MPI_Init (WHEN=init) or from
 *                       just after it (WHEN=late, so single copy was probed
 *                       fine and fails later); the job must still deliver
 *                       every message intact and exit 0.
 */
#define _GNU_SOURCE
#include "../mpi/t_util.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const size_t sizes[] = {0,     1,     100,   8000,  8064,  8065,   9000,
                               16256, 16257, 16384, 16385, 70000, 1 << 20};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Make process_vm_readv/writev fail with EPERM in this process, as a kernel
 * that forbids single copy between the ranks would. */
static void deny_cma(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_writev, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        fprintf(stderr, "t_fault: cannot install the seccomp filter: %s\n", strerror(errno));
        exit(77);
    }
}

static void act(const char *action, const char *arg)
{
    if (strcmp(action, "segv") == 0) {
        /* The default action, even under a sanitizer that catches SIGSEGV. */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    } else if (strcmp(action, "kill") == 0) {
        raise(SIGKILL);
    } else if (strcmp(action, "abort") == 0) {
        MPI_Abort(MPI_COMM_WORLD, atoi(arg));
    } else if (strcmp(action, "exit") == 0) {
        fflush(stdout);
        _exit(atoi(arg));
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: t_fault ACTION VICTIM ITERATION [ARG]\n");
        return 2;
    }
    const char *action = argv[1], *arg = argc > 4 ? argv[4] : "1";
    int victim = atoi(argv[2]);
    long iterations = atol(argv[3]);
    const char *r = getenv("PMI_RANK");
    int world_rank = r != NULL ? atoi(r) : 0;
    int denied = strcmp(action, "denycma") == 0 &&
                 (victim == world_rank || (victim == -1 && world_rank % 2 == 1));

    if (strcmp(action, "noinit") == 0 && world_rank == victim)
        return atoi(arg);
    if (denied && strcmp(arg, "init") == 0)
        deny_cma();
    t_init(&argc, &argv);
    if (denied && strcmp(arg, "late") == 0)
        deny_cma();
    printf("ready %d %ld\n", t_rank, (long)getpid());
    fflush(stdout);

    int next = (t_rank + 1) % t_size, prev = (t_rank + t_size - 1) % t_size;
    size_t max = sizes[NSIZES - 1];
    uint8_t *out = t_malloc(max), *in[2] = {t_malloc(max), t_malloc(max)};
    int forever = strcmp(action, "forever") == 0;
    for (long it = 0; forever || it < iterations; it++) {
        if (t_rank == victim && it == iterations / 2)
            act(action, arg);
        size_t n = sizes[(size_t)it % NSIZES];
        /* The pattern names sender and iteration, so a stale or misplaced
         * message is caught. */
        t_fill(out, n, (uint32_t)(t_rank * 100003 + it));
        MPI_Request req[4];
        T_MPI(MPI_Irecv(in[0], (int)n, MPI_BYTE, prev, 5, MPI_COMM_WORLD, &req[0]));
        T_MPI(MPI_Irecv(in[1], (int)n, MPI_BYTE, next, 6, MPI_COMM_WORLD, &req[1]));
        T_MPI(MPI_Isend(out, (int)n, MPI_BYTE, next, 5, MPI_COMM_WORLD, &req[2]));
        T_MPI(MPI_Isend(out, (int)n, MPI_BYTE, prev, 6, MPI_COMM_WORLD, &req[3]));
        T_MPI(MPI_Waitall(4, req, MPI_STATUSES_IGNORE));
        T_CHECK_PATTERN(in[0], n, (uint32_t)(prev * 100003 + it), "iteration %ld from %d", it,
                        prev);
        T_CHECK_PATTERN(in[1], n, (uint32_t)(next * 100003 + it), "iteration %ld from %d", it,
                        next);
    }
    free(out);
    free(in[0]);
    free(in[1]);
    t_finalize();
    return 0;
}

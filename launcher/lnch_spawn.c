/*
 * lnch_spawn.c -- fork and exec the ranks (see lnch_spawn.h).
 */
#define _GNU_SOURCE             /* pipe2, close_range */
#include "lnch_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lnch_place_job.h"
#include "lnch_signals.h"

/* What a child reports through its exec pipe when it cannot exec. */
typedef enum spawn_step {
    STEP_SETUP = 1,               /* preparing fds and environment */
    STEP_EXEC,                    /* execvp itself */
    STEP_BIND,                    /* binding to its cpus (lnch_place_job.c) */
} spawn_step_t;

typedef struct spawn_report {
    int step;
    int err;
} spawn_report_t;

/* The fds of one rank being started: [0] is read, [1] is write. */
typedef struct spawn_fds {
    int pmi[2];                   /* [0] launcher's end, [1] the rank's */
    int out[2];
    int err[2];
    int exec_pipe[2];
} spawn_fds_t;

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Every rank costs the launcher about four fds while starting: raise the
 * soft limit towards the hard one when the default (often 1024) is short. */
static void raise_fd_limit(int size)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)size * 5 + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
}

static int set_job_env(lnch_job_t *job, const char **env, int num_env)
{
    char num[32];
    for (int i = 0; i < num_env; i++) {
        const char *eq = strchr(env[i], '=');
        if (eq == NULL) {
            /* -x VAR: the ranks inherit our environment, so VAR passes as is. */
            if (getenv(env[i]) == NULL)
                fprintf(stderr, "mini-mpirun: warning: -x %s: %s is not set here, so the "
                        "ranks do not get it\n", env[i], env[i]);
            continue;
        }
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]), env[i]);
        if (setenv(name, eq + 1, 1) != 0)
            goto err_setenv;
    }
    /* Ours come last, so that -x cannot break the bootstrap; PMI_PORT and
     * PMI_ID of an outer launcher would point a client elsewhere. */
    snprintf(num, sizeof(num), "%d", job->world_size > 0 ? job->world_size : job->size);
    if (setenv("PMI_SIZE", num, 1) != 0 || setenv("PMI_JOBID", job->id, 1) != 0 ||
        unsetenv("PMI_PORT") != 0 || unsetenv("PMI_ID") != 0)
        goto err_setenv;
    return 0;

err_setenv:
    fprintf(stderr, "mini-mpirun: cannot set up the ranks' environment: %s\n", strerror(errno));
    return -1;
}

static void child_report(int fd, spawn_step_t step, int err)
{
    spawn_report_t rep = {.step = step, .err = err};
    ssize_t n;
    do
        n = write(fd, &rep, sizeof(rep));
    while (n < 0 && errno == EINTR);
}

/* In the child: become the rank and exec.  Never returns. */
static void child_exec(lnch_rank_t *r, pid_t launcher, const spawn_fds_t *f, int stdin_fd,
                       char **argv)
{
    char num[32];
    lnch_signals_child_reset();
    (void)setpgid(0, 0);
    /* Die with the launcher; if it is already gone, we were too late to
     * learn about it through the signal. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher)
        _exit(127);
    if (dup2(stdin_fd, STDIN_FILENO) < 0 || dup2(f->out[1], STDOUT_FILENO) < 0 ||
        dup2(f->err[1], STDERR_FILENO) < 0)
        goto err_setup;
    /* Nothing else of ours (or of whoever started us) leaks into the rank:
     * our own fds are close-on-exec already; mark the inherited ones too. */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
            (void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    }
    if (fcntl(f->pmi[1], F_SETFD, 0) != 0)
        goto err_setup;
    snprintf(num, sizeof(num), "%d", r->rank);
    if (setenv("PMI_RANK", num, 1) != 0)
        goto err_setup;
    snprintf(num, sizeof(num), "%d", f->pmi[1]);
    if (setenv("PMI_FD", num, 1) != 0)
        goto err_setup;
    execvp(argv[0], argv);
    child_report(f->exec_pipe[1], STEP_EXEC, errno);
    _exit(errno == ENOENT ? 127 : 126);

err_setup:
    child_report(f->exec_pipe[1], STEP_SETUP, errno);
    _exit(127);
}

/* Create the fds of one rank; all close-on-exec (the child clears the flag
 * on the one it keeps). */
static int open_rank_fds(spawn_fds_t *f)
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->pmi) != 0)
        return -1;
    if (pipe2(f->out, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(f->err, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(f->exec_pipe, O_CLOEXEC) != 0)
        return -1;
    return 0;
}

static void close_rank_fds(spawn_fds_t *f)
{
    int *all[] = {&f->pmi[0], &f->pmi[1], &f->out[0], &f->out[1],
                  &f->err[0], &f->err[1], &f->exec_pipe[0], &f->exec_pipe[1]};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        close_fd(all[i]);
}

/* Fork rank r.  On success the launcher keeps the read ends (non-blocking)
 * and *exec_fd, the read end of the exec pipe. */
static int spawn_rank(lnch_job_t *job, lnch_rank_t *r, int stdin_fd, char **argv, int *exec_fd)
{
    spawn_fds_t f = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
    if (open_rank_fds(&f) != 0) {
        fprintf(stderr, "mini-mpirun: cannot start rank %d: %s\n", r->rank, strerror(errno));
        close_rank_fds(&f);
        return -1;
    }
    pid_t launcher = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "mini-mpirun: cannot start rank %d: fork: %s\n", r->rank,
                strerror(errno));
        close_rank_fds(&f);
        return -1;
    }
    if (pid == 0) {
        if (lnch_place_job_bind_child(job, (int)(r - job->ranks)) != 0) {
            child_report(f.exec_pipe[1], STEP_BIND, errno);
            _exit(127);
        }
        child_exec(r, launcher, &f, stdin_fd, argv);
    }

    /* Also here, so that the group exists before we may signal it. */
    (void)setpgid(pid, pid);
    r->pid = pid;
    r->alive = 1;
    r->pmi_fd = f.pmi[0];
    r->out.fd = f.out[0];
    r->err.fd = f.err[0];
    *exec_fd = f.exec_pipe[0];
    f.pmi[0] = f.out[0] = f.err[0] = f.exec_pipe[0] = -1;
    close_rank_fds(&f);           /* the child's ends */
    (void)set_nonblock(r->pmi_fd);
    (void)set_nonblock(r->out.fd);
    (void)set_nonblock(r->err.fd);
    return 0;
}

/* Why execvp could not run prog, in the words shells use: a name without a
 * slash that PATH does not hold is "command not found", and a directory
 * (which execvp reports as EACCES) "Is a directory". */
static const char *exec_error_text(const char *prog, int err)
{
    struct stat st;
    if (err == ENOENT && strchr(prog, '/') == NULL)
        return "command not found";
    if (err == EACCES && stat(prog, &st) == 0 && S_ISDIR(st.st_mode))
        return strerror(EISDIR);
    return strerror(err);
}

/* Wait until rank r exec'd (the pipe closes) or reports why it could not.
 * Returns 0, or the exit code for the launcher after printing why. */
static int wait_exec(lnch_rank_t *r, int exec_fd, const char *prog, int quiet)
{
    spawn_report_t rep;
    ssize_t n;
    do
        n = read(exec_fd, &rep, sizeof(rep));
    while (n < 0 && errno == EINTR);
    close(exec_fd);
    if (n != (ssize_t)sizeof(rep))
        return 0;                 /* closed by exec: the program runs */
    if (!quiet) {
        if (rep.step == STEP_EXEC)
            fprintf(stderr, "mini-mpirun: cannot run '%s': %s\n", prog,
                    exec_error_text(prog, rep.err));
        else if (rep.step == STEP_BIND)
            fprintf(stderr, "mini-mpirun: cannot bind rank %d to its cpus: %s\n", r->rank,
                    strerror(rep.err));
        else
            fprintf(stderr, "mini-mpirun: cannot start rank %d: %s\n", r->rank,
                    strerror(rep.err));
    }
    if (rep.step == STEP_EXEC)
        return rep.err == ENOENT ? 127 : 126;
    return 1;
}

int lnch_spawn_job(lnch_job_t *job, char **argv, const char **env, int num_env)
{
    int rc = 0;
    int devnull = -1, rank0_stdin[2] = {-1, -1};
    int *exec_fds = malloc((size_t)job->size * sizeof(*exec_fds));
    if (exec_fds == NULL) {
        fprintf(stderr, "mini-mpirun: out of memory starting %d ranks\n", job->size);
        return 1;
    }
    raise_fd_limit(job->size);
    if (set_job_env(job, env, num_env) != 0) {
        rc = 1;
        goto out_exec_fds;
    }
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        fprintf(stderr, "mini-mpirun: cannot open /dev/null: %s\n", strerror(errno));
        rc = 1;
        goto out_exec_fds;
    }
    if (pipe2(rank0_stdin, O_CLOEXEC) != 0) {
        fprintf(stderr, "mini-mpirun: cannot create the stdin pipe of rank 0: %s\n",
                strerror(errno));
        rc = 1;
        goto out_devnull;
    }

    int started = 0;
    for (; started < job->size; started++) {
        lnch_rank_t *r = &job->ranks[started];
        exec_fds[started] = -1;
        if (r->remote)
            continue;             /* its node's daemon starts it */
        int stdin_fd = r->rank == 0 ? rank0_stdin[0] : devnull;
        if (spawn_rank(job, r, stdin_fd, argv, &exec_fds[started]) != 0) {
            rc = 1;
            break;
        }
    }
    /* Only now wait for the execs, so that the ranks start in parallel. */
    for (int i = 0; i < started; i++) {
        if (exec_fds[i] < 0)
            continue;
        int code = wait_exec(&job->ranks[i], exec_fds[i], argv[0], rc != 0);
        if (code != 0 && rc == 0)
            rc = code;
    }
    close_fd(&rank0_stdin[0]);
    /* Our stdin goes to rank 0 only when it runs here. */
    if (rc == 0 && !job->ranks[0].remote) {
        job->stdin_src = STDIN_FILENO;
        job->stdin_sink = rank0_stdin[1];
        rank0_stdin[1] = -1;
        (void)set_nonblock(job->stdin_sink);
    }
    close_fd(&rank0_stdin[1]);
out_devnull:
    close_fd(&devnull);
out_exec_fds:
    free(exec_fds);
    return rc;
}

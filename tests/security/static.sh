#!/bin/sh
# static.sh -- what the sources of the runtime, the transports, the
# launcher and the shared code may not do (issue 9, "Security"):
#   - call system() or popen(), or exec a shell with a string built from
#     user input: programs are started with execvp(argv) and their
#     arguments are never parsed by a shell.  The one shell is mini-mpirun's
#     launch agent line, "/bin/sh -c 'exec AGENT "$@"' sh HOST mini-mpid
#     ... -- PROGRAM ARGS" (launcher/lnch_remote.c): the agent (an ssh or
#     srun command line the user configured) is split by sh like
#     Open MPI's and MPICH's, and everything after it, program arguments
#     included, goes through "$@" untouched;
#   - create a file or shared-memory segment with a mode other than 0600:
#     every O_CREAT, shm_open, mkstemp, mkfifo, mknod, creat and fopen for
#     writing is listed, and each must say 0600 or be on the allow list.
# The grep cannot prove absence everywhere; it catches the new call that
# nobody reviewed.  It fails on a planted system() call (checked by hand).
. "$(dirname "$0")/lib.sh"
top=${srcdir:-.}
dirs="$top/runtime $top/transports $top/launcher $top/common"

calls=$(grep -nE '(^|[^_a-z])(system|popen|execl|execlp|execle)[[:space:]]*\(' \
    $(find $dirs -name '*.c' -o -name '*.h') 2>/dev/null)
[ -z "$calls" ] && pass "no system(), popen() or execl*()" || fail "found: $calls"

shells=$(grep -nE '"/bin/(ba)?sh"' $(find $dirs -name '*.c') 2>/dev/null |
    grep -v 'launcher/lnch_remote\.c:')
[ -z "$shells" ] && pass "the only shell started is the launch agent's (lnch_remote.c)" ||
    fail "a shell is started from: $shells"
agent=$(grep -c 'exec %s \\"\$@\\"' "$top/launcher/lnch_remote.c")
[ "$agent" = 1 ] && pass "the agent line passes the daemon's arguments as \"\$@\"" ||
    fail "launcher/lnch_remote.c: the agent line no longer reads 'exec AGENT \"\$@\"'"

creates=$(grep -nE 'O_CREAT|shm_open|mkstemp|mkfifo|mknod|creat[[:space:]]*\(|fopen\([^)]*"[wa]' \
    $(find $dirs -name '*.c') 2>/dev/null | grep -v 'printf')
bad=$(printf '%s\n' "$creates" | grep -v '0600' | grep -vE 'shm_open\(name, O_RDWR, 0\)' | grep -v '^$')
[ -z "$bad" ] && pass "every file creation says 0600 ($(printf '%s\n' "$creates" | grep -c .) site(s))" ||
    fail "a file is created without mode 0600: $bad"

finish

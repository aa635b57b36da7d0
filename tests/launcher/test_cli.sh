#!/bin/sh
# The command line: bad flags, --help, --help-env, --version, the man page.
. "$(dirname "$0")/lib.sh"
A=$HELPERS/rank_actions

# bad ARGS... EXPECTED_MESSAGE: exit status 2, the message, then the hint.
bad() {
    msg=$1
    shift
    run 2 "bad command line: $*" $MPIRUN "$@" || return
    expect_grep "$ERR" "^mini-mpirun: $msg\$" "message for: $*"
    expect_grep "$ERR" "^Try 'mini-mpirun --help'\.\$" "hint for: $*"
    expect_count "$ERR" "." 2 "two lines for: $*"
}

bad "invalid value '0' for -n: must be a positive integer" -n 0 $A exit 0
bad "invalid value 'abc' for -n: must be a positive integer" -n abc $A exit 0
bad "invalid value 'abc' for -np: must be a positive integer" -np abc $A exit 0
bad "invalid value '-1' for --timeout: must be a positive number of seconds" --timeout -1 $A exit 0
bad "unknown option '--bogus'" --bogus $A exit 0
bad "option '-n' needs a value" -n
bad "no program to run" -n 2
bad "no program to run"
bad "invalid value '1X' for -x: .*" -x 1X $A exit 0

run 0 "Open MPI's no-op flags" $MPIRUN --oversubscribe --allow-run-as-root -np 2 $A exit 0
run 0 "--np=N" $MPIRUN --np=2 $A env PMI_SIZE
expect_count "$OUT" "PMI_SIZE=2\$" 2 "--np=2 starts 2 ranks"
run 0 "options after the program are the program's" $MPIRUN -n 1 $A env --tag-output
expect_grep "$OUT" "^rank 0: --tag-output unset\$" "--tag-output went to the program"

run 0 "--help" $MPIRUN --help
for flag in "-n N, -np N, --np N" "-x VAR" "-x VAR=value" "--tag-output" "--timeout S" \
    "--oversubscribe" "--allow-run-as-root" "-h, --help" "--help-env" "--version"; do
    expect_grep "$OUT" "^  $flag " "--help lists $flag"
done
for code in 0 2 124 126 127; do
    expect_grep "$OUT" "^  $code " "--help lists exit status $code"
done
expect_grep "$OUT" "--help-env" "--help points to --help-env"

run 0 "--help-env" $MPIRUN --help-env
expect_grep "$OUT" "^MINIMPI_[A-Z_]+ \(default: " "--help-env lists MINIMPI_* variables"

run 0 "--version" $MPIRUN --version
expect_grep "$OUT" "^mini-mpirun \(minimpi\) [0-9]" "--version"

# The man page's ENVIRONMENT section holds every variable --help-env lists.
MAN=./man/mini-mpirun.1
if [ -f "$MAN" ]; then
    for var in $($MPIRUN --help-env | sed -n 's/^\(MINIMPI_[A-Z_0-9]*\) .*/\1/p'); do
        expect_grep "$MAN" "^\.B $var\$" "man page documents $var"
    done
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES; do
        expect_grep "$MAN" "^\.SH \"?$section\"?\$" "man page has $section"
    done
else
    fail "man page $MAN was not built"
fi

# Launcher input (issue 9): each bad input is one line naming it, and exit
# status 2, or 127 for a program that is not there and 126 for one that
# cannot be executed, as shells do.  (tests/unit/check_lnch_hosts.c tries
# many more hostfile lines against the parser itself.)
bad1() {    # bad1 STATUS MESSAGE ARGS...
    status=$1 msg=$2
    shift 2
    run "$status" "bad input: $*" $MPIRUN "$@" || return
    expect_grep "$ERR" "^mini-mpirun: $msg\$" "message for: $*"
    expect_count "$ERR" "." 1 "one line for: $*"
}
bad "invalid value '-1' for -n: must be a positive integer" -n -1 $A exit 0
bad1 2 "empty host list" -H "" $A exit 0
bad1 2 "bad host '' in ',': .*" -H , $A exit 0
bad1 2 "cannot open hostfile '$TMP/none': No such file or directory" --hostfile "$TMP/none" $A exit 0
n=0
while IFS='|' read -r line msg; do
    n=$((n + 1))
    printf 'localhost\n%s\n' "$line" >"$TMP/hosts$n"
    bad1 2 "$TMP/hosts$n:2: $msg" --hostfile "$TMP/hosts$n" $A exit 0
done <<'LINES'
nodeb slots=0|bad 'slots=0': slots=N needs N from 1 to 65536
nodeb:0|bad slot count in 'nodeb:0': HOST:N needs N from 1 to 65536
nodeb:x|bad slot count in 'nodeb:x': .*
node b|unexpected 'b' after host 'node' \(expected slots=N\)
b@d!|bad host name 'b@d!'
LINES
printf '# nothing but comments\n\n' >"$TMP/nohosts"
bad1 2 "$TMP/nohosts: no hosts in the file" --hostfile "$TMP/nohosts" $A exit 0
bad1 127 "cannot run 'minimpi-no-such-command': command not found" -n 2 minimpi-no-such-command
bad1 127 "cannot run '\./no-such-program': No such file or directory" -n 2 ./no-such-program
mkdir "$TMP/dir"
bad1 126 "cannot run '$TMP/dir': Is a directory" -n 2 "$TMP/dir"
printf 'echo hi\n' >"$TMP/noexec"
chmod 644 "$TMP/noexec"
bad1 126 "cannot run '$TMP/noexec': Permission denied" -n 1 "$TMP/noexec"
expect_no_leftovers "after the bad inputs"

finish

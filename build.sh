#!/bin/bash
# build.sh -- build and install minimpi into ./_install, from a fresh
# Debian 12 machine or an existing build tree.  Each step runs only when
# needed, so a second run is quick:
#   1. Debian packages the build and `make check` need, installed only when
#      missing (as root: apt-get update once, then apt-get install); the
#      test-only ones (MPICH and a Slurm for the interoperability tests, clang
#      for the fuzzers, strace to count the fast path's system calls where
#      perf cannot, Chromium and gnuplot for the profile report) are
#      skipped with a note when not root, and those tests then skip;
#      Chromium and gnuplot install in the background during steps 2-4;
#   2. ./autogen.sh when configure or Makefile.in is missing;
#   3. ./configure --prefix=<this directory>/_install $CONFIGURE_FLAGS when
#      the tree is not configured, or was configured with other flags;
#   4. make -j<number of cores> install, and the test programs (in parallel
#      here, so that `make check`, which runs the tests one at a time, only
#      has to run them).
# Afterwards: _install/bin/mpicc, _install/bin/mini-mpirun, and `make check`.
#
# Environment: CONFIGURE_FLAGS (e.g. --enable-werror, --enable-sanitizers).
set -euo pipefail

cd "$(dirname "$0")"
CONFIGURE_FLAGS=${CONFIGURE_FLAGS:-}
PACKAGES="build-essential autoconf automake libtool pkg-config libfabric-dev libhwloc-dev check"
TEST_PACKAGES="mpich libmpich-dev slurmctld slurmd slurm-client munge clang strace"
# Needed by the tests only when they run (not by configure or the build),
# and large: installed in the background while the tree builds.
LATE_TEST_PACKAGES="chromium gnuplot-nox"
late_pid=
late_log=

say() { echo "build.sh: $*"; }

# not_installed PACKAGE...: those of them that are not installed.
not_installed() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
    done
}

install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian system: not checking packages (configure names what is missing)"
        return 0
    fi
    local build tests late
    # shellcheck disable=SC2086 # the lists are words
    read -r -a build <<<"$(echo $(not_installed $PACKAGES))"
    # shellcheck disable=SC2086
    read -r -a tests <<<"$(echo $(not_installed $TEST_PACKAGES))"
    # shellcheck disable=SC2086
    read -r -a late <<<"$(echo $(not_installed $LATE_TEST_PACKAGES))"
    if [ "$(id -u)" -ne 0 ]; then
        if [ $((${#tests[@]} + ${#late[@]})) -gt 0 ]; then
            say "not root: the tests that need ${tests[*]} ${late[*]} will skip"
        fi
        if [ ${#build[@]} -gt 0 ]; then
            say "missing Debian packages: ${build[*]}" >&2
            say "install them as root: apt-get install ${build[*]}" >&2
            exit 1
        fi
        return 0
    fi
    [ $((${#build[@]} + ${#tests[@]} + ${#late[@]})) -eq 0 ] && return 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    if [ $((${#build[@]} + ${#tests[@]})) -gt 0 ]; then
        say "installing ${build[*]} ${tests[*]}"
        apt-get install -y -q --no-install-recommends "${build[@]}" "${tests[@]}"
    fi
    if [ ${#late[@]} -gt 0 ]; then
        late_log=$(mktemp "${TMPDIR:-/tmp}/minimpi-apt.XXXXXX")
        say "installing ${late[*]} in the background (log: $late_log)"
        apt-get install -y -q --no-install-recommends "${late[@]}" >"$late_log" 2>&1 &
        late_pid=$!
    fi
}

# The background install ends before this script does, also on a failed
# build (so that no apt-get outlives it holding the package lock).
finish_late_packages() {
    [ -n "$late_pid" ] || return 0
    local pid=$late_pid
    late_pid=
    if wait "$pid"; then
        say "installed $LATE_TEST_PACKAGES"
        rm -f "$late_log"
    else
        say "warning: installing $LATE_TEST_PACKAGES failed; the tests that need them will skip:"
        tail -n 5 "$late_log" >&2
    fi
}
trap finish_late_packages EXIT

# The flags config.status was made with, quotes dropped and blanks collapsed
# (configure quotes only the arguments that need it).
configured_with() {
    # shellcheck disable=SC2046,SC2005
    echo $(./config.status --config 2>/dev/null | tr -d "'")
}

install_packages

if [ ! -x configure ] || [ ! -f Makefile.in ]; then
    say "running ./autogen.sh"
    ./autogen.sh
fi

prefix="$PWD/_install"
# shellcheck disable=SC2086,SC2116 # echo collapses the blanks of CONFIGURE_FLAGS
want=$(echo --prefix="$prefix" $CONFIGURE_FLAGS)
if [ ! -f config.status ] || [ "$(configured_with)" != "$want" ]; then
    say "running ./configure --prefix=$prefix $CONFIGURE_FLAGS"
    # shellcheck disable=SC2086 # CONFIGURE_FLAGS holds several words on purpose
    ./configure --prefix="$prefix" $CONFIGURE_FLAGS
fi

make -j"$(nproc)" install
# An empty TESTS builds check_PROGRAMS without running anything.
make -j"$(nproc)" check TESTS= >/dev/null
finish_late_packages
say "installed in $prefix"

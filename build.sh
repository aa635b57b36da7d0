#!/bin/bash
# build.sh -- build and install minimpi into ./_install, from a fresh
# Debian 12 machine or an existing build tree.  Each step runs only when
# needed, so a second run is quick:
#   1. Debian packages the build and `make check` need, installed only when
#      missing (as root: apt-get update once, then apt-get install); the
#      test-only ones (MPICH and a Slurm for the interoperability tests, clang
#      for the fuzzers, Chromium and gnuplot for the profile report) are
#      skipped with a note when not root, and those tests then skip;
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
TEST_PACKAGES="mpich libmpich-dev slurmctld slurmd slurm-client munge clang chromium gnuplot-nox"

say() { echo "build.sh: $*"; }

install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian system: not checking packages (configure names what is missing)"
        return 0
    fi
    local missing=() missing_tests=()
    for p in $TEST_PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
            missing_tests+=("$p")
        fi
    done
    if [ ${#missing_tests[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
        say "not root: the tests that need ${missing_tests[*]} will skip"
    elif [ ${#missing_tests[@]} -gt 0 ]; then
        missing+=("${missing_tests[@]}")
    fi
    for p in $PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing Debian packages: ${missing[*]}" >&2
        say "install them as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

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
say "installed in $prefix"

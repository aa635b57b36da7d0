#!/bin/sh
# mini-mpirun --profile: a ring and an all-to-all give exactly the expected
# byte matrix (FILE.csv) and call counts (the summary on stderr); no files
# and no summary without the flag; FILE.png is a PNG (when gnuplot is
# installed) and FILE.html is self-contained and renders in headless
# Chromium to a screenshot that is not blank (when Chromium is installed).
set -u

. "$(dirname "$0")/lib.sh"
PROG=${PROFILE_PROG:-./tests/insight/t_profile}
scratch profile

# run WHAT MPIRUN_ARGS...: a job that must succeed.
run() {
    what=$1
    shift
    run_job "$what" 0 "$@"
}

# expect_calls WHAT CALL N: the summary counts N calls of CALL over all ranks.
expect_calls() {
    if grep -Eq "^ +$2 +$3 calls " "$TMP/out"; then
        echo "ok: $1: $3 calls of $2"
    else
        fail "$1: not $3 calls of $2"
    fi
}

# expect_csv WHAT FILE: FILE holds exactly the matrix on stdin.
expect_csv() {
    cat >"$TMP/want.csv"
    if cmp -s "$TMP/want.csv" "$2"; then
        echo "ok: $1: the byte matrix"
    else
        echo "FAIL: $1: byte matrix; want, then got:" >&2
        cat "$TMP/want.csv" "$2" >&2
        failures=$((failures + 1))
    fi
}

# A ring of 4 ranks, 10 sends of 1000 B each to the next rank.
if run "ring" --profile="$TMP/ring" -n 4 "$PROG" ring 1000; then
    grep -q '^mini-mpirun: profile of 4 ranks (4 reported)' "$TMP/out" &&
        echo "ok: ring: summary" || fail "ring: no summary line"
    grep -Eq 'slowest rank [0-3] with [0-9.]+ s, load imbalance \(max/mean\) [0-9.]+' "$TMP/out" &&
        echo "ok: ring: slowest rank and imbalance" || fail "ring: no slowest rank or imbalance"
    expect_calls ring MPI_Send 40
    expect_calls ring MPI_Recv 40
    expect_calls ring MPI_Barrier 4
    expect_csv ring "$TMP/ring.csv" <<'CSV'
sender\receiver,0,1,2,3
0,0,10000,0,0
1,0,0,10000,0
2,0,0,0,10000
3,10000,0,0,0
CSV
fi

# An all-to-all of 3 ranks, 5000 B per pair, in the default file of the cwd.
mkdir "$TMP/cwd"
MPIRUN_ABS=$(cd "$(dirname "$MPIRUN")" && pwd)/$(basename "$MPIRUN")
PROG_ABS=$(cd "$(dirname "$PROG")" && pwd)/$(basename "$PROG")
if (cd "$TMP/cwd" && MPIRUN=$MPIRUN_ABS &&
    timeout -k 5 $((LIMIT + 10)) "$MPIRUN" --timeout "$LIMIT" --profile -n 3 "$PROG_ABS" \
        alltoall 5000 >"$TMP/out" 2>&1 </dev/null); then
    expect_calls alltoall MPI_Alltoall 3
    expect_calls alltoall MPI_Barrier 3
    expect_csv alltoall "$TMP/cwd/minimpi-profile.csv" <<'CSV'
sender\receiver,0,1,2
0,0,5000,5000
1,5000,0,5000
2,5000,5000,0
CSV
else
    fail "alltoall: exit status $?"
fi

# The matrix is the program's data whatever the algorithm moves it: through
# the ranks' shared buffer (no message at all) or in point-to-point messages.
# profile_algo WHAT "VAR=VALUE ..." PROG_ARGS...: run with --profile and
# those variables on 3 ranks; the matrix on stdin is expected.
profile_algo() {
    what=$1 xs=
    for e in $2; do xs="$xs -x $e"; done
    shift 2
    dir="$TMP/$(echo "$what" | tr -c 'a-z0-9\n' '_')"
    mkdir "$dir"
    if (cd "$dir" &&
        timeout -k 5 $((LIMIT + 10)) "$MPIRUN_ABS" --timeout "$LIMIT" --profile -n 3 \
            $xs "$PROG_ABS" "$@" >"$TMP/out" 2>&1 </dev/null); then
        expect_csv "$what" "$dir/minimpi-profile.csv"
    else
        fail "$what: exit status $?"
        cat >/dev/null
    fi
}
for algo in shm pairwise; do
    profile_algo "alltoall ($algo)" MINIMPI_COLL_ALLTOALL=$algo alltoall 100 <<'CSV'
sender\receiver,0,1,2
0,0,100,100
1,100,0,100
2,100,100,0
CSV
done
# Bcast from 0, then reduce to 0: the root sends each rank 40 bytes and
# gets 40 from each.
for algo in shm binomial; do
    profile_algo "bcast and reduce ($algo)" \
        "MINIMPI_COLL_BCAST=$algo MINIMPI_COLL_REDUCE=$algo" rooted 40 <<'CSV'
sender\receiver,0,1,2
0,0,40,40
1,40,0,0
2,40,0,0
CSV
done

# Without the flag: no summary and no files.
mkdir "$TMP/off"
if (cd "$TMP/off" && timeout -k 5 $((LIMIT + 10)) "$MPIRUN_ABS" --timeout "$LIMIT" -n 2 \
        "$PROG_ABS" ring 10 >"$TMP/out" 2>&1 </dev/null); then
    if grep -q 'profile' "$TMP/out" || [ -n "$(ls "$TMP/off")" ]; then
        fail "no flag: a profile was written"
    else
        echo "ok: no profile without --profile"
    fi
else
    fail "no flag: exit status $?"
fi

# The PNG heat map.
if command -v gnuplot >/dev/null 2>&1; then
    if [ "$(head -c 4 "$TMP/ring.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG' ] &&
        [ "$(wc -c <"$TMP/ring.png")" -gt 2000 ]; then
        echo "ok: ring.png is a PNG"
    else
        fail "ring.png is missing or not a PNG"
    fi
else
    echo "SKIP: gnuplot is not installed: no PNG check"
fi

# The HTML report: self-contained, with the heat map, and it renders.
html=$TMP/ring.html
if grep -q '<svg' "$html" && grep -q 'MPI_Send' "$html" &&
    ! grep -Eiq '(src|href)=|@import|url\(' "$html"; then
    echo "ok: ring.html is self-contained with an SVG heat map"
else
    fail "ring.html is missing, has no heat map, or loads outside resources"
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
    # A blank page's screenshot is about 6 kB; the report's is over 40 kB.
    # Without the background-networking flags Chromium tries to reach
    # Google at start, which a machine without a network refuses, slowly.
    timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$TMP/chromium" --window-size=900,1200 \
        --screenshot="$TMP/shot.png" "file://$html" >"$TMP/out" 2>&1 </dev/null
    size=$(wc -c <"$TMP/shot.png" 2>/dev/null || echo 0)
    if [ "$size" -gt 20000 ]; then
        # Kept in the build tree, for a person to look at.
        cp "$TMP/shot.png" tests/insight/profile-report.png 2>/dev/null
        echo "ok: ring.html renders in headless Chromium ($size B screenshot," \
            "tests/insight/profile-report.png)"
    else
        fail "ring.html: Chromium's screenshot is missing or blank ($size B)"
    fi
else
    echo "SKIP: chromium is not installed: the HTML report is not rendered"
fi

finish

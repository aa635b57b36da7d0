# lib.sh -- sourced by the side-by-side benchmark scripts (bench/coll/run.sh,
# bench/rma/run.sh), run from the top of a built minimpi tree: build one
# benchmark source against minimpi, Open MPI and MPICH, and reduce repeated
# runs to medians.

# bench_build SRC DIR: DIR/mini against this tree's static library (the
# script exits if that fails), DIR/ompi and DIR/mpich when the library's
# compiler wrapper exists; sets have_ompi and have_mpich to 1 for those built.
bench_build() {
    cc -O2 -Iinclude -o "$2/mini" "$1" runtime/.libs/libminimpi.a \
        $(pkg-config --libs libfabric) -lrt -pthread || exit 1
    have_ompi=0 have_mpich=0
    command -v mpicc.openmpi >/dev/null && mpicc.openmpi -O2 -o "$2/ompi" "$1" && have_ompi=1
    command -v mpicc.mpich >/dev/null && mpicc.mpich -O2 -o "$2/mpich" "$1" && have_mpich=1
}

# median FILES...: per "<name> <bytes>" key, the median of the values the
# files give (lines "<name> <bytes> <value>"; other lines are ignored).
median() {
    cat "$@" 2>/dev/null | awk 'NF == 3 && $3 ~ /^[0-9.]+$/ { print $1, $2, $3 }' |
        sort -k1,1 -k2,2n -k3,3g |
        awk '{ k = $1 " " $2; v[k, ++n[k]] = $3; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k } }
             END { for (i = 1; i <= nk; i++) { k = keys[i]; c = n[k]
                       m = c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
                       print k, m } }'
}

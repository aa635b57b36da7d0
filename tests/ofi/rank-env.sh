#!/bin/sh
# rank-env.sh PROGRAM [ARGS...] -- run PROGRAM with the assignment in
# OFI_TEST_ENV (e.g. FI_PROVIDER=net) exported on world rank
# OFI_TEST_ENV_RANK only, so a test can give one rank a setting the others
# do not have (mini-mpirun -x gives the same to every rank).
if [ "${PMI_RANK:-}" = "${OFI_TEST_ENV_RANK:-}" ] && [ -n "${OFI_TEST_ENV:-}" ]; then
    export "${OFI_TEST_ENV?}"
fi
exec "$@"

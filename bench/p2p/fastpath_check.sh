#!/bin/sh
# fastpath_check.sh -- `make check`'s run of fastpath.sh: no system call and
# no heap allocation per message on the shared-memory fast path (a small
# run: about 40,000 messages more in the second run than in the first).
FASTPATH_NO_MAKE=1 exec sh "${srcdir:-.}/bench/p2p/fastpath.sh" 0.1 0.3

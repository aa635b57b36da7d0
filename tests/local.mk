# Unit tests (Check) and multi-rank tests (run under mini-mpirun with a timeout).

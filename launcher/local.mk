# mini-mpirun, the launcher (mpirun and mpiexec are links to it).

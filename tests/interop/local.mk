# Interoperability with other process managers: MPICH's mpiexec launching
# minimpi programs and mini-mpirun launching MPICH programs (test_hydra.sh),
# and a private Slurm running them under srun and sbatch, on one node
# (tests/slurm/test_slurm.sh) and on two network-namespace nodes
# (tests/slurm/test_slurm_nodes.sh, which uses tests/netns/lib.sh).  Each skips (77) when the other side is not
# installed.

check_PROGRAMS += tests/interop/t_launch_env
tests_interop_t_launch_env_SOURCES = tests/interop/t_launch_env.c
tests_interop_t_launch_env_LDADD = runtime/libminimpi_core.la

TESTS += tests/interop/test_hydra.sh tests/slurm/test_slurm.sh tests/slurm/test_slurm_nodes.sh
EXTRA_DIST += tests/interop/test_hydra.sh tests/slurm/test_slurm.sh tests/slurm/test_slurm_nodes.sh \
	tests/slurm/slurm-up.sh tests/slurm/slurm-down.sh tests/slurm/lib.sh

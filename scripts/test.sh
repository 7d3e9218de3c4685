#!/usr/bin/env bash
# Set up (if needed) and run every test: the Rust engine's unit tests, then the Python suite
# (which also compile-checks every CUDA kernel with NVRTC from PyPI; no GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Test-only extras: safetensors (file-format interop), NVRTC 13.0 + CUDA headers (kernel compile check),
# and MPI (mpi4py + the mpich runtime, whose mpiexec runs the multi-rank rtorch.distributed tests).
.venv/bin/python -m pip install -q --disable-pip-version-check safetensors \
  "nvidia-cuda-nvrtc==13.0.*" "nvidia-cuda-runtime==13.0.*" mpi4py mpich
cargo test --release --lib -q
.venv/bin/python -m pytest -q tests "$@"

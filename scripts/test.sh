#!/usr/bin/env bash
# Set up (if needed) and run every test: the Rust engine's unit tests, the Rust example, the API docs
# build, then the Python suite (which also compile-checks every CUDA kernel with NVRTC from PyPI and
# type-checks the stub with mypy; no GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Test-only extras: safetensors (file-format interop), NVRTC 13.0 + CUDA headers (kernel compile check),
# MPI (mpi4py + the mpich runtime, whose mpiexec runs the multi-rank rtorch.distributed tests) and mypy
# (the stub check), SciPy (the references of the special functions: tests/op_rows.py, test_special.py),
# array-api-strict (the Array API reference namespace: tests/test_array_api_values.py), scikit-learn and
# array-api-compat (scikit-learn's array_api_dispatch on rtorch tensors: tests/test_array_api_sklearn.py).
.venv/bin/python -m pip install -q --disable-pip-version-check safetensors \
  "nvidia-cuda-nvrtc==13.0.*" "nvidia-cuda-runtime==13.0.*" mpi4py mpich mypy scipy \
  array-api-strict scikit-learn array-api-compat
# The Rust unit tests; they include the engine used from Rust alone (examples/mlp.rs trains a small MLP and
# fails unless it learns), built once with the tests rather than as a separately linked example binary.
cargo test --release --lib -q
# The Rust API docs build without warnings (broken links, unescaped brackets).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -q
.venv/bin/python -m pytest -q tests "$@"
# The elementwise kernels again with the SIMD level capped (every loop has a plain, an AVX2+FMA and, for the
# compute-bound ones, an AVX-512 copy; the run above takes the CPU's widest): ~20 s each.
for level in none avx2; do
  RTORCH_SIMD=$level .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_elementary_kernels.py \
    tests/test_unary_guarded.py tests/test_speed_ip_paths.py tests/test_speed_binary_cast_paths.py \
    tests/test_special_simd.py tests/test_special_fast_paths.py
done

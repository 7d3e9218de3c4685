#!/usr/bin/env bash
# Run the CUDA tests and the CUDA benchmark on a GPU machine that already has Python with numpy,
# pytest, hypothesis (and PyTorch for the comparison), using the extension built here
# (python/rtorch/_rtorch.abi3.so, from `maturin develop --release`). Logs go to $OUT or ./gpu_out.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-gpu_out}"; mkdir -p "$OUT"
export PYTHONPATH="$PWD/python" PYTHONUNBUFFERED=1 RTORCH_KERNEL_CACHE="${RTORCH_KERNEL_CACHE:-/tmp/rtorch-kernels}"
nvidia-smi -L
python3 -c "import rtorch; print('available:', rtorch.cuda.is_available(), rtorch.cuda.get_device_name(), rtorch.cuda.get_device_capability())"
timeout "${TEST_TIMEOUT:-300}" python3 -m pytest -q -p no:cacheprovider -rf --durations=10 tests/test_cuda.py tests/test_pinned.py 2>&1 | tee "$OUT/cuda_tests.log"
timeout "${BENCH_TIMEOUT:-150}" python3 benchmarks/cuda_bench.py --json "$OUT/cuda_bench.json" 2>&1 | tee "$OUT/cuda_bench.log"
# The main job on the GPU when the MNIST data travelled along (MNIST_PKL=path/to/mnist.pkl.gz).
if [ -n "${MNIST_PKL:-}" ] && [ -f "$MNIST_PKL" ]; then
  timeout "${MNIST_TIMEOUT:-200}" python3 examples/mnist.py --device cuda \
    --epochs "${MNIST_EPOCHS:-3}" --out-dir /tmp/mnist-runs 2>&1 | tee "$OUT/mnist_cuda.log"
fi
# The character-level transformer example on the GPU (short run).
timeout "${CHAR_TIMEOUT:-90}" python3 examples/char_transformer.py --device cuda --steps "${CHAR_STEPS:-600}" \
  --batch-size 32 --out-dir /tmp/char-runs 2>&1 | tee "$OUT/char_cuda.log"

#!/usr/bin/env python
"""rtorch vs NumPy vs PyTorch: CPU timings of the same workloads on the same data, in one run.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/bench.py                                 # full run, a few minutes
    .venv/bin/python benchmarks/bench.py --quick                         # smoke test, < 1 minute
    .venv/bin/python benchmarks/bench.py --only matmul --json /tmp/r.json
    .venv/bin/python benchmarks/bench.py --threads 1                     # single-threaded everywhere

PyTorch is optional: its column is filled only when ``import torch`` works (install it into the
venv by hand, e.g. ``.venv/bin/pip install torch``; the project never depends on it).

Method
------
* Every library gets its own copy of the same float32 input values (generated once with NumPy;
  rtorch/torch inputs are ``from_numpy(x).clone()`` so each library works on memory it owns).
* Before anything is timed, each library's result is compared with a NumPy / float64 reference
  (``np.allclose`` with per-workload tolerances, shape and dtype too). A cell whose check fails is
  still timed but marked ``!`` and listed under "mismatches"; a missing op is ``n/a`` and an op
  that raises is ``error``; neither stops the run. Training rows compare the first-step loss
  and the parameters after one SGD step, starting from identical initial weights.
* Timing: warm-up calls, then samples until ~``--min-time`` seconds per cell (at least 5 samples;
  3 when one call takes over 2 s). The median per-call time is reported. Sub-millisecond calls are
  batched in a loop per sample so timer overhead does not count. The garbage collector is off while
  a cell is timed (as in ``timeit``), and there is a short pause between cells so that spinning
  worker threads of the previous library (OpenMP, OpenBLAS) have gone idle.
* Other processes: the CPU time that processes other than this one used while a row ran is
  measured (/proc/stat minus this process's own CPU time); rows where it exceeded 10% of the
  machine are marked ``~``. ``--wait-idle S`` waits (up to S seconds) for an idle machine before
  each row and reruns a disturbed row up to twice. On a 2-core box a concurrent build makes
  threaded libraries (OpenMP / OpenBLAS) lose whole scheduler slices (~10-16 ms per call).
* "rtorch vs best other" = (fastest of numpy/torch) / rtorch: > 1 means rtorch is faster.
* Ops that return a new tensor (``a + b``, ``clone`` ...) include the allocation and first-touch
  page faults of the 64 MB result in every library (glibc serves blocks this big with mmap).
  The "copy_ into preallocated" row shows the copy without that cost.
* NumPy has no ``erf``: its GELU column is a float32 Abramowitz-Stegun 7.1.26 erf polynomial
  (abs. error < 1.5e-7), i.e. what a NumPy user would write; its conv2d is im2col + one GEMM;
  its MLP rows are hand-written forward/backward/SGD in NumPy.

Threads
-------
* rtorch's pool is its own spin-then-park pool (``src/cpu/threads.rs``), sized when rtorch first
  runs parallel work from ``RTORCH_NUM_THREADS`` (or ``OMP_NUM_THREADS``), else the core count;
  ``RAYON_NUM_THREADS`` does not size it (it only sizes rayon's global pool, which gemm uses for
  the rare products too narrow to split into blocks). ``rtorch.get_num_threads()`` (recorded in the output) says what was in force.
* ``--threads N`` sets, before any of the libraries is imported, RAYON_NUM_THREADS,
  RTORCH_NUM_THREADS, OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS to N, then calls
  ``torch.set_num_threads(N)`` and ``threadpoolctl.threadpool_limits(N)`` (when threadpoolctl is
  installed) so NumPy's BLAS uses N threads. Without ``--threads`` every library keeps its default
  (normally: all cores). The thread counts actually in force are printed and saved in the JSON.
* NumPy's elementwise ops and reductions are single-threaded whatever the setting; only its BLAS
  calls (matmul, bmm, the im2col GEMM of conv2d, the MLP rows) use threads.

OpenBLAS on this machine
------------------------
On some processors the environment sets OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) because old
OpenBLAS builds misbehave there; with a current NumPy they force a slower kernel. So that NumPy is
measured at its real speed, this script removes both variables from its *own* process environment
before NumPy is imported (nothing outside this process changes; tests and CI are unaffected), and
records the values it removed and the kernel OpenBLAS then picked (threadpoolctl's "architecture")
in the output. ``--keep-openblas-env`` leaves them as they are.
"""
import argparse
import os
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="rtorch vs NumPy vs PyTorch CPU benchmark",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and short cells (< 1 minute)")
    p.add_argument("--only", metavar="SUBSTR", action="append",
                   help="run only workloads whose name contains SUBSTR (case-insensitive; repeatable)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="thread count for every library (sets env vars before import; see header)")
    p.add_argument("--json", metavar="PATH", default=None,
                   help="where to write JSON results (default benchmarks/results.json)")
    p.add_argument("--markdown", metavar="PATH", default=None,
                   help="also write the printed report as a Markdown file")
    p.add_argument("--min-time", type=float, default=None,
                   help="seconds of timing per cell (default 0.5, 0.05 with --quick)")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="before each workload wait up to SECONDS for other processes to leave the CPUs "
                        "idle, and rerun a workload (twice at most) when they took >10%% of the CPU time "
                        "while it ran")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    p.add_argument("--keep-openblas-env", action="store_true",
                   help="do not remove OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE before importing NumPy")
    return p.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else parse_args([])

# ---- environment that must be in place before numpy / rtorch / torch are imported -------------
ENV_NOTES = {}
if ARGS.threads is not None:
    if ARGS.threads < 1:
        sys.exit("--threads must be >= 1")
    for var in ("RAYON_NUM_THREADS", "RTORCH_NUM_THREADS", "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)
REMOVED_OPENBLAS_ENV = {}
if not ARGS.keep_openblas_env:
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            REMOVED_OPENBLAS_ENV[var] = os.environ.pop(var)

import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import rtorch  # noqa: E402
import rtorch.nn.functional  # noqa: E402,F401

try:
    import threadpoolctl  # noqa: E402
except Exception:  # pragma: no cover - optional
    threadpoolctl = None
# the native thread pools loaded so far belong to NumPy (torch is not imported yet)
NUMPY_POOL_FILES = ({d["filepath"] for d in threadpoolctl.threadpool_info()}
                    if threadpoolctl is not None else set())

torch = None
TORCH_IMPORT_ERROR = None
if not ARGS.no_torch:
    try:
        import torch  # noqa: E402
        import torch.nn.functional  # noqa: E402,F401
    except Exception as e:  # any failure: no torch column
        torch = None
        TORCH_IMPORT_ERROR = f"{type(e).__name__}: {e}".splitlines()[0]

_BLAS_LIMITS = None
if ARGS.threads is not None:
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
    if threadpoolctl is not None:
        _BLAS_LIMITS = threadpoolctl.threadpool_limits(limits=ARGS.threads)

LIBS = ["rtorch", "numpy"] + (["torch"] if torch is not None else [])
OTHER = [lib for lib in LIBS if lib != "rtorch"]


# ================================ machine info ===================================================
def cpu_info():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        for line in text.splitlines():
            if ":" not in line:
                continue
            k, v = (s.strip() for s in line.split(":", 1))
            if k in ("model name", "cpu family", "model", "cpu MHz", "cache size") and k not in info:
                info[k] = v
            if k == "flags" and "flags" not in info:
                flags = set(v.split())
                info["flags"] = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
                                             "avx512_bf16", "avx512_vnni", "amx_tile") if f in flags]
    except OSError:
        pass
    info["logical_cpus"] = os.cpu_count()
    try:
        info["usable_cpus"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["mem_total_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


def git_commit():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "") if rev else None
    except Exception:
        return None


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return [float(v) for v in f.read().split()[:3]]
    except OSError:
        return None


def _cpu_counters():
    """(seconds of busy CPU time of the whole machine, seconds of CPU time of this process)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        hz = os.sysconf("SC_CLK_TCK")
        busy = (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / hz
    except (OSError, ValueError, IndexError):
        return None
    t = os.times()
    return busy, t.user + t.system


class OtherLoad:
    """Fraction of the machine's CPU capacity used by *other* processes between start() and stop()."""

    def __init__(self):
        self.c0 = _cpu_counters()
        self.t0 = time.perf_counter()

    def fraction(self):
        c1 = _cpu_counters()
        dt = time.perf_counter() - self.t0
        if self.c0 is None or c1 is None or dt <= 0:
            return None
        other = (c1[0] - self.c0[0]) - (c1[1] - self.c0[1])
        return max(0.0, other / (dt * (os.cpu_count() or 1)))


def wait_for_idle(max_wait, threshold=0.1):
    """Sleep until other processes use < threshold of the CPUs over 1 s, or max_wait passes."""
    end = time.perf_counter() + max_wait
    while True:
        probe = OtherLoad()
        time.sleep(1.0)
        f = probe.fraction()
        if f is None or f < threshold or time.perf_counter() > end:
            return f


def machine_info():
    pools = []
    if threadpoolctl is not None:
        for d in threadpoolctl.threadpool_info():
            e = {k: d.get(k) for k in ("user_api", "internal_api", "prefix", "version", "num_threads",
                                       "architecture", "threading_layer", "filepath")}
            e["loaded_by"] = "numpy" if d["filepath"] in NUMPY_POOL_FILES else "torch/other"
            pools.append(e)
    blas = [e for e in pools if e["loaded_by"] == "numpy" and e["user_api"] == "blas"]
    env = {k: os.environ.get(k) for k in ("RAYON_NUM_THREADS", "RTORCH_NUM_THREADS", "OMP_NUM_THREADS",
                                          "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                          "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return {
        "cpu": cpu_info(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            "rtorch": getattr(rtorch, "__version__", "?"),
            "rtorch_git": git_commit(),
            "numpy": np.__version__,
            "torch": torch.__version__ if torch is not None else None,
            "threadpoolctl": threadpoolctl.__version__ if threadpoolctl is not None else None,
        },
        "threads": {
            "requested": ARGS.threads,
            "rtorch": rtorch.get_num_threads(),
            "torch": torch.get_num_threads() if torch is not None else None,
            "torch_interop": torch.get_num_interop_threads() if torch is not None else None,
            "numpy_blas": [b["num_threads"] for b in blas] or None,
            "numpy_elementwise": 1,
        },
        "numpy_blas": blas,
        "native_thread_pools": pools,
        "torch_import_error": TORCH_IMPORT_ERROR,
        "env": env,
        "openblas_env_removed": REMOVED_OPENBLAS_ENV,
        "load_average_at_start": load_average(),
    }


# ================================ timing =========================================================
def time_call(fn, min_time, min_reps=5):
    """Median seconds per call of fn(), after warm-up; returns (median, samples, inner)."""
    gc_old = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        # warm-up: at least 2 more calls, up to ~10% of the budget
        warm_end = time.perf_counter() + 0.1 * min_time
        n_warm = 0
        while n_warm < 2 or (time.perf_counter() < warm_end and n_warm < 1000):
            t0 = time.perf_counter()
            fn()
            est = time.perf_counter() - t0
            n_warm += 1
            if first > 1.0:
                break
        est = min(est, first)
        inner = 1 if est > 1e-3 else max(1, int(2e-3 / max(est, 1e-8)))
        reps_floor = 3 if est > 2.0 else min_reps
        samples = []
        start = time.perf_counter()
        while len(samples) < reps_floor or (time.perf_counter() - start < min_time and len(samples) < 100000):
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            samples.append((time.perf_counter() - t0) / inner)
            if est > 2.0 and len(samples) >= reps_floor:
                break
        return statistics.median(samples), samples, inner
    finally:
        if gc_old:
            gc.enable()


# ================================ checks =========================================================
class Check:
    """Outcome of comparing one library's result with the reference."""

    def __init__(self, ok, detail):
        self.ok, self.detail = ok, detail


def compare(got, ref, rtol, atol, dtype=np.float32):
    got = np.asarray(got)
    ref = np.asarray(ref)
    if got.shape != ref.shape:
        return Check(False, f"shape {got.shape} != expected {ref.shape}")
    if dtype is not None and got.dtype != dtype:
        return Check(False, f"dtype {got.dtype} != expected {np.dtype(dtype)}")
    g64, r64 = got.astype(np.float64), ref.astype(np.float64)
    if not np.all(np.isfinite(g64) == np.isfinite(r64)):
        bad = np.flatnonzero(np.isfinite(g64).ravel() != np.isfinite(r64).ravel())[0]
        return Check(False, f"non-finite mismatch at flat index {bad}: got {float(g64.ravel()[bad])!r}, "
                            f"expected {float(r64.ravel()[bad])!r}")
    diff = np.atleast_1d(np.abs(g64 - r64))
    diff[~np.isfinite(diff)] = 0.0
    ok = bool(np.allclose(g64, r64, rtol=rtol, atol=atol, equal_nan=True))
    if diff.size == 0:
        return Check(ok, "empty")
    i = int(np.argmax(diff - (atol + rtol * np.abs(r64)))) if not ok else int(np.argmax(diff))
    detail = f"max|diff|={diff.max():.3g} (rtol={rtol:g}, atol={atol:g})"
    if not ok:
        idx = np.unravel_index(i, ref.shape) if ref.ndim else ()
        detail += f"; worst at index {tuple(int(j) for j in idx)}: got {float(g64.ravel()[i])!r}, expected {float(r64.ravel()[i])!r}"
    return Check(ok, detail)


# ================================ workloads ======================================================
class Workload:
    """name; unit 'us' or 'ms'; make_data() -> dict of NumPy arrays; reference(data) -> expected
    (NumPy array, or dict for training rows); impls: lib -> builder(data) -> (run, result_of);
    run() is what gets timed, result_of(run()) gives the value to check (NumPy array)."""

    def __init__(self, name, unit, make_data, reference, impls, tol, bytes_moved=None, flops=None,
                 checker=None, ref_subset=None):
        self.name, self.unit = name, unit
        self.make_data, self.reference, self.impls = make_data, reference, impls
        self.tol = tol
        self.bytes_moved, self.flops = bytes_moved, flops
        self.checker = checker
        self.ref_subset = ref_subset


def lib_mod(lib):
    return {"rtorch": rtorch, "torch": torch}[lib]


def own(lib, x):
    """The library's own tensor holding a copy of NumPy array x."""
    m = lib_mod(lib)
    return m.from_numpy(np.ascontiguousarray(x)).clone()


def to_np(t):
    if isinstance(t, np.ndarray):
        return t
    if hasattr(t, "detach"):
        t = t.detach()
    return np.array(t.numpy(), copy=True)


def tl_binary(op):
    def build(lib, d):
        a, b = own(lib, d["a"]), own(lib, d["b"])
        return (lambda: op(a, b)), to_np
    return build


def tl_unary(fn):
    def build(lib, d):
        x = own(lib, d["x"])
        f = fn(lib_mod(lib))
        return (lambda: f(x)), to_np
    return build


def torchlike(build):
    """Same builder for rtorch and torch (they share PyTorch's API)."""
    return {"rtorch": lambda d: build("rtorch", d), "torch": lambda d: build("torch", d)}


def np_gelu(x):
    """GELU with a float32 Abramowitz-Stegun 7.1.26 erf (NumPy has no erf)."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = 1 / (1 + np.float32(0.3275911) * z)
    poly = ((((np.float32(1.061405429) * t - np.float32(1.453152027)) * t + np.float32(1.421413741)) * t
             - np.float32(0.284496736)) * t + np.float32(0.254829592)) * t
    erf = np.copysign(1 - poly * np.exp(-z * z), x)
    return np.float32(0.5) * x * (1 + erf)


def gelu_exact64(x):
    x = x.astype(np.float64)
    return 0.5 * x * (1 + np.vectorize(math.erf, otypes=[np.float64])(x / math.sqrt(2)))


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_conv2d(x, w, b, pad=1):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # n, c, h, w, kh, kw
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * kh * kw)
    out = cols @ w.reshape(o, -1).T + b
    return np.ascontiguousarray(out.reshape(n, h, wd, o).transpose(0, 3, 1, 2))


def np_conv2d_grad_w(x, g, k, pad=1):
    """d/dw of sum(conv2d(x, w) * g) for stride 1: the fwd+bwd row's reference."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (k, k), axis=(2, 3))  # n, c, h, w, kh, kw
    return np.einsum("nohw,nchwij->ocij", g, win, optimize=True)


# ---- MLP training step ----------------------------------------------------------------------
def mlp_init(sizes, seed):
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(fan_in)
        params.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                       rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)))
    return params


def np_mlp_step(params, x, y, loss_kind, lr):
    """One SGD step of a ReLU MLP, by hand in NumPy; updates params in place; returns the loss."""
    acts = [x]
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
        acts.append(h)
    out = h
    bsz = x.shape[0]
    if loss_kind == "ce":
        m = out.max(1, keepdims=True)
        e = np.exp(out - m)
        s = e.sum(1, keepdims=True)
        logp = out - m - np.log(s)
        loss = -logp[np.arange(bsz), y].mean()
        g = e / s
        g[np.arange(bsz), y] -= 1
        g /= bsz
    else:
        diff = out - y
        loss = (diff * diff).mean()
        g = (2 / diff.size) * diff
    for i in range(len(params) - 1, -1, -1):
        w, b = params[i]
        hin = acts[i]
        gw = g.T @ hin
        gb = g.sum(0)
        if i > 0:
            g = (g @ w) * (hin > 0)
        w -= lr * gw
        b -= lr * gb
    return loss


def mlp_workload(name, unit, sizes, batch, loss_kind, lr, quick):
    def make_data():
        rng = np.random.default_rng(7)
        x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
        if loss_kind == "ce":
            y = rng.integers(0, sizes[-1], batch).astype(np.int64)
        else:
            y = rng.standard_normal((batch, sizes[-1]), dtype=np.float32)
        return {"x": x, "y": y, "init": mlp_init(sizes, 11)}

    def np_build(d):
        params = [(w.copy(), b.copy()) for w, b in d["init"]]
        run = lambda: np_mlp_step(params, d["x"], d["y"], loss_kind, lr)  # noqa: E731
        return run, lambda loss: {"loss": float(loss), "params": [(w.copy(), b.copy()) for w, b in params]}

    def tl_build(lib, d):
        m = lib_mod(lib)
        layers = []
        for i, (w, b) in enumerate(d["init"]):
            lin = m.nn.Linear(w.shape[1], w.shape[0])
            with m.no_grad():
                lin.weight.copy_(m.from_numpy(w.copy()))
                lin.bias.copy_(m.from_numpy(b.copy()))
            layers.append(lin)
            if i < len(d["init"]) - 1:
                layers.append(m.nn.ReLU())
        model = m.nn.Sequential(*layers)
        opt = m.optim.SGD(model.parameters(), lr=lr)
        x = own(lib, d["x"])
        y = own(lib, d["y"])
        loss_fn = m.nn.functional.cross_entropy if loss_kind == "ce" else m.nn.functional.mse_loss

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        def result_of(loss):
            lins = [l for l in model if isinstance(l, m.nn.Linear)]
            return {"loss": float(loss.item()),
                    "params": [(to_np(l.weight), to_np(l.bias)) for l in lins]}
        return step, result_of

    def reference(d):
        params = [(w.astype(np.float64), b.astype(np.float64)) for w, b in d["init"]]
        loss = np_mlp_step(params, d["x"].astype(np.float64),
                           d["y"] if loss_kind == "ce" else d["y"].astype(np.float64), loss_kind, lr)
        return {"loss": float(loss), "params": params}

    def checker(got, ref):
        if not math.isclose(got["loss"], ref["loss"], rel_tol=1e-4, abs_tol=1e-6):
            return Check(False, f"first-step loss {got['loss']!r} != expected {ref['loss']!r} (float64 NumPy)")
        for i, ((gw, gb), (rw, rb)) in enumerate(zip(got["params"], ref["params"])):
            for what, g, r in (("weight", gw, rw), ("bias", gb, rb)):
                c = compare(g, r, rtol=1e-4, atol=1e-5)
                if not c.ok:
                    return Check(False, f"layer {i} {what} after one SGD step: {c.detail}")
        return Check(True, f"loss {got['loss']:.6g} (ref {ref['loss']:.6g}); params after 1 step match")

    impls = {"numpy": np_build, **torchlike(tl_build)}
    return Workload(name, unit, make_data, reference, impls, tol=None, checker=checker)


def np_sdpa_step(q, k, v, g, causal):
    """softmax(q k^T / sqrt(E) (+ causal mask)) v and its gradients (q, k, v) for the cotangent g."""
    scale = 1 / math.sqrt(q.shape[-1])
    s = q @ np.swapaxes(k, -1, -2) * scale
    if causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    out = p @ v
    dv = np.swapaxes(p, -1, -2) @ g
    dp = g @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (p * dp).sum(-1, keepdims=True))
    return out, (ds @ k) * scale, (np.swapaxes(ds, -1, -2) @ q) * scale, dv


def sdpa_workload(shape, causal, quick):
    B, H, L, E = shape
    name = f"SDPA fwd+bwd {B}x{H}x{L}x{E}{' causal' if causal else ''}"

    def make_data():
        r = np.random.default_rng(5)
        return {n: r.standard_normal((B, H, L, E), dtype=np.float32) for n in ("q", "k", "v", "g")}

    def np_build(d):
        return (lambda: np_sdpa_step(d["q"], d["k"], d["v"], d["g"], causal)), lambda r: list(r)

    def tl_build(lib, d):
        m = lib_mod(lib)
        sdpa = m.nn.functional.scaled_dot_product_attention
        q, k, v = (own(lib, d[n]).requires_grad_() for n in ("q", "k", "v"))
        g = own(lib, d["g"])

        def step():
            for t in (q, k, v):
                t.grad = None
            out = sdpa(q, k, v, is_causal=causal)
            out.backward(g)
            return out

        return step, lambda out: [to_np(out), to_np(q.grad), to_np(k.grad), to_np(v.grad)]

    def reference(d):
        return list(np_sdpa_step(*(d[n].astype(np.float64) for n in ("q", "k", "v", "g")), causal))

    def checker(got, ref):
        for what, a, b in zip(("out", "dq", "dk", "dv"), got, ref):
            c = compare(a, b, rtol=1e-3, atol=1e-4)
            if not c.ok:
                return Check(False, f"{what}: {c.detail}")
        return Check(True, "output and q/k/v gradients match")

    flops = 2 * B * H * L * L * E * (2 + 5) // (2 if causal else 1)  # 2 gemms forward, 5 backward
    return Workload(name, "ms", make_data, reference, {"numpy": np_build, **torchlike(tl_build)}, tol=None,
                    flops=flops, checker=checker)

def np_cross_entropy(x, y):
    """Mean cross entropy of logits x (rows) and its gradient, by hand in NumPy."""
    rows = np.arange(len(y))
    m = x.max(1, keepdims=True)
    e = np.exp(x - m)
    s = e.sum(1, keepdims=True)
    loss = (np.log(s[:, 0]) + m[:, 0] - x[rows, y]).mean()
    g = e / s
    g[rows, y] -= 1
    g /= len(y)
    return loss, g


def cross_entropy_workload(rows, classes):
    def make_data():
        r = np.random.default_rng(9)
        return {"x": r.standard_normal((rows, classes), dtype=np.float32) * np.float32(2),
                "y": r.integers(0, classes, rows).astype(np.int64)}

    flat = lambda loss, g: np.concatenate([[np.float32(loss)], np.asarray(g, np.float32).ravel()])  # noqa: E731

    def tl_build(lib, d):
        m = lib_mod(lib)
        x, y = own(lib, d["x"]).requires_grad_(), own(lib, d["y"])
        ce = m.nn.functional.cross_entropy

        def run():
            x.grad = None
            loss = ce(x, y)
            loss.backward()
            return loss
        return run, lambda loss: flat(float(loss.item()), to_np(x.grad))

    return Workload(
        f"cross_entropy fwd+bwd {rows}x{classes}", "ms", make_data,
        lambda d: flat(*np_cross_entropy(d["x"].astype(np.float64), d["y"])),
        {"numpy": lambda d: ((lambda: np_cross_entropy(d["x"], d["y"])), lambda r: flat(*r)), **torchlike(tl_build)},
        tol=(1e-4, 1e-8), bytes_moved=3 * 4 * rows * classes)


def np_rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for p, g, s in zip(params, grads, state):
        s *= alpha
        s += (1 - alpha) * g * g
        p -= lr * g / (np.sqrt(s) + eps)


def np_adagrad_step(params, grads, state, lr, eps=1e-10):
    for p, g, s in zip(params, grads, state):
        s += g * g
        p -= lr * g / (np.sqrt(s) + eps)


def optimizer_workload(name, sizes, lr):
    """One optimizer step over an MLP's parameters with fixed gradients (no forward/backward)."""
    np_step = {"RMSprop": np_rmsprop_step, "Adagrad": np_adagrad_step}[name]

    def make_data():
        flat = [a for wb in mlp_init(sizes, 11) for a in wb]
        r = np.random.default_rng(5)
        return {"params": flat, "grads": [r.standard_normal(a.shape, dtype=np.float32) * np.float32(0.01) for a in flat]}

    def np_build(d):
        ps = [p.copy() for p in d["params"]]
        st = [np.zeros_like(p) for p in ps]
        return (lambda: np_step(ps, d["grads"], st, lr)), lambda _: np.concatenate([p.ravel() for p in ps])

    def tl_build(lib, d):
        m = lib_mod(lib)
        ps = [m.nn.Parameter(own(lib, p)) for p in d["params"]]
        for p, g in zip(ps, d["grads"]):
            p.grad = own(lib, g)
        opt = getattr(m.optim, name)(ps, lr=lr)
        return opt.step, lambda _: np.concatenate([to_np(p).ravel() for p in ps])

    def reference(d):
        ps = [p.astype(np.float64) for p in d["params"]]
        np_step(ps, [g.astype(np.float64) for g in d["grads"]], [np.zeros_like(p) for p in ps], lr)
        return np.concatenate([p.ravel() for p in ps])

    n = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    return Workload(f"{name} step MLP {'-'.join(map(str, sizes))} params", "us", make_data, reference,
                    {"numpy": np_build, **torchlike(tl_build)}, tol=(1e-4, 1e-6), bytes_moved=5 * 4 * n)


# ---- the workload list ------------------------------------------------------------------------
def workloads(quick):
    N = 1 << 20 if quick else 1 << 24          # 1M / 16M elements
    SQ = 1024 if quick else 4096               # square 2-D side
    SM_R, SM_C = (1024, 256) if quick else (4096, 1024)
    MM = [128, 256] if quick else [256, 1024, 2048]
    BMM = (16, 64) if quick else (64, 128)
    CONV_N = 4 if quick else 32
    nm = f"{N // (1 << 20)}M"
    rng = np.random.default_rng(0)
    cache = {}

    def vec(key, n, kind="normal", scale=1.0):
        k = (key, n, kind, scale)
        if k not in cache:
            if kind == "normal":
                cache[k] = rng.standard_normal(n, dtype=np.float32) * np.float32(scale)
            else:
                cache[k] = rng.random(n, dtype=np.float32)
        return cache[k]

    def mat(key, shape, kind="normal"):
        return vec(key, int(np.prod(shape)), kind).reshape(shape)

    W = []
    # -- per-op overhead
    def add_direct(lib, d):
        # The timed callable is `a + b` in one frame for every library (no helper call inside,
        # which would add ~30 ns to the libraries that had one).
        a, b = own(lib, d["a"]), own(lib, d["b"])
        return (lambda a=a, b=b: a + b), to_np

    for n in (1, 100):
        W.append(Workload(
            f"add {n}-elem (overhead)", "us",
            lambda n=n: {"a": vec("oa", n), "b": vec("ob", n)},
            lambda d: d["a"] + d["b"],
            {"numpy": lambda d: ((lambda a=d["a"], b=d["b"]: a + b), to_np), **torchlike(add_direct)},
            tol=(1e-6, 1e-6)))
    # -- memory bound
    W.append(Workload(
        f"add {nm} (new result)", "ms", lambda: {"a": vec("a", N), "b": vec("b", N)},
        lambda d: d["a"] + d["b"],
        {"numpy": lambda d: ((lambda a=d["a"], b=d["b"]: a + b), to_np), **torchlike(tl_binary(lambda a, b: a + b))},
        tol=(1e-6, 1e-6), bytes_moved=3 * 4 * N))
    W.append(Workload(
        f"mul {nm} (new result)", "ms", lambda: {"a": vec("a", N), "b": vec("b", N)},
        lambda d: d["a"] * d["b"],
        {"numpy": lambda d: ((lambda a=d["a"], b=d["b"]: a * b), to_np), **torchlike(tl_binary(lambda a, b: a * b))},
        tol=(1e-6, 1e-6), bytes_moved=3 * 4 * N))

    def np_add_out(d):
        a, b = d["a"], d["b"]
        dst = np.empty_like(a)
        return (lambda: np.add(a, b, out=dst)), to_np

    def tl_add_out(lib, d):
        a, b = own(lib, d["a"]), own(lib, d["b"])
        dst = lib_mod(lib).empty_like(a)
        return (lambda: lib_mod(lib).add(a, b, out=dst)), to_np

    W.append(Workload(
        f"add {nm} (out= preallocated)", "ms", lambda: {"a": vec("a", N), "b": vec("b", N)},
        lambda d: d["a"] + d["b"], {"numpy": np_add_out, **torchlike(tl_add_out)},
        tol=(1e-6, 1e-6), bytes_moved=3 * 4 * N))

    def np_copyto(d):
        dst = np.empty_like(d["a"])
        src = d["a"]
        return (lambda: (np.copyto(dst, src), dst)[1]), to_np

    W.append(Workload(
        f"copy {nm} (np.copyto / clone)", "ms", lambda: {"a": vec("a", N)}, lambda d: d["a"],
        {"numpy": np_copyto, **torchlike(lambda lib, d: ((lambda a=own(lib, d["a"]): a.clone()), to_np))},
        tol=(0, 0), bytes_moved=2 * 4 * N))

    def tl_copy_(lib, d):
        a = own(lib, d["a"])
        dst = lib_mod(lib).empty_like(a)
        return (lambda: dst.copy_(a)), to_np

    W.append(Workload(
        f"copy_ {nm} into preallocated", "ms", lambda: {"a": vec("a", N)}, lambda d: d["a"],
        {"numpy": np_copyto, **torchlike(tl_copy_)}, tol=(0, 0), bytes_moved=2 * 4 * N))
    # -- transcendental
    unary = [
        ("exp", 1.0, np.exp, lambda m: m.exp, lambda x: np.exp(x.astype(np.float64)), (1e-5, 1e-30)),
        ("tanh", 2.0, np.tanh, lambda m: m.tanh, lambda x: np.tanh(x.astype(np.float64)), (1e-5, 1e-6)),
        ("sigmoid", 2.0, lambda x: 1 / (1 + np.exp(-x)), lambda m: m.sigmoid,
         lambda x: 1 / (1 + np.exp(-x.astype(np.float64))), (1e-5, 1e-6)),
        ("gelu", 2.0, np_gelu, lambda m: m.nn.functional.gelu, gelu_exact64, (1e-5, 1e-5)),
    ]
    for name, scale, npf, tlf, ref64, tol in unary:
        W.append(Workload(
            f"{name} {nm}", "ms", lambda scale=scale: {"x": vec("x", N, scale=scale)},
            lambda d, ref64=ref64: ref64(d["x"][:: max(1, d["x"].size // 65536)]),
            {"numpy": lambda d, npf=npf: ((lambda x=d["x"]: npf(x)), to_np), **torchlike(tl_unary(tlf))},
            tol=tol, bytes_moved=2 * 4 * N,
            ref_subset=lambda a: a[:: max(1, a.size // 65536)]))
    # -- reductions
    W.append(Workload(
        f"sum {nm}", "ms", lambda: {"x": vec("u", N, "uniform")},
        lambda d: np.asarray(d["x"].astype(np.float64).sum()),
        {"numpy": lambda d: ((lambda x=d["x"]: x.sum()), np.asarray),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]): x.sum()), to_np))},
        tol=(1e-5, 0), bytes_moved=4 * N))
    W.append(Workload(
        f"sum(dim=-1) {SQ}x{SQ}", "ms", lambda: {"x": mat("u", (SQ, SQ), "uniform")},
        lambda d: d["x"].astype(np.float64).sum(-1),
        {"numpy": lambda d: ((lambda x=d["x"]: x.sum(-1)), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]): x.sum(-1)), to_np))},
        tol=(1e-5, 0), bytes_moved=4 * SQ * SQ))
    W.append(Workload(
        f"softmax(dim=-1) {SM_R}x{SM_C}", "ms", lambda: {"x": mat("x", (SM_R, SM_C))},
        lambda d: np_softmax(d["x"].astype(np.float64)),
        {"numpy": lambda d: ((lambda x=d["x"]: np_softmax(x)), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.softmax(x, dim=-1)), to_np))},
        tol=(1e-4, 1e-8), bytes_moved=2 * 4 * SM_R * SM_C))
    # -- normalisation layers (training: batch statistics; forward then backward of all inputs)
    W.extend(norm_workloads(quick, mat))
    W.extend(nnfunc_workloads(quick, mat))
    W.extend(linalg_workloads(quick))
    W.extend(fft_workloads(quick))
    # -- movement
    W.append(Workload(
        f"transpose(0,1).contiguous() {SQ}x{SQ}", "ms", lambda: {"x": mat("x", (SQ, SQ))},
        lambda d: d["x"].T,
        {"numpy": lambda d: ((lambda x=d["x"]: np.ascontiguousarray(x.T)), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]): x.transpose(0, 1).contiguous()), to_np))},
        tol=(0, 0), bytes_moved=2 * 4 * SQ * SQ))
    # -- indexing: an embedding-style row gather, a boolean mask, nonzero
    GR, GC, GK = (1 << 16, 64, 1 << 14) if quick else (1 << 18, 64, 1 << 16)
    gidx = rng.integers(0, GR, size=GK)
    W.append(Workload(
        f"x[idx]: {GK} rows of {GR}x{GC}", "ms", lambda: {"x": mat("g", (GR, GC)), "i": gidx},
        lambda d: d["x"][d["i"]],
        {"numpy": lambda d: ((lambda x=d["x"], i=d["i"]: x[i]), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]), i=lib_mod(lib).from_numpy(d["i"]): x[i]), to_np))},
        tol=(0, 0), bytes_moved=2 * 4 * GK * GC))
    W.append(Workload(
        f"x[x > 0] {nm}", "ms", lambda: {"x": vec("x", N)},
        lambda d: d["x"][d["x"] > 0],
        {"numpy": lambda d: ((lambda x=d["x"]: x[x > 0]), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]): x[x > 0]), to_np))},
        tol=(0, 0)))
    W.append(Workload(
        f"nonzero {SQ}x{SQ} (half true)", "ms", lambda: {"m": mat("u", (SQ, SQ), "uniform") > 0.5},
        lambda d: np.argwhere(d["m"]),
        {"numpy": lambda d: ((lambda m=d["m"]: np.argwhere(m)), to_np),
         **torchlike(lambda lib, d: ((lambda m=own(lib, d["m"]): m.nonzero()), to_np))},
        tol=None, checker=lambda got, ref: compare(got, ref, 0, 0, dtype=np.int64)))
    # -- ordering (stable sort: NumPy kind="stable", PyTorch stable=True, like rtorch's)
    W.append(Workload(
        f"sort {nm} (stable)", "ms", lambda: {"x": vec("x", N)},
        lambda d: np.sort(d["x"], kind="stable"),
        {"numpy": lambda d: ((lambda x=d["x"]: np.sort(x, kind="stable")), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]), lib=lib: x.sort(stable=True)[0] if lib == "torch" else x.sort()[0]), to_np))},
        tol=(0, 0)))
    W.append(Workload(
        f"topk 10 of rows {SQ}x{SQ}", "ms", lambda: {"x": mat("x", (SQ, SQ))},
        lambda d: -np.sort(-d["x"], axis=1)[:, :10],
        {"numpy": lambda d: ((lambda x=d["x"]: np.take_along_axis(x, np.argsort(-x, axis=1)[:, :10], 1)), to_np),
         **torchlike(lambda lib, d: ((lambda x=own(lib, d["x"]): x.topk(10, 1)[0]), to_np))},
        tol=(0, 0)))
    # -- matmul
    for n in MM:
        W.append(Workload(
            f"matmul {n}x{n} @ {n}x{n}", "ms",
            lambda n=n: {"a": mat("ma", (n, n)), "b": mat("mb", (n, n))},
            lambda d: d["a"].astype(np.float64) @ d["b"].astype(np.float64),
            {"numpy": lambda d: ((lambda a=d["a"], b=d["b"]: a @ b), to_np),
             **torchlike(tl_binary(lambda a, b: a @ b))},
            tol=None, flops=2 * n ** 3,
            checker=lambda got, ref: compare(got, ref, rtol=1e-4, atol=1e-5 * float(np.abs(ref).max()))))
    B, S = BMM
    W.append(Workload(
        f"bmm {B}x{S}x{S} @ {B}x{S}x{S}", "ms",
        lambda: {"a": mat("ba", (B, S, S)), "b": mat("bb", (B, S, S))},
        lambda d: d["a"].astype(np.float64) @ d["b"].astype(np.float64),
        {"numpy": lambda d: ((lambda a=d["a"], b=d["b"]: np.matmul(a, b)), to_np),
         **torchlike(lambda lib, d: ((lambda a=own(lib, d["a"]), b=own(lib, d["b"]), m=lib_mod(lib): m.bmm(a, b)), to_np))},
        tol=None, flops=2 * B * S ** 3,
        checker=lambda got, ref: compare(got, ref, rtol=1e-4, atol=1e-5 * float(np.abs(ref).max()))))
    # -- conv2d
    def conv_data():
        r = np.random.default_rng(3)
        return {"x": r.standard_normal((CONV_N, 3, 32, 32), dtype=np.float32),
                "w": (r.standard_normal((64, 3, 3, 3), dtype=np.float32) * np.float32(0.2)),
                "b": r.standard_normal(64, dtype=np.float32)}

    def tl_conv(lib, d):
        m = lib_mod(lib)
        conv = m.nn.functional.conv2d  # AttributeError -> n/a
        x, w, b = own(lib, d["x"]), own(lib, d["w"]), own(lib, d["b"])
        return (lambda: conv(x, w, b, padding=1)), to_np

    W.append(Workload(
        f"conv2d fwd N={CONV_N} 3->64 3x3 32x32 pad1", "ms", conv_data,
        lambda d: np_conv2d(d["x"].astype(np.float64), d["w"].astype(np.float64), d["b"].astype(np.float64)),
        {"numpy": lambda d: ((lambda: np_conv2d(d["x"], d["w"], d["b"])), to_np), **torchlike(tl_conv)},
        tol=None, flops=2 * CONV_N * 64 * 32 * 32 * 27,
        checker=lambda got, ref: compare(got, ref, rtol=1e-4, atol=1e-5 * float(np.abs(ref).max()))))
    # -- conv2d forward + backward (gradients of x, w and b; w's is checked)
    def conv_fb_data():
        d = conv_data()
        d["g"] = np.random.default_rng(4).standard_normal((CONV_N, 64, 32, 32), dtype=np.float32)
        return d

    def tl_conv_fb(lib, d):
        conv = lib_mod(lib).nn.functional.conv2d  # AttributeError -> n/a
        x, w, b, g = (own(lib, d[k]) for k in "xwbg")
        for t in (x, w, b):
            t.requires_grad_(True)

        def run():
            for t in (x, w, b):
                t.grad = None
            conv(x, w, b, padding=1).backward(g)
            return w.grad
        return run, to_np

    W.append(Workload(
        f"conv2d fwd+bwd N={CONV_N} 3->64 3x3 32x32 pad1", "ms", conv_fb_data,
        lambda d: np_conv2d_grad_w(d["x"].astype(np.float64), d["g"].astype(np.float64), 3),
        torchlike(tl_conv_fb), tol=None, flops=3 * 2 * CONV_N * 64 * 32 * 32 * 27,
        checker=lambda got, ref: compare(got, ref, rtol=1e-3, atol=1e-4 * float(np.abs(ref).max()))))
    # -- attention (forward + backward)
    for causal in (False, True):
        W.append(sdpa_workload((2, 4, 128, 32) if quick else (8, 8, 256, 64), causal, quick))

    # -- losses and optimizer steps
    W.append(cross_entropy_workload(1024 if quick else 4096, 1000))
    W.append(optimizer_workload("RMSprop", [784, 256, 256, 10], 0.01))
    W.append(optimizer_workload("Adagrad", [784, 256, 256, 10], 0.01))
    # -- training
    W.append(mlp_workload("MLP 784-256-256-10 b128 train step", "ms", [784, 256, 256, 10], 128, "ce", 0.01, quick))
    W.append(mlp_workload("tiny MLP 4-16-1 b8 train step (MSE)", "us", [4, 16, 1], 8, "mse", 0.01, quick))
    # -- data loading in worker processes
    W.extend(dataloader_workloads(quick))
    return W


class CostlyDataset:
    """Map-style dataset whose samples cost ~1 ms each: a 0.5 ms wait (reading a file) and a
    small NumPy transform (decoding), then a tensor of the benchmarked library."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(0.0005)
        x = costly_sample(i)
        return lib_mod(self.lib).from_numpy(x), i


def costly_sample(i):
    x = np.random.default_rng(i).standard_normal((48, 48)).astype(np.float32)
    for _ in range(4):
        x = np.tanh(x @ x.T * np.float32(0.05))
    return x


def dataloader_workloads(quick):
    """One epoch of DataLoader(batch_size=16) over CostlyDataset, loaded in the main process and
    in 2 persistent worker processes (batches come back through shared memory); the check is
    the sum over all batches."""
    n = 64 if quick else 256

    def reference(_):
        return np.array([sum(float(costly_sample(i).astype(np.float64).sum()) for i in range(n))])

    def build(lib, workers):
        m = lib_mod(lib)
        kw = {"num_workers": workers, "persistent_workers": True} if workers else {}
        loader = m.utils.data.DataLoader(CostlyDataset(lib, n), batch_size=16, **kw)

        def epoch():
            return sum(float(x.double().sum().item()) for x, _ in loader)
        return epoch, lambda total: np.array([total])

    return [Workload(f"DataLoader epoch {n} costly samples, num_workers={w}", "ms", lambda: {}, reference,
                     {lib: (lambda d, lib=lib, w=w: build(lib, w)) for lib in ("rtorch", "torch")},
                     tol=None, checker=lambda got, ref: compare(got, ref, rtol=1e-9, atol=1e-6, dtype=np.float64))
            for w in (0, 2)]


def np_batch_norm(x, eps=1e-5):
    """BatchNorm2d forward with batch statistics (weight 1, bias 0): the NumPy column."""
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    c = x - mu
    return c / np.sqrt((c * c).mean(axis=(0, 2, 3), keepdims=True) + eps)


def np_group_norm(x, g, eps=1e-5):
    n = x.shape[0]
    r = x.reshape(n, g, -1)
    mu = r.mean(-1, keepdims=True)
    c = r - mu
    return (c / np.sqrt((c * c).mean(-1, keepdims=True) + eps)).reshape(x.shape)


def np_rms_norm(x, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)


def norm_workloads(quick, mat):
    """BatchNorm2d / GroupNorm / RMSNorm: forward (NumPy too) and forward+backward (x and parameter
    gradients through autograd.grad; the check is on the forward value)."""
    shape = (4, 64, 16, 16) if quick else (32, 64, 32, 32)
    rows = (512, 1024) if quick else (4096, 1024)
    eps32 = float(np.finfo(np.float32).eps)
    specs = [
        (f"BatchNorm2d(64) train {'x'.join(map(str, shape))}", shape, lambda m: m.nn.BatchNorm2d(64),
         lambda x: np_batch_norm(x)),
        (f"GroupNorm(8, 64) {'x'.join(map(str, shape))}", shape, lambda m: m.nn.GroupNorm(8, 64),
         lambda x: np_group_norm(x, 8)),
        (f"RMSNorm(1024) {rows[0]}x{rows[1]}", rows, lambda m: m.nn.RMSNorm(1024),
         lambda x: np_rms_norm(x, eps32)),
    ]
    out = []
    for name, shp, make, npf in specs:
        def build(lib, d, make=make, backward=False):
            m = lib_mod(lib)
            layer = make(m)
            x = own(lib, d["x"])
            if not backward:
                return (lambda: layer(x)), to_np
            x.requires_grad_(True)
            gy = own(lib, d["gy"])
            inputs = [x] + list(layer.parameters())

            def step():
                y = layer(x)
                m.autograd.grad(y, inputs, gy)
                return y
            return step, to_np

        data = lambda shp=shp: {"x": mat("nx", shp), "gy": mat("ngy", shp)}
        ref = lambda d, npf=npf: npf(d["x"].astype(np.float64))
        out.append(Workload(
            f"{name} fwd", "ms", data, ref,
            {"numpy": lambda d, npf=npf: ((lambda x=d["x"]: npf(x)), to_np),
             **torchlike(lambda lib, d, build=build: build(lib, d))},
            tol=(1e-4, 1e-4), bytes_moved=2 * 4 * int(np.prod(shp))))
        out.append(Workload(
            f"{name} fwd+bwd", "ms", data, ref,
            torchlike(lambda lib, d, build=build: build(lib, d, backward=True)),
            tol=(1e-4, 1e-4)))
    return out



# -- nnfunc (session 3): the nn.functional ops issue 17 calls hot in real models (compositions of device ops)
def np_selu(x):
    a, s = 1.6732632423543772, 1.0507009873554805
    return s * np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))


def np_grid_sample(x, g):
    """Bilinear grid_sample, zeros padding, align_corners=False, in float64."""
    n, c, h, w = x.shape
    ix, iy = ((g[..., 0] + 1) * w - 1) / 2, ((g[..., 1] + 1) * h - 1) / 2
    x0, y0 = np.floor(ix), np.floor(iy)
    out = np.zeros((n, c) + g.shape[1:3])
    b = np.arange(n)[:, None, None]
    for dy in (0, 1):
        for dx in (0, 1):
            xi, yi = x0 + dx, y0 + dy
            wt = (1 - np.abs(ix - xi)) * (1 - np.abs(iy - yi))
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            vals = x[b, :, np.clip(yi, 0, h - 1).astype(int), np.clip(xi, 0, w - 1).astype(int)]  # (n, ho, wo, c)
            out += np.moveaxis(vals * (wt * ok)[..., None], -1, 1)
    return out


def nnfunc_workloads(quick, mat):
    """glu / hardswish / selu, instance_norm, max_pool3d, conv3d, grid_sample and embedding_bag forward rows."""
    n = 4 if quick else 16
    act = (256, 1024) if quick else (2048, 2048)
    vol = (n, 16, 16, 16, 16)
    img = (n, 32, 32, 32)
    out = []

    def row(name, data, ref, build, tol, numpy=None, bytes_moved=None):
        impls = torchlike(build)
        if numpy is not None:
            impls["numpy"] = numpy
        out.append(Workload(name, "ms", data, ref, impls, tol=tol, bytes_moved=bytes_moved))

    row(f"glu(dim=-1) {act[0]}x{act[1]}", lambda: {"x": mat("nx", act)},
        lambda d: (lambda x: x[:, :x.shape[1] // 2] / (1 + np.exp(-x[:, x.shape[1] // 2:])))(d["x"].astype(np.float64)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.nn.functional.glu(x)), to_np), (1e-5, 1e-6))
    row(f"hardswish {act[0]}x{act[1]}", lambda: {"x": mat("nx", act)},
        lambda d: (lambda x: x * np.clip(x + 3, 0, 6) / 6)(d["x"].astype(np.float64)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.nn.functional.hardswish(x)), to_np),
        (1e-5, 1e-6))
    row(f"selu {act[0]}x{act[1]}", lambda: {"x": mat("nx", act)}, lambda d: np_selu(d["x"].astype(np.float64)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.selu(x)), to_np), (1e-5, 1e-6))
    row(f"instance_norm {'x'.join(map(str, img))}", lambda: {"x": mat("nx", img)},
        lambda d: (lambda x: (x - x.mean((2, 3), keepdims=True)) / np.sqrt(x.var((2, 3), keepdims=True) + 1e-5))(
            d["x"].astype(np.float64)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.nn.functional.instance_norm(x)), to_np),
        (1e-4, 1e-4))
    row(f"max_pool3d(2) {'x'.join(map(str, vol))}", lambda: {"x": mat("nx", vol)},
        lambda d: d["x"].reshape(n, 16, 8, 2, 8, 2, 8, 2).max((3, 5, 7)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), m=lib_mod(lib): m.nn.functional.max_pool3d(x, 2)), to_np),
        (0, 0))
    row(f"conv3d 3x3x3 16->16 {'x'.join(map(str, vol))}", lambda: {"x": mat("nx", vol), "w": mat("nw", (16, 16, 3, 3, 3))},
        lambda d: np.einsum("ncdhwijk,ocijk->nodhw", np.lib.stride_tricks.sliding_window_view(
            d["x"].astype(np.float64), (3, 3, 3), axis=(2, 3, 4)), d["w"].astype(np.float64) / 9),
        lambda lib, d: ((lambda x=own(lib, d["x"]), w=own(lib, d["w"] / 9), m=lib_mod(lib): m.nn.functional.conv3d(x, w)),
                        to_np), (1e-3, 1e-3))
    grid_shape = (n, 32, 32, 2)
    row(f"grid_sample bilinear {'x'.join(map(str, img))}",
        lambda: {"x": mat("nx", img), "g": np.clip(mat("ng", grid_shape) * 0.6, -1.2, 1.2).astype(np.float32)},
        lambda d: np_grid_sample(d["x"].astype(np.float64), d["g"].astype(np.float64)),
        lambda lib, d: ((lambda x=own(lib, d["x"]), g=own(lib, d["g"]), m=lib_mod(lib):
                         m.nn.functional.grid_sample(x, g, align_corners=False)), to_np), (1e-4, 1e-4))
    bags, per, dim, rows_ = (64, 16, 64, 1000) if quick else (1024, 32, 128, 50000)

    def bag_data():
        rng = np.random.default_rng(5)
        return {"w": mat("nw", (rows_, dim)), "i": rng.integers(0, rows_, bags * per).astype(np.int64),
                "o": (np.arange(bags) * per).astype(np.int64)}
    row(f"embedding_bag sum {bags}x{per} of {rows_}x{dim}", bag_data,
        lambda d: d["w"].astype(np.float64)[d["i"]].reshape(bags, per, dim).sum(1),
        lambda lib, d: ((lambda w=own(lib, d["w"]), i=own(lib, d["i"]), o=own(lib, d["o"]), m=lib_mod(lib):
                         m.nn.functional.embedding_bag(i, w, o, mode="sum")), to_np), (1e-4, 1e-4))
    return out


def linalg_workloads(quick):
    """torch.linalg rows (issue 18): float32, well-conditioned inputs (a random matrix plus n*I, or its
    Gram matrix), checked on results that do not depend on sign conventions (X, inverses, L, |R|, S, w)."""
    rng = np.random.default_rng(18)
    sz = (lambda full, small: small) if quick else (lambda full, small: full)

    def square(n, batch=()):
        return (rng.standard_normal((*batch, n, n)) + n ** 0.5 * np.eye(n) * 2).astype(np.float32)

    def spd(n):
        a = rng.standard_normal((n, n)).astype(np.float32)
        return (a @ a.T / n + np.eye(n, dtype=np.float32)).astype(np.float32)

    def row(name, data, np_fn, tl_fn, tol=(2e-3, 2e-3)):
        def tl_build(lib, d):
            m = lib_mod(lib)
            args = [own(lib, d[k]) for k in sorted(d)]
            return (lambda: tl_fn(m, *args)), to_np

        def np_build(d):
            args = [d[k] for k in sorted(d)]
            return (lambda: np_fn(*args)), to_np

        ref = lambda d: np_fn(*[d[k].astype(np.float64) for k in sorted(d)])
        return Workload(name, "ms", data, ref, {"numpy": np_build, **torchlike(tl_build)}, tol=tol)

    n, b = sz(1024, 256), sz(10000, 1000)
    out = [
        row(f"linalg.solve {n}x{n}, 64 rhs", lambda: {"a": square(n), "b": rng.standard_normal((n, 64)).astype(np.float32)},
            np.linalg.solve, lambda m, a, bb: m.linalg.solve(a, bb)),
        row(f"linalg.inv {n}", lambda: {"a": square(n)}, np.linalg.inv, lambda m, a: m.linalg.inv(a)),
        row(f"linalg.cholesky {sz(2048, 512)}", lambda: {"a": spd(sz(2048, 512))}, np.linalg.cholesky,
            lambda m, a: m.linalg.cholesky(a)),
        row(f"linalg.qr {n} (|R|)", lambda: {"a": square(n)}, lambda a: np.abs(np.linalg.qr(a)[1]),
            lambda m, a: m.linalg.qr(a)[1].abs()),
        row(f"linalg.svd {sz(512, 128)} (S)", lambda: {"a": square(sz(512, 128))},
            lambda a: np.linalg.svd(a)[1], lambda m, a: m.linalg.svd(a)[1]),
        row(f"linalg.eigh {n} (w)", lambda: {"a": spd(n)}, lambda a: np.linalg.eigh(a)[0],
            lambda m, a: m.linalg.eigh(a)[0]),
        row(f"linalg.solve batched {b}x8x8", lambda: {"a": square(8, (b,)), "b": rng.standard_normal((b, 8, 1)).astype(np.float32)},
            np.linalg.solve, lambda m, a, bb: m.linalg.solve(a, bb)),
    ]
    return out



def fft_workloads(quick):
    """torch.fft and complex rows (issue 18): fft of 2^20 complex64 values, a batch of real rows and a complex64
    matmul; results compared as interleaved (re, im) float32 against NumPy's complex128/float64 result."""
    rng = np.random.default_rng(18)
    n, rows, cols = (1 << 16, 128, 4096) if quick else (1 << 20, 1024, 4096)

    def pairs(z):
        return np.ascontiguousarray(np.asarray(z)).view(np.float32 if np.asarray(z).dtype == np.complex64 else np.float64)

    def row(name, data, np_fn, tl_fn):
        def tl_build(lib, d):
            m, args = lib_mod(lib), [own(lib, d[k]) for k in sorted(d)]
            return (lambda: tl_fn(m, *args)), (lambda t: pairs(to_np(t)))

        def np_build(d):
            args = [d[k] for k in sorted(d)]
            return (lambda: np_fn(*args)), pairs

        wide = lambda a: a.astype(np.complex128 if a.dtype == np.complex64 else np.float64)
        ref = lambda d: pairs(np_fn(*[wide(d[k]) for k in sorted(d)]))
        return Workload(name, "ms", data, ref, {"numpy": np_build, **torchlike(tl_build)}, tol=(1e-3, 1e-2))

    def cplx(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)

    k = 256 if quick else 1024

    return [
        row(f"fft.fft {n} complex64", lambda: {"x": cplx(n)},
            np.fft.fft, lambda m, x: m.fft.fft(x)),
        row(f"fft.rfft batch {rows}x{cols} float32", lambda: {"x": rng.standard_normal((rows, cols)).astype(np.float32)},
            lambda x: np.fft.rfft(x, axis=-1), lambda m, x: m.fft.rfft(x)),
        row(f"matmul {k}x{k} complex64", lambda: {"a": cplx(k, k), "b": cplx(k, k)}, np.matmul,
            lambda m, a, b: m.matmul(a, b)),
    ]

# ================================ runner =========================================================
class Cell:
    def __init__(self, status, seconds=None, reps=None, detail=None, check=None):
        self.status, self.seconds, self.reps, self.detail, self.check = status, seconds, reps, detail, check

    def json(self):
        return {"status": self.status, "median_s": self.seconds, "samples": self.reps,
                "detail": self.detail,
                "check_ok": None if self.check is None else self.check.ok,
                "check": None if self.check is None else self.check.detail}


def short_exc(e):
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0] if msg else ''}"


def run_workload(w, min_time):
    data = w.make_data()
    ref = w.reference(data)
    cells = {}
    for lib in LIBS:
        time.sleep(0.05)  # let other libraries' worker threads stop spinning
        build = w.impls.get(lib)
        if build is None:
            cells[lib] = Cell("n/a", detail="no implementation")
            continue
        try:
            run, result_of = build(data)
        except (AttributeError, NotImplementedError) as e:
            cells[lib] = Cell("n/a", detail=short_exc(e))
            continue
        except Exception as e:
            cells[lib] = Cell("error", detail="setup: " + short_exc(e))
            continue
        try:
            got = result_of(run())
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)
            where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno})" if tb else ""
            status = "n/a" if isinstance(e, (AttributeError, NotImplementedError)) else "error"
            cells[lib] = Cell(status, detail=short_exc(e) + where)
            continue
        try:
            if w.checker is not None:
                chk = w.checker(got, ref)
            else:
                g = w.ref_subset(got) if w.ref_subset is not None else got
                chk = compare(g, ref, *w.tol)
        except Exception as e:
            chk = Check(False, "check failed: " + short_exc(e))
        # training rows mutate state; rebuild so timing starts from the same weights for everyone
        try:
            if w.checker is not None and "train" in w.name:
                run, result_of = build(data)
            med, samples, _ = time_call(run, min_time)
            cells[lib] = Cell("ok", med, len(samples), check=chk)
        except Exception as e:
            cells[lib] = Cell("error", detail="while timing: " + short_exc(e), check=chk)
    return cells


def fmt_time(sec, unit):
    if sec is None:
        return ""
    v = sec * (1e6 if unit == "us" else 1e3)
    s = f"{v:.3g}" if v < 100 else f"{v:.0f}"
    return f"{s} {'µs' if unit == 'us' else 'ms'}"


def fmt_cell(c, unit):
    if c.status == "ok":
        return fmt_time(c.seconds, unit) + ("" if c.check is None or c.check.ok else " !")
    return c.status


def throughput(w, c):
    if c.status != "ok" or not c.seconds:
        return None
    if w.bytes_moved:
        return w.bytes_moved / c.seconds / 1e9
    if w.flops:
        return w.flops / c.seconds / 1e9
    return None


def ratio(cells):
    r = cells.get("rtorch")
    others = [cells[l].seconds for l in OTHER if l in cells and cells[l].status == "ok"]
    if r is None or r.status != "ok" or not others:
        return None
    return min(others) / r.seconds


def header_lines(info, cmd):
    cpu = info["cpu"]
    th = info["threads"]
    blas = info["numpy_blas"][0] if info["numpy_blas"] else {}
    lines = [
        f"command: `{cmd}`",
        f"machine: {cpu.get('model name', '?')} (family {cpu.get('cpu family', '?')} model {cpu.get('model', '?')}), "
        f"{cpu.get('usable_cpus', cpu.get('logical_cpus'))} usable / {cpu.get('logical_cpus')} logical CPUs, "
        f"{cpu.get('mem_total_gib', '?')} GiB RAM, flags: {' '.join(cpu.get('flags', []))}",
        f"versions: rtorch {info['versions']['rtorch']} ({info['versions']['rtorch_git']}), "
        f"numpy {info['versions']['numpy']}, torch {info['versions']['torch'] or 'not installed'}, "
        f"python {info['python']}",
        f"threads: rtorch {th['rtorch']} (own spin-then-park pool), torch {th['torch']} (intra-op), numpy BLAS "
        f"{th['numpy_blas']} ({blas.get('internal_api', '?')} {blas.get('version', '')}, kernel "
        f"{blas.get('architecture', '?')}), numpy elementwise 1",
    ]
    if info["openblas_env_removed"]:
        lines.append(f"removed for this process before importing NumPy: {info['openblas_env_removed']}")
    la = info.get("load_average_at_start")
    if la is not None:
        lines.append(f"load average at start (1/5/15 min): {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} (it lags; rows "
                     "disturbed by other processes while they ran are marked ~)")
    if TORCH_IMPORT_ERROR:
        lines.append(f"torch column left out: import torch failed ({TORCH_IMPORT_ERROR})")
    return lines


def main():
    min_time = ARGS.min_time if ARGS.min_time is not None else (0.05 if ARGS.quick else 0.5)
    cmd = " ".join(["python"] + [os.path.relpath(sys.argv[0])] + sys.argv[1:])
    for var in ("RAYON_NUM_THREADS", "RTORCH_NUM_THREADS", "OMP_NUM_THREADS"):
        if var in os.environ and ARGS.threads is None:
            cmd = f"{var}={os.environ[var]} " + cmd
    info = machine_info()
    out_lines = header_lines(info, cmd)
    for line in out_lines:
        print(line, flush=True)
    print(flush=True)

    wl = workloads(ARGS.quick)
    if ARGS.only:
        subs = [s.lower() for s in ARGS.only]
        wl = [w for w in wl if any(s in w.name.lower() for s in subs)]
        if not wl:
            sys.exit(f"--only {ARGS.only}: no workload matches")

    results = []
    busy_rows = 0
    t_start = time.perf_counter()
    cols = ["workload"] + LIBS + ["rtorch vs best other", "throughput (" + "/".join(LIBS) + ")"]
    table = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---"] + ["---:"] * (len(cols) - 2) + ["---"]) + "|"]
    for w in wl:
        t0 = time.perf_counter()
        for attempt in range(3 if ARGS.wait_idle > 0 else 1):
            if ARGS.wait_idle > 0:
                wait_for_idle(ARGS.wait_idle)
            load = OtherLoad()
            try:
                cells = run_workload(w, min_time)
            except Exception as e:  # data/reference failure: report, keep going
                cells = {lib: Cell("error", detail="workload setup: " + short_exc(e)) for lib in LIBS}
            other = load.fraction()
            if other is None or other <= 0.1:
                break
        busy_rows += other is not None and other > 0.1
        r = ratio(cells)
        tps = [throughput(w, cells[l]) for l in LIBS]
        tp_unit = "GB/s" if w.bytes_moved else ("GFLOP/s" if w.flops else "")
        tp = ("/".join("-" if t is None else f"{t:.3g}" for t in tps) + f" {tp_unit}") if tp_unit else ""
        row = [w.name + (" ~" if other is not None and other > 0.1 else "")] + \
              [fmt_cell(cells[l], w.unit) for l in LIBS] + \
              [("" if r is None else f"{r:.2f}x"), tp]
        table.append("| " + " | ".join(row) + " |")
        print(f"[{time.perf_counter() - t0:5.1f}s] " + table[-1], flush=True)
        results.append({
            "workload": w.name, "unit": w.unit, "bytes_moved": w.bytes_moved, "flops": w.flops,
            "ratio_rtorch_vs_best_other": r,
            "throughput": {l: t for l, t in zip(LIBS, tps)}, "throughput_unit": tp_unit or None,
            "cells": {l: cells[l].json() for l in LIBS},
            "other_processes_cpu_fraction": other,
        })
    elapsed = time.perf_counter() - t_start

    notes = []
    for res in results:
        for lib, c in res["cells"].items():
            if c["status"] != "ok":
                notes.append(f"- {res['workload']} / {lib}: {c['status']}: {c['detail']}")
            elif c["check_ok"] is False:
                notes.append(f"- MISMATCH {res['workload']} / {lib}: {c['check']}")
    print("\n" + "\n".join(table))
    if notes:
        print("\nn/a, errors and mismatches (cells marked ! were timed but did not match the reference):")
        print("\n".join(notes))
    else:
        print("\nall cells ran and matched the reference")
    if busy_rows:
        print(f"\n~ : {busy_rows} row(s) ran while other processes used more than 10% of the CPUs: "
              "their timings are unreliable (rerun them, e.g. with --only and --wait-idle)")
    la_end = load_average()
    if la_end is not None:
        print(f"load average at end (1/5/15 min): {la_end[0]:.2f} {la_end[1]:.2f} {la_end[2]:.2f}")
    print(f"\ntotal {elapsed:.0f} s; ratio > 1 means rtorch is faster than the fastest of "
          f"{', '.join(OTHER)}; times are medians")

    json_path = ARGS.json or os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
    payload = {"command": cmd, "quick": ARGS.quick, "min_time_s": min_time, "elapsed_s": elapsed,
               "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": info,
               "load_average_at_end": la_end, "libraries": LIBS,
               "results": results}
    with open(json_path, "w") as f:
        json.dump(payload, f, indent=1)
    print(f"wrote {json_path}")
    if ARGS.markdown:
        with open(ARGS.markdown, "w") as f:
            f.write("# rtorch benchmark results\n\n")
            f.write("\n".join("- " + l for l in out_lines) + "\n\n")
            f.write("\n".join(table) + "\n\n")
            if busy_rows:
                f.write(f"~ : {busy_rows} row(s) ran while other processes used more than 10% of the "
                        "CPUs: their timings are unreliable.\n\n")
            if notes:
                f.write("n/a, errors and mismatches (cells marked ! were timed but did not match):\n\n")
                f.write("\n".join(notes) + "\n\n")
            f.write(f"Ratio > 1 means rtorch is faster than the fastest of {', '.join(OTHER)}. "
                    f"Times are medians; total run {elapsed:.0f} s.\n")
        print(f"wrote {ARGS.markdown}")


if __name__ == "__main__":
    main()

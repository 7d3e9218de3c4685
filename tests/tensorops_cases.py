"""Shared machinery of the tensorops parity tests: run one case function on rtorch and on PyTorch
(`torch_ref`) and compare values, dtypes, shapes and exceptions."""
import numpy as np

import rtorch
from helpers import assert_close
from torch_ref import TorchError


def plain(r):
    """Named tuples, Size and lists as plain tuples / lists, tensors as they are (same on both sides)."""
    if isinstance(r, (list, tuple)):
        out = [plain(v) for v in r]
        return out if isinstance(r, list) else tuple(out)
    return r


def run(fn, lib):
    """``fn(lib)`` with its result made plain, or the exception it raised as a `TorchError`."""
    try:
        return plain(fn(lib))
    except Exception as e:  # an exception is a result to compare
        return TorchError(type(e).__name__, str(e))


def check(ours, ref, rtol=1e-5, atol=1e-6, message=True):
    """``ours`` (rtorch results) against ``ref`` (PyTorch's, as `torch_ref` returns them)."""
    if isinstance(ref, TorchError):
        assert isinstance(ours, TorchError), f"PyTorch raised {ref}, rtorch returned {ours!r}"
        assert ours.type == ref.type, f"{ours} vs PyTorch {ref}"
        if message:
            assert ours.message == ref.message, f"{ours.message!r} vs PyTorch {ref.message!r}"
        return
    assert not isinstance(ours, TorchError), f"rtorch raised {ours}, PyTorch returned {ref!r}"
    if isinstance(ref, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(ref), f"{ours!r} vs {ref!r}"
        for o, r in zip(ours, ref):
            check(o, r, rtol, atol, message)
    elif isinstance(ref, (np.ndarray, np.generic)):
        assert_close(ours, ref, rtol=rtol, atol=atol)
    elif isinstance(ref, rtorch.Tensor):  # bfloat16
        assert_close(ours, ref, rtol=rtol, atol=atol)
    else:
        assert ours == ref or (isinstance(ref, float) and np.isnan(ref) and np.isnan(ours)), f"{ours!r} vs {ref!r}"


def parity(fn, ref, rtol=1e-5, atol=1e-6, message=True):
    """Runs ``fn`` on rtorch and checks it against ``ref``, PyTorch's result of the same case
    (``torch_ref(lambda torch: run(fn, torch))``, written at the call site so that the fixture file
    belongs to the test file that records it)."""
    check(run(fn, rtorch), ref, rtol, atol, message)


def arr(seed, *shape, dtype=np.float32, lo=-3, hi=3):
    """A seeded NumPy array (ints in [lo, hi) for integer dtypes)."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(lo, hi, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    return rng.uniform(lo, hi, size=shape).astype(dtype)

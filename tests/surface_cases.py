"""Shared by the tests/test_surface_*.py files: PyTorch results stored compactly (tensors as JSON lists, so a
fixture holds no arrays) and compared with a tolerance, one recorded dict per table of cases."""
import numpy as np

import rtorch
from tensorops_cases import check, run
from torch_ref import TorchError


def compact(r):
    """Tensors and arrays as ``("tensor", dtype name, shape, values)`` (values to 9 significant digits)."""
    if isinstance(r, (list, tuple)):
        return type(r)(compact(v) for v in r)
    if isinstance(r, (rtorch.Tensor, np.ndarray)) or type(r).__name__ == "Tensor":
        dtype = str(r.dtype).split(".")[-1]
        vals = np.asarray(r.tolist(), dtype=np.complex128 if "complex" in dtype else np.float64)
        if vals.dtype.kind == "c":
            flat = [[float(f"{v.real:.9g}"), float(f"{v.imag:.9g}")] for v in vals.reshape(-1)]
        else:
            flat = [float(f"{v:.9g}") for v in vals.reshape(-1)]
        return ("tensor", dtype, list(vals.shape), flat)
    return r


def expand(r):
    """The inverse of `compact` for comparing: ("tensor", dtype, shape, values) -> (dtype, float64 array)."""
    if isinstance(r, (list, tuple)) and len(r) == 4 and r[0] == "tensor":
        vals = np.array(r[3], dtype=np.float64)
        if r[1].startswith("complex"):
            vals = vals[..., 0] + 1j * vals[..., 1] if vals.size else vals.astype(np.complex128)
        return ("tensor", r[1], vals.reshape(r[2]))
    if isinstance(r, (list, tuple)):
        return type(r)(expand(v) for v in r)
    return r


def same(ours, ref, rtol, atol, message=True):
    """``ours`` (an rtorch result, run through `compact`/`expand`) against PyTorch's ``ref``."""
    if isinstance(ref, tuple) and len(ref) == 3 and ref[0] == "tensor":
        assert isinstance(ours, tuple) and len(ours) == 3 and ours[0] == "tensor", f"{ours!r} vs {ref!r}"
        assert ours[1] == ref[1], f"dtype {ours[1]} vs PyTorch {ref[1]}"
        assert ours[2].shape == ref[2].shape, f"shape {ours[2].shape} vs PyTorch {ref[2].shape}"
        np.testing.assert_allclose(ours[2], ref[2], rtol=rtol, atol=atol)
    elif isinstance(ref, (list, tuple)) and not isinstance(ref, TorchError):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(ref), f"{ours!r} vs {ref!r}"
        for o, r in zip(ours, ref):
            same(o, r, rtol, atol, message)
    else:
        check(ours, ref, message=message)


def check_table(cases, refs, rtol=1e-5, atol=1e-6, message=True):
    """Every case of ``cases`` (name -> fn(lib)) against ``refs``, PyTorch's compacted results; all failures
    are reported together."""
    failures = []
    for name in sorted(cases):
        try:
            same(expand(compact(run(cases[name], rtorch))), expand(refs[name]), rtol, atol, message)
        except AssertionError as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)


def torch_table(torch, cases):
    """PyTorch's compacted results of a table of cases (call inside ``torch_ref``)."""
    return {name: compact(run(fn, torch)) for name, fn in cases.items()}

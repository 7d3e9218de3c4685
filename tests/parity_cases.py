"""Forward-and-gradient parity runner shared by the nn.functional family tests: one case function of the library
(rtorch or torch) run on the same float64 NumPy inputs, compared value by value and gradient by gradient.

The recorded results are packed into one float32 array per case, with each result's dtype name and shape beside
it (the fixtures stay small: all of tests/fixtures/torch_ref must stay under 2.5 MB), so values are compared to
float32 precision and dtypes and shapes exactly.
"""
import numpy as np

from helpers import assert_close
from torch_ref import torch_ref


def run_case(lib, fn, arrays, grad):
    """``fn(lib, *tensors)`` and the gradients of ``sum(out * w)`` (w fixed by the output's shape) for the inputs
    whose index is in ``grad``, packed: ([(dtype name, shape), ...], one float32 tensor of every value in order)."""
    ts = [lib.tensor(a, requires_grad=(i in grad)) if isinstance(a, np.ndarray) else a
          for i, a in enumerate(arrays)]
    out = fn(lib, *ts)
    res = [out.detach()]
    if grad:
        w = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(np.asarray(arrays[0]).dtype)
        (out * lib.tensor(w)).sum().backward()
        res += [ts[i].grad for i in sorted(grad)]
    meta = [(str(r.dtype).split(".")[-1], list(r.shape)) for r in res]
    return meta, lib.cat([r.reshape(-1).float() for r in res])


def _unpack(meta, flat):
    out, pos = [], 0
    for dtype, shape in meta:
        n = int(np.prod(shape)) if shape else 1
        out.append((dtype, np.asarray(flat[pos:pos + n]).reshape(shape)))
        pos += n
    return out


def check_parity(rtorch, fn, arrays, grad=(0,), rtol=2e-6, atol=1e-6):
    """Compare ``fn`` under rtorch with PyTorch's recorded (or live) result: dtypes, output and gradients."""
    grad = set(grad)
    rtol, atol = max(rtol, 2e-6), max(atol, 1e-6)  # the fixtures hold float32 values
    meta, flat = run_case(rtorch, fn, arrays, grad)
    ref_meta, ref_flat = torch_ref(lambda torch: run_case(torch, fn, arrays, grad))
    assert [tuple(m) for m in meta] == [(d, list(s)) for d, s in ref_meta], f"{meta} != {ref_meta}"
    for (_, a), (_, b) in zip(_unpack(meta, flat.numpy()), _unpack(ref_meta, ref_flat)):
        assert_close(rtorch.tensor(a), b, rtol=rtol, atol=atol)

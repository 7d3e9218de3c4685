"""Forward-and-gradient parity runner shared by the nn.functional family tests: one case function of the library
(rtorch or torch) run on the same float64 NumPy inputs, compared value by value and gradient by gradient."""
import numpy as np

from helpers import assert_close
from torch_ref import torch_ref


def run_case(lib, fn, arrays, grad):
    """``fn(lib, *tensors)`` and the gradients of ``sum(out * w)`` (w fixed by the output's shape) for the inputs
    whose index is in ``grad``: [out, grad_0, ...] (tensors of ``lib``)."""
    ts = [lib.tensor(a, requires_grad=(i in grad)) if isinstance(a, np.ndarray) else a
          for i, a in enumerate(arrays)]
    out = fn(lib, *ts)
    res = [out.detach()]
    if grad:
        w = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(np.asarray(arrays[0]).dtype)
        (out * lib.tensor(w)).sum().backward()
        res += [ts[i].grad for i in sorted(grad)]
    return res


def check_parity(rtorch, fn, arrays, grad=(0,), rtol=1e-7, atol=1e-9):
    """Compare ``fn`` under rtorch with PyTorch's recorded (or live) result, output and gradients."""
    grad = set(grad)
    ours = run_case(rtorch, fn, arrays, grad)
    ref = torch_ref(lambda torch: run_case(torch, fn, arrays, grad))
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert_close(a, b, rtol=rtol, atol=atol)

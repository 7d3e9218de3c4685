"""Tensor.grad_dtype: the dtype a leaf's gradient must have, and the cast backward applies to reach it."""
import numpy as np
import pytest

import rtorch
from helpers import assert_close
from torch_ref import catch, torch_ref


def _scenario(torch, grad_dtype, via_grad=False):
    """A float32 leaf given `grad_dtype`, then (x * 3 + x).sum() differentiated twice: the grad's dtype, values
    and the attribute read back (the same program runs on rtorch and on PyTorch)."""
    x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    x.grad_dtype = grad_dtype
    if via_grad:
        (g,) = torch.autograd.grad((x * 3 + x).sum(), x)
        return g, x.grad_dtype
    (x * 3 + x).sum().backward()
    (x * 3 + x).sum().backward()
    return x.grad, x.grad_dtype


@pytest.mark.parametrize("name", ["float64", "float16", "bfloat16", "float32"])
@pytest.mark.parametrize("via_grad", [False, True])
def test_backward_casts_to_grad_dtype(name, via_grad):
    ref = torch_ref(lambda torch: _scenario(torch, getattr(torch, name), via_grad))
    got = _scenario(rtorch, getattr(rtorch, name), via_grad)
    assert got[1] == ref[1] == getattr(rtorch, name)
    assert_close(got[0], ref[0], rtol=0, atol=0)


@pytest.mark.parametrize("via_grad", [False, True])
def test_integer_grad_dtype_can_be_set_but_backward_raises(via_grad):
    # PyTorch accepts the setting and then fails an internal assert in backward; rtorch raises a plain error.
    x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    x.grad_dtype = rtorch.int64
    assert x.grad_dtype is rtorch.int64
    with pytest.raises(RuntimeError, match="grad_dtype must be a floating point or complex dtype.*int64"):
        if via_grad:
            rtorch.autograd.grad((x * 2).sum(), x)
        else:
            (x * 2).sum().backward()


def test_default_is_own_dtype_and_nonleaf_reports_own_dtype():
    x = rtorch.randn(3, dtype=rtorch.float64, requires_grad=True)
    assert x.grad_dtype is rtorch.float64
    y = x * 2
    assert y.grad_dtype is rtorch.float64
    assert rtorch.zeros(2, dtype=rtorch.int32).grad_dtype is rtorch.int32


def test_none_allows_any_grad_dtype_and_accumulates():
    x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    x.grad_dtype = None
    assert x.grad_dtype is None
    x.grad = rtorch.ones(2, dtype=rtorch.float64)
    (x * 2).sum().backward()
    assert_close(x.grad, np.array([3.0, 3.0]))  # float64 kept, float32 gradient added into it
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.dtype is rtorch.float32  # nothing to cast to: the gradient keeps the tensor's dtype


def _errors(torch):
    x = torch.randn(3, requires_grad=True)
    out = [catch(lambda: setattr(x * 2, "grad_dtype", torch.float64)),
           catch(lambda: setattr(x, "grad_dtype", "float64")),
           catch(lambda: setattr(x, "grad", torch.zeros(3, dtype=torch.float64)))]
    x.grad_dtype = torch.float16
    out.append(catch(lambda: setattr(x, "grad", torch.zeros(3))))
    return out


def test_errors_match_pytorch():
    ref = torch_ref(_errors)
    got = _errors(rtorch)
    for g, r in zip(got, ref):
        assert g.type == r.type, (g, r)
    assert "leaf" in got[0].message
    assert "grad_dtype must be a torch.dtype or None" in got[1].message
    assert "grad_dtype 'float32'" in got[2].message
    assert "grad_dtype" in got[3].message and "float16" in got[3].message


def test_hooks_see_cast_gradient():
    x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    x.grad_dtype = rtorch.float64
    seen = []
    x.register_hook(lambda g: seen.append(g.dtype))
    (x * x).sum().backward()
    assert seen == [rtorch.float64]
    assert_close(x.grad, np.array([2.0, 4.0]))

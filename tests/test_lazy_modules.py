"""The Lazy* modules (LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*) and the
uninitialized parameter / buffer placeholders: reprs and state before and after the first forward against
PyTorch, the class switch, shapes inferred from batched and unbatched inputs, initialisation bounds, optimizers
built before the first forward, and errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
from rtorch.nn.parameter import UninitializedBuffer, UninitializedParameter
from torch_ref import torch_ref

CASES = [("LazyLinear(3)", (2, 5)), ("LazyLinear(4, bias=False)", (3, 2, 6)), ("LazyConv1d(4, 3)", (2, 3, 8)),
         ("LazyConv2d(4, 3, padding=1, groups=2)", (1, 2, 5, 5)), ("LazyConv3d(2, 2, stride=2)", (1, 3, 4, 4, 4)),
         ("LazyConvTranspose1d(4, 3)", (3, 6)), ("LazyConvTranspose2d(4, 2, stride=2)", (1, 2, 3, 3)),
         ("LazyConvTranspose3d(2, 2)", (1, 3, 2, 2, 2)), ("LazyBatchNorm1d()", (3, 4)),
         ("LazyBatchNorm2d(affine=False)", (2, 3, 2, 2)), ("LazyBatchNorm3d(momentum=None)", (2, 2, 2, 2, 2)),
         ("LazyInstanceNorm1d()", (2, 3, 5)), ("LazyInstanceNorm2d(affine=False)", (1, 3, 4, 4)),
         ("LazyInstanceNorm3d(track_running_stats=True)", (2, 2, 3, 3, 3))]


@pytest.mark.parametrize("expr,shape", CASES, ids=[c[0] for c in CASES])
def test_lazy_modules_match_torch(expr, shape):
    def side(lib):
        m = eval("lib.nn." + expr, {"lib": lib})
        before = (repr(m), type(m).__name__, sorted(m.state_dict()),
                  sorted(k for k, v in m.state_dict().items() if "Uninitialized" in type(v).__name__))
        y = m(lib.ones(shape))
        after = (repr(m), type(m).__name__, {k: tuple(v.shape) for k, v in m.state_dict().items()}, tuple(y.shape))
        return before, after
    ours, ref = side(rtorch), torch_ref(side)
    assert ours[0][:2] == tuple(ref[0][:2])
    assert ours[0][2] == list(ref[0][2]) and ours[0][3] == list(ref[0][3])
    assert ours[1][:2] == tuple(ref[1][:2])
    assert ours[1][2] == {k: tuple(v) for k, v in ref[1][2].items()}
    assert ours[1][3] == tuple(ref[1][3])


def test_lazy_linear_initialises_like_linear_and_trains():
    rtorch.manual_seed(0)
    m = nn.LazyLinear(3)
    opt_params = list(m.parameters())  # the placeholders are materialized in place
    y = m(rtorch.randn(4, 10))
    assert isinstance(m, nn.Linear) and not isinstance(m, nn.LazyLinear)
    assert opt_params[0] is m.weight and type(m.weight) is nn.Parameter
    bound = 1 / np.sqrt(10)
    assert float(m.weight.abs().max()) <= bound and float(m.weight.abs().max()) > bound / 4
    y.sum().backward()
    assert m.weight.grad.shape == (3, 10)
    assert not hasattr(m, "_initialize_hook") and len(m._forward_pre_hooks) == 0


def test_placeholders():
    p = UninitializedParameter()
    assert repr(p) == "<UninitializedParameter>" and p.requires_grad
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        p.shape
    p.materialize((2, 3), dtype=rtorch.float64)
    assert type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype == rtorch.float64
    b = UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad
    with pytest.raises(TypeError, match="replaces an uninitialized buffer"):
        b.materialize((3,))


def test_lazy_conv_rejects_channels_not_divisible_by_groups():
    m = nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        m(rtorch.ones(1, 3, 5, 5))


def test_lazy_module_in_sequential_and_state_dict_round_trip():
    net = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyLinear(2))
    out = net(rtorch.randn(2, 3, 6, 6))
    assert out.shape == (2, 2)
    assert [type(m).__name__ for m in net] == ["Conv2d", "BatchNorm2d", "Flatten", "Linear"]
    other = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(64, 2))
    other.load_state_dict(net.state_dict())
    net.eval()
    other.eval()
    x = rtorch.randn(1, 3, 6, 6)
    assert np.allclose(net(x).detach().numpy(), other(x).detach().numpy())

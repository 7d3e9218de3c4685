"""nn.utils parametrizations and normalizations: parametrize (register / remove / cached / is_parametrized /
right_inverse, chains, state_dict names), parametrizations.weight_norm / spectral_norm, the hook-based
weight_norm / spectral_norm and their removal, and the batch-norm fusion helpers; against PyTorch's results and
NumPy (singular values)."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.nn.utils import parametrize, parametrizations
from helpers import assert_close
from torch_ref import torch_ref


class Symmetric(nn.Module):
    """X -> triu(X) + triu(X, 1)^T."""

    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    """X -> 2 X."""

    def forward(self, X):
        return X * 2

    def right_inverse(self, A):
        return A / 2


def test_register_and_remove_parametrization(rng):
    m = nn.Linear(3, 3).double()
    w = rtorch.tensor(rng.standard_normal((3, 3)))
    with rtorch.no_grad():
        m.weight.copy_(w)
    param_before = m.weight
    parametrize.register_parametrization(m, "weight", Symmetric())
    assert parametrize.is_parametrized(m) and parametrize.is_parametrized(m, "weight")
    assert not parametrize.is_parametrized(m, "bias")
    assert type(m).__name__ == "ParametrizedLinear" and parametrize.type_before_parametrizations(m) is nn.Linear
    assert m.parametrizations.weight.original is param_before  # the same Parameter object, set to triu(w)
    assert_close(m.weight, w.triu() + w.triu(1).T)
    assert sorted(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    parametrize.register_parametrization(m, "weight", Scale())  # a chain
    assert_close(m.weight, 2 * (w.triu() + w.triu(1).T))
    target = rtorch.tensor(rng.standard_normal((3, 3)))
    target = target + target.T
    m.weight = target  # right_inverse through the chain
    assert_close(m.weight, target)
    y = m(rtorch.ones(2, 3, dtype=rtorch.float64))
    y.sum().backward()
    assert m.parametrizations.weight.original.grad is not None
    parametrize.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and not hasattr(m, "parametrizations")
    assert isinstance(m.weight, nn.Parameter)
    assert_close(m.weight, target)


def test_remove_without_leaving_parametrized_and_cached(rng):
    m = nn.Linear(2, 2)
    parametrize.register_parametrization(m, "weight", Scale())
    orig = m.parametrizations.weight.original.detach().clone()
    with parametrize.cached():
        a, b = m.weight, m.weight
        assert a is b
    assert m.weight is not m.weight
    parametrize.remove_parametrizations(m, "weight", leave_parametrized=False)
    assert_close(m.weight, orig)


def test_parametrization_errors():
    m = nn.Linear(2, 3)

    class Bad(nn.Module):
        def forward(self, X):
            return X[0]
    with pytest.raises(ValueError, match="may not change the shape"):
        parametrize.register_parametrization(m, "weight", Bad())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        parametrize.register_parametrization(m, "nothing", Scale())
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(m, "weight")


def _side_weight_norm(lib, x, w, b, new):
    m = lib.nn.Linear(4, 3).double()
    with lib.no_grad():
        m.weight.copy_(lib.tensor(w))
        m.bias.copy_(lib.tensor(b))
    m = lib.nn.utils.parametrizations.weight_norm(m) if new else lib.nn.utils.weight_norm(m)
    y = m(lib.tensor(x))
    (y * y).sum().backward()
    if new:
        p = m.parametrizations.weight
        return y.detach(), p.original0.detach(), p.original0.grad, p.original1.grad, sorted(m.state_dict())
    return y.detach(), m.weight_g.detach(), m.weight_g.grad, m.weight_v.grad, sorted(m.state_dict())


@pytest.mark.parametrize("new", [True, False])
def test_weight_norm_matches_torch(new, rng):
    x, w, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 4)), rng.standard_normal(3)
    ours, ref = _side_weight_norm(rtorch, x, w, b, new), torch_ref(lambda t: _side_weight_norm(t, x, w, b, new))
    for a, r in zip(ours[:4], ref[:4]):
        assert_close(a, r, rtol=1e-10, atol=1e-12)
    assert ours[4] == list(ref[4])


def test_weight_norm_dims_and_removal(rng):
    conv = nn.Conv2d(2, 3, 3).double()
    w = conv.weight.detach().clone()
    nn.utils.weight_norm(conv, dim=1)
    assert conv.weight_g.shape == (1, 2, 1, 1)
    assert_close(conv.weight, w, rtol=1e-12, atol=1e-12)
    nn.utils.remove_weight_norm(conv)
    assert sorted(n for n, _ in conv.named_parameters()) == ["bias", "weight"]
    lin = nn.utils.weight_norm(nn.Linear(3, 2).double(), dim=None)
    assert lin.weight_g.shape == ()
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        nn.utils.weight_norm(lin)


@pytest.mark.parametrize("new", [True, False])
@pytest.mark.parametrize("layer", ["linear", "conv", "convt"])
def test_spectral_norm_normalizes_the_largest_singular_value(new, layer, rng):
    rtorch.manual_seed(0)
    m = {"linear": lambda: nn.Linear(6, 5), "conv": lambda: nn.Conv2d(3, 4, 3),
         "convt": lambda: nn.ConvTranspose2d(3, 4, 3)}[layer]().double()
    m = parametrizations.spectral_norm(m, n_power_iterations=3) if new else nn.utils.spectral_norm(m)
    x = rtorch.randn((2, 6) if layer == "linear" else (1, 3, 5, 5), dtype=rtorch.float64)
    for _ in range(30):  # power iterations converge in training mode
        m(x)
    w = m.weight.detach().numpy()
    dim = 1 if layer == "convt" else 0
    mat = np.moveaxis(w, dim, 0).reshape(w.shape[dim], -1)
    assert abs(np.linalg.svd(mat, compute_uv=False)[0] - 1.0) < 1e-6
    m.eval()
    before = m.weight.detach().clone()
    m(x)
    assert_close(m.weight, before)  # eval mode: no power iteration, same weight
    y = m(x)
    y.sum().backward()
    if new:
        assert sorted(m.parametrizations.weight[0]._buffers) == ["_u", "_v"]
        parametrize.remove_parametrizations(m, "weight")
    else:
        assert m.weight_orig.grad is not None
        assert sorted(n for n, _ in m.named_buffers()) == ["weight_u", "weight_v"]
        nn.utils.remove_spectral_norm(m)
    assert_close(m.weight, before)
    assert sorted(n for n, _ in m.named_parameters()) == ["bias", "weight"]


def test_spectral_norm_state_dict_names_match_torch():
    def side(lib):
        a = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 2))
        b = lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(3, 2))
        return sorted(a.state_dict()), sorted(b.state_dict())
    ours, ref = side(rtorch), torch_ref(side)
    assert [list(x) for x in ref] == list(ours)


def test_fusion_matches_unfused(rng):
    conv = nn.Conv2d(3, 4, 3, padding=1).double().eval()
    bn = nn.BatchNorm2d(4).double().eval()
    with rtorch.no_grad():
        bn.running_mean.copy_(rtorch.tensor(rng.standard_normal(4)))
        bn.running_var.copy_(rtorch.tensor(rng.uniform(0.5, 2, 4)))
        bn.weight.copy_(rtorch.tensor(rng.standard_normal(4)))
        bn.bias.copy_(rtorch.tensor(rng.standard_normal(4)))
    x = rtorch.tensor(rng.standard_normal((2, 3, 5, 5)))
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    assert_close(fused(x), bn(conv(x)), rtol=1e-10, atol=1e-10)
    convt = nn.ConvTranspose2d(3, 4, 2, bias=False).double().eval()
    fused_t = nn.utils.fuse_conv_bn_eval(convt, bn, transpose=True)
    assert_close(fused_t(x), bn(convt(x)), rtol=1e-10, atol=1e-10)
    lin = nn.Linear(3, 4).double().eval()
    bn1 = nn.BatchNorm1d(4).double().eval()
    with rtorch.no_grad():
        bn1.running_mean.copy_(rtorch.tensor(rng.standard_normal(4)))
    z = rtorch.tensor(rng.standard_normal((5, 3)))
    assert_close(nn.utils.fuse_linear_bn_eval(lin, bn1)(z), bn1(lin(z)), rtol=1e-10, atol=1e-10)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        nn.utils.fuse_conv_bn_eval(conv.train(), bn)


def test_clip_grads_with_norm_and_deprecated_clip_grad_norm():
    p = nn.Parameter(rtorch.ones(4))
    p.grad = rtorch.full((4,), 3.0)
    total = nn.utils.get_total_norm([p.grad])
    nn.utils.clip_grads_with_norm_([p], 1.0, total)
    assert_close(p.grad, np.full(4, 3.0 / (6.0 + 1e-6), np.float32), rtol=1e-6, atol=1e-7)
    p.grad = rtorch.full((4,), 3.0)
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        norm = nn.utils.clip_grad_norm(p, 1.0)
    assert abs(float(norm) - 6.0) < 1e-6 and abs(float(p.grad.norm()) - 1.0) < 1e-5
    m = nn.utils.skip_init(nn.Linear, 3, 2)
    assert m.weight.shape == (2, 3)
    with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
        nn.utils.skip_init(nn.ReLU)


def test_clip_grad_norm_reads_a_generator_once():
    m = nn.Linear(3, 2)
    for p in m.parameters():
        p.grad = rtorch.full(p.shape, 10.0)
    nn.utils.clip_grad_norm_(m.parameters(), 1.0)  # a generator, as in training loops
    assert abs(float(nn.utils.get_total_norm([p.grad for p in m.parameters()])) - 1.0) < 1e-4

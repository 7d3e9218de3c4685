"""The fused layer_norm kernel (forward and backward) against NumPy, finite differences and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch as torch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck


def ref(x, k, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


@settings(max_examples=60, deadline=None)
@given(
    lead=st.lists(st.integers(0, 4), min_size=0, max_size=2),
    norm=st.lists(st.integers(1, 9), min_size=1, max_size=2),
    dtype=st.sampled_from(["float32", "float64", "float16", "bfloat16"]),
    affine=st.sampled_from(["none", "weight", "both", "bias"]),
    transpose=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_forward_matches_numpy(lead, norm, dtype, affine, transpose, seed):
    g = np.random.default_rng(seed)
    x = g.standard_normal(lead + norm) * 3 + 1
    w = g.standard_normal(norm) if affine in ("weight", "both") else None
    b = g.standard_normal(norm) if affine in ("bias", "both") else None
    dt = getattr(torch, dtype)
    t = torch.tensor(x, dtype=torch.float64).to(dt)
    if transpose and t.ndim >= 2:  # a non-contiguous input with the same values
        t = t.transpose(0, 1).contiguous().transpose(0, 1)
    cast = lambda a: None if a is None else torch.tensor(a, dtype=torch.float64).to(dt)
    y = F.layer_norm(t, norm, cast(w), cast(b))
    assert y.dtype == dt and tuple(y.shape) == tuple(lead + norm)
    xr = t.double().numpy()  # the rounded input the kernel saw
    wr = None if w is None else cast(w).double().numpy()
    br = None if b is None else cast(b).double().numpy()
    tol = {"float32": 1e-5, "float64": 1e-12, "float16": 4e-3, "bfloat16": 3e-2}[dtype]
    np.testing.assert_allclose(y.double().numpy(), ref(xr, len(norm), wr, br), rtol=tol, atol=tol * 4)


def test_large_offset_rows_stay_accurate():
    # A row with |mean| >> std: E[x^2] - E[x]^2 would lose every digit in float32.
    x = (np.random.default_rng(0).standard_normal((4, 1000)) + 3e3).astype(np.float32)
    y = F.layer_norm(torch.from_numpy(x), (1000,))
    np.testing.assert_allclose(y.numpy(), ref(x.astype(np.float64), 1), atol=2e-4)
    with np.errstate(invalid="ignore", divide="ignore"):  # the naive variance can even be <= 0
        naive = (x - x.mean(1, keepdims=True)) / np.sqrt((x * x).mean(1, keepdims=True) - x.mean(1, keepdims=True) ** 2)
    assert np.abs(naive - ref(x.astype(np.float64), 1)).max() > 1e-2  # the test would catch that formula


@pytest.mark.parametrize("affine", ["none", "weight", "both"])
@pytest.mark.parametrize("norm", [(5,), (2, 3)])
def test_gradients_match_finite_differences(affine, norm):
    g = np.random.default_rng(1)
    x = torch.tensor(g.standard_normal((3,) + norm), dtype=torch.float64, requires_grad=True)
    args = [x]
    if affine != "none":
        args.append(torch.tensor(g.standard_normal(norm), dtype=torch.float64, requires_grad=True))
    if affine == "both":
        args.append(torch.tensor(g.standard_normal(norm), dtype=torch.float64, requires_grad=True))
    fn = lambda *a: F.layer_norm(a[0], norm, *a[1:], eps=1e-3)
    assert gradcheck(fn, tuple(args))
    assert gradgradcheck(fn, tuple(args))  # the create_graph path (tensor ops)


def test_fused_backward_equals_the_differentiable_backward():
    g = np.random.default_rng(2)
    x = torch.tensor(g.standard_normal((6, 16)), requires_grad=True)
    w = torch.tensor(g.standard_normal(16), requires_grad=True)
    b = torch.tensor(g.standard_normal(16), requires_grad=True)
    gy = torch.tensor(g.standard_normal((6, 16)))
    y = F.layer_norm(x, (16,), w, b)
    fused = torch.autograd.grad(y, (x, w, b), gy, retain_graph=True)
    graph = torch.autograd.grad(y, (x, w, b), gy, create_graph=True)
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    for a, c in zip(fused, graph):
        np.testing.assert_allclose(a.numpy(), c.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_empty_rows_and_errors():
    assert F.layer_norm(torch.zeros(0, 4), (4,)).shape == (0, 4)
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(torch.zeros(2, 3), (4,))
    with pytest.raises(RuntimeError, match="weight"):
        F.layer_norm(torch.zeros(2, 3), (3,), torch.ones(4))
    with pytest.raises(RuntimeError, match="not implemented for int64"):
        F.layer_norm(torch.zeros(2, 3, dtype=torch.int64), (3,))


def test_matches_pytorch_when_installed():
    pt = pytest.importorskip("torch")
    g = np.random.default_rng(3)
    x, w, b = g.standard_normal((4, 7, 10)), g.standard_normal((7, 10)), g.standard_normal((7, 10))
    gy = g.standard_normal((4, 7, 10))
    outs = []
    for lib, fn in ((torch, F.layer_norm), (pt, pt.nn.functional.layer_norm)):
        xs, ws, bs = (lib.tensor(a, dtype=lib.float32, requires_grad=True) for a in (x, w, b))
        y = fn(xs, (7, 10), ws, bs)
        y.backward(lib.tensor(gy, dtype=lib.float32))
        outs.append([t.detach().numpy() for t in (y, xs.grad, ws.grad, bs.grad)])
    for a, c in zip(*outs):
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-5)

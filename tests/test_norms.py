"""The fused batch_norm / group_norm / rms_norm kernels (forward, backward, running statistics)
against NumPy, finite differences and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch as torch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck


# ------------------------------------------------------------------ NumPy references (float64)
def chan(p, ndim):
    return None if p is None else p.reshape((1, -1) + (1,) * (ndim - 2))


def affine(y, w, b, ndim):
    if w is not None:
        y = y * chan(w, ndim)
    if b is not None:
        y = y + chan(b, ndim)
    return y


def bn_ref(x, rm, rv, w, b, training, momentum=0.1, eps=1e-5):
    """(y, new running_mean, new running_var) as PyTorch defines them."""
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        mu = x.mean(axis=axes)
        var = ((x - chan(mu, x.ndim)) ** 2).mean(axis=axes)
        cnt = x.size // x.shape[1]
        if rm is not None:
            rm = (1 - momentum) * rm + momentum * mu
        if rv is not None:
            rv = (1 - momentum) * rv + momentum * var * cnt / (cnt - 1)
    else:
        mu, var = rm, rv
    y = (x - chan(mu, x.ndim)) / np.sqrt(chan(var, x.ndim) + eps)
    return affine(y, w, b, x.ndim), rm, rv


def gn_ref(x, g, w, b, eps=1e-5):
    r = x.reshape(x.shape[0], g, -1)
    mu = r.mean(-1, keepdims=True)
    var = ((r - mu) ** 2).mean(-1, keepdims=True)
    return affine(((r - mu) / np.sqrt(var + eps)).reshape(x.shape), w, b, x.ndim)


def rms_ref(x, k, w, eps):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y if w is None else y * w


def noncontig(t, how):
    """A view with the same values as t but not contiguous."""
    if how == "transpose" and t.ndim >= 2:
        return t.transpose(0, 1).contiguous().transpose(0, 1)
    if how == "step":
        big = torch.zeros(*t.shape[:-1], 2 * t.shape[-1], dtype=t.dtype)
        big[..., ::2] = t
        return big[..., ::2]
    return t


TOL = {"float32": 2e-5, "float64": 1e-11, "float16": 5e-3, "bfloat16": 4e-2}

shapes = st.tuples(
    st.integers(1, 4),                                # N
    st.integers(1, 4),                                # groups
    st.integers(1, 3),                                # channels per group
    st.lists(st.integers(1, 5), min_size=0, max_size=2),  # spatial dims (1-sized included)
)


@settings(max_examples=80, deadline=None)
@given(shape=shapes, dtype=st.sampled_from(["float32", "float64", "float16", "bfloat16"]),
       aff=st.sampled_from(["none", "weight", "bias", "both"]), layout=st.sampled_from(["plain", "transpose", "step"]),
       training=st.booleans(), momentum=st.sampled_from([0.1, 0.5, 1.0, 0.0]), seed=st.integers(0, 2**16))
def test_batch_norm_matches_numpy(shape, dtype, aff, layout, training, momentum, seed):
    n, g, cpg, sp = shape
    c = g * cpg
    xs = (n, c, *sp)
    if training and n * int(np.prod(sp)) <= 1:
        n, xs = 2, (2, c, *sp)
    r = np.random.default_rng(seed)
    dt = getattr(torch, dtype)
    x = noncontig(torch.tensor(r.standard_normal(xs) * 2 + 0.5, dtype=torch.float64).to(dt), layout)
    w = torch.tensor(r.standard_normal(c), dtype=torch.float64).to(dt) if aff in ("weight", "both") else None
    b = torch.tensor(r.standard_normal(c), dtype=torch.float64).to(dt) if aff in ("bias", "both") else None
    rm0, rv0 = r.standard_normal(c), r.random(c) + 0.5
    rm, rv = torch.tensor(rm0, dtype=torch.float32), torch.tensor(rv0, dtype=torch.float32)
    y = F.batch_norm(x, rm, rv, w, b, training, momentum)
    assert y.dtype == dt and tuple(y.shape) == xs
    d = lambda t: None if t is None else t.double().numpy()
    ey, erm, erv = bn_ref(d(x), rm0.astype(np.float32).astype(np.float64), rv0.astype(np.float32).astype(np.float64),
                          d(w), d(b), training, momentum)
    tol = TOL[dtype]
    np.testing.assert_allclose(y.double().numpy(), ey, rtol=tol, atol=tol * 4)
    np.testing.assert_allclose(rm.numpy(), erm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rv.numpy(), erv, rtol=1e-5, atol=1e-6)


@settings(max_examples=80, deadline=None)
@given(shape=shapes, dtype=st.sampled_from(["float32", "float64", "float16", "bfloat16"]),
       aff=st.sampled_from(["none", "weight", "bias", "both"]), layout=st.sampled_from(["plain", "transpose", "step"]),
       seed=st.integers(0, 2**16))
def test_group_norm_matches_numpy(shape, dtype, aff, layout, seed):
    n, g, cpg, sp = shape
    c = g * cpg
    r = np.random.default_rng(seed)
    dt = getattr(torch, dtype)
    x = noncontig(torch.tensor(r.standard_normal((n, c, *sp)) * 3 - 1, dtype=torch.float64).to(dt), layout)
    w = torch.tensor(r.standard_normal(c), dtype=torch.float64).to(dt) if aff in ("weight", "both") else None
    b = torch.tensor(r.standard_normal(c), dtype=torch.float64).to(dt) if aff in ("bias", "both") else None
    y = F.group_norm(x, g, w, b)
    assert y.dtype == dt and tuple(y.shape) == (n, c, *sp)
    d = lambda t: None if t is None else t.double().numpy()
    tol = TOL[dtype]
    np.testing.assert_allclose(y.double().numpy(), gn_ref(d(x), g, d(w), d(b)), rtol=tol, atol=tol * 4)


@settings(max_examples=80, deadline=None)
@given(lead=st.lists(st.integers(0, 4), min_size=0, max_size=2), norm=st.lists(st.integers(1, 9), min_size=1, max_size=2),
       dtype=st.sampled_from(["float32", "float64", "float16", "bfloat16"]), weight=st.booleans(),
       layout=st.sampled_from(["plain", "transpose", "step"]), eps=st.sampled_from([None, 1e-5, 0.1]),
       seed=st.integers(0, 2**16))
def test_rms_norm_matches_numpy(lead, norm, dtype, weight, layout, eps, seed):
    r = np.random.default_rng(seed)
    dt = getattr(torch, dtype)
    x = noncontig(torch.tensor(r.standard_normal(lead + norm) * 2 + 1, dtype=torch.float64).to(dt), layout)
    w = torch.tensor(r.standard_normal(norm), dtype=torch.float64).to(dt) if weight else None
    y = F.rms_norm(x, norm, w, eps)
    assert y.dtype == dt and tuple(y.shape) == tuple(lead + norm)
    e = F._finfo_eps(dt) if eps is None else eps
    tol = TOL[dtype]
    ref = rms_ref(x.double().numpy(), len(norm), None if w is None else w.double().numpy(), e)
    np.testing.assert_allclose(y.double().numpy(), ref, rtol=tol, atol=tol * 4)


def test_large_offset_channels_stay_accurate():
    # |mean| >> std per channel: E[x^2] - E[x]^2 would lose every digit in float32.
    x = (np.random.default_rng(0).standard_normal((8, 3, 40)) + 3e3).astype(np.float32)
    y = F.batch_norm(torch.from_numpy(x), None, None, training=True)
    np.testing.assert_allclose(y.numpy(), bn_ref(x.astype(np.float64), None, None, None, None, True)[0], atol=3e-4)
    y = F.group_norm(torch.from_numpy(x), 3)
    np.testing.assert_allclose(y.numpy(), gn_ref(x.astype(np.float64), 3, None, None), atol=3e-4)


# ------------------------------------------------------------------ gradients
def params(r, c, aff):
    ps = []
    if aff in ("weight", "both"):
        ps.append(torch.tensor(r.standard_normal(c), dtype=torch.float64, requires_grad=True))
    if aff == "both":
        ps.append(torch.tensor(r.standard_normal(c), dtype=torch.float64, requires_grad=True))
    return ps


CASES = [
    ("batch_train", (3, 4, 2, 3)), ("batch_train", (5, 3)), ("batch_eval", (2, 3, 4)),
    ("group", (2, 6, 2, 2)), ("group", (3, 4)), ("group1", (2, 3, 5)), ("rms", (3, 2, 5)),
]


def make_fn(kind, c, aff):
    has_w, has_b = aff in ("weight", "both"), aff == "both"

    def fn(x, *ps):
        w = ps[0] if has_w else None
        b = ps[1] if has_b else None
        if kind == "batch_train":
            return F.batch_norm(x, None, None, w, b, training=True, eps=1e-3)
        if kind == "batch_eval":
            rm = torch.tensor(np.linspace(-1, 1, c), dtype=torch.float64)
            rv = torch.tensor(np.linspace(0.5, 2, c), dtype=torch.float64)
            return F.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)
        if kind in ("group", "group1"):
            return F.group_norm(x, 2 if kind == "group" else 1, w, b, eps=1e-3)
        return F.rms_norm(x, tuple(x.shape[-2:]), None if w is None else w.reshape(x.shape[-2:]), eps=1e-3)
    return fn


@pytest.mark.parametrize("kind,shape,aff", [(k, s, a) for k, s in CASES for a in ("none", "weight", "both")
                                            if not (k == "rms" and a == "both")])  # rms_norm has no bias
def test_gradcheck_and_gradgradcheck(kind, shape, aff):
    r = np.random.default_rng(7)
    c = shape[-2] * shape[-1] if kind == "rms" else shape[1]
    x = torch.tensor(r.standard_normal(shape), dtype=torch.float64, requires_grad=True)
    args = (x, *params(r, c, aff))
    fn = make_fn(kind, c, aff)
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)  # the create_graph path (tensor ops)


@pytest.mark.parametrize("kind,shape", CASES)
def test_fused_backward_equals_differentiable_backward(kind, shape):
    r = np.random.default_rng(8)
    c = shape[-2] * shape[-1] if kind == "rms" else shape[1]
    x = torch.tensor(r.standard_normal(shape), dtype=torch.float64, requires_grad=True)
    args = (x, *params(r, c, "weight" if kind == "rms" else "both"))
    y = make_fn(kind, c, "weight" if kind == "rms" else "both")(*args)
    gy = torch.tensor(r.standard_normal(shape))
    fused = torch.autograd.grad(y, args, gy, retain_graph=True)
    graph = torch.autograd.grad(y, args, gy, create_graph=True)
    for a, b in zip(fused, graph):
        assert a.shape == b.shape
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-10)


def test_noncontiguous_upstream_gradient_and_inputs():
    r = np.random.default_rng(9)
    x = noncontig(torch.tensor(r.standard_normal((4, 6, 3, 2))), "transpose").requires_grad_(True)
    w = torch.tensor(r.standard_normal(6), requires_grad=True)
    for fn in (lambda x: F.group_norm(x, 3, w), lambda x: F.batch_norm(x, None, None, w, training=True),
               lambda x: F.rms_norm(x, (3, 2))):
        y = fn(x)
        ins = (x, w) if y.grad_fn.name().startswith("Native") else (x,)
        # the gradient of sum() is a stride-0 expansion of one value
        got = torch.autograd.grad(y.sum() * 3.0, ins)
        want = torch.autograd.grad(fn(x), ins, torch.full(tuple(y.shape), 3.0, dtype=torch.float64))
        for u, v in zip(got, want):
            np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16bit_backward(dtype):
    r = np.random.default_rng(10)
    dt = getattr(torch, dtype)
    x64 = r.standard_normal((4, 6, 5))
    gy = r.standard_normal((4, 6, 5))
    for fn in (lambda x, w: F.batch_norm(x, None, None, w, training=True), lambda x, w: F.group_norm(x, 2, w),
               lambda x, w: F.rms_norm(x, (5,), w[:5])):
        x = torch.tensor(x64, dtype=torch.float64).to(dt).requires_grad_(True)
        w = torch.tensor(np.linspace(0.5, 1.5, 6)).to(dt).requires_grad_(True)
        gx, gw = torch.autograd.grad(fn(x, w), (x, w), torch.tensor(gy).to(dt))
        assert gx.dtype == dt and gw.dtype == dt
        xr = x.detach().double().requires_grad_(True)
        wr = w.detach().double().requires_grad_(True)
        ex, ew = torch.autograd.grad(fn(xr, wr), (xr, wr), torch.tensor(gy).to(dt).double())
        tol = 2e-2 if dtype == "float16" else 1.5e-1
        np.testing.assert_allclose(gx.double().numpy(), ex.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(gw.double().numpy(), ew.numpy(), rtol=tol, atol=tol)


# ------------------------------------------------------------------ grad_fn names, errors, modules
def test_grad_fn_names_match_pytorch():
    x = torch.randn(3, 4, 2, requires_grad=True)
    assert F.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.batch_norm(x, torch.zeros(4), torch.ones(4)).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.group_norm(x, 2).grad_fn.name() == "NativeGroupNormBackward0"
    assert F.rms_norm(x, (2,)).grad_fn.name() == "MulBackward0"  # PyTorch's CPU rms_norm is composite
    with torch.no_grad():
        assert F.group_norm(x, 2).grad_fn is None


def test_errors():
    x = torch.randn(2, 4, 3)
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(x, 3)
    with pytest.raises(RuntimeError, match="weight to have 4 elements"):
        F.group_norm(x, 2, torch.ones(3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(torch.randn(1, 3), None, None, training=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(x, torch.zeros(3), torch.ones(4))
    with pytest.raises(RuntimeError, match="must be given when training=False"):
        F.batch_norm(x, None, None)
    with pytest.raises(RuntimeError, match="same shape as normalized_shape"):
        F.rms_norm(x, (3,), torch.ones(1, 3))
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.rms_norm(x, (4,))
    xi = torch.zeros(2, 4, 3, dtype=torch.int64)
    for f in (lambda: F.group_norm(xi, 2), lambda: F.rms_norm(xi, (3,)), lambda: F.batch_norm(xi, None, None, training=True)):
        with pytest.raises(NotImplementedError, match="not implemented for int64"):
            f()
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        F.batch_norm(torch.randn(3), None, None, training=True)
    # native entry points check too (no panic on a bad call)
    with pytest.raises((RuntimeError, ValueError)):
        torch._rtorch.group_norm(x, 0)
    with pytest.raises((RuntimeError, ValueError)):
        torch._rtorch.batch_norm(x, torch.zeros(5), None, None, None, True)


def test_empty_inputs():
    assert F.group_norm(torch.zeros(0, 4, 3), 2).shape == (0, 4, 3)
    assert F.rms_norm(torch.zeros(0, 4), (4,)).shape == (0, 4)
    assert F.batch_norm(torch.zeros(0, 4, 3), torch.zeros(4), torch.ones(4)).shape == (0, 4, 3)


def test_running_stats_keep_buffer_dtype_and_skip_autograd():
    x = torch.randn(6, 3, 4, requires_grad=True)
    rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    y = F.batch_norm(x, rm, rv, training=True, momentum=0.3)
    assert rm.dtype == torch.float64 and rv.dtype == torch.float64 and rm.grad_fn is None
    ey, erm, erv = bn_ref(x.detach().double().numpy(), np.zeros(3), np.ones(3), None, None, True, 0.3)
    np.testing.assert_allclose(rm.numpy(), erm, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(rv.numpy(), erv, rtol=1e-6, atol=1e-7)
    y.sum().backward()
    assert x.grad is not None


# ------------------------------------------------------------------ PyTorch parity
def run_both(pt, build, arrays, gy, dtype="float32"):
    outs = []
    for lib in (torch, pt):
        ts = [lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True) for a in arrays]
        y, extra = build(lib, *ts)
        grads = lib.autograd.grad(y, ts, lib.tensor(gy, dtype=getattr(lib, dtype)))
        outs.append(([y.detach().numpy()] + [g.numpy() for g in grads] + [e.numpy() for e in extra],
                     type(y.grad_fn).__name__ if lib is pt else y.grad_fn.name()))
    return outs


@pytest.mark.parametrize("shape", [(4, 6, 5, 3), (8, 6), (2, 6, 1, 1), (3, 6, 7)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_matches_pytorch(shape, training):
    pt = pytest.importorskip("torch")
    r = np.random.default_rng(11)
    x, w, b, gy = r.standard_normal(shape), r.standard_normal(6), r.standard_normal(6), r.standard_normal(shape)
    rm0, rv0 = r.standard_normal(6), r.random(6) + 0.5

    def build(lib, x, w, b):
        rm, rv = lib.tensor(rm0, dtype=lib.float32), lib.tensor(rv0, dtype=lib.float32)
        return lib.nn.functional.batch_norm(x, rm, rv, w, b, training, 0.2, 1e-4), (rm, rv)
    (a, na), (c, nc) = run_both(pt, build, (x, w, b), gy)
    assert na == nc == "NativeBatchNormBackward0"
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("shape,groups", [((4, 6, 5, 3), 3), ((8, 6), 2), ((2, 6, 1, 1), 6), ((3, 6, 7), 1)])
def test_group_norm_matches_pytorch(shape, groups):
    pt = pytest.importorskip("torch")
    r = np.random.default_rng(12)
    x, w, b, gy = r.standard_normal(shape), r.standard_normal(6), r.standard_normal(6), r.standard_normal(shape)
    build = lambda lib, x, w, b: (lib.nn.functional.group_norm(x, groups, w, b, 1e-4), ())
    (a, na), (c, nc) = run_both(pt, build, (x, w, b), gy)
    assert na == nc == "NativeGroupNormBackward0"
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("shape,k", [((4, 6, 5), 1), ((3, 4, 5), 2), ((7,), 1)])
def test_rms_norm_matches_pytorch(shape, k):
    pt = pytest.importorskip("torch")
    r = np.random.default_rng(13)
    x, w, gy = r.standard_normal(shape), r.standard_normal(shape[len(shape) - k:]), r.standard_normal(shape)
    build = lambda lib, x, w: (lib.nn.functional.rms_norm(x, shape[len(shape) - k:], w), ())
    (a, na), (c, nc) = run_both(pt, build, (x, w), gy)
    assert na == nc
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("momentum", [None, 0.3])
def test_batchnorm_module_running_stats_match_pytorch(momentum):
    pt = pytest.importorskip("torch")
    r = np.random.default_rng(14)
    mods = [lib.nn.BatchNorm2d(5, momentum=momentum) for lib in (torch, pt)]
    for step in range(3):
        x = r.standard_normal((4, 5, 3, 2)) * (step + 1) + step
        outs = [m(lib.tensor(x, dtype=lib.float32)).detach().numpy() for m, lib in zip(mods, (torch, pt))]
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-4, atol=1e-5)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(mods[0], name).numpy(), getattr(mods[1], name).numpy(), rtol=1e-5, atol=1e-6)
    for m in mods:
        m.eval()
    x = r.standard_normal((2, 5, 3, 2))
    outs = [m(lib.tensor(x, dtype=lib.float32)).detach().numpy() for m, lib in zip(mods, (torch, pt))]
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-4, atol=1e-5)


def test_group_norm_and_rms_norm_modules_match_pytorch():
    pt = pytest.importorskip("torch")
    r = np.random.default_rng(15)
    x = r.standard_normal((3, 8, 4))
    for make in (lambda lib: lib.nn.GroupNorm(4, 8), lambda lib: lib.nn.RMSNorm(4), lambda lib: lib.nn.RMSNorm([8, 4], eps=1e-3)):
        outs = []
        for lib in (torch, pt):
            m = make(lib)
            with lib.no_grad():
                for p in m.parameters():
                    p.copy_(lib.tensor(np.linspace(0.5, 1.5, p.numel()).reshape(tuple(p.shape)), dtype=lib.float32))
            xt = lib.tensor(x, dtype=lib.float32, requires_grad=True)
            y = m(xt)
            (y * y).sum().backward()
            outs.append([y.detach().numpy(), xt.grad.numpy()] + [p.grad.numpy() for p in m.parameters()])
        for u, v in zip(*outs):
            np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)

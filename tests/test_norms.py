"""Normalization layers: the fused batch_norm / group_norm / rms_norm / layer_norm kernels (forward, backward,
running statistics) and their modules, against NumPy, finite differences and PyTorch (parity tests skipped
without it)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from rtorch.nn._functional.norm import _finfo_eps
from helpers import assert_close, n, noncontig, np_layer_norm, t, to_torch
from torch_ref import assert_grads_close, load_state, module_state, param_grads, torch_ref


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


def gn_ref(x, g, w=None, b=None, eps=1e-5):
    r = x.reshape(x.shape[0], g, -1)
    mu = r.mean(-1, keepdims=True)
    var = ((r - mu) ** 2).mean(-1, keepdims=True)
    return affine(((r - mu) / np.sqrt(var + eps)).reshape(x.shape), w, b, x.ndim)


def rms_ref(x, k, w=None, eps=1e-6):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y if w is None else y * w


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
    dt = getattr(rtorch, dtype)
    x = noncontig(rtorch.tensor(r.standard_normal(xs) * 2 + 0.5, dtype=rtorch.float64).to(dt), layout)
    w = rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64).to(dt) if aff in ("weight", "both") else None
    b = rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64).to(dt) if aff in ("bias", "both") else None
    rm0, rv0 = r.standard_normal(c), r.random(c) + 0.5
    rm, rv = rtorch.tensor(rm0, dtype=rtorch.float32), rtorch.tensor(rv0, dtype=rtorch.float32)
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
    dt = getattr(rtorch, dtype)
    x = noncontig(rtorch.tensor(r.standard_normal((n, c, *sp)) * 3 - 1, dtype=rtorch.float64).to(dt), layout)
    w = rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64).to(dt) if aff in ("weight", "both") else None
    b = rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64).to(dt) if aff in ("bias", "both") else None
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
    dt = getattr(rtorch, dtype)
    x = noncontig(rtorch.tensor(r.standard_normal(lead + norm) * 2 + 1, dtype=rtorch.float64).to(dt), layout)
    w = rtorch.tensor(r.standard_normal(norm), dtype=rtorch.float64).to(dt) if weight else None
    y = F.rms_norm(x, norm, w, eps)
    assert y.dtype == dt and tuple(y.shape) == tuple(lead + norm)
    e = _finfo_eps(dt) if eps is None else eps
    tol = TOL[dtype]
    ref = rms_ref(x.double().numpy(), len(norm), None if w is None else w.double().numpy(), e)
    np.testing.assert_allclose(y.double().numpy(), ref, rtol=tol, atol=tol * 4)


def test_large_offset_channels_stay_accurate():
    # |mean| >> std per channel: E[x^2] - E[x]^2 would lose every digit in float32.
    x = (np.random.default_rng(0).standard_normal((8, 3, 40)) + 3e3).astype(np.float32)
    y = F.batch_norm(rtorch.from_numpy(x), None, None, training=True)
    np.testing.assert_allclose(y.numpy(), bn_ref(x.astype(np.float64), None, None, None, None, True)[0], atol=3e-4)
    y = F.group_norm(rtorch.from_numpy(x), 3)
    np.testing.assert_allclose(y.numpy(), gn_ref(x.astype(np.float64), 3, None, None), atol=3e-4)


# ------------------------------------------------------------------ gradients
def params(r, c, aff):
    ps = []
    if aff in ("weight", "both"):
        ps.append(rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64, requires_grad=True))
    if aff == "both":
        ps.append(rtorch.tensor(r.standard_normal(c), dtype=rtorch.float64, requires_grad=True))
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
            rm = rtorch.tensor(np.linspace(-1, 1, c), dtype=rtorch.float64)
            rv = rtorch.tensor(np.linspace(0.5, 2, c), dtype=rtorch.float64)
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
    x = rtorch.tensor(r.standard_normal(shape), dtype=rtorch.float64, requires_grad=True)
    args = (x, *params(r, c, aff))
    fn = make_fn(kind, c, aff)
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)  # the create_graph path (tensor ops)


@pytest.mark.parametrize("kind,shape", CASES)
def test_fused_backward_equals_differentiable_backward(kind, shape):
    r = np.random.default_rng(8)
    c = shape[-2] * shape[-1] if kind == "rms" else shape[1]
    x = rtorch.tensor(r.standard_normal(shape), dtype=rtorch.float64, requires_grad=True)
    args = (x, *params(r, c, "weight" if kind == "rms" else "both"))
    y = make_fn(kind, c, "weight" if kind == "rms" else "both")(*args)
    gy = rtorch.tensor(r.standard_normal(shape))
    fused = rtorch.autograd.grad(y, args, gy, retain_graph=True)
    graph = rtorch.autograd.grad(y, args, gy, create_graph=True)
    for a, b in zip(fused, graph):
        assert a.shape == b.shape
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-10)


def test_noncontiguous_upstream_gradient_and_inputs():
    r = np.random.default_rng(9)
    x = noncontig(rtorch.tensor(r.standard_normal((4, 6, 3, 2))), "transpose").requires_grad_(True)
    w = rtorch.tensor(r.standard_normal(6), requires_grad=True)
    for fn in (lambda x: F.group_norm(x, 3, w), lambda x: F.batch_norm(x, None, None, w, training=True),
               lambda x: F.rms_norm(x, (3, 2))):
        y = fn(x)
        ins = (x, w) if y.grad_fn.name().startswith("Native") else (x,)
        # the gradient of sum() is a stride-0 expansion of one value
        got = rtorch.autograd.grad(y.sum() * 3.0, ins)
        want = rtorch.autograd.grad(fn(x), ins, rtorch.full(tuple(y.shape), 3.0, dtype=rtorch.float64))
        for u, v in zip(got, want):
            np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16bit_backward(dtype):
    r = np.random.default_rng(10)
    dt = getattr(rtorch, dtype)
    x64 = r.standard_normal((4, 6, 5))
    gy = r.standard_normal((4, 6, 5))
    for fn in (lambda x, w: F.batch_norm(x, None, None, w, training=True), lambda x, w: F.group_norm(x, 2, w),
               lambda x, w: F.rms_norm(x, (5,), w[:5])):
        x = rtorch.tensor(x64, dtype=rtorch.float64).to(dt).requires_grad_(True)
        w = rtorch.tensor(np.linspace(0.5, 1.5, 6)).to(dt).requires_grad_(True)
        gx, gw = rtorch.autograd.grad(fn(x, w), (x, w), rtorch.tensor(gy).to(dt))
        assert gx.dtype == dt and gw.dtype == dt
        xr = x.detach().double().requires_grad_(True)
        wr = w.detach().double().requires_grad_(True)
        ex, ew = rtorch.autograd.grad(fn(xr, wr), (xr, wr), rtorch.tensor(gy).to(dt).double())
        tol = 2e-2 if dtype == "float16" else 1.5e-1
        np.testing.assert_allclose(gx.double().numpy(), ex.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(gw.double().numpy(), ew.numpy(), rtol=tol, atol=tol)


# ------------------------------------------------------------------ grad_fn names, errors, modules
def test_grad_fn_names_match_pytorch():
    x = rtorch.randn(3, 4, 2, requires_grad=True)
    assert F.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.batch_norm(x, rtorch.zeros(4), rtorch.ones(4)).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.group_norm(x, 2).grad_fn.name() == "NativeGroupNormBackward0"
    assert F.rms_norm(x, (2,)).grad_fn.name() == "MulBackward0"  # PyTorch's CPU rms_norm is composite
    with rtorch.no_grad():
        assert F.group_norm(x, 2).grad_fn is None


def test_errors():
    x = rtorch.randn(2, 4, 3)
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(x, 3)
    with pytest.raises(RuntimeError, match="weight to have 4 elements"):
        F.group_norm(x, 2, rtorch.ones(3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(rtorch.randn(1, 3), None, None, training=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(x, rtorch.zeros(3), rtorch.ones(4))
    with pytest.raises(RuntimeError, match="must be given when training=False"):
        F.batch_norm(x, None, None)
    with pytest.raises(RuntimeError, match="same shape as normalized_shape"):
        F.rms_norm(x, (3,), rtorch.ones(1, 3))
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.rms_norm(x, (4,))
    xi = rtorch.zeros(2, 4, 3, dtype=rtorch.int64)
    for f in (lambda: F.group_norm(xi, 2), lambda: F.rms_norm(xi, (3,)), lambda: F.batch_norm(xi, None, None, training=True)):
        with pytest.raises(NotImplementedError, match="not implemented for int64"):
            f()
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        F.batch_norm(rtorch.randn(3), None, None, training=True)
    # native entry points check too (no panic on a bad call)
    with pytest.raises((RuntimeError, ValueError)):
        rtorch._rtorch.group_norm(x, 0)
    with pytest.raises((RuntimeError, ValueError)):
        rtorch._rtorch.batch_norm(x, rtorch.zeros(5), None, None, None, True)


def test_empty_inputs():
    assert F.group_norm(rtorch.zeros(0, 4, 3), 2).shape == (0, 4, 3)
    assert F.rms_norm(rtorch.zeros(0, 4), (4,)).shape == (0, 4)
    assert F.batch_norm(rtorch.zeros(0, 4, 3), rtorch.zeros(4), rtorch.ones(4)).shape == (0, 4, 3)


def test_running_stats_keep_buffer_dtype_and_skip_autograd():
    x = rtorch.randn(6, 3, 4, requires_grad=True)
    rm, rv = rtorch.zeros(3, dtype=rtorch.float64), rtorch.ones(3, dtype=rtorch.float64)
    y = F.batch_norm(x, rm, rv, training=True, momentum=0.3)
    assert rm.dtype == rtorch.float64 and rv.dtype == rtorch.float64 and rm.grad_fn is None
    ey, erm, erv = bn_ref(x.detach().double().numpy(), np.zeros(3), np.ones(3), None, None, True, 0.3)
    np.testing.assert_allclose(rm.numpy(), erm, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(rv.numpy(), erv, rtol=1e-6, atol=1e-7)
    y.sum().backward()
    assert x.grad is not None


# ------------------------------------------------------------------ PyTorch parity
def run_both(build, arrays, gy, dtype="float32"):
    def side(lib):
        ts = [lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True) for a in arrays]
        y, extra = build(lib, *ts)
        grads = lib.autograd.grad(y, ts, lib.tensor(gy, dtype=getattr(lib, dtype)))
        return ([y.detach().numpy()] + [g.numpy() for g in grads] + [e.numpy() for e in extra],
                y.grad_fn.name() if lib is rtorch else type(y.grad_fn).__name__)
    return side(rtorch), torch_ref(side)


@pytest.mark.parametrize("shape", [(4, 6, 5, 3), (8, 6), (2, 6, 1, 1), (3, 6, 7)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_matches_pytorch(shape, training):
    r = np.random.default_rng(11)
    x, w, b, gy = r.standard_normal(shape), r.standard_normal(6), r.standard_normal(6), r.standard_normal(shape)
    rm0, rv0 = r.standard_normal(6), r.random(6) + 0.5

    def build(lib, x, w, b):
        rm, rv = lib.tensor(rm0, dtype=lib.float32), lib.tensor(rv0, dtype=lib.float32)
        return lib.nn.functional.batch_norm(x, rm, rv, w, b, training, 0.2, 1e-4), (rm, rv)
    (a, na), (c, nc) = run_both(build, (x, w, b), gy)
    assert na == nc == "NativeBatchNormBackward0"
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("shape,groups", [((4, 6, 5, 3), 3), ((8, 6), 2), ((2, 6, 1, 1), 6), ((3, 6, 7), 1)])
def test_group_norm_matches_pytorch(shape, groups):
    r = np.random.default_rng(12)
    x, w, b, gy = r.standard_normal(shape), r.standard_normal(6), r.standard_normal(6), r.standard_normal(shape)
    build = lambda lib, x, w, b: (lib.nn.functional.group_norm(x, groups, w, b, 1e-4), ())
    (a, na), (c, nc) = run_both(build, (x, w, b), gy)
    assert na == nc == "NativeGroupNormBackward0"
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("shape,k", [((4, 6, 5), 1), ((3, 4, 5), 2), ((7,), 1)])
def test_rms_norm_matches_pytorch(shape, k):
    r = np.random.default_rng(13)
    x, w, gy = r.standard_normal(shape), r.standard_normal(shape[len(shape) - k:]), r.standard_normal(shape)
    build = lambda lib, x, w: (lib.nn.functional.rms_norm(x, shape[len(shape) - k:], w), ())
    (a, na), (c, nc) = run_both(build, (x, w), gy)
    assert na == nc
    for u, v in zip(a, c):
        np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("momentum", [None, 0.3])
def test_batchnorm_module_running_stats_match_pytorch(momentum):
    r = np.random.default_rng(14)
    xs = [r.standard_normal((4, 5, 3, 2)) * (step + 1) + step for step in range(3)] + [r.standard_normal((2, 5, 3, 2))]

    def side(lib):  # three training steps, the running statistics, one eval step
        m = lib.nn.BatchNorm2d(5, momentum=momentum)
        outs = [m(lib.tensor(x, dtype=lib.float32)).detach().numpy() for x in xs[:3]]
        stats = [getattr(m, name).numpy() for name in ("running_mean", "running_var", "num_batches_tracked")]
        m.eval()
        return outs + [m(lib.tensor(xs[3], dtype=lib.float32)).detach().numpy()], stats
    (outs, stats), (touts, tstats) = side(rtorch), torch_ref(side)
    for a, b in zip(outs, touts):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    for a, b in zip(stats, tstats):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_group_norm_and_rms_norm_modules_match_pytorch():
    r = np.random.default_rng(15)
    x = r.standard_normal((3, 8, 4))
    for make in (lambda lib: lib.nn.GroupNorm(4, 8), lambda lib: lib.nn.RMSNorm(4), lambda lib: lib.nn.RMSNorm([8, 4], eps=1e-3)):
        def side(lib):
            m = make(lib)
            with lib.no_grad():
                for p in m.parameters():
                    p.copy_(lib.tensor(np.linspace(0.5, 1.5, p.numel()).reshape(tuple(p.shape)), dtype=lib.float32))
            xt = lib.tensor(x, dtype=lib.float32, requires_grad=True)
            y = m(xt)
            (y * y).sum().backward()
            return [y.detach().numpy(), xt.grad.numpy()] + [p.grad.numpy() for p in m.parameters()]
        outs = side(rtorch), torch_ref(side)
        for u, v in zip(*outs):
            np.testing.assert_allclose(u, v, rtol=2e-4, atol=2e-5)


# ------------------------------------------------------------------ the modules: BatchNorm / GroupNorm / RMSNorm / LayerNorm
def np_batch_norm_train(x, w=None, b=None, eps=1e-5):
    """(y, batch mean, unbiased batch variance) of training-mode batch_norm: bn_ref with momentum 1 makes
    the new running statistics the batch's own."""
    c = x.shape[1]
    return bn_ref(x, np.zeros(c), np.zeros(c), w, b, True, momentum=1.0, eps=eps)


@pytest.mark.parametrize("cls,shape", [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (4, 3, 5)),
                                       (nn.BatchNorm2d, (2, 3, 4, 5))])
def test_batch_norm_training_and_running_stats(cls, shape, rng):
    bn = cls(3, momentum=0.3).double()
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == rtorch.int64 and int(bn.num_batches_tracked) == 0
    assert_close(bn.weight, np.ones(3), rtol=1e-6, atol=1e-8)
    assert_close(bn.bias, np.zeros(3), rtol=1e-6, atol=1e-8)
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    with rtorch.no_grad():
        bn.weight.copy_(t(w))
        bn.bias.copy_(t(b))
    rm, rv = np.zeros(3), np.ones(3)
    for step in range(3):
        x = rng.standard_normal(shape) * (step + 1) + step
        y_ref, mean, uvar = np_batch_norm_train(x, w, b)
        assert_close(bn(t(x)), y_ref, rtol=1e-6, atol=1e-8)
        rm, rv = 0.7 * rm + 0.3 * mean, 0.7 * rv + 0.3 * uvar  # running_var uses the unbiased variance
        assert_close(bn.running_mean, rm, rtol=1e-6, atol=1e-8)
        assert_close(bn.running_var, rv, rtol=1e-6, atol=1e-8)
    assert int(bn.num_batches_tracked) == 3 and bn.num_batches_tracked.dtype == rtorch.int64
    bn.eval()
    x = rng.standard_normal(shape)
    bshape = (1, 3) + (1,) * (len(shape) - 2)
    assert_close(bn(t(x)), (x - rm.reshape(bshape)) / np.sqrt(rv.reshape(bshape) + 1e-5) * w.reshape(bshape)
                 + b.reshape(bshape), rtol=1e-6, atol=1e-8)
    assert_close(bn.running_mean, rm, rtol=1e-6, atol=1e-8)  # eval leaves the buffers alone
    assert int(bn.num_batches_tracked) == 3


def test_batch_norm_cumulative_average_and_options(rng):
    bn = nn.BatchNorm1d(4, momentum=None, affine=False).double()
    assert list(bn.parameters()) == [] and bn.weight is None
    xs = [rng.standard_normal((5, 4)) + i for i in range(4)]
    for x in xs:
        y = bn(t(x))
    assert_close(y, np_batch_norm_train(xs[-1])[0], rtol=1e-6, atol=1e-8)
    assert_close(bn.running_mean, np.mean([x.mean(0) for x in xs], axis=0), rtol=1e-6, atol=1e-8)
    assert_close(bn.running_var, np.mean([x.var(0, ddof=1) for x in xs], axis=0), rtol=1e-6, atol=1e-8)
    bn.reset_running_stats()
    assert_close(bn.running_mean, np.zeros(4), rtol=1e-6, atol=1e-8)
    assert_close(bn.running_var, np.ones(4), rtol=1e-6, atol=1e-8)
    assert int(bn.num_batches_tracked) == 0

    # without running statistics, eval mode normalises with the batch statistics
    bn2 = nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    assert bn2.running_mean is None and list(bn2.state_dict()) == ["weight", "bias"]
    x = rng.standard_normal((3, 2, 2, 2))
    assert_close(bn2(t(x)), np_batch_norm_train(x)[0], rtol=1e-6, atol=1e-8)
    # .double()/.float() leave the int64 counter alone
    bn3 = nn.BatchNorm2d(2).double()
    assert bn3.running_mean.dtype == rtorch.float64 and bn3.num_batches_tracked.dtype == rtorch.int64
    assert repr(nn.BatchNorm2d(8)) == \
        "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"


def test_batch_norm_functional_gradcheck(rng):
    x = t(rng.standard_normal((4, 3, 2)), requires_grad=True)
    w = t(rng.standard_normal(3), requires_grad=True)
    b = t(rng.standard_normal(3), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    rm, rv = t(rng.standard_normal(3)), t(rng.random(3) + 0.5)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    y = F.batch_norm(t(rng.standard_normal((4, 3))), rm, rv, training=False, eps=0.0)
    assert tuple(y.shape) == (4, 3)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D"):
        nn.BatchNorm2d(3)(rtorch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D"):
        nn.BatchNorm1d(3)(rtorch.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\[1, 3\]"):
        nn.BatchNorm1d(3)(rtorch.zeros(1, 3))
    with pytest.raises(RuntimeError, match=r"running_mean should contain 3 elements not 4.*\[2, 3, 5\]"):
        nn.BatchNorm1d(4)(rtorch.zeros(2, 3, 5))
    with pytest.raises(RuntimeError, match="running_mean and running_var must be given"):
        F.batch_norm(rtorch.zeros(2, 3), None, None, training=False)


@pytest.mark.parametrize("shape,groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4), 4), ((2, 6, 2, 2), 1)])
def test_group_norm_forward(shape, groups, rng):
    gn = nn.GroupNorm(groups, shape[1]).double()
    assert list(gn.state_dict()) == ["weight", "bias"]
    w, b = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    with rtorch.no_grad():
        gn.weight.copy_(t(w))
        gn.bias.copy_(t(b))
    x = rng.standard_normal(shape) * 3 + 1
    assert_close(gn(t(x)), gn_ref(x, groups, w, b), rtol=1e-6, atol=1e-8)
    assert_close(nn.GroupNorm(groups, shape[1], affine=False, eps=0.1).double()(t(x)), gn_ref(x, groups, eps=0.1),
                 rtol=1e-6, atol=1e-8)


def test_group_norm_gradcheck_and_errors(rng):
    x = t(rng.standard_normal((2, 4, 3)), requires_grad=True)
    w = t(rng.standard_normal(4), requires_grad=True)
    b = t(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"divisible by num_groups.*\[2, 6, 3\].*num_groups=4"):
        F.group_norm(rtorch.zeros(2, 6, 3), 4)
    assert repr(nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True)"


def test_rms_norm_forward_and_default_eps(rng):
    m = nn.RMSNorm([3, 4], eps=1e-3).double()
    assert list(m.state_dict()) == ["weight"] and tuple(m.weight.shape) == (3, 4)
    w = rng.standard_normal((3, 4))
    with rtorch.no_grad():
        m.weight.copy_(t(w))
    x = rng.standard_normal((2, 3, 4))
    assert_close(m(t(x)), rms_ref(x, 2, w, 1e-3), rtol=1e-6, atol=1e-8)
    # eps=None is the dtype's machine epsilon: visible on inputs whose mean square is ~eps
    small = rng.standard_normal((5, 6)) * 1e-4
    got32 = F.rms_norm(t(small, rtorch.float32), (6,))
    np.testing.assert_allclose(n(got32), rms_ref(small, 1, eps=float(np.finfo(np.float32).eps)), rtol=1e-4)
    assert not np.allclose(n(got32), rms_ref(small, 1, eps=1e-6), rtol=1e-2)
    tiny = small * 1e-6
    assert_close(F.rms_norm(t(tiny), 6), rms_ref(tiny, 1, eps=float(np.finfo(np.float64).eps)), rtol=1e-6, atol=1e-8)
    assert repr(nn.RMSNorm(4)) == "RMSNorm((4,), eps=None, elementwise_affine=True)"
    assert list(nn.RMSNorm(4, elementwise_affine=False).parameters()) == []


def test_rms_norm_gradcheck_and_errors(rng):
    x = t(rng.standard_normal((3, 4)), requires_grad=True)
    w = t(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w, 1e-5), (x, w))
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[5\].*\[3, 4\]"):
        F.rms_norm(rtorch.zeros(3, 4), (5,))


def test_layer_norm_forward_and_grad(rng):
    ln = nn.LayerNorm(6)
    assert np.all(n(ln.weight) == 1) and np.all(n(ln.bias) == 0)
    with rtorch.no_grad():
        ln.weight.copy_(t(rng.standard_normal(6), rtorch.float32))
        ln.bias.copy_(t(rng.standard_normal(6), rtorch.float32))
    x = rng.standard_normal((3, 4, 6)) * 2 + 1
    assert_close(ln(t(x, rtorch.float32)), np_layer_norm(x, 1, n(ln.weight), n(ln.bias)), atol=1e-5,
                 dtype=rtorch.float32)
    ln2 = nn.LayerNorm([4, 6], elementwise_affine=False)
    assert list(ln2.parameters()) == []
    assert_close(ln2(t(x, rtorch.float32)), np_layer_norm(x, 2), atol=1e-5, dtype=rtorch.float32)
    xt = t(x, rtorch.float32, requires_grad=True)
    ln(xt).sum().backward()
    # the sum over the normalised dim is invariant, so dL/dx through y_hat sums to ~0
    assert xt.grad is not None and tuple(xt.grad.shape) == (3, 4, 6)
    assert_close(ln.bias.grad, np.full(6, 12.0), atol=1e-4, dtype=rtorch.float32)


# ------------------------------------------------------------------ layer_norm (fused kernel)
@settings(max_examples=60, deadline=None)
@given(
    lead=st.lists(st.integers(0, 4), min_size=0, max_size=2),
    norm=st.lists(st.integers(1, 9), min_size=1, max_size=2),
    dtype=st.sampled_from(["float32", "float64", "float16", "bfloat16"]),
    affine=st.sampled_from(["none", "weight", "both", "bias"]),
    transpose=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_layer_norm_matches_numpy(lead, norm, dtype, affine, transpose, seed):
    g = np.random.default_rng(seed)
    x = g.standard_normal(lead + norm) * 3 + 1
    w = g.standard_normal(norm) if affine in ("weight", "both") else None
    b = g.standard_normal(norm) if affine in ("bias", "both") else None
    dt = getattr(rtorch, dtype)
    t = rtorch.tensor(x, dtype=rtorch.float64).to(dt)
    if transpose and t.ndim >= 2:  # a non-contiguous input with the same values
        t = t.transpose(0, 1).contiguous().transpose(0, 1)
    cast = lambda a: None if a is None else rtorch.tensor(a, dtype=rtorch.float64).to(dt)
    y = F.layer_norm(t, norm, cast(w), cast(b))
    assert y.dtype == dt and tuple(y.shape) == tuple(lead + norm)
    xr = t.double().numpy()  # the rounded input the kernel saw
    wr = None if w is None else cast(w).double().numpy()
    br = None if b is None else cast(b).double().numpy()
    tol = {"float32": 1e-5, "float64": 1e-12, "float16": 4e-3, "bfloat16": 3e-2}[dtype]
    np.testing.assert_allclose(y.double().numpy(), np_layer_norm(xr, len(norm), wr, br), rtol=tol, atol=tol * 4)


def test_layer_norm_large_offset_rows_stay_accurate():
    # A row with |mean| >> std: E[x^2] - E[x]^2 would lose every digit in float32.
    x = (np.random.default_rng(0).standard_normal((4, 1000)) + 3e3).astype(np.float32)
    y = F.layer_norm(rtorch.from_numpy(x), (1000,))
    np.testing.assert_allclose(y.numpy(), np_layer_norm(x.astype(np.float64), 1), atol=2e-4)
    with np.errstate(invalid="ignore", divide="ignore"):  # the naive variance can even be <= 0
        naive = (x - x.mean(1, keepdims=True)) / np.sqrt((x * x).mean(1, keepdims=True) - x.mean(1, keepdims=True) ** 2)
    assert np.abs(naive - np_layer_norm(x.astype(np.float64), 1)).max() > 1e-2  # the test would catch that formula


@pytest.mark.parametrize("affine", ["none", "weight", "both"])
@pytest.mark.parametrize("norm", [(5,), (2, 3)])
def test_layer_norm_gradients_match_finite_differences(affine, norm):
    g = np.random.default_rng(1)
    x = rtorch.tensor(g.standard_normal((3,) + norm), dtype=rtorch.float64, requires_grad=True)
    args = [x]
    if affine != "none":
        args.append(rtorch.tensor(g.standard_normal(norm), dtype=rtorch.float64, requires_grad=True))
    if affine == "both":
        args.append(rtorch.tensor(g.standard_normal(norm), dtype=rtorch.float64, requires_grad=True))
    fn = lambda *a: F.layer_norm(a[0], norm, *a[1:], eps=1e-3)
    assert gradcheck(fn, tuple(args))
    assert gradgradcheck(fn, tuple(args))  # the create_graph path (tensor ops)


def test_layer_norm_fused_backward_equals_the_differentiable_backward():
    g = np.random.default_rng(2)
    x = rtorch.tensor(g.standard_normal((6, 16)), requires_grad=True)
    w = rtorch.tensor(g.standard_normal(16), requires_grad=True)
    b = rtorch.tensor(g.standard_normal(16), requires_grad=True)
    gy = rtorch.tensor(g.standard_normal((6, 16)))
    y = F.layer_norm(x, (16,), w, b)
    fused = rtorch.autograd.grad(y, (x, w, b), gy, retain_graph=True)
    graph = rtorch.autograd.grad(y, (x, w, b), gy, create_graph=True)
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    for a, c in zip(fused, graph):
        np.testing.assert_allclose(a.numpy(), c.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_layer_norm_empty_rows_and_errors():
    assert F.layer_norm(rtorch.zeros(0, 4), (4,)).shape == (0, 4)
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(rtorch.zeros(2, 3), (4,))
    with pytest.raises(RuntimeError, match="weight"):
        F.layer_norm(rtorch.zeros(2, 3), (3,), rtorch.ones(4))
    with pytest.raises(RuntimeError, match="not implemented for int64"):
        F.layer_norm(rtorch.zeros(2, 3, dtype=rtorch.int64), (3,))


def test_layer_norm_matches_pytorch():
    g = np.random.default_rng(3)
    x, w, b = g.standard_normal((4, 7, 10)), g.standard_normal((7, 10)), g.standard_normal((7, 10))
    gy = g.standard_normal((4, 7, 10))

    def side(lib):
        xs, ws, bs = (lib.tensor(a, dtype=lib.float32, requires_grad=True) for a in (x, w, b))
        y = lib.nn.functional.layer_norm(xs, (7, 10), ws, bs)
        y.backward(lib.tensor(gy, dtype=lib.float32))
        return [t.detach().numpy() for t in (y, xs.grad, ws.grad, bs.grad)]
    outs = side(rtorch), torch_ref(side)
    for a, c in zip(*outs):
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------ module parity with PyTorch
@pytest.mark.parametrize("cls,shape,kw", [
    ("BatchNorm1d", (8, 3), {}), ("BatchNorm1d", (4, 3, 6), {"momentum": None}),
    ("BatchNorm2d", (3, 3, 4, 5), {"momentum": 0.2}), ("BatchNorm2d", (2, 3, 3, 3), {"affine": False}),
    ("BatchNorm2d", (2, 3, 3, 3), {"track_running_stats": False}),
])
def test_batch_norm_matches_torch(cls, shape, kw, rng):
    wb = rng.standard_normal((2, 3)).astype(np.float32)
    steps = [((rng.standard_normal(shape) * 2 + step).astype(np.float32), rng.standard_normal(shape).astype(np.float32))
             for step in range(3)]
    x_eval = rng.standard_normal(shape).astype(np.float32)

    def torch_side(torch):  # initial state; three training steps; gradients, state; one eval step
        tm = getattr(torch.nn, cls)(3, **kw)
        if tm.weight is not None:
            with torch.no_grad():
                tm.weight.copy_(torch.from_numpy(wb[0]))
                tm.bias.copy_(torch.from_numpy(wb[1]))
        init, outs = module_state(tm), []
        for x, g in steps:
            xt = to_torch(torch, x, True)
            yt = tm(xt)
            (yt * to_torch(torch, g)).sum().backward()
            outs.append((yt, xt.grad))
        grads, state = param_grads(tm), module_state(tm)
        tm.eval()
        return init, outs, grads, state, tm(to_torch(torch, x_eval))
    init, outs, grads, state, y_eval = torch_ref(torch_side)
    rm = load_state(getattr(nn, cls)(3, **kw), init)
    for (x, g), (yt, gxt) in zip(steps, outs):
        xr = t(x, rtorch.float32, True)
        yr = rm(xr)
        assert_close(yr, yt, rtol=1e-4, atol=1e-5)
        (yr * t(g, rtorch.float32)).sum().backward()
        assert_close(xr.grad, gxt, rtol=1e-4, atol=1e-5)
    assert_grads_close(rm, grads)
    assert list(rm.state_dict()) == list(state)
    for k, v in state.items():
        assert_close(rm.state_dict()[k], v, atol=1e-6, rtol=1e-4)
    rm.eval()
    assert_close(rm(t(x_eval, rtorch.float32)), y_eval, rtol=1e-4, atol=1e-5)


def test_group_and_rms_norm_match_torch(rng):
    w6 = rng.standard_normal((2, 6)).astype(np.float32)
    x = rng.standard_normal((2, 6, 4, 3)).astype(np.float32)
    w34 = rng.standard_normal((2, 3, 4)).astype(np.float32)
    xs = [(rng.standard_normal((5, 3, 4)) * 1e-3).astype(np.float32) for _ in range(2)]

    def torch_side(torch):
        tg = torch.nn.GroupNorm(3, 6)
        with torch.no_grad():
            tg.weight.copy_(torch.from_numpy(w6[0]))
            tg.bias.copy_(torch.from_numpy(w6[1]))
        init = module_state(tg)
        xt = to_torch(torch, x, True)
        yt = tg(xt)
        (yt ** 2).sum().backward()
        group = (init, yt, xt.grad, param_grads(tg))
        rms = []
        for eps, w, xe in zip((None, 1e-3), w34, xs):
            tr = torch.nn.RMSNorm([3, 4], eps=eps)
            with torch.no_grad():
                tr.weight.copy_(torch.from_numpy(w))
            init = module_state(tr)
            xt = to_torch(torch, xe, True)
            yt = tr(xt)
            (yt * yt).sum().backward()
            rms.append((init, yt, xt.grad, param_grads(tr), repr(tr)))
        return group, rms
    (init, yt, gxt, grads), rms = torch_ref(torch_side)
    rg = load_state(nn.GroupNorm(3, 6), init)
    xr = t(x, rtorch.float32, True)
    yr = rg(xr)
    assert_close(yr, yt, rtol=1e-4, atol=1e-5)
    (yr * yr).sum().backward()
    assert_close(xr.grad, gxt, atol=1e-4, rtol=1e-4)
    assert_grads_close(rg, grads, atol=1e-4)

    for eps, xe, (init, yt, gxt, grads, rep) in zip((None, 1e-3), xs, rms):
        rr = load_state(nn.RMSNorm([3, 4], eps=eps), init)
        xr = t(xe, rtorch.float32, True)
        yr = rr(xr)
        assert_close(yr, yt, rtol=1e-4, atol=1e-5)
        (yr * yr).sum().backward()
        assert_close(xr.grad, gxt, atol=1e-3, rtol=1e-3)
        assert_grads_close(rr, grads)
        assert repr(rr) == rep

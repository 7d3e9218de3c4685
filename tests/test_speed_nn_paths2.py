"""The speed paths of the second nn-kernel round (issue 20): the fused one-pass backward of the pointwise
activations and elementwise losses (against the composed derivative that a recorded backward still takes, and
against NumPy), smooth_l1 / binary_cross_entropy_with_logits on their elementwise rows, the vectorised interior
of 2-D max pooling (against a brute-force NumPy window search with first-max indices), and interpolate's
last-dim-first pass order; tails past the SIMD width and the threading grain, non-contiguous and 0-stride
inputs, empty tensors, 1 and 2 threads, float64 gradcheck / gradgradcheck."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck

_erf = np.vectorize(math.erf, otypes=[np.float64])
K = math.sqrt(2 / math.pi)


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


# name -> (forward on a tensor, derivative in NumPy float64 of the saved tensor (input x), input range)
ACTS = {
    "relu": (lambda x: F.relu(x), lambda x: (x > 0) * 1.0, 3),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: _sig(x) * (1 - _sig(x)), 12),
    "tanh": (lambda x: x.tanh(), lambda x: 1 - np.tanh(x) ** 2, 6),
    "silu": (lambda x: F.silu(x), lambda x: _sig(x) * (1 + x * (1 - _sig(x))), 12),
    "gelu": (lambda x: F.gelu(x), lambda x: 0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi), 6),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * (1 + np.tanh(K * (x + 0.044715 * x ** 3)))
                  + 0.5 * x * (1 - np.tanh(K * (x + 0.044715 * x ** 3)) ** 2) * K * (1 + 3 * 0.044715 * x * x), 6),
    "softplus": (lambda x: F.softplus(x), lambda x: np.where(x > 20, 1.0, _sig(x)), 30),
    "softplus_b2_t3": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda x: np.where(2 * x > 3, 1.0, _sig(2 * x)), 4),
    "elu": (lambda x: F.elu(x, alpha=1.5), lambda x: np.where(x > 0, 1.0, 1.5 * np.exp(x)), 4),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, 1.0, 0.2), 3),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.75), lambda x: ((x > -0.5) & (x < 0.75)) * 1.0, 2),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), lambda x: ((x > -3) & (x < 3)) / 6.0, 5),
    "hardswish": (lambda x: F.hardswish(x), lambda x: np.where(x > -3, np.where(x >= 3, 1.0, x / 3 + 0.5), 0.0), 5),
    "logsigmoid": (lambda x: F.logsigmoid(x), lambda x: _sig(-x), 30),
    "mish": (lambda x: F.mish(x),
             lambda x: np.tanh(_softplus(x)) + x * (1 - np.tanh(_softplus(x)) ** 2) * _sig(x), 25),
    "smooth_l1_term": (lambda x: F.smooth_l1_loss(x, rtorch.zeros_like(x), reduction="none", beta=0.75),
                       lambda x: np.clip(x / 0.75, -1, 1), 3),
}
# Edge values every run includes: zero, the kinks of the piecewise ones, thresholds.
EDGES = [0.0, -0.0, 3.0, -3.0, 0.75, -0.75, -0.5, 1.5, 20.0, 25.0, -20.0]


def _x(n, lim, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-lim, lim, n)
    a[: len(EDGES)] = EDGES[: min(n, len(EDGES))]
    return rtorch.tensor(a, dtype=dtype)


def _grads(f, x, g, create_graph):
    x = x.detach().clone().requires_grad_(True)
    (d,) = rtorch.autograd.grad(f(x), (x,), g, create_graph=create_graph)
    return d.detach()


@pytest.mark.parametrize("name", sorted(ACTS))
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_fused_derivative_matches_composed_and_numpy(name, dtype, num_threads):
    f, deriv, lim = ACTS[name]
    n = 70_001  # past the SIMD width and the threading grain, odd tail
    x = _x(n, lim, dtype)
    g = rtorch.tensor(np.random.default_rng(1).standard_normal(n), dtype=dtype)
    fused = _grads(f, x, g, create_graph=False)
    composed = _grads(f, x, g, create_graph=True)  # a recorded backward takes the tensor-op rule
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == rtorch.float32 else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(fused.numpy(), composed.numpy(), **tol)
    want = g.double().numpy() * deriv(x.double().numpy())
    tol = dict(rtol=3e-5, atol=3e-6) if dtype == rtorch.float32 else dict(rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fused.double().numpy(), want, **tol)


@pytest.mark.parametrize("name", sorted(ACTS))
def test_fused_derivative_strided_and_broadcast_gradients(name):
    f, deriv, lim = ACTS[name]
    base = _x(37 * 53, lim, rtorch.float64, seed=2).reshape(37, 53)
    xt = base.t()  # non-contiguous input
    x = xt.detach().requires_grad_(True)
    assert not x.is_contiguous()
    # sum() gives a 0-stride (expanded) incoming gradient
    (d,) = rtorch.autograd.grad(f(x).sum(), (x,))
    np.testing.assert_allclose(d.numpy(), deriv(xt.numpy()), rtol=1e-10, atol=1e-12)
    # a transposed incoming gradient
    g = rtorch.tensor(np.random.default_rng(3).standard_normal((37, 53))).t()
    (d,) = rtorch.autograd.grad(f(x), (x,), g)
    np.testing.assert_allclose(d.numpy(), g.numpy() * deriv(xt.numpy()), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTS))
def test_fused_derivative_empty_and_nan(name):
    f, _, _ = ACTS[name]
    x = rtorch.zeros(0, 3, dtype=rtorch.float64, requires_grad=True)
    (d,) = rtorch.autograd.grad(f(x).sum(), (x,))
    assert tuple(d.shape) == (0, 3)
    x = rtorch.tensor([float("nan"), 1.0], requires_grad=True)
    g = rtorch.tensor([1.0, float("nan")])
    fused = _grads(f, x, g, create_graph=False)
    composed = _grads(f, x, g, create_graph=True)
    np.testing.assert_array_equal(np.isnan(fused.numpy()), np.isnan(composed.numpy()))


@pytest.mark.parametrize("name", sorted(ACTS))
def test_activation_gradcheck_and_gradgradcheck(name):
    f, _, lim = ACTS[name]
    rng = np.random.default_rng(4)
    # away from kinks, where finite differences are meaningless
    a = rng.uniform(-min(lim, 4), min(lim, 4), 24)
    for k in (0.0, 3.0, -3.0, 0.75, -0.75, -0.5):
        a = np.where(np.abs(a - k) < 0.05, a + 0.1, a)
    x = rtorch.tensor(a.reshape(4, 6), dtype=rtorch.float64, requires_grad=True)
    assert gradcheck(f, (x,))
    if name not in ("relu", "leaky_relu", "hardtanh", "hardsigmoid"):
        assert gradgradcheck(f, (x,))


# ---------------------------------------------------------------- losses on their elementwise rows
def _smooth_l1_np(d, beta):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * a * a / beta, a - 0.5 * beta)


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.5, 0.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_smooth_l1_loss_values_and_gradients(beta, reduction, num_threads):
    rng = np.random.default_rng(5)
    xa, ya = rng.uniform(-4, 4, (129, 67)), rng.uniform(-4, 4, (129, 67))
    x = rtorch.tensor(xa, requires_grad=True)
    y = rtorch.tensor(ya, requires_grad=True)
    out = F.smooth_l1_loss(x, y, reduction=reduction, beta=beta)
    d = xa - ya
    term = np.abs(d) if beta == 0 else _smooth_l1_np(d, beta)
    want = {"mean": term.mean(), "sum": term.sum(), "none": term}[reduction]
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-12, atol=1e-12)
    gx, gy = rtorch.autograd.grad(out.sum(), (x, y))
    dd = np.sign(d) if beta == 0 else np.clip(d / max(beta, 1e-300), -1, 1)
    scale = 1.0 / d.size if reduction == "mean" else 1.0
    np.testing.assert_allclose(gx.numpy(), dd * scale, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gy.numpy(), -dd * scale, rtol=1e-12, atol=1e-15)


def test_smooth_l1_loss_float32_broadcast_and_gradcheck():
    x = rtorch.tensor(np.linspace(-3, 3, 1001, dtype=np.float32).reshape(7, 143), requires_grad=True)
    y = rtorch.tensor(np.float32([0.3]))
    out = F.smooth_l1_loss(x, y.expand(7, 143), reduction="none")
    np.testing.assert_allclose(out.detach().numpy(), _smooth_l1_np(x.detach().numpy() - 0.3, 1.0), rtol=1e-6, atol=1e-7)
    a = rtorch.tensor(np.random.default_rng(6).uniform(-2, 2, (3, 5)), requires_grad=True)
    b = rtorch.tensor(np.random.default_rng(7).uniform(-2, 2, (3, 5)), requires_grad=True)
    assert gradcheck(lambda a, b: F.smooth_l1_loss(a, b, beta=0.7), (a, b))
    assert gradgradcheck(lambda a, b: F.smooth_l1_loss(a, b, beta=0.7), (a, b))


def _bce_logits_np(x, t, weight=None, pos_weight=None):
    sp_neg = np.logaddexp(0, -x)  # softplus(-x)
    lw = 1.0 if pos_weight is None else (pos_weight - 1) * t + 1
    loss = (1 - t) * x + lw * sp_neg
    return loss if weight is None else loss * weight


@pytest.mark.parametrize("opts", [{}, {"weight": True}, {"pos_weight": True}, {"weight": True, "pos_weight": True}])
def test_bce_with_logits_values_gradients_and_large_logits(opts, num_threads):
    rng = np.random.default_rng(8)
    xa = rng.uniform(-30, 30, (65, 33))
    xa[0, :4] = [-200.0, 200.0, 0.0, -0.0]
    ta = rng.uniform(0, 1, (65, 33))
    wa, pa = rng.uniform(0.5, 2, (33,)), rng.uniform(0.5, 3, (33,))
    x, t = rtorch.tensor(xa, requires_grad=True), rtorch.tensor(ta, requires_grad=True)
    kw = {}
    if opts.get("weight"):
        kw["weight"] = rtorch.tensor(wa)
    if opts.get("pos_weight"):
        kw["pos_weight"] = rtorch.tensor(pa)
    out = F.binary_cross_entropy_with_logits(x, t, reduction="none", **kw)
    want = _bce_logits_np(xa, ta, wa if "weight" in kw else None, pa if "pos_weight" in kw else None)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-12, atol=1e-12)
    gx, gt = rtorch.autograd.grad(out.sum(), (x, t))
    lw = 1.0 if "pos_weight" not in kw else (pa - 1) * ta + 1
    w = 1.0 if "weight" not in kw else wa
    want_gx = w * ((1 - ta) - lw * _sig(-xa))
    want_gt = w * (-xa - (pa - 1) * np.logaddexp(0, -xa) if "pos_weight" in kw else -xa * w)
    np.testing.assert_allclose(gx.numpy(), want_gx, rtol=1e-10, atol=1e-12)
    if "pos_weight" in kw:
        np.testing.assert_allclose(gt.numpy(), w * (-xa + (pa - 1) * np.logaddexp(0, -xa)), rtol=1e-10, atol=1e-10)
    else:
        np.testing.assert_allclose(gt.numpy(), -xa * w, rtol=1e-12, atol=1e-12)
    del want_gt
    x32 = rtorch.tensor(xa.astype(np.float32))
    got = F.binary_cross_entropy_with_logits(x32, rtorch.tensor(ta.astype(np.float32)), reduction="none")
    np.testing.assert_allclose(got.numpy(), _bce_logits_np(xa.astype(np.float32).astype(np.float64), ta.astype(np.float32)),
                               rtol=2e-6, atol=2e-6)


def test_bce_with_logits_gradcheck():
    rng = np.random.default_rng(9)
    x = rtorch.tensor(rng.uniform(-3, 3, (3, 4)), requires_grad=True)
    t = rtorch.tensor(rng.uniform(0, 1, (3, 4)), requires_grad=True)
    pw = rtorch.tensor(rng.uniform(0.5, 2, (4,)), requires_grad=True)
    f = lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw)  # noqa: E731
    assert gradcheck(f, (x, t, pw))
    assert gradgradcheck(f, (x, t, pw))


# ---------------------------------------------------------------- 2-D max pooling's vectorised interior
def _maxpool_np(x, k, s, p, d, ceil):
    """Brute-force max pooling of x [P, H, W] with first-max (first-NaN) flat indices."""
    P, H, W = x.shape

    def out_len(n, k, s, p, d):
        span = n + 2 * p - d * (k - 1) - 1
        o = (span + (s - 1 if ceil else 0)) // s + 1
        if ceil and (o - 1) * s >= n + p:
            o -= 1
        return o

    OH, OW = out_len(H, k[0], s[0], p[0], d[0]), out_len(W, k[1], s[1], p[1], d[1])
    vals = np.full((P, OH, OW), -np.inf)
    idx = np.zeros((P, OH, OW), dtype=np.int64)
    for q in range(P):
        for i in range(OH):
            for j in range(OW):
                best, at, first = -np.inf, 0, True
                for a in range(k[0]):
                    y = i * s[0] - p[0] + a * d[0]
                    if not 0 <= y < H:
                        continue
                    for b in range(k[1]):
                        xx = j * s[1] - p[1] + b * d[1]
                        if not 0 <= xx < W:
                            continue
                        v = x[q, y, xx]
                        if first or ((v > best or np.isnan(v)) and not np.isnan(best)):
                            best, at, first = v, y * W + xx, False
                vals[q, i, j], idx[q, i, j] = best, at
    return vals, idx


CASES = [
    ((2, 2), (2, 2), (0, 0), (1, 1), False),
    ((3, 3), (2, 2), (1, 1), (1, 1), False),
    ((3, 3), (2, 2), (1, 1), (1, 1), True),
    ((1, 3), (1, 1), (0, 1), (1, 1), False),
    ((2, 3), (1, 3), (1, 1), (1, 2), True),
    ((3, 2), (2, 1), (0, 1), (2, 2), False),
    ((1, 2), (1, 2), (0, 0), (1, 1), False),
]


@pytest.mark.parametrize("k,s,p,d,ceil", CASES)
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_max_pool2d_interior_matches_window_search(k, s, p, d, ceil, dtype, num_threads):
    rng = np.random.default_rng(10)
    # 37 columns: interior runs past 8 and 16 lanes with odd tails; ties and NaNs planted
    a = np.round(rng.standard_normal((6, 9, 37)) * 2) / 2
    a[0, 2, 5] = np.nan
    a[1, 4, 11:14] = np.nan
    a[2, :, 20] = 9.0
    x = rtorch.tensor(a, dtype=dtype)
    v, i = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    wv, wi = _maxpool_np(a.astype(np.float32 if dtype == rtorch.float32 else np.float64), k, s, p, d, ceil)
    np.testing.assert_array_equal(i.numpy(), wi)
    np.testing.assert_array_equal(v.double().numpy(), wv)


def test_max_pool2d_noncontiguous_and_empty_batch():
    rng = np.random.default_rng(11)
    a = rng.standard_normal((2, 3, 21, 19))
    x = rtorch.tensor(a).transpose(2, 3)  # non-contiguous
    v, i = F.max_pool2d(x, 3, 2, 1, return_indices=True)
    wv, wi = _maxpool_np(np.ascontiguousarray(a.transpose(0, 1, 3, 2)).reshape(6, 19, 21), (3, 3), (2, 2), (1, 1), (1, 1), False)
    np.testing.assert_array_equal(v.numpy().reshape(wv.shape), wv)
    np.testing.assert_array_equal(i.numpy().reshape(wi.shape), wi)
    assert tuple(F.max_pool2d(rtorch.zeros(0, 3, 8, 8), 2).shape) == (0, 3, 4, 4)


@pytest.mark.parametrize("k,s,p,d,ceil", [(2, None, 0, 1, False), (3, 2, 1, 1, True), (3, 1, 1, 2, False), (4, 3, 2, 1, True)])
def test_max_pool1d_matches_window_search_and_gradcheck(k, s, p, d, ceil, num_threads):
    rng = np.random.default_rng(12)
    a = np.round(rng.standard_normal((3, 5, 41)) * 2) / 2
    a[1, 2, 7] = np.nan
    x = rtorch.tensor(a)
    v, i = F.max_pool1d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    wv, wi = _maxpool_np(a.reshape(15, 1, 41), (1, k), (1, s or k), (0, p), (1, d), ceil)
    np.testing.assert_array_equal(i.numpy().reshape(wi.shape), wi)
    np.testing.assert_array_equal(v.numpy().reshape(wv.shape), wv)
    xg = rtorch.tensor(rng.permutation(2 * 3 * 17).reshape(2, 3, 17) / 7.0, requires_grad=True)  # no ties
    assert gradcheck(lambda t: F.max_pool1d(t, k, s, p, d, ceil_mode=ceil), (xg,))
    assert gradgradcheck(lambda t: F.max_pool1d(t, k, s, p, d, ceil_mode=ceil), (xg,))


# ---------------------------------------------------------------- interpolate: last dim first
def _lin(i, o, align):
    if align:
        src = np.arange(o) * ((i - 1) / (o - 1) if o > 1 else 0.0)
    else:
        src = np.maximum((np.arange(o) + 0.5) * (i / o) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), i - 1)
    i1 = np.minimum(i0 + 1, i - 1)
    l1 = src - i0
    return i0, i1, 1 - l1, l1


@pytest.mark.parametrize("align", [False, True])
def test_bilinear_nests_width_inside_height_like_pytorch(align, num_threads):
    rng = np.random.default_rng(13)
    a = rng.standard_normal((2, 3, 9, 13))
    out = F.interpolate(rtorch.tensor(a), size=(17, 29), mode="bilinear", align_corners=align).numpy()
    h0, h1, hl0, hl1 = _lin(9, 17, align)
    w0, w1, wl0, wl1 = _lin(13, 29, align)
    rows = a[..., w0] * wl0 + a[..., w1] * wl1  # W first, as PyTorch's upsample_bilinear2d
    want = rows[..., h0, :] * hl0[:, None] + rows[..., h1, :] * hl1[:, None]
    np.testing.assert_allclose(out, want, rtol=1e-14, atol=1e-14)
    x = rtorch.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=align), (x,))


# ---------------------------------------------------------------- trigamma's float32 path
def _ulps32(got, want):
    want32 = np.abs(want).astype(np.float32).astype(np.float64)
    ulp = np.maximum(want32, np.finfo(np.float32).tiny) * np.finfo(np.float32).eps
    return np.abs(got.astype(np.float64) - want) / ulp


@pytest.mark.parametrize("lo,hi,log", [(1e-38, 1e-3, True), (1e-3, 30.0, False), (30.0, 1e30, True), (0.2, 10.0, False)])
def test_polygamma1_float32_within_2_ulp_of_scipy(lo, hi, log, num_threads):
    sc = pytest.importorskip("scipy.special")
    n = 50_003  # past the SIMD width and the threading grain
    a = (np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)).astype(np.float32)
    got = rtorch.polygamma(1, rtorch.tensor(a)).numpy()
    want = sc.polygamma(1, a.astype(np.float64))
    finite = np.isfinite(want) & (np.abs(want) <= np.finfo(np.float32).max)
    assert _ulps32(got[finite], want[finite]).max() <= 2.0
    assert np.all(np.isinf(got[~finite]))


def test_polygamma1_float32_edges_and_strided():
    sc = pytest.importorskip("scipy.special")
    a = np.float32([0.0, np.inf, np.nan, 1.0, 0.5, -0.0, 1e-45, 3.4e38])
    got = rtorch.polygamma(1, rtorch.tensor(a)).numpy()
    assert got[0] == np.inf and got[1] == 0.0 and np.isnan(got[2]) and got[5] == np.inf
    np.testing.assert_allclose(got[[3, 4, 7]], sc.polygamma(1, a[[3, 4, 7]].astype(np.float64)), rtol=2e-7, atol=2e-45)
    # a negative input takes the general path (reflection), a transposed view the same values
    b = np.random.default_rng(14).uniform(-3.5, 6, (33, 41)).astype(np.float32)
    t = rtorch.tensor(b).t()
    got = rtorch.polygamma(1, t).numpy()
    want = sc.polygamma(1, b.T.astype(np.float64))
    np.testing.assert_allclose(got, want, rtol=2e-5)
    c = np.abs(b) + 0.01
    got = rtorch.polygamma(1, rtorch.tensor(c).t()).numpy()
    assert _ulps32(got, sc.polygamma(1, c.T.astype(np.float64))).max() <= 2.0


# ---------------------------------------------------------------- grid_sample's channels-last tap gather
def _without_native_gather(fn):
    """fn() with rtorch._rtorch._gather_taps hidden (the composed per-tap gather path)."""
    saved = rtorch._rtorch._gather_taps
    try:
        del rtorch._rtorch._gather_taps
        return fn()
    finally:
        rtorch._rtorch._gather_taps = saved


@pytest.mark.parametrize("c", [3, 8, 19])
@pytest.mark.parametrize("mode,pad", [("bilinear", "zeros"), ("nearest", "border"), ("bicubic", "reflection"),
                                      ("bilinear", "reflection")])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_channel_layouts_match_composed(c, mode, pad, align, num_threads):
    rng = np.random.default_rng(15)
    x = rtorch.tensor(rng.standard_normal((2, 11, c, 13))).permute(0, 2, 1, 3)  # non-contiguous (2, c, 11, 13)
    g = rtorch.tensor(rng.uniform(-1.2, 1.2, (2, 7, 9, 2)))
    go = rtorch.tensor(rng.standard_normal((2, c, 7, 9)))

    def run():
        xr, gr = x.detach().requires_grad_(True), g.detach().requires_grad_(True)
        out = F.grid_sample(xr, gr, mode=mode, padding_mode=pad, align_corners=align)
        dx, dg = rtorch.autograd.grad(out, (xr, gr), go, allow_unused=True)
        return out.detach().numpy(), dx.numpy(), None if dg is None else dg.numpy()

    got, want = run(), _without_native_gather(run)
    for a, b in zip(got, want):
        if a is None or b is None:
            continue
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_grid_sample_channels_last_5d_float32_and_gradcheck():
    rng = np.random.default_rng(16)
    x = rtorch.tensor(rng.standard_normal((1, 9, 4, 5, 6)).astype(np.float32))
    g = rtorch.tensor(rng.uniform(-1, 1, (1, 3, 2, 5, 3)).astype(np.float32))
    got = F.grid_sample(x, g, align_corners=False)
    want = _without_native_gather(lambda: F.grid_sample(x, g, align_corners=False))
    assert got.is_contiguous() and tuple(got.shape) == (1, 9, 3, 2, 5)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    xd = rtorch.tensor(rng.standard_normal((1, 8, 3, 4)), requires_grad=True)
    gd = rtorch.tensor(rng.uniform(-0.9, 0.9, (1, 2, 3, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: F.grid_sample(a, b, align_corners=True), (xd, gd))
    assert tuple(F.grid_sample(rtorch.zeros(0, 8, 3, 4), rtorch.zeros(0, 2, 2, 2), align_corners=False).shape) == (0, 8, 2, 2)


# ---------------------------------------------------------------- embedding_bag's vectorised offsets
@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_offsets_with_empty_bags(last, mode):
    rng = np.random.default_rng(17)
    w = rng.standard_normal((10, 5))
    idx = rng.integers(0, 10, 9)
    offs = [0, 0, 3, 3, 7] + ([9] if last else [])
    got = F.embedding_bag(rtorch.tensor(idx), rtorch.tensor(w), rtorch.tensor(offs), mode=mode,
                          include_last_offset=last).numpy()
    bounds = offs if last else offs + [9]
    want = []
    for s, e in zip(bounds[:-1], bounds[1:]):
        rows = w[idx[s:e]]
        want.append(np.zeros(5) if e == s else {"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode])
    np.testing.assert_allclose(got, np.array(want), rtol=1e-12, atol=1e-12)
    empty = F.embedding_bag(rtorch.tensor(idx), rtorch.tensor(w), rtorch.tensor([0] if last else [], dtype=rtorch.int64),
                            mode=mode, include_last_offset=last)
    assert tuple(empty.shape) == (0, 5)


def test_embedding_bag_bad_offsets():
    w, idx = rtorch.zeros(4, 2), rtorch.tensor([0, 1, 2])
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0"):
        F.embedding_bag(idx, w, rtorch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="non-decreasing"):
        F.embedding_bag(idx, w, rtorch.tensor([0, 2, 1]))
    with pytest.raises(RuntimeError, match="at most the number of indices"):
        F.embedding_bag(idx, w, rtorch.tensor([0, 4]))

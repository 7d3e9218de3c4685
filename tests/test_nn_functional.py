"""rtorch.nn.functional and the stateless layers: activations (forward and finite-difference gradients),
softmax, dropout, linear / normalize / one_hot / cosine_similarity, interpolate and Upsample (nearest,
nearest-exact, linear, bilinear), against NumPy and PyTorch when installed."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd.gradcheck import gradcheck
from helpers import assert_close, n, np_softmax, t, to_torch
from torch_ref import torch_ref


# ------------------------------------------------------------------ activations
def _np_gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def _np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.GELU(), _np_gelu),
    (nn.GELU(approximate="tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Softmax(dim=1), lambda x: np_softmax(x, 1)),
    (nn.Softmax(dim=0), lambda x: np_softmax(x, 0)),
    (nn.LogSoftmax(dim=1), lambda x: np.log(np_softmax(x, 1))),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.expm1(x))),
    (nn.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (nn.Softplus(), _np_softplus),
    (nn.Softplus(beta=2.0, threshold=5.0), lambda x: _np_softplus(x, 2.0, 5.0)),
    (nn.Hardtanh(), lambda x: np.clip(x, -1, 1)),
    (nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
]


@pytest.mark.parametrize("module,ref", ACTIVATIONS, ids=lambda v: repr(v) if isinstance(v, nn.Module) else "")
def test_activation_forward(module, ref, rng):
    x = rng.standard_normal((4, 6)) * 4
    assert_close(module(t(x, rtorch.float32)), ref(x), rtol=1e-5, atol=1e-5, dtype=rtorch.float32)


@pytest.mark.parametrize("module,ref", ACTIVATIONS, ids=lambda v: repr(v) if isinstance(v, nn.Module) else "")
def test_activation_gradient_finite_difference(module, ref, rng):
    x = rng.standard_normal((3, 5)) * 3
    x[np.abs(x) < 1e-2] = 0.5  # keep away from kinks
    x[np.abs(np.abs(x) - 1) < 1e-2] = 0.5
    g = rng.standard_normal((3, 5))
    xt = t(x, dtype=rtorch.float64, requires_grad=True)
    (module(xt) * t(g, dtype=rtorch.float64)).sum().backward()
    eps = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        num[idx] = ((ref(xp) - ref(xm)) * g).sum() / (2 * eps)
    assert_close(xt.grad, num, rtol=1e-4, atol=1e-5)


def test_inplace_relu_and_functional_aliases(rng):
    x = t(rng.standard_normal((3, 3)), rtorch.float32)
    y = F.relu(x.clone())
    z = x.clone()
    out = nn.ReLU(inplace=True)(z)
    assert_close(out, n(y))
    assert_close(z, n(y))
    assert_close(F.tanh(x), np.tanh(n(x)))
    assert_close(F.sigmoid(x), 1 / (1 + np.exp(-n(x))))


def test_softmax_default_dim_warns():
    with pytest.warns(UserWarning):
        out = F.softmax(rtorch.zeros(2, 4))
    assert_close(out, np.full((2, 4), 0.25), dtype=rtorch.float32)


# ------------------------------------------------------------------ dropout
def test_dropout_train_and_eval():
    rtorch.manual_seed(0)
    drop = nn.Dropout(p=0.3)
    x = rtorch.ones(200, 200)
    y = n(drop(x))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    drop.eval()
    np.testing.assert_array_equal(n(drop(x)), n(x))
    assert np.all(n(F.dropout(x, p=1.0)) == 0)
    assert np.all(n(F.dropout(x, p=0.0)) == 1)
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


def test_dropout_gradient_is_mask():
    rtorch.manual_seed(1)
    x = rtorch.ones(50, 50, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_allclose(n(x.grad), n(y), rtol=1e-6)


# ------------------------------------------------------------------ functional extras
def test_functional_misc(rng):
    x = rng.standard_normal((3, 4))
    w, b = rng.standard_normal((2, 4)), rng.standard_normal(2)
    assert_close(F.linear(t(x, rtorch.float32), t(w, rtorch.float32), t(b, rtorch.float32)), x @ w.T + b, atol=1e-5,
                 dtype=rtorch.float32)
    assert_close(F.linear(t(x, rtorch.float32), t(w, rtorch.float32)), x @ w.T, atol=1e-5, dtype=rtorch.float32)
    assert_close(F.normalize(t(x, rtorch.float32), dim=1), x / np.linalg.norm(x, axis=1, keepdims=True), atol=1e-6,
                 dtype=rtorch.float32)
    oh = F.one_hot(rtorch.tensor([0, 2, 1]), 4)
    np.testing.assert_array_equal(n(oh), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert oh.dtype == rtorch.int64
    y = rng.standard_normal((3, 4))
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    assert_close(F.cosine_similarity(t(x, rtorch.float32), t(y, rtorch.float32)), cos, atol=1e-6, dtype=rtorch.float32)


# ------------------------------------------------------------------ interpolate / Upsample
def np_nearest(x, sizes, scales=None, exact=False):
    out = x
    for k, o in enumerate(sizes):
        ax = 2 + k
        i = x.shape[ax]
        s = 1 / scales[k] if scales else i / o
        if exact:
            src = np.minimum(np.floor((np.arange(o) + 0.5) * s).astype(int), i - 1)
        else:
            src = np.minimum(np.floor(np.arange(o) * s).astype(int), i - 1) if o != i else np.arange(o)
        out = np.take(out, src, axis=ax)
    return out


def np_linear_1d_weights(i, o, align_corners, scale=None):
    """(o, i) interpolation matrix of PyTorch's linear source-index rule."""
    A = np.zeros((o, i))
    for d in range(o):
        if align_corners:
            src = d * (i - 1) / (o - 1) if o > 1 else 0.0
        else:
            s = 1 / scale if scale else i / o
            src = max((d + 0.5) * s - 0.5, 0.0)
        i0 = min(int(math.floor(src)), i - 1)
        i1 = min(i0 + 1, i - 1)
        lam = src - i0
        A[d, i0] += 1 - lam
        A[d, i1] += lam
    return A


def np_bilinear_resize(x, size, align_corners, scales=None):
    Ah = np_linear_1d_weights(x.shape[2], size[0], align_corners, scales and scales[0])
    Aw = np_linear_1d_weights(x.shape[3], size[1], align_corners, scales and scales[1])
    return np.einsum("hH,ncHW,wW->nchw", Ah, x, Aw)


@pytest.mark.parametrize("in_hw,size", [((4, 5), (7, 10)), ((6, 6), (3, 4)), ((3, 5), (3, 9)), ((1, 4), (5, 1))])
def test_interpolate_nearest_2d(in_hw, size, rng):
    x = rng.standard_normal((2, 3) + in_hw)
    assert_close(F.interpolate(t(x), size=size), np_nearest(x, size), rtol=1e-6, atol=1e-8)
    assert_close(F.interpolate(t(x), size=size, mode="nearest-exact"), np_nearest(x, size, exact=True), rtol=1e-6,
                 atol=1e-8)
    assert_close(F.interpolate(t(x), scale_factor=2), np_nearest(x, (2 * in_hw[0], 2 * in_hw[1])), rtol=1e-6, atol=1e-8)


def test_interpolate_nearest_1d_and_scale_factor(rng):
    x = rng.standard_normal((2, 3, 7))
    assert_close(F.interpolate(t(x), size=11), np_nearest(x, (11,)), rtol=1e-6, atol=1e-8)
    assert_close(F.interpolate(t(x), scale_factor=1.5), np_nearest(x, (10,), scales=(1.5,)), rtol=1e-6, atol=1e-8)
    # scale 1.7 on 7 gives 11 outputs; the source index uses 1/1.7, not 7/11
    assert_close(F.interpolate(t(x), scale_factor=1.7), np_nearest(x, (11,), scales=(1.7,)), rtol=1e-6, atol=1e-8)
    assert not np.allclose(np_nearest(x, (11,), scales=(1.7,)), np_nearest(x, (11,)))
    assert_close(F.interpolate(t(x), scale_factor=1.7, recompute_scale_factor=True), np_nearest(x, (11,)), rtol=1e-6,
                 atol=1e-8)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("in_hw,size", [((4, 5), (7, 10)), ((6, 7), (3, 4)), ((3, 3), (3, 8)), ((2, 4), (1, 1))])
def test_interpolate_bilinear(in_hw, size, align_corners, rng):
    x = rng.standard_normal((2, 3) + in_hw)
    assert_close(F.interpolate(t(x), size=size, mode="bilinear", align_corners=align_corners),
                 np_bilinear_resize(x, size, align_corners), rtol=1e-6, atol=1e-8)


def test_interpolate_bilinear_scale_factor_linear_and_known_values(rng):
    x = rng.standard_normal((1, 2, 5, 4))
    assert_close(F.interpolate(t(x), scale_factor=(1.5, 2.5), mode="bilinear"),
                 np_bilinear_resize(x, (7, 10), False, scales=(1.5, 2.5)), rtol=1e-6, atol=1e-8)
    y = rng.standard_normal((2, 3, 5))
    A = np_linear_1d_weights(5, 8, False)
    assert_close(F.interpolate(t(y), size=8, mode="linear"), np.einsum("lL,ncL->ncl", A, y), rtol=1e-6, atol=1e-8)
    # worked example: [1, 2] doubled is [1, 1.25, 1.75, 2] (half-pixel centres) or [1, 4/3, 5/3, 2] (corners)
    assert_close(F.interpolate(t([[[1.0, 2.0]]]), scale_factor=2, mode="linear"), [[[1.0, 1.25, 1.75, 2.0]]],
                 rtol=1e-6, atol=1e-8, dtype=rtorch.float64)
    assert_close(F.interpolate(t([[[1.0, 2.0]]]), size=4, mode="linear", align_corners=True),
                 [[[1.0, 4 / 3, 5 / 3, 2.0]]], rtol=1e-6, atol=1e-8, dtype=rtorch.float64)


def test_interpolate_gradcheck(rng):
    x = t(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"), (x,))
    assert gradcheck(lambda x: F.interpolate(x, size=(4, 7), mode="bilinear", align_corners=True), (x,))
    assert gradcheck(lambda x: F.interpolate(x, scale_factor=1.5), (x,))


def test_interpolate_errors():
    x = rtorch.zeros(1, 2, 3, 4)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D input"):
        F.interpolate(rtorch.zeros(1, 2, 3), size=5, mode="bilinear")
    with pytest.raises(ValueError, match=r"spatial dimensions of \[3, 4\] and output size of \[5, 5, 5\]"):
        F.interpolate(x, size=(5, 5, 5))
    with pytest.raises(NotImplementedError, match="foo"):
        F.interpolate(x, size=3, mode="foo")


def test_upsample_module(rng):
    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
    assert repr(up) == "Upsample(scale_factor=2.0, mode='bilinear')"
    assert repr(nn.Upsample(size=(3, 4))) == "Upsample(size=(3, 4), mode='nearest')"
    assert list(up.parameters()) == []
    x = rng.standard_normal((1, 2, 3, 4))
    assert_close(up(t(x)), np_bilinear_resize(x, (6, 8), True), rtol=1e-6, atol=1e-8)
    assert_close(nn.Upsample(size=(5, 6))(t(x)), np_nearest(x, (5, 6)), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kw", [
    {"size": (7, 9)}, {"scale_factor": 2}, {"scale_factor": (1.5, 2.7)}, {"size": (3, 2)},
    {"size": (7, 9), "mode": "nearest-exact"}, {"size": (7, 9), "mode": "bilinear"},
    {"size": (7, 9), "mode": "bilinear", "align_corners": True}, {"scale_factor": 1.7, "mode": "bilinear"},
    {"size": (2, 3), "mode": "bilinear"}, {"scale_factor": 1.7, "mode": "bilinear", "recompute_scale_factor": True},
])
def test_interpolate_matches_torch(kw, rng):
    x = rng.standard_normal((2, 3, 5, 4)).astype(np.float32)
    xr = t(x, rtorch.float32, True)
    yr = F.interpolate(xr, **kw)
    g = rng.standard_normal(tuple(yr.shape)).astype(np.float32)
    x1 = rng.standard_normal((2, 3, 6)).astype(np.float32)
    kw1 = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    kw1["mode"] = {"bilinear": "linear"}.get(kw.get("mode"), kw.get("mode", "nearest"))
    up_kw = {k: v for k, v in kw.items() if k != "recompute_scale_factor"}

    def torch_side(torch):  # 2-d output and input gradient, 1-d output, Upsample's repr
        xt = to_torch(torch, x, True)
        yt = torch.nn.functional.interpolate(xt, **kw)
        (yt * to_torch(torch, g)).sum().backward()
        return (yt, xt.grad, torch.nn.functional.interpolate(to_torch(torch, x1), **kw1),
                repr(torch.nn.Upsample(**up_kw)))
    yt, gxt, y1t, rep = torch_ref(torch_side)
    assert_close(yr, yt, atol=1e-6, rtol=1e-4)
    (yr * t(g, rtorch.float32)).sum().backward()
    assert_close(xr.grad, gxt, rtol=1e-4, atol=1e-5)
    assert_close(F.interpolate(t(x1, rtorch.float32), **kw1), y1t, atol=1e-6, rtol=1e-4)
    assert repr(nn.Upsample(**up_kw)) == rep


# ---- issue 16 item 13: channel-wise dropout (Dropout1d/2d/3d) and alpha dropout (AlphaDropout, FeatureAlphaDropout) ----

import warnings as _warnings  # noqa: E402


@pytest.mark.parametrize("fn, shape, nsp", [
    (F.dropout1d, (8, 16, 5), 1), (F.dropout1d, (16, 5), 1), (F.dropout2d, (8, 16, 3, 3), 2),
    (F.dropout3d, (4, 16, 2, 2, 2), 3), (F.dropout3d, (16, 2, 2, 2), 3),
])
def test_channel_dropout_zeroes_whole_channels(fn, shape, nsp):
    rtorch.manual_seed(0)
    x = rtorch.ones(*shape, dtype=rtorch.float64)
    y = fn(x, 0.5, training=True)
    assert y.shape == x.shape
    per_channel = y.reshape(*shape[:-nsp], -1)
    assert rtorch.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))  # 0 or 1 / (1 - p), per channel
    kept = float((per_channel[..., 0] != 0).double().mean())
    assert 0.2 < kept < 0.8
    assert rtorch.equal(fn(x, 0.5, training=False), x) and rtorch.equal(fn(x, 0.0), x)
    assert float(fn(x, 1.0).abs().sum()) == 0.0
    z = x.clone()
    assert fn(z, 0.5, inplace=True) is z
    with pytest.raises(ValueError, match="between 0 and 1"):
        fn(x, 1.5)


def test_channel_dropout_rank_checks_and_warnings():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(rtorch.ones(2, 2, 2, 2))
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input"):
        F.dropout2d(rtorch.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="dropout2d: Received a 2-D input"):
        F.dropout2d(rtorch.ones(2, 3))
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input"):
        F.dropout3d(rtorch.ones(2, 3, 4))
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.feature_alpha_dropout(rtorch.ones(3), 0.5, training=True)


def test_alpha_dropout_keeps_selu_statistics():
    rtorch.manual_seed(1)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    z = rtorch.randn(200000, dtype=rtorch.float64)
    x = scale * rtorch.where(z > 0, z, alpha * (z.exp() - 1))  # SELU of a standard normal: mean 0, std 1
    y = F.alpha_dropout(x, 0.2, training=True)
    assert abs(float(y.mean()) - float(x.mean())) < 0.02 and abs(float(y.std()) - float(x.std())) < 0.02
    # PyTorch's map: dropped elements become SELU's saturation value -1.758..., then y = a * v + b for all.
    sat = -1.7580993408473766
    a = 1.0 / ((sat * sat * 0.2 + 1) * 0.8) ** 0.5
    b = -a * sat * 0.2
    kept = (y - (a * x + b)).abs() < 1e-9
    dropped = (y - (a * sat + b)).abs() < 1e-9
    assert bool((kept | dropped).all()) and 0.18 < float(dropped.double().mean()) < 0.22
    assert F.alpha_dropout(x, 0.2) is x  # training defaults to False for the functional forms
    f = F.feature_alpha_dropout(rtorch.ones(64, 32, 3, dtype=rtorch.float64), 0.5, training=True)
    assert rtorch.all((f == f[..., :1]).all(-1))  # one value per (sample, channel)
    x64 = rtorch.randn(4, 5, dtype=rtorch.float64, requires_grad=True)

    def fixed_mask(t):
        rtorch.manual_seed(3)
        return F.alpha_dropout(t, 0.3, training=True)

    assert gradcheck(fixed_mask, (x64,))


def test_dropout_modules():
    shapes = {nn.Dropout1d: (2, 3, 4), nn.Dropout2d: (2, 3, 4, 4), nn.Dropout3d: (2, 3, 4, 4, 2),
              nn.AlphaDropout: (5, 3), nn.FeatureAlphaDropout: (2, 3, 4)}
    for cls, shape in shapes.items():
        m = cls(0.25, inplace=False)
        assert repr(m) == f"{cls.__name__}(p=0.25, inplace=False)"
        m.eval()
        x = rtorch.randn(*shape)
        assert m(x) is x
        m.train()
        assert m(x).shape == x.shape
        with pytest.raises(ValueError, match="between 0 and 1"):
            cls(-0.1)
    rtorch.manual_seed(0)
    m = nn.Dropout2d(0.5)
    with _warnings.catch_warnings():
        _warnings.simplefilter("error")
        y = m(rtorch.ones(4, 8, 2, 2))
    assert set(y.unique().tolist()) <= {0.0, 2.0}

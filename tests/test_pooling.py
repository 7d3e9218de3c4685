"""Pooling: max / avg pooling in 1-D and 2-D (stride, padding, dilation, ceil_mode, count_include_pad,
divisor_override, return_indices), adaptive average pooling and the pooling modules, against NumPy, finite
differences and PyTorch when installed."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd.gradcheck import gradcheck, gradgradcheck
from helpers import assert_close, n, needs_adaptive, needs_avg_pool2d, needs_max_pool2d, randn_pair, t
from torch_ref import live_ref, torch_ref


def test_pool_repr_matches_pytorch():
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool2d((3, 2), stride=(2, 1))) == \
        "MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool2d(3, stride=2, padding=1)) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"
    assert repr(nn.AdaptiveAvgPool2d((5, None))) == "AdaptiveAvgPool2d(output_size=(5, None))"
    assert list(nn.MaxPool2d(2).state_dict()) == [] and list(nn.MaxPool2d(2).parameters()) == []


def np_pool2d(x, k, s, p, op, dilation=1, count_include_pad=True):
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (s, s) if isinstance(s, int) else s
    ph, pw = (p, p) if isinstance(p, int) else p
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    H, W = xp.shape[2:]
    OH = (H - dh * (kh - 1) - 1) // sh + 1
    OW = (W - dw * (kw - 1) - 1) // sw + 1
    wins, cnts = [], []
    for i in range(kh):
        for j in range(kw):
            sl = (slice(None), slice(None), slice(i * dh, i * dh + sh * (OH - 1) + 1, sh),
                  slice(j * dw, j * dw + sw * (OW - 1) + 1, sw))
            wins.append(xp[sl])
            cnts.append(ones[sl])
    wins = np.stack(wins)
    if op == "max":
        return wins.max(0)
    return wins.sum(0) / (kh * kw if count_include_pad else np.stack(cnts).sum(0))


@needs_max_pool2d
@pytest.mark.parametrize("args", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 0)], ids=str)
def test_max_pool2d_matches_numpy(args):
    k, s, p = args
    x, xa = randn_pair(2, 3, 7, 8)
    out = F.max_pool2d(x, k, s, p)
    ref = np_pool2d(xa, k, s if s is not None else k, p, "max")
    np.testing.assert_array_equal(n(out), ref)
    np.testing.assert_array_equal(n(nn.MaxPool2d(k, s, p)(x)), ref)
    np.testing.assert_array_equal(n(F.max_pool2d(x[0], k, s, p)), ref[0])


@needs_max_pool2d
def test_max_pool2d_backward_routes_to_argmax():
    x, xa = randn_pair(1, 2, 4, 4, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    g = n(x.grad)
    blocks = xa.reshape(1, 2, 2, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(1, 2, 2, 2, 4)
    expected = np.zeros_like(xa)
    for c in range(2):
        for i in range(2):
            for j in range(2):
                a = blocks[0, c, i, j].argmax()
                expected[0, c, 2 * i + a // 2, 2 * j + a % 2] = 1
    np.testing.assert_array_equal(g, expected)


@needs_max_pool2d
def test_max_pool2d_return_indices():
    x, xa = randn_pair(2, 3, 6, 5)
    v, idx = F.max_pool2d(x, 2, return_indices=True)
    assert idx.dtype == rtorch.int64 and tuple(idx.shape) == tuple(v.shape) == (2, 3, 3, 2)
    np.testing.assert_array_equal(np.take_along_axis(xa.reshape(2, 3, -1), n(idx).reshape(2, 3, -1), 2),
                                  n(v).reshape(2, 3, -1))
    v2, idx2 = nn.MaxPool2d(2, return_indices=True)(x)
    np.testing.assert_array_equal(n(idx2), n(idx))


@needs_avg_pool2d
@pytest.mark.parametrize("args", [(2, None, 0, True), (3, 2, 1, True), (3, 2, 1, False),
                                  ((2, 3), (2, 1), (1, 1), True)], ids=str)
def test_avg_pool2d_matches_numpy(args):
    k, s, p, cip = args
    x, xa = randn_pair(2, 3, 7, 8)
    out = F.avg_pool2d(x, k, s, p, count_include_pad=cip)
    ref = np_pool2d(xa, k, s if s is not None else k, p, "avg", count_include_pad=cip)
    np.testing.assert_allclose(n(out), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(n(nn.AvgPool2d(k, s, p, count_include_pad=cip)(x)), ref, rtol=1e-10, atol=1e-12)
    if cip:
        kk = k if isinstance(k, tuple) else (k, k)
        np.testing.assert_allclose(n(F.avg_pool2d(x, k, s, p, divisor_override=5)), ref * kk[0] * kk[1] / 5,
                                   rtol=1e-10, atol=1e-12)


@needs_adaptive
def test_adaptive_avg_pool2d():
    x, xa = randn_pair(2, 3, 6, 8)
    np.testing.assert_allclose(n(nn.AdaptiveAvgPool2d(1)(x)), xa.mean((2, 3), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(n(nn.AdaptiveAvgPool2d((3, None))(x)),
                               xa.reshape(2, 3, 3, 2, 8).mean(3), rtol=1e-12)


def test_pool_values_match_numpy():
    a = np.random.default_rng(4).standard_normal((2, 3, 6, 6)).astype(np.float32)
    t = rtorch.from_numpy(a)
    F = rtorch.nn.functional
    ref_max = a.reshape(2, 3, 3, 2, 3, 2).max(axis=(3, 5))
    assert_close(F.max_pool2d(t, 2), ref_max)
    assert_close(F.avg_pool2d(t, 2), a.reshape(2, 3, 3, 2, 3, 2).mean(axis=(3, 5)))
    assert_close(F.adaptive_avg_pool2d(t, 1), a.mean(axis=(2, 3), keepdims=True))
    v, i = F.max_pool2d(t, 2, return_indices=True)
    assert_close(v, np.take_along_axis(a.reshape(2, 3, 36), i.numpy().reshape(2, 3, 9), 2).reshape(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.max_pool2d(rtorch.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError):
        F.conv2d(rtorch.zeros(1, 3, 5, 5), rtorch.zeros(4, 2, 3, 3))


# ------------------------------------------------------------------ 1-D pooling
def np_pool1d(x, k, s, p, op, d=1, count_include_pad=True):
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(p, p)], constant_values=fill)
    L = (xp.shape[-1] - d * (k - 1) - 1) // s + 1
    wins = np.stack([xp[..., i * d:i * d + s * (L - 1) + 1:s] for i in range(k)])
    if op == "max":
        return wins.max(0), wins.argmax(0)
    cnt = np.stack([np.pad(np.ones(x.shape[-1]), (p, p))[i * d:i * d + s * (L - 1) + 1:s] for i in range(k)]).sum(0)
    return wins.sum(0) / (k if count_include_pad else cnt)


@pytest.mark.parametrize("k,s,p,d", [(2, None, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2), (4, 3, 2, 1)])
def test_max_pool1d(k, s, p, d, rng):
    x = rng.standard_normal((2, 3, 11))
    m = nn.MaxPool1d(k, s, p, d, return_indices=True)
    out, idx = m(t(x))
    ref, arg = np_pool1d(x, k, s or k, p, "max", d)
    assert_close(out, ref, rtol=1e-6, atol=1e-8)
    # the window argmax as an index into the unpadded input
    starts = np.arange(ref.shape[-1]) * (s or k) - p
    assert np.array_equal(n(idx), starts + arg * d) and idx.dtype == rtorch.int64
    assert_close(F.max_pool1d(t(x[0]), k, s, p, d), ref[0], rtol=1e-6, atol=1e-8)  # unbatched (C, L)
    assert repr(nn.MaxPool1d(2)) == "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"


@pytest.mark.parametrize("k,s,p,cip", [(2, None, 0, True), (3, 2, 1, True), (3, 2, 1, False), (5, 1, 2, False)])
def test_avg_pool1d(k, s, p, cip, rng):
    x = rng.standard_normal((2, 3, 10))
    m = nn.AvgPool1d(k, s, p, count_include_pad=cip)
    assert_close(m(t(x)), np_pool1d(x, k, s or k, p, "avg", count_include_pad=cip), rtol=1e-6, atol=1e-8)
    xt = t(x[:1, :2, :6], requires_grad=True)
    assert gradcheck(lambda x: F.avg_pool1d(x, k, s, p, count_include_pad=cip), (xt,))
    assert repr(nn.AvgPool1d(3, 2)) == "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))"


def test_pool1d_errors():
    with pytest.raises(RuntimeError, match=r"2-D \(C, L\) or 3-D \(N, C, L\) input, got input of size \[1, 2, 3, 4\]"):
        F.max_pool1d(rtorch.zeros(1, 2, 3, 4), 2)
    with pytest.raises(RuntimeError, match=r"got input of size \[5\]"):
        F.avg_pool1d(rtorch.zeros(5), 2)


def _check_pools(h, w, k, s, p, ceil, include_pad, div, seed, reference):
    """avg_pool2d / max_pool2d values and input gradients against PyTorch's (`reference`: torch_ref or
    live_ref)."""
    k = max(k, 2 * p)  # PyTorch: pad at most half the kernel
    if h + 2 * p < k or w + 2 * p < k:
        return
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w))

    def run(lib):
        out = []
        for name, kw in (("avg_pool2d", dict(ceil_mode=ceil, count_include_pad=include_pad, divisor_override=div)),
                         ("max_pool2d", dict(ceil_mode=ceil))):
            xs = lib.from_numpy(x).requires_grad_()
            y = getattr(lib.nn.functional, name)(xs, k, s, p, **kw)
            g = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape))
            (gx,) = lib.autograd.grad((y * lib.from_numpy(g)).sum(), xs)
            out += [y.detach().numpy(), gx.numpy()]
        return out
    for a, b in zip(run(rtorch), reference(run), strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
       st.booleans(), st.booleans(), st.sampled_from([None, 1, 3, 7]), st.integers(0, 2**31))
def test_pools_with_ceil_mode_and_divisor_match_torch(h, w, k, s, p, ceil, include_pad, div, seed):
    _check_pools(h, w, k, s, p, ceil, include_pad, div, seed, live_ref)


# Fixed geometries for the same check without PyTorch (recorded): ceil_mode windows that start in the
# right padding, divisor overrides, kernels as large as the padded input, 1-pixel inputs.
POOL_CASES = [(1, 1, 1, 1, 0, False, True, None), (5, 4, 2, 2, 1, True, False, None), (7, 9, 3, 2, 1, True, True, 3),
              (9, 9, 4, 3, 2, True, False, 7), (2, 3, 2, 3, 1, True, True, None), (6, 5, 3, 1, 0, False, False, 1),
              (8, 7, 4, 3, 2, False, True, None), (3, 8, 2, 2, 0, True, False, 7), (9, 2, 4, 1, 2, True, True, None),
              (4, 4, 4, 2, 2, True, False, None)]


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_pools_fixed_cases_match_torch(case):
    _check_pools(*case, seed=sum(case[:5]), reference=torch_ref)


def test_pool_modules_and_1d_ceil_mode():
    x = np.random.default_rng(0).standard_normal((2, 3, 7))

    def run(lib):
        return [m(lib.from_numpy(x)).numpy() for m in (lib.nn.MaxPool1d(2, ceil_mode=True),
                                                       lib.nn.AvgPool1d(3, 2, 1, ceil_mode=True))]
    for a, b in zip(run(rtorch), torch_ref(run), strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-12)
    with pytest.raises(ValueError, match="divisor"):
        F.avg_pool2d(rtorch.ones(1, 1, 4, 4), 2, divisor_override=0)


# ------------------------------------------------------------------ window-table kernels (cpu/pool.rs)
def np_avg_pool2d_loops(x, k, s, p, ceil, include_pad, div):
    """PyTorch's avg_pool2d by its definition, one window at a time (the oracle for the window tables)."""
    def out_len(n, k, s, p):
        o = (n + 2 * p - k + ((s - 1) if ceil else 0)) // s + 1
        return o - 1 if ceil and (o - 1) * s >= n + p else o
    H, W = x.shape[-2:]
    oh, ow = out_len(H, k, s, p), out_len(W, k, s, p)
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s - p, j * s - p
            h1, w1 = min(h0 + k, H + p), min(w0 + k, W + p)
            pool = (h1 - h0) * (w1 - w0)
            h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, H), min(w1, W)
            d = div or (pool if include_pad else (h1 - h0) * (w1 - w0))
            out[..., i, j] = x[..., h0:h1, w0:w1].sum((-1, -2)) / d
    return out


def np_adaptive_avg(x, oh, ow):
    H, W = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, h1 = i * H // oh, -(-(i + 1) * H // oh)
            w0, w1 = j * W // ow, -(-(j + 1) * W // ow)
            out[..., i, j] = x[..., h0:h1, w0:w1].mean((-1, -2))
    return out


@pytest.mark.parametrize("k,s,p,ceil,include_pad,div", [(2, 2, 0, False, True, None), (3, 2, 1, True, False, None),
                                                       (3, 2, 1, True, True, None), (4, 3, 2, False, True, 5),
                                                       (5, 1, 2, False, False, None)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avg_pool2d_windows_every_option(k, s, p, ceil, include_pad, div, dtype, num_threads):
    a = np.random.default_rng(k * 10 + s).standard_normal((3, 5, 13, 11)).astype(dtype)
    ref = np_avg_pool2d_loops(a.astype(np.float64), k, s, p, ceil, include_pad, div)
    x = rtorch.from_numpy(a)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert_close(F.avg_pool2d(x, k, s, p, ceil, include_pad, div), ref.astype(dtype), rtol=tol, atol=tol)
    # The same values through a channels-last storage (a non-contiguous NCHW view).
    xl = rtorch.from_numpy(np.ascontiguousarray(a.transpose(0, 2, 3, 1))).permute(0, 3, 1, 2)
    assert_close(F.avg_pool2d(xl, k, s, p, ceil, include_pad, div), ref.astype(dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("hw,out", [((56, 56), (1, 1)), ((7, 9), (3, 4)), ((10, 10), (7, 3)), ((5, 6), (5, 6)),
                                    ((4, 4), (6, 5))])
def test_adaptive_avg_pool2d_windows(hw, out, num_threads):
    # (56, 56) -> 1 is the global pooling; (4, 4) -> (6, 5) has overlapping windows that repeat inputs.
    a = np.random.default_rng(hw[0]).standard_normal((2, 64, *hw))
    x = rtorch.from_numpy(a)
    assert_close(F.adaptive_avg_pool2d(x, out), np_adaptive_avg(a, *out), rtol=1e-12, atol=1e-12)
    assert_close(F.adaptive_avg_pool2d(x.transpose(2, 3), out[::-1]),
                 np_adaptive_avg(a.transpose(0, 1, 3, 2), *out[::-1]), rtol=1e-12, atol=1e-12)
    x32 = rtorch.from_numpy(a.astype(np.float32))
    assert_close(F.adaptive_avg_pool2d(x32, out), np_adaptive_avg(a, *out).astype(np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda x: F.avg_pool2d(x, 2, divisor_override=3),
    lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
    lambda x: F.adaptive_avg_pool2d(x, 1),
    lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
], ids=["avg", "avg_div", "adaptive", "global", "max"])
def test_pool_kernels_gradcheck_and_gradgradcheck(fn, num_threads):
    x = rtorch.from_numpy(np.random.default_rng(0).standard_normal((2, 3, 7, 6))).requires_grad_()
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_pool_kernels_across_the_thread_grain(num_threads):
    # 2 * 64 planes of 56 x 56 (~400k elements: split across threads) and a single huge plane.
    a = np.random.default_rng(3).standard_normal((2, 64, 56, 56)).astype(np.float32)
    a[1, 63, 55, 54] = 50.0
    x = rtorch.from_numpy(a)
    assert_close(F.adaptive_avg_pool2d(x, 1), a.mean((2, 3), keepdims=True), rtol=1e-5, atol=1e-6)
    v, i = F.max_pool2d(x, 2, return_indices=True)
    assert_close(v, a.reshape(2, 64, 28, 2, 28, 2).max((3, 5)), rtol=0, atol=0)
    assert i[1, 63, 27, 27].item() == 55 * 56 + 54
    one = np.random.default_rng(4).standard_normal((1, 1, 263, 257))
    assert_close(F.avg_pool2d(rtorch.from_numpy(one), 3, 2, 1), np_avg_pool2d_loops(one, 3, 2, 1, False, True, None),
                 rtol=1e-12, atol=1e-12)


def test_max_pool_nan_and_first_max():
    a = np.zeros((1, 1, 4, 4), np.float32)
    a[0, 0, 1, 1] = np.nan
    a[0, 0, 2, 3] = a[0, 0, 3, 2] = 1.0  # a tie: the first in row-major order wins
    v, i = F.max_pool2d(rtorch.from_numpy(a), 2, return_indices=True)
    assert np.isnan(v[0, 0, 0, 0].item()) and i[0, 0, 0, 0].item() == 5
    assert v[0, 0, 1, 1].item() == 1.0 and i[0, 0, 1, 1].item() == 11
    assert i[0, 0, 0, 1].item() == 2  # all zeros: the first


def test_pool_empty_plane_raises_like_pytorch():
    # Only the batch dim may be empty (PyTorch's message); an empty batch gives an empty result.
    for shape in ((1, 1, 0, 4), (1, 0, 4, 4), (0, 4, 4)):
        for f in (lambda x: F.max_pool2d(x, 2, padding=1), lambda x: F.avg_pool2d(x, 2, padding=1)):
            with pytest.raises(RuntimeError, match="optional 0 dim batch size"):
                f(rtorch.ones(shape))
    assert tuple(F.max_pool2d(rtorch.ones(0, 1, 4, 4), 2, padding=1).shape) == (0, 1, 3, 3)
    assert tuple(F.avg_pool2d(rtorch.ones(0, 1, 4, 4), 2, padding=1).shape) == (0, 1, 3, 3)
    assert tuple(F.adaptive_avg_pool2d(rtorch.ones(1, 0, 4, 4), 1).shape) == (1, 0, 1, 1)
    # adaptive: empty batch or channels give an empty result; an empty plane only for output 1 (a NaN mean)
    assert tuple(F.adaptive_avg_pool2d(rtorch.ones(2, 0, 3, 3), 2).shape) == (2, 0, 2, 2)
    assert tuple(F.adaptive_avg_pool2d(rtorch.ones(0, 4, 4), 2).shape) == (0, 2, 2)
    assert bool(F.adaptive_avg_pool2d(rtorch.ones(1, 1, 0, 4), 1).isnan().all())
    with pytest.raises(RuntimeError, match="non-zero size for non-batch dimensions"):
        F.adaptive_avg_pool2d(rtorch.ones(4, 0, 4), 2)

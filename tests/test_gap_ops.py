"""nanmedian with NaNs, unique(dim=), pooling ceil_mode / divisor_override, conv padding='same' with
even kernels: against PyTorch 2.15 (and NumPy where it has the op)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn.functional as F

torch = pytest.importorskip("torch")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 7), st.floats(0, 1), st.integers(0, 2**31))
def test_nanmedian_matches_numpy_and_torch(rows, cols, nan_frac, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, (rows, cols)).astype(np.float64)  # ties on purpose
    a[rng.random(a.shape) < nan_frac] = np.nan
    r = rtorch.from_numpy(a)
    v, i = r.nanmedian(1)
    tv, _ = torch.from_numpy(a).nanmedian(1)
    np.testing.assert_array_equal(v.numpy(), tv.numpy())
    # the index points at an element holding the median (NaN rows: at a NaN)
    picked = np.take_along_axis(a, i.numpy()[:, None], 1)[:, 0]
    np.testing.assert_array_equal(picked, v.numpy())
    # NumPy's nanmedian averages the two middle values; the lower median is PyTorch's rule
    lower = [np.sort(row[~np.isnan(row)])[(np.count_nonzero(~np.isnan(row)) - 1) // 2]
             if (~np.isnan(row)).any() else np.nan for row in a]
    np.testing.assert_array_equal(v.numpy(), lower)
    np.testing.assert_array_equal(r.nanmedian().numpy(), torch.from_numpy(a).nanmedian().numpy())
    np.testing.assert_array_equal(r.median(1).values.numpy(), torch.from_numpy(a).median(1).values.numpy())


def test_median_of_empty_is_nan_like_torch():
    assert np.isnan(rtorch.tensor([]).median().item()) and np.isnan(rtorch.tensor([]).nanmedian().item())
    with pytest.raises(IndexError, match="non-zero size"):
        rtorch.empty(0, 3).nanmedian(0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=3), st.data(), st.integers(0, 2**31),
       st.sampled_from([np.float32, np.int64, np.bool_]))
def test_unique_dim_matches_numpy_and_torch(shape, data, seed, dt):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = np.random.default_rng(seed).integers(0, 2, shape).astype(dt)  # few values: many duplicate slices
    zero = [i for i, n in enumerate(shape) if n == 0]
    if len(zero) > 1 or (zero and zero[0] != dim % len(shape)):
        with pytest.raises(RuntimeError, match="unique cannot be applied"):
            rtorch.from_numpy(a).unique(dim=dim)
        with pytest.raises(RuntimeError, match="unique cannot be applied"):
            torch.from_numpy(a).unique(dim=dim)
        return
    v, inv, cnt = rtorch.from_numpy(a).unique(dim=dim, return_inverse=True, return_counts=True)
    if a.size > 0:  # NumPy's axis unique of a size-0 array differs from PyTorch's
        ev, einv, ecnt = np.unique(a, axis=dim, return_inverse=True, return_counts=True)
        np.testing.assert_array_equal(v.numpy(), ev)
        np.testing.assert_array_equal(inv.numpy(), einv.reshape(-1))
        np.testing.assert_array_equal(cnt.numpy(), ecnt)
    tv, tinv, tcnt = torch.from_numpy(a).unique(dim=dim, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(v.numpy(), tv.numpy())
    np.testing.assert_array_equal(inv.numpy(), tinv.numpy())
    np.testing.assert_array_equal(cnt.numpy(), tcnt.numpy())
    assert rtorch.unique(rtorch.from_numpy(a), dim=dim).shape == tuple(tv.shape)


def test_unique_dim_errors():
    with pytest.raises(IndexError):
        rtorch.tensor(3).unique(dim=0)
    with pytest.raises(IndexError):
        rtorch.ones(2, 2).unique(dim=2)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
       st.booleans(), st.booleans(), st.sampled_from([None, 1, 3, 7]), st.integers(0, 2**31))
def test_pools_with_ceil_mode_and_divisor_match_torch(h, w, k, s, p, ceil, include_pad, div, seed):
    k = max(k, 2 * p)  # PyTorch: pad at most half the kernel
    if h + 2 * p < k or w + 2 * p < k:
        return
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w))
    xr = rtorch.from_numpy(x).requires_grad_()
    xt = torch.from_numpy(x).requires_grad_()
    for rf, tf, kw in (
        (F.avg_pool2d, torch.nn.functional.avg_pool2d,
         dict(ceil_mode=ceil, count_include_pad=include_pad, divisor_override=div)),
        (F.max_pool2d, torch.nn.functional.max_pool2d, dict(ceil_mode=ceil)),
    ):
        yr, yt = rf(xr, k, s, p, **kw), tf(xt, k, s, p, **kw)
        assert tuple(yr.shape) == tuple(yt.shape)
        np.testing.assert_allclose(yr.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
        g = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape))
        (gr,) = rtorch.autograd.grad((yr * rtorch.from_numpy(g)).sum(), xr)
        (gt,) = torch.autograd.grad((yt * torch.from_numpy(g)).sum(), xt)
        np.testing.assert_allclose(gr.numpy(), gt.numpy(), rtol=1e-12, atol=1e-12)


def test_pool_modules_and_1d_ceil_mode():
    x = np.random.default_rng(0).standard_normal((2, 3, 7))
    for rm, tm in ((rtorch.nn.MaxPool1d(2, ceil_mode=True), torch.nn.MaxPool1d(2, ceil_mode=True)),
                   (rtorch.nn.AvgPool1d(3, 2, 1, ceil_mode=True), torch.nn.AvgPool1d(3, 2, 1, ceil_mode=True))):
        np.testing.assert_allclose(rm(rtorch.from_numpy(x)).numpy(), tm(torch.from_numpy(x)).numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="divisor"):
        F.avg_pool2d(rtorch.ones(1, 1, 4, 4), 2, divisor_override=0)


@pytest.mark.parametrize("k,d", [(2, 1), (4, 1), (2, 3), (3, 2), (3, 1)])
def test_conv_same_padding_even_kernels_match_torch(k, d):
    rng = np.random.default_rng(k * 10 + d)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, k, k + 1))
    out = F.conv2d(rtorch.from_numpy(x), rtorch.from_numpy(w), padding="same", dilation=d)
    exp = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding="same", dilation=d)
    assert tuple(out.shape) == tuple(exp.shape) == (2, 4, 9, 8)
    np.testing.assert_allclose(out.numpy(), exp.numpy(), rtol=1e-10, atol=1e-10)
    # the native op itself (no Python wrapper) applies the same rule
    nat = rtorch._rtorch.conv2d(rtorch.from_numpy(x), rtorch.from_numpy(w), None, (1, 1), "same", (d, d), 1)
    np.testing.assert_allclose(nat.numpy(), exp.numpy(), rtol=1e-10, atol=1e-10)
    x1, w1 = rng.standard_normal((2, 3, 11)), rng.standard_normal((5, 3, k))
    np.testing.assert_allclose(
        F.conv1d(rtorch.from_numpy(x1), rtorch.from_numpy(w1), padding="same", dilation=d).numpy(),
        torch.nn.functional.conv1d(torch.from_numpy(x1), torch.from_numpy(w1), padding="same", dilation=d).numpy(),
        rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, 2, "same", "valid", (1, 2)])
def test_conv_padding_modes_match_torch(mode, padding):
    rng = np.random.default_rng(5)
    for dims, rcls, tcls in ((2, rtorch.nn.Conv2d, torch.nn.Conv2d), (1, rtorch.nn.Conv1d, torch.nn.Conv1d)):
        if dims == 1 and isinstance(padding, tuple):
            continue
        kernel = (3, 4) if dims == 2 else 4
        r = rcls(3, 5, kernel, padding=padding, padding_mode=mode, dtype=rtorch.float64)
        t = tcls(3, 5, kernel, padding=padding, padding_mode=mode, dtype=torch.float64)
        with torch.no_grad():
            t.weight.copy_(torch.from_numpy(r.weight.detach().numpy()))
            t.bias.copy_(torch.from_numpy(r.bias.detach().numpy()))
        x = rng.standard_normal((2, 3, 7, 6) if dims == 2 else (2, 3, 9))
        xr = rtorch.from_numpy(x).requires_grad_()
        xt = torch.from_numpy(x).requires_grad_()
        yr, yt = r(xr), t(xt)
        np.testing.assert_allclose(yr.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-10)
        yr.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(xr.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(r.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-10, atol=1e-10)
        assert repr(r) == repr(t)
    with pytest.raises(ValueError, match="zeros"):
        rtorch.nn.ConvTranspose2d(3, 3, 2, padding_mode=mode)

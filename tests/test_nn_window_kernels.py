"""The native window-table kernels (max / average pooling over 1, 2 or 3 trailing dims, plain and adaptive,
interpolate's resampling pass, the tap gather of grid_sample and embedding_bag, depthwise conv2d) against the
composed tensor-op path they replace on the CPU (the path of every other device), and their direct bindings'
argument checks: odd sizes, padding, dilation, ceil_mode, ties and NaN, rows past the SIMD width, non-contiguous
and channels-last inputs, empty batches, 1 and 2 threads, float64 gradcheck. PyTorch parity of the same
functions is in test_pooling_extra.py / test_sampling.py / test_conv3d.py (fixtures)."""
import contextlib

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck
from helpers import assert_close

NATIVE = ("_max_pool_nd", "_adaptive_max_pool_nd", "_avg_pool_nd", "_adaptive_avg_pool_nd", "_resample",
          "_gather_taps")
pytestmark = pytest.mark.skipif(not all(hasattr(rtorch._rtorch, n) for n in NATIVE[:5]),
                                reason="this build lacks the native window-table kernels")


@contextlib.contextmanager
def composed():
    """Run the nn functions on their composed (non-native) path: the kernels hidden, restored afterwards."""
    saved = {n: getattr(rtorch._rtorch, n) for n in NATIVE if hasattr(rtorch._rtorch, n)}
    try:
        for n in saved:
            delattr(rtorch._rtorch, n)
        yield
    finally:
        for n, f in saved.items():
            setattr(rtorch._rtorch, n, f)


def both(fn, x, grad=True, *more):
    """(native, composed) results of ``fn(x, *more)`` and, with ``grad``, of the gradients of ``(fn(...) *
    g).sum()`` for a fixed random g (a tuple result: its first item) for x and the float tensors of ``more``."""
    outs = []
    for ctx in (contextlib.nullcontext(), composed()):
        with ctx:
            ts = [a.detach().clone().requires_grad_(grad) if a.dtype.is_floating_point else a for a in (x,) + more]
            r = fn(*ts)
            v = r[0] if isinstance(r, tuple) else r
            res = [r]
            if grad:
                g = rtorch.tensor(np.random.default_rng(1).standard_normal(tuple(v.shape)), dtype=v.dtype)
                wrt = tuple(t for t in ts if t.requires_grad)
                grads = rtorch.autograd.grad((v * g).sum(), wrt, allow_unused=True)
                res.append(tuple(rtorch.zeros_like(t) if d is None else d for t, d in zip(wrt, grads)))
            outs.append(res)
    return outs


def same(a, b, exact):
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert tuple(u.shape) == tuple(v.shape) and u.dtype == v.dtype
        tol = 0 if exact or not u.dtype.is_floating_point else 1e-5
        assert_close(u, v.detach().numpy(), rtol=tol, atol=tol, equal_nan=True)


def check(fn, x, exact=True, grad=True, *more):
    (r, *gr), (c, *gc) = both(fn, x, grad, *more)
    same(r, c, exact)
    if grad:
        same(tuple(gr[0]), tuple(gc[0]), False)


def data(shape, seed=0, ties=False, nan=False, dtype=np.float64):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 3, size=shape) if ties else rng.standard_normal(shape)
    a = a.astype(dtype)
    if nan and a.size:
        a.reshape(-1)[rng.integers(0, a.size, size=max(1, a.size // 7))] = np.nan
    return rtorch.tensor(a)


def pool_args(nd):
    k = st.integers(1, 4)
    return st.tuples(st.lists(st.integers(1, 9), min_size=nd, max_size=nd), st.lists(k, min_size=nd, max_size=nd),
                     st.lists(st.integers(1, 3), min_size=nd, max_size=nd),
                     st.lists(st.integers(0, 2), min_size=nd, max_size=nd),
                     st.lists(st.integers(1, 2), min_size=nd, max_size=nd), st.booleans())


def valid(sizes, k, s, p, d):
    return all(pp <= ((kk - 1) * dd + 1) // 2 and n + 2 * pp >= dd * (kk - 1) + 1
               for n, kk, pp, dd in zip(sizes, k, p, d))


MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([3]), pool_args(3), st.booleans(), st.booleans(), st.integers(0, 2**31 - 1))
def test_max_pool3d_native_equals_composed(nd, args, ties, nan, seed):
    sizes, k, s, p, d, ceil = args
    assume(valid(sizes, k, s, p, d))
    x = data([2, 3] + sizes, seed, ties, nan)
    check(lambda t: F.max_pool3d(t, k, s, p, d, ceil, return_indices=True), x, grad=not nan)


@settings(max_examples=40, deadline=None)
@given(pool_args(3), st.booleans(), st.sampled_from([None, 3]), st.integers(0, 2**31 - 1))
def test_avg_pool3d_native_equals_composed(args, include_pad, divisor, seed):
    sizes, k, s, p, _, ceil = args
    p = [min(pp, kk // 2) for pp, kk in zip(p, k)]
    assume(valid(sizes, k, s, p, [1, 1, 1]))
    x = data([2, 3] + sizes, seed)
    check(lambda t: F.avg_pool3d(t, k, s, p, ceil, include_pad, divisor), x, exact=False)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.lists(st.integers(1, 11), min_size=3, max_size=3),
       st.lists(st.integers(1, 12), min_size=3, max_size=3), st.booleans(), st.integers(0, 2**31 - 1))
def test_adaptive_pools_native_equal_composed(nd, sizes, out, ties, seed):
    sizes, out = sizes[:nd], out[:nd]
    x = data([2, 3] + sizes, seed, ties)
    mx = (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d)[nd - 1]
    av = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[nd - 1]
    o = out[0] if nd == 1 else out
    check(lambda t: mx(t, o, return_indices=True), x)
    check(lambda t: av(t, o), x, exact=False)


@pytest.mark.parametrize("width", [1, 7, 8, 9, 17, 33])
def test_rows_past_the_simd_width(width, num_threads):
    # avg pooling sums window rows with vector adds across W; the resampling pass runs taps across the inner dims
    x = data((3, 5, 4, 6, width), 2)
    check(lambda t: F.avg_pool3d(t, (2, 3, 1), (1, 2, 1), (1, 1, 0), count_include_pad=False), x, exact=False)
    check(lambda t: F.max_pool3d(t, (3, 2, 1), (2, 1, 1), (1, 1, 0), return_indices=True), x)
    check(lambda t: F.adaptive_avg_pool3d(t, (3, 5, max(1, width // 2))), x, exact=False)
    check(lambda t: F.interpolate(t, size=(5, 9, width + 2), mode="trilinear"), x, exact=False)
    check(lambda t: F.interpolate(t, scale_factor=2, mode="nearest"), x)


def test_several_threads_large_planes(num_threads):
    # enough work to split the planes over the pool
    x = data((4, 16, 8, 16, 40), 3, dtype=np.float32)
    check(lambda t: F.max_pool3d(t, 3, 2, 1, return_indices=True), x)
    check(lambda t: F.avg_pool3d(t, 2), x, exact=False)
    check(lambda t: F.adaptive_max_pool2d(t.flatten(1, 2), (5, 7), return_indices=True), x)
    check(lambda t: F.interpolate(t.flatten(1, 2), scale_factor=1.5, mode="bicubic"), x, exact=False)


@pytest.mark.parametrize("layout", ["channels_last", "step", "transposed"])
def test_non_contiguous_inputs(layout):
    base = data((2, 5, 6, 7, 4), 4)                       # (N, D, H, W, C) storage
    if layout == "channels_last":
        x = base.permute(0, 4, 1, 2, 3)
    elif layout == "step":
        x = data((2, 4, 5, 6, 14), 4)[..., ::2]
    else:
        x = data((2, 4, 7, 6, 5), 4).transpose(2, 4)
    assert not x.is_contiguous()
    check(lambda t: F.max_pool3d(t, 2, 1, 1, return_indices=True), x)
    check(lambda t: F.avg_pool3d(t, 3, 2, 1, ceil_mode=True), x, exact=False)
    check(lambda t: F.adaptive_max_pool3d(t, 3, return_indices=True), x)
    check(lambda t: F.interpolate(t, size=(4, 9, 3), mode="trilinear", align_corners=True), x, exact=False)
    y = x.flatten(1, 2)
    check(lambda t: F.interpolate(t, size=(4, 11), mode="bilinear"), y, exact=False)
    check(lambda t: F.interpolate(t, size=(4, 11), mode="bicubic", align_corners=True), y, exact=False)


def test_empty_batch_and_channels():
    for shape in [(0, 3, 4, 5, 6), (2, 0, 4, 5, 6)]:
        x = data(shape)
        assert tuple(F.max_pool3d(x, 2).shape) == shape[:2] + (2, 2, 3)
        assert tuple(F.avg_pool3d(x, 2, ceil_mode=True).shape) == shape[:2] + (2, 3, 3)
        if shape[0] == 0:  # (PyTorch refuses empty channels in adaptive pooling)
            assert tuple(F.adaptive_max_pool3d(x, (1, 2, 3)).shape) == shape[:2] + (1, 2, 3)
            assert tuple(F.adaptive_avg_pool3d(x, 2).shape) == shape[:2] + (2, 2, 2)
        assert tuple(F.interpolate(x, scale_factor=2, mode="trilinear").shape) == shape[:2] + (8, 10, 12)
        assert tuple(F.interpolate(x, scale_factor=2).shape) == shape[:2] + (8, 10, 12)


def test_unbatched_and_half_precision_inputs():
    x = data((3, 5, 6, 7), 5, dtype=np.float32)
    check(lambda t: F.max_pool3d(t, 2, return_indices=True), x)
    check(lambda t: F.avg_pool3d(t, 2), x, exact=False)
    h = x.to(rtorch.float16)
    v, i = F.max_pool3d(h, 2, return_indices=True)
    assert v.dtype == rtorch.float16
    with composed():
        v2, i2 = F.max_pool3d(h, 2, return_indices=True)
    assert_close(v, v2.numpy(), rtol=0, atol=0)
    assert_close(i, i2.numpy(), rtol=0, atol=0)


def distinct(shape, seed=0):
    n = int(np.prod(shape))
    return rtorch.tensor((np.random.default_rng(seed).permutation(n) / n).reshape(shape), requires_grad=True)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=(2, 1, 3), stride=(1, 2, 1), dilation=(2, 1, 1))], ids=str)
def test_pool3d_gradcheck(kw):
    x = distinct((1, 2, 5, 4, 6))
    assert gradcheck(lambda t: F.max_pool3d(t, **kw), (x,))
    kw = {k: v for k, v in kw.items() if k != "dilation"}
    for include in (True, False):
        assert gradcheck(lambda t: F.avg_pool3d(t, count_include_pad=include, **kw), (x,))
    assert gradcheck(lambda t: F.avg_pool3d(t, divisor_override=5, **kw), (x,))


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_adaptive_gradcheck(nd):
    x = distinct((1, 2) + (5, 7, 4)[:nd])
    out = (3, 4, 6)[:nd]
    mx = (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d)[nd - 1]
    av = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[nd - 1]
    assert gradcheck(lambda t: mx(t, out[0] if nd == 1 else out), (x,))
    assert gradcheck(lambda t: av(t, out[0] if nd == 1 else out), (x,))


@pytest.mark.parametrize("mode,shape,kw", [
    ("nearest", (1, 2, 5), dict(size=8)), ("nearest-exact", (1, 2, 4, 5), dict(scale_factor=1.7)),
    ("linear", (1, 2, 5), dict(size=9, align_corners=True)), ("bilinear", (1, 2, 4, 5), dict(size=(7, 3))),
    ("bicubic", (1, 2, 4, 5), dict(scale_factor=1.5, align_corners=False)),
    ("bicubic", (1, 2, 4, 5), dict(size=(6, 9), align_corners=True)),
    ("trilinear", (1, 1, 3, 4, 5), dict(size=(5, 2, 7)))], ids=str)
def test_interpolate_gradcheck_and_double_backward(mode, shape, kw):
    x = distinct(shape)
    assert gradcheck(lambda t: F.interpolate(t, mode=mode, **kw), (x,))
    # the backward (the adjoint pass) is itself differentiable
    assert rtorch.autograd.gradgradcheck(lambda t: F.interpolate(t, mode=mode, **kw), (x,))


def test_bindings_refuse_bad_arguments_without_crashing():
    x = data((1, 2, 4, 5, 6))
    R = rtorch._rtorch
    for args in [([0, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1]), ([2, 2, 2], [0, 1, 1], [0, 0, 0], [1, 1, 1]),
                 ([2, 2, 2], [1, 1, 1], [2, 0, 0], [1, 1, 1]), ([9, 2, 2], [1, 1, 1], [0, 0, 0], [1, 1, 1]),
                 ([2, 2], [1, 1, 1], [0, 0, 0], [1, 1, 1]), ([2] * 4, [1] * 4, [0] * 4, [1] * 4),
                 ([2, 2, 2], [1, 1, 1], [0, 0, 0], [2**62, 1, 1])]:
        with pytest.raises(ValueError):
            R._max_pool_nd(x, *args, False)
    with pytest.raises(ValueError):
        R._avg_pool_nd(x, [2, 2, 2], [1, 1, 1], [0, 0, 0], False, True, 0)
    with pytest.raises(ValueError):
        R._adaptive_max_pool_nd(x, [2, 0, 2])
    with pytest.raises(ValueError):
        R._adaptive_avg_pool_nd(data((1, 3, 0)), [2])
    with pytest.raises((RuntimeError, MemoryError)):
        R._adaptive_avg_pool_nd(x, [2**40, 2**40, 1])
    with pytest.raises(ValueError):
        R._resample(x, 4, 6, [0, 1, 2], [1.0, 1.0, 1.0], 2)       # not whole taps
    with pytest.raises(ValueError):
        R._resample(x, 4, 6, [0, 6], [1.0, 1.0], 1)               # index past n_in
    with pytest.raises((ValueError, RuntimeError)):
        R._resample(x, 4, 5, [0, 1], [1.0, 1.0], 1)               # n_in is not the dim's size
    with pytest.raises((ValueError, RuntimeError)):
        R._resample(x, 7, 6, [0, 1], [1.0, 1.0], 1)               # no such dim
    out = R._resample(x, 4, 6, [5, 0, 2, 3], [0.25, 0.75, 1.0, -1.0], 2)
    xs = x.numpy()
    ref = np.array([0.25, 1.0]) * xs[..., [5, 2]] + np.array([0.75, -1.0]) * xs[..., [0, 3]]
    assert_close(out, ref, rtol=1e-12, atol=1e-12)


def test_integer_inputs_keep_the_composed_path():
    x = rtorch.arange(2 * 3 * 4 * 4 * 4).reshape(2, 3, 4, 4, 4)
    assert F.max_pool3d(x, 2).dtype == rtorch.int64
    assert F.interpolate(x.to(rtorch.uint8), scale_factor=2).dtype == rtorch.uint8


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_native_equals_composed(mode, padding_mode, align, num_threads):
    rng = np.random.default_rng(6)
    x = rtorch.tensor(rng.standard_normal((2, 5, 6, 9)))
    grid = rtorch.tensor(rng.uniform(-1.3, 1.3, (2, 4, 11, 2)))
    fn = lambda t, g: F.grid_sample(t, g, mode, padding_mode, align)  # noqa: E731
    check(fn, x, False, True, grid)
    if mode != "bicubic":
        x3 = rtorch.tensor(rng.standard_normal((1, 3, 4, 5, 6)))
        grid3 = rtorch.tensor(rng.uniform(-1.2, 1.2, (1, 2, 3, 7, 3)))
        check(lambda t, g: F.grid_sample(t, g, mode, padding_mode, align), x3, False, True, grid3)


def test_grid_sample_gradcheck_input_and_grid():
    rng = np.random.default_rng(7)
    x = rtorch.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    # away from integer pixel positions, where the bilinear weights have kinks
    grid = rtorch.tensor(rng.uniform(-0.9, 0.9, (1, 3, 2, 2)), requires_grad=True)
    for mode in ("bilinear", "bicubic"):
        assert gradcheck(lambda t, g: F.grid_sample(t, g, mode, "zeros", False), (x, grid))
    assert gradcheck(lambda t: F.grid_sample(t, grid.detach(), "nearest", "border", True), (x,))


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_native_equals_composed(mode, num_threads):
    rng = np.random.default_rng(8)
    w = rtorch.tensor(rng.standard_normal((30, 19)))
    idx = rtorch.tensor(rng.integers(0, 30, 40))
    off = rtorch.tensor([0, 3, 3, 10, 25, 39])                 # an empty bag, a one-index bag
    check(lambda t: F.embedding_bag(idx, t, off, mode=mode), w, False)
    check(lambda t: F.embedding_bag(idx, t, off, mode=mode, padding_idx=int(idx[4])), w, False)
    check(lambda t: F.embedding_bag(idx.reshape(8, 5), t, mode=mode), w, False)
    check(lambda t: F.embedding_bag(idx, t, rtorch.tensor([0, 7, 7, 40]), mode=mode, include_last_offset=True), w,
          False)
    if mode == "sum":
        psw = rtorch.tensor(rng.standard_normal(40))
        check(lambda t, p: F.embedding_bag(idx, t, off, mode="sum", per_sample_weights=p), w, False, True, psw)
    empty = F.embedding_bag(rtorch.zeros(0, dtype=rtorch.int64), w, rtorch.tensor([0, 0]), mode=mode)
    assert tuple(empty.shape) == (2, 19) and not empty.abs().sum().item()


def test_embedding_bag_gradcheck_weight_and_sample_weights():
    rng = np.random.default_rng(9)
    w = rtorch.tensor(rng.standard_normal((6, 3)), requires_grad=True)
    psw = rtorch.tensor(rng.standard_normal(7), requires_grad=True)
    idx, off = rtorch.tensor([0, 2, 2, 5, 1, 0, 3]), rtorch.tensor([0, 2, 2, 6])
    assert gradcheck(lambda t, p: F.embedding_bag(idx, t, off, mode="sum", per_sample_weights=p), (w, psw))
    assert gradcheck(lambda t: F.embedding_bag(idx, t, off, mode="mean"), (w,))


def test_gather_taps_binding_checks():
    R = rtorch._rtorch
    x = data((1, 2, 5, 3))
    idx = rtorch.tensor([[[0, 4], [2, 2]]])
    w = rtorch.tensor([[[0.5, -1.0], [2.0, 1.0]]], dtype=rtorch.float64)
    out = R._gather_taps(x, idx, w)
    xs = x.numpy()
    ref = np.stack([0.5 * xs[0, :, 0] - xs[0, :, 4], 3.0 * xs[0, :, 2]], 1)[None]
    assert_close(out, ref, rtol=1e-12, atol=1e-12)
    with pytest.raises(IndexError):
        R._gather_taps(x, rtorch.tensor([[[0, 5]]]), rtorch.ones(1, 1, 2, dtype=rtorch.float64))
    with pytest.raises(IndexError):
        R._gather_taps(x, rtorch.tensor([[[-1, 0]]]), rtorch.ones(1, 1, 2, dtype=rtorch.float64))
    with pytest.raises(ValueError):
        R._gather_taps(x.reshape(2, 5, 3), idx, w)
    with pytest.raises(RuntimeError):
        R._gather_taps(x, idx, rtorch.ones(1, 2, 3, dtype=rtorch.float64))     # w is not idx's shape
    with pytest.raises(TypeError):
        R._gather_taps(x, idx.to(rtorch.int32), w)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 2), st.tuples(st.integers(1, 5), st.integers(1, 4)),
       st.tuples(st.integers(1, 3), st.integers(1, 3)), st.tuples(st.integers(0, 2), st.integers(0, 2)),
       st.tuples(st.integers(1, 2), st.integers(1, 2)), st.tuples(st.integers(1, 9), st.integers(1, 19)),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_depthwise_conv2d_equals_per_channel_convs(c, mult, k, s, p, d, hw, bias, seed):
    # groups == channels takes the direct depthwise kernels; one groups=1 convolution per channel is the gemm path
    assume(all(n + 2 * pp >= dd * (kk - 1) + 1 for n, kk, pp, dd in zip(hw, k, p, d)))
    rng = np.random.default_rng(seed)
    x = rtorch.tensor(rng.standard_normal((2, c) + hw), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((c * mult, 1) + k), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(c * mult), requires_grad=True) if bias else None
    got = F.conv2d(x, w, b, s, p, d, groups=c)
    ref = rtorch.cat([F.conv2d(x[:, i:i + 1], w[i * mult:(i + 1) * mult], None if b is None else
                               b[i * mult:(i + 1) * mult], s, p, d) for i in range(c)], 1)
    assert_close(got, ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rtorch.tensor(rng.standard_normal(tuple(got.shape)))
    wrt = (x, w) + ((b,) if bias else ())
    for u, v in zip(rtorch.autograd.grad((got * g).sum(), wrt), rtorch.autograd.grad((ref * g).sum(), wrt)):
        assert_close(u, v.numpy(), rtol=1e-10, atol=1e-10)


def test_depthwise_conv2d_threads_and_layouts(num_threads):
    rng = np.random.default_rng(10)
    base = rtorch.tensor(rng.standard_normal((4, 30, 33, 32)).astype(np.float32))
    x = base.permute(0, 3, 1, 2)                               # channels-last (N, C, H, W) view
    w = rtorch.tensor(rng.standard_normal((32, 1, 3, 3)).astype(np.float32))
    got = F.conv2d(x, w, padding=1, groups=32)
    ref = rtorch.cat([F.conv2d(x[:, i:i + 1], w[i:i + 1], padding=1) for i in range(32)], 1)
    assert_close(got, ref.numpy(), rtol=1e-5, atol=1e-5)
    got = F.conv2d(x, w, stride=2, padding=1, groups=32)
    ref = rtorch.cat([F.conv2d(x[:, i:i + 1], w[i:i + 1], stride=2, padding=1) for i in range(32)], 1)
    assert_close(got, ref.numpy(), rtol=1e-5, atol=1e-5)
    assert tuple(F.conv2d(x[:0], w, padding=1, groups=32).shape) == (0, 32, 30, 33)


def test_depthwise_conv2d_gradcheck():
    rng = np.random.default_rng(11)
    x = rtorch.tensor(rng.standard_normal((2, 3, 5, 6)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((6, 1, 3, 2)), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(6), requires_grad=True)
    assert gradcheck(lambda u, v, c: F.conv2d(u, v, c, (2, 1), (1, 1), (1, 2), groups=3), (x, w, b))


@pytest.mark.parametrize("dim", [32, 70, 129])
def test_embedding_bag_long_rows_split_in_column_blocks(dim, num_threads):
    # one plane with rows of >= 32 columns is split into column blocks (forward and the weight's gradient)
    rng = np.random.default_rng(12)
    w = rtorch.tensor(rng.standard_normal((500, dim)).astype(np.float32))
    idx = rtorch.tensor(rng.integers(0, 500, 3000))
    off = rtorch.tensor(np.concatenate([[0], np.sort(rng.choice(np.arange(1, 3000), 199, replace=False))]))
    for mode in ("sum", "mean"):
        check(lambda t: F.embedding_bag(idx, t, off, mode=mode), w, False)

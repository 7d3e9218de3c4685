"""Reductions and scans (sum, mean, prod, amax/amin, max/argmax, var, cumsum, cummax, logsumexp, softmax, all/any)
against NumPy: random shapes and dims, integer and bool inputs, empty inputs, long float32 sums, and sizes around
the thread grain (where a row is split across threads and merged) at 1 and 2 threads."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from helpers import GRAIN_SIZES, assert_close, np_softmax
from torch_ref import torch_ref

arr = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5),
                 elements=st.floats(-100, 100))


@given(arr, st.data())
def test_reductions_match_numpy(a, data):
    t = torch.from_numpy(a)
    dims = data.draw(st.lists(st.integers(0, a.ndim - 1), unique=True, min_size=1, max_size=a.ndim))
    keep = data.draw(st.booleans())
    ax = tuple(dims)
    assert_close(t.sum(dims, keepdim=keep), a.sum(axis=ax, keepdims=keep), rtol=1e-10, atol=1e-9)
    assert_close(t.mean(dims, keepdim=keep), a.mean(axis=ax, keepdims=keep), rtol=1e-10, atol=1e-9)
    assert_close(t.amax(dims, keepdim=keep), a.max(axis=ax, keepdims=keep))
    assert_close(t.amin(dims, keepdim=keep), a.min(axis=ax, keepdims=keep))
    if a.size > len(dims):
        assert_close(t.var(dims, keepdim=keep), a.var(axis=ax, keepdims=keep, ddof=1), rtol=1e-8, atol=1e-8)
    d = dims[0]
    v, i = t.max(d)
    assert_close(v, a.max(axis=d))
    assert_close(i, a.argmax(axis=d))
    assert_close(t.argmin(d), a.argmin(axis=d))
    assert_close(t.cumsum(d), a.cumsum(axis=d), rtol=1e-10, atol=1e-9)
    assert_close(t.softmax(d), np_softmax(a, axis=d), rtol=1e-10, atol=1e-12)
    m = a.max(axis=d, keepdims=True)
    assert_close(t.logsumexp(d), (m + np.log(np.exp(a - m).sum(axis=d, keepdims=True))).squeeze(d), rtol=1e-10)


@given(st.data())
def test_reductions_of_broadcast_views_match_numpy(data):
    # Expanded (0-stride) dims are reduced without reading their repeats (ops/reduce.rs reduce_broadcast):
    # the repeat count scales sums and powers products; reduced or kept, every op must match the copy.
    base = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    shape = [n if data.draw(st.booleans()) else 1 for n in base]  # dims of size 1 get expanded
    full = [b if s == 1 else s for s, b in zip(shape, base)]
    dtype = data.draw(st.sampled_from([np.float64, np.int64, np.int32, np.float32]))
    a = np.random.default_rng(data.draw(st.integers(0, 99))).integers(-3, 4, shape).astype(dtype)
    t = torch.from_numpy(a).expand(*full)
    big = np.broadcast_to(a, full)
    dims = data.draw(st.lists(st.integers(0, len(full) - 1), unique=True, min_size=1, max_size=len(full)))
    keep = data.draw(st.booleans())
    ax = tuple(dims)
    assert_close(t.sum(dims, keepdim=keep), big.sum(axis=ax, keepdims=keep, dtype=np.int64 if a.dtype.kind == "i" else None),
                 rtol=1e-6, atol=1e-6)
    assert_close(t.amax(dims, keepdim=keep), big.max(axis=ax, keepdims=keep))
    assert_close(t.amin(dims, keepdim=keep), big.min(axis=ax, keepdims=keep))
    assert_close(t.prod(dims[0], keepdim=keep),
                 big.prod(axis=dims[0], keepdims=keep, dtype=np.int64 if a.dtype.kind == "i" else None), rtol=1e-6)
    assert_close(t.bool().any(dims[0]), big.astype(bool).any(axis=dims[0]))
    assert_close(t.bool().all(dims[0]), big.astype(bool).all(axis=dims[0]))
    assert_close(t.sum(), big.sum(dtype=np.int64 if a.dtype.kind == "i" else None), rtol=1e-6, atol=1e-6)
    if a.dtype.kind == "f":
        assert_close(t.mean(dims, keepdim=keep), big.mean(axis=ax, keepdims=keep), rtol=1e-6, atol=1e-6)
    # Gradients flow back through the repeats (expand's backward sums them).
    x = torch.from_numpy(a.astype(np.float64)).requires_grad_()
    x.expand(*full).sum(dims).sum().backward()
    assert_close(x.grad, np.full(shape, np.prod(full) / np.prod(shape)))


def test_integer_and_bool_reductions():
    t = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    assert t.sum().dtype is torch.int64 and t.sum().item() == 10
    assert t.prod().item() == 24
    b = torch.tensor([True, False, True])
    assert b.sum().item() == 2 and b.any().item() and not b.all().item()
    with pytest.raises(NotImplementedError, match="int32"):  # as PyTorch (a RuntimeError subclass)
        t.mean()


def test_sum_of_16m_float32_is_accurate():
    x = torch.full((1 << 24,), 0.1)
    assert abs(x.sum().item() - 0.1 * (1 << 24)) / (0.1 * (1 << 24)) < 1e-6


def test_empty_reductions():
    e = torch.zeros(0, 3)
    assert e.sum().item() == 0 and e.sum(0).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(IndexError):
        e.max()


def test_cummax_nan_indices_follow_pytorch():
    # A NaN takes over the running extreme, also from an earlier NaN; ties take the later index.
    x = torch.tensor([1.0, float("nan"), 2.0, float("nan"), 0.0, 5.0, 5.0])
    for f in (torch.cummax, torch.cummin):
        assert f(x, 0).indices.tolist() == [0, 1, 1, 3, 3, 3, 3]
    assert torch.cummax(torch.tensor([2, 1, 2, 2]), 0).indices.tolist() == [0, 0, 2, 3]
    assert torch.cummin(torch.tensor([2, 1, 1, 3]), 0).indices.tolist() == [0, 1, 2, 2]
    xn = x.numpy()
    ref = torch_ref(lambda pt: [getattr(pt, name)(pt.tensor(xn), 0).indices.tolist() for name in ("cummax", "cummin")])
    assert ref == [getattr(torch, name)(x, 0).indices.tolist() for name in ("cummax", "cummin")]


# ------------------------------------------------------------------ sizes around the thread grain
def _marked(n, dtype, seed):
    """Integers in [1, 8] (their sums and prefix sums are exact in every float dtype here) with the only
    minimum (-1000) first and the only maximum (1000) last: a kernel that loses or repeats the head, the
    tail or any element at a chunk boundary changes the exact sum, and the ends also move every other result."""
    a = np.random.default_rng(seed).integers(1, 9, n).astype(dtype)
    a[0], a[-1] = -1000, 1000
    return a


def _powers_of_two(n, dtype):
    """Ones, with 2 and 0.5 alternating every 997th element and 4 last: the product is an exact power of two
    that any lost marked element changes by a factor of 2 or more."""
    a = np.ones(n, dtype)
    a[::997] = np.where(np.arange(len(a[::997])) % 2 == 0, 2.0, 0.5)
    a[-1] = 4.0
    return a


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", GRAIN_SIZES)
def test_full_reductions_across_the_thread_grain(n, dtype, num_threads):
    a = _marked(n, dtype, n)
    exact = a.astype(np.float64)
    t = torch.from_numpy(a)
    assert_close(t.sum(), dtype(exact.sum()), rtol=0, atol=0)
    assert_close(t.cumsum(0), exact.cumsum().astype(dtype), rtol=0, atol=0)
    assert_close(t.mean(), dtype(exact.mean()), rtol=3e-7, atol=0)
    # Dropping one inner element moves the float64 variance by ~1e-5 relative: far above 1e-12.
    assert_close(t.var(), dtype(exact.var(ddof=1)), rtol=1e-12 if dtype == np.float64 else 1e-5, atol=0)
    assert_close(t.amax(), dtype(1000), rtol=0, atol=0)
    assert_close(t.amin(), dtype(-1000), rtol=0, atol=0)
    assert t.argmax().item() == n - 1 and t.argmin().item() == 0
    v, i = t.max(0)
    assert v.item() == 1000 and i.item() == n - 1
    p = _powers_of_two(n, dtype)
    assert_close(torch.from_numpy(p).prod(), dtype(np.prod(p.astype(np.float64))), rtol=0, atol=0)
    ints = torch.from_numpy(a.astype(np.int64))
    assert_close(ints.sum(), np.int64(exact.sum()), rtol=0, atol=0)
    assert_close(ints.cumsum(0), a.astype(np.int64).cumsum(), rtol=0, atol=0)
    # A single True / False at the very end decides any() / all().
    last = np.zeros(n, bool)
    last[-1] = True
    assert torch.from_numpy(last).any().item() and not torch.from_numpy(~last).all().item()
    assert not torch.from_numpy(last[:-1]).any().item() and torch.from_numpy(~last[:-1]).all().item()


@pytest.mark.parametrize("n", GRAIN_SIZES)
def test_row_reductions_across_the_thread_grain(n, num_threads):
    # Three long rows (more rows than threads: one row per chunk), and a long column reduced along dim 0.
    a = np.stack([_marked(n, np.float64, n), _marked(n, np.float64, n + 1)[::-1], 2 * _marked(n, np.float64, 7)])
    t = torch.from_numpy(a)
    assert_close(t.sum(1), a.sum(1), rtol=0, atol=0)
    assert_close(t.cumsum(1), a.cumsum(1), rtol=0, atol=0)
    assert_close(t.amax(1), a.max(1), rtol=0, atol=0)
    assert_close(t.argmin(1), a.argmin(1))
    assert_close(t.var(1), a.var(1, ddof=1), rtol=1e-12, atol=0)
    cols = np.ascontiguousarray(a[:2].T)  # (n, 2): reduce the long dim 0
    tc = torch.from_numpy(cols)
    assert_close(tc.sum(0), cols.sum(0), rtol=0, atol=0)
    assert_close(tc.mean(0), cols.mean(0), rtol=1e-14, atol=0)
    assert_close(tc.argmax(0), cols.argmax(0))
    assert_close(t.T.sum(0), a.sum(1), rtol=0, atol=0)  # the same rows read through a transposed view


# ------------------------------------------------------------------ every dim x layout x dtype
def _view(a, layout):
    """`a` (a NumPy array) as an rtorch view of the given layout, and the same logical array in NumPy."""
    if layout == "contig":
        return torch.from_numpy(a.copy()), a
    if layout == "T":  # storage holds the transposed array: a view with swapped strides
        return torch.from_numpy(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2), a
    if layout == "perm":  # storage (c, a, b) permuted to (a, b, c)
        return torch.from_numpy(np.ascontiguousarray(np.moveaxis(a, -1, 0))).permute(*range(1, a.ndim), 0), a
    big = np.repeat(a, 2, axis=-1)  # step: every other element of the last dim
    big[..., 1::2] = 7
    return torch.from_numpy(big)[..., ::2], a


_SHAPES = [(3, 5, 4), (2, 67, 9), (5, 1, 131), (131, 3)]


@pytest.mark.parametrize("layout", ["contig", "T", "perm", "step"])
@pytest.mark.parametrize("shape", _SHAPES, ids=str)
def test_every_reduction_over_every_dim_and_layout(shape, layout, num_threads):
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    a = rng.standard_normal(shape)
    a.flat[rng.integers(0, a.size)] = 9.0  # a unique max somewhere, and ties in the integer copy
    ints = rng.integers(-3, 4, shape)
    dims = [(d,) for d in range(len(shape))] + [tuple(range(len(shape))), (0, len(shape) - 1)]
    for dt in (np.float32, np.float64):
        x, ref = _view(a.astype(dt), layout)
        for ax in dims:
            assert_close(x.sum(ax), ref.sum(axis=ax), rtol=1e-5, atol=1e-5)
            assert_close(x.amax(ax), ref.max(axis=ax), rtol=0, atol=0)
            assert_close(x.amin(ax), ref.min(axis=ax), rtol=0, atol=0)
            if len(ax) == 1:
                assert_close(x.prod(ax[0]), ref.prod(axis=ax), rtol=1e-5, atol=1e-30)
            assert_close(x.mean(ax), ref.mean(axis=ax), rtol=1e-5, atol=1e-6)
        for d in range(len(shape)):
            assert_close(x.argmax(d), ref.argmax(axis=d))
            assert_close(x.argmin(d), ref.argmin(axis=d))
            v, i = x.max(d)
            assert_close(v, ref.max(axis=d), rtol=0, atol=0)
            assert_close(i, ref.argmax(axis=d))
            assert_close(x.cumsum(d), ref.cumsum(axis=d), rtol=1e-5, atol=1e-5)
        assert_close(x.prod(), ref.prod(), rtol=1e-5, atol=1e-30)
        assert x.argmax().item() == ref.argmax() and x.argmin().item() == ref.argmin()
    xi, ri = _view(ints, layout)
    xb, rb = _view(ints > 0, layout)
    for ax in dims:
        assert_close(xi.sum(ax), ri.sum(axis=ax))
        assert_close(xi.amax(ax), ri.max(axis=ax))
        if len(ax) == 1:
            assert_close(xi.prod(ax[0]), ri.prod(axis=ax))
            assert_close(xb.all(ax[0]), rb.all(axis=ax))
            assert_close(xb.any(ax[0]), rb.any(axis=ax))
    assert_close(xi.prod(), ri.prod())
    assert xb.all().item() == rb.all() and xb.any().item() == rb.any()
    for d in range(len(shape)):
        # Ties everywhere: the first index of the extreme must win in every split.
        assert_close(xi.argmax(d), ri.argmax(axis=d))
        assert_close(xi.argmin(d), ri.argmin(axis=d))


@pytest.mark.parametrize("n", GRAIN_SIZES)
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_reduced_dim_split_across_threads(n, dim, num_threads):
    # The long dim (around the grain, primes) is first, middle or last of a 3-D tensor with a short other
    # extent: few outputs, so the reduced extent itself is cut into pieces per thread and merged.
    shape = [2, 3, 2]
    shape[dim] = n
    a = np.zeros(shape, np.float32)
    idx = [0, 0, 0]
    for pos, val in ((0, -5.0), (n // 2, 7.0), (n - 1, 8.0)):
        idx[dim] = pos
        a[tuple(idx)] = val
    t = torch.from_numpy(a)
    assert_close(t.amax(dim), a.max(axis=dim), rtol=0, atol=0)
    assert_close(t.amin(dim), a.min(axis=dim), rtol=0, atol=0)
    assert_close(t.argmax(dim), a.argmax(axis=dim))
    assert_close(t.argmin(dim), a.argmin(axis=dim))
    assert_close(t.sum(dim), a.sum(axis=dim), rtol=0, atol=0)
    assert_close((t != 0).any(dim), (a != 0).any(axis=dim))
    assert_close((t == 0).all(dim), (a == 0).all(axis=dim))
    p = np.ones(shape, np.float32)
    idx[dim] = n - 1
    p[tuple(idx)] = 0.5
    assert_close(torch.from_numpy(p).prod(dim), p.prod(axis=dim), rtol=0, atol=0)
    assert_close(torch.from_numpy(a).amax(dim), a.max(axis=dim), rtol=0, atol=0)


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
def test_half_reductions_accumulate_in_float32(dt, num_threads):
    # 4096 ones: a float16 running sum stalls at 2048, a bfloat16 one at 256; in float32 it is exact.
    for shape, dim in (((4096,), 0), ((4096, 3), 0), ((3, 4096), 1), ((2, 4096, 3), 1)):
        x = torch.ones(shape, dtype=getattr(torch, dt))
        s = x.sum(dim)
        assert s.dtype == getattr(torch, dt)
        assert (s.float() == 4096).all().item(), (shape, dim)
        assert (x.mean(dim).float() == 1).all().item()
    h = torch.from_numpy(np.array([1.0, np.nan, 3.0], np.float32)).to(getattr(torch, dt))
    assert np.isnan(h.amax().float().item()) and h.argmax().item() == 1


def test_nan_wins_every_extreme(num_threads):
    a = np.random.default_rng(1).standard_normal((70001,)).astype(np.float32)
    a[40000] = np.nan
    t = torch.from_numpy(a)
    assert np.isnan(t.amax().item()) and np.isnan(t.amin().item())
    assert t.argmax().item() == 40000 and t.argmin().item() == 40000
    m = torch.from_numpy(np.ascontiguousarray(a[:70000].reshape(700, 100)))
    assert_close(m.amax(0), a[:70000].reshape(700, 100).max(axis=0), rtol=0, atol=0, equal_nan=True)
    assert_close(m.argmax(0), np.where(np.isnan(a[:70000].reshape(700, 100)).any(0),
                                       np.isnan(a[:70000].reshape(700, 100)).argmax(0),
                                       a[:70000].reshape(700, 100).argmax(0)))

"""Reductions and scans (sum, mean, prod, amax/amin, max/argmax, var, cumsum, cummax, logsumexp, softmax)
against NumPy: random shapes and dims, integer and bool inputs, empty inputs, long float32 sums."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from helpers import assert_close, np_softmax


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
    pt = pytest.importorskip("torch")
    px = pt.tensor(x.numpy())
    for name in ("cummax", "cummin"):
        assert getattr(pt, name)(px, 0).indices.tolist() == getattr(torch, name)(x, 0).indices.tolist()

"""Reductions and indexing against NumPy."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from conftest import assert_close

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
    assert_close(t.softmax(d), np.exp(a - a.max(axis=d, keepdims=True)) / np.exp(a - a.max(axis=d, keepdims=True)).sum(axis=d, keepdims=True), rtol=1e-10, atol=1e-12)
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


INDEXES = [
    (1,), (-1,), (slice(None, None, -1),), (slice(1, None, 2), 0), (Ellipsis, 1), (None, 0),
    ([0, 2],), ([[0], [1]], [1, 2]), (slice(None), [0, 1, 1]), (0, slice(None), [1, 0]),
    ([1, 0], slice(None), [0, 1]), (Ellipsis, None), (np.array([True, False, True]),),
]


@pytest.mark.parametrize("idx", INDEXES, ids=[repr(i) for i in INDEXES])
def test_getitem_matches_numpy(idx):
    a = np.arange(3 * 4 * 3, dtype=np.float32).reshape(3, 4, 3)
    t = torch.from_numpy(a)
    tidx = tuple(torch.tensor(i) if isinstance(i, (list, np.ndarray)) else i for i in idx)
    assert_close(t[tidx], a[idx])


@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)), st.data())
def test_boolean_mask_and_setitem(a, data):
    t = torch.tensor(a)
    mask = a > 0
    assert_close(t[torch.from_numpy(mask)], a[mask])
    b = a.copy()
    b[mask] = -1
    t[torch.from_numpy(mask)] = -1
    assert_close(t, b)
    i = data.draw(st.integers(0, a.shape[0] - 1))
    b[i] = 5
    t[i] = 5
    assert_close(t, b)


def test_index_errors():
    t = torch.zeros(3, 4)
    with pytest.raises(IndexError, match="out of bounds"):
        t[3]
    with pytest.raises(IndexError):
        t[torch.tensor([0, 5])]
    with pytest.raises(IndexError, match="too many indices"):
        t[0, 0, 0]
    with pytest.raises(IndexError):
        t.sum(dim=2)


def test_gather_scatter_index_select_where():
    x = torch.tensor([[1.0, 2, 3], [4, 5, 6]])
    idx = torch.tensor([[2, 0], [1, 1]])
    assert x.gather(1, idx).tolist() == [[3.0, 1.0], [5.0, 5.0]]
    z = torch.zeros(2, 3).scatter_add(1, idx, torch.ones(2, 2))
    assert z.tolist() == [[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]
    assert x.index_select(1, torch.tensor([2, 0])).tolist() == [[3.0, 1.0], [6.0, 4.0]]
    assert torch.where(x > 3, x, 0.0).tolist() == [[0.0, 0.0, 0.0], [4.0, 5.0, 6.0]]
    assert x.masked_fill(x < 3, -1).tolist() == [[-1.0, -1.0, 3.0], [4.0, 5.0, 6.0]]
    assert torch.tensor([0, 3, 0, 1]).nonzero().tolist() == [[1], [3]]


def test_cat_stack_and_errors():
    a, b = torch.ones(2, 3), torch.zeros(1, 3)
    assert torch.cat([a, b]).shape == (3, 3)
    assert torch.stack([a, a], 1).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match"):
        torch.cat([a, torch.zeros(1, 2)])


@given(st.integers(1, 4), st.integers(0, 5), st.integers(1, 5), st.integers(1, 5))
def test_matmul_matches_numpy(batch, m, k, n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, m, k))
    b = rng.standard_normal((k, n))
    assert_close(torch.from_numpy(a) @ torch.from_numpy(b), a @ b, rtol=1e-10, atol=1e-10)
    assert_close(torch.from_numpy(a[0].T.copy()).t() @ torch.from_numpy(b), a[0] @ b, rtol=1e-10, atol=1e-10)
    v = rng.standard_normal(k)
    assert_close(torch.from_numpy(a) @ torch.from_numpy(v), a @ v, rtol=1e-10, atol=1e-10)


def test_matmul_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        torch.ones(2, 3) @ torch.ones(4, 5)
    with pytest.raises(TypeError):
        torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)


@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (3, 0, 2), (5, 1, 4), (70_001,), (3, 300, 257), (2, 2, 2, 2, 9000)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8, np.bool_])
def test_nonzero_matches_numpy(shape, dtype):
    # Large shapes run in several chunks on the pool (each writes at its running count).
    rng = np.random.default_rng(sum(shape) + len(shape))
    a = np.asarray((rng.integers(-1, 2, size=shape) * (rng.random(shape) < 0.4)).astype(dtype))
    if a.dtype.kind == "f" and a.size:
        a.flat[rng.integers(0, a.size, size=3)] = [np.nan, -0.0, np.inf]  # NaN is non-zero, -0.0 is zero
    t = torch.from_numpy(a)
    want = np.argwhere(a)
    got = t.nonzero().numpy()
    assert got.shape == want.shape and (got == want).all()
    if a.ndim:  # NumPy refuses nonzero of a 0-d array
        for g, w in zip(t.nonzero(as_tuple=True), np.nonzero(a)):
            assert (g.numpy() == w).all()
    # Through a non-contiguous view, and as a boolean mask.
    if a.ndim >= 2:
        v = a.swapaxes(0, -1)
        assert (t.transpose(0, -1).nonzero().numpy() == np.argwhere(v)).all()
    if a.ndim >= 1:
        x = rng.normal(size=shape)
        np.testing.assert_array_equal(torch.from_numpy(x)[t != 0].numpy(), x[a != 0])


@pytest.mark.parametrize("rows", [0, 1, 5, 70_000])
def test_integer_row_gather_matches_numpy(rows):
    rng = np.random.default_rng(rows)
    x = rng.normal(size=(300, 64)).astype(np.float32)
    idx = rng.integers(-300, 300, size=rows)
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(t[torch.from_numpy(idx)].numpy(), x[idx])
    # Strided rows (every other column) and a column gather take the general paths.
    np.testing.assert_array_equal(t[:, ::2][torch.from_numpy(idx)].numpy(), x[:, ::2][idx])
    np.testing.assert_array_equal(t[:, torch.from_numpy(idx % 64)].numpy(), x[:, idx % 64])

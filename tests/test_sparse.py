"""Sparse COO tensors (rtorch.sparse): construction and its checks, to_dense / to_sparse / coalesce against NumPy,
sparse @ dense (rtorch.sparse.mm, rtorch.spmm, rtorch.mm / matmul, @) with gradients to the dense operand and to
the values (gradcheck), leaf sparse tensors' sparse .grad, and PyTorch's answers where it is installed."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from helpers import assert_close, optional_torch

_torch = optional_torch()


def _coo(rng, shape, nnz, dups=True, dense=()):
    idx = np.stack([rng.integers(0, n, nnz) for n in shape])
    if not dups and nnz:
        lin = np.unique(np.ravel_multi_index(idx, shape))
        idx = np.stack(np.unravel_index(lin, shape))
    vals = rng.standard_normal((idx.shape[1],) + tuple(dense))
    return idx.astype(np.int64), vals


def _dense_of(idx, vals, shape, dense=()):
    out = np.zeros(tuple(shape) + tuple(dense))
    for k in range(idx.shape[1]):
        out[tuple(idx[:, k])] += vals[k]
    return out


def test_construct_and_metadata():
    s = rtorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
    assert s.is_sparse and s.layout is rtorch.sparse_coo and rtorch.is_tensor(s)
    assert s.shape == (2, 3) and s.size() == rtorch.Size([2, 3]) and s.size(1) == 3 and s.dim() == 2 and len(s) == 2
    assert s.sparse_dim() == 2 and s.dense_dim() == 0 and s._nnz() == 3 and s.numel() == 6
    assert s.dtype is rtorch.float32 and s.device == rtorch.device("cpu") and not s.requires_grad
    assert not s.is_coalesced()  # as in PyTorch, a new tensor is not coalesced unless declared so
    assert_close(s.to_dense(), np.array([[0, 0, 3.0], [4.0, 0, 5.0]], dtype=np.float32))
    assert rtorch.zeros(2).layout is rtorch.strided and not rtorch.zeros(2).is_sparse
    with pytest.raises(RuntimeError, match="uncoalesced"):
        s.indices()
    with pytest.raises(RuntimeError, match="uncoalesced"):
        s.values()
    assert s._indices().tolist() == [[0, 1, 1], [2, 0, 2]]
    # size inferred from the largest index (and the values' dense dims)
    assert rtorch.sparse_coo_tensor([[0, 4]], [1.0, 2.0]).shape == (5,)
    assert rtorch.sparse_coo_tensor([[1], [2]], [[1.0, 2.0]]).shape == (2, 3, 2)
    assert rtorch.sparse_coo_tensor(rtorch.zeros(2, 0, dtype=rtorch.int64), rtorch.zeros(0)).shape == (0, 0)


@pytest.mark.parametrize("bad, err", [
    (lambda: rtorch.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,)), "size is inconsistent"),
    (lambda: rtorch.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,)), "negative"),
    (lambda: rtorch.sparse_coo_tensor([[0, 0]], [1.0, 2.0, 3.0]), "same nnz"),
    (lambda: rtorch.sparse_coo_tensor([0, 1], [1.0, 2.0]), "sparse_dim x nnz"),
    (lambda: rtorch.sparse_coo_tensor([[0.5, 1.0]], [1.0, 2.0]), "int64"),
    (lambda: rtorch.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (2, 3)), "number of dimensions must be sparse_dim"),
    (lambda: rtorch.sparse_coo_tensor([[0, 1]], [[1.0], [2.0]], (2, 3)), "values has incorrect size"),
    (lambda: rtorch.sparse_coo_tensor([[0, 1]], 1.0), "at least one dimension"),
])
def test_construction_errors(bad, err):
    with pytest.raises(RuntimeError, match=err):
        bad()


@settings(deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), nnz=st.integers(0, 12),
       dense=st.sampled_from([(), (2,)]), seed=st.integers(0, 2**16))
def test_to_dense_and_coalesce_match_numpy(shape, nnz, dense, seed):
    rng = np.random.default_rng(seed)
    idx, vals = _coo(rng, shape, nnz, dense=dense)
    s = rtorch.sparse_coo_tensor(rtorch.tensor(idx), rtorch.tensor(vals), tuple(shape) + dense)
    want = _dense_of(idx, vals, shape, dense)
    assert_close(s.to_dense(), want)
    c = s.coalesce()
    assert c.is_coalesced() and c.coalesce() is c
    lin = np.ravel_multi_index(c.indices().numpy(), shape) if c._nnz() else np.zeros(0)
    assert (np.diff(lin) > 0).all()  # sorted, unique
    assert c._nnz() == (len(np.unique(np.ravel_multi_index(idx, shape))) if nnz else 0)
    assert_close(c.to_dense(), want)
    # the dense -> sparse -> dense round trip keeps exactly the non-zero entries
    back = rtorch.tensor(want).to_sparse()
    assert back.is_coalesced() and back._nnz() == int((want != 0).sum())
    assert_close(back.to_dense(), want)


def test_to_sparse_with_dense_dims():
    x = rtorch.tensor([[0.0, 2.0], [0.0, 0.0], [3.0, 0.0]])
    s = x.to_sparse(1)
    assert s.sparse_dim() == 1 and s.dense_dim() == 1 and s.indices().tolist() == [[0, 2]]
    assert s.values().tolist() == [[0.0, 2.0], [3.0, 0.0]]
    assert_close(s.to_dense(), x)
    assert x.to_sparse(0)._nnz() == 1 and x.to_sparse_coo().sparse_dim() == 2
    with pytest.raises(RuntimeError, match="sparse_dim"):
        x.to_sparse(3)
    assert x.to_dense() is not x and x.to_dense().data_ptr() == x.data_ptr()


@settings(deadline=None)
@given(n=st.integers(1, 6), m=st.integers(1, 6), p=st.integers(1, 4), nnz=st.integers(0, 15), seed=st.integers(0, 999))
def test_sparse_mm_matches_dense(n, m, p, nnz, seed):
    rng = np.random.default_rng(seed)
    idx, vals = _coo(rng, (n, m), nnz)
    s = rtorch.sparse_coo_tensor(rtorch.tensor(idx), rtorch.tensor(vals), (n, m))
    d = rng.standard_normal((m, p))
    want = _dense_of(idx, vals, (n, m)) @ d
    dt = rtorch.tensor(d)
    for got in (rtorch.sparse.mm(s, dt), rtorch.spmm(s, dt), rtorch.mm(s, dt), rtorch.matmul(s, dt), s @ dt,
                s.mm(dt), rtorch.matmul(input=s, other=dt)):
        assert_close(got, want, rtol=1e-12, atol=1e-12)
    # dense @ sparse and matrix @ vector
    e = rng.standard_normal((p, n))
    assert_close(rtorch.tensor(e) @ s, e @ _dense_of(idx, vals, (n, m)), rtol=1e-12, atol=1e-12)
    assert_close(rtorch.mm(rtorch.tensor(e), s), e @ _dense_of(idx, vals, (n, m)), rtol=1e-12, atol=1e-12)
    v = rng.standard_normal(m)
    assert_close(s @ rtorch.tensor(v), _dense_of(idx, vals, (n, m)) @ v, rtol=1e-12, atol=1e-12)


def test_mm_errors():
    s = rtorch.sparse_coo_tensor([[0], [1]], [1.0], (2, 3))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        rtorch.sparse.mm(s, rtorch.zeros(2, 2))
    with pytest.raises(RuntimeError, match="dtype"):
        rtorch.sparse.mm(s, rtorch.zeros(3, 2, dtype=rtorch.float64))
    with pytest.raises(RuntimeError, match="sparse_dim"):
        rtorch.sparse.mm(rtorch.sparse_coo_tensor([[0]], [[1.0]], (2, 1)), rtorch.zeros(1, 1))
    with pytest.raises(TypeError):
        rtorch.sparse.mm(rtorch.zeros(2, 3), rtorch.zeros(3, 2))


def test_gradients_to_values_and_dense_operand():
    rng = np.random.default_rng(0)
    idx, vals = _coo(rng, (4, 3), 7)
    i = rtorch.tensor(idx)
    v = rtorch.tensor(vals, requires_grad=True)
    d = rtorch.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda v, d: rtorch.sparse.mm(rtorch.sparse_coo_tensor(i, v, (4, 3)), d), (v, d))
    assert rtorch.autograd.gradgradcheck(lambda v, d: rtorch.sparse.mm(rtorch.sparse_coo_tensor(i, v, (4, 3)), d),
                                         (v, d))
    # through coalesce and to_dense as well
    assert rtorch.autograd.gradcheck(
        lambda v: rtorch.sparse_coo_tensor(i, v, (4, 3)).coalesce().to_dense() * 2.0, (v,))
    assert rtorch.autograd.gradcheck(lambda d: d.t() @ rtorch.sparse_coo_tensor(i, v.detach(), (4, 3)).t(), (d,))


def test_leaf_sparse_tensor_gets_a_sparse_grad():
    s = rtorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3), requires_grad=True)
    assert s.requires_grad and s.is_leaf and "requires_grad=True" in repr(s)
    x = rtorch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    rtorch.sparse.mm(s, x).sum().backward()
    g = s.grad
    assert g.is_sparse and g._indices().tolist() == [[0, 1, 1], [2, 0, 2]]
    assert g._values().tolist() == [11.0, 3.0, 11.0]  # row sums of x at the column index
    s.grad = None
    assert s.grad is None


def test_algebra_and_conversions():
    s = rtorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
    dense = s.to_dense()
    assert_close(s.t().to_dense(), dense.t())
    assert s.t().shape == (3, 2)
    assert_close(s.transpose(0, 1).to_dense(), dense.t())
    assert_close((s * 2).to_dense(), dense * 2)
    assert (2 * s).is_sparse
    assert_close((s / 2).to_dense(), dense / 2)
    assert_close((-s).to_dense(), -dense)
    assert_close((s * rtorch.ones(2, 3) * 3).to_dense(), dense * 3)
    assert_close((s + s).to_dense(), dense * 2)
    assert not (s + s).is_coalesced()
    assert_close((s - s).coalesce().to_dense(), dense * 0)
    assert_close(s + rtorch.ones(2, 3), dense + 1)
    assert_close(rtorch.ones(2, 3) + s.to_dense(), dense + 1)
    assert_close(rtorch.sparse.sum(s), rtorch.tensor(12.0))
    col = rtorch.sparse.sum(s, 0)
    assert col.is_sparse and col.to_dense().tolist() == [4.0, 0.0, 8.0]
    d = s.double()
    assert d.dtype is rtorch.float64 and d.is_sparse and s.to(rtorch.float64).dtype is rtorch.float64
    assert s.cpu().is_sparse and s.detach()._values().data_ptr() == s._values().data_ptr()
    assert s.clone()._values().data_ptr() != s._values().data_ptr()
    assert s.type() == "rtorch.sparse.FloatTensor"


def test_legacy_sparse_constructor():
    i = rtorch.LongTensor([[0, 1], [1, 0]])
    s = rtorch.sparse.FloatTensor(i, rtorch.FloatTensor([1, 2]), rtorch.Size([2, 2]))
    assert isinstance(s, rtorch.sparse.FloatTensor) and not isinstance(s, rtorch.sparse.DoubleTensor)
    assert s.to_dense().tolist() == [[0.0, 1.0], [2.0, 0.0]]


def test_repr_matches_pytorch_layout():
    s = rtorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
    assert repr(s) == ("tensor(indices=tensor([[0, 1, 1],\n"
                       "                       [2, 0, 2]]),\n"
                       "       values=tensor([3., 4., 5.]),\n"
                       "       size=(2, 3), nnz=3, layout=rtorch.sparse_coo)")


def test_against_pytorch():
    torch = _torch
    if torch is None:
        pytest.skip("PyTorch is not installed")
    rng = np.random.default_rng(5)
    idx, vals = _coo(rng, (5, 4), 9)
    d = rng.standard_normal((4, 3))
    ts = torch.sparse_coo_tensor(torch.tensor(idx), torch.tensor(vals), (5, 4))
    rs = rtorch.sparse_coo_tensor(rtorch.tensor(idx), rtorch.tensor(vals), (5, 4))
    assert_close(rtorch.sparse.mm(rs, rtorch.tensor(d)), torch.sparse.mm(ts, torch.tensor(d)).numpy())
    tc, rc = ts.coalesce(), rs.coalesce()
    assert tc.indices().tolist() == rc.indices().tolist()
    assert_close(rc.values(), tc.values().numpy())
    assert repr(rc).replace("rtorch.", "torch.") == repr(tc)

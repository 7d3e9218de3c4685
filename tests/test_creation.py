"""Tensor creation, dtypes, views sharing storage, NumPy interop, printing."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from conftest import assert_close


def test_tensor_infers_dtype_like_pytorch():
    assert torch.tensor([1, 2]).dtype is torch.int64
    assert torch.tensor([1.0, 2]).dtype is torch.float32
    assert torch.tensor([True]).dtype is torch.bool
    assert torch.tensor(np.array([1.5])).dtype is torch.float64
    assert torch.tensor(3.0).shape == () and torch.tensor(3.0).ndim == 0
    with pytest.raises(ValueError):
        torch.tensor([[1, 2], [3]])


def test_dtype_objects():
    assert torch.float32.itemsize == 4 and torch.float32.is_floating_point
    assert not torch.int64.is_floating_point
    t = torch.zeros(2, 3)
    assert t.double().dtype is torch.float64 and t.long().dtype is torch.int64 and t.half().dtype is torch.float16
    assert isinstance(t.shape, torch.Size) and t.shape == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.stride() == (3, 1) and t.is_contiguous() and t.numel() == 6 and t.element_size() == 4


def test_numpy_memory_is_shared_both_ways():
    a = np.zeros((2, 3), dtype=np.float32)
    t = torch.from_numpy(a)
    t[0, 1] = 5
    assert a[0, 1] == 5
    a[1, 2] = 7
    assert t[1, 2].item() == 7
    n = t.numpy()
    n[0, 0] = 3
    assert t[0, 0].item() == 3
    assert np.shares_memory(np.asarray(t), a)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)), st.data())
def test_views_match_numpy(a, data):
    t = torch.from_numpy(a)
    perm = data.draw(st.permutations(range(a.ndim)))
    assert_close(t.permute(*perm), a.transpose(perm))
    assert_close(t.reshape(-1), a.reshape(-1))
    assert_close(t.flip(0), a[::-1])
    d = data.draw(st.integers(0, a.ndim - 1))
    assert_close(t.unsqueeze(d), np.expand_dims(a, d))
    assert_close(t.transpose(0, -1).contiguous(), np.swapaxes(a, 0, -1))
    step = data.draw(st.integers(-3, 3).filter(lambda s: s != 0))
    assert_close(t[::step], a[::step])


def test_views_share_storage_and_reshape_copies_only_when_needed():
    t = torch.arange(12.0).reshape(3, 4)
    v = t.view(4, 3)
    v[0, 0] = 100
    assert t[0, 0].item() == 100
    tt = t.t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tt.view(12)
    r = tt.reshape(12)  # must copy
    r[0] = -1
    assert t[0, 0].item() == 100
    assert t.narrow(1, 1, 2).data_ptr() == t.data_ptr() + 4
    e = torch.tensor([1.0, 2.0]).expand(3, 2)
    assert e.stride() == (0, 1)


def test_split_chunk_unbind_diagonal_unfold():
    t = torch.arange(10)
    assert [p.tolist() for p in t.split(4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [p.numel() for p in t.chunk(3)] == [4, 4, 2]
    m = torch.arange(9).reshape(3, 3)
    assert m.diagonal().tolist() == [0, 4, 8]
    assert m.diagonal(1).tolist() == [1, 5]
    assert t.unfold(0, 3, 2).tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    assert [x.tolist() for x in m.unbind(1)] == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]


def test_creation_functions():
    assert torch.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert torch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert_close(torch.linspace(0, 1, 5), np.linspace(0, 1, 5))
    assert_close(torch.logspace(0, 2, 3), np.logspace(0, 2, 3), rtol=1e-6)
    assert_close(torch.eye(3, 2), np.eye(3, 2))
    assert torch.full((2,), 7).dtype is torch.int64
    assert torch.zeros_like(torch.ones(2, dtype=torch.int32)).dtype is torch.int32
    with pytest.raises(RuntimeError, match="negative dimension"):
        torch.zeros(-1)
    with pytest.raises(MemoryError):
        torch.empty(1 << 62)


def test_random_is_reproducible():
    torch.manual_seed(0)
    a = torch.rand(5)
    torch.manual_seed(0)
    b = torch.rand(5)
    assert a.tolist() == b.tolist()
    g = torch.Generator().manual_seed(3)
    x = torch.randn(1000, generator=g)
    assert abs(x.mean().item()) < 0.15 and abs(x.std().item() - 1) < 0.1
    p = torch.randperm(10, generator=torch.Generator().manual_seed(1))
    assert sorted(p.tolist()) == list(range(10))
    r = torch.randint(3, 7, (100,))
    assert r.min().item() >= 3 and r.max().item() < 7
    m = torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    assert m.tolist() == [1, 1]


def test_scalar_conversions_and_truth_value():
    assert float(torch.tensor(2.5)) == 2.5 and int(torch.tensor(3)) == 3
    assert bool(torch.tensor([1]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).item()
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]


def test_repr_like_pytorch():
    assert repr(torch.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(torch.tensor([1, 2])) == "tensor([1, 2])"
    assert "dtype=torch.float64" in repr(torch.tensor([1.0], dtype=torch.float64))
    assert "requires_grad=True" in repr(torch.ones(2, requires_grad=True))
    assert "grad_fn=<MulBackward0>" in repr(torch.ones(2, requires_grad=True) * 2)


def test_device_api():
    assert str(torch.zeros(1).device) == "cpu"
    assert torch.device("cuda:1").index == 1
    assert not torch.cuda.is_available()
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.zeros(1).cuda()
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.zeros(1, device="cuda")


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "float16", "int8", "bool"])
@given(rows=st.integers(1, 300), cols=st.integers(1, 300), r0=st.integers(0, 3), c0=st.integers(0, 3),
       seed=st.integers(0, 2**31 - 1))
def test_transposed_copy_matches_numpy(dtype, rows, cols, r0, c0, seed):
    # x.t().contiguous() of a (possibly offset, cropped) matrix: the blocked register-transpose
    # path for 4- and 8-byte dtypes (tiles of 8x8 / 4x4 plus scalar edges), the scalar tiles otherwise.
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((rows + r0, cols + c0)) * 100).astype(dtype)
    t = torch.from_numpy(a)[r0:, c0:]
    out = t.t().contiguous()
    assert out.is_contiguous() and out.shape == (cols, rows)
    np.testing.assert_array_equal(out.numpy(), a[r0:, c0:].T)
    out2 = torch.from_numpy(a)[r0:, c0:].transpose(0, 1).clone()
    np.testing.assert_array_equal(out2.numpy(), a[r0:, c0:].T)

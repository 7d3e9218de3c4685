"""DLPack exchange: zero-copy in both directions with NumPy (and PyTorch when installed)."""
import gc

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch as torch

NP_DTYPES = ["float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "bool"]


def sample(dtype, shape, seed=0):
    g = np.random.default_rng(seed)
    return (g.standard_normal(shape) * 10).astype(dtype)


@pytest.mark.parametrize("dtype", NP_DTYPES)
def test_numpy_reads_rtorch_memory_without_a_copy(dtype):
    t = torch.from_numpy(sample(dtype, (3, 4)))
    a = np.from_dlpack(t)
    assert a.dtype == np.dtype(dtype) and a.shape == (3, 4)
    np.testing.assert_array_equal(a, t.numpy())
    assert a.__array_interface__["data"][0] == t.data_ptr()  # same memory
    if dtype != "bool":
        t.add_(1)
        np.testing.assert_array_equal(a, t.numpy())


@pytest.mark.parametrize("dtype", NP_DTYPES)
def test_rtorch_reads_numpy_memory_without_a_copy(dtype):
    a = sample(dtype, (2, 5))
    t = torch.from_dlpack(a)
    assert t.dtype == getattr(torch, dtype) and tuple(t.shape) == (2, 5)
    assert t.data_ptr() == a.__array_interface__["data"][0]
    if dtype != "bool":
        a += 1
    np.testing.assert_array_equal(t.numpy(), a)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=3),
    transpose=st.booleans(),
    step=st.sampled_from([1, 2]),
)
def test_views_keep_their_strides_both_ways(shape, transpose, step):
    base = np.arange(int(np.prod(shape)) if shape else 1, dtype=np.float32).reshape(shape)
    t = torch.from_numpy(base)
    if transpose and t.ndim >= 2:
        t = t.transpose(0, 1)
    if t.ndim >= 1:
        t = t[::step]
    a = np.from_dlpack(t)
    np.testing.assert_array_equal(a, t.numpy())
    back = torch.from_dlpack(a)
    assert back.stride() == t.stride() and back.shape == t.shape
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_negative_strides_are_exported_as_a_copy():
    t = torch.arange(6.0)[::-1]
    a = np.from_dlpack(t)
    np.testing.assert_array_equal(a, [5, 4, 3, 2, 1, 0])
    with pytest.raises(BufferError, match="negative strides"):
        t.__dlpack__(max_version=(1, 0), copy=False)


def test_memory_outlives_the_exporting_object():
    t = torch.arange(1000, dtype=torch.float64)
    a = np.from_dlpack(t)
    del t
    gc.collect()
    assert a.sum() == sum(range(1000))
    n = np.arange(1000, dtype=np.int64)
    r = torch.from_dlpack(n)
    del n
    gc.collect()
    assert r.sum().item() == sum(range(1000))


def test_capsules_are_consumed_once_and_unused_ones_are_freed():
    t = torch.ones(3)
    cap = t.__dlpack__()  # legacy capsule
    r = torch.from_dlpack(cap)
    assert r.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(BufferError, match="consumed once"):
        torch.from_dlpack(cap)
    for _ in range(100):  # never consumed: freed by the capsule's destructor
        t.__dlpack__(max_version=(1, 0))
    cap2 = torch.utils.dlpack.to_dlpack(t)
    assert torch.utils.dlpack.from_dlpack(cap2).data_ptr() == t.data_ptr()


def test_device_tuple_and_errors():
    t = torch.zeros(2)
    assert t.__dlpack_device__() == (1, 0)
    with pytest.raises(RuntimeError, match="require gradient"):
        torch.ones(2, requires_grad=True).__dlpack__()
    with pytest.raises(TypeError, match="__dlpack__"):
        torch.from_dlpack([1, 2, 3])
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0), copy=False)
    ro = np.arange(4.0)
    ro.flags.writeable = False
    r = torch.from_dlpack(ro)  # read-only memory is copied, so in-place ops cannot fault
    r.add_(1)
    assert ro.tolist() == [0.0, 1.0, 2.0, 3.0] and r.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_roundtrip_with_pytorch_when_installed():
    pt = pytest.importorskip("torch")
    for dt in ["float32", "float64", "float16", "bfloat16", "int64", "uint8", "bool"]:
        x = pt.arange(12).reshape(3, 4).to(getattr(pt, dt))
        r = torch.from_dlpack(x)
        assert r.dtype == getattr(torch, dt) and r.data_ptr() == x.data_ptr()
        y = pt.from_dlpack(r.t())
        assert y.data_ptr() == x.data_ptr() and y.stride() == (1, 4)
        assert pt.equal(y, x.t())

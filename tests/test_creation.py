"""Tensor creation: factory functions, tensors from Python values and NumPy arrays (memory shared both ways),
conversion back to Python scalars, and the device API."""
import numpy as np
import pytest

import rtorch as torch
from helpers import assert_close


def test_creation_functions():
    assert torch.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert torch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert_close(torch.linspace(0, 1, 5), np.linspace(0, 1, 5), dtype=torch.float32)
    assert_close(torch.logspace(0, 2, 3), np.logspace(0, 2, 3), rtol=1e-6, dtype=torch.float32)
    assert_close(torch.eye(3, 2), np.eye(3, 2), dtype=torch.float32)
    assert torch.full((2,), 7).dtype is torch.int64
    assert torch.zeros_like(torch.ones(2, dtype=torch.int32)).dtype is torch.int32
    with pytest.raises(RuntimeError, match="negative dimension"):
        torch.zeros(-1)
    with pytest.raises(MemoryError):
        torch.empty(1 << 62)


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


def test_scalar_conversions_and_truth_value():
    assert float(torch.tensor(2.5)) == 2.5 and int(torch.tensor(3)) == 3
    assert bool(torch.tensor([1]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).item()
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]


def test_device_api():
    assert str(torch.zeros(1).device) == "cpu"
    assert torch.device("cuda:1").index == 1
    assert not torch.cuda.is_available()
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.zeros(1).cuda()
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.zeros(1, device="cuda")


# ---- issue 16: the legacy constructors, Tensor.new_*, size=, the default device, devices and accelerators ----

import threading  # noqa: E402
import warnings  # noqa: E402

LEGACY = {"FloatTensor": torch.float32, "DoubleTensor": torch.float64, "HalfTensor": torch.float16,
          "BFloat16Tensor": torch.bfloat16, "ByteTensor": torch.uint8, "CharTensor": torch.int8,
          "ShortTensor": torch.int16, "IntTensor": torch.int32, "LongTensor": torch.int64, "BoolTensor": torch.bool}


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_legacy_tensor_types(name):
    T, dt = getattr(torch, name), LEGACY[name]
    assert repr(T) == f"<class 'rtorch.{name}'>" and T.dtype is dt and not T.is_cuda
    a = T(2, 3)
    assert a.shape == (2, 3) and a.dtype is dt and isinstance(a, T)
    assert T(torch.Size([4])).shape == (4,) and T().shape == (0,)
    b = T([1, 0, 1])
    assert b.dtype is dt and b.tolist() == torch.tensor([1, 0, 1], dtype=dt).tolist() == [1, 0, 1]
    assert T((2, 3)).tolist() == torch.tensor([2, 3], dtype=dt).tolist()  # a tuple is data, a Size a shape
    assert T(np.array([1, 0])).dtype is dt
    alias = T(b)
    assert alias.data_ptr() == b.data_ptr()
    other = torch.FloatTensor if name != "FloatTensor" else torch.LongTensor
    assert not isinstance(b, other)
    with pytest.raises(TypeError, match="expected"):
        T(torch.zeros(1, dtype=other.dtype))
    with pytest.raises(TypeError, match="data must be a sequence"):
        T(1.5)
    assert b.type() == f"rtorch.{name}"
    assert torch.zeros(2).type(T).dtype is dt and torch.zeros(2).type(f"torch.{name}").dtype is dt


def test_legacy_types_details():
    assert torch.LongTensor([1.7, -1.7]).tolist() == [1, -1]  # converted like PyTorch (towards zero)
    assert isinstance(torch.nn.Parameter(torch.zeros(1)), torch.FloatTensor)
    assert not issubclass(torch.FloatTensor, torch.Tensor) and issubclass(torch.FloatTensor, torch.FloatTensor)
    assert torch.cuda.FloatTensor.is_cuda and not isinstance(torch.zeros(1), torch.cuda.FloatTensor)
    assert torch.FloatTensor([1], device="cpu").device == torch.device("cpu")


def test_tensor_constructor_like_pytorch():
    assert torch.Tensor([1, 2]).dtype is torch.float32 and torch.Tensor([True]).tolist() == [1.0]
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor(2, 3).dtype is torch.float32
    assert torch.Tensor(torch.Size([2])).shape == (2,) and torch.Tensor().shape == (0,)
    assert torch.Tensor(np.array([1, 2])).dtype is torch.float32
    i = torch.tensor([1, 2])
    assert torch.Tensor(i).dtype is torch.int64 and torch.Tensor(i).data_ptr() == i.data_ptr()
    with pytest.raises(TypeError, match="data must be a sequence"):
        torch.Tensor(3.5)


@pytest.mark.parametrize("dtype", [torch.float64, torch.int32, torch.bool])
def test_new_methods(dtype):
    x = torch.ones(2, dtype=dtype)
    for out in (x.new_zeros(2, 3), x.new_zeros((2, 3)), x.new_zeros(size=(2, 3)), x.new_ones([2, 3]),
                x.new_empty(2, 3), x.new_full((2, 3), 1), x.new(2, 3)):
        assert out.shape == (2, 3) and out.dtype is dtype and out.device == x.device
    assert x.new_zeros(2).tolist() == [0, 0] and x.new_ones(2).tolist() == [1, 1]
    assert x.new_zeros(2, dtype=torch.float16).dtype is torch.float16
    assert x.new_full((2,), 7, dtype=torch.int64).tolist() == [7, 7]
    assert x.new_tensor([1, 0]).dtype is dtype and x.new_tensor([1, 0]).tolist() == torch.tensor([1, 0], dtype=dtype).tolist()
    assert x.new_tensor(3).shape == ()
    assert x.new().shape == (0,) and x.new([1, 0]).dtype is dtype
    assert x.new_ones(1, requires_grad=dtype.is_floating_point).requires_grad == dtype.is_floating_point
    with pytest.warns(UserWarning, match="sourceTensor"):
        assert x.new_tensor(x).dtype is dtype
    with pytest.raises(TypeError, match="tuple of ints"):
        x.new_full(3, 1)
    with pytest.raises(TypeError):
        x.new_zeros(2, size=(3,))


def test_size_keyword():
    for f in (torch.zeros, torch.ones, torch.empty, torch.rand, torch.randn):
        assert f(size=(2, 3)).shape == (2, 3) and f(size=[4]).shape == (4,)
        with pytest.raises(TypeError, match="multiple values for argument 'size'"):
            f(2, size=(2,))
    assert torch.full(size=(2,), fill_value=3.0).tolist() == [3.0, 3.0]
    assert torch.randint(0, 5, size=(3,)).shape == (3,)


def test_default_device():
    assert torch.get_default_device() == torch.device("cpu")
    torch.set_default_device("cpu")
    try:
        assert torch.zeros(2).device == torch.device("cpu") and torch.tensor([1]).device == torch.device("cpu")
    finally:
        torch.set_default_device(None)
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.set_default_device("cuda")
        assert torch.get_default_device() == torch.device("cpu")  # unchanged after the failure
    with pytest.raises(RuntimeError):
        torch.set_default_device("tpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_default_device_cuda_and_current_device():
    torch.set_default_device("cuda")
    try:
        made = [torch.zeros(2), torch.ones(2), torch.empty(2), torch.full((2,), 1.0), torch.arange(3),
                torch.linspace(0, 1, 3), torch.eye(2), torch.rand(2), torch.randn(2), torch.randint(0, 3, (2,)),
                torch.randperm(3), torch.tensor([1.0]), torch.as_tensor([1.0]), torch.as_tensor(np.ones(2))]
        assert all(t.is_cuda for t in made)
        assert not torch.zeros_like(torch.zeros(1, device="cpu")).is_cuda  # *_like follow their input
        assert not torch.from_numpy(np.ones(1)).is_cuda  # shares host memory
        r = []
        t = threading.Thread(target=lambda: r.append(torch.zeros(1).device))
        t.start()
        t.join()
        assert r == [torch.device("cpu")]  # per thread, as in PyTorch
    finally:
        torch.set_default_device(None)
    n = torch.cuda.device_count()
    torch.cuda.set_device(n - 1)
    try:
        assert torch.zeros(1, device="cuda").device == torch.device("cuda", n - 1)
        assert torch.zeros(1).to("cuda").device.index == n - 1
        assert torch.accelerator.current_device_index() == n - 1
    finally:
        torch.cuda.set_device(0)


def test_devices_and_predicates():
    assert repr(torch.device("cuda")) == "device(type='cuda')" and torch.device("cuda").index is None
    assert str(torch.device("cuda")) == "cuda" and torch.device("cuda") != torch.device("cuda:0")
    assert torch.device(torch.device("cuda")).index is None and torch.device("cuda", 1).index == 1
    x = torch.zeros(2)
    for name in ("is_xpu", "is_mps", "is_meta", "is_quantized", "is_sparse", "is_sparse_csr", "is_nested",
                 "is_mkldnn", "is_vulkan", "is_ipu", "is_hpu", "is_maia", "is_mtia", "is_xla", "is_cuda"):
        assert getattr(x, name) is False, name
    assert x.is_cpu and x.layout is torch.strided and repr(torch.strided) == "rtorch.strided"
    assert x.is_signed() and not torch.zeros(1, dtype=torch.uint8).is_signed()
    assert x.is_same_size(torch.ones(2)) and not x.is_same_size(torch.ones(3))
    assert x.is_set_to(x.detach()) and not x.is_set_to(x.clone())
    assert torch.tensor([2]).is_nonzero() and not torch.tensor(0.0).is_nonzero()
    with pytest.raises(RuntimeError, match="ambiguous"):
        x.is_nonzero()
    assert not x.is_conj() and not x.is_neg()
    assert torch.cuda.current_device() == 0


def test_accelerator_and_backends():
    acc = torch.accelerator
    assert acc.current_accelerator() == torch.device("cuda") and acc.current_accelerator().index is None
    assert acc.is_available() == torch.cuda.is_available() and acc.device_count() == torch.cuda.device_count()
    if not acc.is_available():
        assert acc.current_accelerator(check_available=True) is None
        for f in (acc.current_device_index, acc.synchronize, lambda: acc.set_device_index(0)):
            with pytest.raises(RuntimeError, match="no accelerator"):
                f()
    device = acc.current_accelerator().type if acc.is_available() else "cpu"  # the tutorials' idiom
    assert torch.zeros(1, device=device).device.type == device
    cudnn = torch.backends.cudnn
    assert cudnn.enabled is True and cudnn.benchmark is False and cudnn.deterministic is False
    assert cudnn.is_available() is False and cudnn.version() is None
    cudnn.benchmark = True
    with cudnn.flags(enabled=False, deterministic=True):
        assert cudnn.enabled is False and cudnn.deterministic is True
    assert cudnn.benchmark is True and cudnn.deterministic is False
    cudnn.benchmark = False
    assert torch.backends.mps.is_available() is False and torch.backends.mps.is_built() is False

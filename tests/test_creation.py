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

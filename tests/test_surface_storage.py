"""rtorch.from_file (shared and private memory-mapped files) and the deprecated Tensor.resize / resize_as:
memory sharing with the file, PyTorch's errors (recorded for resize; from_file's messages name the path, so they
are written out here as PyTorch 2.15 prints them), gradients, several threads reading one mapping."""
import os
import threading
import warnings

import numpy as np
import pytest

import rtorch
from helpers import assert_close
from surface_cases import check_table, torch_table
from torch_ref import torch_ref


def test_private_mapping_reads_the_file_and_never_writes_it(tmp_path):
    path = str(tmp_path / "a.bin")
    np.arange(10, dtype=np.float64).tofile(path)
    t = rtorch.from_file(path, shared=False, size=10, dtype=rtorch.float64)
    assert_close(t, np.arange(10, dtype=np.float64))
    t[0] = 100.0
    assert t[0].item() == 100.0 and np.fromfile(path)[0] == 0.0
    t = rtorch.from_file(path, None, 4, dtype=rtorch.float64)  # shared=None is private, a prefix may be mapped
    assert_close(t, np.arange(4, dtype=np.float64))


def test_shared_mapping_writes_through_and_creates_the_file(tmp_path):
    path = str(tmp_path / "b.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    a = rtorch.from_file(path, shared=True, size=6)
    b = rtorch.from_file(path, shared=True, size=6)
    a[1] = 42.0
    assert b[1].item() == 42.0 and np.fromfile(path, dtype=np.float32)[1] == 42.0
    new = str(tmp_path / "new.bin")
    c = rtorch.from_file(new, shared=True, size=3, dtype=rtorch.int32)
    assert c.tolist() == [0, 0, 0] and os.path.getsize(new) == 12
    rtorch.from_file(path, shared=True, size=100)  # grows the file, zero-filled
    assert os.path.getsize(path) == 400 and np.fromfile(path, dtype=np.float32)[1] == 42.0


@pytest.mark.parametrize("dtype", [rtorch.bfloat16, rtorch.float16, rtorch.int64, rtorch.uint8, rtorch.complex64,
                                   rtorch.bool])
def test_dtypes(tmp_path, dtype):
    src = rtorch.tensor([1, 0, 1, 1]).to(dtype)
    path = str(tmp_path / "c.bin")
    a = rtorch.from_file(path, shared=True, size=4, dtype=dtype)
    a.copy_(src)
    b = rtorch.from_file(path, shared=False, size=4, dtype=dtype)
    assert b.dtype == dtype and b.tolist() == src.tolist()


def test_errors(tmp_path):
    path = str(tmp_path / "d.bin")
    np.zeros(10, np.float64).tofile(path)
    with pytest.raises(RuntimeError, match=r"size <80> is smaller than the required mapping size <88>"):
        rtorch.from_file(path, shared=False, size=11, dtype=rtorch.float64)
    with pytest.raises(RuntimeError, match=r"unable to open file <.*missing.bin> in read-only mode: No such file"):
        rtorch.from_file(str(tmp_path / "missing.bin"), shared=False, size=2)
    with pytest.raises(RuntimeError, match="unable to mmap -4 bytes"):
        rtorch.from_file(path, size=-1)
    with pytest.raises(TypeError, match="argument 'filename' \\(position 1\\) must be str, not int"):
        rtorch.from_file(3, size=2)
    with pytest.raises(TypeError):
        rtorch.from_file(path, "yes", 2)
    assert tuple(rtorch.from_file(path).shape) == (0,)


def test_threads_read_one_mapping(tmp_path):
    path = str(tmp_path / "e.bin")
    np.arange(4096, dtype=np.float32).tofile(path)
    t = rtorch.from_file(path, shared=False, size=4096)
    sums = []
    threads = [threading.Thread(target=lambda: sums.append(t.sum().item())) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sums == [float(np.arange(4096).sum())] * 4


RESIZE = {
    "resize": lambda lib: lib.arange(6.0).resize(2, 3),
    "resize_noncontig": lambda lib: lib.arange(6.0).reshape(2, 3).t().resize(6),
    "resize_tuple": lambda lib: lib.arange(6.0).resize((3, 2)),
    "resize_numel": lambda lib: lib.arange(6.0).resize(4),
    "resize_as": lambda lib: lib.arange(6.0).resize_as(lib.zeros(3, 2)),
    "resize_as_numel": lambda lib: lib.arange(6.0).resize_as(lib.zeros(4)),
}


def test_resize_matches_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refs = torch_ref(lambda torch: torch_table(torch, RESIZE))
        check_table(RESIZE, refs)


def test_resize_warns_shares_memory_and_is_differentiable():
    x = rtorch.arange(6.0, requires_grad=True)
    with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
        y = x.resize(2, 3)
    assert y.data_ptr() == x.data_ptr()
    (y * rtorch.arange(6.0).reshape(2, 3)).sum().backward()
    assert_close(x.grad, np.arange(6, dtype=np.float32))
    with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
        assert tuple(x.detach().resize_as(rtorch.zeros(1, 6)).shape) == (1, 6)

"""Storage objects (UntypedStorage/TypedStorage), Tensor.untyped_storage/storage/set_, set_flush_denormal and the
scatter family's dtype rule: memory sharing, PyTorch's errors (recorded), bounds, autograd refusal, threads."""
import threading
import warnings

import numpy as np
import pytest

import rtorch

from helpers import assert_close
from torch_ref import catch, torch_ref


def test_untyped_storage_shares_memory_with_the_tensor():
    x = rtorch.arange(4.0)
    s = x.untyped_storage()
    assert rtorch.is_storage(s) and s.nbytes() == 16 == len(s) and s.element_size() == 1
    assert s.data_ptr() == x.data_ptr() and s.device.type == "cpu"
    assert x[1:].untyped_storage().data_ptr() == x.data_ptr()  # the whole storage, not the view
    assert s.tolist() == list(np.arange(4, dtype=np.float32).view(np.uint8))
    s[8:12].fill_(0)
    s[7] = 0  # the high byte of x[1] (little-endian 1.0 is 00 00 80 3f)
    assert x[2].item() == 0.0 and x[1].item() != 1.0  # writes through the storage reach the tensor
    c = s.clone()
    c.fill_(7)
    assert x[3].item() == 3.0  # a clone is new memory
    with pytest.raises(RuntimeError, match="not resizable"):
        s.resize_(100)
    assert rtorch.UntypedStorage(3).tolist() == [0, 0, 0]
    assert rtorch.UntypedStorage([1, 2, 255]).tolist() == [1, 2, 255]


def test_typed_storage_and_its_warning():
    x = rtorch.tensor([1.0, 2.0, 3.0])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        rtorch.set_warn_always(True)
        try:
            ts = x.storage()
        finally:
            rtorch.set_warn_always(False)
    assert any("TypedStorage is deprecated" in str(i.message) for i in w)
    assert ts.dtype == rtorch.float32 and len(ts) == 3 and ts.tolist() == [1.0, 2.0, 3.0] and ts[1] == 2.0
    ts[0] = 10.0
    assert x[0].item() == 10.0
    assert ts.untyped().nbytes() == 12 and rtorch.is_storage(ts)
    ref = torch_ref(lambda torch: repr(torch.tensor([1.0, 2.0]).untyped_storage()[0:2]).splitlines()[-1])
    assert repr(rtorch.tensor([1.0, 2.0]).untyped_storage()[0:2]).splitlines()[-1] == ref.replace("torch.", "rtorch.", 1)


def test_set_views_another_tensor_or_storage():
    x = rtorch.arange(6.0)
    y = rtorch.empty(0)
    y.set_(x)
    assert y.tolist() == x.tolist() and y.data_ptr() == x.data_ptr()
    y.set_(x, 1, (2, 2))
    assert y.stride() == (2, 1) and y.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    y.set_(x.untyped_storage(), 2, (3,), (1,))
    assert y.tolist() == [2.0, 3.0, 4.0]
    y[0] = -1.0
    assert x[2].item() == -1.0  # shared
    y.set_(x.untyped_storage())
    assert y.shape == (6,)
    y.set_()
    assert y.shape == (0,) and y.numel() == 0
    z = rtorch.zeros(2, dtype=rtorch.float64)
    want = torch_ref(lambda torch: catch(torch.zeros(2, dtype=torch.float64).set_, torch.arange(4.0)))
    with pytest.raises(RuntimeError) as info:
        z.set_(x)
    assert str(info.value) == want.message
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 24"):
        rtorch.empty(0).set_(x.untyped_storage(), 0, (100,))
    with pytest.raises(RuntimeError, match="Negative strides"):
        rtorch.empty(0).set_(x.untyped_storage(), 0, (2,), (-1,))
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        rtorch.zeros(2, requires_grad=True).set_(x)
    with pytest.raises(TypeError):
        rtorch.empty(0).set_("not a storage")


def test_set_from_several_threads_keeps_every_tensor_consistent():
    base = rtorch.arange(1000.0)
    outs = [rtorch.empty(0) for _ in range(8)]

    def run(k):
        for i in range(50):
            outs[k].set_(base, (k * 50 + i) % 900, (100,))
            assert outs[k][0].item() == float((k * 50 + i) % 900)

    ts = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert [o.shape for o in outs] == [(100,)] * 8


def test_set_flush_denormal():
    tiny = np.float32(np.finfo(np.float32).tiny)
    x = rtorch.full((100_003,), float(tiny), dtype=rtorch.float32)  # past the threading grain
    try:
        assert rtorch.set_flush_denormal(True) is True
        assert float((x * 0.5).abs().max()) == 0.0
    finally:
        assert rtorch.set_flush_denormal(False) is True
    assert_close(x * 0.5, np.full(100_003, tiny * np.float32(0.5), np.float32), rtol=0, atol=0)


@pytest.mark.parametrize("op", ["scatter", "scatter_", "scatter_add", "scatter_add_", "scatter_reduce"])
def test_scatter_family_refuses_src_of_another_dtype(op):
    def call(m):
        x, idx, src = m.zeros(3), m.tensor([0]), m.ones(1, dtype=m.float64)
        args = (0, idx, src, "sum") if op == "scatter_reduce" else (0, idx, src)
        return getattr(x, op)(*args)

    want = torch_ref(lambda torch: catch(call, torch))
    with pytest.raises(RuntimeError) as info:
        call(rtorch)
    assert want.type == "RuntimeError" and str(info.value) == want.message
    assert rtorch.zeros(3).scatter(0, rtorch.tensor([0]), 2).tolist() == [2.0, 0.0, 0.0]  # a scalar value is cast

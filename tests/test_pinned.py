"""Pinned (page-locked) host memory and non_blocking host<->device copies.

Without a GPU: pinning raises a clear RuntimeError, ordinary tensors are not pinned, non_blocking
is harmless on the CPU and DataLoader(pin_memory=True) warns and still yields the right batches.
With a GPU: pinned round trips for many dtypes/layouts, asynchronous copies checked against the
host data, and reuse of pinned blocks while copies from them are still queued.
"""
import gc
import warnings

import numpy as np
import pytest

import rtorch
from rtorch.utils.data import DataLoader, TensorDataset

HAS_GPU = rtorch.cuda.is_available()
pytestmark_gpu = pytest.mark.skipif(not HAS_GPU, reason="no CUDA GPU")
pytestmark_nogpu = pytest.mark.skipif(HAS_GPU, reason="a GPU is present")

RNG = np.random.default_rng(0)
DTYPES = [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.bfloat16, rtorch.int64, rtorch.int32,
          rtorch.uint8, rtorch.bool]
SHAPES = [(), (0,), (3, 0, 2), (1,), (5,), (4, 7), (2, 3, 5)]
PIN_FACTORIES = [
    lambda: rtorch.tensor([1.0, 2.0], pin_memory=True),
    lambda: rtorch.empty(2, 3, pin_memory=True),
    lambda: rtorch.zeros(2, 3, pin_memory=True),
    lambda: rtorch.ones(2, 3, pin_memory=True),
    lambda: rtorch.full((2, 3), 1.5, pin_memory=True),
    lambda: rtorch.empty_like(rtorch.ones(2), pin_memory=True),
    lambda: rtorch.zeros_like(rtorch.ones(2), pin_memory=True),
    lambda: rtorch.full_like(rtorch.ones(2), 3.0, pin_memory=True),
]


def as_np(t):
    t = t.detach().cpu()
    return t.float().numpy() if t.dtype == rtorch.bfloat16 else t.numpy()


def rand(shape, dtype):
    a = RNG.uniform(-50, 50, size=shape)
    if dtype == rtorch.bool:
        return rtorch.tensor(a > 0)
    return rtorch.tensor(a).to(dtype)


def sources(shape, dtype):
    """A contiguous tensor of `shape` and non-contiguous views with the same shape."""
    x = rand(shape, dtype)
    out = [x]
    if len(shape) >= 2:
        out.append(rand(shape[::-1], dtype).permute(*reversed(range(len(shape)))))
    if len(shape) >= 1:
        out.append(rand(shape[:-1] + (2 * shape[-1],), dtype)[..., ::2])
    for s in out:
        assert tuple(s.shape) == shape
    return out


# ----------------------------------------------------------------------------- any machine

def test_ordinary_tensors_are_not_pinned():
    x = rtorch.randn(3, 4)
    a = np.arange(6.0)
    for t in [x, x.t(), x[1:], rtorch.from_numpy(a), rtorch.tensor(3.0), rtorch.empty(0), rtorch.zeros(2)]:
        assert t.is_pinned() is False


def test_pin_memory_of_a_cuda_device_argument_is_refused():
    # PyTorch: only dense CPU tensors can be pinned; the device is checked before any allocation.
    for f in [lambda: rtorch.empty(2, device="cuda", pin_memory=True),
              lambda: rtorch.zeros(2, device="cuda", pin_memory=True),
              lambda: rtorch.full((2,), 1.0, device="cuda", pin_memory=True),
              lambda: rtorch.tensor([1.0], device="cuda", pin_memory=True)]:
        with pytest.raises(RuntimeError, match="Only dense CPU tensors can be pinned"):
            f()


def test_non_blocking_on_the_cpu_is_a_plain_copy():
    x = rtorch.arange(12.0).reshape(3, 4)
    assert x.to("cpu", non_blocking=True) is x
    y = x.to(rtorch.float64, True)  # positional non_blocking, as in to(dtype, non_blocking)
    assert y.dtype == rtorch.float64 and np.array_equal(as_np(y), as_np(x))
    z = x.to(rtorch.float64, False, True)  # ... then positional copy
    assert z.dtype == rtorch.float64
    d = rtorch.empty(4, 3)
    d.copy_(x.t(), non_blocking=True)
    np.testing.assert_array_equal(as_np(d), as_np(x).T)


@pytestmark_nogpu
def test_pin_memory_without_gpu_raises_clearly():
    x = rtorch.ones(3)
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available") as e:
        x.pin_memory()
    assert "is_available() is False" in str(e.value)
    assert not x.is_pinned()
    for f in PIN_FACTORIES + [lambda: rtorch.empty(0).pin_memory()]:
        with pytest.raises(RuntimeError, match="accelerator"):
            f()


@pytestmark_nogpu
def test_pin_memory_without_gpu_matches_torch_exception_kind():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("torch sees a GPU")
    for ours, theirs in [(lambda: rtorch.ones(2).pin_memory(), lambda: torch.ones(2).pin_memory()),
                         (lambda: rtorch.tensor([1.0], pin_memory=True), lambda: torch.tensor([1.0], pin_memory=True))]:
        with pytest.raises(RuntimeError):
            theirs()
        with pytest.raises(RuntimeError):
            ours()


def _nested_dataset(n):
    return [{"x": np.full((2, 3), i, dtype=np.float32), "pair": (rtorch.tensor([i, -i]), i), "name": f"s{i}"}
            for i in range(n)]


def _check_nested_batches(batches, n, bs, pinned):
    assert len(batches) == -(-n // bs)
    for k, b in enumerate(batches):
        idx = np.arange(k * bs, min(n, (k + 1) * bs))
        np.testing.assert_array_equal(as_np(b["x"]), np.broadcast_to(idx[:, None, None], (len(idx), 2, 3)))
        np.testing.assert_array_equal(as_np(b["pair"][0]), np.stack([idx, -idx], 1))
        np.testing.assert_array_equal(as_np(b["pair"][1]), idx)
        assert b["name"] == [f"s{i}" for i in idx]
        for t in (b["x"], b["pair"][0], b["pair"][1]):
            assert t.is_pinned() is pinned


@pytestmark_nogpu
def test_dataloader_pin_memory_without_gpu_warns_and_yields_batches():
    data = _nested_dataset(7)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        batches = list(DataLoader(data, batch_size=3, pin_memory=True))
    _check_nested_batches(batches, 7, 3, pinned=False)
    ds = TensorDataset(rtorch.arange(10.0), rtorch.arange(10))
    with pytest.warns(UserWarning):
        out = list(DataLoader(ds, batch_size=4, pin_memory=True))
    np.testing.assert_array_equal(np.concatenate([as_np(x) for x, _ in out]), np.arange(10.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(DataLoader(ds, batch_size=4))  # pin_memory=False: no warning


# ----------------------------------------------------------------------------- with a GPU

@pytestmark_gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_pinned_round_trip(dtype, shape):
    for src in sources(shape, dtype):
        ref = as_np(src)
        p = src.pin_memory()
        assert p.is_pinned() and not src.is_pinned() and p.is_contiguous()
        assert p.dtype == dtype and tuple(p.shape) == shape
        np.testing.assert_array_equal(as_np(p), ref)
        g = p.to("cuda", non_blocking=True)
        assert g.is_cuda and not g.is_pinned()
        rtorch.cuda.synchronize()
        np.testing.assert_array_equal(as_np(g), ref)
        # From pageable memory non_blocking=True falls back to the synchronous copy.
        np.testing.assert_array_equal(as_np(src.cuda(non_blocking=True)), ref)
        # Device -> host: pinned result, ready without an explicit synchronize.
        h = g.to("cpu", non_blocking=True)
        assert h.is_pinned() and h.device.type == "cpu"
        np.testing.assert_array_equal(as_np(h), ref)
        assert not g.to("cpu").is_pinned()


@pytestmark_gpu
def test_pin_memory_of_pinned_returns_self_and_cuda_is_refused():
    p = rtorch.randn(4, 5).pin_memory()
    assert p.pin_memory() is p
    v = p.t()  # a pinned view: already pinned, so returned as is (PyTorch)
    assert v.pin_memory() is v and v.is_pinned()
    g = rtorch.ones(3, device="cuda")
    assert g.is_pinned() is False
    with pytest.raises(RuntimeError, match=r"cannot pin 'rtorch.cuda.FloatTensor' only dense CPU tensors can be pinned"):
        g.pin_memory()


@pytestmark_gpu
def test_pin_factories():
    for f in PIN_FACTORIES:
        t = f()
        assert t.is_pinned(), f
    np.testing.assert_array_equal(as_np(rtorch.zeros(2, 3, pin_memory=True)), np.zeros((2, 3)))
    np.testing.assert_array_equal(as_np(rtorch.ones(2, 3, pin_memory=True)), np.ones((2, 3)))
    np.testing.assert_array_equal(as_np(rtorch.full((2, 3), 1.5, pin_memory=True)), np.full((2, 3), 1.5))
    t = rtorch.tensor([[1, 2], [3, 4]], dtype=rtorch.int32, pin_memory=True, requires_grad=False)
    assert t.dtype == rtorch.int32 and t.is_pinned()
    np.testing.assert_array_equal(as_np(t), [[1, 2], [3, 4]])
    w = rtorch.tensor([1.0, 2.0], pin_memory=True, requires_grad=True)
    assert w.is_pinned() and w.is_leaf and w.requires_grad


@pytestmark_gpu
def test_pin_memory_and_non_blocking_copies_keep_gradients():
    x = rtorch.randn(3, 4, dtype=rtorch.float64, requires_grad=True)
    p = x.pin_memory()
    assert p.is_pinned() and p.requires_grad
    y = (p.cuda(non_blocking=True) * 2).to("cpu", non_blocking=True)
    y.sum().backward()
    np.testing.assert_array_equal(as_np(x.grad), np.full((3, 4), 2.0))


def _delay_stream():
    """Queue a few milliseconds of work so that later copies are still pending when we look."""
    a = rtorch.randn(2048, 2048, device="cuda")
    for _ in range(8):
        a = (a @ a).tanh()
    return a


@pytestmark_gpu
def test_non_blocking_from_dropped_pinned_tensors_reuses_blocks_safely():
    n = 1 << 20  # 4 MiB blocks: the same size every time, so each fill reuses the block just freed
    rtorch.cuda.synchronize()
    _delay_stream()
    outs = []
    for i in range(40):
        p = rtorch.full((n,), float(i), pin_memory=True)
        outs.append(p.to("cuda", non_blocking=True))
        del p  # goes back to the cache while its copy may still be queued
    rtorch.cuda.synchronize()
    for i, g in enumerate(outs):
        v = as_np(g)
        assert v.min() == i and v.max() == i, (i, v.min(), v.max())


@pytestmark_gpu
def test_copy_non_blocking_both_ways():
    ref = RNG.standard_normal((64, 33)).astype(np.float32)
    p = rtorch.tensor(ref, pin_memory=True)
    _delay_stream()
    d = rtorch.empty(64, 33, device="cuda")
    assert d.copy_(p, non_blocking=True) is d
    d64 = rtorch.empty(64, 33, dtype=rtorch.float64, device="cuda")
    d64.copy_(p, non_blocking=True)  # with a cast on the device
    rtorch.cuda.synchronize()
    np.testing.assert_array_equal(as_np(d), ref)
    np.testing.assert_array_equal(as_np(d64), ref.astype(np.float64))
    # Device -> pinned host: no synchronize needed before reading.
    _delay_stream()
    g = d * 3
    h = rtorch.empty(64, 33, pin_memory=True)
    h.copy_(g, non_blocking=True)
    np.testing.assert_array_equal(as_np(h), ref * 3)
    hp = rtorch.empty(33, 64)  # pageable destination, transposed source
    hp.copy_(g.t(), non_blocking=True)
    np.testing.assert_array_equal(as_np(hp), (ref * 3).T)


@pytestmark_gpu
def test_d2h_non_blocking_needs_no_synchronize():
    a = _delay_stream()
    g = rtorch.arange(1 << 20, device="cuda", dtype=rtorch.float32) * 2 + a[0, 0] * 0
    h = g.to("cpu", non_blocking=True)
    assert h.is_pinned()
    np.testing.assert_array_equal(h.numpy(), np.arange(1 << 20, dtype=np.float32) * 2)


@pytestmark_gpu
def test_empty_cache_after_pinning():
    before = rtorch.cuda.memory_allocated()
    ps = [rtorch.randn(1 << 18).pin_memory() for _ in range(4)]
    assert rtorch.cuda.memory_allocated() == before  # host memory is not device memory
    gs = [p.cuda(non_blocking=True) for p in ps]
    del ps
    gc.collect()
    rtorch.cuda.empty_cache()
    rtorch.cuda.synchronize()
    q = rtorch.ones(1 << 18).pin_memory()
    assert q.is_pinned() and as_np(q).sum() == 1 << 18
    assert all(g.shape == (1 << 18,) for g in gs)


@pytestmark_gpu
def test_dataloader_pin_memory_yields_pinned_batches():
    data = _nested_dataset(7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches = list(DataLoader(data, batch_size=3, pin_memory=True))
    _check_nested_batches(batches, 7, 3, pinned=True)
    _check_nested_batches(list(DataLoader(data, batch_size=3)), 7, 3, pinned=False)
    ds = TensorDataset(rtorch.arange(10.0), rtorch.arange(10))
    for x, y in DataLoader(ds, batch_size=4, shuffle=True, pin_memory=True):
        assert x.is_pinned() and y.is_pinned()
        xg = x.to("cuda", non_blocking=True)
        rtorch.cuda.synchronize()
        np.testing.assert_array_equal(as_np(xg), as_np(y).astype(np.float32))

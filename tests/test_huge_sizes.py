"""Huge and overflowing sizes are refused before anything is allocated or looped over (issue 15 items 1 and 3).

The rule (src/storage.rs `cpu_memory_limit`): one CPU allocation may not exceed the machine's physical memory
(or its cgroup limit) plus swap, which is what Linux's default overcommit heuristic refuses for PyTorch too; the
error is rtorch's AllocationError, a RuntimeError (PyTorch's class) and a MemoryError. Element counts and byte
sizes are checked where a shape is made (numel above 2**63 - 1 is PyTorch's "numel: integer multiplication
overflow"). Random fills and parameter initialisation write in place: peak memory is the tensor itself.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch._errors import AllocationError


def _machine_limit():
    """MemTotal (or the cgroup limit, when lower) + SwapTotal, as the engine computes it."""
    fields = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            fields[k] = int(v.split()[0]) * 1024
    total = fields["MemTotal"]
    for p in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            total = min(total, int(open(p).read().strip()))
        except (OSError, ValueError):
            pass
    return total + fields.get("SwapTotal", 0)


LIMIT = _machine_limit()


def test_allocation_error_is_runtime_and_memory_error():
    assert issubclass(AllocationError, RuntimeError) and issubclass(AllocationError, MemoryError)


def test_more_than_the_machine_holds_is_refused_untouched():
    # 10**12 float32 = 4 TB: refused by the limit itself (its message), not by the OOM killer.
    n = LIMIT // 4 + 1
    for make in (lambda: rtorch.zeros(n), lambda: rtorch.empty(n), lambda: rtorch.ones(n), lambda: rtorch.rand(n),
                 lambda: rtorch.randn(n), lambda: rtorch.full((n,), 2.0), lambda: rtorch.zeros(10**12)):
        with pytest.raises(AllocationError, match="can't allocate memory: you tried to allocate .* memory and swap"):
            make()
    with pytest.raises(AllocationError, match=str(LIMIT)):
        rtorch._rtorch._check_alloc("probe", LIMIT + 1)
    rtorch._rtorch._check_alloc("probe", 1 << 20)  # small sizes pass


@pytest.mark.parametrize("make", [
    lambda: rtorch.zeros(2**62, 4),
    lambda: rtorch.empty(2**62 + 1, 4),
    lambda: rtorch.ones(2).repeat(2**62, 2),
    lambda: rtorch.linspace(0, 1, 2**62),
    lambda: rtorch.logspace(0, 1, 2**62),
    lambda: rtorch.arange(2**62),
    lambda: rtorch.randperm(2**62),
    lambda: rtorch.randint(0, 5, (2**62, 4)),
    lambda: rtorch.repeat_interleave(rtorch.tensor(1.0), 2**62 + 1),
    lambda: rtorch.repeat_interleave(rtorch.tensor([1.0, 2.0]), rtorch.tensor([2**62, 2**62])),
    lambda: F.pad(rtorch.ones(2), (2**62, 0)),
    lambda: F.pad(rtorch.ones(1, 2, 3), (2**62, 0), mode="replicate"),
    lambda: F.one_hot(rtorch.zeros(1, dtype=rtorch.int64), num_classes=2**62),
    lambda: nn.Linear(2**31, 2**31),
    lambda: rtorch.kron(rtorch.ones(1).expand(2**40), rtorch.ones(1).expand(2**40)),
    lambda: rtorch.ones(1).expand(2**31, 2**31).contiguous(),
    lambda: rtorch.ones(1).expand(2**20, 2**40).sum(dim=0),
], ids=["zeros", "empty", "repeat", "linspace", "logspace", "arange", "randperm", "randint", "repeat_interleave",
        "repeat_interleave_tensor", "pad", "pad_replicate", "one_hot", "Linear", "kron", "contiguous", "sum"])
def test_impossible_sizes_raise_allocation_error(make):
    with pytest.raises(RuntimeError, match="Storage size calculation overflowed|can't allocate memory|numel"):
        make()


def test_numel_overflow_is_an_error_where_the_shape_is_made():
    # Found by cargo-fuzz: the product wrapped and the view claimed 4 elements.
    for make in (lambda: rtorch.ones(1).expand(2**62 + 1, 4), lambda: rtorch.tensor(1.0).expand(2**62 + 1, 4),
                 lambda: rtorch.ones(()).expand(2**32, 2**32),
                 lambda: rtorch.ones(1).expand(2**31, 2**31).unfold(1, 2**30, 1),
                 lambda: rtorch.ones(1).expand(2**31, 2**31)[:, :, None].expand(2**31, 2**31, 4)):
        with pytest.raises(RuntimeError, match="numel: integer multiplication overflow"):
            make()
    big = rtorch.ones(1).expand(2**31, 2**31)  # legal: 2**62 elements of one stored value
    assert big.numel() == 2**62 and big.shape == (2**31, 2**31)
    with pytest.raises(RuntimeError):
        rtorch.ones(4).view(2**62 + 1, 4)
    with pytest.raises(RuntimeError):
        big.view(4)


def test_outputs_that_cannot_fit_are_refused_before_looping():
    # Each used to loop (or hang) until the machine ran out: returning at all is the check.
    for make in (lambda: rtorch.ones(1).expand(2**40).split(1), lambda: rtorch.ones(1).expand(2**40).unbind(),
                 lambda: rtorch.ones(1).expand(2**40).chunk(2**40),
                 lambda: F.adaptive_avg_pool2d(rtorch.ones(1, 1, 5, 5), 2**20),
                 lambda: nn.AdaptiveAvgPool2d(2**31)(rtorch.ones(1, 1, 4, 4)),
                 lambda: nn.GRU(1, 1, 2**31), lambda: nn.LSTM(4, 4, 2**40, bidirectional=True)):
        with pytest.raises(RuntimeError, match="can't allocate memory|Storage size"):
            make()


def _adaptive_reference(x, oh, ow):
    h, w = x.shape[-2:]
    out = np.empty(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        hs, he = i * h // oh, -((-(i + 1) * h) // oh)
        for j in range(ow):
            ws, we = j * w // ow, -((-(j + 1) * w) // ow)
            out[..., i, j] = x[..., hs:he, ws:we].mean(axis=(-2, -1))
    return out


@pytest.mark.parametrize("shape,out", [((1, 1, 5, 5), (1000, 1000)), ((2, 3, 7, 10), (3, 4)), ((3, 9, 2), (4, 5)),
                                       ((1, 2, 13, 1), (5, 3)), ((1, 1, 4, 6), (4, 6))])
def test_adaptive_avg_pool2d_any_size_in_one_pass(shape, out):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    got = F.adaptive_avg_pool2d(rtorch.tensor(x, dtype=rtorch.float64), out)
    np.testing.assert_allclose(got.numpy(), _adaptive_reference(x, *out), rtol=1e-12, atol=1e-12)
    xs = rtorch.tensor(x, dtype=rtorch.float32, requires_grad=True)
    F.adaptive_avg_pool2d(xs, out).sum().backward()  # each input's weight: sum over the cells that average it
    ref = np.zeros(shape)
    h, w = shape[-2:]
    for i in range(out[0]):
        hs, he = i * h // out[0], -((-(i + 1) * h) // out[0])
        for j in range(out[1]):
            ws, we = j * w // out[1], -((-(j + 1) * w) // out[1])
            ref[..., hs:he, ws:we] += 1.0 / ((he - hs) * (we - ws))
    np.testing.assert_allclose(xs.grad.numpy(), ref, rtol=1e-4)


def test_adaptive_avg_pool2d_half_inputs_average_in_float32():
    x = rtorch.full((1, 1, 300, 300), 60000.0, dtype=rtorch.float16)  # sums overflow float16
    assert F.adaptive_avg_pool2d(x, (7, 9)).float().unique().tolist() == [60000.0]
    assert F.adaptive_avg_pool2d(x.to(rtorch.bfloat16), 7).dtype == rtorch.bfloat16


_PEAK = textwrap.dedent("""
    import resource, sys
    import rtorch
    n = int(sys.argv[2])
    rtorch.zeros(16)  # warm up the allocator and the thread pool
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    make = {"rand": lambda: rtorch.rand(n), "randn": lambda: rtorch.randn(n),
            "randint": lambda: rtorch.randint(0, 1000, (n,), dtype=rtorch.int32),
            "randn64": lambda: rtorch.randn(n // 2, dtype=rtorch.float64),
            "normal_": lambda: rtorch.empty(n).normal_(),
            "uniform_": lambda: rtorch.empty(n).uniform_(-1, 1),
            "Linear": lambda: rtorch.nn.Linear(n // 4096, 4096, bias=False)}[sys.argv[1]]
    t = make()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) * 1024)
""")


@pytest.mark.parametrize("what", ["rand", "randn", "randint", "randn64", "normal_", "uniform_", "Linear"])
def test_random_fills_peak_at_the_tensor_size(what):
    # Issue 15: randn of 381 MB peaked at 1.57 GB (3-6x). Now the draws go straight into the tensor.
    n = 32 * 2**20  # 128 MB of 4-byte elements
    r = subprocess.run([sys.executable, "-c", _PEAK, what, str(n)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, RTORCH_NUM_THREADS="2"))
    assert r.returncode == 0, r.stderr
    peak = int(r.stdout.split()[-1])
    assert peak <= 1.1 * n * 4, f"{what}: peak {peak / 2**20:.0f} MiB for a {n * 4 / 2**20:.0f} MiB tensor"


def test_reducing_a_huge_broadcast_view_reads_each_value_once():
    # An expanded view larger than the machine can hold reduces without materialising it (0-stride dims are
    # narrowed to one element and the repeat count applied to the result).
    n = LIMIT // 4 + 1
    x = rtorch.ones(1, dtype=rtorch.float64).expand(n)
    assert x.sum().item() == float(n)
    assert x.mean().item() == 1.0
    assert x.amax().item() == 1.0 and x.amin().item() == 1.0
    assert x.prod().item() == 1.0
    assert bool(x.bool().all()) and bool(x.bool().any())
    y = rtorch.tensor([[2], [3]]).expand(2, n)  # int64, reduced over the repeat, kept dim 0
    assert y.sum(1).tolist() == [2 * n, 3 * n]
    assert y.amax(1).tolist() == [2, 3]

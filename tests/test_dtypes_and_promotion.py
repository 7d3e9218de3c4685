"""rtorch.finfo / rtorch.iinfo against NumPy, hand-computed bfloat16 limits, and PyTorch when it is installed."""
import numpy as np
import pytest

import rtorch

try:
    import torch as _torch
except ImportError:
    _torch = None

needs_torch = pytest.mark.skipif(_torch is None, reason="PyTorch not installed")

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
FINFO_ATTRS = ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_numpy(name):
    got, ref = rtorch.finfo(getattr(rtorch, name)), np.finfo(np.dtype(name))
    assert got.bits == ref.bits
    for attr in ["eps", "max", "min", "tiny", "smallest_normal"]:
        value = getattr(got, attr)
        assert type(value) is float, attr
        assert value == float(getattr(ref, attr)), attr
    # NumPy rounds `resolution` to the dtype itself (float16(0.001) != 0.001); PyTorch keeps the Python float.
    assert got.resolution == 10.0 ** -ref.precision
    assert got.dtype == name


def test_finfo_bfloat16_by_hand():
    # bfloat16 = float32's 8 exponent bits with an 8-bit significand (7 stored + implicit 1):
    # eps = 2**-7, max = (2 - 2**-7) * 2**127, tiny = 2**-126, resolution = 10**-floor(-log10(2**-7)) = 0.01.
    f = rtorch.finfo(rtorch.bfloat16)
    assert (f.bits, f.dtype) == (16, "bfloat16")
    assert f.eps == 0.0078125
    assert f.max == 3.3895313892515355e+38 and f.min == -3.3895313892515355e+38
    assert f.tiny == f.smallest_normal == 1.1754943508222875e-38
    assert f.resolution == 0.01


def test_finfo_eps_is_the_gap_above_one():
    for name in FLOATS:
        eps = rtorch.finfo(getattr(rtorch, name)).eps
        one = rtorch.ones(1, dtype=getattr(rtorch, name))
        assert ((one + eps) != one).item() and ((one + eps / 4) == one).item(), name


def test_finfo_max_is_finite_and_largest():
    for name in FLOATS + ["bfloat16"]:
        dt = getattr(rtorch, name)
        m = rtorch.tensor([rtorch.finfo(dt).max], dtype=rtorch.float64).to(dt)
        assert rtorch.isfinite(m).item(), name
        assert rtorch.isinf(m * 2).item(), name


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_numpy(name):
    got, ref = rtorch.iinfo(getattr(rtorch, name)), np.iinfo(np.dtype(name))
    assert (got.bits, got.min, got.max, got.dtype) == (ref.bits, int(ref.min), int(ref.max), name)
    assert type(got.max) is int and type(got.min) is int


def test_default_dtype_and_equality():
    assert rtorch.finfo().dtype == rtorch.get_default_dtype().name
    assert rtorch.finfo(rtorch.float32) == rtorch.finfo(rtorch.float32)
    assert rtorch.finfo(rtorch.float32) != rtorch.finfo(rtorch.float64)
    assert rtorch.iinfo(rtorch.int8) == rtorch.iinfo(rtorch.int8)
    assert rtorch.finfo(rtorch.float) is not None and rtorch.finfo(rtorch.double).bits == 64
    assert rtorch.iinfo(rtorch.long).bits == 64


@pytest.mark.parametrize("call", [
    lambda: rtorch.finfo(rtorch.int32),
    lambda: rtorch.finfo(rtorch.bool),
    lambda: rtorch.iinfo(rtorch.float32),
    lambda: rtorch.iinfo(rtorch.bool),
    lambda: rtorch.finfo(3),
    lambda: rtorch.iinfo("int8"),
])
def test_wrong_kind_of_dtype_raises_type_error(call):
    with pytest.raises(TypeError):
        call()


@needs_torch
@pytest.mark.parametrize("name", FLOATS + ["bfloat16"])
def test_finfo_matches_torch(name):
    got, ref = rtorch.finfo(getattr(rtorch, name)), _torch.finfo(getattr(_torch, name))
    for attr in FINFO_ATTRS:
        assert getattr(got, attr) == getattr(ref, attr), attr
    assert repr(got) == repr(ref)


@needs_torch
@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    got, ref = rtorch.iinfo(getattr(rtorch, name)), _torch.iinfo(getattr(_torch, name))
    for attr in ["bits", "max", "min", "dtype"]:
        assert getattr(got, attr) == getattr(ref, attr), attr
    assert repr(got) == repr(ref)

"""dtypes: the dtype objects, the dtype a new tensor gets, type promotion (tensors and Python scalars),
finfo / iinfo limits, and casts into float16 / bfloat16 (round once, to nearest even), against NumPy,
hand-computed values and PyTorch when it is installed."""
import hashlib

import numpy as np
import pytest

import rtorch
from helpers import assert_close
from torch_ref import torch_ref


def test_tensor_infers_dtype_like_pytorch():
    assert rtorch.tensor([1, 2]).dtype is rtorch.int64
    assert rtorch.tensor([1.0, 2]).dtype is rtorch.float32
    assert rtorch.tensor([True]).dtype is rtorch.bool
    assert rtorch.tensor(np.array([1.5])).dtype is rtorch.float64
    assert rtorch.tensor(3.0).shape == () and rtorch.tensor(3.0).ndim == 0
    with pytest.raises(ValueError):
        rtorch.tensor([[1, 2], [3]])



NUMPY_SCALARS = [np.float32, np.int64, np.int32, np.int8, np.uint8, np.bool_, np.float64, np.float16]


@pytest.mark.parametrize("scalar_type", NUMPY_SCALARS, ids=lambda s: s.__name__)
def test_numpy_scalars_keep_their_dtype(scalar_type):
    # PyTorch: torch.tensor(np.float64(1.5)).dtype is torch.float64, also inside a list.
    want = getattr(rtorch, np.dtype(scalar_type).name)
    v = scalar_type(1)
    assert rtorch.tensor(v).dtype is want
    assert rtorch.tensor([v, v]).dtype is want


@pytest.mark.parametrize("data, want", [
    ([np.float64(1), 2.0], "float64"), ([2.0, np.float64(1)], "float64"), ([np.float16(1), 2.0], "float32"),
    ([np.float32(1), np.float64(1)], "float64"), ([[np.float64(1)]], "float64"), ([np.int32(1), 2], "int64"),
    ([np.int32(1), 2.0], "float32"), ([1.0, 2], "float32"), ([np.int8(1), np.int16(2)], "int16"),
])
def test_sequences_of_numpy_scalars_promote_like_pytorch(data, want):
    # PyTorch's inference (recorded with torch 2.x): Python floats count as the default dtype, NumPy scalars keep
    # theirs, and the result is their promotion (not NumPy's, which would give float64 for int32 + float).
    assert rtorch.tensor(data).dtype is getattr(rtorch, want)
    assert torch_ref(lambda torch: str(torch.tensor(data).dtype)) == f"torch.{want}"


def test_dtype_objects():
    assert rtorch.float32.itemsize == 4 and rtorch.float32.is_floating_point
    assert not rtorch.int64.is_floating_point
    t = rtorch.zeros(2, 3)
    assert t.double().dtype is rtorch.float64 and t.long().dtype is rtorch.int64 and t.half().dtype is rtorch.float16
    assert isinstance(t.shape, rtorch.Size) and t.shape == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.stride() == (3, 1) and t.is_contiguous() and t.numel() == 6 and t.element_size() == 4


@pytest.mark.parametrize("a,b,expected", [
    (rtorch.int32, rtorch.float16, rtorch.float16), (rtorch.uint8, rtorch.int8, rtorch.int16),
    (rtorch.bool, rtorch.int64, rtorch.int64), (rtorch.float16, rtorch.bfloat16, rtorch.float32),
    (rtorch.int64, rtorch.float32, rtorch.float32),
])
def test_promote_types(a, b, expected):
    assert rtorch.promote_types(a, b) is expected
    assert (rtorch.ones(2, dtype=a) + rtorch.ones(2, dtype=b)).dtype is expected


def test_python_scalars_do_not_upcast():
    assert (rtorch.ones(2, dtype=rtorch.int32) + 1).dtype is rtorch.int32
    assert (rtorch.ones(2, dtype=rtorch.int32) + 1.5).dtype is rtorch.float32
    assert (rtorch.ones(2, dtype=rtorch.float16) * 2.0).dtype is rtorch.float16
    assert (rtorch.ones(2, dtype=rtorch.uint8) + rtorch.tensor(1000)).dtype is rtorch.uint8
    assert (rtorch.ones(2, dtype=rtorch.int32) + rtorch.tensor(1.0, dtype=rtorch.float64)).dtype is rtorch.float64


def test_half_precision_computes():
    for dt in (rtorch.float16, rtorch.bfloat16):
        x = rtorch.tensor([0.5, 1.0, 2.0], dtype=dt)
        assert x.exp().dtype is dt  # computed in float32, stored back in the half type
        y = (x.exp() * 2).float()
        assert_close(y, 2 * np.exp([0.5, 1.0, 2.0]), rtol=1e-2, dtype=rtorch.float32)


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


def _info(torch, kind, name, attrs):
    """{attr: value} and the repr of PyTorch's finfo / iinfo of the dtype `name`."""
    info = getattr(torch, kind)(getattr(torch, name))
    return {attr: getattr(info, attr) for attr in attrs}, repr(info)


@pytest.mark.parametrize("name", FLOATS + ["bfloat16"])
def test_finfo_matches_torch(name):
    got = rtorch.finfo(getattr(rtorch, name))
    ref, ref_repr = torch_ref(lambda torch: _info(torch, "finfo", name, FINFO_ATTRS))
    for attr in FINFO_ATTRS:
        assert getattr(got, attr) == ref[attr], attr
    assert repr(got) == ref_repr


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    got = rtorch.iinfo(getattr(rtorch, name))
    ref, ref_repr = torch_ref(lambda torch: _info(torch, "iinfo", name, ["bits", "max", "min", "dtype"]))
    for attr in ["bits", "max", "min", "dtype"]:
        assert getattr(got, attr) == ref[attr], attr
    assert repr(got) == ref_repr


RNG = np.random.default_rng(1234)


def _f32_bits(n, rng=None):
    """Random float32 bit patterns, weighted towards the hard cases: low 16 bits near the bf16
    halfway point (0x7fff..0x8007), low 13 bits near the f16 halfway point, and specials."""
    rng = RNG if rng is None else rng
    b = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    k = n // 4
    b[:k] = (b[:k] & 0xFFFF0000) | (0x7FF8 + rng.integers(0, 16, k, dtype=np.uint32))
    b[k:2 * k] = (b[k:2 * k] & 0xFFFFE000) | (0x0FF8 + rng.integers(0, 16, k, dtype=np.uint32))
    special = np.array([0x3F808001, 0x3F808007, 0x3F808000, 0x3F818000, 0x3F807FFF, 0x7F7FFFFF, 0x7F7F8000,
                        0x00000001, 0x80000001, 0x00400000, 0x7F800000, 0xFF800000, 0x00000000, 0x80000000,
                        0x477FE000, 0x477FF000, 0x33000000, 0x33000001, 0x387FC000, 0x387FE001],
                       dtype=np.uint32)
    return np.concatenate([special, b])


def _bf16_rne_bits(bits):
    """float32 bits -> the float32 bits of the bfloat16 nearest (ties to even); NaN stays NaN."""
    b = bits.astype(np.uint64)
    r = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return (r << 16).astype(np.uint32)


def _as_f32_bits(t):
    return t.float().numpy().view(np.uint32)


def test_f32_to_bf16_rounds_to_nearest_even():
    bits = _f32_bits(200_000)
    x = bits.view(np.float32)
    got = _as_f32_bits(rtorch.from_numpy(x).to(rtorch.bfloat16))
    nan = np.isnan(x)
    want = _bf16_rne_bits(bits)
    assert np.isnan(got[nan].view(np.float32)).all()
    bad = np.flatnonzero(got[~nan] != want[~nan])
    assert bad.size == 0, [hex(v) for v in bits[~nan][bad[:5]]]
    # The case from the bug report: 1 + 0x8001 ulp(f32) is above the halfway point.
    one = np.array([0x3F808001], dtype=np.uint32).view(np.float32)
    assert rtorch.from_numpy(one).to(rtorch.bfloat16).item() == 1.0078125


def test_f32_to_f16_matches_numpy():
    x = _f32_bits(200_000).view(np.float32)
    with np.errstate(over="ignore"):
        want = x.astype(np.float16).astype(np.float32)
    got = rtorch.from_numpy(x).to(rtorch.float16).float().numpy()
    nan = np.isnan(want)
    assert np.isnan(got[nan]).all()
    bad = np.flatnonzero(got[~nan].view(np.uint32) != want[~nan].view(np.uint32))
    assert bad.size == 0, [hex(v) for v in x[~nan][bad[:5]].view(np.uint32)]


def test_f64_to_half_types_round_through_float32():
    # PyTorch converts float64 (and integers) to float16 / bfloat16 through float32: two roundings
    # (torch 2.x: float64 1 + 2^-11 + 2^-40 -> float16 1.0, where NumPy's single rounding gives 1 + 2^-10).
    with np.errstate(invalid="ignore"):
        base = _f32_bits(50_000).view(np.float32).astype(np.float64)
    base = base[np.isfinite(base) & (np.abs(base) > 1e-30) & (np.abs(base) < 1e30)]
    tiny = RNG.choice([-1.0, 1.0], base.size) * np.ldexp(1.0, -30) * RNG.random(base.size)
    x = np.concatenate([base * (1.0 + tiny), [1.0 + 2.0**-11 + 2.0**-40]])
    x32 = x.astype(np.float32)
    with np.errstate(over="ignore", under="ignore"):
        want16 = x32.astype(np.float16).astype(np.float64)
    got16 = rtorch.from_numpy(x).to(rtorch.float16).double().numpy()
    assert np.array_equal(got16, want16) and got16[-1] == 1.0
    # bfloat16 (normal range here): round-to-nearest-even on the float32 bits (keep 7 of 23 mantissa bits).
    b = x32.view(np.uint32).astype(np.uint64)
    r = (((b + np.uint64(0x7FFF) + ((b >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)) << np.uint64(16))
    wantbf = r.astype(np.uint32).view(np.float32).astype(np.float64)
    gotbf = rtorch.from_numpy(x).to(rtorch.bfloat16).double().numpy()
    assert np.array_equal(gotbf, wantbf)
    try:
        import torch as pt
    except ImportError:
        return
    for ours, theirs in [(rtorch.bfloat16, pt.bfloat16), (rtorch.float16, pt.float16)]:
        want = pt.from_numpy(x).to(theirs).double().numpy()
        assert np.array_equal(rtorch.from_numpy(x).to(ours).double().numpy(), want), ours


def test_half_casts_match_pytorch():
    x = _f32_bits(100_000, np.random.default_rng(99)).view(np.float32)

    def digest(a):  # the bits of the rounded values, NaNs made one pattern (PyTorch's payloads may differ)
        return hashlib.sha256(np.where(np.isnan(a), np.float32(np.nan), a).view(np.uint32).tobytes()).hexdigest()
    # 100,000 values would make a 400 kB fixture per dtype: record their digest (an exact comparison)
    want = torch_ref(lambda pt: [digest(pt.from_numpy(x).to(getattr(pt, name)).float().numpy())
                                 for name in ("bfloat16", "float16")])
    for ours, theirs in zip((rtorch.bfloat16, rtorch.float16), want):
        assert digest(rtorch.from_numpy(x).to(ours).float().numpy()) == theirs, ours

"""Numeric rules of issue 15 item 5, as properties against NumPy and exact Python arithmetic: half-precision
reductions accumulate in float32, integer division (floor and trunc) is exact with PyTorch's ZeroDivisionError,
Python numbers stored into a tensor must be representable (c10's rule) while arithmetic wraps, linspace and
logspace of one step give `start`, `int()` of a tensor is Python's, advanced indices are bounds-checked even when
the broadcast index is empty, and a hook may not change a gradient's shape or dtype. PyTorch's own outcomes for
the same rules are in tests/fixtures/robustness_torch.json (tests/test_robustness_parity.py).
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch

HALF = [rtorch.float16, rtorch.bfloat16]
NP_HALF = {rtorch.float16: np.float16}


def _round_to(dtype, values):
    """float64 values rounded to `dtype` (bfloat16 through rtorch's own cast, which NumPy lacks)."""
    return rtorch.tensor(np.asarray(values, dtype=np.float64)).to(dtype).double().numpy()


@given(n=st.integers(1, 120_000), scale=st.sampled_from([1.0, 3.0, 250.0]), seed=st.integers(0, 2**32 - 1),
       dtype=st.sampled_from(HALF))
def test_half_mean_var_std_norm_accumulate_in_float32(n, scale, seed, dtype):
    # The sums overflow float16 (and stall bfloat16) long before n; the results must not.
    x64 = _round_to(dtype, np.random.default_rng(seed).random(n) * scale)
    x = rtorch.tensor(x64).to(dtype)
    for name, got, want in [("mean", x.mean(), x64.mean()), ("var", x.var(), x64.var(ddof=1) if n > 1 else np.nan),
                            ("std", x.std(), x64.std(ddof=1) if n > 1 else np.nan),
                            ("norm", x.norm(), np.sqrt((x64 ** 2).sum())), ("norm1", x.norm(1), np.abs(x64).sum())]:
        assert got.dtype == dtype, name
        want = _round_to(dtype, [want])[0]
        g = got.double().item()
        if math.isinf(want):
            assert g == want, (name, g, want)
        else:
            assert g == pytest.approx(want, rel=2e-2, abs=1e-2, nan_ok=True), (name, n, g, want)


@given(rows=st.integers(1, 4), n=st.integers(70_000, 90_000), dtype=st.sampled_from(HALF))
def test_half_mean_over_a_dim(rows, n, dtype):
    x = rtorch.ones(rows, n, dtype=dtype)
    assert x.mean(1).tolist() == [1.0] * rows
    assert x.t().mean(0).tolist() == [1.0] * rows
    assert x.var(1).tolist() == [0.0] * rows
    assert x.nanmean(1).tolist() == [1.0] * rows


def test_half_mean_gradient():
    x = rtorch.ones(70_000, dtype=rtorch.float16, requires_grad=True)
    x.mean().backward()
    assert x.grad.dtype == rtorch.float16
    np.testing.assert_allclose(x.grad.float().numpy(), np.float16(1 / 70_000), rtol=1e-3)


INT64 = st.integers(-2**63, 2**63 - 1)
INT_DTYPES = [(rtorch.int8, 8), (rtorch.int16, 16), (rtorch.int32, 32), (rtorch.int64, 64)]


def _wrap(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


@given(a=st.lists(INT64, min_size=1, max_size=20), b=st.lists(INT64.filter(bool), min_size=1, max_size=20),
       which=st.sampled_from(INT_DTYPES))
def test_integer_division_is_exact(a, b, which):
    dtype, bits = which
    k = min(len(a), len(b))
    a = [_wrap(v, bits) for v in a[:k]]
    b = [_wrap(v, bits) or 1 for v in b[:k]]
    ta, tb = rtorch.tensor(a, dtype=dtype), rtorch.tensor(b, dtype=dtype)
    trunc = [_wrap(abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1), bits) for x, y in zip(a, b)]
    floor = [_wrap(x // y, bits) for x, y in zip(a, b)]
    assert ta.div(tb, rounding_mode="trunc").tolist() == trunc
    assert ta.div(tb, rounding_mode="floor").tolist() == floor
    assert (ta // tb).tolist() == floor
    assert ta.div(b[0], rounding_mode="trunc").tolist() == [_wrap(abs(x) // abs(b[0]) * (1 if (x < 0) == (b[0] < 0)
                                                                                           else -1), bits) for x in a]
    np.testing.assert_array_equal(ta.fmod(tb).numpy(), np.fmod(np.array(a), np.array(b)).astype(ta.numpy().dtype))


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
@pytest.mark.parametrize("dtype", [rtorch.uint8, rtorch.int8, rtorch.int32, rtorch.int64])
def test_integer_division_by_zero_raises(mode, dtype):
    a, z = rtorch.tensor([5, 6], dtype=dtype), rtorch.tensor([1, 0], dtype=dtype)
    if mode is None:
        assert a.div(z).tolist() == [5.0, math.inf]  # true division gives floats
        return
    for call in (lambda: a.div(z, rounding_mode=mode), lambda: a.div(0, rounding_mode=mode),
                 lambda: a.clone().div_(z, rounding_mode=mode)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            call()


def test_int64_min_divided_by_minus_one_wraps():
    m = rtorch.tensor([-2**63, 7])
    for r in (m // -1, m.div(-1, rounding_mode="floor"), m.div(-1, rounding_mode="trunc")):
        assert r.tolist() == [-2**63, -7]
    assert (m % -1).tolist() == [0, 0] and m.fmod(-1).tolist() == [0, 0]


def _fits(v, dtype):
    """c10's `overflows` rule, written out independently: can Python number v be stored in dtype?"""
    if dtype == rtorch.bool or dtype == rtorch.float64:
        return True
    if dtype.is_floating_point:
        big = {rtorch.float16: 65504.0, rtorch.bfloat16: 3.3895313892515355e38, rtorch.float32: 3.4028234663852886e38}
        return math.isinf(v) or math.isnan(v) or abs(v) <= big[dtype] if isinstance(v, float) else abs(v) <= big[dtype]
    info = np.iinfo(str(dtype).replace("rtorch.", ""))
    if isinstance(v, float):
        return not math.isnan(v) and info.min <= v <= info.max and v < 2.0**63
    if dtype == rtorch.uint8:
        return -255 <= v <= 255
    return info.min <= v <= info.max


NUMBERS = st.one_of(st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([127, 128, -128, -129, 255, 256, -255, -256, 32767, 32768, 2**31, -2**31 - 1,
                                     65504, 65505, 70000, 1e6, 1e39, 300.5, 2.0**63, -2.0**63]))
DTYPES = [rtorch.bool, rtorch.uint8, rtorch.int8, rtorch.int16, rtorch.int32, rtorch.int64, rtorch.float16,
          rtorch.bfloat16, rtorch.float32, rtorch.float64]


@given(v=NUMBERS, dtype=st.sampled_from(DTYPES))
def test_python_numbers_stored_into_a_tensor_must_fit(v, dtype):
    stores = [lambda: rtorch.zeros(3, dtype=dtype).fill_(v), lambda: rtorch.full((3,), v, dtype=dtype),
              lambda: rtorch.zeros(3, dtype=dtype).masked_fill(rtorch.tensor([True, False, True]), v),
              lambda: rtorch.zeros(3, dtype=dtype).index_fill(0, rtorch.tensor([1]), v),
              lambda: rtorch.zeros(3, dtype=dtype).scatter(0, rtorch.tensor([1]), v),
              lambda: rtorch.zeros(3, dtype=dtype).__setitem__(1, v),
              lambda: rtorch.zeros(3, dtype=dtype).__setitem__(rtorch.tensor([0, 2]), v)]
    for store in stores:
        if _fits(v, dtype):
            store()
        else:
            with pytest.raises(RuntimeError, match="value cannot be converted to type .* without overflow"):
                store()


@given(vals=st.lists(st.one_of(st.integers(-300, 300), st.floats(-300, 300)), min_size=1, max_size=4))
def test_uint8_tensor_from_mixed_python_numbers(vals):
    # PyTorch checks each number by its own type: ints -255..255 (negative ones wrap), floats whose floor is in
    # 0..255; a list mixing them must not turn the ints into floats first.
    fits = all(-255 <= v <= 255 if isinstance(v, int) else 0 <= math.floor(v) <= 255 for v in vals)
    if fits:
        assert rtorch.tensor(vals, dtype=rtorch.uint8).tolist() == [int(v) % 256 for v in vals]
    else:
        with pytest.raises(RuntimeError, match="value cannot be converted to type uint8 without overflow"):
            rtorch.tensor(vals, dtype=rtorch.uint8)


@given(v=st.integers(-2**63, 2**63 - 1), which=st.sampled_from(INT_DTYPES[:3]))
def test_arithmetic_with_python_ints_wraps(v, which):
    dtype, bits = which
    x = rtorch.tensor([1, -3], dtype=dtype)
    assert (x + v).dtype == dtype
    assert (x + v).tolist() == [_wrap(1 + v, bits), _wrap(-3 + v, bits)]
    assert (x * v).tolist() == [_wrap(v, bits), _wrap(-3 * v, bits)]


@given(start=st.floats(-1e6, 1e6), end=st.floats(-1e6, 1e6), steps=st.integers(0, 50), base=st.sampled_from([2.0, 10.0]))
def test_linspace_logspace_match_numpy(start, end, steps, base):
    np.testing.assert_allclose(rtorch.linspace(start, end, steps, dtype=rtorch.float64).numpy(),
                               np.linspace(start, end, steps), rtol=1e-12, atol=1e-9)
    s, e = start / 1e5, end / 1e5
    np.testing.assert_allclose(rtorch.logspace(s, e, steps, base, dtype=rtorch.float64).numpy(),
                               np.logspace(s, e, steps, base=base), rtol=1e-12)
    if steps == 1:
        assert rtorch.linspace(start, end, 1, dtype=rtorch.float64).tolist() == [start]


@given(v=st.floats(allow_nan=True, allow_infinity=True), dtype=st.sampled_from([rtorch.float32, rtorch.float64]))
def test_int_of_a_tensor_is_pythons(v, dtype):
    t = rtorch.tensor(v, dtype=dtype)
    stored = t.item()
    if math.isnan(stored):
        with pytest.raises(ValueError):
            int(t)
    elif math.isinf(stored):
        with pytest.raises(OverflowError):
            int(t)
    else:
        assert int(t) == int(stored)


@given(rows=st.integers(1, 5), cols=st.integers(1, 5), i=st.integers(-8, 8), empty_first=st.booleans())
def test_int_index_beside_an_empty_index_tensor_is_checked(rows, cols, i, empty_first):
    x = rtorch.zeros(rows, cols)
    e = rtorch.tensor([], dtype=rtorch.long)
    key, size, dim = ((e, i), cols, 1) if empty_first else ((i, e), rows, 0)
    if -size <= i < size:
        assert x[key].shape == (0,)
        x[key] = 1.0
        assert x.sum().item() == 0
    else:
        with pytest.raises(IndexError, match=f"index {i} is out of bounds for dimension {dim} with size {size}"):
            x[key]
        with pytest.raises(IndexError, match=f"index {i} is out of bounds"):
            x[key] = 1.0


def test_hook_may_not_change_gradient_shape_or_dtype():
    x = rtorch.ones(3, requires_grad=True)
    x.register_hook(lambda g: rtorch.ones(7))
    with pytest.raises(RuntimeError, match="hook '<lambda>' has changed the size of value"):
        x.sum().backward()
    assert x.grad is None
    y = rtorch.ones(3, requires_grad=True)
    z = y * 2

    def to_double(g):
        return g.double()

    z.register_hook(to_double)
    with pytest.raises(RuntimeError, match="hook 'to_double' has changed the type of value"):
        z.sum().backward()
    w = rtorch.ones(3, requires_grad=True)
    w.register_hook(lambda g: g * 2)  # same shape and dtype: allowed
    w.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


@given(vals=st.lists(st.floats(-2.0**127, 2.0**127, width=32), min_size=1, max_size=8))
def test_bfloat16_tolist_gives_the_stored_values(vals):
    t = rtorch.tensor(vals).to(rtorch.bfloat16)
    assert t.tolist() == t.float().tolist()
    assert all(type(v) is float for v in t.tolist())
    assert t[0].tolist() == t.float()[0].item()


def test_linspace_integer_dtype_values_and_ends():
    # PyTorch: the ends are stored in the dtype first (must fit); the values are truncated.
    assert rtorch.linspace(0.5, 100.7, 4, dtype=rtorch.int8).tolist() == [0, 33, 66, 100]
    assert rtorch.linspace(0, 100, 5, dtype=rtorch.int8).tolist() == [0, 25, 50, 75, 100]
    with pytest.raises(RuntimeError, match="int8"):
        rtorch.linspace(2147483647, 9223372036854775807, 2147483647, dtype=rtorch.int8)

"""rtorch.array_api's values, dtypes and shapes against array-api-strict and NumPy.

array-api-strict is the standard's reference namespace on NumPy; hypothesis draws shapes (0-d and empty
included) and the standard's dtypes.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
import rtorch.array_api as xp
from helpers import assert_close

sx = pytest.importorskip("array_api_strict")
sx.set_array_api_strict_flags(api_version="2024.12")

NP = {"bool": np.bool_, "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
      "uint8": np.uint8, "float32": np.float32, "float64": np.float64, "complex64": np.complex64,
      "complex128": np.complex128}
FLOATS, INTS, COMPLEX = ("float32", "float64"), ("int8", "int16", "int32", "int64", "uint8"), ("complex64", "complex128")
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
EXAMPLES = settings(max_examples=12)


def arrays(dtype, shape=SHAPES, lo=-10, hi=10):
    """NumPy arrays of `dtype` (a name) with small values (integers stay far from overflow)."""
    npdt = np.dtype(NP[dtype])
    if npdt.kind == "b":
        elems = st.booleans()
    elif npdt.kind in "iu":
        elems = st.integers(0 if npdt.kind == "u" else max(lo, -20), min(hi, 20))
    elif npdt.kind == "c":  # no subnormals: NumPy's and rtorch's complex kernels may flush them differently
        part = st.floats(lo, hi, width=32, allow_subnormal=False)
        elems = st.builds(complex, part, part)
    else:
        elems = st.floats(lo, hi, width=32 if dtype == "float32" else 64, allow_subnormal=False)
    return hnp.arrays(npdt, shape, elements=elems)


def ours(a):
    return xp.asarray(a.copy())


def strict(a):
    return sx.asarray(a)


def check(actual, expected, rtol=None):
    """`actual` (rtorch) equals `expected` (array-api-strict) in shape, dtype and value (rtorch has no uint64:
    where the standard accumulates unsigned integers in it, rtorch uses int64, docs/array_api.md)."""
    exp = np.asarray(np.from_dlpack(expected)) if hasattr(expected, "__dlpack__") else np.asarray(expected)
    if exp.dtype == np.uint64:
        exp = exp.astype(np.int64)
    if rtol is None:
        rtol = 2e-5 if exp.dtype in (np.float32, np.complex64) else 1e-10
    assert_close(actual, exp, rtol=rtol, atol=rtol)


# ------------------------------------------------------------------ elementwise

# name -> (dtypes the standard defines it for, value range); float32 kernels are SIMD approximations.
UNARY = {
    "abs": (FLOATS + INTS + COMPLEX, 10), "acos": (FLOATS, 1), "acosh": (FLOATS, None), "asin": (FLOATS, 1),
    "asinh": (FLOATS, 10), "atan": (FLOATS, 10), "atanh": (FLOATS, 0.875), "bitwise_invert": (INTS + ("bool",), 10),
    "ceil": (FLOATS + INTS, 10), "conj": (FLOATS + COMPLEX, 10), "cos": (FLOATS + COMPLEX, 3), "cosh": (FLOATS, 5),
    "exp": (FLOATS + COMPLEX, 5), "expm1": (FLOATS, 5), "floor": (FLOATS + INTS, 10), "imag": (COMPLEX, 10),
    "isfinite": (FLOATS + INTS + COMPLEX, 10), "isinf": (FLOATS + INTS, 10), "isnan": (FLOATS + INTS, 10),
    "log": (FLOATS, None), "log1p": (FLOATS, None), "log2": (FLOATS, None), "log10": (FLOATS, None),
    "logical_not": (("bool",), 1), "negative": (FLOATS + INTS + COMPLEX, 10),
    "positive": (FLOATS + INTS + COMPLEX, 10), "real": (FLOATS + COMPLEX, 10), "reciprocal": (FLOATS, 10),
    "round": (FLOATS + INTS + COMPLEX, 10), "sign": (FLOATS + INTS + COMPLEX, 10), "signbit": (FLOATS, 10),
    "sin": (FLOATS + COMPLEX, 3), "sinh": (FLOATS, 5), "square": (FLOATS + INTS + COMPLEX, 10),
    "sqrt": (FLOATS, None), "tan": (FLOATS, 1), "tanh": (FLOATS + COMPLEX, 3), "trunc": (FLOATS + INTS, 10),
}


def _unary_cases():
    return [(n, d) for n, (dts, _) in UNARY.items() for d in dts]


@pytest.mark.parametrize("name,dtype", _unary_cases())
@EXAMPLES
@given(data=st.data())
def test_unary_matches_strict(name, dtype, data):
    rng = UNARY[name][1]
    lo, hi = (0.5, 10) if rng is None else (-rng, rng)
    if name in ("acosh",):
        lo = 1.0
    a = data.draw(arrays(dtype, lo=lo, hi=hi))
    if name in ("round",) and dtype in FLOATS + COMPLEX:
        a = np.round(a * 2) / 2  # halves included: the standard rounds them to even
    check(getattr(xp, name)(ours(a)), getattr(sx, name)(strict(a)), rtol=1e-4 if dtype in ("float32", "complex64")
          else None)


BINARY = {
    "add": FLOATS + INTS + COMPLEX, "atan2": FLOATS, "bitwise_and": INTS + ("bool",),
    "bitwise_left_shift": INTS, "bitwise_or": INTS + ("bool",), "bitwise_right_shift": INTS,
    "bitwise_xor": INTS + ("bool",), "copysign": FLOATS, "divide": FLOATS + COMPLEX, "equal": FLOATS + INTS + COMPLEX,
    "floor_divide": FLOATS + INTS, "greater": FLOATS + INTS, "greater_equal": FLOATS + INTS, "hypot": FLOATS,
    "less": FLOATS + INTS, "less_equal": FLOATS + INTS, "logaddexp": FLOATS, "logical_and": ("bool",),
    "logical_or": ("bool",), "logical_xor": ("bool",), "maximum": FLOATS + INTS, "minimum": FLOATS + INTS,
    "multiply": FLOATS + INTS + COMPLEX, "nextafter": FLOATS, "not_equal": FLOATS + INTS + COMPLEX,
    "pow": FLOATS + INTS, "remainder": FLOATS + INTS, "subtract": FLOATS + INTS + COMPLEX,
}


@pytest.mark.parametrize("name,dtype", [(n, d) for n, dts in BINARY.items() for d in dts])
@EXAMPLES
@given(data=st.data())
def test_binary_matches_strict_with_broadcasting(name, dtype, data):
    shape1, shape2 = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, min_side=0,
                                                                  max_side=3)).input_shapes
    lo, hi = (-5, 5)
    a = data.draw(arrays(dtype, shape1, lo, hi))
    b = data.draw(arrays(dtype, shape2, lo, hi))
    if name in ("floor_divide", "remainder") and dtype in INTS:
        b = np.where(b == 0, 1, b).astype(b.dtype)  # integer division by zero is undefined
    if name in ("bitwise_left_shift", "bitwise_right_shift", "pow") and dtype in INTS:
        b = np.clip(np.abs(b), 0, 3).astype(b.dtype)  # negative shifts/powers are undefined
        a = np.clip(a, -5, 5).astype(a.dtype)
    if name == "pow" and dtype in FLOATS:
        a = np.abs(a)
    check(getattr(xp, name)(ours(a), ours(b)), getattr(sx, name)(strict(a), strict(b)),
          rtol=1e-4 if dtype == "float32" else None)


@pytest.mark.parametrize("name", ["add", "multiply", "subtract", "maximum", "less", "equal", "pow", "divide"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "float32", "float64"])
@pytest.mark.parametrize("scalar", [2, 3.5, True])
def test_binary_python_scalar_takes_the_arrays_dtype(name, dtype, scalar):
    a = np.arange(1, 5).astype(NP[dtype])
    if isinstance(scalar, float) and dtype not in FLOATS:
        return  # a float scalar with an integer array is left to the library by the standard (see the next test)
    if isinstance(scalar, bool) and name in ("pow", "divide"):
        return
    if name == "divide" and dtype not in FLOATS:
        return  # integer true division is left to the library (PyTorch's: the default float dtype)
    for x1, x2, s1, s2 in ((ours(a), scalar, strict(a), scalar), (scalar, ours(a), scalar, strict(a))):
        out = getattr(xp, name)(x1, x2)
        try:
            exp = getattr(sx, name)(s1, s2)
        except TypeError:  # the standard has no bool scalar with a numeric array: PyTorch's rule applies
            assert isinstance(scalar, bool) and out.dtype == getattr(xp, dtype) or name in ("less", "equal")
            continue
        check(out, exp)


def test_float_scalar_with_integer_array_follows_pytorch():
    assert xp.multiply(xp.asarray([1, 2], dtype=xp.int8), 0.5).dtype == xp.float32
    assert xp.add(xp.asarray([1.0], dtype=xp.float32), 1j).dtype == xp.complex64
    with pytest.raises(TypeError, match="at least one of x1 and x2 must be an array"):
        xp.add(1, 2)
    with pytest.raises(TypeError, match="expected an array or a Python scalar"):
        xp.add(xp.ones(2), "a")


@pytest.mark.parametrize("dtype", FLOATS + ("int8", "int64", "uint8"))
@EXAMPLES
@given(data=st.data())
def test_clip_matches_strict(dtype, data):
    a = data.draw(arrays(dtype))
    lo = data.draw(st.one_of(st.none(), st.integers(0, 3)))
    hi = data.draw(st.one_of(st.none(), st.integers(3, 8)))
    check(xp.clip(ours(a), lo, hi), sx.clip(strict(a), lo, hi))
    bound = np.full(a.shape[-1:] if a.ndim else (), 2, dtype=NP[dtype])
    check(xp.clip(ours(a), min=ours(bound)), sx.clip(strict(a), min=strict(bound)))


def test_sign_round_conj_of_complex_follow_the_standard():
    z = xp.asarray([3 + 4j, 0j, -2.5 + 1.5j], dtype=xp.complex128)
    assert_close(xp.sign(z), np.array([0.6 + 0.8j, 0, (-2.5 + 1.5j) / abs(-2.5 + 1.5j)]))
    assert_close(xp.round(z), np.array([3 + 4j, 0, -2 + 2j]))
    assert_close(xp.conj(z), np.conj(np.array([3 + 4j, 0j, -2.5 + 1.5j])))
    assert_close(xp.imag(xp.asarray([1.0, 2.0])), np.zeros(2, np.float32))
    tiny = xp.asarray([1e-40j, 3e38 + 3e38j, -1e-45 + 0j], dtype=xp.complex64)  # subnormal and huge elements
    assert_close(xp.sign(tiny), np.array([1j, (1 + 1j) / np.sqrt(2), -1], np.complex64))


# ------------------------------------------------------------------ promotion and data-type functions

STANDARD = ["bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("d1", STANDARD)
@pytest.mark.parametrize("d2", STANDARD)
def test_promotion_table(d1, d2):
    a1, a2 = getattr(xp, d1), getattr(xp, d2)
    try:
        expected = sx.result_type(getattr(sx, d1), getattr(sx, d2))
    except TypeError:  # a cross-kind pair the standard leaves to the library: PyTorch's rule
        assert xp.result_type(a1, a2) == rtorch.promote_types(a1, a2)
        return
    got = xp.result_type(a1, a2)
    assert str(got).split(".")[-1] == str(expected).split(".")[-1]
    # no value-based casting: a 0-d operand does not lose to a 1-D one (PyTorch's operator rule would)
    x1, x2 = xp.ones((), dtype=a1), xp.ones((2,), dtype=a2)
    if d1 != "bool" or d2 == "bool":
        assert xp.equal(x1, x2).dtype == xp.bool
        if d1 != "bool":
            assert xp.multiply(x1, x2).dtype == got
    assert xp.can_cast(a1, a2) == sx.can_cast(getattr(sx, d1), getattr(sx, d2))


def test_result_type_with_python_scalars_and_errors():
    assert xp.result_type(xp.int8, 1000) == xp.int8
    assert xp.result_type(xp.ones(1, dtype=xp.float32), 1.0, 2) == xp.float32
    assert xp.result_type(xp.int8, xp.uint8, 3) == xp.int16
    with pytest.raises(ValueError, match="at least one array or dtype"):
        xp.result_type(1, 2.0)
    with pytest.raises(TypeError):
        xp.result_type(xp.int8, "int8")


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_finfo_matches_numpy(dtype):
    f, n = xp.finfo(getattr(xp, dtype)), np.finfo(NP[dtype])
    assert (f.bits, f.eps, f.max, f.min, f.smallest_normal) == (n.bits, float(n.eps), float(n.max), float(n.min),
                                                                float(n.smallest_normal))
    assert f.dtype == {"complex64": xp.float32, "complex128": xp.float64}.get(dtype, getattr(xp, dtype))
    assert all(isinstance(v, float) for v in (f.eps, f.max, f.min, f.smallest_normal))
    assert xp.finfo(xp.ones(1, dtype=getattr(xp, dtype))) == f


@pytest.mark.parametrize("dtype", INTS)
def test_iinfo_matches_numpy(dtype):
    i, n = xp.iinfo(getattr(xp, dtype)), np.iinfo(NP[dtype])
    assert (i.bits, i.max, i.min, i.dtype) == (n.bits, int(n.max), int(n.min), getattr(xp, dtype))


def test_finfo_iinfo_isdtype_errors():
    with pytest.raises(TypeError, match="not a floating-point dtype"):
        xp.finfo(xp.int32)
    with pytest.raises(TypeError, match="not an integer dtype"):
        xp.iinfo(xp.float32)
    with pytest.raises(ValueError, match="unknown kind"):
        xp.isdtype(xp.int8, "integer")
    with pytest.raises(TypeError):
        xp.isdtype("int8", "integral")


@pytest.mark.parametrize("dtype", STANDARD)
@pytest.mark.parametrize("kind", ["bool", "signed integer", "unsigned integer", "integral", "real floating",
                                  "complex floating", "numeric"])
def test_isdtype_matches_strict(dtype, kind):
    assert xp.isdtype(getattr(xp, dtype), kind) == sx.isdtype(getattr(sx, dtype), kind)
    assert xp.isdtype(getattr(xp, dtype), (kind, xp.bool)) == sx.isdtype(getattr(sx, dtype), (kind, sx.bool))


@pytest.mark.parametrize("src", STANDARD)
@pytest.mark.parametrize("dst", STANDARD)
def test_astype(src, dst):
    a = np.array([0, 1, 2], dtype=NP[src])
    x = ours(a)
    if src.startswith("complex") and not dst.startswith("complex"):
        with pytest.raises(TypeError, match="astype"):
            xp.astype(x, getattr(xp, dst))
        return
    out = xp.astype(x, getattr(xp, dst))
    check(out, sx.astype(strict(a), getattr(sx, dst)))
    assert out.data_ptr() != x.data_ptr()
    assert (xp.astype(x, getattr(xp, dst), copy=False) is x) == (src == dst)


# ------------------------------------------------------------------ creation

def test_creation_functions():
    check(xp.arange(5), sx.arange(5))
    check(xp.arange(1, 7, 2), sx.arange(1, 7, 2))
    check(xp.arange(0.0, 1.0, 0.25), sx.arange(0.0, 1.0, 0.25, dtype=sx.float32))
    for k in (-3, -1, 0, 1, 4):
        check(xp.eye(3, 4, k=k, dtype=xp.int32), sx.eye(3, 4, k=k, dtype=sx.int32))
    check(xp.eye(0), sx.eye(0, dtype=sx.float32))
    check(xp.linspace(0, 1, 5), sx.linspace(0, 1, 5, dtype=sx.float32))
    check(xp.linspace(0, 1, 4, endpoint=False, dtype=xp.float64), sx.linspace(0, 1, 4, endpoint=False))
    check(xp.full((2, 3), 7), sx.full((2, 3), 7))
    check(xp.full((2,), True), sx.full((2,), True))
    check(xp.full((), 1.5), sx.full((), 1.5, dtype=sx.float32))
    assert xp.full((1,), 1j).dtype == xp.complex64
    check(xp.zeros((2, 0)), sx.zeros((2, 0), dtype=sx.float32))
    check(xp.ones(3, dtype=xp.uint8), sx.ones(3, dtype=sx.uint8))
    check(xp.full_like(xp.zeros(2, dtype=xp.int16), 3), sx.full_like(sx.zeros(2, dtype=sx.int16), 3))
    check(xp.ones_like(xp.zeros((2, 2)), dtype=xp.int8), sx.ones_like(sx.zeros((2, 2)), dtype=sx.int8))
    assert xp.empty_like(xp.zeros((3, 1), dtype=xp.int64)).shape == (3, 1)
    for g, e in zip(xp.meshgrid(xp.arange(3), xp.arange(2)), sx.meshgrid(sx.arange(3), sx.arange(2))):
        check(g, e)
    for g, e in zip(xp.meshgrid(xp.arange(3), xp.arange(2), indexing="ij"),
                    sx.meshgrid(sx.arange(3), sx.arange(2), indexing="ij")):
        check(g, e)
    a = np.arange(12.0).reshape(3, 4)
    for k in (-1, 0, 2):
        check(xp.tril(ours(a), k=k), sx.tril(strict(a), k=k))
        check(xp.triu(ours(a), k=k), sx.triu(strict(a), k=k))


def test_asarray_copy_semantics():
    x = xp.asarray([1.0, 2.0])
    assert x.dtype == xp.float32 and xp.asarray(x) is x and xp.asarray(x, copy=False) is x
    y = xp.asarray(x, copy=True)
    y[0] = 5
    assert float(x[0]) == 1.0
    with pytest.raises(ValueError, match="copy=False"):
        xp.asarray(x, dtype=xp.float64, copy=False)
    with pytest.raises(ValueError, match="copy=False"):
        xp.asarray([1, 2], copy=False)
    a = np.arange(3.0)
    z = xp.asarray(a, copy=False)  # zero-copy from NumPy
    a[0] = 9
    assert float(z[0]) == 9.0
    w = xp.asarray(a, copy=True)
    a[0] = 1
    assert float(w[0]) == 9.0
    assert xp.asarray(True).dtype == xp.bool and xp.asarray(3).dtype == xp.int64
    assert xp.asarray(2j).dtype == xp.complex64 and xp.asarray([[1, 2]], dtype=xp.int8).shape == (1, 2)
    assert_close(xp.from_dlpack(np.arange(3)), np.arange(3))
    with pytest.raises(TypeError, match="cannot convert"):
        xp.asarray(object())
    assert xp.asarray(range(3)).tolist() == [0, 1, 2]
    s = xp.asarray([xp.asarray(1.0), xp.asarray(2.0)])  # a sequence of 0-d arrays keeps their dtype
    assert s.dtype == xp.float32 and s.tolist() == [1.0, 2.0]
    assert xp.asarray([xp.ones(2, dtype=xp.int8), xp.ones(2, dtype=xp.uint8)]).dtype == xp.int16
    assert xp.asarray(np.float32(1.5)).dtype == xp.float32 and xp.asarray(np.int8(3)).dtype == xp.int8


# ------------------------------------------------------------------ manipulation, indexing, searching

@EXAMPLES
@given(a=arrays("float32", hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)), data=st.data())
def test_manipulation_matches_strict(a, data):
    x, s = ours(a), strict(a)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    check(xp.flip(x, axis=axis), sx.flip(s, axis=axis))
    check(xp.flip(x), sx.flip(s))
    check(xp.expand_dims(x, axis=axis), sx.expand_dims(s, axis=axis))
    check(xp.roll(x, 2, axis=axis), sx.roll(s, 2, axis=axis))
    check(xp.roll(x, -1), sx.roll(s, -1))
    check(xp.moveaxis(x, axis, 0), sx.moveaxis(s, axis, 0))
    perm = data.draw(st.permutations(range(a.ndim)))
    check(xp.permute_dims(x, tuple(perm)), sx.permute_dims(s, tuple(perm)))
    check(xp.concat([x, x], axis=axis), sx.concat([s, s], axis=axis))
    check(xp.concat([x, x], axis=None), sx.concat([s, s], axis=None))
    check(xp.stack([x, x], axis=axis), sx.stack([s, s], axis=axis))
    for u, v in zip(xp.unstack(x, axis=axis), sx.unstack(s, axis=axis)):
        check(u, v)
    check(xp.reshape(x, (-1,)), sx.reshape(s, (-1,)))
    reps = tuple(data.draw(st.lists(st.integers(0, 2), max_size=3)))
    check(xp.tile(x, reps), sx.tile(s, reps))
    check(xp.repeat(x, 2, axis=axis), sx.repeat(s, 2, axis=axis))
    counts = np.arange(a.shape[axis]) % 3
    check(xp.repeat(x, xp.asarray(counts), axis=axis), sx.repeat(s, sx.asarray(counts), axis=axis))
    check(xp.squeeze(xp.expand_dims(x, axis=0), axis=0), s)
    check(xp.broadcast_to(x, (2,) + a.shape), sx.broadcast_to(s, (2,) + a.shape))
    idx = np.array([i % max(a.shape[axis], 1) for i in range(3)] if a.shape[axis] else [], dtype=np.int64)
    check(xp.take(x, xp.asarray(idx), axis=axis), sx.take(s, sx.asarray(idx), axis=axis))
    order = np.argsort(a, axis=axis, kind="stable")
    check(xp.take_along_axis(x, xp.asarray(order), axis=axis), sx.take_along_axis(s, sx.asarray(order), axis=axis))


def test_manipulation_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError, match="size 3, not 1"):
        xp.squeeze(x, axis=1)
    with pytest.raises(ValueError, match="permutation"):
        xp.permute_dims(x, (0, 0))
    with pytest.raises(IndexError, match="out of range"):
        xp.flip(x, axis=2)
    with pytest.raises(ValueError, match="copy=False"):
        xp.reshape(x.mT, (6,), copy=False)
    with pytest.raises(ValueError, match="axis is required"):
        xp.take(x, xp.asarray([0]))
    with pytest.raises(TypeError, match="integer dtype"):
        xp.take(x, xp.asarray([0.0]), axis=0)
    with pytest.raises(ValueError, match="0-d"):
        xp.unstack(xp.asarray(1.0))
    r = xp.reshape(x, (6,), copy=True)
    assert r.data_ptr() != x.data_ptr()
    assert xp.concat([xp.ones(1, dtype=xp.int8), xp.ones(1, dtype=xp.uint8)]).dtype == xp.int16


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8"])
@EXAMPLES
@given(data=st.data())
def test_searching_sorting_matches_strict(dtype, data):
    a = data.draw(arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5), lo=-3, hi=3))
    x, s = ours(a), strict(a)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    desc = data.draw(st.booleans())
    check(xp.sort(x, axis=axis, descending=desc), sx.sort(s, axis=axis, descending=desc))
    check(xp.argsort(x, axis=axis, descending=desc), sx.argsort(s, axis=axis, descending=desc))
    if a.size:
        check(xp.argmax(x, axis=axis), sx.argmax(s, axis=axis))
        check(xp.argmin(x, axis=axis, keepdims=True), sx.argmin(s, axis=axis, keepdims=True))
        check(xp.argmax(x), sx.argmax(s))
    check(xp.count_nonzero(x, axis=axis), sx.count_nonzero(s, axis=axis))
    check(xp.count_nonzero(x, keepdims=True), sx.count_nonzero(s, keepdims=True))
    for u, v in zip(xp.nonzero(x), sx.nonzero(s)):
        check(u, v)
    flat = np.sort(a.reshape(-1))
    side = data.draw(st.sampled_from(["left", "right"]))
    check(xp.searchsorted(ours(flat), x, side=side), sx.searchsorted(strict(flat), s, side=side))
    perm = np.argsort(-a.reshape(-1).astype(np.float64), kind="stable")
    check(xp.searchsorted(ours(a.reshape(-1)), x, sorter=ours(perm[::-1].copy())),
          sx.searchsorted(strict(a.reshape(-1)), s, sorter=strict(perm[::-1].copy())))
    cond = a > 0
    check(xp.where(ours(cond), x, xp.zeros_like(x)), sx.where(strict(cond), s, sx.zeros_like(s)))
    check(xp.where(ours(cond), x, 0), sx.where(strict(cond), s, sx.zeros_like(s)))


def test_stable_descending_keeps_equal_elements_in_order():
    x = xp.asarray([1, 3, 1, 3, 2])
    assert xp.argsort(x, descending=True).tolist() == [1, 3, 4, 0, 2]
    assert xp.argsort(x).tolist() == [0, 2, 4, 1, 3]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "uint8", "bool"])
@EXAMPLES
@given(data=st.data())
def test_unique_matches_strict(dtype, data):
    a = data.draw(arrays(dtype, lo=-2, hi=2))
    if dtype in FLOATS and a.size and data.draw(st.booleans()):
        a = a.copy()
        a.reshape(-1)[:2] = np.nan  # NaNs are distinct (two of them, when there is room)
    x, s = ours(a), strict(a)
    ua = xp.unique_all(x)
    # the standard leaves the order of unique values unspecified: compare after sorting both
    ref = sx.unique_all(s)
    order = np.argsort(np.from_dlpack(ref.values), kind="stable")
    for got, exp in zip(ua, ref):
        exp = np.from_dlpack(exp)
        check(got, exp if exp.shape == a.shape and got is ua.inverse_indices else exp[order])
    vals = np.from_dlpack(ref.values)[order]
    assert_close(xp.take(ua.values, xp.reshape(ua.inverse_indices, (-1,)), axis=0),
                 a.reshape(-1), dtype=ua.values.dtype)
    first = np.from_dlpack(ref.indices)[order]
    check(ua.indices, first)
    check(xp.unique_values(x), vals)
    c = xp.unique_counts(x)
    check(c.counts, np.from_dlpack(ref.counts)[order])
    inv = xp.unique_inverse(x)
    assert inv.inverse_indices.shape == a.shape
    assert int(xp.sum(c.counts)) == a.size


def test_unique_keeps_nans_distinct_and_zeros_together():
    x = xp.asarray([np.nan, 1.0, -0.0, np.nan, 0.0, 1.0])
    u = xp.unique_all(x)
    assert u.values.shape == (4,) and math.isnan(float(u.values[2])) and math.isnan(float(u.values[3]))
    assert u.counts.tolist() == [2, 2, 1, 1]
    assert sorted(u.indices.tolist()[2:]) == [0, 3] and u.indices.tolist()[:2] == [2, 1]
    assert u.inverse_indices.tolist()[1] == 1 and u.inverse_indices.tolist()[4] == 0
    assert xp.unique_values(xp.asarray([], dtype=xp.int8)).shape == (0,)
    assert xp.unique_inverse(xp.ones((2, 0))).inverse_indices.shape == (2, 0)


# ------------------------------------------------------------------ statistics and utility

@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int64", "uint8", "bool"])
@EXAMPLES
@given(data=st.data())
def test_reductions_match_strict(dtype, data):
    a = data.draw(arrays(dtype, lo=-3, hi=3))
    x, s = ours(a), strict(a)
    axes = data.draw(st.one_of(st.none(), st.lists(st.integers(0, max(a.ndim - 1, 0)), unique=True, max_size=a.ndim)
                               .map(tuple)))
    if a.ndim == 0 and axes:
        axes = None
    keep = data.draw(st.booleans())
    kw = dict(axis=axes, keepdims=keep)
    if dtype != "bool":
        check(xp.sum(x, **kw), sx.sum(s, **kw), rtol=1e-4 if dtype == "float32" else None)
        check(xp.prod(x, **kw), sx.prod(s, **kw), rtol=1e-4 if dtype == "float32" else None)
        nonempty = all(a.shape[i] for i in (range(a.ndim) if axes is None else axes))
        if nonempty:
            check(xp.max(x, **kw), sx.max(s, **kw))
            check(xp.min(x, **kw), sx.min(s, **kw))
        if dtype in FLOATS:
            check(xp.mean(x, **kw), sx.mean(s, **kw), rtol=1e-4)
            corr = data.draw(st.sampled_from([0, 1, 0.5]))
            check(xp.var(x, correction=corr, **kw), sx.var(s, correction=corr, **kw), rtol=1e-4)
            check(xp.std(x, correction=corr, **kw), sx.std(s, correction=corr, **kw), rtol=1e-4)
    check(xp.all(x, **kw), sx.all(s, **kw))
    check(xp.any(x, **kw), sx.any(s, **kw))


@pytest.mark.parametrize("dtype", ["float64", "int32", "uint8", "bool"])
@EXAMPLES
@given(data=st.data())
def test_cumulative_and_diff_match_strict(dtype, data):
    a = data.draw(arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4), lo=-3, hi=3))
    x, s = ours(a), strict(a)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    init = data.draw(st.booleans())
    if dtype != "bool":
        check(xp.cumulative_sum(x, axis=axis, include_initial=init), sx.cumulative_sum(s, axis=axis, include_initial=init))
        check(xp.cumulative_prod(x, axis=axis, include_initial=init),
              sx.cumulative_prod(s, axis=axis, include_initial=init))
    n = data.draw(st.integers(0, 2))
    if dtype != "bool":
        check(xp.diff(x, axis=axis, n=n), sx.diff(s, axis=axis, n=n))
        check(xp.diff(x, axis=axis, prepend=x, append=x), sx.diff(s, axis=axis, prepend=s, append=s))


def test_statistics_errors_and_dtypes():
    with pytest.raises(ValueError, match="zero-size"):
        xp.max(xp.ones((0, 2)), axis=0)
    with pytest.raises(ValueError, match="axis is required"):
        xp.cumulative_sum(xp.ones((2, 2)))
    with pytest.raises(ValueError, match="0-d"):
        xp.cumulative_sum(xp.asarray(1))
    assert xp.sum(xp.ones(2, dtype=xp.int8)).dtype == xp.int64
    assert xp.sum(xp.ones(2, dtype=xp.int8), dtype=xp.int8).dtype == xp.int8
    assert xp.sum(xp.ones(2), axis=()).shape == (2,)
    assert math.isnan(float(xp.mean(xp.ones(0))))
    assert xp.mean(xp.asarray([1, 2])).dtype == xp.float32


# ------------------------------------------------------------------ linear algebra and fft

def _spd(n, dtype):
    rng = np.random.default_rng(n)
    m = rng.standard_normal((n, n)).astype(NP[dtype])
    return m @ m.T + n * np.eye(n, dtype=NP[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linalg_matches_strict(dtype):
    rtol = 1e-3 if dtype == "float32" else 1e-8
    a = _spd(4, dtype)
    b = np.random.default_rng(1).standard_normal((4, 2)).astype(NP[dtype])
    v = b[:, 0].copy()
    x, s = ours(a), strict(a)
    for name in ("cholesky", "det", "inv", "eigvalsh", "svdvals", "matrix_rank"):
        check(getattr(xp.linalg, name)(x), getattr(sx.linalg, name)(s), rtol=rtol)
    check(xp.linalg.cholesky(x, upper=True), sx.linalg.cholesky(s, upper=True), rtol=rtol)
    for name in ("matrix_norm", "vector_norm"):
        check(getattr(xp.linalg, name)(x), getattr(sx.linalg, name)(s), rtol=rtol)
    check(xp.linalg.matrix_norm(x, ord="nuc", keepdims=True), sx.linalg.matrix_norm(s, ord="nuc", keepdims=True),
          rtol=rtol)
    check(xp.linalg.vector_norm(x, axis=0, ord=1), sx.linalg.vector_norm(s, axis=0, ord=1), rtol=rtol)
    check(xp.linalg.vector_norm(x, keepdims=True, ord=math.inf), sx.linalg.vector_norm(s, keepdims=True, ord=math.inf))
    check(xp.linalg.solve(x, ours(b)), sx.linalg.solve(s, strict(b)), rtol=rtol)
    check(xp.linalg.solve(x, ours(v)), sx.linalg.solve(s, strict(v)), rtol=rtol)
    batch = np.stack([a, 2 * a])
    check(xp.linalg.solve(ours(batch), ours(b)), sx.linalg.solve(strict(batch), strict(b)), rtol=rtol)
    sign, logdet = xp.linalg.slogdet(x)
    ref = sx.linalg.slogdet(s)
    check(sign, ref.sign)
    check(logdet, ref.logabsdet, rtol=rtol)
    check(xp.linalg.matrix_power(x, 3), sx.linalg.matrix_power(s, 3), rtol=rtol)
    check(xp.linalg.matrix_power(x, -1), sx.linalg.matrix_power(s, -1), rtol=rtol)
    check(xp.linalg.pinv(x), sx.linalg.pinv(s), rtol=rtol)
    check(xp.linalg.trace(x, offset=1), sx.linalg.trace(s, offset=1), rtol=rtol)
    check(xp.linalg.diagonal(x, offset=-1), sx.linalg.diagonal(s, offset=-1))
    check(xp.linalg.outer(ours(v), ours(v)), sx.linalg.outer(strict(v), strict(v)), rtol=rtol)
    check(xp.linalg.cross(ours(b[:3, 0].copy()), ours(b[:3, 1].copy())),
          sx.linalg.cross(strict(b[:3, 0].copy()), strict(b[:3, 1].copy())), rtol=rtol)
    check(xp.linalg.tensordot(x, x, axes=1), sx.linalg.tensordot(s, s, axes=1), rtol=rtol)
    check(xp.tensordot(x, x, axes=([0, 1], [1, 0])), sx.tensordot(s, s, axes=([0, 1], [1, 0])), rtol=rtol)
    check(xp.vecdot(x, x, axis=-2), sx.vecdot(s, s, axis=-2), rtol=rtol)
    check(xp.matmul(x, ours(v)), sx.matmul(s, strict(v)), rtol=rtol)
    check(xp.matrix_transpose(x), sx.matrix_transpose(s))
    # factorizations: compare what is unique (reconstruction, orthogonality, eigenvalues)
    w, q = xp.linalg.eigh(x)
    assert_close((q * w) @ q.mT, a, rtol=rtol, atol=rtol * 10)
    Q, R = xp.linalg.qr(x)
    assert_close(Q @ R, a, rtol=rtol, atol=rtol * 10)
    Qc, _ = xp.linalg.qr(ours(b), mode="complete")
    assert Qc.shape == (4, 4)
    U, S, Vh = xp.linalg.svd(ours(b), full_matrices=False)
    assert_close(U * S @ Vh, b, rtol=rtol, atol=rtol * 10)
    assert xp.linalg.svd(ours(b)).U.shape == (4, 4)


def test_vecdot_conjugates_the_first_operand():
    a = xp.asarray([1 + 2j, 3 - 1j])
    assert_close(xp.vecdot(a, a), np.array(abs(1 + 2j) ** 2 + abs(3 - 1j) ** 2, dtype=np.complex64))
    assert_close(xp.linalg.vecdot(a, xp.asarray([1j, 1.0 + 0j])),
                 np.vdot(np.array([1 + 2j, 3 - 1j]), np.array([1j, 1])).astype(np.complex64))


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_fft_matches_strict(dtype, norm):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 8)).astype(NP[dtype])
    if dtype.startswith("complex"):
        a = (a + 1j * rng.standard_normal((3, 8))).astype(NP[dtype])
    rtol = 1e-4 if dtype in ("float32", "complex64") else 1e-10
    x, s = ours(a), strict(a)
    cx = x if dtype.startswith("complex") else xp.astype(x, {"float32": xp.complex64}.get(dtype, xp.complex128))
    cs = s if dtype.startswith("complex") else sx.astype(s, {"float32": sx.complex64}.get(dtype, sx.complex128))
    for name, kw in (("fft", {}), ("ifft", {"n": 5}), ("fft", {"axis": 0})):
        check(getattr(xp.fft, name)(cx, norm=norm, **kw), getattr(sx.fft, name)(cs, norm=norm, **kw), rtol=rtol)
    check(xp.fft.fftn(cx, norm=norm), sx.fft.fftn(cs, norm=norm), rtol=rtol)
    check(xp.fft.ifftn(cx, s=(2, 4), axes=(0, 1), norm=norm), sx.fft.ifftn(cs, s=(2, 4), axes=(0, 1), norm=norm),
          rtol=rtol)
    check(xp.fft.hfft(cx, norm=norm), sx.fft.hfft(cs, norm=norm), rtol=rtol)
    check(xp.fft.irfft(cx, n=8, norm=norm), sx.fft.irfft(cs, n=8, norm=norm), rtol=rtol)
    check(xp.fft.irfftn(cx, norm=norm), sx.fft.irfftn(cs, norm=norm), rtol=rtol)
    if not dtype.startswith("complex"):
        check(xp.fft.rfft(x, norm=norm), sx.fft.rfft(s, norm=norm), rtol=rtol)
        check(xp.fft.rfftn(x, norm=norm), sx.fft.rfftn(s, norm=norm), rtol=rtol)
        check(xp.fft.ihfft(x, norm=norm), sx.fft.ihfft(s, norm=norm), rtol=rtol)
        check(xp.fft.fftshift(x, axes=(1,)), sx.fft.fftshift(s, axes=(1,)))
        check(xp.fft.ifftshift(x), sx.fft.ifftshift(s))
    check(xp.fft.fftfreq(7, d=0.5), sx.fft.fftfreq(7, d=0.5, dtype=sx.float32), rtol=1e-6)
    check(xp.fft.rfftfreq(8, dtype=xp.float64), sx.fft.rfftfreq(8), rtol=1e-12)


# ------------------------------------------------------------------ the array object and the info API

def test_array_object_methods():
    x = xp.asarray([[1.0, 2.0], [3.0, 4.0]])
    assert x.__array_namespace__() is xp and x.__array_namespace__(api_version="2023.12") is xp
    with pytest.raises(ValueError, match="unsupported api_version"):
        x.__array_namespace__(api_version="2019.01")
    assert x.to_device(x.device) .shape == (2, 2) and x.device == rtorch.device("cpu")
    assert x.mT.shape == (2, 2) and float(x.mT[0, 1]) == 3.0 and x.ndim == 2 and x.shape == (2, 2)
    np.testing.assert_array_equal(np.from_dlpack(x), np.array([[1, 2], [3, 4]], np.float32))
    y = alias = xp.asarray([[1.0, 0.0], [0.0, 2.0]])
    y @= xp.eye(2) * 2  # PyTorch's meaning (no Tensor.__imatmul__): y is rebound, its alias keeps its values
    assert float(y[1, 1]) == 4.0 and float(alias[1, 1]) == 2.0
    assert not hasattr(rtorch.Tensor, "__imatmul__")
    with pytest.raises(ValueError, match="stream"):
        x.to_device("cpu", stream=1)
    for bad in (rtorch.float64, None, 0, object()):
        with pytest.raises(TypeError, match="to_device"):
            x.to_device(bad)
    assert x.to_device(rtorch.device("cpu")).device == rtorch.device("cpu")


def test_namespace_info():
    info = xp.__array_namespace_info__()
    caps = info.capabilities()
    assert caps == {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}
    assert xp.ones((1,) * 64).ndim == 64  # the capability holds
    assert info.default_device() == rtorch.device("cpu") and info.devices()[0] == rtorch.device("cpu")
    assert info.default_dtypes() == {"real floating": xp.float32, "complex floating": xp.complex64,
                                     "integral": xp.int64, "indexing": xp.int64}
    assert set(info.dtypes()) == set(STANDARD)
    assert info.dtypes(kind="real floating") == {"float32": xp.float32, "float64": xp.float64}
    assert info.dtypes(kind=("bool", "unsigned integer")) == {"bool": xp.bool, "uint8": xp.uint8}
    old = rtorch.get_default_dtype()
    rtorch.set_default_dtype(rtorch.float64)
    try:
        assert info.default_dtypes()["complex floating"] == xp.complex128
        assert xp.asarray(1.0).dtype == xp.float64
    finally:
        rtorch.set_default_dtype(old)


def test_hostile_arguments_raise_clean_errors():
    x = xp.ones(3)
    for call in (lambda: xp.sum([1, 2]), lambda: xp.sin(3.0), lambda: xp.zeros("3"), lambda: xp.eye(2.5),
                 lambda: xp.astype(x, "float32"), lambda: xp.linspace(0, 1, -1), lambda: xp.arange(0, 1, 0),
                 lambda: xp.repeat(x, -1), lambda: xp.linalg.inv(x), lambda: xp.fft.fft(x, norm="bad"),
                 lambda: xp.sort(xp.asarray([1j])), lambda: xp.meshgrid(x, xp.ones((2, 2))),
                 lambda: xp.searchsorted(xp.ones((2, 2)), x), lambda: xp.bitwise_and(x, x),
                 lambda: xp.matmul(xp.asarray(1.0), x), lambda: xp.linalg.cross(x[:2], x[:2]),
                 lambda: xp.broadcast_to(x, 10**30), lambda: xp.roll(x, 2**64)):
        with pytest.raises((TypeError, ValueError, RuntimeError, IndexError)):
            call()


def test_array_api_compat_sees_the_namespace():
    compat = pytest.importorskip("array_api_compat")
    x = xp.ones((2, 3))
    assert compat.is_array_api_obj(x) and compat.array_namespace(x) is xp
    assert compat.array_namespace(x, api_version="2024.12") is xp
    assert compat.size(x) == 6 and compat.device(x) == rtorch.device("cpu")
    assert compat.to_device(x, "cpu").shape == (2, 3)


def test_namespace_functions_from_several_threads():
    # the namespace holds no state: results computed concurrently equal the serial ones
    from concurrent.futures import ThreadPoolExecutor
    rng = np.random.default_rng(3)
    inputs = [rng.integers(-5, 5, size=(50, 7)) for _ in range(8)]

    def work(a):
        x = xp.asarray(a)
        u = xp.unique_all(x)
        return (xp.sum(x, axis=0).tolist(), u.values.tolist(), u.counts.tolist(),
                xp.sort(x, axis=0, descending=True).tolist(), xp.cumulative_sum(x, axis=1).tolist())

    serial = [work(a) for a in inputs]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(work, inputs * 2)) == serial * 2

"""Elementwise ops against NumPy: random broadcast shapes (0- and 1-sized dims), strided views, dtypes."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from conftest import assert_close

shapes2 = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=5)
floats = st.floats(-10, 10, allow_nan=False, width=32)


def arrays(dtype, shape, elements=floats):
    return hnp.arrays(dtype, shape, elements=elements)


def view_of(a, how):
    """The same values as `a` seen through a non-contiguous NumPy view, imported zero-copy."""
    if how == "plain" or a.ndim == 0:
        return torch.from_numpy(a)
    if how == "transposed":
        return torch.from_numpy(np.ascontiguousarray(a.T)).T
    if how == "reversed":
        return torch.from_numpy(np.ascontiguousarray(a[::-1])[::-1])
    # stepped: every other element of a twice-as-long buffer
    big = np.repeat(a, 2, axis=0)
    return torch.from_numpy(big[::2])


UNARY = {
    "neg": np.negative, "abs": np.abs, "exp": np.exp, "log": lambda x: np.log(np.abs(x) + 0.5),
    "sqrt": lambda x: np.sqrt(np.abs(x)), "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc,
    "square": np.square, "expm1": np.expm1, "log1p": lambda x: np.log1p(np.abs(x)), "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh, "relu": lambda x: np.maximum(x, 0),
    "sign": np.sign, "round": np.round, "exp2": np.exp2, "reciprocal": lambda x: 1 / (np.abs(x) + 0.5),
}
PRE = {"log": lambda t: t.abs() + 0.5, "sqrt": lambda t: t.abs(), "log1p": lambda t: t.abs(),
       "reciprocal": lambda t: t.abs() + 0.5}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_matches_numpy(name, data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    a = data.draw(arrays(dtype, shape))
    how = data.draw(st.sampled_from(["plain", "transposed", "reversed", "stepped"]))
    t = view_of(a, how)
    t = PRE.get(name, lambda x: x)(t)
    got = getattr(t, name)()
    assert got.dtype == t.dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert_close(got, UNARY[name](a).astype(dtype), rtol=tol, atol=tol)


BINARY = {
    "add": (lambda a, b: a + b, np.add), "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply), "maximum": (torch.maximum, np.maximum),
    "minimum": (torch.minimum, np.minimum), "lt": (lambda a, b: a < b, np.less),
    "eq": (lambda a, b: a == b, np.equal), "ge": (lambda a, b: a >= b, np.greater_equal),
    "atan2": (torch.atan2, np.arctan2),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=shapes2, data=st.data())
def test_binary_broadcast_matches_numpy(name, shapes, data):
    (sa, sb), _ = shapes
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    a = data.draw(arrays(dtype, sa))
    b = data.draw(arrays(dtype, sb))
    ours, ref = BINARY[name]
    got = ours(view_of(a, data.draw(st.sampled_from(["plain", "transposed"]))), torch.from_numpy(b))
    assert_close(got, ref(a, b), rtol=1e-6, atol=1e-6)


@given(shapes=shapes2, data=st.data())
def test_integer_arithmetic_and_division(shapes, data):
    (sa, sb), _ = shapes
    ints = st.integers(-50, 50)
    a = data.draw(hnp.arrays(np.int64, sa, elements=ints))
    b = data.draw(hnp.arrays(np.int64, sb, elements=ints.filter(lambda v: v != 0)))
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    assert_close(ta + tb, a + b)
    assert_close(ta * tb, a * b)
    assert_close(ta // tb, a // b)
    assert_close(ta % tb, a % b)
    q = ta / tb
    assert q.dtype == torch.float32
    assert_close(q, (a / b).astype(np.float32))


@pytest.mark.parametrize("a,b,expected", [
    (torch.int32, torch.float16, torch.float16), (torch.uint8, torch.int8, torch.int16),
    (torch.bool, torch.int64, torch.int64), (torch.float16, torch.bfloat16, torch.float32),
    (torch.int64, torch.float32, torch.float32),
])
def test_promote_types(a, b, expected):
    assert torch.promote_types(a, b) is expected
    assert (torch.ones(2, dtype=a) + torch.ones(2, dtype=b)).dtype is expected


def test_python_scalars_do_not_upcast():
    assert (torch.ones(2, dtype=torch.int32) + 1).dtype is torch.int32
    assert (torch.ones(2, dtype=torch.int32) + 1.5).dtype is torch.float32
    assert (torch.ones(2, dtype=torch.float16) * 2.0).dtype is torch.float16
    assert (torch.ones(2, dtype=torch.uint8) + torch.tensor(1000)).dtype is torch.uint8
    assert (torch.ones(2, dtype=torch.int32) + torch.tensor(1.0, dtype=torch.float64)).dtype is torch.float64


def test_half_precision_computes():
    for dt in (torch.float16, torch.bfloat16):
        x = torch.tensor([0.5, 1.0, 2.0], dtype=dt)
        y = (x.exp() * 2).float()
        assert_close(y, 2 * np.exp([0.5, 1.0, 2.0]), rtol=1e-2)


def test_nan_and_inf_propagate():
    t = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0])
    assert_close(t * 2, np.array([np.nan, np.inf, -np.inf, 2.0]))
    assert torch.isnan(t).tolist() == [True, False, False, False]
    assert torch.maximum(t, torch.zeros(4)).isnan().tolist() == [True, False, False, False]


def test_inplace_rules():
    a = torch.zeros(3, dtype=torch.int64)
    with pytest.raises(RuntimeError):
        a += 1.5  # float result cannot be written into an int tensor
    b = torch.zeros(3)
    with pytest.raises(RuntimeError):
        b.add_(torch.zeros(2, 3))  # would change the destination's shape
    b.add_(torch.ones(3), alpha=2)
    assert b.tolist() == [2.0, 2.0, 2.0]


def test_errors_are_python_exceptions():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        torch.ones(3) + torch.ones(4)
    with pytest.raises(ValueError):  # shape errors are ValueErrors too, for NumPy code
        torch.ones(3) + torch.ones(4)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):  # PyTorch: RuntimeError("ZeroDivisionError")
        torch.tensor([1, 2]) // torch.tensor([0, 1])
    with pytest.raises(NotImplementedError, match="'Float'"):  # PyTorch: "bitwise_and_cpu" not implemented for 'Float'
        torch.tensor([1.0]) & torch.tensor([1.0])
    with pytest.raises(RuntimeError, match="negative integer powers"):
        torch.tensor([2]) ** -1

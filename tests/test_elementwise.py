"""Elementwise (unary, binary, pointwise) ops against NumPy: random broadcast shapes (0- and 1-sized dims),
strided views, dtypes, special values, errors, sizes around the thread grain at 1 and 2 threads; the vectorised
float32 math kernels (exp, log, sin, cos, tanh, sigmoid, gelu) in ulps over the whole float range; addcmul /
addcdiv / lerp."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck
from helpers import GRAIN_SIZES, assert_close, randn_leaf

RNG = np.random.default_rng(0)


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


def test_nan_and_inf_propagate():
    t = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0])
    assert_close(t * 2, np.array([np.nan, np.inf, -np.inf, 2.0]), dtype=torch.float32)
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



# ------------------------------------------------------------------ sizes around the thread grain
def _laid_out(a, layout):
    """`a` (n,) as a contiguous tensor, every other element of a longer buffer, or (for "transposed") the
    (n, 3) transpose of a contiguous (3, n) block whose rows are a, 2a and 3a."""
    if layout == "contiguous":
        return torch.from_numpy(a.copy()), a
    if layout == "strided":
        big = np.zeros(2 * len(a), a.dtype)
        big[::2] = a
        return torch.from_numpy(big)[::2], a
    rows = np.stack([a, 2 * a, 3 * a])
    return torch.from_numpy(rows).T, rows.T.copy()


@pytest.mark.parametrize("layout", ["contiguous", "strided", "transposed"])
@pytest.mark.parametrize("n", GRAIN_SIZES)
def test_elementwise_across_the_thread_grain(n, layout, num_threads):
    # Values are small integers (exact in float32 sums and products) with a distinct last element, so a
    # kernel that skips the tail of a chunk or of the run leaves a wrong value behind.
    rng = np.random.default_rng(n)
    a, b = (rng.integers(1, 9, n).astype(np.float32) for _ in range(2))
    a[-1], b[-1] = 50, 60
    ta, a = _laid_out(a, layout)
    tb, b = _laid_out(b, layout)
    assert_close(ta + tb, a + b, rtol=0, atol=0)
    assert_close(ta * tb - 1.5, a * b - 1.5, rtol=0, atol=0)
    assert_close(-ta, -a, rtol=0, atol=0)
    assert_close(torch.where(ta > tb, ta, tb), np.maximum(a, b), rtol=0, atol=0)
    assert_close(ta < tb, a < b)
    assert_close((ta / 16).exp(), np.exp(a.astype(np.float64) / 16), rtol=3e-7, dtype=torch.float32)
    assert_close(ta.to(torch.float64), a.astype(np.float64), rtol=0, atol=0)
    assert_close(ta.long() * 3, a.astype(np.int64) * 3)
    assert_close(ta.contiguous(), a, rtol=0, atol=0)
    c = ta.clone()
    assert c.add_(tb) is c
    assert_close(c, a + b, rtol=0, atol=0)
    assert ta.mul_(2) is ta  # in place through the (possibly strided) view
    assert_close(ta, 2 * a, rtol=0, atol=0)
    ta.fill_(7.0)[..., -1] = 0
    want = np.full(a.shape, 7.0, np.float32)
    want[..., -1] = 0
    assert_close(ta, want, rtol=0, atol=0)

def test_addcmul_addcdiv_lerp():
    a, b, c = (RNG.standard_normal((2, 3)) for _ in range(3))
    c = c + np.sign(c)  # keep the divisor away from 0
    ta, tb, tc = map(torch.from_numpy, (a, b, c))
    assert_close(ta.addcmul(tb, tc), a + b * c)
    assert_close(torch.addcmul(ta, tb, tc, value=2), a + 2 * b * c)
    assert_close(ta.addcdiv(tb, tc, value=0.5), a + 0.5 * b / c)
    assert_close(torch.addcdiv(ta, tb, tc), a + b / c)
    t = ta.clone()
    assert t.addcmul_(tb, tc, value=-1) is t
    assert_close(t, a - b * c)
    t = ta.clone()
    assert t.addcdiv_(tb, tc) is t
    assert_close(t, a + b / c)
    t = ta.clone()
    assert t.lerp_(tb, 0.25) is t
    assert_close(t, a + 0.25 * (b - a))
    assert_close(ta.clone().lerp_(tb, tc), a + c * (b - a))
    # Broadcasting of the operands, as in PyTorch.
    assert_close(ta.addcmul(tb[:1], tc[:, :1]), a + b[:1] * c[:, :1])
    x, y, z = randn_leaf(2, 3, seed=6), randn_leaf(2, 3, seed=7), randn_leaf(2, 3, seed=8)
    zz = (z.detach() + torch.from_numpy(np.sign(z.detach().numpy()))).requires_grad_()
    assert gradcheck(lambda p, q, r: p.addcmul(q, r, value=0.7), (x, y, z))
    assert gradcheck(lambda p, q, r: p.addcdiv(q, r, value=-1.3), (x, y, zz))
    assert gradcheck(lambda p, q, r: (p * 1).addcmul_(q, r), (x, y, z))
    assert gradcheck(lambda p, q, r: (p * 1).addcdiv_(q, r), (x, y, zz))
    assert gradcheck(lambda p, q: (p * 1).lerp_(q, 0.3), (x, y))
    with pytest.raises(RuntimeError, match="leaf"):
        x.addcmul_(y, z)


# ------------------------------------------------------------------ float32 math kernels, in ulps
# Bounds are the exhaustive maxima measured in Rust (`cargo test --release --lib exhaustive -- --ignored`)
# with headroom; inputs are random bit patterns (every exponent, denormals, +-0, +-inf, NaN).
def all_floats(n, seed, lo=None, hi=None):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.17549435e-38, 3.4028235e38,
                         1.0, -1.0, 0.5, 2.0, math.pi, -math.pi, 1e-30, 88.7, -87.3], dtype=np.float32)
    x = np.concatenate([x, specials])
    if lo is not None:
        x = x[~(np.abs(x) > hi)]  # keep NaN
    return x


def ulp_error(got, want64):
    """|got - want| in units of float32 spacing at the (float32-rounded) true value."""
    want32 = want64.astype(np.float32)
    both_nan = np.isnan(got) & np.isnan(want64)
    same_inf = np.isinf(got) & np.isinf(want32) & (np.sign(got) == np.sign(want32))
    spacing = np.maximum(np.spacing(np.abs(want32)), np.finfo(np.float32).tiny * np.finfo(np.float32).eps)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(got.astype(np.float64) - want64) / spacing.astype(np.float64)
    err[both_nan | same_inf] = 0
    return err


def gelu64(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


CASES = [
    # name, rtorch fn, float64 reference, max ulp, input range (None: every float)
    ("exp", torch.exp, np.exp, 2.0, None),
    ("log", torch.log, np.log, 2.0, None),
    ("tanh", torch.tanh, np.tanh, 2.0, None),
    # Like PyTorch, sigmoid is 0 where it would be denormal (x < -88.7): compared above that.
    ("sigmoid", torch.sigmoid, lambda x: 1 / (1 + np.exp(-x)), 4.0, 88.0),
    ("sin", torch.sin, np.sin, 2.0, 6.0e6),
    ("cos", torch.cos, np.cos, 2.0, 6.0e6),
    ("sin_large", torch.sin, np.sin, 1.0, None),  # |x| > 6e6 present: the libm path
]


@pytest.mark.parametrize("name,fn,ref,max_ulp,limit", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_float32_math_over_the_whole_range(name, fn, ref, max_ulp, limit, seed):
    x = all_floats(200_000, seed, -limit if limit else None, limit)
    with np.errstate(all="ignore"):
        want = ref(x.astype(np.float64))
    got = fn(torch.from_numpy(x)).numpy()
    err = ulp_error(got, want)
    worst = np.nanmax(err)
    assert worst <= max_ulp, f"{name}: {worst:.2f} ulp at x={x[np.nanargmax(err)]!r}"
    # Non-contiguous input takes the strided loop: same values.
    got2 = fn(torch.from_numpy(np.stack([x, x], 1))[:, 1]).numpy()
    np.testing.assert_array_equal(got2, got)


def test_gelu_erf_absolute_error():
    x = np.concatenate([np.linspace(-12, 12, 100_001, dtype=np.float32), np.float32([np.inf, -np.inf, np.nan, 0, -0.0])])
    got = torch.nn.functional.gelu(torch.from_numpy(x)).numpy().astype(np.float64)
    want = gelu64(x.astype(np.float64))
    finite = np.isfinite(x)
    # 3.9e-7 absolute error of erf, scaled by |x|/2, plus rounding of the result.
    assert np.all(np.abs(got[finite] - want[finite]) <= 2.5e-7 * np.abs(x[finite]) + 1.2e-7 * np.abs(want[finite]) + 1e-38)
    # gelu(-inf) = -inf * 0 is NaN, as in PyTorch; gelu(inf) = inf (PyTorch: NaN).
    assert got[-5] == np.inf and np.isnan(got[-4]) and np.isnan(got[-3]) and got[-2] == 0


def test_float64_keeps_libm():
    x = np.linspace(-1e7, 1e7, 10001)
    np.testing.assert_allclose(torch.sin(torch.from_numpy(x)).numpy(), np.sin(x), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(torch.log(torch.from_numpy(np.abs(x) + 1)).numpy(), np.log(np.abs(x) + 1), rtol=1e-15)


# ---- issue 16 item 8: PyTorch's deprecated add(Number alpha, Tensor other) overloads ----

@pytest.mark.parametrize("name, call, want, inplace", [
    ("add", lambda x, y: x.add(2, y), [7.0, 9.0], False),
    ("add", lambda x, y: torch.add(x, 2, y), [7.0, 9.0], False),
    ("sub", lambda x, y: x.sub(2, y), [-5.0, -7.0], False),
    ("sub", lambda x, y: torch.sub(x, 2, y), [-5.0, -7.0], False),
    ("subtract", lambda x, y: x.subtract(2, y), [-5.0, -7.0], False),
    ("add_", lambda x, y: x.add_(2, y), [7.0, 9.0], True),
    ("sub_", lambda x, y: x.sub_(2, y), [-5.0, -7.0], True),
    ("add_", lambda x, y: x.add_(-0.5, 4), [-1.0, -1.0], True),  # a Number `other` too, as PyTorch accepts
])
def test_deprecated_alpha_first_overloads(name, call, want, inplace):
    x, y = torch.tensor([1.0, 1.0]), torch.tensor([3.0, 4.0])
    with pytest.warns(UserWarning, match=f"This overload of {name} is deprecated:\n\t{name}\\(Number alpha"):
        out = call(x, y)
    assert out.tolist() == want
    assert x.tolist() == (want if inplace else [1.0, 1.0])


def test_deprecated_overload_keeps_the_modern_errors():
    x = torch.ones(2)
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        x.add(torch.ones(2), 2)
    with pytest.raises(TypeError, match="takes 1 positional argument but 3 were given"):
        x.add(1, 2, 3)
    with pytest.raises(TypeError):
        x.add(2, torch.ones(2), alpha=3)
    assert x.add(torch.ones(2), alpha=2).tolist() == [3.0, 3.0]  # the modern form warns nothing

"""The vectorised float32 math kernels (exp, log, sin, cos, tanh, sigmoid, gelu) against float64
NumPy over the whole float range: random bit patterns (every exponent, denormals, +-0, +-inf,
NaN), in ulps of the float32 result. Bounds are the exhaustive maxima measured in Rust
(`cargo test --release --lib exhaustive -- --ignored`) with headroom."""
import math

import numpy as np
import pytest

import rtorch as torch


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

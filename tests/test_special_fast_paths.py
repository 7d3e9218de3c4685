"""The float32 fast paths of session 7 (issue 20): the orthogonal polynomials' chunked recurrence
(src/cpu/fpoly.rs), airy_ai's float64 lanes, the float32 tolerance of igamma/igammac and mvlgamma's float64-lane
lgamma sums, against the float64 kernels and SciPy: chunk edges, the threading grain, inputs that send a chunk to
the scalar path, special values, broadcast and transposed operands, 1 and 2 threads."""

import math

import numpy as np
import pytest

import rtorch

sc = pytest.importorskip("scipy.special")

GRAIN = 1 << 15  # src/cpu/iter.rs: elementwise work splits over threads above this many elements
CHUNK = 256  # src/cpu/fpoly.rs
LENGTHS = [1, 3, 8, 9, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, GRAIN + 1, 65537]

# name: (x range the sweep and tests use, bit-identical to the float64 kernel: every family but T and U, whose
# float64 kernels switch to cos(n acos x) (n > 6) and sin((n+1) t) / sin t (n > 8) inside (-1, 1)).
POLYS = {
    "chebyshev_polynomial_t": ((-1.2, 1.2), False),
    "chebyshev_polynomial_u": ((-1.2, 1.2), False),
    "chebyshev_polynomial_v": ((-1.2, 1.2), True),
    "chebyshev_polynomial_w": ((-1.2, 1.2), True),
    "shifted_chebyshev_polynomial_t": ((-0.1, 1.1), False),
    "shifted_chebyshev_polynomial_u": ((-0.1, 1.1), False),
    "shifted_chebyshev_polynomial_v": ((-0.1, 1.1), True),
    "shifted_chebyshev_polynomial_w": ((-0.1, 1.1), True),
    "hermite_polynomial_h": ((-3.0, 3.0), True),
    "hermite_polynomial_he": ((-3.0, 3.0), True),
    "laguerre_polynomial_l": ((-1.0, 6.0), True),
    "legendre_polynomial_p": ((-1.2, 1.2), True),
}
# x values with closed forms or edge behaviour in the kernels, and degrees of every kind the kernel handles.
X_SPECIAL = [-1.0, 1.0, 0.0, -0.0, 0.5, np.inf, -np.inf, np.nan]
N_SPECIAL = [-1.0, -0.5, 0.0, 0.9, 1.0, 2.0, 7.0, 8.0, 9.5, 64.0, -np.inf, np.nan]


def _with_threads(threads, fn):
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        fn()
    finally:
        rtorch.set_num_threads(old)


def _poly_inputs(name, n, seed, top=9.0):
    (lo, hi), _ = POLYS[name]
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, n).astype(np.float32)
    deg = rng.uniform(-1.0, top, n).astype(np.float32)
    pts = [(a, b) for a in X_SPECIAL for b in N_SPECIAL]
    # Special pairs at the start, the middle and the end (tails past the vector width and the chunk).
    for pos in (0, n // 2, max(n - len(pts), 0)):
        for k, (a, b) in enumerate(pts[: max(n - pos, 0)]):
            x[pos + k], deg[pos + k] = a, b
    return x, deg


def _check_poly(name, x, deg, got):
    """`got` (float32) against the float64 kernel at the same float32 inputs, rounded once."""
    fn = getattr(rtorch.special, name)
    want = fn(rtorch.from_numpy(x.astype(np.float64)), rtorch.from_numpy(deg.astype(np.float64))).numpy()
    w32 = want.astype(np.float32)
    assert got.dtype == np.float32
    same = (got == w32) | (np.isnan(got) & np.isnan(w32))
    if not POLYS[name][1]:
        # T and U of degree above 6/8 inside (-1, 1): the recurrence against the trigonometric forms, both within
        # ~1e-15 of |T|, |U| <= n + 1; an absolute slack of a few float32 roundings at that scale.
        with np.errstate(invalid="ignore"):
            same |= np.abs(got.astype(np.float64) - want) <= 2.0**-23 * np.maximum(np.abs(want), 1e-6)
            same |= (np.abs(x) < 1) & (np.abs(got.astype(np.float64) - want) <= 1e-12 * (np.abs(deg) + 2) ** 2)
    assert same.all(), (name, x[~same][:4], deg[~same][:4], got[~same][:4], w32[~same][:4])


@pytest.mark.parametrize("name", sorted(POLYS))
@pytest.mark.parametrize("threads", [1, 2])
def test_polynomials_float32_match_the_float64_kernels(name, threads):
    fn = getattr(rtorch.special, name)

    def body():
        for n in LENGTHS:
            x, deg = _poly_inputs(name, n, n)
            got = fn(rtorch.from_numpy(x), rtorch.from_numpy(deg)).numpy()
            _check_poly(name, x, deg, got)

    _with_threads(threads, body)


@pytest.mark.parametrize("name", sorted(POLYS))
def test_polynomials_float32_against_scipy(name):
    """Independent of rtorch's float64 kernels: SciPy's eval_* at the truncated degree (0 below 0), in float32 ulps
    of the larger of the value and the family's scale at x (the recurrences' cancellation near the zeros)."""
    (lo, hi), _ = POLYS[name]
    rng = np.random.default_rng(7)
    x = rng.uniform(lo, hi, 20000).astype(np.float32)
    deg = rng.integers(0, 12, 20000).astype(np.float32)
    got = getattr(rtorch.special, name)(rtorch.from_numpy(x), rtorch.from_numpy(deg)).numpy().astype(np.float64)
    xd, nd = x.astype(np.float64), deg.astype(np.float64)
    shifted = name.startswith("shifted")
    base = name.replace("shifted_", "")
    xs = 2 * xd - 1 if shifted else xd
    if base in ("chebyshev_polynomial_v", "chebyshev_polynomial_w"):
        # V_n, W_n through U: V_n(x) = U_n(x) - U_{n-1}(x), W_n(x) = U_n(x) + U_{n-1}(x).
        um = np.where(nd > 0, sc.eval_chebyu(np.maximum(nd - 1, 0), xs), 0.0)
        want = sc.eval_chebyu(nd, xs) + (-um if base.endswith("_v") else um)
    else:
        ref = {"chebyshev_polynomial_t": sc.eval_chebyt, "chebyshev_polynomial_u": sc.eval_chebyu,
               "hermite_polynomial_h": sc.eval_hermite, "hermite_polynomial_he": sc.eval_hermitenorm,
               "laguerre_polynomial_l": sc.eval_laguerre, "legendre_polynomial_p": sc.eval_legendre}[base]
        want = ref(nd.astype(np.int64), xs) if "hermite" in base else ref(nd, xs)
    scale = np.maximum(np.abs(xs), 1.0) ** nd * (2.0 ** nd if base == "hermite_polynomial_h" else 1.0) * (nd + 1) ** 2
    err = np.abs(got - want) / (2.0**-23 * np.maximum(np.abs(want), 1e-7 * scale))
    assert err.max() <= 2.0, (name, x[np.argmax(err)], deg[np.argmax(err)], got[np.argmax(err)], want[np.argmax(err)])


@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "legendre_polynomial_p",
                                  "hermite_polynomial_he"])
def test_polynomials_large_degree_chunk_takes_the_scalar_path(name):
    """A degree above 64 (or +inf) anywhere in a chunk sends that chunk to the float64 functions; its neighbours
    stay on the recurrence. Either way the results are the float64 kernel's, rounded."""
    fn = getattr(rtorch.special, name)
    n = 4 * CHUNK + 3
    x, deg = _poly_inputs(name, n, 11)
    deg[CHUNK + 17] = 65.0
    # +inf only where the float64 kernel has a closed form (its recurrences would loop ~2^63 times, as PyTorch's).
    deg[3 * CHUNK] = np.inf if name in ("chebyshev_polynomial_t", "chebyshev_polynomial_u") else 100.0
    deg[2 * CHUNK + 1] = 1000.0
    got = fn(rtorch.from_numpy(x), rtorch.from_numpy(deg)).numpy()
    _check_poly(name, x, deg, got)
    # Degree 64 itself runs the recurrence: T_64 against cos(64 acos x).
    xs = np.linspace(-0.999, 0.999, 999).astype(np.float32)
    g = rtorch.special.chebyshev_polynomial_t(rtorch.from_numpy(xs), 64.0).numpy().astype(np.float64)
    np.testing.assert_allclose(g, np.cos(64 * np.arccos(xs.astype(np.float64))), rtol=0, atol=3e-7)


@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "hermite_polynomial_h", "laguerre_polynomial_l",
                                  "shifted_chebyshev_polynomial_w"])
def test_polynomials_broadcast_transposed_and_scalar_degree(name):
    fn = getattr(rtorch.special, name)
    x, deg = _poly_inputs(name, 300 * 70, 3)
    xm = x.reshape(300, 70)
    row = deg[:70].copy()
    # A broadcast row of degrees, a transposed x, a column of degrees, a number.
    got = fn(rtorch.from_numpy(xm), rtorch.from_numpy(row)).numpy()
    _check_poly(name, xm, np.broadcast_to(row, xm.shape).copy(), got)
    xt = rtorch.from_numpy(xm.T.copy()).t()
    assert np.array_equal(fn(xt, rtorch.from_numpy(row)).numpy(), got, equal_nan=True)
    col = deg[:300].reshape(300, 1).copy()
    got = fn(rtorch.from_numpy(xm), rtorch.from_numpy(col)).numpy()
    _check_poly(name, xm, np.broadcast_to(col, xm.shape).copy(), got)
    got = fn(rtorch.from_numpy(xm), 5).numpy()
    _check_poly(name, xm, np.full(xm.shape, 5.0, np.float32), got)
    # Empty and 0-d.
    assert fn(rtorch.zeros(0, 3), rtorch.zeros(3)).shape == (0, 3)
    z = fn(rtorch.tensor(0.25), rtorch.tensor(3.0))
    assert z.shape == () and z.item() == pytest.approx(float(fn(rtorch.tensor(0.25, dtype=rtorch.float64), 3.0)), rel=1e-6)


# ---- igamma / igammac: float32 results from the float64 expansions stopped at 2^-32 ----

def _igamma_inputs(n, seed):
    rng = np.random.default_rng(seed)
    a = np.exp(rng.uniform(math.log(1e-3), math.log(1e3), n)).astype(np.float32)
    x = np.exp(rng.uniform(math.log(1e-4), math.log(2e3), n)).astype(np.float32)
    # The sweep's range, both branches (x < a, x > a) and the cancellation corner of Q = 1 - P at small a.
    k = n // 4
    a[:k] = rng.uniform(0.1, 10, k)
    x[:k] = rng.uniform(0.01, 15, k)
    sa = np.array([0.0, 0.0, 1.0, 0.1, 0.1, 0.01, np.inf, 1.0, -1.0, 1.0, np.nan, 2.0, 5.0], np.float32)
    sx = np.array([0.0, 1.0, 0.0, 0.99, 1.0, 0.9, 1.0, np.inf, 1.0, -1.0, 1.0, np.nan, 5.0], np.float32)
    m = min(len(sa), n)
    a[-m:], x[-m:] = sa[:m], sx[:m]
    return a, x


@pytest.mark.parametrize("name", ["igamma", "igammac"])
@pytest.mark.parametrize("threads", [1, 2])
def test_igamma_float32_accuracy(name, threads):
    fn = getattr(rtorch, name)
    ref = sc.gammainc if name == "igamma" else sc.gammaincc

    def body():
        for n in [1, 9, 257, 40001]:
            a, x = _igamma_inputs(n, n)
            got = fn(rtorch.from_numpy(a), rtorch.from_numpy(x)).numpy()
            assert got.dtype == np.float32
            f64 = fn(rtorch.from_numpy(a.astype(np.float64)), rtorch.from_numpy(x.astype(np.float64))).numpy()
            # The special values are the float64 kernel's (PyTorch's edge cases).
            with np.errstate(invalid="ignore"):
                want = ref(a.astype(np.float64), x.astype(np.float64))
            want = np.where(np.isfinite(a) & np.isfinite(x) & (a > 0) & (x > 0), want, f64)
            g = got.astype(np.float64)
            # float32 rounding plus the float64 evaluation's own error near float32's underflow.
            tol = 2.0 * 2.0**-24 * np.abs(want) + 1e-38
            ok = (np.abs(g - want) <= tol) | (np.isnan(g) & np.isnan(want))
            assert ok.all(), (name, n, a[~ok][:4], x[~ok][:4], g[~ok][:4], want[~ok][:4])

    _with_threads(threads, body)


def test_igamma_float64_unchanged_tolerance():
    """float64 keeps the float64 stopping rule: relative 1e-13 from SciPy where float32's 2^-32 would not reach it."""
    a = np.array([0.5, 3.0, 7.5, 0.1, 20.0])
    x = np.array([0.3, 2.5, 9.0, 0.99, 19.0])
    for fn, ref in [(rtorch.igamma, sc.gammainc), (rtorch.igammac, sc.gammaincc)]:
        np.testing.assert_allclose(fn(rtorch.from_numpy(a), rtorch.from_numpy(x)).numpy(), ref(a, x), rtol=1e-13)


# ---- mvlgamma (float64 function per element: float64-lane lgamma sums measured 2x slower, reverted) ----

@pytest.mark.parametrize("p", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("threads", [1, 2])
def test_mvlgamma_float32_fast_sums(p, threads):
    lo = (p - 1) / 2

    def body():
        for n in [1, 7, 9, 1023, 1024, 1025, GRAIN + 1]:
            rng = np.random.default_rng(n * p)
            x = (lo + np.exp(rng.uniform(math.log(1e-4), math.log(60.0), n))).astype(np.float32)
            x[x <= lo] = np.float32(lo + 1e-3)
            pts = np.array([lo + 0.5, lo + 1.0, lo + 1.5, 3e38, np.inf, np.nan], np.float32)
            m = min(n, len(pts))
            x[-m:] = pts[:m]
            got = rtorch.mvlgamma(rtorch.from_numpy(x), p).numpy().astype(np.float64)
            want = np.array([sc.multigammaln(v, p) if np.isfinite(v) else v for v in x.astype(np.float64)])
            with np.errstate(invalid="ignore"):
                ok = (np.abs(got - want) <= 2 * 2.0**-24 * np.abs(want)) | (got == want.astype(np.float32)) \
                    | (np.isnan(got) & np.isnan(want))
            assert ok.all(), (p, n, x[~ok][:3], got[~ok][:3], want[~ok][:3])

    _with_threads(threads, body)


def test_mvlgamma_chunk_below_the_domain_takes_the_float64_function():
    """An element at or below (p - 1) / 2 (lgamma of a non-positive argument) sends its chunk to the float64 function."""
    x = np.linspace(1.2, 30, 3000).astype(np.float32)
    x[1500] = 0.75  # x - 1 < 0 for p = 3
    x[2999] = 1.0   # lgamma(0) = inf
    got = rtorch.mvlgamma(rtorch.from_numpy(x), 3).numpy()
    want = rtorch.mvlgamma(rtorch.from_numpy(x.astype(np.float64)), 3).numpy()
    np.testing.assert_allclose(got, want.astype(np.float32), rtol=3e-7)
    assert got[2999] == np.inf
    m = rtorch.from_numpy(x[:2800].reshape(40, 70))
    assert np.array_equal(rtorch.mvlgamma(m.t(), 3).numpy(), rtorch.mvlgamma(m, 3).numpy().T)


# ---- airy_ai: float64 lanes on [-6.5, inf) ----

def _airy_ok(x, got, want):
    """4 float32 ulps of the value; below 0 also 1e-12 absolute (the Maclaurin polynomials' rounding next to Ai's
    zeros, where the value itself goes to 0); subnormal results within the smallest subnormal."""
    g, w, xd = got.astype(np.float64), want, x.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        tol = 4 * 2.0**-24 * np.abs(w) + np.where(xd < 0, 1e-12, 0.0) + 1.5e-45
        return (np.abs(g - w) <= tol) | (np.isnan(g) & np.isnan(w)) | (g == w)


def _airy_ref(x):
    with np.errstate(all="ignore"):
        # Ai underflows float64 from x ~ 105 (SciPy: NaN at 1e30 and inf; the limit is 0).
        return np.where(x > 200, 0.0, np.where(np.isneginf(x), np.nan, sc.airy(x.astype(np.float64))[0]))


@pytest.mark.parametrize("threads", [1, 2])
def test_airy_ai_float32_lanes(threads):
    def body():
        for n in [1, 7, 8, 9, 33, 1023, 1024, 1025, GRAIN + 1, 65537]:
            rng = np.random.default_rng(n)
            x = rng.uniform(-6.5, 30.0, n).astype(np.float32)
            pts = np.array([2.0, 1.9999999, 2.0000002, -6.5, -2.3381074, -4.0879494, 27.0, 28.0, 0.0, -0.0, -1e-30,
                            1e30, np.inf, np.nan], np.float32)
            for pos in (0, n // 2, max(n - len(pts), 0)):
                k = min(len(pts), n - pos)
                x[pos:pos + k] = pts[:k]
            got = rtorch.special.airy_ai(rtorch.from_numpy(x)).numpy()
            ok = _airy_ok(x, got, _airy_ref(x))
            assert ok.all(), (n, x[~ok][:4], got[~ok][:4], _airy_ref(x)[~ok][:4])

    _with_threads(threads, body)


def test_airy_ai_grid_views_and_the_float64_path():
    x = np.linspace(-6.5, 40.0, 200_001).astype(np.float32)
    got = rtorch.special.airy_ai(rtorch.from_numpy(x)).numpy()
    ok = _airy_ok(x, got, _airy_ref(x))
    assert ok.all(), (x[~ok][:4], got[~ok][:4])
    # A chunk (1024 elements) holding an x below -6.5 or -inf goes through the float64 function: every element of
    # it is the float64 result rounded once.
    y = np.linspace(-6.0, 20.0, 4096).astype(np.float32)
    y[5], y[2100] = -7.0, -np.inf
    got = rtorch.special.airy_ai(rtorch.from_numpy(y)).numpy()
    f64 = rtorch.special.airy_ai(rtorch.from_numpy(y.astype(np.float64))).numpy().astype(np.float32)
    assert np.array_equal(got[:1024], f64[:1024]) and np.array_equal(got[2048:3072], f64[2048:3072], equal_nan=True)
    assert np.isnan(got[2100]) and got[5] == f64[5]
    ok = _airy_ok(y, got, _airy_ref(y))
    assert ok.all(), (y[~ok][:4], got[~ok][:4])
    # Transposed and strided views.
    m = rtorch.from_numpy(y.reshape(64, 64))
    assert np.array_equal(rtorch.special.airy_ai(m.t()).numpy(), got.reshape(64, 64).T, equal_nan=True)
    assert np.array_equal(rtorch.special.airy_ai(m[:, ::3]).numpy(),
                          rtorch.special.airy_ai(rtorch.from_numpy(y.reshape(64, 64)[:, ::3].copy())).numpy(), equal_nan=True)
    assert rtorch.special.airy_ai(rtorch.zeros(0)).shape == (0,)
    assert rtorch.special.airy_ai(rtorch.tensor(0.0)).item() == pytest.approx(0.3550280538878172, rel=1e-7)


@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
@pytest.mark.parametrize("name", [
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
    "legendre_polynomial_p"])
def test_polynomial_of_infinite_or_huge_degree_is_zero_at_once(name, dtype):
    """PyTorch truncates the degree to int64: NaN, +-inf and |n| >= 2^63 become int64's minimum there, a
    negative degree, so the result is 0 (a saturating cast looped 2^63 times: a hang)."""
    n = rtorch.tensor([float("inf"), 1e19, -float("inf"), float("nan"), -1e30, 9.3e18], dtype=dtype)
    x = rtorch.full((6,), 0.25, dtype=dtype)
    assert getattr(rtorch.special, name)(x, n).tolist() == [0.0] * 6

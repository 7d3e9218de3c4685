"""The test row of every declared elementwise op: its NumPy reference and the inputs it is defined on.

One entry per row of the declaration tables (src/opdefs/unary.rs, binary.rs), keyed by the row's
id. tests/test_op_rows.py checks every row against its entry (values for every dtype the row takes,
strided views, the threading grain, out= and in-place forms, gradients, CUDA against the CPU);
tests/test_declarations.py fails for a row without an entry. Adding an op = one table row + one
entry here (CONTRIBUTING.md, "Add an elementwise op").

An entry is ``Ref(reference, lo, hi, ...)``: ``reference`` takes float64 (or integer/bool) NumPy
arrays and returns the exact result; inputs are drawn uniformly from [lo, hi] (``blo``/``bhi`` for
the second operand of two-input rows). ``call`` reaches rows that have no generated Python name
(bound by hand with extra arguments); ``ints`` gives the integer inputs' range for rows that take
integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

import rtorch.nn.functional as F

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _erfinv(y):
    """Inverse of math.erf by Newton's method (float64-exact for |y| < 1)."""
    y = np.asarray(y, dtype=np.float64)
    x = np.where(np.abs(y) < 1, np.arctanh(y) * 0.88, 0.0)  # within 0.1 of the root on (-1, 1)
    for _ in range(60):  # Newton converges quadratically once close; stop when nothing moves
        step = (_erf(x) - y) / (2 / math.sqrt(math.pi) * np.exp(-x * x))
        x = x - step
        if not np.any(np.abs(step) > 1e-17 * np.abs(x)):
            break
    return np.where(np.abs(y) == 1, np.sign(y) * np.inf, np.where(np.abs(y) > 1, np.nan, x))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@dataclass(frozen=True)
class Ref:
    reference: Callable
    lo: float = -5.0
    hi: float = 5.0
    blo: Optional[float] = None
    bhi: Optional[float] = None
    call: Optional[Callable] = None
    ints: tuple = (-20, 20)
    # Values every test run includes besides the random ones (edges: 0, signed zeros, halves).
    special: tuple = ()
    # The reference gets the inputs in their own dtype, not float64 (ops whose PyTorch kernel
    # rounds an intermediate in the input dtype, such as round(decimals=)).
    native: bool = False
    # Extra absolute slack of `xslack` ulps of the result dtype times max(|x|, 1), for formulas
    # that cancel in any float32 implementation (PyTorch's included): 1 + erf(x) for x << 0.
    xslack: float = 0.0
    # The first operand of a two-input row has no derivative in PyTorch (igamma's a, zeta's x):
    # the gradient tests differentiate through the second only.
    nograd_a: bool = False


UNARY = {
    "neg": Ref(np.negative),
    "abs": Ref(np.abs, special=(-0.0, 0.0)),
    "sign": Ref(lambda x: x if x.dtype == bool else np.sign(x), special=(0.0, -0.0)),
    "square": Ref(np.square),
    "relu": Ref(lambda x: np.maximum(x, 0)),
    "floor": Ref(np.floor, special=(-0.5, 0.5, 2.0)),
    "ceil": Ref(np.ceil, special=(-0.5, 0.5, 2.0)),
    "round": Ref(np.round, call=lambda x: x.round(), special=(0.5, 1.5, 2.5, -0.5, -2.5)),
    "trunc": Ref(np.trunc, special=(-0.5, 0.5)),
    "hardtanh": Ref(lambda x: np.clip(x, -0.5, 0.75), call=lambda x: F.hardtanh(x, -0.5, 0.75)),
    "frac": Ref(lambda x: x - np.trunc(x)),
    "exp": Ref(np.exp, -20, 20),
    "exp2": Ref(np.exp2, -20, 20),
    "expm1": Ref(np.expm1, -5, 5, special=(1e-8, -1e-8)),
    "log": Ref(np.log, 1e-3, 100),
    "log2": Ref(np.log2, 1e-3, 100),
    "log10": Ref(np.log10, 1e-3, 100),
    "log1p": Ref(np.log1p, -0.9, 10, special=(1e-8,)),
    "sqrt": Ref(np.sqrt, 0, 100),
    "rsqrt": Ref(lambda x: 1 / np.sqrt(x), 1e-2, 100),
    "sin": Ref(np.sin, -10, 10),
    "cos": Ref(np.cos, -10, 10),
    "tan": Ref(np.tan, -1.4, 1.4),
    "sinc": Ref(np.sinc, -4, 4, special=(0.0, 1.0, -2.0), xslack=2),  # sin(pi x) of a rounded pi x
    "asin": Ref(np.arcsin, -0.99, 0.99),
    "acos": Ref(np.arccos, -0.99, 0.99),
    "atan": Ref(np.arctan, -10, 10),
    "sinh": Ref(np.sinh, -5, 5),
    "cosh": Ref(np.cosh, -5, 5),
    "tanh": Ref(np.tanh, -10, 10),
    "asinh": Ref(np.arcsinh, -10, 10),
    "acosh": Ref(np.arccosh, 1.01, 10),
    "atanh": Ref(np.arctanh, -0.99, 0.99),
    "sigmoid": Ref(_sigmoid, -20, 20),
    "logit": Ref(lambda x: np.log(x / (1 - x)), 0.01, 0.99, call=lambda x: x.logit(), xslack=8),
    "erf": Ref(_erf, -4, 4),
    "erfc": Ref(_erfc, -4, 4),
    "erfinv": Ref(_erfinv, -0.99, 0.99),
    "reciprocal": Ref(lambda x: 1 / x, 0.1, 10),
    "gelu": Ref(lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))), call=lambda x: F.gelu(x), xslack=4),
    "gelu_tanh": Ref(lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
                     call=lambda x: F.gelu(x, approximate="tanh"), xslack=4),
    "silu": Ref(lambda x: x * _sigmoid(x), -10, 10),
    "mish": Ref(lambda x: x * np.tanh(np.log1p(np.exp(x))), -10, 10),
    "softplus": Ref(lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2),
                    call=lambda x: F.softplus(x, beta=2, threshold=3)),
    "elu": Ref(lambda x: np.where(x > 0, x, 1.5 * np.expm1(x)), call=lambda x: F.elu(x, alpha=1.5)),
    "leaky_relu": Ref(lambda x: np.where(x > 0, x, 0.2 * x), call=lambda x: F.leaky_relu(x, 0.2)),
    "round_decimals": Ref(lambda x: np.round(x * x.dtype.type(100)) / x.dtype.type(100),
                          call=lambda x: x.round(decimals=2), native=True),
    "pow_scalar": Ref(lambda x: x ** 3, -3, 3, call=lambda x: x.pow(3), ints=(-5, 5)),
    "nan_to_num": Ref(lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0),
                      call=lambda x: x.nan_to_num(nan=0.5, posinf=9.0, neginf=-9.0), special=(np.nan, np.inf, -np.inf)),
    "isnan": Ref(np.isnan, special=(np.nan, np.inf, -np.inf)),
    "isinf": Ref(np.isinf, special=(np.nan, np.inf, -np.inf)),
    "isfinite": Ref(np.isfinite, special=(np.nan, np.inf, -np.inf)),
    "logical_not": Ref(np.logical_not, special=(0.0, -0.0, np.nan)),
    "signbit": Ref(np.signbit, special=(0.0, -0.0, -np.inf)),
    "bitwise_not": Ref(np.invert),
    # ---- kernels branch: nn.functional activations made rows (issue 17) ----
    "hardswish": Ref(lambda x: x * np.clip(x + 3, 0, 6) / 6, -6, 6, call=lambda x: F.hardswish(x),
                     special=(0.0, -0.0, 1.5)),
    "hardsigmoid": Ref(lambda x: np.clip(x + 3, 0, 6) / 6, -6, 6, call=lambda x: F.hardsigmoid(x),
                       special=(0.0, 1.5)),
    # lambd 0.75 is exact in every float dtype, so the threshold compares the same in all of them
    "hardshrink": Ref(lambda x: np.where(np.abs(x) > 0.75, x, 0), -2, 2, call=lambda x: F.hardshrink(x, 0.75)),
    "softshrink": Ref(lambda x: np.where(x > 0.75, x - 0.75, np.where(x < -0.75, x + 0.75, 0 * x)), -2, 2,
                      call=lambda x: F.softshrink(x, 0.75)),
    "log_sigmoid": Ref(lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))), -40, 40,
                       call=lambda x: F.logsigmoid(x), special=(0.0, -100.0, 100.0)),
}

BINARY = {
    "add": Ref(np.add, call=lambda a, b: a.add(b)),
    "sub": Ref(np.subtract, call=lambda a, b: a.sub(b)),
    "mul": Ref(np.multiply),
    "div": Ref(np.true_divide, blo=0.5, bhi=5),
    "floor_divide": Ref(np.floor_divide, blo=0.5, bhi=5, ints=(1, 20)),
    "remainder": Ref(np.remainder, blo=0.5, bhi=5, ints=(1, 20)),
    "fmod": Ref(np.fmod, blo=0.5, bhi=5, ints=(1, 20)),
    "pow": Ref(np.power, 0.1, 3, -2, 2, call=lambda a, b: a.pow(b), ints=(0, 5)),
    "atan2": Ref(np.arctan2),
    "hypot": Ref(np.hypot),
    "copysign": Ref(np.copysign, special=(0.0, -0.0)),
    "maximum": Ref(np.maximum),
    "minimum": Ref(np.minimum),
    "fmax": Ref(np.fmax),
    "fmin": Ref(np.fmin),
    "bitwise_and": Ref(np.bitwise_and),
    "bitwise_or": Ref(np.bitwise_or),
    "bitwise_xor": Ref(np.bitwise_xor),
    "shl": Ref(np.left_shift, ints=(0, 6)),
    "shr": Ref(np.right_shift, ints=(0, 6)),
    "eq": Ref(np.equal),
    "ne": Ref(np.not_equal),
    "lt": Ref(np.less),
    "le": Ref(np.less_equal),
    "gt": Ref(np.greater),
    "ge": Ref(np.greater_equal),
    "logical_and": Ref(np.logical_and),
    "logical_or": Ref(np.logical_or),
    "logical_xor": Ref(np.logical_xor),
}

# ---- special functions (references: SciPy) ----
try:
    import scipy.special as _sc
except ImportError:  # CI installs SciPy (scripts/test.sh); without it the special rows have no reference
    _sc = None


def _sp(name):
    """scipy.special.<name>, looked up when the reference runs (so the table imports without SciPy)."""
    return lambda *a: getattr(_sc, name)(*a)


def _poly(name):
    """A SciPy orthogonal polynomial eval_<name>(n, x) with PyTorch's degree rule: n truncated, 0 below 0."""
    def ref(x, n):
        k = np.trunc(n)
        with np.errstate(all="ignore"):
            v = getattr(_sc, "eval_" + name)(np.maximum(k, 0).astype(np.int64), x)
        return np.where(k < 0, 0.0, v)
    return ref


def _chebyshev_vw(kind):
    """Chebyshev V_n / W_n (not in SciPy) by their recurrence p_{k+1} = 2x p_k - p_{k-1} in float64."""
    def ref(x, n):
        k = np.trunc(np.asarray(n, dtype=np.float64))
        x = np.asarray(x, dtype=np.float64)
        x, k = np.broadcast_arrays(x, k)
        p, q = np.ones_like(x), (2 * x - 1 if kind == "v" else 2 * x + 1)
        out = np.where(k == 0, p, q)
        for j in range(2, int(max(k.max(initial=0), 1)) + 1):
            p, q = q, 2 * x * q - p
            out = np.where(k == j, q, out)
        return np.where(k < 0, 0.0, out)
    return ref


def _heaviside(x, y):
    return np.where(x == 0, y, (x > 0).astype(np.result_type(x, y)))


UNARY.update({
    "lgamma": Ref(_sp("gammaln"), 0.05, 20, special=(1.0, 2.0, 0.5, -0.5, -2.5)),
    "digamma": Ref(_sp("psi"), 0.05, 20, special=(1.0, 10.0, -0.5, -2.5)),
    "polygamma": Ref(lambda x: _sc.polygamma(2, x), 0.2, 10, call=lambda x: x.polygamma(2)),
    # SciPy refuses x <= (p - 1) / 2; there a term is lgamma(0) = inf, PyTorch's answer (bool inputs reach 0, 1).
    "mvlgamma": Ref(np.vectorize(lambda v: _sc.multigammaln(v, 3) if v > 1.0 else np.inf, otypes=[np.float64]),
                    1.2, 10, call=lambda x: x.mvlgamma(3), ints=(2, 20)),
    "i0": Ref(np.i0, -10, 10, special=(0.0,)),
    "special_i0e": Ref(_sp("i0e"), -50, 50, special=(0.0,)),
    "special_i1": Ref(_sp("i1"), -10, 10, special=(0.0,)),
    "special_i1e": Ref(_sp("i1e"), -50, 50, special=(0.0,)),
    "special_erfcx": Ref(_sp("erfcx"), -3, 20, special=(0.0, 2.0, -1.0)),
    "special_ndtr": Ref(_sp("ndtr"), -10, 10, special=(0.0,)),
    "special_ndtri": Ref(_sp("ndtri"), 0.001, 0.999, special=(0.5, 0.25, 0.75)),
    "special_log_ndtr": Ref(_sp("log_ndtr"), -20, 5, special=(0.0, -1.0)),
    "special_entr": Ref(_sp("entr"), 0.01, 5, special=(0.0, 1.0)),
    "deg2rad": Ref(np.deg2rad, -360, 360, xslack=1),
    # PyTorch: pi where input < 0 (so -0.0 gives 0, unlike np.angle), NaN stays NaN.
    # (NaN -> NaN is tested in tests/test_complex_math.py: these rows' out= and gradient checks need finite values.)
    "angle": Ref(lambda x: np.where(np.isnan(x), x, np.where(x < 0, np.pi, 0.0)), special=(0.0, -0.0)),
    "rad2deg": Ref(np.rad2deg, -7, 7, xslack=1),
    # speedun: float32 J/Y run in float32-accurate lanes; next to their zeros beyond x = 2 the value is as
    # ill-conditioned as cos(x - phase) (about an ulp of x), in any float32 implementation: xslack.
    "special_bessel_j0": Ref(_sp("j0"), -20, 20, special=(0.0,), xslack=1.0),
    "special_bessel_j1": Ref(_sp("j1"), -20, 20, special=(0.0,), xslack=1.0),
    "special_bessel_y0": Ref(_sp("y0"), 0.1, 20, xslack=1.0),
    "special_bessel_y1": Ref(_sp("y1"), 0.1, 20, xslack=1.0),
    "special_spherical_bessel_j0": Ref(lambda x: _sc.spherical_jn(0, x), -20, 20, special=(0.0, 0.25)),
    "special_modified_bessel_k0": Ref(_sp("k0"), 0.01, 30, special=(2.0, 1.0)),
    "special_modified_bessel_k1": Ref(_sp("k1"), 0.01, 30, special=(2.0, 1.0)),
    "special_scaled_modified_bessel_k0": Ref(_sp("k0e"), 0.01, 100, special=(2.0, 1.0)),
    "special_scaled_modified_bessel_k1": Ref(_sp("k1e"), 0.01, 100, special=(2.0, 1.0)),
    "special_airy_ai": Ref(lambda x: _sc.airy(x)[0], -5, 10, special=(0.0, 2.0, -1.0)),
    # (Powers of two, where the mantissa jumps, are in test_special.py: finite differences straddle them.)
    "frexp_mantissa": Ref(lambda x: np.frexp(x)[0], -100, 100,
                          call=lambda x: (x if x.is_floating_point() else x.float()).frexp().mantissa),
    "frexp_exponent": Ref(lambda x: np.frexp(x)[1].astype(np.float64), -100, 100, special=(0.0, 1.0, 0.5, -8.0),
                          call=lambda x: (lambda f: f.exponent.to(f.mantissa.dtype))((x if x.is_floating_point() else x.float()).frexp())),
    "isposinf": Ref(lambda x: np.isposinf(x.astype(np.float64)), special=(np.inf, -np.inf, np.nan)),
    "isneginf": Ref(lambda x: np.isneginf(x.astype(np.float64)), special=(np.inf, -np.inf, np.nan)),
})

BINARY.update({
    "xlogy": Ref(_sp("xlogy"), -5, 5, 0.01, 5, special=(0.0,)),
    "special_xlog1py": Ref(_sp("xlog1py"), -5, 5, -0.99, 5, special=(0.0,)),
    # A result near 0 cancels max(a, b) against the log1p term, in float32 in PyTorch too.
    "logaddexp": Ref(np.logaddexp, -20, 20, xslack=4),
    "logaddexp2": Ref(np.logaddexp2, -20, 20, xslack=4),
    "heaviside": Ref(_heaviside, -2, 2, special=(0.0, -0.0), ints=(-2, 2)),
    "nextafter": Ref(np.nextafter, native=True),
    "ldexp": Ref(lambda x, y: x * np.exp2(y), -5, 5, -5, 5),
    "gcd": Ref(np.gcd, ints=(-11, 11)),
    "lcm": Ref(np.lcm, ints=(0, 11)),
    "igamma": Ref(_sp("gammainc"), 0.1, 10, 0.01, 15, nograd_a=True),
    "igammac": Ref(_sp("gammaincc"), 0.1, 10, 0.01, 15, nograd_a=True),
    "special_zeta": Ref(_sp("zeta"), 1.1, 6, 0.1, 5, nograd_a=True),
    "special_chebyshev_polynomial_t": Ref(_poly("chebyt"), -1, 1, 0, 9, ints=(-1, 6)),
    "special_chebyshev_polynomial_u": Ref(_poly("chebyu"), -1, 1, 0, 9, ints=(-1, 6)),
    "special_chebyshev_polynomial_v": Ref(_chebyshev_vw("v"), -1, 1, 0, 9, ints=(-1, 6)),
    "special_chebyshev_polynomial_w": Ref(_chebyshev_vw("w"), -1, 1, 0, 9, ints=(-1, 6)),
    "special_shifted_chebyshev_polynomial_t": Ref(lambda x, n: _poly("chebyt")(2 * x - 1, n), 0, 1, 0, 9, ints=(-1, 6)),
    "special_shifted_chebyshev_polynomial_u": Ref(lambda x, n: _poly("chebyu")(2 * x - 1, n), 0, 1, 0, 9, ints=(-1, 6)),
    "special_shifted_chebyshev_polynomial_v": Ref(lambda x, n: _chebyshev_vw("v")(2 * x - 1, n), 0, 1, 0, 9, ints=(-1, 6)),
    "special_shifted_chebyshev_polynomial_w": Ref(lambda x, n: _chebyshev_vw("w")(2 * x - 1, n), 0, 1, 0, 9, ints=(-1, 6)),
    # Near a root the recurrence cancels terms up to ~1e4 (any implementation: SciPy's and PyTorch's too).
    "special_hermite_polynomial_h": Ref(_poly("hermite"), -3, 3, 0, 9, ints=(-1, 6), xslack=1e5),
    "special_hermite_polynomial_he": Ref(_poly("hermitenorm"), -3, 3, 0, 9, ints=(-1, 6), xslack=1e3),
    "special_laguerre_polynomial_l": Ref(_poly("laguerre"), 0, 5, 0, 9, ints=(-1, 6), xslack=1e3),
    "special_legendre_polynomial_p": Ref(_poly("legendre"), -1, 1, 0, 9, ints=(-1, 6)),
})

# ---- speednn2: the elementwise loss terms (reached through nn.functional's native activation binding) ----
import rtorch as _rt  # noqa: E402

UNARY.update({
    "smooth_l1": Ref(lambda x: np.where(np.abs(x) < 0.75, 0.5 * x * x / 0.75, np.abs(x) - 0.375), -3, 3,
                     call=lambda x: _rt._rtorch._activation(x, "smooth_l1", 0.75), special=(0.0, 1e-3, 2.0)),
})

REFS = {"unary": UNARY, "binary": BINARY}


def ref_of(d) -> Optional[Ref]:
    """The test entry of declaration row `d` (a dict from ``_rtorch._declarations()``)."""
    return REFS[d["family"]].get(d["id"])


def call_of(d) -> Callable:
    """A callable reaching row `d`'s kernel: ``f(x)`` or ``f(x, y)``."""
    r = ref_of(d)
    if r is not None and r.call is not None:
        return r.call
    name = d["names"][0][0]
    if d["family"] == "unary":
        return lambda x: getattr(x, name)()
    return lambda x, y: getattr(x, name)(y)


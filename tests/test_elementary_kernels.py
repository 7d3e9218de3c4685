"""The elementary float32 kernels made fast in session 7 (issue 20): pow's chunked exact-integer path, the
division-free log1p (softplus, logaddexp, atanh, mish build on it), the bit-level frexp, the vectorised integer
sign, and the AVX-512 frame of the compute-bound loops (bit-identical to the AVX2 frame: compared against a
subprocess run with RTORCH_SIMD=avx2). Tails past the vector width and the threading grain, transposed and
broadcast operands, 1 and 2 threads."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# 70000 + 13 elements: past the threading grain (32768), a tail past the 16-lane vectors and pow's 1024 chunks.
N = 70013


def ulp_error(got, want):
    """Largest error of float32 `got` against float64 `want`, in float32 ulps of the result (NaNs must agree)."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    got, want = got[ok], want[ok]
    # results that overflow float32 must be the infinity of that sign
    over = np.isinf(want.astype(np.float32))
    assert np.array_equal(got[over], want[over].astype(np.float32))
    got, want = got[~over], want[~over]
    same = (got == want)
    ulp = np.maximum(np.abs(want.astype(np.float32)).astype(np.float64), np.finfo(np.float32).tiny) * 2.0 ** -23
    return float(np.max(np.where(same, 0.0, np.abs(got - want) / ulp), initial=0.0))


@pytest.mark.parametrize("threads", [1, 2])
def test_pow_exact_integer_chunks_and_fractional_chunks(threads, rng):
    # Mostly fractional exponents; small integers planted at chunk edges (1023, 1024, 2047), in the tail and
    # in a whole chunk: those elements must be exact (3^5 = 243), the others within a few ulp.
    y = rng.uniform(-2, 2, N).astype(np.float32)
    x = rng.uniform(0.1, 3, N).astype(np.float32)
    planted = np.array([5, 1023, 1024, 2047, 40960, N - 1, N - 7])
    y[planted] = [5, 3, -2, 7, 2, 10, 64]
    x[planted] = [3, 7, 4, 3, 1.5, 2, 1.25]
    y[4096:5120] = rng.integers(-20, 21, 1024)
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        got = rtorch.tensor(x).pow(rtorch.tensor(y)).numpy()
    finally:
        rtorch.set_num_threads(old)
    want = np.power(x.astype(np.float64), y.astype(np.float64))
    exact = np.concatenate([planted, np.arange(4096, 5120)])
    assert np.array_equal(got[exact], want[exact].astype(np.float32))
    assert got[5] == 243.0 and got[1023] == 343.0 and got[2047] == 2187.0
    assert ulp_error(got, want) <= 4


def test_pow_layouts_and_special_values(rng):
    x = rng.uniform(0.1, 3, (300, 257)).astype(np.float32)
    y = rng.uniform(-2, 2, (300, 257)).astype(np.float32)
    xt, yt = rtorch.tensor(x), rtorch.tensor(y)
    want = np.power(x.astype(np.float64), y.astype(np.float64))
    assert ulp_error(xt.pow(yt).numpy(), want) <= 4
    # transposed operands, a broadcast row of exponents (with an integer in it), a 0-sized dim
    assert ulp_error(xt.t().pow(yt.t()).numpy(), want.T) <= 4
    row = y[0].copy()
    row[100] = 3.0
    got = xt.pow(rtorch.tensor(row)).numpy()
    assert np.array_equal(got[:, 100], (x[:, 100].astype(np.float64) ** 3).astype(np.float32))
    assert ulp_error(got, np.power(x.astype(np.float64), row.astype(np.float64))) <= 4
    assert rtorch.zeros(0, 5).pow(rtorch.zeros(0, 5)).shape == (0, 5)
    # C99's special values, with fractional and integer exponents in the same call
    inf, nan = np.inf, np.nan
    bx = np.array([-2, -2, -2, 0, -0.0, -0.0, inf, -inf, -inf, 0.5, 0.5, 1, nan, -1, 2, 2, -8, 1e-45, 3e38, 0.5],
                  np.float32)
    by = np.array([3, 2, 0.5, -1, -1, 3, -2, 3, 2.5, inf, -inf, nan, 0, inf, 128, -149, 1 / 3, 0.5, 1.5, 200.5],
                  np.float32)
    with np.errstate(all="ignore"):
        want = np.power(bx.astype(np.float64), by.astype(np.float64)).astype(np.float32)
    got = rtorch.tensor(bx).pow(rtorch.tensor(by)).numpy()
    assert ulp_error(got, want) <= 4, (got, want)
    exact = ~np.isnan(want) & ((want == 0) | np.isinf(want) | (np.abs(by) == np.inf) | (by == np.round(by)))
    assert np.array_equal(got[exact], want[exact]), (got, want)
    assert np.array_equal(np.signbit(got[~np.isnan(want)]), np.signbit(want[~np.isnan(want)]))


# (exponent, ulp bound): fractional exponents through pow_real_f32 (its error grows with |y ln x|: 65 and 100
# reach ~8 ulp near the ends of the range), integers up to 64 square-and-multiply in f64 rounded once.
@pytest.mark.parametrize("e, bound", [(1.5, 4), (2.7, 4), (-0.3, 4), (100.0, 10), (65.0, 10), (20.0, 0.5),
                                      (-30.0, 0.5), (7.0, 0.5)])
def test_pow_scalar_fractional_and_large_exponents(e, bound, rng):
    x = rng.uniform(0.1, 3, N).astype(np.float32)
    x[:4] = [0.0, np.inf, 1.0, 2.0]
    with np.errstate(all="ignore"):
        want = np.power(x.astype(np.float64), e)
    t = rtorch.tensor(x)
    assert ulp_error((t ** e).numpy(), want) <= bound
    assert ulp_error(t.view(70013, 1).expand(70013, 2).t().pow(e).numpy(), np.stack([want, want])) <= bound


def test_log1p_accuracy_and_special_values():
    # a dense log grid over both signs plus the edges of the 2^-e scaling (u near powers of two, x above 2^100)
    pos = np.geomspace(1e-38, 3.4e38, 200001)
    neg = -np.geomspace(1e-38, 1 - 2 ** -24, 100001)
    near = np.concatenate([np.float32(2.0) ** k * np.array([0.7071067, 0.7071068, 0.999999, 1.0, 1.000001])
                           for k in range(-24, 128)]) - 1
    x = np.concatenate([pos, neg, near, [1.2676506e30, 1.2676507e30, 3.4028235e38]]).astype(np.float32)
    x = x[np.isfinite(x) & (x > -1)]
    got = rtorch.tensor(x).log1p().numpy()
    assert ulp_error(got, np.log1p(x.astype(np.float64))) <= 1.0
    s = np.array([0.0, -0.0, -1.0, -2.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45], np.float32)
    got = rtorch.tensor(s).log1p().numpy()
    with np.errstate(all="ignore"):
        want = np.log1p(s)
    assert np.array_equal(got, want, equal_nan=True) and np.signbit(got[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_frexp_bits(dtype, rng):
    fi = np.finfo(dtype)
    x = np.concatenate([rng.standard_normal(N) * 10.0 ** rng.integers(-30, 30, N),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, fi.tiny, fi.tiny / 3, -fi.smallest_subnormal,
                         fi.max, -fi.max, 1.0, 0.5, -8.0, 0.75]]).astype(dtype)
    t = rtorch.tensor(x)
    wm, we = np.frexp(x)
    for v, m, e in ((t, wm, we), (t.view(-1, 1).expand(-1, 2).t(), np.stack([wm, wm]), np.stack([we, we]))):
        gm, ge = v.frexp()
        assert ge.dtype == rtorch.int32
        assert np.array_equal(gm.numpy(), m, equal_nan=True)
        assert np.array_equal(np.signbit(gm.numpy()), np.signbit(m))
        assert np.array_equal(ge.numpy(), e)
    em, ee = rtorch.zeros(0, dtype=rtorch.float32).frexp()
    assert em.shape == (0,) and ee.shape == (0,)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "bool"])
def test_integer_sign(dtype, rng):
    if dtype == "bool":
        x = rng.integers(0, 2, N).astype(bool)
    else:
        info = np.iinfo(dtype)
        x = rng.integers(info.min, int(info.max) + 1, N, dtype=dtype)
        x[:3] = [info.min, info.max, 0]
    got = rtorch.tensor(x).sign()
    want = x if dtype == "bool" else np.sign(x)
    assert np.array_equal(got.numpy(), want)
    if dtype != "bool":
        assert np.array_equal(rtorch.tensor(x.reshape(70013, 1)).expand(70013, 2).t().sign().numpy(),
                              np.stack([want, want]))


# Calls whose float32 results must not depend on the loop frame (AVX-512 or AVX2): the fma rows, pow, the
# guarded trig kernels and the activation backward kernels.
FRAME_CALLS = {
    "exp2": "x.exp2()", "log1p": "x.log1p()", "atanh": "(x / 31).atanh()", "expm1": "x.expm1()",
    "sigmoid": "x.sigmoid()", "silu": "F.silu(x)", "softplus": "F.softplus(x)", "mish": "F.mish(x)",
    "sin": "x.sin()", "tanh": "x.tanh()", "pow": "x.abs().pow(y)", "pow_int": "x.pow(y.round())",
    "pow15": "x.abs() ** 1.5", "logaddexp": "rtorch.logaddexp(x, y)", "logaddexp2": "rtorch.logaddexp2(x, y)",
    "hypot": "rtorch.hypot(x, y)", "frexp": "x.frexp()[0]", "atan2": "rtorch.atan2(x, y)",
    "gelu": "F.gelu(x)", "erf": "x.erf()",
}
FRAME_GRADS = ["sigmoid", "silu", "softplus", "mish", "logaddexp"]

_FRAME_SCRIPT = r"""
import json, sys
import numpy as np
import rtorch
import rtorch.nn.functional as F
rtorch.set_num_threads(int(sys.argv[1]))
rng = np.random.default_rng(7)
x0 = rng.uniform(-30, 30, 70013).astype(np.float32)
y0 = rng.uniform(-3, 3, 70013).astype(np.float32)
x0[::997] = np.nan
out = {}
for name, call in json.loads(sys.argv[2]).items():
    for lay in ("contig", "T"):
        x, y = rtorch.tensor(x0), rtorch.tensor(y0)
        if lay == "T":
            x, y = x[:70000].view(700, 100).t(), y[:70000].view(700, 100).t()
        out[name + " " + lay] = np.ascontiguousarray(eval(call).numpy()).view(np.uint32).tolist()
for name in json.loads(sys.argv[3]):
    x = rtorch.tensor(x0[:5000], requires_grad=True)
    y = rtorch.tensor(y0[:5000], requires_grad=True)
    r = eval(json.loads(sys.argv[2])[name])
    r.backward(rtorch.ones_like(r))
    out[name + " grad"] = x.grad.numpy().view(np.uint32).tolist()
print(json.dumps(out))
"""


def _frame_results(no_avx512, threads):
    env = dict(os.environ)
    env.pop("RTORCH_SIMD", None)
    if no_avx512:
        env["RTORCH_SIMD"] = "avx2"
    r = subprocess.run([sys.executable, "-c", _FRAME_SCRIPT, str(threads), json.dumps(FRAME_CALLS),
                        json.dumps(FRAME_GRADS)], capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_avx512_frame_is_bit_identical_to_avx2():
    # On a CPU without AVX-512 both runs take the AVX2 frame: the test then checks determinism only.
    wide, narrow = _frame_results(False, 2), _frame_results(True, 1)
    assert wide.keys() == narrow.keys()
    bad = [k for k in wide if wide[k] != narrow[k]]
    assert not bad, bad

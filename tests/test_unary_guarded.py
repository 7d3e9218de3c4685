"""The guarded unary kernels (src/cpu/unary.rs `map1_guarded`): sin/cos/tan/sinc and polygamma pick the vectorised
float32 kernel or the scalar fallback per chunk of 1024 elements (no pre-pass over the input); every layout, chunk
boundary and thread count must give the same values as the float64 reference."""

import numpy as np
import pytest

import rtorch

CHUNK = 1024  # src/cpu/unary.rs GUARD_CHUNK
GRAIN = 1 << 15  # src/cpu/iter.rs: elementwise work splits over threads above this many elements
LIMIT = 6.0e6  # src/cpu/math.rs TRIG_FAST_LIMIT: the float32 polynomials' reduction holds up to here



def _sinc_ref(x):
    """PyTorch's sinc in the input's precision: sin(p) / p for the float32 product p = x * pi, 1 at 0."""
    p = (x.astype(np.float32) * np.float32(np.pi)).astype(np.float64)
    with np.errstate(all="ignore"):
        return np.where(x == 0, 1.0, np.sin(p) / p)


# name: (rtorch function, float64 reference on the exact float32 inputs, ulp bound)
TRIG = {
    "sin": (rtorch.sin, np.sin, 2.0),
    "cos": (rtorch.cos, np.cos, 2.0),
    "tan": (rtorch.tan, np.tan, 3.0),
    "sinc": (rtorch.sinc, _sinc_ref, 3.0),
}


def _close(name, got, x):
    """Elementwise: within the op's ulp bound of the float64 reference (NaN where it is NaN)."""
    _, ref, ulps = TRIG[name]
    with np.errstate(all="ignore"):
        want = ref(x.astype(np.float64))
    got = got.astype(np.float64)
    tol = ulps * 2.0**-23 * np.maximum(np.abs(want), 2.0**-126)
    return (np.abs(got - want) <= tol) | (np.isnan(got) & np.isnan(want)) | (got == want)


def _mixed(n, seed, big_every):
    """Values inside the fast range, with a huge one (past LIMIT: the scalar path) every `big_every` elements, so
    some chunks take each path; the specials at both ends (tails past the SIMD width)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-50.0, 50.0, n).astype(np.float32)
    if big_every:
        x[::big_every] = rng.uniform(1e7, 1e30, len(x[::big_every])).astype(np.float32) * rng.choice([-1, 1])
    sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, LIMIT, -LIMIT, np.nextafter(np.float32(LIMIT), np.float32(np.inf))], np.float32)
    k = min(n, len(sp))
    x[:k] = sp[:k]
    x[n - k:] = sp[:k]
    return x


@pytest.mark.parametrize("name", sorted(TRIG))
@pytest.mark.parametrize("threads", [1, 2])
def test_trig_chunks_lengths_and_threads(name, threads):
    fn = TRIG[name][0]
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        for n in [1, 7, 9, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, GRAIN - 1, GRAIN + 1, 65537]:
            for big_every in [0, 5 * CHUNK + 3, 7]:
                x = _mixed(n, n, big_every)
                got = fn(rtorch.from_numpy(x)).numpy()
                ok = _close(name, got, x)
                assert ok.all(), (name, n, big_every, x[~ok][:4], got[~ok][:4])
    finally:
        rtorch.set_num_threads(old)


@pytest.mark.parametrize("name", sorted(TRIG))
def test_trig_transposed_and_strided_views(name):
    fn = TRIG[name][0]
    base = _mixed(300 * 257, 3, 4099).reshape(300, 257)
    t = rtorch.from_numpy(base)
    for view, arr in [(t.t(), base.T), (t[:, ::3], base[:, ::3]), (t[::-2, 1::2], base[::-2, 1::2]),
                      (t[:1].expand(40, 257), np.broadcast_to(base[:1], (40, 257)))]:
        got = fn(view)
        assert tuple(got.shape) == arr.shape
        ok = _close(name, got.contiguous().numpy(), np.ascontiguousarray(arr))
        assert ok.all(), (name, np.ascontiguousarray(arr)[~ok][:4])


@pytest.mark.parametrize("name", sorted(TRIG))
def test_trig_in_place_and_empty(name):
    fn = TRIG[name][0]
    x = _mixed(2 * CHUNK + 17, 5, 1500)
    if name != "sinc":
        t = rtorch.from_numpy(x.copy())
        getattr(t, name + "_")()
        assert _close(name, t.numpy(), x).all()
        # In place on a transposed view writes through it.
        m = rtorch.from_numpy(x[:64 * 32].copy().reshape(64, 32))
        getattr(m.t(), name + "_")()
        assert _close(name, m.numpy().T.ravel(), x[:64 * 32].reshape(64, 32).T.ravel()).all()
    for shape in [(0,), (3, 0), (0, 5)]:
        assert tuple(fn(rtorch.zeros(shape)).shape) == shape


def test_trig_results_do_not_depend_on_the_neighbours():
    """A huge element only moves its own chunk to the scalar path: every value equals the one computed alone."""
    x = np.random.default_rng(9).uniform(-20, 20, 4 * CHUNK).astype(np.float32)
    alone = rtorch.sin(rtorch.from_numpy(x)).numpy()
    y = x.copy()
    y[CHUNK + 5] = 1e20
    mixed = rtorch.sin(rtorch.from_numpy(y)).numpy()
    keep = np.arange(len(x)) != CHUNK + 5
    # The other chunks are bit-identical; the chunk with the huge value is libm's (within an ulp of the polynomial).
    assert (mixed[:CHUNK] == alone[:CHUNK]).all() and (mixed[2 * CHUNK:] == alone[2 * CHUNK:]).all()
    assert np.allclose(mixed[keep], alone[keep], rtol=3e-7, atol=3e-7)
    assert np.isclose(mixed[CHUNK + 5], np.sin(np.float64(np.float32(1e20))), rtol=1e-6)


@pytest.mark.parametrize("threads", [1, 2])
def test_polygamma_chunks_with_negatives(threads):
    """polygamma: chunks without negative elements take the float32 kernel, the others the float64 function."""
    sc = pytest.importorskip("scipy.special")
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for n in [CHUNK - 1, CHUNK + 1, GRAIN + 3]:
            x = rng.uniform(0.0, 30.0, n).astype(np.float32)
            x[n // 2] = -2.4570247  # one chunk goes to the float64 function
            for order in (1, 3):
                t = rtorch.from_numpy(x)
                for view, arr in [(t, x), (t[::-1], x[::-1])]:
                    got = rtorch.polygamma(order, view).numpy().astype(np.float64)
                    want = sc.polygamma(order, arr.astype(np.float64))
                    ok = np.abs(got - want) <= 3 * 2.0**-23 * np.abs(want)
                    assert ok.all(), (order, n, arr[~ok][:3], got[~ok][:3], want[~ok][:3])
    finally:
        rtorch.set_num_threads(old)

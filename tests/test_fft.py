"""torch.fft on rustfft: every function against numpy.fft (hypothesis over shapes, dims, n/s, norms, strided
inputs), result dtypes, PyTorch's errors and conventions (recorded fixtures), gradients against the exact
adjoint (finite differences of the NumPy reference), stft/istft, the kernel passes and several threads."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import _rtorch as _C
from torch_ref import catch, torch_ref

NORMS = [None, "backward", "ortho", "forward"]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10),
       np.complex64: dict(rtol=2e-4, atol=2e-4), np.complex128: dict(rtol=1e-10, atol=1e-10)}


def N(t):
    return t.detach().numpy()


def crand(rng, shape, dtype=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def close(actual, expected, dtype):
    a, e = N(actual), np.asarray(expected)
    assert a.shape == e.shape, (a.shape, e.shape)
    tol = dict(TOL[dtype])
    # Float32 transforms accumulate error ~ eps * log n * |x|; scale atol by the data's magnitude.
    tol["atol"] *= max(1.0, float(np.abs(e).max(initial=0.0)))
    np.testing.assert_allclose(a, e, **tol)


# ---------------------------------------------------------------------------- the kernel passes (real views)


def pairs(z):
    """The ``[*, 2]`` real view of complex ``z`` as a contiguous rtorch tensor."""
    return rtorch.tensor(np.ascontiguousarray(np.stack([z.real, z.imag], -1)))


def unpair(t):
    a = N(t)
    return a[..., 0] + 1j * a[..., 1]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 12, 13, 64, 97, 100])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_c2c_pass_matches_numpy(rng, n, dtype, num_threads):
    z = crand(rng, (3, n, 4), np.complex128)
    x = pairs(z).to(rtorch.float32 if dtype == np.float32 else rtorch.float64)
    for fwd in (True, False):
        for m in (n, n + 3, max(1, n // 2)):
            got = unpair(_C._fft_c2c(x, 1, m, m, fwd, 0.5, False))
            zz = z.astype(np.complex64 if dtype == np.float32 else np.complex128)
            want = (np.fft.fft(zz, m, axis=1) if fwd else np.fft.ifft(zz, m, axis=1) * m) * 0.5
            np.testing.assert_allclose(got, want, **{k: v * max(1, n) for k, v in TOL[dtype].items()})


def test_c2c_pass_output_resizing_and_real_parts(rng):
    z = crand(rng, (2, 6))
    got = N(_C._fft_c2c(pairs(z), 1, 6, 9, True, 1.0, True))
    want = np.concatenate([np.fft.fft(z, axis=1).real, np.zeros((2, 3))], 1)
    np.testing.assert_allclose(got, want, atol=1e-12)
    got = unpair(_C._fft_c2c(pairs(z), 1, 6, 4, False, 2.0, False))
    np.testing.assert_allclose(got, 2 * 6 * np.fft.ifft(z, axis=1)[:, :4], atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 7, 8, 31, 32])
def test_r2c_c2r_passes_match_numpy(rng, n, num_threads):
    x = rng.standard_normal((2, 3, n))
    for dim in (0, 1, 2):
        m = x.shape[dim]
        got = unpair(_C._fft_r2c(rtorch.tensor(x), dim, m, m // 2 + 1, 1.0, False, False))
        np.testing.assert_allclose(got, np.fft.rfft(x, axis=dim), atol=1e-10 * m)
        got = unpair(_C._fft_r2c(rtorch.tensor(x), dim, m, m // 2 + 1, 1.0, True, False))
        np.testing.assert_allclose(got, np.conj(np.fft.rfft(x, axis=dim)), atol=1e-10 * m)
        spec = np.fft.rfft(x, axis=dim)
        got = N(_C._fft_c2r(pairs(spec), dim, m, 1.0 / m, False))
        np.testing.assert_allclose(got, np.fft.irfft(spec, m, axis=dim), atol=1e-12)


def test_passes_refuse_bad_buffers():
    with pytest.raises(IndexError):
        _C._fft_c2c(rtorch.zeros(3, 2), 1, 3, 3, True, 1.0, False)
    with pytest.raises(RuntimeError, match="last dim 2"):
        _C._fft_c2c(rtorch.zeros(3, 3), 0, 3, 3, True, 1.0, False)
    with pytest.raises(RuntimeError, match="Invalid number of data points"):
        _C._fft_r2c(rtorch.zeros(3), 0, 0, 1, 1.0, False, False)
    with pytest.raises(TypeError):
        _C._fft_r2c(rtorch.zeros(3, dtype=rtorch.int64), 0, 3, 2, 1.0, False, False)


def test_passes_from_several_threads(rng):
    """Concurrent calls share the cached plans (one planner per dtype behind a lock)."""
    data = {n: crand(rng, (8, n)) for n in (5, 16, 17, 64, 243, 1000)}
    want = {n: np.fft.fft(z, axis=1) for n, z in data.items()}
    errors = []

    def work(k):
        try:
            for _ in range(5):
                for n in sorted(data, key=lambda v: (v * (k + 1)) % 7):
                    got = unpair(_C._fft_c2c(pairs(data[n]), 1, n, n, True, 1.0, False))
                    np.testing.assert_allclose(got, want[n], atol=1e-9)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[0]


# ------------------------------------------------------------------------------- the API against numpy.fft

C2C = {"fft": np.fft.fft, "ifft": np.fft.ifft, "fft2": np.fft.fft2, "ifft2": np.fft.ifft2, "fftn": np.fft.fftn,
       "ifftn": np.fft.ifftn}
R2C = {"rfft": np.fft.rfft, "rfft2": np.fft.rfft2, "rfftn": np.fft.rfftn, "ihfft": np.fft.ihfft}
C2R = {"irfft": np.fft.irfft, "irfft2": np.fft.irfft2, "irfftn": np.fft.irfftn, "hfft": np.fft.hfft}


def _np_hfftn(a, s=None, axes=None, norm=None):
    """hfftn as PyTorch defines it: irfftn of the conjugate with the forward/backward norms swapped."""
    swap = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]
    return np.fft.irfftn(np.conj(a), s=s, axes=axes, norm=swap)


def _np_ihfftn(a, s=None, axes=None, norm=None):
    swap = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]
    return np.conj(np.fft.rfftn(a, s=s, axes=axes, norm=swap))


ND = {"hfft2": _np_hfftn, "hfftn": _np_hfftn, "ihfft2": _np_ihfftn, "ihfftn": _np_ihfftn}
REAL_IN = {"rfft", "rfft2", "rfftn", "ihfft", "ihfft2", "ihfftn"}
ONE_D = {"fft", "ifft", "rfft", "irfft", "hfft", "ihfft"}
TWO_D = {"fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2"}
ALL = sorted({*C2C, *R2C, *C2R, *ND})


def _numpy_ref(name, x, n_or_s, dim, norm):
    if name in ONE_D:
        f = {**C2C, **R2C, **C2R}[name]
        return f(x, n=n_or_s, axis=dim, norm=norm)
    f = ND.get(name) or {**C2C, **R2C, **C2R}[name]
    return f(x, s=n_or_s, axes=dim, norm=norm)


def _input(rng, name, shape, dtype):
    real = {np.complex64: np.float32, np.complex128: np.float64}[dtype]
    return rng.standard_normal(shape).astype(real) if name in REAL_IN else crand(rng, shape, dtype)


def _view(x, kind):
    """``x`` as rtorch tensor: contiguous, a transposed view, or a strided slice."""
    if kind == "contiguous":
        return rtorch.tensor(x)
    if kind == "transposed":
        return rtorch.tensor(np.ascontiguousarray(np.swapaxes(x, 0, -1))).transpose(0, -1)
    big = np.repeat(x, 2, axis=-1)
    return rtorch.tensor(big)[..., ::2]


@st.composite
def cases(draw):
    name = draw(st.sampled_from(ALL))
    ndim = draw(st.integers(1, 3)) if name in ONE_D else draw(st.integers(2, 3))
    shape = draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, 7, 8, 11, 16]), min_size=ndim, max_size=ndim))
    if name in ONE_D:
        dim = draw(st.integers(-ndim, ndim - 1))
        dims = [dim % ndim]
    elif name in TWO_D:
        dims = draw(st.sampled_from([[ndim - 2, ndim - 1], [ndim - 1, 0], [0, ndim - 1]]))
        if dims[0] == dims[1]:
            dims = [ndim - 2, ndim - 1]
        dim = tuple(dims)
    else:
        perm = draw(st.permutations(range(ndim)))
        dims = list(perm[:draw(st.integers(1, ndim))])
        dim = tuple(dims)
    sizes = None
    if draw(st.booleans()):
        sizes = [draw(st.sampled_from([1, 2, 3, 6, 9, 13])) for _ in dims]
    c2r = name in C2R or name.startswith("hfft")
    if c2r and sizes is None and shape[dims[-1]] < 2:
        shape[dims[-1]] = 2  # the default length 2 * (m - 1) must be positive
    return name, tuple(shape), dim, sizes, draw(st.sampled_from(NORMS)), draw(
        st.sampled_from([np.complex64, np.complex128])), draw(st.sampled_from(["contiguous", "transposed", "slice"]))


@settings(max_examples=150, deadline=None)
@given(cases())
def test_every_function_matches_numpy(case):
    name, shape, dim, sizes, norm, dtype, view = case
    rng = np.random.default_rng(hash((name, shape)) % 2**32)
    x = _input(rng, name, shape, dtype)
    f = getattr(rtorch.fft, name)
    if name in ONE_D:
        n = None if sizes is None else sizes[0]
        got = f(_view(x, view), n=n, dim=dim, norm=norm)
        want = _numpy_ref(name, x.astype(np.complex128 if x.dtype.kind == "c" else np.float64), n, dim, norm)
    else:
        got = f(_view(x, view), s=sizes, dim=dim, norm=norm)
        want = _numpy_ref(name, x.astype(np.complex128 if x.dtype.kind == "c" else np.float64), sizes, dim, norm)
    out_complex = name in C2C or name in ("rfft", "rfft2", "rfftn", "ihfft", "ihfft2", "ihfftn")
    single = dtype == np.complex64
    want_dtype = ({True: rtorch.complex64, False: rtorch.complex128} if out_complex else
                  {True: rtorch.float32, False: rtorch.float64})[single]
    assert got.dtype == want_dtype
    close(got, want, np.complex64 if single else np.complex128)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 16, 17, 127, 128, 1000])
@pytest.mark.parametrize("norm", NORMS)
def test_1d_sizes_and_norms(rng, n, norm):
    z = crand(rng, (2, n))
    r = rng.standard_normal((2, n))
    close(rtorch.fft.fft(rtorch.tensor(z), norm=norm), np.fft.fft(z, norm=norm), np.complex128)
    close(rtorch.fft.ifft(rtorch.tensor(z), norm=norm), np.fft.ifft(z, norm=norm), np.complex128)
    close(rtorch.fft.rfft(rtorch.tensor(r), norm=norm), np.fft.rfft(r, norm=norm), np.complex128)
    close(rtorch.fft.ihfft(rtorch.tensor(r), norm=norm), np.fft.ihfft(r, norm=norm), np.complex128)
    spec = np.fft.rfft(r)
    for m in {n, n + 1, max(n - 1, 1)}:
        close(rtorch.fft.irfft(rtorch.tensor(spec), n=m, norm=norm), np.fft.irfft(spec, m, norm=norm), np.complex128)
        close(rtorch.fft.hfft(rtorch.tensor(spec), n=m, norm=norm), np.fft.hfft(spec, m, norm=norm), np.complex128)


def test_irfft_even_length_keeps_the_nyquist_bin(rng):
    """A dropped last bin (even n) or a wrong scale changes the signal: the exact values catch both."""
    x = rng.standard_normal(8)
    spec = np.fft.rfft(x)
    np.testing.assert_allclose(N(rtorch.fft.irfft(rtorch.tensor(spec))), x, atol=1e-12)
    spec[-1] += 3.0
    np.testing.assert_allclose(N(rtorch.fft.irfft(rtorch.tensor(spec))), np.fft.irfft(spec), atol=1e-12)


def test_float32_and_large_sizes(rng):
    z = crand(rng, (3, 4099), np.complex64)  # prime
    close(rtorch.fft.fft(rtorch.tensor(z)), np.fft.fft(z.astype(np.complex128)), np.complex64)
    r = rng.standard_normal((5, 4096)).astype(np.float32)
    close(rtorch.fft.rfft(rtorch.tensor(r)), np.fft.rfft(r.astype(np.float64)), np.complex64)


def test_result_dtypes():
    assert rtorch.fft.fft(rtorch.arange(4)).dtype == rtorch.complex64
    assert rtorch.fft.fft(rtorch.tensor([True, False])).dtype == rtorch.complex64
    assert rtorch.fft.fft(rtorch.ones(4, dtype=rtorch.float64)).dtype == rtorch.complex128
    assert rtorch.fft.rfft(rtorch.arange(4)).dtype == rtorch.complex64
    assert rtorch.fft.irfft(rtorch.ones(3)).dtype == rtorch.float32
    assert rtorch.fft.irfft(rtorch.ones(3, dtype=rtorch.complex128)).dtype == rtorch.float64
    assert rtorch.fft.hfft(rtorch.ones(3, dtype=rtorch.float64)).dtype == rtorch.float64
    assert rtorch.fft.fft(rtorch.zeros(0, 4)).shape == (0, 4)
    assert rtorch.fft.fftn(rtorch.ones(2, 3), dim=()).dtype == rtorch.complex64


def test_out_argument(rng):
    z = crand(rng, (3, 5))
    out = rtorch.empty(0, dtype=rtorch.complex128)
    r = rtorch.fft.fft(rtorch.tensor(z), out=out)
    assert r is out
    close(out, np.fft.fft(z), np.complex128)
    out = rtorch.empty(0, dtype=rtorch.float64)
    rtorch.fft.irfft(rtorch.tensor(z), out=out)
    close(out, np.fft.irfft(z), np.complex128)


ERRORS = {
    "n0": lambda lib, x, c: lib.fft.fft(x, n=0),
    "n_neg": lambda lib, x, c: lib.fft.fft(x, n=-1),
    "dim_oob": lambda lib, x, c: lib.fft.fft(x, dim=2),
    "norm": lambda lib, x, c: lib.fft.fft(x, norm="bad"),
    "half": lambda lib, x, c: lib.fft.fft(x.half()),
    "empty": lambda lib, x, c: lib.fft.fft(x[0, :0]),
    "zero_d": lambda lib, x, c: lib.fft.fft(x[0, 0]),
    "rfft_complex": lambda lib, x, c: lib.fft.rfft(c),
    "ihfft_complex": lambda lib, x, c: lib.fft.ihfft(c),
    "irfft_len1": lambda lib, x, c: lib.fft.irfft(c[:, :1]),
    "hfft_len1": lambda lib, x, c: lib.fft.hfft(c[:, :1]),
    "s_dim_len": lambda lib, x, c: lib.fft.fftn(x, s=(2,), dim=(0, 1)),
    "s_zero": lambda lib, x, c: lib.fft.fftn(x, s=(0, 3)),
    "dup_dim": lambda lib, x, c: lib.fft.fftn(x, dim=(0, 0)),
    "dims_oob": lambda lib, x, c: lib.fft.fftn(x, dim=(0, 5)),
    "s_too_long": lambda lib, x, c: lib.fft.fftn(x, s=(2, 2, 2)),
    "fft2_1d": lambda lib, x, c: lib.fft.fft2(x[0]),
    "rfftn_no_dim": lambda lib, x, c: lib.fft.rfftn(x, dim=()),
    "irfftn_no_dim": lambda lib, x, c: lib.fft.irfftn(c, dim=()),
    "hfftn_no_dim": lambda lib, x, c: lib.fft.hfftn(c, dim=()),
    "ihfftn_no_dim": lambda lib, x, c: lib.fft.ihfftn(x, dim=()),
    "out_dtype": lambda lib, x, c: lib.fft.fft(x, out=x.new_empty(0)),
    "n_float": lambda lib, x, c: lib.fft.fft(x, n=2.0),
    "fftfreq_int": lambda lib, x, c: lib.fft.fftfreq(4, dtype=lib.int64),
    "fftshift_dim": lambda lib, x, c: lib.fft.fftshift(x, dim=3),
    "fftshift_no_dims": lambda lib, x, c: lib.fft.fftshift(x, dim=()),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    def run(lib):
        x = lib.arange(20, dtype=lib.float32).reshape(4, 5)
        c = lib.fft.fft(x)
        return ERRORS[name](lib, x, c)

    ref = torch_ref(lambda torch: catch(lambda: run(torch)))
    with pytest.raises(Exception) as e:
        run(rtorch)
    assert type(e.value).__name__ == ref.type, (e.value, ref)
    assert str(e.value).splitlines()[0] == ref.message.splitlines()[0]


# ------------------------------------------------------------------------------- frequencies and shifts


@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("d", [1.0, 0.1, 3])
def test_fftfreq_rfftfreq(n, d):
    if n:
        np.testing.assert_allclose(N(rtorch.fft.fftfreq(n, d)), np.fft.fftfreq(n, d), rtol=1e-6)
    else:
        assert rtorch.fft.fftfreq(n, d).shape == (0,)
    if n:
        np.testing.assert_allclose(N(rtorch.fft.rfftfreq(n, d)), np.fft.rfftfreq(n, d), rtol=1e-6)
    else:  # 0 * (1 / 0): PyTorch's [nan]
        assert np.isnan(N(rtorch.fft.rfftfreq(n, d))).all() and rtorch.fft.rfftfreq(n, d).shape == (1,)
    assert rtorch.fft.fftfreq(n, d, dtype=rtorch.float64).dtype == rtorch.float64
    assert rtorch.fft.fftfreq(n).dtype == rtorch.get_default_dtype()


@pytest.mark.parametrize("shape", [(5,), (4, 7), (2, 3, 6), (0, 3)])
def test_shifts_match_numpy(rng, shape):
    x = rng.standard_normal(shape)
    for dim in [None, 0, -1, (0, -1)]:
        np.testing.assert_array_equal(N(rtorch.fft.fftshift(rtorch.tensor(x), dim)), np.fft.fftshift(x, dim))
        np.testing.assert_array_equal(N(rtorch.fft.ifftshift(rtorch.tensor(x), dim)), np.fft.ifftshift(x, dim))
    z = crand(rng, shape)
    np.testing.assert_array_equal(N(rtorch.fft.fftshift(rtorch.tensor(z))), np.fft.fftshift(z))


def test_fft_from_several_threads(rng):
    data = [crand(rng, (4, n)) for n in (7, 64, 100, 257)]
    errors = []

    def work():
        try:
            for _ in range(10):
                for z in data:
                    close(rtorch.fft.fft(rtorch.tensor(z)), np.fft.fft(z), np.complex128)
                    close(rtorch.fft.irfft(rtorch.tensor(z)), np.fft.irfft(z), np.complex128)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[0]


# ------------------------------------------------------------------------------------------------ gradients


def _adjoint(ref, x, g):
    """The gradient of ``<ref(x), g>`` (real inner product) w.r.t. ``x`` for the real-linear ``ref``,
    in PyTorch's convention (d/dRe + i d/dIm for complex ``x``), from ``ref`` at the unit vectors."""
    flat = x.reshape(-1)
    grad = np.zeros(flat.shape, dtype=x.dtype)
    for j in range(flat.size):
        for unit in ((1.0, 1j) if np.iscomplexobj(x) else (1.0,)):
            e = np.zeros(flat.shape, dtype=x.dtype)
            e[j] = unit
            y = ref(e.reshape(x.shape))
            grad[j] += unit * np.sum(np.real(np.conj(y) * g))
    return grad.reshape(x.shape)


GRAD_CASES = [
    ("fft", dict(), (2, 5)), ("fft", dict(n=7, norm="ortho"), (5,)), ("fft", dict(n=3, dim=0), (4, 2)),
    ("ifft", dict(norm="forward"), (6,)), ("ifft", dict(n=8), (2, 5)),
    ("fft2", dict(s=(3, 6)), (2, 4)), ("ifft2", dict(norm="ortho"), (3, 4)),
    ("fftn", dict(dim=(0, 2), s=(2, 5)), (3, 2, 4)), ("ifftn", dict(), (2, 3, 2)),
    ("rfft", dict(), (6,)), ("rfft", dict(n=9, norm="ortho"), (2, 5)), ("rfft", dict(n=4, dim=0), (7, 2)),
    ("irfft", dict(), (2, 5)), ("irfft", dict(n=7), (4,)), ("irfft", dict(n=10, norm="forward"), (3,)),
    ("irfft", dict(n=3), (6,)),
    ("rfft2", dict(s=(3, 5)), (2, 4)), ("irfft2", dict(), (3, 4)), ("rfftn", dict(norm="forward"), (2, 3, 4)),
    ("irfftn", dict(s=(2, 3, 6)), (2, 3, 3)),
    ("hfft", dict(), (5,)), ("hfft", dict(n=5, norm="ortho"), (2, 4)), ("ihfft", dict(), (7,)),
    ("ihfft", dict(n=6, norm="forward"), (2, 5)),
    ("hfft2", dict(), (3, 4)), ("ihfft2", dict(s=(2, 5)), (3, 4)), ("hfftn", dict(dim=(0, 1)), (3, 3, 2)),
    ("ihfftn", dict(), (2, 3, 4)),
]


def _np_call(name, kw):
    kw = dict(kw)
    if name in ONE_D:
        n, dim, norm = kw.get("n"), kw.get("dim", -1), kw.get("norm")
        return lambda a: _numpy_ref(name, a, n, dim, norm)
    s, dim, norm = kw.get("s"), kw.get("dim"), kw.get("norm")
    if dim is None and name in TWO_D:
        dim = (-2, -1)
    return lambda a: _numpy_ref(name, a, None if s is None else list(s), None if dim is None else list(dim), norm)


@pytest.mark.parametrize("name,kw,shape", GRAD_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(GRAD_CASES)])
def test_gradient_is_the_exact_adjoint(rng, name, kw, shape):
    x = rng.standard_normal(shape) if name in REAL_IN else crand(rng, shape)
    ref = _np_call(name, kw)
    y = ref(x)
    g = crand(rng, y.shape) if np.iscomplexobj(y) else rng.standard_normal(y.shape)
    xt = rtorch.tensor(x, requires_grad=True)
    out = getattr(rtorch.fft, name)(xt, **kw)
    close(out, y, np.complex128)
    out.backward(rtorch.tensor(g))
    np.testing.assert_allclose(N(xt.grad), _adjoint(ref, x, g), atol=1e-10, rtol=1e-10)


def test_gradient_of_a_real_input_to_a_complex_transform(rng):
    x = rng.standard_normal((3, 4))
    g = crand(rng, (3, 4))
    xt = rtorch.tensor(x, requires_grad=True)
    rtorch.fft.fft2(xt).backward(rtorch.tensor(g))
    np.testing.assert_allclose(N(xt.grad), _adjoint(np.fft.fft2, x, g), atol=1e-10)


def test_gradcheck_fft_family(rng):
    from rtorch.autograd import gradcheck
    x = rtorch.tensor(crand(rng, (2, 5)), requires_grad=True)
    r = rtorch.tensor(rng.standard_normal((2, 6)), requires_grad=True)
    assert gradcheck(lambda a: rtorch.fft.fft(a, n=6, norm="ortho"), (x,))
    assert gradcheck(lambda a: rtorch.fft.irfft(a, n=7), (x,))
    assert gradcheck(lambda a: rtorch.fft.rfft(a, norm="forward"), (r,))
    assert gradcheck(lambda a: rtorch.fft.ihfft(a), (r,))


def test_double_backward_fft(rng):
    x = rtorch.tensor(crand(rng, (5,)), requires_grad=True)
    g = rtorch.tensor(crand(rng, (5,)), requires_grad=True)
    (gx,) = rtorch.autograd.grad(rtorch.fft.fft(x), x, g, create_graph=True)
    # gx = adjoint(g) = n * ifft(g): linear in g, so its gradient w.r.t. g is again an adjoint.
    h = crand(rng, (5,))
    gx.backward(rtorch.tensor(h))
    np.testing.assert_allclose(N(gx), 5 * np.fft.ifft(N(g)), atol=1e-12)
    np.testing.assert_allclose(N(g.grad), _adjoint(lambda a: 5 * np.fft.ifft(a), N(g), h), atol=1e-10)


# ---------------------------------------------------------------------------------------------- stft / istft

STFT_CASES = {
    "default": dict(n_fft=16),
    "hann_hop": dict(n_fft=16, hop_length=5, window="hann"),
    "short_window": dict(n_fft=16, win_length=10, window="hann"),
    "no_center": dict(n_fft=8, center=False),
    "constant_pad_normalized": dict(n_fft=12, pad_mode="constant", normalized=True),
    "twosided": dict(n_fft=8, onesided=False, window="hann"),
}


def _stft(lib, sig, kw, batch):
    kw = dict(kw)
    if kw.get("window") == "hann":
        kw["window"] = lib.hann_window(kw.get("win_length", kw["n_fft"]), dtype=lib.float64)
    x = lib.tensor(sig) if lib is rtorch else lib.from_numpy(sig)
    return lib.stft(x if batch else x[0], return_complex=True, **kw)


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("name", sorted(STFT_CASES))
def test_stft_matches_torch(name, batch):
    sig = np.random.default_rng(1).standard_normal((2, 50))
    ref = torch_ref(lambda torch: _stft(torch, sig, STFT_CASES[name], batch))
    got = _stft(rtorch, sig, STFT_CASES[name], batch)
    assert got.dtype == rtorch.complex128
    np.testing.assert_allclose(N(got), ref, atol=1e-10)


def test_stft_return_complex_false_and_method(rng):
    sig = rng.standard_normal(40).astype(np.float32)
    a = rtorch.tensor(sig).stft(8, return_complex=False)
    b = rtorch.stft(rtorch.tensor(sig), 8, return_complex=True)
    assert a.shape == (5, 21, 2) and b.dtype == rtorch.complex64
    np.testing.assert_allclose(N(a), np.stack([N(b).real, N(b).imag], -1))


@pytest.mark.parametrize("name", ["default", "hann_hop", "short_window", "twosided"])
def test_istft_inverts_stft_and_matches_torch(name):
    sig = np.random.default_rng(2).standard_normal((2, 50))
    kw = dict(STFT_CASES[name])

    def roundtrip(lib):
        spec = _stft(lib, sig, kw, True)
        ikw = {k: v for k, v in kw.items() if k not in ("pad_mode",)}
        if ikw.get("window") == "hann":
            ikw["window"] = lib.hann_window(ikw.get("win_length", ikw["n_fft"]), dtype=lib.float64)
        return lib.istft(spec, length=50, **ikw)

    ref = torch_ref(lambda torch: roundtrip(torch))
    got = roundtrip(rtorch)
    np.testing.assert_allclose(N(got), ref, atol=1e-10)
    np.testing.assert_allclose(N(got), sig, atol=1e-10)


def test_stft_gradient(rng):
    sig = rtorch.tensor(rng.standard_normal(30), requires_grad=True)
    spec = rtorch.stft(sig, 8, window=rtorch.hann_window(8, dtype=rtorch.float64), return_complex=True)
    g = crand(rng, tuple(spec.shape))
    spec.backward(rtorch.tensor(g))

    def ref(a):
        return N(rtorch.stft(rtorch.tensor(a), 8, window=rtorch.hann_window(8, dtype=rtorch.float64),
                             return_complex=True))
    np.testing.assert_allclose(N(sig.grad), _adjoint(ref, N(sig), g), atol=1e-10)


STFT_ERRORS = {
    "no_return_complex": lambda lib: lib.stft(lib.ones(100), 16),
    "window_size": lambda lib: lib.stft(lib.ones(100), 16, window=lib.ones(5), return_complex=True),
    "n_fft_too_big": lambda lib: lib.stft(lib.ones(10), 32, center=False, return_complex=True),
    "three_d": lambda lib: lib.stft(lib.ones(2, 2, 10), 4, return_complex=True),
    "hop_zero": lambda lib: lib.stft(lib.ones(100), 16, hop_length=0, return_complex=True),
    "win_length": lambda lib: lib.stft(lib.ones(100), 16, win_length=20, return_complex=True),
    "pad_mode": lambda lib: lib.stft(lib.ones(100), 16, pad_mode="bad", return_complex=True),
    "istft_real": lambda lib: lib.istft(lib.ones(9, 5), 16),
    "istft_onesided_complex": lambda lib: lib.istft(lib.ones(9, 5, dtype=lib.complex64), 16, return_complex=True),
}


@pytest.mark.parametrize("name", sorted(STFT_ERRORS))
def test_stft_errors_match_torch(name):
    ref = torch_ref(lambda torch: catch(lambda: STFT_ERRORS[name](torch)))
    with pytest.raises(Exception) as e:
        STFT_ERRORS[name](rtorch)
    assert type(e.value).__name__ == ref.type, (e.value, ref)
    assert str(e.value).splitlines()[0] == ref.message.splitlines()[0]

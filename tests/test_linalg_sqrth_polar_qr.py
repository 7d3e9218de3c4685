"""torch.linalg.matrix_sqrth and polar (X X - A, ||UH - A||, orthogonality vs SciPy; Sylvester/SVD-based gradients),
and the legacy torch.geqrf / torch.ormqr (LAPACK's packed form vs SciPy's dgeqrf/zgeqrf, consistency with
linalg.householder_product, ormqr's four modes and gradient), with PyTorch's errors and recorded parity."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import linalg as LA
from rtorch.autograd import gradcheck, gradgradcheck
from torch_ref import catch, torch_ref

scipy_linalg = pytest.importorskip("scipy.linalg")
lapack = pytest.importorskip("scipy.linalg.lapack")

EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps,
       np.complex64: np.finfo(np.float32).eps, np.complex128: np.finfo(np.float64).eps}


def T(a, requires_grad=False):
    return rtorch.tensor(np.ascontiguousarray(a), requires_grad=requires_grad)


def N(t):
    return t.detach().numpy()


def rand(rng, shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def spd(rng, batch, n, dtype=np.float64, cond=None):
    a = rand(rng, (*batch, n, n), dtype)
    if cond is not None:
        q, _ = np.linalg.qr(a)
        s = np.logspace(0, -np.log10(cond), n)
        return (q * s[..., None, :] @ np.swapaxes(q, -1, -2)).astype(dtype)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


# ------------------------------------------------------------------------------------------- matrix_sqrth


@settings(max_examples=30, deadline=None)
@given(n=st.sampled_from([0, 1, 2, 3, 6, 11]), batch=st.sampled_from([(), (2,), (2, 1), (0,)]),
       dtype=st.sampled_from([np.float32, np.float64]), cond=st.sampled_from([None, 1e6]),
       seed=st.integers(0, 2**31 - 1))
def test_sqrth_residual(n, batch, dtype, cond, seed):
    rng = np.random.default_rng(seed)
    a = spd(rng, batch, n, dtype, cond)
    x = N(LA.matrix_sqrth(T(a)))
    assert x.shape == a.shape and x.dtype == dtype
    if a.size == 0:
        return
    np.testing.assert_allclose(x, np.swapaxes(x, -1, -2), atol=100 * EPS[dtype] * np.abs(x).max())
    r = np.linalg.norm(x @ x - a, axis=(-2, -1)) / np.linalg.norm(a, axis=(-2, -1))
    ref = np.stack([scipy_linalg.sqrtm(m.astype(np.float64)) for m in a.reshape(-1, n, n)]).reshape(a.shape)
    rs = np.linalg.norm(ref @ ref - a, axis=(-2, -1)) / np.linalg.norm(a, axis=(-2, -1))
    assert r.max() <= 10 * rs.max() + 200 * EPS[dtype] * n, (r.max(), rs.max())


def test_sqrth_reads_lower_triangle_and_clamps():
    a = T(np.array([[4.0, np.nan], [0.0, 9.0]]))
    np.testing.assert_allclose(N(LA.matrix_sqrth(a)), [[2.0, 0.0], [0.0, 3.0]])
    # Indefinite: negative eigenvalues clamp to 0 (PyTorch's result).
    ref = torch_ref(lambda torch: torch.linalg.matrix_sqrth(torch.tensor([[1.0, 2.0], [2.0, 1.0]])))
    np.testing.assert_allclose(N(LA.matrix_sqrth(T(np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)))), ref,
                               atol=1e-6)


def test_sqrth_grad():
    # At the identity (all eigenvalues repeated) the gradient is finite: PyTorch's 0.5 * ones.
    x = rtorch.eye(3, dtype=rtorch.float64, requires_grad=True)
    LA.matrix_sqrth(x).sum().backward()
    np.testing.assert_allclose(N(x.grad), 0.5 * np.ones((3, 3)))
    assert LA.matrix_sqrth(x).grad_fn.name() == "LinalgMatrixSqrthBackward0"
    rng = np.random.default_rng(0)
    b = T(rng.standard_normal((2, 3, 3)), requires_grad=True)

    def f(m):
        return LA.matrix_sqrth(m @ m.mT + 3 * rtorch.eye(3, dtype=m.dtype))

    assert gradcheck(f, (b,))
    assert gradgradcheck(f, (b,))


# ----------------------------------------------------------------------------------------------------- polar


@settings(max_examples=30, deadline=None)
@given(mn=st.sampled_from([(0, 0), (1, 1), (3, 3), (5, 3), (8, 2), (4, 0)]), batch=st.sampled_from([(), (3,)]),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**31 - 1))
def test_polar_residuals(mn, batch, dtype, seed):
    m, n = mn
    rng = np.random.default_rng(seed)
    a = rand(rng, (*batch, m, n), dtype)
    U, H = LA.polar(T(a))
    U, H = N(U), N(H)
    assert U.shape == a.shape and H.shape == (*batch, n, n)
    if a.size == 0:
        return
    tol = 100 * EPS[dtype] * max(m, n)
    assert np.linalg.norm(U @ H - a) <= tol * np.linalg.norm(a) * 10
    np.testing.assert_allclose(np.swapaxes(U, -1, -2) @ U, np.broadcast_to(np.eye(n), H.shape), atol=tol)
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), atol=tol * np.abs(H).max())
    for ai, ui, hi in zip(a.reshape(-1, m, n), U.reshape(-1, m, n), H.reshape(-1, n, n)):
        us, hs = scipy_linalg.polar(ai.astype(np.float64))
        np.testing.assert_allclose(ui, us, atol=1e3 * EPS[dtype])
        np.testing.assert_allclose(hi, hs, atol=1e3 * EPS[dtype] * max(1, np.abs(hs).max()))


def test_polar_grad_and_errors(rng):
    a = T(rng.standard_normal((2, 4, 3)), requires_grad=True)
    assert gradcheck(lambda m: tuple(LA.polar(m)), (a,))
    assert gradgradcheck(lambda m: tuple(LA.polar(m)), (a,))
    # Orthogonal input (all singular values 1): still a finite gradient.
    q = T(np.linalg.qr(rng.standard_normal((3, 3)))[0], requires_grad=True)
    assert gradcheck(lambda m: tuple(LA.polar(m)), (q,))
    assert LA.polar(a).U.grad_fn.name() == "LinalgPolarBackward0"
    with pytest.raises(RuntimeError, match="at least as many rows"):
        LA.polar(rtorch.zeros(2, 3))


def test_polar_matches_torch_grad():
    a = np.array([[2.0, 1.0], [0.5, -1.0], [1.0, 3.0]])
    ref = torch_ref(lambda torch: (lambda x: torch.autograd.grad(
        (lambda r: (r.U * torch.arange(6.0, dtype=x.dtype).reshape(3, 2)).sum() + r.H[0, 1] * 3)(
            torch.linalg.polar(x)), x)[0])(torch.tensor(a, requires_grad=True)))
    x = T(a, requires_grad=True)
    r = LA.polar(x)
    (g,) = rtorch.autograd.grad((r.U * rtorch.arange(6.0, dtype=x.dtype).reshape(3, 2)).sum() + r.H[0, 1] * 3, x)
    np.testing.assert_allclose(N(g), ref, atol=1e-10)


# ----------------------------------------------------------------------------------------------- geqrf / ormqr


@settings(max_examples=40, deadline=None)
@given(mn=st.sampled_from([(0, 0), (1, 1), (3, 3), (5, 3), (3, 5), (7, 1), (2, 0)]),
       batch=st.sampled_from([(), (2,), (2, 2)]),
       dtype=st.sampled_from([np.float32, np.float64, np.complex64, np.complex128]),
       transposed=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_geqrf_matches_lapack(mn, batch, dtype, transposed, seed):
    m, n = mn
    rng = np.random.default_rng(seed)
    a = rand(rng, (*batch, m, n), dtype)
    x = T(np.swapaxes(a, -1, -2).copy()).mT if transposed else T(a)
    qa, tau = rtorch.geqrf(x)
    qa, tau = N(qa), N(tau)
    assert qa.shape == a.shape and tau.shape == (*batch, min(m, n))
    f = lapack.get_lapack_funcs("geqrf", (a,))
    tol = 100 * EPS[dtype] * max(m, n, 1) * max(1.0, float(np.abs(a).max()) if a.size else 1.0)
    for ai, qi, ti in zip(a.reshape(-1, m, n) if a.size else [], qa.reshape(-1, m, n) if a.size else [],
                          tau.reshape(-1, min(m, n)) if a.size else []):
        if m and n:
            ql, tl, _, _ = f(ai)
            np.testing.assert_allclose(qi, ql, atol=tol)
            np.testing.assert_allclose(ti, tl, atol=tol)
    # Q R = A with Q from householder_product (real: the existing op) or ormqr (any dtype).
    if a.size and m >= n:
        R = np.triu(qa)[..., :n, :]
        Q = N(rtorch.ormqr(T(qa), T(tau), T(np.broadcast_to(np.eye(m, n, dtype=dtype), a.shape))))
        np.testing.assert_allclose(Q @ R, a, atol=tol * 10)
        if not np.issubdtype(dtype, np.complexfloating):
            np.testing.assert_allclose(N(LA.householder_product(T(qa), T(tau))), Q, atol=tol * 10)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
def test_ormqr_modes(dtype, left, transpose, rng):
    a = rand(rng, (2, 5, 3), dtype)
    qa, tau = rtorch.geqrf(T(a))
    Q = N(rtorch.ormqr(qa, tau, T(np.broadcast_to(np.eye(5, dtype=dtype), (2, 5, 5)))))
    np.testing.assert_allclose(np.conj(np.swapaxes(Q, -1, -2)) @ Q, np.broadcast_to(np.eye(5), Q.shape), atol=1e-12)
    c = rand(rng, (2, 5, 4) if left else (2, 4, 5), dtype)
    Qm = np.conj(np.swapaxes(Q, -1, -2)) if transpose else Q
    want = Qm @ c if left else c @ Qm
    got = N(qa.ormqr(tau, T(c), left, transpose))
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_ormqr_grad_and_geqrf_not_differentiable(rng):
    a = T(rng.standard_normal((4, 3)), requires_grad=True)
    tau = T(rng.standard_normal(3), requires_grad=True)
    c = T(rng.standard_normal((4, 2)), requires_grad=True)
    assert gradcheck(lambda x, t, y: rtorch.ormqr(x, t, y, True, True), (a, tau, c))
    assert gradcheck(lambda x, t, y: rtorch.ormqr(x, t, y.mT, False, False), (a, tau, c))
    r = rtorch.geqrf(a)
    with pytest.raises(RuntimeError, match="derivative for 'geqrf' is not implemented"):
        r.a.sum().backward()


def test_geqrf_ormqr_match_torch():
    a = np.array([[3.0, 1.0], [4.0, 2.0], [0.0, 5.0]], dtype=np.float32)
    c = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], dtype=np.float32)
    ref = torch_ref(lambda torch: (tuple(torch.geqrf(torch.from_numpy(a))),
                                   torch.ormqr(*torch.geqrf(torch.from_numpy(a)), torch.from_numpy(c), False, True)))
    qa, tau = rtorch.geqrf(T(a))
    np.testing.assert_allclose(N(qa), ref[0][0], atol=1e-5)
    np.testing.assert_allclose(N(tau), ref[0][1], atol=1e-5)
    np.testing.assert_allclose(N(rtorch.ormqr(qa, tau, T(c), False, True)), ref[1], atol=1e-5)


ERRORS = {
    "sqrth_not_square": lambda t: t.linalg.matrix_sqrth(t.zeros(2, 3)),
    "sqrth_int": lambda t: t.linalg.matrix_sqrth(t.zeros(2, 2, dtype=t.int64)),
    "polar_wide": lambda t: t.linalg.polar(t.zeros(2, 3)),
    "polar_int": lambda t: t.linalg.polar(t.zeros(2, 2, dtype=t.int64)),
    "polar_vector": lambda t: t.linalg.polar(t.zeros(3)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    ref = torch_ref(lambda torch: catch(ERRORS[name], torch))
    try:
        ERRORS[name](rtorch)
    except Exception as e:  # noqa: BLE001
        assert type(e).__name__ == ref.type and str(e) == ref.message, (e, ref.message)
    else:
        raise AssertionError(f"no error, PyTorch raised {ref.type}: {ref.message}")


def test_geqrf_hostile_values_and_large():
    qa, tau = rtorch.geqrf(T(np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0]])))
    assert qa.shape == (3, 2) and tau.shape == (2,)
    # A tall matrix past the blocked size of LAPACK's geqrf (nb = 32): same factors as SciPy's.
    rng = np.random.default_rng(5)
    a = rng.standard_normal((80, 70))
    qa, tau = rtorch.geqrf(T(a))
    ql, tl, _, _ = lapack.dgeqrf(a)
    np.testing.assert_allclose(N(qa), ql, atol=1e-10)
    np.testing.assert_allclose(N(tau), tl, atol=1e-12)

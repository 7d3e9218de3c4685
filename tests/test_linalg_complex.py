"""Complex64/complex128 input to torch.linalg's factorizations and the ops composed from them: values and
output dtypes against NumPy (LAPACK), accuracy residuals (hypothesis: sizes 0 and 1, batches, non-contiguous
views, ill-conditioned input), complex128 gradchecks in PyTorch's conjugate-Wirtinger convention, PyTorch's
phase-dependence errors for svd/eigh, and a few PyTorch parity fixtures."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.autograd import gradcheck
from torch_ref import torch_ref

LA = rtorch.linalg
CDT = {np.complex64: rtorch.complex64, np.complex128: rtorch.complex128}
EPS = {np.complex64: np.finfo(np.float32).eps, np.complex128: np.finfo(np.float64).eps}


def crand(rng, shape, dtype=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def hpd(rng, n, batch=(), dtype=np.complex128):
    """A batch of well-conditioned Hermitian positive-definite matrices."""
    a = crand(rng, (*batch, n, n))
    return (a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)).astype(dtype)


def T(a, **kw):
    return rtorch.tensor(a, **kw)


def N(t):
    return t.detach().numpy()


def mH(a):
    return np.conj(np.swapaxes(a, -1, -2))


@pytest.fixture
def rng():
    return np.random.default_rng(18)


# ------------------------------------------------------------------------------------- values and dtypes


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_solve_inv_det_family_match_numpy(rng, dtype):
    a = crand(rng, (2, 4, 4), dtype) + 4 * np.eye(4, dtype=dtype)
    b = crand(rng, (2, 4, 3), dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-10)
    A, B = T(a), T(b)
    np.testing.assert_allclose(N(LA.solve(A, B)), np.linalg.solve(a, b), **tol)
    np.testing.assert_allclose(N(LA.solve(A, B[..., 0])), np.linalg.solve(a, b[..., :1])[..., 0], **tol)
    np.testing.assert_allclose(N(LA.solve(A, B.mT, left=False)), np.swapaxes(np.linalg.solve(np.swapaxes(a, -1, -2), b), -1, -2), **tol)
    np.testing.assert_allclose(N(LA.inv(A)), np.linalg.inv(a), **tol)
    np.testing.assert_allclose(N(rtorch.inverse(A)), np.linalg.inv(a), **tol)
    d = LA.det(A)
    assert d.dtype == CDT[dtype]
    np.testing.assert_allclose(N(d), np.linalg.det(a), **tol)
    np.testing.assert_allclose(N(rtorch.det(A)), np.linalg.det(a), **tol)
    sign, logabs = LA.slogdet(A)
    s_ref, l_ref = np.linalg.slogdet(a)
    assert sign.dtype == CDT[dtype] and logabs.dtype == (rtorch.float32 if dtype == np.complex64 else rtorch.float64)
    np.testing.assert_allclose(N(sign), s_ref, **tol)
    np.testing.assert_allclose(N(logabs), l_ref, **tol)
    ld = rtorch.logdet(A)
    assert ld.dtype == CDT[dtype]
    np.testing.assert_allclose(N(ld), np.log(np.linalg.det(a).astype(np.complex128)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(N(LA.matrix_power(A, -2)), np.linalg.matrix_power(np.linalg.inv(a), 2), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(N(LA.tensorinv(A[0].reshape(2, 2, 4), ind=2)), np.linalg.tensorinv(a[0].reshape(2, 2, 4), ind=2), **tol)
    np.testing.assert_allclose(N(LA.tensorsolve(A[0].reshape(4, 2, 2), B[0, :, 0])),
                               np.linalg.tensorsolve(a[0].reshape(4, 2, 2), b[0, :, 0]), **tol)
    # A singular complex matrix: det 0, slogdet sign 0 and -inf, solve raises LinAlgError.
    s = np.array([[1 + 1j, 2 - 1j], [2 + 2j, 4 - 2j]], dtype)
    assert abs(complex(LA.det(T(s)))) < 1e-5
    sg, la = LA.slogdet(T(s))
    assert complex(sg) == 0 and float(la) == -np.inf
    with pytest.raises(LA.LinAlgError, match="singular"):
        LA.inv(T(s))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_lu_family(rng, dtype):
    a = crand(rng, (3, 4, 4), dtype)
    b = crand(rng, (3, 4, 2), dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-10)
    A = T(a)
    P, L, U = LA.lu(A)
    assert P.dtype == L.dtype == U.dtype == CDT[dtype]
    np.testing.assert_allclose(N(P @ L @ U), a, **tol)
    assert np.all(np.abs(np.diagonal(N(L), 0, -2, -1)) == 1)
    LU, piv = LA.lu_factor(A)
    B = T(b)
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, B)), np.linalg.solve(a, b), **tol)
    # adjoint=True solves with the conjugate transpose; left=False solves X A = B (and X A^H = B).
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, B, adjoint=True)), np.linalg.solve(mH(a), b), **tol)
    bt = np.swapaxes(b, -1, -2)
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, T(bt), left=False)), bt @ np.linalg.inv(a), **tol)
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, T(bt), left=False, adjoint=True)), bt @ np.linalg.inv(mH(a)), **tol)
    np.testing.assert_allclose(N(rtorch.lu_solve(B, LU, piv)), np.linalg.solve(a, b), **tol)
    P2, L2, U2 = rtorch.lu_unpack(LU, piv)
    np.testing.assert_allclose(N(P2 @ L2 @ U2), a, **tol)
    # Wide and tall LU.
    w = crand(rng, (2, 5), dtype)
    P3, L3, U3 = LA.lu(T(w))
    np.testing.assert_allclose(N(P3 @ L3 @ U3), w, **tol)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_cholesky_family(rng, dtype):
    a = hpd(rng, 4, (2,), dtype)
    b = crand(rng, (2, 4, 3), dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-10)
    # Only one triangle is read: scribble over the other.
    lower_only = np.tril(a) + np.triu(crand(rng, (4, 4), dtype), 1)
    upper_only = np.triu(a) + np.tril(crand(rng, (4, 4), dtype), -1)
    L = LA.cholesky(T(lower_only))
    np.testing.assert_allclose(N(L), np.linalg.cholesky(a), **tol)
    U = LA.cholesky(T(upper_only), upper=True)
    np.testing.assert_allclose(N(U), mH(np.linalg.cholesky(a)), **tol)
    np.testing.assert_allclose(N(rtorch.cholesky(T(upper_only), upper=True)), N(U), **tol)
    np.testing.assert_allclose(N(LA.cholesky_ex(T(a)).info), [0, 0])
    np.testing.assert_allclose(N(rtorch.cholesky_solve(T(b), L)), np.linalg.solve(a, b), **tol)
    np.testing.assert_allclose(N(rtorch.cholesky_solve(T(b), U, upper=True)), np.linalg.solve(a, b), **tol)
    np.testing.assert_allclose(N(rtorch.cholesky_inverse(L)), np.linalg.inv(a), **tol)
    np.testing.assert_allclose(N(rtorch.cholesky_inverse(U, upper=True)), np.linalg.inv(a), **tol)
    # Not positive-definite: info names the failing minor, cholesky raises.
    bad = a.copy()
    bad[:, 2, 2] = -100
    np.testing.assert_array_equal(N(LA.cholesky_ex(T(bad)).info), [3, 3])
    with pytest.raises(LA.LinAlgError, match="order 3"):
        LA.cholesky(T(bad))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_triangular_solves(rng, dtype):
    a = crand(rng, (2, 4, 4), dtype) + 4 * np.eye(4, dtype=dtype)
    b = crand(rng, (2, 4, 3), dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-10)
    for upper in (True, False):
        tri = np.triu(a) if upper else np.tril(a)
        np.testing.assert_allclose(N(LA.solve_triangular(T(a), T(b), upper=upper)), np.linalg.solve(tri, b), **tol)
        unit = np.where(np.eye(4, dtype=bool), 1, tri)
        np.testing.assert_allclose(N(LA.solve_triangular(T(a), T(b), upper=upper, unitriangular=True)),
                                   np.linalg.solve(unit, b), **tol)
        bt = np.swapaxes(b, -1, -2)
        np.testing.assert_allclose(N(LA.solve_triangular(T(a), T(bt), upper=upper, left=False)), bt @ np.linalg.inv(tri), **tol)
        X, _ = rtorch.triangular_solve(T(b), T(a), upper=upper, transpose=True)
        np.testing.assert_allclose(N(X), np.linalg.solve(np.swapaxes(tri, -1, -2), b), **tol)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_decompositions_and_dtypes(rng, dtype):
    real = rtorch.float32 if dtype == np.complex64 else rtorch.float64
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-10, atol=1e-10)
    a = crand(rng, (2, 5, 3), dtype)
    for mode in ("reduced", "complete"):
        Q, R = LA.qr(T(a), mode=mode)
        assert Q.dtype == R.dtype == CDT[dtype]
        np.testing.assert_allclose(N(Q @ R), a, **tol)
        np.testing.assert_allclose(N(Q.mH @ Q), np.broadcast_to(np.eye(Q.shape[-1]), Q.shape[:-2] + (Q.shape[-1],) * 2), **tol)
        # LAPACK's convention: R's diagonal is real (its sign free).
        assert np.abs(np.diagonal(N(R), 0, -2, -1).imag).max() <= 1e-5
        np.testing.assert_allclose(np.abs(N(R)), np.abs(np.linalg.qr(a, mode=mode)[1]), **tol)
    np.testing.assert_allclose(N(LA.qr(T(a), mode="r").R), N(LA.qr(T(a)).R), **tol)
    Qo, Ro = rtorch.qr(T(a))
    np.testing.assert_allclose(N(Qo @ Ro), a, **tol)
    U, S, Vh = LA.svd(T(a), full_matrices=False)
    assert S.dtype == real and U.dtype == Vh.dtype == CDT[dtype]
    np.testing.assert_allclose(N(S), np.linalg.svd(a, compute_uv=False), **tol)
    np.testing.assert_allclose(N((U * S.unsqueeze(-2).to(U.dtype)) @ Vh), a, **tol)
    Uf, Sf, Vhf = LA.svd(T(a.swapaxes(-1, -2).copy()))
    np.testing.assert_allclose(N((Uf[..., :3] * Sf.unsqueeze(-2).to(Uf.dtype)) @ Vhf[..., :3, :]), a.swapaxes(-1, -2), **tol)
    np.testing.assert_allclose(N(Vhf @ Vhf.mH), np.broadcast_to(np.eye(5), (2, 5, 5)), **tol)
    Uo, So, Vo = rtorch.svd(T(a))
    np.testing.assert_allclose(N((Uo * So.unsqueeze(-2).to(Uo.dtype)) @ Vo.mH), a, **tol)
    assert LA.svdvals(T(a)).dtype == real
    h = hpd(rng, 4, (2,), dtype) - 6 * np.eye(4, dtype=dtype)
    w, V = LA.eigh(T(h))
    assert w.dtype == real and V.dtype == CDT[dtype]
    np.testing.assert_allclose(N(w), np.linalg.eigvalsh(h), **tol)
    np.testing.assert_allclose(N(V @ (w.unsqueeze(-1).to(V.dtype) * V.mH)), h, **tol)
    wu, Vu = LA.eigh(T(np.triu(h)), UPLO="U")
    np.testing.assert_allclose(N(wu), np.linalg.eigvalsh(h), **tol)
    np.testing.assert_allclose(N(Vu @ (wu.unsqueeze(-1).to(Vu.dtype) * Vu.mH)), h, **tol)
    assert LA.eigvalsh(T(h)).dtype == real
    np.testing.assert_allclose(N(LA.eigvalsh(T(np.triu(h)), UPLO="U")), np.linalg.eigvalsh(h), **tol)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_composed_ops(rng, dtype):
    real = rtorch.float32 if dtype == np.complex64 else rtorch.float64
    tol = dict(rtol=1e-3, atol=1e-4) if dtype == np.complex64 else dict(rtol=1e-9, atol=1e-9)
    a = crand(rng, (2, 4, 3), dtype)
    A = T(a)
    np.testing.assert_allclose(N(LA.pinv(A)), np.linalg.pinv(a), **tol)
    np.testing.assert_allclose(N(rtorch.pinverse(A)), np.linalg.pinv(a), **tol)
    h = hpd(rng, 3, (), dtype)
    np.testing.assert_allclose(N(LA.pinv(T(h), hermitian=True)), np.linalg.inv(h), **tol)
    assert int(LA.matrix_rank(T(np.outer(a[0, :, 0], a[0, 0, :])))) == 1
    assert N(LA.matrix_rank(A)).tolist() == [3, 3]
    assert int(LA.matrix_rank(T(h), hermitian=True)) == 3
    for ord in ("fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf):
        got = LA.matrix_norm(A, ord=ord)
        assert got.dtype == real
        np.testing.assert_allclose(N(got), np.linalg.norm(a, ord=ord, axis=(-2, -1)), **tol)
    sq = crand(rng, (2, 3, 3), dtype)
    for p in (None, 2, -2, "fro", "nuc", 1, np.inf):
        got = LA.cond(T(sq), p)
        assert got.dtype == real
        np.testing.assert_allclose(N(got), np.linalg.cond(sq, p), rtol=1e-3 if dtype == np.complex64 else 1e-8)
    b = crand(rng, (2, 4, 2), dtype)
    sol = LA.lstsq(A, T(b), driver="gelsd")
    for i in range(2):
        x, res, rank, sv = np.linalg.lstsq(a[i], b[i], rcond=None)
        np.testing.assert_allclose(N(sol.solution[i]), x, **tol)
        np.testing.assert_allclose(N(sol.residuals[i]), res, **tol)
    assert sol.residuals.dtype == real and sol.singular_values.dtype == real
    # matrix_exp: against the eigendecomposition of a diagonalizable matrix.
    m = crand(rng, (3, 3), dtype) * 0.7
    w, v = np.linalg.eig(m.astype(np.complex128))
    ref = v @ np.diag(np.exp(w)) @ np.linalg.inv(v)
    np.testing.assert_allclose(N(LA.matrix_exp(T(m))), ref, rtol=1e-4 if dtype == np.complex64 else 1e-9, atol=1e-5)
    # householder_product: H_i = I - tau v v^H, so Q from geqrf's reflectors is geqrf's Q.
    q = crand(rng, (5, 3), dtype)
    refl, tau = rtorch.geqrf(T(q))
    Qh = LA.householder_product(refl, tau)
    np.testing.assert_allclose(N(Qh @ Qh.mH @ T(q)), q, **tol)
    np.testing.assert_allclose(N(Qh.mH @ Qh), np.eye(3), **tol)


def test_float16_and_ints_still_refused():
    for dt, exc in ((rtorch.int64, NotImplementedError), (rtorch.float16, RuntimeError)):
        with pytest.raises(exc):
            LA.inv(rtorch.ones(2, 2, dtype=dt))
    with pytest.raises(RuntimeError, match="same dtype"):
        LA.solve(rtorch.eye(2, dtype=rtorch.complex128), rtorch.ones(2, dtype=rtorch.float64))


# ------------------------------------------------------------------------------- accuracy (hypothesis)


def _mat(seed, batch, m, n, dtype, noncontig, cond):
    rng = np.random.default_rng(seed)
    a = crand(rng, (*batch, m, n))
    if cond > 0 and min(m, n) > 1:
        # Scale singular values geometrically to condition number ~ 10^cond.
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        s = np.logspace(0, -cond, s.shape[-1])
        a = (u * s[..., None, :]) @ vh
    a = a.astype(dtype)
    if noncontig:
        t = T(np.ascontiguousarray(np.swapaxes(a, -1, -2))).mT  # a strided view, same values
        assert not t.is_contiguous() or min(m, n) <= 1
        return a, t
    return a, T(a)


shapes = st.tuples(st.sampled_from([(), (1,), (3,), (2, 2)]), st.integers(0, 6), st.integers(0, 6))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), shp=shapes, dtype=st.sampled_from([np.complex64, np.complex128]),
       noncontig=st.booleans(), cond=st.sampled_from([0, 0, 6]))
def test_residuals_within_lapack_multiple(seed, shp, dtype, noncontig, cond):
    batch, m, n = shp
    a, A = _mat(seed, batch, m, n, dtype, noncontig, cond)
    eps = EPS[dtype]
    scale = max(1.0, float(np.abs(a).max(initial=0))) * max(m, n, 1)

    def rel(x):  # a residual in units of eps * scale
        return float(np.abs(x).max(initial=0)) / (eps * scale)

    # QR: ||QR - A|| and ||QᴴQ - I|| within a small multiple of LAPACK's (NumPy's).
    Q, R = LA.qr(A)
    qn, rn = np.linalg.qr(a.astype(dtype))
    k = min(m, n)
    eye = np.eye(k)
    assert rel(N(Q @ R) - a) <= 8 * rel(qn @ rn - a) + 40
    assert rel(N(Q.mH @ Q) - eye) <= 8 * rel(mH(qn) @ qn - eye) + 40
    # SVD: ||U S Vh - A||, unitarity, and the singular values.
    U, S, Vh = LA.svd(A, full_matrices=False)
    un, sn, vhn = np.linalg.svd(a, full_matrices=False)
    assert rel(N((U * S.unsqueeze(-2).to(U.dtype)) @ Vh) - a) <= 8 * rel((un * sn[..., None, :]) @ vhn - a) + 60
    assert rel(N(U.mH @ U) - eye) <= 8 * rel(mH(un) @ un - eye) + 60
    assert rel(N(Vh @ Vh.mH) - eye) <= 8 * rel(vhn @ mH(vhn) - eye) + 60
    assert rel(N(S) - sn) <= 60
    if m != n:
        return
    # Square: LU solve residual ||A x - b|| relative to NumPy's, on the well-conditioned inputs.
    if cond == 0 and n:
        b = crand(np.random.default_rng(seed + 1), (*batch, n, 2)).astype(dtype)
        x = N(LA.solve_ex(A, T(b)).result)
        xn = np.linalg.solve(a, b)
        assert rel(a @ x - b) <= 8 * rel(a @ xn - b) + 60
    # Hermitian: eigh's ||A V - V diag(w)|| and unitarity.
    h = (a + mH(a)) / 2
    w, V = LA.eigh(T(h))
    wn, vn = np.linalg.eigh(h)
    assert rel(N(T(h) @ V - V * w.unsqueeze(-2).to(V.dtype))) <= 8 * rel(h @ vn - vn * wn[..., None, :]) + 60
    assert rel(N(V.mH @ V) - np.eye(n)) <= 8 * rel(mH(vn) @ vn - np.eye(n)) + 60
    # Cholesky of a Hermitian positive-definite matrix: ||L Lᴴ - A||.
    p = (a @ mH(a) + n * np.eye(n)).astype(dtype)
    L = LA.cholesky(T(p))
    ln = np.linalg.cholesky(p)
    ps = max(1.0, float(np.abs(p).max(initial=0))) * n
    assert float(np.abs(N(L @ L.mH) - p).max(initial=0)) <= 8 * float(np.abs(ln @ mH(ln) - p).max(initial=0)) + 60 * eps * ps


def test_batch_of_small_matrices_no_crosstalk(rng):
    # Many tiny matrices: each batch element is solved on its own (chunks over the thread pool).
    a = crand(rng, (500, 3, 3)) + 3 * np.eye(3)
    b = crand(rng, (500, 3, 1))
    x = N(LA.solve(T(a), T(b)))
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(N(LA.det(T(a))), np.linalg.det(a), rtol=1e-10)
    h = hpd(rng, 3, (500,))
    np.testing.assert_allclose(N(LA.cholesky(T(h))), np.linalg.cholesky(h), rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------------------------- gradients


def _leaf(a):
    return T(a, requires_grad=True)


def _hermitian(f):
    """``f`` of the Hermitian ``X + Xᴴ`` (gradcheck perturbs every entry; the op reads one triangle)."""
    return lambda X: f(X + X.mH)


def _pos_def(f):
    """``f`` of the Hermitian positive-definite ``X Xᴴ + 3 I``."""
    return lambda X: f(X @ X.mH + 3 * rtorch.eye(X.shape[-1], dtype=X.dtype))


def test_gradcheck_solves_and_inverses(rng):
    a = crand(rng, (2, 3, 3)) + 3 * np.eye(3)
    b = crand(rng, (2, 3, 2))
    A, B = _leaf(a), _leaf(b)
    assert gradcheck(lambda A, B: LA.solve(A, B), (A, B))
    assert gradcheck(lambda A, B: LA.solve(A, B, left=False), (A, _leaf(np.swapaxes(b, -1, -2))))
    assert gradcheck(LA.inv, (A,))
    assert gradcheck(LA.det, (A,))
    assert gradcheck(lambda A: LA.slogdet(A), (A,))
    assert gradcheck(lambda A: LA.slogdet(A).logabsdet, (A,))
    assert gradcheck(lambda A: LA.slogdet(A).sign, (A,))
    assert gradcheck(rtorch.logdet, (A,))
    assert gradcheck(lambda A: LA.matrix_power(A, -2), (A,))
    assert gradcheck(lambda A, B: LA.solve_triangular(A, B, upper=True), (A, B))
    assert gradcheck(lambda A, B: LA.solve_triangular(A, B, upper=False, unitriangular=True), (A, B))
    LU, piv = LA.lu_factor(T(a))
    assert gradcheck(lambda B: LA.lu_solve(LU, piv, B, adjoint=True), (B,))
    assert gradcheck(lambda A: LA.lu_factor(A).LU, (A,))
    assert gradcheck(lambda A: LA.lu(A), (A,))


def test_gradcheck_det_double_backward_path(rng):
    a = crand(rng, (3, 3)) + 2 * np.eye(3)
    A = _leaf(a)
    g, = rtorch.autograd.grad(LA.det(A), A, create_graph=True)
    # Under create_graph the gradient is PyTorch's SVD formula: it must equal the LU one.
    B = _leaf(a)
    g_lu, = rtorch.autograd.grad(LA.det(B), B)
    np.testing.assert_allclose(N(g), N(g_lu), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(N(g_lu), np.conj(np.linalg.det(a) * np.linalg.inv(a).T), rtol=1e-9)


def test_gradcheck_cholesky(rng):
    X = _leaf(crand(rng, (2, 3, 3)))
    assert gradcheck(_pos_def(LA.cholesky), (X,))
    assert gradcheck(_pos_def(lambda A: LA.cholesky(A, upper=True)), (X,))
    assert gradcheck(_pos_def(lambda A: LA.cholesky_ex(A).L), (X,))
    L = _leaf(np.linalg.cholesky(hpd(rng, 3, (2,))))
    B = _leaf(crand(rng, (2, 3, 2)))
    assert gradcheck(lambda B, L: rtorch.cholesky_solve(B, L), (B, L))
    assert gradcheck(lambda L: rtorch.cholesky_inverse(L), (L,))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5)])
def test_gradcheck_qr(rng, shape):
    A = _leaf(crand(rng, shape))
    assert gradcheck(lambda A: LA.qr(A), (A,))


def test_gradcheck_eigh_and_svd_invariant_losses(rng):
    h = crand(rng, (3, 3))
    H = _leaf(h)
    assert gradcheck(_hermitian(lambda X: LA.eigvalsh(X)), (H,))
    # Losses that do not depend on the eigenvectors' phases: |V|^2 and V diag(f(w)) Vᴴ.
    assert gradcheck(_hermitian(lambda X: (LA.eigh(X).eigenvectors.abs() ** 2)), (H,))
    assert gradcheck(_hermitian(lambda X: (lambda w, V: (V * w.exp().unsqueeze(-2)) @ V.mH)(*LA.eigh(X))), (H,))
    for shape in [(4, 3), (3, 3), (3, 4)]:
        A = _leaf(crand(rng, shape))
        assert gradcheck(LA.svdvals, (A,))
        assert gradcheck(lambda A: (lambda U, S, Vh: (U @ Vh, S))(*LA.svd(A, full_matrices=False)), (A,))
        assert gradcheck(lambda A: LA.svd(A, full_matrices=False).U.abs(), (A,))
        assert gradcheck(LA.pinv, (A,))
        assert gradcheck(lambda A: LA.matrix_norm(A, "nuc"), (A,))
    A = _leaf(crand(rng, (4, 3)))
    B = _leaf(crand(rng, (4, 2)))
    assert gradcheck(lambda A, B: LA.lstsq(A, B).solution, (A, B))
    assert gradcheck(LA.matrix_exp, (_leaf(crand(rng, (3, 3)) * 0.5),))


def test_phase_dependent_losses_raise_as_pytorch(rng):
    A = _leaf(crand(rng, (3, 3)))
    U, S, Vh = LA.svd(A)
    with pytest.raises(RuntimeError, match=r"svd_backward: The singular vectors in the complex case are specified up to"):
        U.real.sum().backward()
    H = _leaf(hpd(rng, 3))
    w, V = LA.eigh(H)
    with pytest.raises(RuntimeError, match=r"linalg_eigh_backward: The eigenvectors in the complex case"):
        V.real.sum().backward()


# ------------------------------------------------------------------- complex outputs keep the graph


def _cplx_graph_ops():
    idx = rtorch.tensor([2, 0])
    mask = rtorch.tensor([[True, False, True], [False, True, False]])
    return {
        "where": lambda x, y: rtorch.where(mask, x, y),
        "where_scalar": lambda x, y: rtorch.where(mask, x, 0.5),
        "masked_fill": lambda x, y: x.masked_fill(mask, 2.0),
        "masked_scatter": lambda x, y: x.masked_scatter(mask, y),
        "masked_select": lambda x, y: x.masked_select(mask),
        "tril": lambda x, y: x.tril(),
        "triu": lambda x, y: x.triu(1),
        "scatter": lambda x, y: x.scatter(1, idx.reshape(1, 2).expand(2, 2), y[:, :2]),
        "scatter_add": lambda x, y: x.scatter_add(1, idx.reshape(1, 2).expand(2, 2), y[:, :2]),
        "index_select": lambda x, y: x.index_select(1, idx),
        "index_add": lambda x, y: x.index_add(1, idx, y[:, :2]),
        "gather": lambda x, y: x.gather(1, idx.reshape(1, 2).expand(2, 2)),
        "getitem": lambda x, y: x[:, idx] * x[1, 1:],
        "setitem_clone": lambda x, y: _setitem(x, y),
        "cat": lambda x, y: rtorch.cat([x, y], 0),
        "stack": lambda x, y: rtorch.stack([x, y], -1),
        "flip_roll": lambda x, y: x.flip(0).roll(1, 1),
        "take": lambda x, y: x.take(idx),
        "diag_embed": lambda x, y: rtorch.diag_embed(x),
        "diagonal": lambda x, y: x.diagonal(),
        "pad": lambda x, y: rtorch.nn.functional.pad(x, (1, 1)),
        "unbind_split": lambda x, y: x.unbind(0)[1] * x.split(1, 1)[2].squeeze(1).sum(),
    }


def _setitem(x, y):
    z = x.clone()
    z[0, 1] = y[1, 2]
    return z


@pytest.mark.parametrize("name", sorted(_cplx_graph_ops()))
def test_complex_ops_keep_the_graph_and_gradcheck(rng, name):
    f = _cplx_graph_ops()[name]
    x, y = _leaf(crand(rng, (2, 3))), _leaf(crand(rng, (2, 3)))
    out = f(x, y)
    assert out.dtype == rtorch.complex128 and out.grad_fn is not None, name
    assert gradcheck(f, (x, y))


# -------------------------------------------------------------------------------- PyTorch parity


def test_matches_pytorch_fixtures():
    a = np.array([[2 + 1j, 1 - 1j, 0.5j], [0.3, 3 - 2j, 1 + 1j], [1j, -1, 4 + 0.5j]], np.complex128)
    h = a @ mH(a) + np.eye(3)

    def ref(torch):
        A, H = torch.from_numpy(a), torch.from_numpy(h)
        s, l = torch.linalg.slogdet(A)
        Q, R = torch.linalg.qr(A)
        return [torch.linalg.det(A), s, l, R, torch.linalg.svdvals(A), torch.linalg.eigvalsh(H),
                torch.linalg.cholesky(H), torch.linalg.inv(A), torch.linalg.matrix_norm(A, 2)]

    got = ref(rtorch)
    want = torch_ref(ref)
    for g, w in zip(got, want):
        assert g.dtype == rtorch.from_numpy(np.asarray(w)).dtype
        np.testing.assert_allclose(N(g), w, rtol=1e-10, atol=1e-12)
    # The gradient of a phase-invariant loss, in PyTorch's convention.
    def grad_ref(torch):
        A = torch.from_numpy(a).requires_grad_()
        loss = torch.linalg.svdvals(A).sum() + torch.linalg.det(A).abs() + torch.linalg.inv(A).real.sum()
        return torch.autograd.grad(loss, A)[0]
    np.testing.assert_allclose(N(grad_ref(rtorch)), torch_ref(grad_ref), rtol=1e-9, atol=1e-10)

"""torch.linalg on faer: residuals against LAPACK's (NumPy), values, shapes and edge sizes, PyTorch's errors
(recorded fixtures), gradients (gradcheck / gradgradcheck in float64), the legacy names and threads."""
import builtins
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import linalg as LA
from rtorch.autograd import gradcheck, gradgradcheck
from torch_ref import catch, torch_ref

EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps}


def T(a, requires_grad=False):
    return rtorch.tensor(np.ascontiguousarray(a), requires_grad=requires_grad)


def N(t):
    return t.detach().numpy()


def rand(rng, shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


def well_conditioned(rng, batch, n, dtype=np.float64):
    return (rand(rng, (*batch, n, n), dtype) + n * np.eye(n, dtype=dtype)).astype(dtype)


def spd(rng, batch, n, dtype=np.float64):
    a = rand(rng, (*batch, n, n), dtype)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n, dtype=dtype)).astype(dtype)


def view_of(a, kind):
    """``a`` as rtorch tensor: contiguous, transposed (a copy of the transpose, viewed back), or strided."""
    if kind == "contiguous":
        return T(a)
    if kind == "transposed":
        return T(np.swapaxes(a, -1, -2)).mT
    big = np.zeros((*a.shape[:-1], 2 * a.shape[-1]), dtype=a.dtype)
    big[..., ::2] = a
    return T(big)[..., ::2]


def resid_bound(ours, lapack, dtype, scale):
    """Our residual must be within a small multiple of LAPACK's (with an eps floor)."""
    assert ours <= 10 * lapack + 50 * EPS[dtype] * scale, (ours, lapack)


sizes = st.sampled_from([0, 1, 2, 3, 5, 8, 17])
batches = st.sampled_from([(), (1,), (3,), (2, 2), (0,)])
dtypes = st.sampled_from([np.float32, np.float64])
views = st.sampled_from(["contiguous", "transposed", "strided"])


# ------------------------------------------------------------------------------------------- residuals


@settings(max_examples=40, deadline=None)
@given(n=sizes, batch=batches, dtype=dtypes, view=views, k=st.sampled_from([1, 3]), seed=st.integers(0, 2**31))
def test_solve_residual_within_lapack(n, batch, dtype, view, k, seed):
    rng = np.random.default_rng(seed)
    a, b = well_conditioned(rng, batch, n, dtype), rand(rng, (*batch, n, k), dtype)
    x = N(LA.solve(view_of(a, view), view_of(b, view)))
    assert x.shape == (*batch, n, k) and x.dtype == dtype
    if a.size and b.size:
        scale = np.abs(a).max() * max(np.abs(x).max(), 1) * n
        resid_bound(np.abs(a @ x - b).max(), np.abs(a @ np.linalg.solve(a, b) - b).max(), dtype, scale)


@settings(max_examples=30, deadline=None)
@given(n=sizes, batch=batches, dtype=dtypes, view=views, seed=st.integers(0, 2**31))
def test_inv_det_slogdet_match_lapack(n, batch, dtype, view, seed):
    rng = np.random.default_rng(seed)
    a = well_conditioned(rng, batch, n, dtype)
    A = view_of(a, view)
    inv = N(LA.inv(A))
    tol = 200 * EPS[dtype] * max(n, 1)
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=tol * 10, atol=tol * 10)
    np.testing.assert_allclose(N(LA.det(A)), np.linalg.det(a), rtol=tol * 10, atol=tol)
    sign, logabs = LA.slogdet(A)
    s_ref, l_ref = np.linalg.slogdet(a)
    np.testing.assert_array_equal(N(sign), s_ref)
    np.testing.assert_allclose(N(logabs), l_ref, rtol=tol, atol=tol)


@settings(max_examples=30, deadline=None)
@given(n=sizes, batch=batches, dtype=dtypes, view=views, upper=st.booleans(), seed=st.integers(0, 2**31))
def test_cholesky_residual(n, batch, dtype, view, upper, seed):
    rng = np.random.default_rng(seed)
    a = spd(rng, batch, n, dtype)
    f = N(LA.cholesky(view_of(a, view), upper=upper))
    ft = np.swapaxes(f, -1, -2)
    rec = ft @ f if upper else f @ ft
    assert np.all((np.triu(f, 1) if not upper else np.tril(f, -1)) == 0)
    if a.size:
        ref = np.linalg.cholesky(a)
        lapack = np.abs(ref @ np.swapaxes(ref, -1, -2) - a).max()
        resid_bound(np.abs(rec - a).max(), lapack, dtype, np.abs(a).max() * n)


@settings(max_examples=40, deadline=None)
@given(m=sizes, n=sizes, batch=batches, dtype=dtypes, view=views, mode=st.sampled_from(["reduced", "complete", "r"]),
       seed=st.integers(0, 2**31))
def test_qr_residual_and_orthogonality(m, n, batch, dtype, view, mode, seed):
    rng = np.random.default_rng(seed)
    a = rand(rng, (*batch, m, n), dtype)
    q, r = (N(x) for x in LA.qr(view_of(a, view), mode=mode))
    k = min(m, n)
    assert r.shape == (*batch, k if mode != "complete" else m, n)
    assert np.all(np.tril(r, -1) == 0)
    q_ref, r_ref = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        assert q.shape == (0,)
        np.testing.assert_allclose(np.abs(r), np.abs(r_ref), atol=100 * EPS[dtype] * max(m, 1) * 4)
        return
    assert q.shape == (*batch, m, q_ref.shape[-1])
    if a.size:
        scale = np.abs(a).max() * max(m, n)
        resid_bound(np.abs(q @ r - a).max(), np.abs(q_ref @ r_ref - a).max(), dtype, scale)
    eye = np.eye(q.shape[-1], dtype=dtype)
    assert np.abs(np.swapaxes(q, -1, -2) @ q - eye).max(initial=0) <= 50 * EPS[dtype] * max(m, 1)


@settings(max_examples=30, deadline=None)
@given(n=sizes, batch=batches, dtype=dtypes, uplo=st.sampled_from(["L", "U"]), seed=st.integers(0, 2**31))
def test_eigh_residual(n, batch, dtype, uplo, seed):
    rng = np.random.default_rng(seed)
    s = rand(rng, (*batch, n, n), dtype)
    s = (s + np.swapaxes(s, -1, -2)).astype(dtype)
    # Only the named triangle may be read: poison the other one.
    poisoned = np.triu(s) + np.tril(np.full_like(s, 1e3), -1) if uplo == "U" else np.tril(s) + np.triu(np.full_like(s, 1e3), 1)
    w, v = (N(x) for x in LA.eigh(T(poisoned), UPLO=uplo))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(s), atol=100 * EPS[dtype] * max(n, 1) * max(np.abs(s).max(initial=0), 1))
    if s.size:
        resid_bound(np.abs((v * w[..., None, :]) @ np.swapaxes(v, -1, -2) - s).max(), 0, dtype, np.abs(s).max() * n)
        assert np.abs(np.swapaxes(v, -1, -2) @ v - np.eye(n)).max(initial=0) <= 50 * EPS[dtype] * n
    np.testing.assert_allclose(N(LA.eigvalsh(T(poisoned), UPLO=uplo)), w, rtol=0, atol=10 * EPS[dtype] * max(np.abs(s).max(initial=0), 1) * max(n, 1))


@settings(max_examples=40, deadline=None)
@given(m=sizes, n=sizes, batch=batches, dtype=dtypes, view=views, full=st.booleans(), seed=st.integers(0, 2**31))
def test_svd_residual(m, n, batch, dtype, view, full, seed):
    rng = np.random.default_rng(seed)
    a = rand(rng, (*batch, m, n), dtype)
    u, s, vh = (N(x) for x in LA.svd(view_of(a, view), full_matrices=full))
    k = min(m, n)
    assert u.shape == (*batch, m, m if full else k) and vh.shape == (*batch, n if full else k, n) and s.shape == (*batch, k)
    s_ref = np.linalg.svd(a, compute_uv=False) if a.size else np.zeros((*batch, k), dtype)
    tol = 100 * EPS[dtype] * max(m, n, 1) * max(np.abs(a).max(initial=1), 1)
    np.testing.assert_allclose(s, s_ref, atol=tol)
    np.testing.assert_allclose(N(LA.svdvals(view_of(a, view))), s, atol=tol)
    if a.size:
        resid_bound(np.abs((u[..., :k] * s[..., None, :]) @ vh[..., :k, :] - a).max(), 0, dtype, np.abs(a).max() * max(m, n))
    for x in (u, np.swapaxes(vh, -1, -2)):
        assert np.abs(np.swapaxes(x, -1, -2) @ x - np.eye(x.shape[-1])).max(initial=0) <= 50 * EPS[dtype] * max(m, n, 1)


def test_ill_conditioned_solve_matches_lapack_residual():
    # Hilbert matrices: condition numbers 1e7 .. 1e13; the backward-stable residual must stay as small as LAPACK's.
    for n in (6, 8, 10):
        h = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1)
        b = np.ones((n, 1))
        x = N(LA.solve(T(h), T(b)))
        resid_bound(np.abs(h @ x - b).max(), np.abs(h @ np.linalg.solve(h, b) - b).max(), np.float64, np.abs(x).max() * n)


def test_batched_solve_broadcasts_like_pytorch(rng):
    a = well_conditioned(rng, (4, 1), 3)
    b = rand(rng, (5, 3, 2))
    x = N(LA.solve(T(a), T(b)))
    assert x.shape == (4, 5, 3, 2)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10, atol=1e-12)
    # A vector right-hand side (B of shape A.shape[:-1]) and left=False.
    v = rand(rng, (4, 1, 3))
    np.testing.assert_allclose(N(LA.solve(T(a), T(v))), np.linalg.solve(a, v[..., None])[..., 0], atol=1e-12)
    xl = N(LA.solve(T(a), T(np.swapaxes(b, -1, -2)), left=False))
    np.testing.assert_allclose(xl @ a, np.broadcast_to(np.swapaxes(b, -1, -2), xl.shape), atol=1e-10)


def test_many_small_solves(rng):
    a, b = well_conditioned(rng, (2000,), 8), rand(rng, (2000, 8, 1))
    np.testing.assert_allclose(N(LA.solve(T(a), T(b))), np.linalg.solve(a, b), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------------------------- the other functions


def test_lu_family(rng):
    a = rand(rng, (3, 4, 4))
    LU, piv = LA.lu_factor(T(a))
    assert piv.dtype == rtorch.int32
    P, L, U = (N(x) for x in LA.lu(T(a)))
    np.testing.assert_allclose(P @ L @ U, a, atol=1e-12)
    np.testing.assert_allclose(N(rtorch.lu_unpack(LU, piv).U), U)
    b = rand(rng, (3, 4, 2))
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, T(b))), np.linalg.solve(a, b), atol=1e-10)
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, T(b), adjoint=True)), np.linalg.solve(np.swapaxes(a, -1, -2), b), atol=1e-10)
    bt = np.swapaxes(b, -1, -2)
    np.testing.assert_allclose(N(LA.lu_solve(LU, piv, T(bt), left=False)) @ a, bt, atol=1e-10)
    # Rectangular LU.
    r = rand(rng, (5, 3))
    P, L, U = (N(x) for x in LA.lu(T(r)))
    assert L.shape == (5, 3) and U.shape == (3, 3)
    np.testing.assert_allclose(P @ L @ U, r, atol=1e-12)
    LU, piv, info = LA.lu_factor_ex(T(np.zeros((2, 2))))
    assert int(info) == 1


def test_lapack_pivots_match_pytorch():
    a = np.array([[1.0, 2.0, 0.5], [3.0, 4.0, 1.0], [0.0, 5.0, 2.0]])
    ref = torch_ref(lambda torch: tuple(torch.linalg.lu_factor(torch.from_numpy(a))))
    LU, piv = LA.lu_factor(T(a))
    np.testing.assert_allclose(N(LU), ref[0], atol=1e-12)
    np.testing.assert_array_equal(N(piv), ref[1])


def test_solve_triangular_variants(rng):
    a = rand(rng, (2, 4, 4)) + 4 * np.eye(4)
    b = rand(rng, (2, 4, 3))
    for upper in (True, False):
        tri = np.triu(a) if upper else np.tril(a)
        for unit in (False, True):
            t_ = tri.copy()
            if unit:
                idx = np.arange(4)
                t_[..., idx, idx] = 1.0
            x = N(LA.solve_triangular(T(a), T(b), upper=upper, unitriangular=unit))
            np.testing.assert_allclose(t_ @ x, b, atol=1e-10)
            xr = N(LA.solve_triangular(T(a), T(np.swapaxes(b, -1, -2)), upper=upper, left=False, unitriangular=unit))
            np.testing.assert_allclose(xr @ t_, np.swapaxes(b, -1, -2), atol=1e-10)
    sol, coeff = rtorch.triangular_solve(T(b), T(a), upper=True, transpose=True)
    np.testing.assert_allclose(np.swapaxes(np.triu(a), -1, -2) @ N(sol), b, atol=1e-10)
    np.testing.assert_array_equal(N(coeff), a)


@pytest.mark.parametrize("ord", [None, 2, 1, 3.5, 0, float("inf"), -float("inf"), -1, 0.5])
def test_vector_norm(rng, ord):
    x = rand(rng, (3, 4, 5))
    got = N(LA.vector_norm(T(x), 2 if ord is None else ord, dim=(0, 2)))
    ref = np.stack([np.linalg.norm(x[:, i, :].ravel(), 2 if ord is None else ord) for i in range(4)])
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert N(LA.vector_norm(T(x), 2 if ord is None else ord, dim=-1, keepdim=True)).shape == (3, 4, 1)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")])
def test_matrix_norm_and_norm(rng, ord):
    a = rand(rng, (2, 3, 4))
    np.testing.assert_allclose(N(LA.matrix_norm(T(a), ord)), np.linalg.norm(a, ord, axis=(-2, -1)), rtol=1e-12)
    np.testing.assert_allclose(N(LA.matrix_norm(T(a), ord, dim=(0, 2))), np.linalg.norm(a, ord, axis=(0, 2)), rtol=1e-12)
    assert LA.matrix_norm(T(a), ord, keepdim=True).shape == (2, 1, 1)
    np.testing.assert_allclose(N(LA.norm(T(a[0]), ord)), np.linalg.norm(a[0], ord), rtol=1e-12)


def test_norm_dispatch(rng):
    a = rand(rng, (2, 3, 4))
    np.testing.assert_allclose(N(LA.norm(T(a))), np.linalg.norm(a.ravel()), rtol=1e-12)
    np.testing.assert_allclose(N(LA.norm(T(a), dim=1)), np.linalg.norm(a, axis=1), rtol=1e-12)
    np.testing.assert_allclose(N(LA.norm(T(a), 1, dim=(1, 2))), np.linalg.norm(a, 1, axis=(1, 2)), rtol=1e-12)


def test_pinv_rank_cond_lstsq(rng):
    a = rand(rng, (2, 5, 3))
    np.testing.assert_allclose(N(LA.pinv(T(a))), np.linalg.pinv(a), atol=1e-12)
    s = a @ np.swapaxes(a, -1, -2)
    np.testing.assert_allclose(N(LA.pinv(T(s), hermitian=True)), np.linalg.pinv(s, hermitian=True), atol=1e-8)
    low = rand(rng, (4, 2)) @ rand(rng, (2, 4))
    assert int(LA.matrix_rank(T(low))) == 2 == np.linalg.matrix_rank(low)
    assert int(LA.matrix_rank(T(low @ low.T), hermitian=True)) == 2
    assert int(LA.matrix_rank(T(low), atol=1e3)) == 0
    sq = rand(rng, (3, 3))
    for p in (None, 2, -2, "fro", "nuc", 1, -1, float("inf"), -float("inf")):
        np.testing.assert_allclose(N(LA.cond(T(sq), p)), np.linalg.cond(sq, p), rtol=1e-9)
    assert float(LA.cond(T(np.zeros((2, 2))), 1)) == float("inf")
    b = rand(rng, (2, 5, 2))
    res = LA.lstsq(T(a), T(b))
    np.testing.assert_allclose(N(res.solution), np.stack([np.linalg.lstsq(a[i], b[i], rcond=None)[0] for i in range(2)]), atol=1e-10)
    assert res.residuals.shape == (0,) and res.singular_values.shape == (0,) and N(res.rank).tolist() == [3, 3]
    res = LA.lstsq(T(a), T(b), driver="gelsd")
    np.testing.assert_allclose(N(res.residuals), np.stack([np.linalg.lstsq(a[i], b[i], rcond=None)[1] for i in range(2)]), rtol=1e-9)
    np.testing.assert_allclose(N(res.singular_values), np.linalg.svd(a, compute_uv=False), rtol=1e-10)


def test_lstsq_matches_pytorch_tuple():
    a = np.arange(8.0).reshape(4, 2) ** 0.5
    b = np.arange(4.0).reshape(4, 1)
    for driver in (None, "gels", "gelsd"):
        ref = torch_ref(lambda torch: tuple(torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b), driver=driver)))
        got = LA.lstsq(T(a), T(b), driver=driver)
        np.testing.assert_allclose(N(got.solution), ref[0], atol=1e-10)
        for g, r in zip(got[1:], ref[1:]):
            assert N(g).shape == r.shape
            np.testing.assert_allclose(N(g), r, rtol=1e-9)


def test_matrix_power_exp(rng):
    a = rand(rng, (2, 4, 4)) / 2
    for n in (0, 1, 2, 5, -1, -3):
        np.testing.assert_allclose(N(LA.matrix_power(T(a), n)), np.linalg.matrix_power(a, n), rtol=1e-9, atol=1e-10)
    ints = np.array([[1, 1], [0, 1]])
    assert N(LA.matrix_power(T(ints), 5)).tolist() == [[1, 5], [0, 1]]
    s = a + np.swapaxes(a, -1, -2)
    s *= 4  # norm > 1/2: exercises scaling and squaring
    w, v = np.linalg.eigh(s)
    ref = (v * np.exp(w)[..., None, :]) @ np.swapaxes(v, -1, -2)
    np.testing.assert_allclose(N(LA.matrix_exp(T(s))), ref, rtol=1e-11)
    np.testing.assert_allclose(N(rtorch.matrix_exp(T(np.zeros((0, 0))))), np.zeros((0, 0)))


def test_products_and_small_helpers(rng):
    a, b, c = rand(rng, (2, 30)), rand(rng, (30, 3)), rand(rng, (3,))
    np.testing.assert_allclose(N(LA.multi_dot([T(a), T(b), T(c)])), a @ b @ c, rtol=1e-12)
    np.testing.assert_allclose(N(LA.multi_dot([T(c), T(b.T), T(a.T)])), c @ b.T @ a.T, rtol=1e-12)
    np.testing.assert_allclose(N(rtorch.chain_matmul(T(a), T(b))), a @ b, rtol=1e-12)
    x, y = rand(rng, (4, 3)), rand(rng, (3,))
    np.testing.assert_allclose(N(LA.vecdot(T(x), T(y))), x @ y, rtol=1e-12)
    np.testing.assert_allclose(N(LA.cross(T(x), T(np.broadcast_to(y, (4, 3))))), np.cross(x, y), rtol=1e-12)
    v = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(N(LA.vander(T(v))), np.vander(v, increasing=True))
    np.testing.assert_allclose(N(LA.vander(T(v), N=5)), np.vander(v, 5, increasing=True))
    np.testing.assert_array_equal(N(LA.diagonal(T(x[:3]), offset=1)), np.diagonal(x[:3], 1))
    np.testing.assert_allclose(N(LA.matmul(T(x), T(y))), x @ y)
    t4 = rand(rng, (6, 6)) + 6 * np.eye(6)
    A = t4.reshape(6, 2, 3)
    np.testing.assert_allclose(N(LA.tensorinv(T(A), ind=1)), np.linalg.tensorinv(A, ind=1), rtol=1e-10)
    B = rand(rng, (6,))
    np.testing.assert_allclose(N(LA.tensorsolve(T(A), T(B))), np.linalg.tensorsolve(A, B), rtol=1e-10)


def test_householder_product_rebuilds_q(rng):
    # geqrf-style reflectors of a QR: taking Q from them must give back an orthonormal basis of A's columns.
    a = rand(rng, (5, 3))
    v = np.zeros((5, 3))
    tau = np.zeros(3)
    r = a.copy()
    for j in range(3):
        x = r[j:, j]
        alpha = -np.sign(x[0]) * np.linalg.norm(x)
        u = x.copy()
        u[0] -= alpha
        u /= u[0]
        tau[j] = 2 / (u @ u)
        r[j:] -= tau[j] * np.outer(u, u @ r[j:])
        v[j + 1:, j] = u[1:]
    q = N(LA.householder_product(T(v), T(tau)))
    np.testing.assert_allclose(q @ np.triu(r[:3]), a, atol=1e-12)
    np.testing.assert_allclose(N(rtorch.orgqr(T(v), T(tau))), q)


def test_cholesky_solve_inverse(rng):
    a = spd(rng, (2,), 4)
    b = rand(rng, (2, 4, 2))
    for upper in (False, True):
        f = LA.cholesky(T(a), upper=upper)
        np.testing.assert_allclose(N(rtorch.cholesky_solve(T(b), f, upper=upper)), np.linalg.solve(a, b), rtol=1e-10)
        np.testing.assert_allclose(N(rtorch.cholesky_inverse(f, upper=upper)), np.linalg.inv(a), rtol=1e-10)


def test_legacy_names_and_methods(rng):
    a = well_conditioned(rng, (), 3)
    A = T(a)
    np.testing.assert_allclose(N(rtorch.det(A)), np.linalg.det(a))
    np.testing.assert_allclose(N(A.det()), np.linalg.det(a))
    np.testing.assert_allclose(N(A.inverse()), np.linalg.inv(a), rtol=1e-12)
    np.testing.assert_allclose(N(rtorch.inverse(A)), np.linalg.inv(a), rtol=1e-12)
    assert rtorch.slogdet(A).__class__.__name__ == "slogdet"
    np.testing.assert_allclose(N(A.logdet()), np.log(np.linalg.det(a)))
    np.testing.assert_allclose(N(A.pinverse()), np.linalg.pinv(a), rtol=1e-10)
    u, s, v = rtorch.svd(A)
    np.testing.assert_allclose(N(u) * N(s) @ N(v).T, a, atol=1e-12)
    u, s, v = A.svd(compute_uv=False)
    assert N(u).shape == (3, 3) and not N(u).any()
    q, r = A.qr(some=False)
    np.testing.assert_allclose(N(q @ r), a, atol=1e-12)
    np.testing.assert_allclose(N(A.matrix_power(2)), a @ a, rtol=1e-12)
    sp = T(spd(rng, (), 3))
    np.testing.assert_allclose(N(sp.cholesky() @ sp.cholesky().mT), N(sp), rtol=1e-12)
    LU, piv = A.lu()
    np.testing.assert_allclose(N(T(np.ones((3, 1))).lu_solve(LU, piv)), np.linalg.solve(a, np.ones((3, 1))), rtol=1e-10)
    LU, piv, info = rtorch.lu(T(np.zeros((2, 2))), get_infos=True)
    assert int(info) == 1


def test_concurrent_threads_get_their_own_results(rng):
    mats = [well_conditioned(rng, (50,), 6) for _ in range(4)]
    rhs = [rand(rng, (50, 6, 2)) for _ in range(4)]
    out = [None] * 4

    def work(i):
        for _ in range(20):
            out[i] = N(LA.solve(T(mats[i]), T(rhs[i])))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t_ in threads:
        t_.start()
    for t_ in threads:
        t_.join()
    for i in range(4):
        np.testing.assert_allclose(out[i], np.linalg.solve(mats[i], rhs[i]), rtol=1e-9)


# ---------------------------------------------------------------------------------------------- errors

ERRORS = {
    "solve_singular": lambda L, torch: L.solve(torch.zeros(2, 2), torch.ones(2)),
    "solve_singular_batched": lambda L, torch: L.solve(torch.stack([torch.eye(2), torch.zeros(2, 2)]), torch.ones(2, 2)),
    "inv_singular": lambda L, torch: L.inv(torch.zeros(2, 2)),
    "inv_singular_batched": lambda L, torch: L.inv(torch.stack([torch.eye(2), torch.zeros(2, 2)])),
    "cholesky_not_pd": lambda L, torch: L.cholesky(-torch.eye(3)),
    "cholesky_minor_2": lambda L, torch: L.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]])),
    "cholesky_not_square": lambda L, torch: L.cholesky(torch.ones(2, 3)),
    "cholesky_1d": lambda L, torch: L.cholesky(torch.ones(3)),
    "cholesky_int": lambda L, torch: L.cholesky(torch.ones(3, 3, dtype=torch.int64)),
    "inv_int": lambda L, torch: L.inv(torch.ones(3, 3, dtype=torch.int64)),
    "solve_shapes": lambda L, torch: L.solve(torch.ones(3, 3), torch.ones(4)),
    "solve_dtypes": lambda L, torch: L.solve(torch.ones(3, 3), torch.ones(3, 3, dtype=torch.float64)),
    "det_not_square": lambda L, torch: L.det(torch.ones(2, 3)),
    "svd_nan": lambda L, torch: L.svd(torch.tensor([[float("nan"), 1.0], [1.0, 1.0]])),
    "qr_mode": lambda L, torch: L.qr(torch.ones(2, 2), mode="x"),
    "eigh_uplo": lambda L, torch: L.eigh(torch.ones(2, 2), UPLO="X"),
    "lu_factor_singular": lambda L, torch: L.lu_factor(torch.zeros(2, 2)),
    "matrix_power_not_square": lambda L, torch: L.matrix_power(torch.ones(2, 3), 2),
    "matrix_power_singular": lambda L, torch: L.matrix_power(torch.zeros(2, 2), -1),
    "solve_triangular_1d": lambda L, torch: L.solve_triangular(torch.eye(2), torch.ones(2), upper=True),
    "vector_norm_int": lambda L, torch: L.vector_norm(torch.ones(2, dtype=torch.int64)),
    "matrix_norm_ord": lambda L, torch: L.matrix_norm(torch.ones(2, 2), ord=3),
    "matrix_norm_1d": lambda L, torch: L.matrix_norm(torch.ones(2), ord="fro"),
    "cross_len": lambda L, torch: L.cross(torch.ones(2), torch.ones(2)),
    "qr_r_backward": lambda L, torch: L.qr(torch.ones(3, 2, requires_grad=True), mode="r")[1].sum().backward(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    ref = torch_ref(lambda torch: catch(ERRORS[name], torch.linalg, torch))
    with pytest.raises(Exception) as info:
        ERRORS[name](rtorch.linalg, rtorch)
    e = info.value
    if ref.type == "_LinAlgError":
        assert isinstance(e, LA.LinAlgError) and isinstance(e, RuntimeError)
    else:
        assert isinstance(e, getattr(builtins, ref.type)), (type(e), ref.type)
    # A message raised inside a backward comes back prefixed with its class by rtorch's engine.
    assert str(e) == ref.message or str(e) == f"{ref.type}: {ref.message}"


def test_ex_variants_do_not_raise():
    r = LA.cholesky_ex(-rtorch.eye(3))
    assert int(r.info) == 1
    r = LA.inv_ex(rtorch.zeros(2, 2))
    assert int(r.info) == 1
    r = LA.solve_ex(rtorch.zeros(3, 2, 2), rtorch.ones(3, 2))
    assert N(r.info).tolist() == [1, 1, 1]
    with pytest.raises(LA.LinAlgError):
        LA.inv_ex(rtorch.zeros(2, 2), check_errors=True)


# ------------------------------------------------------------------------------------------- gradients


def _r(rng, *shape):
    return T(rng.standard_normal(shape), requires_grad=True)


def _eye(n):
    return rtorch.eye(n, dtype=rtorch.float64)


GRADS = {
    "solve": (lambda a, b: LA.solve(a, b), [(2, 3, 3), (2, 3, 2)]),
    "solve_left_false_vector_bcast": (lambda a, b: LA.solve(a, b, left=False), [(2, 3, 3), (3,)]),
    "inv": (LA.inv, [(2, 3, 3)]),
    "det": (LA.det, [(2, 3, 3)]),
    "slogdet": (lambda a: LA.slogdet(a).logabsdet, [(3, 3)]),
    "logdet": (lambda a: rtorch.logdet(a @ a.mT), [(3, 3)]),
    "cholesky": (lambda a: LA.cholesky(a @ a.mT + _eye(3)), [(2, 3, 3)]),
    "cholesky_upper": (lambda a: LA.cholesky(a @ a.mT + _eye(3), upper=True), [(3, 3)]),
    "solve_triangular": (lambda a, b: LA.solve_triangular(a.triu() + 3 * _eye(3), b, upper=True), [(3, 3), (3, 2)]),
    "solve_triangular_unit_right": (lambda a, b: LA.solve_triangular(a, b, upper=False, left=False, unitriangular=True), [(3, 3), (2, 3)]),
    "qr_square": (LA.qr, [(2, 3, 3)]),
    "qr_tall": (LA.qr, [(4, 3)]),
    "qr_wide": (LA.qr, [(3, 5)]),
    "eigh": (lambda a: (lambda w, v: (w, v.abs()))(*LA.eigh(a + a.mT)), [(2, 3, 3)]),
    "eigvalsh": (lambda a: LA.eigvalsh(a + a.mT), [(3, 3)]),
    "svd_square": (lambda a: (lambda u, s, vh: (u @ vh, s))(*LA.svd(a)), [(2, 3, 3)]),
    "svd_tall": (lambda a: (lambda u, s, vh: (u @ vh, s))(*LA.svd(a, full_matrices=False)), [(4, 3)]),
    "svd_wide": (lambda a: (lambda u, s, vh: (u @ vh, s))(*LA.svd(a, full_matrices=False)), [(3, 5)]),
    "svdvals": (LA.svdvals, [(3, 5)]),
    "vector_norm_2": (lambda a: LA.vector_norm(a, dim=-1), [(2, 3)]),
    "vector_norm_3": (lambda a: LA.vector_norm(a, 3.0), [(2, 3)]),
    "matrix_norm_nuc": (lambda a: LA.matrix_norm(a, "nuc"), [(3, 4)]),
    "matrix_norm_2": (lambda a: LA.matrix_norm(a, 2), [(3, 4)]),
    "matrix_norm_fro": (lambda a: LA.matrix_norm(a), [(3, 4)]),
    "matrix_exp": (LA.matrix_exp, [(2, 3, 3)]),
    "matrix_power_neg": (lambda a: LA.matrix_power(a + 3 * _eye(3), -2), [(3, 3)]),
    "pinv": (LA.pinv, [(4, 3)]),
    "lstsq": (lambda a, b: LA.lstsq(a, b).solution, [(4, 3), (4, 2)]),
    "cholesky_solve": (lambda b, a: rtorch.cholesky_solve(b, LA.cholesky(a @ a.mT + _eye(3))), [(3, 2), (3, 3)]),
    "householder_product": (LA.householder_product, [(4, 3), (2,)]),
    "multi_dot": (lambda a, b, c: LA.multi_dot([a, b, c]), [(2, 3), (3, 4), (4,)]),
    "cond": (lambda a: LA.cond(a), [(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradcheck_and_gradgradcheck(name):
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    fn, shapes = GRADS[name]
    xs = tuple(_r(rng, *s) for s in shapes)
    assert gradcheck(fn, xs, eps=1e-6, atol=1e-5, rtol=1e-4)
    assert gradgradcheck(fn, xs, eps=1e-6, atol=1e-4, rtol=1e-3)


def test_det_gradient_at_singular_matrices_is_pytorchs():
    # PyTorch's first-order gradient of an exactly singular det is zero (its LU path); with create_graph it
    # goes through the SVD and gives the cofactor matrix. Both are mirrored.
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])

    def torch_fn(torch, create_graph):
        x = torch.tensor(a, requires_grad=True)
        return torch.autograd.grad(torch.linalg.det(x), x, create_graph=create_graph)[0].detach()

    for create_graph in (False, True):
        A = T(a, requires_grad=True)
        (g,) = rtorch.autograd.grad(LA.det(A), A, create_graph=create_graph)
        np.testing.assert_allclose(N(g), torch_ref(lambda torch: torch_fn(torch, create_graph)), atol=1e-10)


def test_eigh_and_svd_gradients_match_pytorch():
    a = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])

    def torch_fn(torch):
        x = torch.tensor(a, requires_grad=True)
        w, v = torch.linalg.eigh(x)
        u, s, vh = torch.linalg.svd(x + 0.5 * torch.arange(9.0, dtype=torch.float64).reshape(3, 3))
        (w.sum() * 0.3 + (v[:, 0] ** 2).sum() + s.sum() + (u @ vh).sum()).backward()
        return x.grad

    x = T(a, requires_grad=True)
    w, v = LA.eigh(x)
    u, s, vh = LA.svd(x + 0.5 * rtorch.arange(9.0, dtype=rtorch.float64).reshape(3, 3))
    (w.sum() * 0.3 + (v[:, 0] ** 2).sum() + s.sum() + (u @ vh).sum()).backward()
    np.testing.assert_allclose(N(x.grad), torch_ref(torch_fn), atol=1e-10)


def test_lu_gradients():
    rng = np.random.default_rng(5)
    assert gradcheck(lambda a: LA.lu_factor(a).LU, (_r(rng, 2, 3, 3),), eps=1e-6, atol=1e-5)
    assert gradgradcheck(lambda a: LA.lu_factor(a).LU, (_r(rng, 3, 3),), eps=1e-6, atol=1e-4, rtol=1e-3)
    assert gradcheck(lambda a: LA.lu(a)[1:], (_r(rng, 3, 3),), eps=1e-6, atol=1e-5)
    with pytest.raises(RuntimeError, match="non-square"):
        LA.lu_factor(_r(rng, 3, 2)).LU.sum().backward()


def test_grad_fn_names_are_pytorchs():
    a = T(np.eye(3) * 2, requires_grad=True)
    assert LA.inv(a).grad_fn.name() == "LinalgInvExBackward0"
    assert LA.solve(a, T(np.ones((3, 1)))).grad_fn.name() == "LinalgSolveExBackward0"
    assert LA.det(a).grad_fn.name() == "LinalgDetBackward0"
    assert LA.svd(a)[1].grad_fn.name() == "LinalgSvdBackward0"
    assert LA.eigh(a)[0].grad_fn.name() == "LinalgEighBackward0"
    assert LA.cholesky(a).grad_fn.name() == "LinalgCholeskyExBackward0"


# ---------------------------------------------------------------- small real LUs (src/cpu/lu_small.rs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 2, 7, 8, 31, 32, 33])
@pytest.mark.parametrize("threads", [1, 2])
def test_small_lu_matches_lapack_pivots_and_solves(dtype, n, threads):
    """Sizes up to 32 take the hand-written getf2/getrs, 33 takes faer: both give LAPACK's pivots
    (scipy's getrf) and small residuals, for a batch cut across 1 and 2 threads, and A^T solves."""
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(n)
    a = rng.standard_normal((37, n, n)).astype(dtype)
    b = rng.standard_normal((37, n, 3)).astype(dtype)
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        lu, piv = LA.lu_factor(rtorch.from_numpy(a))
        x = LA.lu_solve(lu, piv, rtorch.from_numpy(b)).numpy()
        xt = LA.lu_solve(lu, piv, rtorch.from_numpy(b), adjoint=True).numpy()
        det = LA.det(rtorch.from_numpy(a)).numpy()
    finally:
        rtorch.set_num_threads(old)
    tol = 1e-4 if dtype == "float32" else 1e-11
    for i in range(a.shape[0]):
        ref_lu, ref_piv = scipy_linalg.lu_factor(a[i].astype(np.float64))
        np.testing.assert_array_equal(piv.numpy()[i], ref_piv + 1)
        np.testing.assert_allclose(lu.numpy()[i], ref_lu, rtol=tol * 10, atol=tol * 10)
    scale = np.abs(b).max() * np.linalg.norm(a, axis=(1, 2)).max() * np.abs(x).max()
    assert np.abs(a @ x - b).max() <= tol * scale
    assert np.abs(np.swapaxes(a, 1, 2) @ xt - b).max() <= tol * scale
    np.testing.assert_allclose(det, np.linalg.det(a.astype(np.float64)), rtol=tol * 100)


@pytest.mark.parametrize("n", [1, 3, 8])
def test_small_lu_singular_and_nonfinite(n):
    """Zero pivots report info without swapping or dividing (LAPACK), a zero matrix keeps the identity
    pivots, and NaN/inf input comes back non-finite without raising."""
    zero = rtorch.zeros(2, n, n, dtype=rtorch.float64)
    lu, piv, info = LA.lu_factor_ex(zero)
    assert piv.tolist() == [list(range(1, n + 1))] * 2 and info.tolist() == [1, 1]
    a = np.eye(n)
    a[-1, -1] = 0.0
    _, _, info = LA.lu_factor_ex(rtorch.from_numpy(a))
    assert info.item() == n
    bad = np.full((n, n), np.nan)
    lu, _, _ = LA.lu_factor_ex(rtorch.from_numpy(bad))
    assert np.isnan(lu.numpy()).any()

"""torch.linalg.ldl_factor / ldl_factor_ex / ldl_solve: LAPACK's compact sytrf format and pivots (SciPy's
dsytrf/zsytrf/zhetrf through scipy.linalg.lapack, and recorded PyTorch), reconstruction and solve residuals,
indefinite, singular, batched and non-contiguous inputs, PyTorch's errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import linalg as LA
from torch_ref import catch, torch_ref

lapack = pytest.importorskip("scipy.linalg.lapack")

EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps,
       np.complex64: np.finfo(np.float32).eps, np.complex128: np.finfo(np.float64).eps}


def T(a):
    return rtorch.tensor(np.ascontiguousarray(a))


def N(t):
    return t.detach().numpy()


def sym(rng, shape, dtype, herm):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    a = a + (np.conj(np.swapaxes(a, -1, -2)) if herm else np.swapaxes(a, -1, -2))
    return a.astype(dtype)


def lapack_ldl(a, herm):
    """SciPy's LAPACK sytrf/hetrf ('L'): (LD lower, 1-based pivots, info)."""
    if np.issubdtype(a.dtype, np.complexfloating) and herm:
        f = lapack.get_lapack_funcs("hetrf", (a,))
    else:
        f = lapack.get_lapack_funcs("sytrf", (a,))
    ld, ipiv, info = f(a, lower=1)
    return np.tril(ld), ipiv.astype(np.int32), info


def reconstruct(ld, piv, herm):
    """A from LAPACK's compact lower LDL form (the xSYTRF documentation's definition)."""
    n = ld.shape[0]
    D = np.zeros_like(ld)
    k = 0
    L = np.eye(n, dtype=ld.dtype)
    while k < n:
        if piv[k] > 0:
            s, kp = 1, piv[k] - 1
            D[k, k] = ld[k, k]
        else:
            s, kp = 2, -piv[k] - 1
            D[k:k + 2, k:k + 2] = [[ld[k, k], np.conj(ld[k + 1, k]) if herm else ld[k + 1, k]],
                                   [ld[k + 1, k], ld[k + 1, k + 1]]]
        # L = P(1) L(1) P(2) L(2) ...: the k-th factor swaps rows k+s-1 and kp, then applies the block's column.
        Pk = np.eye(n, dtype=ld.dtype)
        Pk[[k + s - 1, kp]] = Pk[[kp, k + s - 1]]
        Lk = np.eye(n, dtype=ld.dtype)
        Lk[k + s:, k:k + s] = ld[k + s:, k:k + s]
        L = L @ Pk @ Lk
        k += s
    Lt = np.conj(L.T) if herm else L.T
    return L @ D @ Lt


CASES = [(np.float64, False), (np.float32, False), (np.complex128, False), (np.complex128, True),
         (np.complex64, True)]


@settings(max_examples=40, deadline=None)
@given(n=st.sampled_from([0, 1, 2, 3, 4, 7, 12]), case=st.sampled_from(CASES), seed=st.integers(0, 2**31 - 1),
       zero_diag=st.booleans())
def test_matches_lapack_sytrf(n, case, seed, zero_diag):
    dtype, herm = case
    rng = np.random.default_rng(seed)
    a = sym(rng, (n, n), dtype, herm)
    if zero_diag:
        # A zero diagonal forces 2x2 pivots and interchanges.
        a[np.arange(n), np.arange(n)] = 0
    LD, piv, info = LA.ldl_factor_ex(T(a), hermitian=herm)
    ld, ipiv, linfo = lapack_ldl(a, herm) if n else (np.zeros((0, 0), dtype), np.zeros(0, np.int32), 0)
    assert int(info) == linfo
    np.testing.assert_array_equal(N(piv), ipiv)
    tol = 200 * EPS[dtype] * max(n, 1) * max(1.0, float(np.abs(ld).max()) if n else 1.0)
    np.testing.assert_allclose(N(LD), ld, atol=tol, rtol=0)
    if n and linfo == 0:
        rec = reconstruct(N(LD).astype(np.complex128), N(piv), herm)
        np.testing.assert_allclose(rec, a, atol=tol * 10)


@settings(max_examples=30, deadline=None)
@given(n=st.sampled_from([1, 2, 3, 6, 10]), k=st.sampled_from([1, 3]), batch=st.sampled_from([(), (2,), (2, 3)]),
       case=st.sampled_from(CASES), seed=st.integers(0, 2**31 - 1))
def test_solve_residual(n, k, batch, case, seed):
    dtype, herm = case
    rng = np.random.default_rng(seed)
    a = sym(rng, (*batch, n, n), dtype, herm)
    b = rng.standard_normal((*batch, n, k)).astype(dtype)
    LD, piv = LA.ldl_factor(T(a), hermitian=herm)
    x = N(LA.ldl_solve(LD, piv, T(b), hermitian=herm))
    ours = np.linalg.norm(a @ x - b) / (np.linalg.norm(a) * np.linalg.norm(x) + 1e-300)
    ref = np.linalg.solve(a, b)
    lap = np.linalg.norm(a @ ref - b) / (np.linalg.norm(a) * np.linalg.norm(ref) + 1e-300)
    assert ours <= 20 * lap + 200 * EPS[dtype] * n, (ours, lap)


def test_noncontiguous_and_broadcast(rng):
    a = sym(rng, (3, 5, 5), np.float64, False)
    At = T(np.swapaxes(a, -1, -2).copy()).mT  # transposed view of a symmetric matrix
    LD, piv = LA.ldl_factor(At)
    ld, ipiv, _ = lapack_ldl(a[1], False)
    np.testing.assert_allclose(N(LD)[1], ld, atol=1e-12)
    b = rng.standard_normal((5, 2))
    x = N(LA.ldl_solve(LD, piv, T(b)))  # B broadcast over the batch
    np.testing.assert_allclose(a @ x, np.broadcast_to(b, (3, 5, 2)), atol=1e-10)
    # B given as a strided view.
    big = rng.standard_normal((3, 5, 4))
    xs = N(LA.ldl_solve(LD, piv, T(big)[..., ::2]))
    np.testing.assert_allclose(a @ xs, big[..., ::2], atol=1e-10)


def test_singular_and_errors():
    LD, piv, info = LA.ldl_factor_ex(rtorch.zeros(2, 2))
    assert int(info) == 1 and N(piv).tolist() == [1, 2]
    with pytest.raises(LA.LinAlgError, match="singular"):
        LA.ldl_factor(rtorch.zeros(2, 2))
    with pytest.raises(LA.LinAlgError, match="Batch element 1"):
        LA.ldl_factor_ex(rtorch.stack([rtorch.eye(2), rtorch.zeros(2, 2)]), check_errors=True)
    LD, piv = LA.ldl_factor(rtorch.eye(2))
    with pytest.raises(RuntimeError, match="pivots"):
        LA.ldl_solve(LD, piv.long(), rtorch.ones(2, 1))
    with pytest.raises(RuntimeError, match="same dtype"):
        LA.ldl_solve(LD, piv, rtorch.ones(2, 1, dtype=rtorch.float64))
    with pytest.raises(RuntimeError, match="Incompatible shapes"):
        LA.ldl_solve(LD, piv, rtorch.ones(3, 1))
    with pytest.raises(TypeError, match="'LD'"):
        LA.ldl_solve(None, piv, rtorch.ones(2, 1))
    # Garbage pivots never read out of bounds.
    bad = rtorch.tensor([-7, 99], dtype=rtorch.int32)
    LA.ldl_solve(LD, bad, rtorch.ones(2, 1))
    x = rtorch.eye(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="not implemented"):
        LA.ldl_factor(x).LD.sum().backward()


ERRORS = {
    "not_square": lambda L, t: L.ldl_factor_ex(t.zeros(2, 3)),
    "int": lambda L, t: L.ldl_factor_ex(t.zeros(2, 2, dtype=t.int64)),
    "vector": lambda L, t: L.ldl_factor(t.zeros(3)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    ref = torch_ref(lambda torch: catch(ERRORS[name], torch.linalg, torch))
    try:
        ERRORS[name](LA, rtorch)
    except Exception as e:  # noqa: BLE001
        assert type(e).__name__ == ref.type and str(e) == ref.message, (e, ref.message)
    else:
        raise AssertionError(f"no error, PyTorch raised {ref.type}: {ref.message}")


@pytest.mark.parametrize("herm", [False, True])
def test_matches_torch(herm):
    a = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]], dtype=np.float32)
    c = np.array([[1.0, 2 + 1j], [2 - 1j if herm else 2 + 1j, 1.0]], dtype=np.complex64)
    b = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)
    ref = torch_ref(lambda torch: (tuple(torch.linalg.ldl_factor(torch.from_numpy(a), hermitian=herm)),
                                   tuple(torch.linalg.ldl_factor(torch.from_numpy(c), hermitian=herm)),
                                   torch.linalg.ldl_solve(*torch.linalg.ldl_factor(torch.from_numpy(a)),
                                                          torch.from_numpy(b), hermitian=herm)))
    for (ld, p), src in zip(ref[:2], (a, c)):
        LD, piv = LA.ldl_factor(T(src), hermitian=herm)
        np.testing.assert_allclose(N(LD), ld, atol=1e-6)
        np.testing.assert_array_equal(N(piv), p)
    LD, piv = LA.ldl_factor(T(a))
    np.testing.assert_allclose(N(LA.ldl_solve(LD, piv, T(b), hermitian=herm)), ref[2], atol=1e-5)


def test_threads_and_hostile_values(rng):
    import threading
    a = sym(rng, (16, 6, 6), np.float64, False)
    want = [N(x) for x in LA.ldl_factor(T(a))]
    got = [None] * 4

    def work(i):
        got[i] = [N(x) for x in LA.ldl_factor(T(a))]

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    for g in got:
        np.testing.assert_array_equal(g[0], want[0])
        np.testing.assert_array_equal(g[1], want[1])
    # NaN and inf entries: no crash, and the pivots stay in range.
    h = np.array([[np.nan, 1.0, 0.0], [1.0, np.inf, 2.0], [0.0, 2.0, 1.0]])
    LD, piv, info = LA.ldl_factor_ex(T(h))
    p = np.abs(N(piv))
    assert ((p >= 1) & (p <= 3)).all()
    LA.ldl_solve(LD, piv, T(np.ones((3, 1))))


def test_large_matches_blocked_sytrf():
    # n past LAPACK's block size (sytrf switches to the blocked lasyf): the same pivots and factors.
    rng = np.random.default_rng(7)
    a = sym(rng, (150, 150), np.float64, False)
    LD, piv = LA.ldl_factor(T(a))
    ld, ipiv, info = lapack_ldl(a, False)
    assert info == 0
    np.testing.assert_array_equal(N(piv), ipiv)
    np.testing.assert_allclose(N(LD), ld, atol=1e-9)

"""rtorch.svd_lowrank / pca_lowrank (randomized): exact factors of matrices of rank <= q (singular values against
PyTorch, recorded, and NumPy), reconstruction, orthonormality, centering, gradients, argument errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.autograd import gradcheck
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref

LOW = (arr(1, 6, 2) @ arr(2, 2, 5)).astype(np.float32)  # rank 2


def seeded(fn):
    def case(lib):
        lib.manual_seed(0)
        return fn(lib)
    return case


CASES = {
    # for a rank-2 matrix the leading singular values are exact, whatever the random sketch
    "svd_values": seeded(lambda lib: lib.svd_lowrank(lib.tensor(LOW), q=4)[1][:2]),
    "svd_wide_values": seeded(lambda lib: lib.svd_lowrank(lib.tensor(LOW.T.copy()), q=3, niter=1)[1][:2]),
    "pca_values": seeded(lambda lib: lib.pca_lowrank(lib.tensor(LOW), q=3)[1][:2]),
    "pca_uncentered": seeded(lambda lib: lib.pca_lowrank(lib.tensor(LOW), q=2, center=False)[1]),
    "shapes": seeded(lambda lib: [tuple(t.shape) for t in lib.svd_lowrank(lib.tensor(arr(3, 2, 7, 4)), q=3)]),
    "q_larger_than_n": seeded(lambda lib: [tuple(t.shape) for t in lib.svd_lowrank(lib.tensor(arr(3, 4, 3)), q=10)]),
    "empty": seeded(lambda lib: [tuple(t.shape) for t in lib.svd_lowrank(lib.zeros(0, 3), q=2)]),
    "pca_default_q": seeded(lambda lib: [tuple(t.shape) for t in lib.pca_lowrank(lib.tensor(arr(3, 9, 8)))]),
    # errors
    "pca_q_range": lambda lib: lib.pca_lowrank(lib.tensor(arr(3, 4, 3)), q=5),
    "pca_niter": lambda lib: lib.pca_lowrank(lib.tensor(arr(3, 4, 3)), niter=-1),
    "svd_q_negative": lambda lib: lib.svd_lowrank(lib.tensor(arr(3, 4, 3)), q=-1),
    "svd_int": lambda lib: lib.svd_lowrank(lib.arange(12).reshape(4, 3), q=2),
}


def test_matches_torch():
    check_table(CASES, torch_ref(lambda torch: torch_table(torch, CASES)), rtol=1e-4, atol=1e-4)


@settings(max_examples=25, deadline=None)
@given(batch=st.sampled_from([(), (2,)]), m=st.integers(1, 7), n=st.integers(1, 7), k=st.integers(1, 3),
       niter=st.integers(0, 3), seed=st.integers(0, 100))
def test_exact_for_low_rank(batch, m, n, k, niter, seed):
    k = min(k, m, n)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal(batch + (m, k)) @ rng.standard_normal(batch + (k, n))
    q = min(k + 1, m, n)
    rtorch.manual_seed(seed)
    U, S, V = rtorch.svd_lowrank(rtorch.tensor(A), q=q, niter=niter)
    assert tuple(U.shape) == batch + (m, q) and tuple(S.shape) == batch + (q,) and tuple(V.shape) == batch + (n, q)
    recon = (U * S.unsqueeze(-2)) @ V.mT
    assert_close(recon, A, rtol=1e-8, atol=1e-8)
    eye = np.broadcast_to(np.eye(q), batch + (q, q))
    assert_close(U.mT @ U, eye, rtol=1e-8, atol=1e-8)
    assert_close(V.mT @ V, eye, rtol=1e-8, atol=1e-8)
    assert_close(S[..., :k], np.linalg.svd(A, compute_uv=False)[..., :k], rtol=1e-8, atol=1e-8)


def test_mean_argument_and_pca_centering():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((9, 2)) @ rng.standard_normal((2, 5)) + rng.standard_normal(5)  # rank 2 + offset
    mean = A.mean(0, keepdims=True)
    rtorch.manual_seed(1)
    _, S, _ = rtorch.svd_lowrank(rtorch.tensor(A), q=3, M=rtorch.tensor(mean))
    want = np.linalg.svd(A - mean, compute_uv=False)
    assert_close(S[:2], want[:2], rtol=1e-8, atol=1e-8)
    rtorch.manual_seed(1)
    U, S, V = rtorch.pca_lowrank(rtorch.tensor(A), q=3)
    assert_close(S[:2], want[:2], rtol=1e-8, atol=1e-8)
    # the variances along the principal directions are the covariance's top eigenvalues
    eig = np.sort(np.linalg.eigvalsh(np.cov(A.T)))[::-1][:2]
    assert_close(S[:2] ** 2 / (A.shape[0] - 1), eig, rtol=1e-8, atol=1e-8)


def test_sparse_input():
    rng = np.random.default_rng(4)
    A = np.where(rng.uniform(size=(6, 5)) < 0.4, rng.standard_normal((6, 5)), 0.0)
    sp = rtorch.tensor(A).to_sparse()
    rtorch.manual_seed(2)
    U, S, V = rtorch.svd_lowrank(sp, q=5, niter=4)
    assert_close((U * S) @ V.mT, A, rtol=1e-8, atol=1e-8)


def test_gradcheck_singular_values():
    rng = np.random.default_rng(5)
    A = rtorch.tensor(rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4)), requires_grad=True)

    def top(A):
        rtorch.manual_seed(0)
        return rtorch.svd_lowrank(A, q=2)[1]
    assert gradcheck(top, (A,))


def test_one_dimensional_input_raises():
    with pytest.raises(ValueError):
        rtorch.svd_lowrank(rtorch.ones(3))
    with pytest.raises(ValueError):
        rtorch.pca_lowrank(rtorch.ones(3))

"""rtorch.lobpcg (basic and ortho methods; generalized, preconditioned, batched, with a tracker): eigenpairs against
NumPy and, from a given start X (deterministic), against PyTorch (recorded); the backward by gradcheck; errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.autograd import gradcheck
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref


def spd(seed, m, shift=1.0):
    """A symmetric positive definite float64 matrix with well separated eigenvalues."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((m, m)))
    return (Q * (np.arange(1, m + 1) * 1.5 + shift)) @ Q.T


A9, B9, X9 = spd(1, 9), spd(2, 9, shift=3.0), arr(3, 9, 2, dtype=np.float64)


def lob(**kw):
    def case(lib):
        args = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        E, X = lib.lobpcg(lib.tensor(args.pop("A", A9)) if not isinstance(kw.get("A"), np.ndarray) else args.pop("A"),
                          **args)
        return E, X.abs()  # eigenvectors up to sign
    return case


CASES = {
    "ortho_largest": lob(X=X9, k=2),
    "ortho_smallest": lob(X=X9, k=2, largest=False),
    "basic_largest": lob(X=X9, k=2, method="basic"),
    "generalized": lob(X=X9, k=2, B=B9),
    "preconditioned": lob(X=X9, k=1, iK=np.linalg.inv(A9), largest=False),
    "two_iterations": lob(X=X9, k=2, niter=2),
    "batched": lob(A=np.stack([A9, spd(4, 9)]), X=np.stack([X9, X9]), k=2),
    "too_many_pairs": lob(X=arr(3, 9, 4, dtype=np.float64)),
    "not_square": lambda lib: lib.lobpcg(lib.zeros(9, 8, dtype=lib.float64), k=1),
}


def test_matches_torch():
    check_table(CASES, torch_ref(lambda torch: torch_table(torch, CASES)), rtol=1e-6, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(m=st.integers(6, 14), k=st.integers(1, 2), largest=st.booleans(), method=st.sampled_from(["ortho", "basic"]),
       seed=st.integers(0, 50))
def test_against_numpy(m, k, largest, method, seed):
    A = spd(seed, m)
    rtorch.manual_seed(seed)
    E, X = rtorch.lobpcg(rtorch.tensor(A), k=k, largest=largest, method=method, niter=200)
    w = np.linalg.eigvalsh(A)
    want = w[::-1][:k] if largest else w[:k]
    assert_close(E, want, rtol=1e-6, atol=1e-6)
    # A X = X diag(E), X orthonormal
    assert_close(rtorch.tensor(A) @ X, (X * E).numpy(), rtol=1e-4, atol=1e-4)
    assert_close(X.mT @ X, np.eye(k), rtol=1e-6, atol=1e-6)


def test_float32_and_sparse():
    A = spd(5, 12)
    rtorch.manual_seed(0)
    E, _ = rtorch.lobpcg(rtorch.tensor(A, dtype=rtorch.float32), k=2)
    assert E.dtype == rtorch.float32
    assert_close(E, np.linalg.eigvalsh(A)[::-1][:2].astype(np.float32), rtol=1e-3, atol=1e-3)
    D = np.diag(np.arange(1.0, 13.0))
    rtorch.manual_seed(0)
    E, _ = rtorch.lobpcg(rtorch.tensor(D).to_sparse(), k=2)
    assert_close(E, np.array([12.0, 11.0]), rtol=1e-6, atol=1e-6)


def test_tracker_sees_the_state_and_can_stop():
    seen = []

    def tracker(worker):
        seen.append((worker.ivars["istep"], float(worker.E[0])))
        if worker.ivars["istep"] >= 2:
            worker.bvars["force_stop"] = True
    rtorch.lobpcg(rtorch.tensor(A9), k=1, X=rtorch.tensor(X9[:, :1]), tracker=tracker, tol=1e-30)
    assert [s[0] for s in seen] == [1, 2]


@pytest.mark.parametrize("k", [1, 2])
def test_gradcheck(k):
    A = rtorch.tensor(spd(6, 9), requires_grad=True)
    X = rtorch.tensor(X9[:, :k])

    def top(A):
        E, V = rtorch.lobpcg(A, k=k, X=X, tol=1e-12, niter=500)
        return E, V.abs()
    assert gradcheck(top, (A,), eps=1e-6, atol=1e-4, rtol=1e-3)


def test_full_eigenspace_gradient():
    # k = m / 3 ... the gradient of the sum of all requested eigenvalues is sum of u u^T
    A = rtorch.tensor(spd(7, 9), requires_grad=True)
    E, U = rtorch.lobpcg(A, k=3, X=rtorch.tensor(arr(8, 9, 3, dtype=np.float64)), tol=1e-12, niter=500)
    E.sum().backward()
    want = (U @ U.mT).detach().numpy()
    assert_close(A.grad, want, rtol=1e-5, atol=1e-5)


def test_hostile_arguments():
    with pytest.raises(IndexError, match="square matrices"):
        rtorch.lobpcg(rtorch.zeros(6))
    with pytest.raises(ValueError, match="must be positive"):
        rtorch.lobpcg(rtorch.eye(6), k=0)
    with pytest.raises(ValueError, match="must be positive"):
        rtorch.lobpcg(rtorch.eye(6), k=-1)
    with pytest.raises(TypeError, match="must be Tensor"):
        rtorch.lobpcg([[1.0]])

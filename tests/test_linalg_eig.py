"""torch.linalg.eig / eigvals: residuals ||AV - V diag(w)|| against LAPACK's (NumPy), eigenvalues vs NumPy, the
norm-1 eigenvector convention, PyTorch's errors and parity (recorded fixtures), gradients (gradcheck /
gradgradcheck, float64 and complex128) and the phase-invariance check of backward."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import linalg as LA
from rtorch.autograd import gradcheck, gradgradcheck
from torch_ref import catch, torch_ref

EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps,
       np.complex64: np.finfo(np.float32).eps, np.complex128: np.finfo(np.float64).eps}


def T(a, requires_grad=False):
    return rtorch.tensor(np.ascontiguousarray(a), requires_grad=requires_grad)


def N(t):
    return t.detach().numpy()


def rand(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def view_of(a, kind):
    if kind == "contiguous":
        return T(a)
    if kind == "transposed":
        return T(np.swapaxes(a, -1, -2)).mT
    big = np.zeros((*a.shape[:-1], 2 * a.shape[-1]), dtype=a.dtype)
    big[..., ::2] = a
    return T(big)[..., ::2]


def residual(a, w, v):
    """max over the batch of ||A V - V diag(w)||_F / ||A||_F."""
    if a.size == 0:
        return 0.0
    r = a @ v - v * w[..., None, :]
    num = np.linalg.norm(r, axis=(-2, -1))
    den = np.maximum(np.linalg.norm(a, axis=(-2, -1)), 1e-300)
    return float(np.max(num / den))


def sort_eigs(w):
    return np.sort_complex(w.astype(np.complex128).reshape(-1, w.shape[-1]) if w.ndim else w)


@settings(max_examples=40, deadline=None)
@given(n=st.sampled_from([0, 1, 2, 3, 5, 8, 13]), batch=st.sampled_from([(), (1,), (3,), (2, 2), (0,)]),
       dtype=st.sampled_from([np.float32, np.float64, np.complex64, np.complex128]),
       view=st.sampled_from(["contiguous", "transposed", "strided"]), seed=st.integers(0, 2**31 - 1))
def test_eig_residual_within_lapack(n, batch, dtype, view, seed):
    rng = np.random.default_rng(seed)
    a = rand(rng, (*batch, n, n), dtype)
    w, v = LA.eig(view_of(a, view))
    cdt = np.complex128 if dtype in (np.float64, np.complex128) else np.complex64
    assert w.dtype == rtorch.complex128 if cdt == np.complex128 else w.dtype == rtorch.complex64
    assert tuple(w.shape) == (*batch, n) and tuple(v.shape) == (*batch, n, n)
    w, v = N(w), N(v)
    wl, vl = np.linalg.eig(a) if a.size else (w, v)
    ours = residual(a.astype(np.complex128), w, v)
    lapack = residual(a.astype(np.complex128), wl, vl)
    assert ours <= 10 * lapack + 100 * EPS[dtype] * max(n, 1), (ours, lapack)
    if n:
        # Norm-1 eigenvectors, and the same spectrum as LAPACK's.
        np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1.0, rtol=0, atol=50 * EPS[dtype])
        scale = max(1.0, float(np.abs(wl).max())) if wl.size else 1.0
        for x, y in zip(sort_eigs(w.reshape(-1, n)), sort_eigs(wl.reshape(-1, n))):
            np.testing.assert_allclose(x, y, atol=1e3 * EPS[dtype] * scale * n)


def test_eigvals_equal_eig_values(rng):
    a = rng.standard_normal((4, 6, 6))
    w1 = N(LA.eigvals(T(a)))
    w2 = N(LA.eig(T(a)).eigenvalues)
    np.testing.assert_allclose(w1, w2, atol=1e-12)


def test_real_input_with_complex_pairs():
    # Rotation by 90 degrees: eigenvalues +-i, eigenvectors a conjugate pair with a real largest component.
    w, v = LA.eig(rtorch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=rtorch.float64))
    w, v = N(w), N(v)
    np.testing.assert_allclose(sorted(w.imag), [-1.0, 1.0], atol=1e-14)
    np.testing.assert_allclose(w.real, 0.0, atol=1e-14)
    for j in range(2):
        k = np.argmax(np.abs(v[:, j]))
        assert abs(v[k, j].imag) < 1e-14 and v[k, j].real > 0
    np.testing.assert_allclose(v[:, 0], v[:, 1].conj(), atol=1e-14)


def test_ill_conditioned_and_defective():
    # A Jordan-like block (defective): eigenvalues still accurate to sqrt(eps) as LAPACK's.
    a = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    w = N(LA.eigvals(T(a)))
    np.testing.assert_allclose(w, 1.0, atol=1e-4)
    # Badly scaled: residual still within LAPACK's.
    rng = np.random.default_rng(3)
    d = np.diag(10.0 ** np.arange(-6, 6, 2))
    b = d @ rng.standard_normal((6, 6)) @ np.linalg.inv(d)
    w, v = LA.eig(T(b))
    wl, vl = np.linalg.eig(b)
    assert residual(b, N(w), N(v)) <= 10 * residual(b, wl, vl) + 1e-12


def test_eig_threads_agree(rng):
    a = rng.standard_normal((8, 5, 5))
    want = N(LA.eigvals(T(a)))
    out = [None] * 4

    def work(i):
        out[i] = N(LA.eigvals(T(a)))

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    for o in out:
        np.testing.assert_array_equal(o, want)


def test_out_and_errors():
    a = rtorch.tensor([[2.0, 1.0], [1.0, 3.0]])
    w, v = rtorch.empty(0, dtype=rtorch.complex64), rtorch.empty(0, dtype=rtorch.complex64)
    r = LA.eig(a, out=(w, v))
    assert r[0] is w and tuple(w.shape) == (2,) and tuple(v.shape) == (2, 2)
    o = rtorch.empty(0, dtype=rtorch.complex64)
    assert LA.eigvals(a, out=o) is o
    with pytest.raises(RuntimeError, match="safely castable"):
        LA.eig(a, out=(rtorch.empty(0), rtorch.empty(0)))
    with pytest.raises(RuntimeError, match="safely castable"):
        LA.eigvals(a, out=rtorch.empty(0))
    with pytest.raises(RuntimeError, match="infs or NaNs"):
        LA.eig(rtorch.tensor([[float("nan"), 1.0], [1.0, 1.0]]))
    with pytest.raises(TypeError, match="'A'"):
        LA.eig([[1.0]])


ERRORS = {
    "not_square": lambda L, t: L.eig(t.zeros(2, 3)),
    "vector": lambda L, t: L.eigvals(t.zeros(2)),
    "half": lambda L, t: L.eig(t.zeros(2, 2, dtype=t.float16)),
    "nan": lambda L, t: L.eig(t.tensor([[float("inf"), 0.0], [0.0, 1.0]])),
    "nan_grad": lambda L, t: L.eigvals(t.tensor([[float("nan"), 0.0], [0.0, 1.0]], requires_grad=True)),
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


def test_eigvals_of_non_finite_input_are_nan():
    # Without autograd PyTorch does not check; LAPACK returns NaN for a matrix holding inf.
    a = np.array([[[np.inf, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]], dtype=np.float32)
    ref = torch_ref(lambda torch: torch.linalg.eigvals(torch.from_numpy(a)))
    ours = N(LA.eigvals(T(a)))
    assert np.isnan(ours[0]).all() and np.isnan(ref[0]).all()
    np.testing.assert_allclose(np.sort_complex(ours[1]), np.sort_complex(ref[1]))


@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_eigenvalues_match_torch(dtype):
    rng = np.random.default_rng(11)
    a = rng.standard_normal((2, 3, 3)).astype(np.float32)
    if dtype == "complex64":
        a = (a + 1j * rng.standard_normal((2, 3, 3))).astype(np.complex64)
    ref = torch_ref(lambda torch: torch.linalg.eigvals(torch.from_numpy(a)))
    ours = N(LA.eigvals(T(a)))
    assert ours.dtype == np.complex64
    for x, y in zip(ours, ref):
        np.testing.assert_allclose(np.sort_complex(x), np.sort_complex(y), atol=2e-5)


def test_eig_gauge_invariant_grad_matches_torch():
    # A loss that is invariant to the eigenvectors' phases: sum |V|, plus the eigenvalues' real parts.
    a = np.array([[1.0, 2.0, 0.5], [-1.0, 0.5, 1.5], [0.3, -2.0, 2.0]])
    ref = torch_ref(lambda torch: torch.autograd.grad(
        (lambda r: r[1].abs().sum() + r[0].real.sum() + (r[0] ** 2).imag.sum())(
            torch.linalg.eig(x := torch.tensor(a, requires_grad=True))), x)[0])
    x = T(a, requires_grad=True)
    w, v = LA.eig(x)
    (g,) = rtorch.autograd.grad(v.abs().sum() + w.real.sum() + (w ** 2).imag.sum(), x)
    np.testing.assert_allclose(N(g), ref, atol=1e-10)


def test_gradcheck_real_and_complex(rng):
    a = rng.standard_normal((2, 4, 4))
    x = T(a, requires_grad=True)
    assert gradcheck(lambda m: LA.eigvals(m), (x,))
    assert gradcheck(lambda m: (lambda r: (r[1].abs(), r[0]))(LA.eig(m)), (x,))
    assert gradgradcheck(lambda m: LA.eigvals(m), (x,))
    c = T(rand(rng, (3, 3), np.complex128), requires_grad=True)
    assert gradcheck(lambda m: LA.eigvals(m), (c,))
    assert gradcheck(lambda m: (lambda r: (r[1].abs(), r[0]))(LA.eig(m)), (c,))
    assert gradgradcheck(lambda m: (lambda r: r[1].abs())(LA.eig(m)), (c,))


def test_backward_rejects_phase_dependent_loss(rng):
    x = T(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)), requires_grad=True)
    _, v = LA.eig(x)
    with pytest.raises(RuntimeError, match="e\\^\\{i phi\\}"):
        v.imag.sum().backward()


def test_grad_fn_name_and_removed_torch_eig():
    x = rtorch.eye(2, requires_grad=True)
    assert LA.eig(x)[0].grad_fn.name() == "LinalgEigBackward0"
    with pytest.raises(RuntimeError, match="removed"):
        rtorch.eig(rtorch.eye(2))


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
def test_single_precision_eigenvalues_as_accurate_as_lapack(dtype):
    rng = np.random.default_rng(4)
    a = rand(rng, (48, 48), dtype)
    exact = np.sort_complex(np.linalg.eigvals(a.astype(np.complex128)))
    ours = np.abs(np.sort_complex(N(LA.eigvals(T(a))).astype(np.complex128)) - exact).max()
    lapack = np.abs(np.sort_complex(np.linalg.eigvals(a).astype(np.complex128)) - exact).max()
    assert ours <= 4 * lapack + 1e-6, (ours, lapack)

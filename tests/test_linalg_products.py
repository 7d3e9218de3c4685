"""Products and contractions: matmul (batched, broadcast, vector, transposed operands), einsum, tensordot,
kron, trace, addmm, against NumPy in float64, with gradients and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch as torch
from rtorch.autograd import gradcheck
from helpers import assert_close


@given(st.integers(1, 4), st.integers(0, 5), st.integers(1, 5), st.integers(1, 5))
def test_matmul_matches_numpy(batch, m, k, n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, m, k))
    b = rng.standard_normal((k, n))
    assert_close(torch.from_numpy(a) @ torch.from_numpy(b), a @ b, rtol=1e-10, atol=1e-10)
    assert_close(torch.from_numpy(a[0].T.copy()).t() @ torch.from_numpy(b), a[0] @ b, rtol=1e-10, atol=1e-10)
    v = rng.standard_normal(k)
    assert_close(torch.from_numpy(a) @ torch.from_numpy(v), a @ v, rtol=1e-10, atol=1e-10)


def test_matmul_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        torch.ones(2, 3) @ torch.ones(4, 5)
    with pytest.raises(TypeError):
        torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("...ij,...jk", [(2, 3, 4), (4, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ijk->", [(2, 3, 4)]),
    ("bi,bi->b", [(4, 3), (4, 3)]),
])
def test_einsum_matches_numpy_and_differentiates(eq, shapes):
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(s) for s in shapes]
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    assert_close(torch.einsum(eq, *ts), np.einsum(eq, *arrs), rtol=1e-10, atol=1e-10)
    assert gradcheck(lambda *xs: torch.einsum(eq, *xs), tuple(ts))


def test_tensordot_kron_trace_addmm():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    assert_close(torch.tensordot(torch.tensor(a), torch.tensor(b), dims=([1, 2], [1, 0])),
                 np.tensordot(a, b, axes=([1, 2], [1, 0])), rtol=1e-10)
    m, n = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    assert_close(torch.kron(torch.tensor(m), torch.tensor(n)), np.kron(m, n))
    assert torch.tensor(np.eye(3) * 2).trace().item() == 6.0
    c = rng.standard_normal((2, 2))
    assert_close(torch.tensor(c).addmm(torch.tensor(m), torch.tensor(n), beta=0.5, alpha=2.0), 0.5 * c + 2 * m @ n)

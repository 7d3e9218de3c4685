"""Elementwise complex arithmetic and functions against NumPy (complex64 / complex128): promotion with real
tensors and Python scalars, broadcasting, 0-d / empty / non-contiguous inputs, the branch cuts, and PyTorch's
results for a few special values (recorded in tests/fixtures/torch_ref/test_complex_math.npz)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
from torch_ref import torch_ref

C = (rtorch.complex64, rtorch.complex128)
NP = {rtorch.complex64: np.complex64, rtorch.complex128: np.complex128}
TOL = {rtorch.complex64: dict(rtol=2e-6, atol=2e-6), rtorch.complex128: dict(rtol=1e-13, atol=1e-13)}


def crand(rng, shape, dt=np.complex128, scale=2.0):
    return (scale * rng.standard_normal(shape) + 1j * scale * rng.standard_normal(shape)).astype(dt)


UNARY = {
    "neg": np.negative, "square": np.square, "reciprocal": np.reciprocal, "exp": np.exp, "expm1": np.expm1,
    "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "sqrt": np.sqrt,
    "rsqrt": lambda z: 1 / np.sqrt(z), "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "exp2": np.exp2,
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dt", C)
def test_unary_against_numpy(name, dt):
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    a = crand(rng, (7, 5), NP[dt])
    a[0, :4] = [0.25j, -0.5, 1e-5 + 1e-6j, -1e-7j]  # near zero and on the real axis
    z = rtorch.tensor(a)
    ref = UNARY[name](a.astype(np.complex128)).astype(NP[dt])
    got = getattr(rtorch, name)(z)
    assert got.dtype is dt
    np.testing.assert_allclose(got.numpy(), ref, **TOL[dt])
    np.testing.assert_allclose(getattr(z.t(), name)().numpy(), ref.T, **TOL[dt])  # non-contiguous


@pytest.mark.parametrize("dt", C)
def test_abs_angle_are_real(dt):
    a = crand(np.random.default_rng(1), (4, 6), NP[dt])
    a[0, 0], a[0, 1] = -2.0 + 0j, -0.0 - 1j
    z = rtorch.tensor(a)
    assert z.abs().dtype is dt.to_real() and rtorch.angle(z).dtype is dt.to_real()
    np.testing.assert_allclose(z.abs().numpy(), np.abs(a), **TOL[dt])
    np.testing.assert_allclose(z.angle().numpy(), np.angle(a), **TOL[dt])
    x = rtorch.tensor([-1.0, 0.0, 2.0, float("nan")])
    np.testing.assert_allclose(rtorch.angle(x).numpy(), np.angle(x.numpy()))
    assert rtorch.angle(rtorch.tensor([-3, 4])).dtype is rtorch.float32


def test_branch_cuts_follow_the_sign_of_zero():
    # sqrt and log of negative reals: the imaginary part's sign picks the side of the cut (C99 Annex G).
    a = np.array([-4 + 0j, complex(-4, -0.0)], np.complex128)
    z = rtorch.tensor(a)
    np.testing.assert_allclose(z.sqrt().numpy(), np.sqrt(a))
    np.testing.assert_allclose(z.log().numpy(), np.log(a))


BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4),
       dt=st.sampled_from(C), name=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16),
       transpose=st.booleans())
def test_binary_broadcast_against_numpy(shapes, dt, name, seed, transpose):
    rng = np.random.default_rng(seed)
    (sa, sb), _ = shapes
    a, b = crand(rng, sa, NP[dt]), crand(rng, sb, NP[dt])
    ta, tb = rtorch.tensor(a), rtorch.tensor(b)
    if transpose and a.ndim >= 2:
        a = np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)  # same values
        ta = rtorch.tensor(np.ascontiguousarray(a.swapaxes(0, 1))).transpose(0, 1)
    got = getattr(rtorch, name)(ta, tb)
    ref = BINARY[name](a, b)
    assert got.dtype is dt and got.shape == ref.shape
    np.testing.assert_allclose(got.numpy(), ref, **TOL[dt])


@pytest.mark.parametrize("dt", C)
def test_operators_scalars_and_promotion(dt):
    rng = np.random.default_rng(2)
    a = crand(rng, (3, 4), NP[dt])
    z = rtorch.tensor(a)
    np.testing.assert_allclose((z + 1j).numpy(), a + np.array(1j, NP[dt]), **TOL[dt])
    np.testing.assert_allclose((2 * z).numpy(), 2 * a, **TOL[dt])
    np.testing.assert_allclose((1 / z).numpy(), 1 / a, **TOL[dt])
    np.testing.assert_allclose((z - 0.5).numpy(), a - 0.5, **TOL[dt])
    np.testing.assert_allclose((-z).numpy(), -a, **TOL[dt])
    x = rng.standard_normal((3, 4)).astype(np.float64)
    r = z * rtorch.tensor(x)  # float64 with complex64 -> complex128
    assert r.dtype is rtorch.complex128
    np.testing.assert_allclose(r.numpy(), a.astype(np.complex128) * x, rtol=1e-6 if dt == rtorch.complex64 else 1e-13)
    i = rtorch.tensor([[1, 2, 3, 4]], dtype=rtorch.int32)
    assert (i + z).dtype is dt
    f = rtorch.ones(2) * (1 + 1j)  # float32 tensor with a Python complex -> complex64
    assert f.dtype is rtorch.complex64 and f.tolist() == [1 + 1j, 1 + 1j]
    d = rtorch.ones(2, dtype=rtorch.float64) + 1j
    assert d.dtype is rtorch.complex128
    y = z.clone()
    y += 1j
    np.testing.assert_allclose(y.numpy(), a + np.array(1j, NP[dt]), **TOL[dt])
    y.mul_(2)
    np.testing.assert_allclose(y.numpy(), 2 * (a + np.array(1j, NP[dt])), **TOL[dt])
    with pytest.raises(RuntimeError):
        rtorch.ones(2).add_(1j)  # a float tensor cannot hold the complex result in place


@pytest.mark.parametrize("dt", C)
def test_pow(dt):
    rng = np.random.default_rng(3)
    a, b = crand(rng, (5,), NP[dt]), crand(rng, (5,), NP[dt], 0.5)
    z, w = rtorch.tensor(a), rtorch.tensor(b)
    tol = dict(rtol=2e-5, atol=2e-5) if dt == rtorch.complex64 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose((z ** w).numpy(), a.astype(np.complex128) ** b, **tol)
    np.testing.assert_allclose((z ** 2).numpy(), a * a, **tol)
    np.testing.assert_allclose((z ** 0.5).numpy(), np.sqrt(a.astype(np.complex128)), **tol)
    np.testing.assert_allclose(z.pow(3).numpy(), a.astype(np.complex128) ** 3, **tol)
    np.testing.assert_allclose((2.0 ** z).numpy(), 2.0 ** a.astype(np.complex128), **tol)
    assert (z ** 0).tolist() == [1 + 0j] * 5


def test_comparisons_and_predicates():
    a = np.array([1 + 2j, np.nan + 0j, complex(0, np.inf), 3 - 1j, -0.0 + 0j], np.complex64)
    z = rtorch.tensor(a)
    np.testing.assert_array_equal((z == z).numpy(), a == a)
    np.testing.assert_array_equal((z != 3 - 1j).numpy(), a != (3 - 1j))
    np.testing.assert_array_equal(z.eq(rtorch.tensor([1 + 2j, 0, 0, 3 - 1j, 0j])).numpy(),
                                  a == np.array([1 + 2j, 0, 0, 3 - 1j, 0j]))
    np.testing.assert_array_equal(z.isnan().numpy(), np.isnan(a))
    np.testing.assert_array_equal(z.isinf().numpy(), np.isinf(a))
    np.testing.assert_array_equal(z.isfinite().numpy(), np.isfinite(a))
    np.testing.assert_array_equal(z.logical_not().numpy(), np.logical_not(a))
    assert rtorch.isclose(z, z, equal_nan=True).all()
    b = rtorch.tensor(a + 1e-7)
    assert rtorch.allclose(rtorch.tensor([1 + 1j]), rtorch.tensor([1 + 1j + 1e-9j]))
    assert not rtorch.allclose(rtorch.tensor([1 + 1j]), rtorch.tensor([1 + 1.1j]))
    np.testing.assert_array_equal(rtorch.isclose(z, b).numpy(), np.isclose(a, a + 1e-7, rtol=1e-5, atol=1e-8))


def test_special_values_match_torch():
    vals = [complex(np.inf, 0), complex(-np.inf, 1), complex(0, np.inf), complex(np.nan, 1), complex(1, np.nan),
            0j, complex(-0.0, 0.0), complex(1e30, 1e30), complex(1e-30, -1e-30)]
    names = ["exp", "log", "sqrt", "sin", "tanh", "reciprocal", "sigmoid", "abs"]

    def compute(lib):
        z = lib.tensor(vals, dtype=lib.complex128)
        return [getattr(lib, n)(z) for n in names] + [z / z, z * z]

    refs = torch_ref(compute)
    for name, got, ref in zip(names + ["div", "mul"], compute(rtorch), refs):
        got = got.numpy()
        finite = np.isfinite(ref)
        # Where PyTorch's result is finite it must match; where it is inf/nan the same classes must appear.
        np.testing.assert_allclose(got[finite], ref[finite], rtol=1e-12, atol=1e-300, err_msg=name)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(ref), err_msg=name)


def test_empty_and_zero_dim():
    e = rtorch.zeros(0, 3, dtype=rtorch.complex64)
    assert (e * e).shape == (0, 3) and e.exp().shape == (0, 3) and e.abs().dtype is rtorch.float32
    s = rtorch.tensor(1 + 1j)
    assert (s * s).item() == 2j and s.exp().shape == ()


def test_unsupported_rows_refuse():
    z = rtorch.tensor([1 + 1j])
    for f in (lambda: z.erf(), lambda: z.relu(), lambda: z.floor(), lambda: z < z, lambda: z.maximum(z),
              lambda: rtorch.atan2(z, z), lambda: z.lgamma()):
        with pytest.raises(NotImplementedError, match="Complex"):
            f()


# ------------------------------------------------------------------------------------------------ reductions
@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 5), min_size=0, max_size=3), dt=st.sampled_from(C), seed=st.integers(0, 2**16),
       data=st.data())
def test_sum_mean_prod_against_numpy(shape, dt, seed, data):
    a = crand(np.random.default_rng(seed), tuple(shape), NP[dt], 0.7)
    z = rtorch.tensor(a)
    tol = dict(rtol=1e-5, atol=1e-5) if dt == rtorch.complex64 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z.sum().numpy(), a.sum(), **tol)
    np.testing.assert_allclose(z.prod().numpy(), a.astype(np.complex128).prod(), **tol)
    assert z.sum().dtype is dt and z.prod().dtype is dt
    if a.size:
        np.testing.assert_allclose(z.mean().numpy(), a.astype(np.complex128).mean(), **tol)
    if a.ndim:
        d = data.draw(st.integers(0, a.ndim - 1))
        np.testing.assert_allclose(z.sum(d).numpy(), a.sum(d), **tol)
        np.testing.assert_allclose(z.sum(d, keepdim=True).numpy(), a.sum(d, keepdims=True), **tol)
        np.testing.assert_allclose(z.prod(d).numpy(), a.astype(np.complex128).prod(d), **tol)
        np.testing.assert_allclose(z.cumsum(d).numpy(), np.cumsum(a.astype(np.complex128), d), **tol)
        np.testing.assert_allclose(z.cumprod(d).numpy(), np.cumprod(a.astype(np.complex128), d), **tol)
        if a.shape[d]:
            np.testing.assert_allclose(z.mean(d).numpy(), a.astype(np.complex128).mean(d), **tol)
        if a.ndim >= 2:  # non-contiguous input
            np.testing.assert_allclose(z.transpose(0, 1).sum(0).numpy(), a.swapaxes(0, 1).sum(0), **tol)


def test_large_sum_is_accurate_and_threaded():
    a = crand(np.random.default_rng(9), (1000, 300), np.complex64)
    z = rtorch.tensor(a)
    ref = a.astype(np.complex128).sum(0)
    np.testing.assert_allclose(z.sum(0).numpy(), ref, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(z.sum().numpy(), a.astype(np.complex128).sum(), rtol=1e-6)


def test_norms_are_real():
    a = crand(np.random.default_rng(10), (4, 5), np.complex128)
    z = rtorch.tensor(a)
    n = rtorch.linalg.vector_norm(z)
    assert n.dtype is rtorch.float64
    np.testing.assert_allclose(n.numpy(), np.linalg.norm(a.ravel()), rtol=1e-12)
    np.testing.assert_allclose(rtorch.linalg.vector_norm(z, 1, dim=1).numpy(), np.abs(a).sum(1), rtol=1e-12)
    np.testing.assert_allclose(rtorch.linalg.vector_norm(z, float("inf")).numpy(), np.abs(a).max(), rtol=1e-12)
    np.testing.assert_allclose(z.norm().numpy(), np.linalg.norm(a), rtol=1e-12)


# ------------------------------------------------------------------------------------------------ products
@pytest.mark.parametrize("dt", C)
def test_matmul_family_against_numpy(dt):
    rng = np.random.default_rng(11)
    tol = dict(rtol=1e-5, atol=1e-5) if dt == rtorch.complex64 else dict(rtol=1e-12, atol=1e-12)
    a, b = crand(rng, (5, 7), NP[dt]), crand(rng, (7, 3), NP[dt])
    ta, tb = rtorch.tensor(a), rtorch.tensor(b)
    np.testing.assert_allclose((ta @ tb).numpy(), a @ b, **tol)
    np.testing.assert_allclose(rtorch.mm(ta, tb).numpy(), a @ b, **tol)
    np.testing.assert_allclose((rtorch.tensor(a.T.copy()).t() @ tb).numpy(), a @ b, **tol)  # transposed view
    ba, bb = crand(rng, (4, 5, 7), NP[dt]), crand(rng, (4, 7, 6), NP[dt])
    np.testing.assert_allclose(rtorch.bmm(rtorch.tensor(ba), rtorch.tensor(bb)).numpy(), ba @ bb, **tol)
    np.testing.assert_allclose((rtorch.tensor(ba) @ tb[:, :2] if False else rtorch.tensor(ba) @ tb).numpy(), ba @ b, **tol)
    v = crand(rng, (7,), NP[dt])
    np.testing.assert_allclose(ta.mv(rtorch.tensor(v)).numpy(), a @ v, **tol)
    np.testing.assert_allclose(rtorch.dot(rtorch.tensor(v), rtorch.tensor(v)).numpy(), v @ v, **tol)
    np.testing.assert_allclose(rtorch.vdot(rtorch.tensor(v), rtorch.tensor(v[::-1].copy())).numpy(),
                               np.vdot(v, v[::-1]), **tol)
    np.testing.assert_allclose(rtorch.einsum("ij,jk->ik", ta, tb).numpy(), a @ b, **tol)
    big_a, big_b = crand(rng, (130, 70), NP[dt]), crand(rng, (70, 90), NP[dt])  # threaded tiles
    np.testing.assert_allclose((rtorch.tensor(big_a) @ rtorch.tensor(big_b)).numpy(), big_a @ big_b,
                               rtol=1e-4 if dt == rtorch.complex64 else 1e-11, atol=1e-4 if dt == rtorch.complex64 else 1e-11)
    with pytest.raises(RuntimeError):
        ta @ rtorch.tensor(b.real.copy())  # mixed dtypes refuse, as PyTorch

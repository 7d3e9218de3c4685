"""Autograd with complex tensors, PyTorch's convention: for a real loss L of complex z, z.grad is
dL/dRe(z) + i dL/dIm(z) (the conjugate Wirtinger derivative times 2). Checked with `gradcheck` in complex128
(which perturbs real and imaginary parts) and against PyTorch's gradients recorded in
tests/fixtures/torch_ref/test_complex_autograd.npz."""
import numpy as np
import pytest

import rtorch
from rtorch.autograd import gradcheck
from torch_ref import torch_ref


def cleaf(a, requires_grad=True):
    return rtorch.tensor(a, dtype=rtorch.complex128, requires_grad=requires_grad)


def crand(rng, shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


A = crand(np.random.default_rng(0), (3, 4))
B = crand(np.random.default_rng(1), (3, 4))
M = crand(np.random.default_rng(2), (4, 2))

FUNCS = {
    "mul": lambda z, w: z * w,
    "div": lambda z, w: z / (w + 3),
    "add_sub": lambda z, w: z + 2 * w - 1j,
    "exp": lambda z, w: z.exp(),
    "log": lambda z, w: (z + 5).log(),
    "sqrt": lambda z, w: (z + 5).sqrt(),
    "sin_cos": lambda z, w: z.sin() * w.cos(),
    "tanh": lambda z, w: z.tanh(),
    "reciprocal": lambda z, w: (z + 4).reciprocal(),
    "pow": lambda z, w: (z + 4) ** 2.5,
    "square_neg": lambda z, w: -(z.square()),
    "sigmoid": lambda z, w: z.sigmoid(),
    "abs": lambda z, w: z.abs(),
    "angle": lambda z, w: z.angle(),
    "real_imag": lambda z, w: z.real * w.imag,
    "view_as_real": lambda z, w: rtorch.view_as_real(z * w),
    "conj": lambda z, w: z.conj() * w,
    "sum_mean": lambda z, w: (z * w).sum(1) + z.mean(0).sum(),
    "prod": lambda z, w: (z * 0.5).prod(1),
    "matmul": lambda z, w: z @ rtorch.tensor(M, dtype=rtorch.complex128),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradcheck_complex128(name):
    f = FUNCS[name]
    z, w = cleaf(A), cleaf(B)
    assert gradcheck(f, (z, w), eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradients_match_torch(name):
    f = FUNCS[name]

    def run(lib, leaf):
        z, w = leaf(lib, A), leaf(lib, B)
        out = f(z, w)
        loss = (out.abs() ** 2).sum() if out.dtype.is_complex else (out * out).sum()
        gz, gw = lib.autograd.grad(loss, (z, w), allow_unused=True)
        zero = lib.zeros(3, 4, dtype=lib.complex128)
        return [zero if gz is None else gz, zero if gw is None else gw]

    def tleaf(torch, a):
        return torch.tensor(a, dtype=torch.complex128, requires_grad=True)

    def rleaf(lib, a):
        return cleaf(a)

    # `f` builds M with the library it is given only through rtorch.tensor: give torch its own copy.
    ref = torch_ref(lambda torch: run(torch, tleaf) if name != "matmul" else _torch_matmul(torch))
    got = run(rtorch, rleaf)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-10, atol=1e-10)


def _torch_matmul(torch):
    z = torch.tensor(A, dtype=torch.complex128, requires_grad=True)
    w = torch.tensor(B, dtype=torch.complex128, requires_grad=True)
    out = z @ torch.tensor(M, dtype=torch.complex128)
    gz, = torch.autograd.grad((out.abs() ** 2).sum(), (z,))
    return [gz, torch.zeros(3, 4, dtype=torch.complex128)]


def test_real_inputs_get_real_gradients():
    x = rtorch.tensor([1.0, 2.0], dtype=rtorch.float64, requires_grad=True)
    y = rtorch.tensor([0.5, -1.0], dtype=rtorch.float64, requires_grad=True)
    z = rtorch.complex(x, y)  # real parts in, complex out
    loss = (z * (1 + 2j)).abs().sum()
    loss.backward()
    assert x.grad.dtype is rtorch.float64 and y.grad.dtype is rtorch.float64
    assert gradcheck(lambda a, b: rtorch.polar(a.abs() + 0.5, b) * (2 - 1j), (x, y))
    assert gradcheck(lambda a, b: a * rtorch.complex(b, a), (x, y))  # a real operand promoted into a complex op
    r = rtorch.tensor(np.arange(8.0).reshape(4, 2), dtype=rtorch.float64, requires_grad=True)
    assert gradcheck(lambda t: rtorch.view_as_complex(t) ** 2, (r,))


def test_requires_grad_rules():
    z = rtorch.zeros(2, dtype=rtorch.complex64, requires_grad=True)
    assert z.requires_grad
    with pytest.raises(RuntimeError, match="real scalar outputs"):
        (z.sum() + 1).backward()
    with pytest.raises(RuntimeError, match="floating point and complex"):
        rtorch.zeros(2, dtype=rtorch.int64).requires_grad_()
    assert (z * 2).grad_fn is not None
    assert rtorch.view_as_real(z).grad_fn.name() == "ViewAsRealBackward0"

"""index_add / index_copy / index_fill (out of place and in place), addcmul / addcdiv / lerp_:
forward against NumPy (and PyTorch when importable), gradients by finite differences in float64."""
import numpy as np
import pytest

import rtorch as torch
from conftest import assert_close
from rtorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _np_index_add(x, dim, idx, src, alpha=1):
    out = np.moveaxis(x.copy(), dim, 0)
    s = np.moveaxis(src, dim, 0)
    for j, i in enumerate(idx):
        out[i] += alpha * s[j]  # repeated indices accumulate
    return np.moveaxis(out, 0, dim)


def _np_index_copy(x, dim, idx, src):
    out = np.moveaxis(x.copy(), dim, 0)
    s = np.moveaxis(src, dim, 0)
    for j, i in enumerate(idx):
        out[i] = s[j]
    return np.moveaxis(out, 0, dim)


def _np_index_fill(x, dim, idx, value):
    out = np.moveaxis(x.copy(), dim, 0)
    out[np.asarray(idx)] = value
    return np.moveaxis(out, 0, dim)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_index_add_copy_fill_match_numpy(dim):
    x = RNG.standard_normal((4, 5, 3))
    n = x.shape[dim]
    idx = np.array([n - 1, 0, n - 1, 1])  # a repeated index: accumulates in index_add
    src_shape = list(x.shape)
    src_shape[dim] = len(idx)
    src = RNG.standard_normal(src_shape)
    t, ti, ts = torch.from_numpy(x), torch.tensor(idx), torch.from_numpy(src)
    assert_close(t.index_add(dim, ti, ts), _np_index_add(x, dim, idx, src))
    assert_close(torch.index_add(t, dim, ti, ts, alpha=-2.5), _np_index_add(x, dim, idx, src, -2.5))
    uniq = np.array([n - 1, 0])
    src2 = np.take(src, [0, 1], axis=dim)
    assert_close(t.index_copy(dim, torch.tensor(uniq), torch.from_numpy(src2)), _np_index_copy(x, dim, uniq, src2))
    assert_close(t.index_fill(dim, ti, 7.5), _np_index_fill(x, dim, idx, 7.5))
    assert_close(t.index_fill(dim, torch.tensor([-1]), torch.tensor(2.0, dtype=torch.float64)),
                 _np_index_fill(x, dim, [-1], 2.0))  # index_fill wraps negative indices (PyTorch does)
    # In place: the same values, written into self, which is returned.
    a = t.clone()
    assert a.index_add_(dim, ti, ts, alpha=2) is a
    assert_close(a, _np_index_add(x, dim, idx, src, 2))
    a = t.clone()
    assert a.index_copy_(dim, torch.tensor(uniq), torch.from_numpy(src2)) is a
    assert_close(a, _np_index_copy(x, dim, uniq, src2))
    a = t.clone()
    assert a.index_fill_(dim, ti, -1.0) is a
    assert_close(a, _np_index_fill(x, dim, idx, -1.0))


def test_index_ops_int_and_0d():
    a = torch.ones(3, dtype=torch.int64)
    a.index_add_(0, torch.tensor([0, 0]), torch.tensor([2, 3]), alpha=2)
    assert a.tolist() == [11, 1, 1] and a.dtype is torch.int64
    b = torch.zeros(3, dtype=torch.int64).index_fill_(0, torch.tensor([1]), 2.5)
    assert b.tolist() == [0, 2, 0]  # the value is cast to self's dtype
    z = torch.tensor(1.0)
    assert z.index_add(0, torch.tensor([0]), torch.tensor(2.0)).item() == 3.0
    assert z.index_copy(0, torch.tensor(0), torch.tensor(5.0)).item() == 5.0
    e = torch.ones(2, 3).index_add(1, torch.tensor([], dtype=torch.int64), torch.ones(2, 0))
    assert e.tolist() == [[1.0] * 3] * 2


@pytest.mark.parametrize("code,cls,mention", [
    ("torch.ones(3, 2).index_add_(0, torch.tensor([0]), torch.ones(1, 3))", RuntimeError, "[1, 3]"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([0, 1]), torch.ones(1, 2))", RuntimeError, "(2)"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([5]), torch.ones(1, 2))", RuntimeError, "5"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([-1]), torch.ones(1, 2))", RuntimeError, "-1"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([[0]]), torch.ones(1, 2))", IndexError, "[1, 1]"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([0.]), torch.ones(1, 2))", RuntimeError, "float32"),
    ("torch.ones(3, 2).index_add_(0, torch.tensor([0]), torch.ones(1, 2, dtype=torch.float64))", RuntimeError,
     "float64"),
    ("torch.ones(3, 2).index_copy_(0, torch.tensor([0]), torch.ones(1, 3))", RuntimeError, "[1, 3]"),
    ("torch.ones(3, 2).index_copy_(0, torch.tensor([0, 1]), torch.ones(1, 2))", IndexError, "(2)"),
    ("torch.ones(3, 2).index_copy_(0, torch.tensor([5]), torch.ones(1, 2))", IndexError, "5"),
    ("torch.ones(3, 2).index_fill_(0, torch.tensor([5]), 2.)", IndexError, "5"),
    ("torch.ones(3, 2).index_fill_(0, torch.tensor([[0]]), 2.)", RuntimeError, "vector"),
    ("torch.ones(3, 2).index_fill_(0, torch.tensor([0]), torch.tensor([2.]))", RuntimeError, "0-dimensional"),
    ("torch.addcdiv(torch.ones(2), torch.tensor([1, 2]), torch.tensor([1, 2]))", RuntimeError, "Integer division"),
])
def test_index_op_errors_like_pytorch(code, cls, mention):
    for lib in filter(None, [torch, _torch_or_none()]):
        with pytest.raises(cls) as e:
            exec(code, {"torch": lib})
        if lib is torch:
            assert mention in str(e.value), str(e.value)


def _torch_or_none():
    try:
        import torch as pt
    except ImportError:
        return None
    return pt


def test_index_ops_match_pytorch():
    pt = pytest.importorskip("torch")
    x = RNG.standard_normal((3, 4))
    idx = np.array([2, 0, 2])
    src = RNG.standard_normal((3, 3))
    for dim in (0, 1):
        s = src if dim == 1 else RNG.standard_normal((3, 4))
        for lib_fn in ("index_add", "index_fill"):
            if lib_fn == "index_add":
                ours = torch.from_numpy(x).index_add(dim, torch.tensor(idx), torch.from_numpy(s), alpha=0.5)
                ref = pt.from_numpy(x).index_add(dim, pt.tensor(idx), pt.from_numpy(s), alpha=0.5)
            else:
                ours = torch.from_numpy(x).index_fill(dim, torch.tensor(idx), -3.0)
                ref = pt.from_numpy(x).index_fill(dim, pt.tensor(idx), -3.0)
            assert_close(ours, ref.numpy(), rtol=1e-12, atol=1e-12)
    a, b, c = (RNG.standard_normal((2, 3)) for _ in range(3))
    ta, tb, tc = map(torch.from_numpy, (a, b, c))
    pa, pb, pc = map(pt.from_numpy, (a, b, c))
    assert_close(torch.addcmul(ta, tb, tc, value=0.3), pt.addcmul(pa, pb, pc, value=0.3).numpy())
    assert_close(torch.addcdiv(ta, tb, tc, value=-2), pt.addcdiv(pa, pb, pc, value=-2).numpy())
    assert_close(ta.clone().lerp_(tb, 0.25), pa.clone().lerp_(pb, 0.25).numpy())


def _leaf(*shape, seed=0):
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape)).requires_grad_()


def test_index_ops_gradcheck():
    idx = torch.tensor([2, 0, 2])  # repeated: index_add's source gradient is gathered twice
    x, s1, s0 = _leaf(3, 4, seed=1), _leaf(3, 3, seed=2), _leaf(3, 4, seed=3)
    assert gradcheck(lambda a, b: a.index_add(1, idx, b, alpha=1.5), (x, s1))
    assert gradcheck(lambda a, b: torch.index_add(a, 0, idx, b), (x, s0))
    assert gradgradcheck(lambda a, b: a.index_add(1, idx, b), (x, s1))
    u = torch.tensor([2, 0])
    assert gradcheck(lambda a, b: a.index_copy(0, u, b), (x, _leaf(2, 4, seed=4)))
    v = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda a, w: a.index_fill(1, idx, w), (x, v))
    assert gradcheck(lambda a: a.index_fill(0, idx, 2.0), (x,))
    # In place on a non-leaf: history is taken over by the result.
    assert gradcheck(lambda a, b: (a * 1).index_add_(1, idx, b), (x, s1))
    assert gradcheck(lambda a, b: (a * 1).index_copy_(0, u, b), (x, _leaf(2, 4, seed=5)))
    assert gradcheck(lambda a, w: (a * 1).index_fill_(1, idx, w), (x, v))


def test_addcmul_addcdiv_lerp():
    a, b, c = (RNG.standard_normal((2, 3)) for _ in range(3))
    c = c + np.sign(c)  # keep the divisor away from 0
    ta, tb, tc = map(torch.from_numpy, (a, b, c))
    assert_close(ta.addcmul(tb, tc), a + b * c)
    assert_close(torch.addcmul(ta, tb, tc, value=2), a + 2 * b * c)
    assert_close(ta.addcdiv(tb, tc, value=0.5), a + 0.5 * b / c)
    assert_close(torch.addcdiv(ta, tb, tc), a + b / c)
    t = ta.clone()
    assert t.addcmul_(tb, tc, value=-1) is t
    assert_close(t, a - b * c)
    t = ta.clone()
    assert t.addcdiv_(tb, tc) is t
    assert_close(t, a + b / c)
    t = ta.clone()
    assert t.lerp_(tb, 0.25) is t
    assert_close(t, a + 0.25 * (b - a))
    assert_close(ta.clone().lerp_(tb, tc), a + c * (b - a))
    # Broadcasting of the operands, as in PyTorch.
    assert_close(ta.addcmul(tb[:1], tc[:, :1]), a + b[:1] * c[:, :1])
    x, y, z = _leaf(2, 3, seed=6), _leaf(2, 3, seed=7), _leaf(2, 3, seed=8)
    zz = (z.detach() + torch.from_numpy(np.sign(z.detach().numpy()))).requires_grad_()
    assert gradcheck(lambda p, q, r: p.addcmul(q, r, value=0.7), (x, y, z))
    assert gradcheck(lambda p, q, r: p.addcdiv(q, r, value=-1.3), (x, y, zz))
    assert gradcheck(lambda p, q, r: (p * 1).addcmul_(q, r), (x, y, z))
    assert gradcheck(lambda p, q, r: (p * 1).addcdiv_(q, r), (x, y, zz))
    assert gradcheck(lambda p, q: (p * 1).lerp_(q, 0.3), (x, y))
    with pytest.raises(RuntimeError, match="leaf"):
        x.addcmul_(y, z)


def test_scatter_checks_index_shapes_like_pytorch():
    # Without these checks the kernel wrote into the next row (index wider than self outside dim).
    with pytest.raises(RuntimeError, match="smaller than self"):
        torch.zeros(2, 3).scatter(0, torch.zeros((2, 5), dtype=torch.int64), 1.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        torch.zeros(2, 3).scatter(0, torch.zeros((1, 1, 1), dtype=torch.int64), 1.0)
    with pytest.raises(RuntimeError, match="smaller size than src"):
        torch.zeros(4, 4).scatter(0, torch.zeros((3, 3), dtype=torch.int64), torch.ones(2, 3))
    out = torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), torch.tensor([[5.0], [7.0]]))
    assert out.tolist() == [[0.0, 0.0, 5.0], [7.0, 0.0, 0.0]]


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_methods_match_numpy(accumulate):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(6, 4, 5))
    i0 = rng.integers(-6, 6, size=20) if accumulate else np.array([5, 0, -2, 1])
    i2 = rng.integers(0, 5, size=i0.shape)
    v = rng.normal(size=(len(i0), 4))
    want = a.copy()
    if accumulate:
        np.add.at(want, (i0, slice(None), i2), v)
    else:
        want[i0, :, i2] = v
    x = torch.tensor(a)
    idx = (torch.tensor(i0), None, torch.tensor(i2))
    out = x.index_put(idx, torch.tensor(v), accumulate=accumulate)
    np.testing.assert_allclose(out.numpy(), want, atol=1e-12)
    np.testing.assert_allclose(x.numpy(), a)  # out of place leaves x alone
    assert x.index_put_(list(idx), torch.tensor(v), accumulate=accumulate) is x
    np.testing.assert_allclose(x.numpy(), want, atol=1e-12)
    # Gradients to self and values (in float64, by finite differences).
    p = torch.tensor(a).requires_grad_()
    val = torch.tensor(v).requires_grad_()
    assert gradcheck(lambda p, val: p.index_put(idx, val, accumulate=accumulate) ** 2, (p, val))
    assert gradcheck(lambda p, val: p.clone().index_put_(idx, val, accumulate=accumulate), (p, val))
    with pytest.raises(TypeError, match="tuple of tensors"):
        x.index_put_(torch.tensor(i0), torch.tensor(v))


def test_setitem_with_values_that_alias_self_matches_numpy():
    # The values are a view of the destination: they are read as they were before the write.
    a = np.arange(10.0)
    x = torch.tensor(a)
    a[[1, 2, 3]] = a[:3]
    x[torch.tensor([1, 2, 3])] = x[:3]
    np.testing.assert_array_equal(x.numpy(), a)
    b = np.arange(24.0).reshape(6, 4)
    y = torch.tensor(b)
    b[[5, 0, 2]] = b[1:4]
    y[torch.tensor([5, 0, 2])] = y[1:4]
    np.testing.assert_array_equal(y.numpy(), b)

"""Indexing: getitem / setitem (basic, advanced, boolean masks), gather / scatter / index_select / where /
masked ops / take_along_dim, index_add / index_copy / index_fill / index_put (out of place and in place),
nonzero; forward against NumPy (and PyTorch when importable), gradients by finite differences in float64."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close, randn_leaf
from torch_ref import TorchError, catch, torch_ref


INDEXES = [
    (1,), (-1,), (slice(None, None, -1),), (slice(1, None, 2), 0), (Ellipsis, 1), (None, 0),
    ([0, 2],), ([[0], [1]], [1, 2]), (slice(None), [0, 1, 1]), (0, slice(None), [1, 0]),
    ([1, 0], slice(None), [0, 1]), (Ellipsis, None), (np.array([True, False, True]),),
]


@pytest.mark.parametrize("idx", INDEXES, ids=[repr(i) for i in INDEXES])
def test_getitem_matches_numpy(idx):
    a = np.arange(3 * 4 * 3, dtype=np.float32).reshape(3, 4, 3)
    t = torch.from_numpy(a)
    tidx = tuple(torch.tensor(i) if isinstance(i, (list, np.ndarray)) else i for i in idx)
    assert_close(t[tidx], a[idx])


@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)), st.data())
def test_boolean_mask_and_setitem(a, data):
    t = torch.tensor(a)
    mask = a > 0
    assert_close(t[torch.from_numpy(mask)], a[mask])
    b = a.copy()
    b[mask] = -1
    t[torch.from_numpy(mask)] = -1
    assert_close(t, b)
    i = data.draw(st.integers(0, a.shape[0] - 1))
    b[i] = 5
    t[i] = 5
    assert_close(t, b)


def test_index_errors():
    t = torch.zeros(3, 4)
    with pytest.raises(IndexError, match="out of bounds"):
        t[3]
    with pytest.raises(IndexError):
        t[torch.tensor([0, 5])]
    with pytest.raises(IndexError, match="too many indices"):
        t[0, 0, 0]
    with pytest.raises(IndexError):
        t.sum(dim=2)


def test_gather_scatter_index_select_where():
    x = torch.tensor([[1.0, 2, 3], [4, 5, 6]])
    idx = torch.tensor([[2, 0], [1, 1]])
    assert x.gather(1, idx).tolist() == [[3.0, 1.0], [5.0, 5.0]]
    z = torch.zeros(2, 3).scatter_add(1, idx, torch.ones(2, 2))
    assert z.tolist() == [[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]
    assert x.index_select(1, torch.tensor([2, 0])).tolist() == [[3.0, 1.0], [6.0, 4.0]]
    assert torch.where(x > 3, x, 0.0).tolist() == [[0.0, 0.0, 0.0], [4.0, 5.0, 6.0]]
    assert x.masked_fill(x < 3, -1).tolist() == [[-1.0, -1.0, 3.0], [4.0, 5.0, 6.0]]
    assert torch.tensor([0, 3, 0, 1]).nonzero().tolist() == [[1], [3]]


def test_meshgrid_take_along_dim_masked_scatter():
    x, y = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
    ex, ey = np.meshgrid([1, 2], [3, 4, 5], indexing="ij")
    assert_close(x, ex) and assert_close(y, ey)
    x, y = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="xy")
    ex, ey = np.meshgrid([1, 2], [3, 4, 5], indexing="xy")
    assert_close(x, ex)
    a = np.array([[10, 30, 20], [60, 40, 50]])
    idx = np.argsort(a, axis=1)
    assert_close(torch.tensor(a).take_along_dim(torch.tensor(idx), 1), np.take_along_axis(a, idx, 1))
    m = torch.tensor([[True, False], [False, True]])
    r = torch.zeros(2, 2).masked_scatter(m, torch.tensor([1.0, 2.0, 3.0]))
    assert r.tolist() == [[1.0, 0.0], [0.0, 2.0]]


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
    with pytest.raises(cls) as e:
        exec(code, {"torch": torch})
    assert mention in str(e.value), str(e.value)
    err = torch_ref(lambda pt: catch(exec, code, {"torch": pt}))
    assert isinstance(err, TorchError) and err.type == cls.__name__, err


def test_index_ops_match_pytorch():
    g = np.random.default_rng(11)  # its own generator: the shared RNG's state depends on which tests ran
    x = g.standard_normal((3, 4))
    idx = np.array([2, 0, 2])
    src = g.standard_normal((3, 3))
    cases = [(dim, src if dim == 1 else g.standard_normal((3, 4))) for dim in (0, 1)]
    a, b, c = (g.standard_normal((2, 3)) for _ in range(3))

    def run(lib):  # index_add / index_fill on both dims, then addcmul, addcdiv, lerp_
        out = []
        for dim, s in cases:
            out.append(lib.from_numpy(x).index_add(dim, lib.tensor(idx), lib.from_numpy(s), alpha=0.5))
            out.append(lib.from_numpy(x).index_fill(dim, lib.tensor(idx), -3.0))
        ta, tb, tc = map(lib.from_numpy, (a, b, c))
        return out + [lib.addcmul(ta, tb, tc, value=0.3), lib.addcdiv(ta, tb, tc, value=-2),
                      ta.clone().lerp_(tb, 0.25)]
    for ours, ref in zip(run(torch), torch_ref(run), strict=True):
        assert_close(ours, ref, rtol=1e-12, atol=1e-12)


def test_index_ops_gradcheck():
    idx = torch.tensor([2, 0, 2])  # repeated: index_add's source gradient is gathered twice
    x, s1, s0 = randn_leaf(3, 4, seed=1), randn_leaf(3, 3, seed=2), randn_leaf(3, 4, seed=3)
    assert gradcheck(lambda a, b: a.index_add(1, idx, b, alpha=1.5), (x, s1))
    assert gradcheck(lambda a, b: torch.index_add(a, 0, idx, b), (x, s0))
    assert gradgradcheck(lambda a, b: a.index_add(1, idx, b), (x, s1))
    u = torch.tensor([2, 0])
    assert gradcheck(lambda a, b: a.index_copy(0, u, b), (x, randn_leaf(2, 4, seed=4)))
    v = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda a, w: a.index_fill(1, idx, w), (x, v))
    assert gradcheck(lambda a: a.index_fill(0, idx, 2.0), (x,))
    # In place on a non-leaf: history is taken over by the result.
    assert gradcheck(lambda a, b: (a * 1).index_add_(1, idx, b), (x, s1))
    assert gradcheck(lambda a, b: (a * 1).index_copy_(0, u, b), (x, randn_leaf(2, 4, seed=5)))
    assert gradcheck(lambda a, w: (a * 1).index_fill_(1, idx, w), (x, v))


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


@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (3, 0, 2), (5, 1, 4), (70_001,), (3, 300, 257), (2, 2, 2, 2, 9000)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8, np.bool_])
def test_nonzero_matches_numpy(shape, dtype):
    # Large shapes run in several chunks on the pool (each writes at its running count).
    rng = np.random.default_rng(sum(shape) + len(shape))
    a = np.asarray((rng.integers(-1, 2, size=shape) * (rng.random(shape) < 0.4)).astype(dtype))
    if a.dtype.kind == "f" and a.size:
        a.flat[rng.integers(0, a.size, size=3)] = [np.nan, -0.0, np.inf]  # NaN is non-zero, -0.0 is zero
    t = torch.from_numpy(a)
    want = np.argwhere(a)
    got = t.nonzero().numpy()
    assert got.shape == want.shape and (got == want).all()
    if a.ndim:  # NumPy refuses nonzero of a 0-d array
        for g, w in zip(t.nonzero(as_tuple=True), np.nonzero(a)):
            assert (g.numpy() == w).all()
    # Through a non-contiguous view, and as a boolean mask.
    if a.ndim >= 2:
        v = a.swapaxes(0, -1)
        assert (t.transpose(0, -1).nonzero().numpy() == np.argwhere(v)).all()
    if a.ndim >= 1:
        x = rng.normal(size=shape)
        np.testing.assert_array_equal(torch.from_numpy(x)[t != 0].numpy(), x[a != 0])


@pytest.mark.parametrize("rows", [0, 1, 5, 70_000])
def test_integer_row_gather_matches_numpy(rows):
    rng = np.random.default_rng(rows)
    x = rng.normal(size=(300, 64)).astype(np.float32)
    idx = rng.integers(-300, 300, size=rows)
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(t[torch.from_numpy(idx)].numpy(), x[idx])
    # Strided rows (every other column) and a column gather take the general paths.
    np.testing.assert_array_equal(t[:, ::2][torch.from_numpy(idx)].numpy(), x[:, ::2][idx])
    np.testing.assert_array_equal(t[:, torch.from_numpy(idx % 64)].numpy(), x[:, idx % 64])


# ---- issue 16 item 4: Python ranges, lists of ints, NumPy int and bool arrays as indices (get and set) ----

@pytest.mark.parametrize("key", [
    range(3), range(5, 1, -2), range(0), [4, 0, 4], np.array([1, 3]), np.array([[0, 1], [5, 4]]),
    np.arange(6) > 2, np.array([True, False, True, False, False, True]), np.int64(2), (range(2),),
    [True, False, True, True, False, False],
])
def test_python_and_numpy_indices(key):
    a = np.arange(12.0).reshape(6, 2)
    t = torch.tensor(a)
    np_key = np.asarray(key, dtype=np.int64) if isinstance(key, range) else key
    if isinstance(key, tuple):
        np_key = tuple(np.asarray(k, dtype=np.int64) if isinstance(k, range) else k for k in key)
    assert_close(t[key], a[np_key])
    t2, a2 = torch.tensor(a), a.copy()
    t2[key] = -1.0
    a2[np_key] = -1.0
    assert_close(t2, a2)


def test_range_index_on_a_second_dim_and_in_the_graph():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = torch.tensor(a, requires_grad=True)
    assert_close(t[:, range(1, 3)].detach(), a[:, 1:3])
    t[1, range(2), [0, 3]].sum().backward()
    g = np.zeros_like(a)
    g[1, [0, 1], [0, 3]] = 1
    assert_close(t.grad, g)


# ------------------------------------------------------------------ threaded gather / scatter / put
def _np_scatter(out, dim, idx, src, how, include_self=True):
    """NumPy oracle for scatter / scatter_reduce along `dim`, applying values in row-major order."""
    out = out.copy()
    dim = dim % out.ndim
    pos = list(np.indices(idx.shape))
    pos[dim] = idx
    dest = tuple(p.reshape(-1) for p in pos)
    vals = src[tuple(slice(0, s) for s in idx.shape)].reshape(-1)
    if how is None:
        for k in range(vals.size):  # in order: the last write wins
            out[tuple(d[k] for d in dest)] = vals[k]
        return out
    flat = np.ravel_multi_index(dest, out.shape)
    touched = np.zeros(out.size, bool)
    touched[flat] = True
    o = out.reshape(-1)
    if not include_self:
        o[touched] = {"sum": 0, "prod": 1, "mean": 0, "amax": -np.inf, "amin": np.inf}[how]
    {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[how].at(o, flat, vals)
    if how == "mean":
        cnt = np.bincount(flat, minlength=out.size) + (1 if include_self else 0)
        o[touched] = o[touched] / cnt[touched]
    return o.reshape(out.shape)


# Shapes that take each split of the destination at 2 threads: by outer block (many rows), by inner
# columns (one outer block, wide rows), by ranges of index values (a 1-D destination), and a size
# below the grain that stays on one thread.
_SCATTER_CASES = [((256, 1024), (256, 512), -1), ((64, 1024), (512, 1024), 0), ((1000,), (100_003,), 0),
                  ((3, 7, 5), (3, 9, 5), 1), ((70, 3, 1000), (70, 2, 1000), 1)]


@pytest.mark.parametrize("dst,ish,dim", _SCATTER_CASES, ids=str)
def test_scatter_family_split_by_destination(dst, ish, dim, num_threads):
    rng = np.random.default_rng(sum(dst))
    base = rng.integers(-4, 5, dst).astype(np.float64)
    idx = rng.integers(0, dst[dim], ish)
    src = rng.integers(-4, 5, ish).astype(np.float64)
    x, i, s = torch.from_numpy(base), torch.from_numpy(idx), torch.from_numpy(src)
    assert_close(x.scatter_add(dim, i, s), _np_scatter(base, dim, idx, src, "sum"), rtol=0, atol=0)
    assert_close(x.gather(dim, i), np.take_along_axis(base, idx, dim), rtol=0, atol=0)
    for how in ("sum", "amax", "amin", "mean"):
        for inc in (True, False):
            assert_close(x.scatter_reduce(dim, i, s, how, include_self=inc),
                         _np_scatter(base, dim, idx, src, how, inc), rtol=1e-12, atol=1e-12)
    small = rng.choice([0.5, 1.0, 2.0], ish)  # exact products
    assert_close(x.scatter_reduce(dim, i, torch.from_numpy(small), "prod"),
                 _np_scatter(base, dim, idx, small, "prod"), rtol=0, atol=0)
    if np.prod(ish) < 200_000:
        assert_close(x.scatter(dim, i, s), _np_scatter(base, dim, idx, src, None), rtol=0, atol=0)
    # Integer destinations (wrapping adds, floor-divided means) and a transposed destination view.
    xi = torch.from_numpy(base.astype(np.int32))
    assert_close(xi.scatter_add(dim, i, torch.from_numpy(src.astype(np.int32))),
                 _np_scatter(base, dim, idx, src, "sum").astype(np.int32))
    if len(dst) == 2:
        xt = torch.from_numpy(np.ascontiguousarray(base.T)).t()
        assert_close(xt.scatter_add(dim, i, s), _np_scatter(base, dim, idx, src, "sum"), rtol=0, atol=0)
        assert_close(xt.scatter_reduce(dim, i, s, "mean"), _np_scatter(base, dim, idx, src, "mean"),
                     rtol=1e-12, atol=1e-12)
        yt = torch.from_numpy(np.ascontiguousarray(base.T)).t()
        yt.scatter_add_(dim, i, s)
        assert_close(yt, _np_scatter(base, dim, idx, src, "sum"), rtol=0, atol=0)


@pytest.mark.parametrize("rows,width,n", [(1000, 1024, 200), (100_003, 2, 70_001), (50, 3, 10)])
def test_index_put_accumulate_and_index_add_split_by_destination(rows, width, n, num_threads):
    # Long rows split by column range; short rows by ranges of destination offsets; duplicates add up.
    rng = np.random.default_rng(rows)
    base = rng.integers(-3, 4, (rows, width)).astype(np.float32)
    idx = rng.integers(0, rows, n)
    vals = rng.integers(-3, 4, (n, width)).astype(np.float32)
    ref = base.copy()
    np.add.at(ref, idx, vals)
    x = torch.from_numpy(base.copy())
    x.index_put_((torch.from_numpy(idx),), torch.from_numpy(vals), accumulate=True)
    assert_close(x, ref, rtol=0, atol=0)
    ref2 = base.copy()
    np.add.at(ref2, idx, 2 * vals)
    assert_close(torch.from_numpy(base).index_add(0, torch.from_numpy(idx), torch.from_numpy(vals), alpha=2), ref2,
                 rtol=0, atol=0)
    # Without accumulate a repeated row keeps the last value written.
    y = torch.from_numpy(base.copy())
    y[torch.from_numpy(idx)] = torch.from_numpy(vals)
    ref3 = base.copy()
    last = {r: k for k, r in enumerate(idx)}
    for r, k in last.items():
        ref3[r] = vals[k]
    assert_close(y, ref3, rtol=0, atol=0)


def test_scatter_gather_gradcheck_and_bounds():
    x = randn_leaf(4, 5)
    idx = torch.tensor([[0, 1, 1, 3, 2], [2, 2, 0, 0, 1]])
    src = randn_leaf(2, 5)
    assert gradcheck(lambda a, b: a.scatter_add(0, idx, b), (x, src))
    assert gradcheck(lambda a: a.gather(1, idx[:, :3]), (x,))
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.zeros(3, 4).scatter_add(1, torch.tensor([[0, 4]]), torch.ones(1, 2))
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.zeros(3, 4).gather(0, torch.tensor([[-1]]))

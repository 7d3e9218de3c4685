"""The column-strip paths of reductions, arg-extremes, scans and softmax over leading and middle dims
(src/cpu/reduce.rs and src/cpu/softmax.rs, 256-column strips): inner sizes around the strip width, rows
around the 16-row block, pieces of the reduced dim (few outputs, many rows), NaN propagation and first-index
ties for amax / argmax, 0-sized dims, transposed inputs, 1 and 2 threads, against NumPy."""
import numpy as np
import pytest

import rtorch as torch

STRIP = 256  # src/cpu/reduce.rs, src/cpu/softmax.rs
ROWS = 16  # src/cpu/reduce.rs


# [outer, n, inner] with the reduced dim in the middle: inner at the strip edges, n at the block edges,
# n large with a single strip (the reduced dim split into pieces between threads).
SHAPES = [(1, 17, STRIP - 1), (2, ROWS, STRIP), (3, ROWS + 1, STRIP + 1), (1, 5, 2 * STRIP + 3), (1, 3001, 40),
          (1, 600, 300), (4, 33, 70)]


def data(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reductions_over_middle_and_leading_dims(shape, num_threads):
    a = data(shape, sum(shape))
    t = torch.from_numpy(a)
    for dim in (0, 1):
        np.testing.assert_allclose(t.sum(dim).numpy(), a.astype(np.float64).sum(dim), rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(t.mean(dim).numpy(), a.astype(np.float64).mean(dim), rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(t.amax(dim).numpy(), a.max(dim))
        np.testing.assert_array_equal(t.amin(dim).numpy(), a.min(dim))
        p = (a * 0.1 + 1).astype(np.float32)
        np.testing.assert_allclose(torch.from_numpy(p).prod(dim).numpy(), p.astype(np.float64).prod(dim), rtol=1e-5)
        np.testing.assert_array_equal(t.argmax(dim).numpy(), a.argmax(dim))
        np.testing.assert_array_equal(t.argmin(dim).numpy(), a.argmin(dim))
        b = a > 1.5
        np.testing.assert_array_equal(torch.from_numpy(b).any(dim).numpy(), b.any(dim))
        np.testing.assert_array_equal(torch.from_numpy(b).all(dim).numpy(), b.all(dim))
        np.testing.assert_allclose(t.cumsum(dim).numpy(), np.cumsum(a.astype(np.float64), dim), rtol=1e-5, atol=1e-4)
    # Over the first two dims at once, and over the last (rows).
    np.testing.assert_allclose(t.sum((0, 1)).numpy(), a.astype(np.float64).sum((0, 1)), rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(t.amax(2).numpy(), a.max(2))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_nan_and_ties_in_columns(shape, num_threads):
    outer, n, inner = shape
    a = np.random.default_rng(n).integers(0, 3, shape).astype(np.float32)  # many ties
    # NaNs: late in one column, in the last row of another, in the first row of the last column.
    a[0, n - 1, inner - 1] = np.nan
    a[0, n // 2, 0] = np.nan
    a[-1, 0, inner // 2] = np.nan
    t = torch.from_numpy(a)
    for dim in (0, 1):
        want_max = np.where(np.isnan(a).any(dim), np.nan, np.nanmax(a, dim))
        np.testing.assert_array_equal(t.amax(dim).numpy(), want_max)
        np.testing.assert_array_equal(t.amin(dim).numpy(), np.where(np.isnan(a).any(dim), np.nan, np.nanmin(a, dim)))
        # First index of the maximum, or of the first NaN (NumPy's argmax has the same rules).
        np.testing.assert_array_equal(t.argmax(dim).numpy(), a.argmax(dim))
        np.testing.assert_array_equal(t.argmin(dim).numpy(), a.argmin(dim))
        v, i = t.max(dim)
        np.testing.assert_array_equal(i.numpy(), a.argmax(dim))
        np.testing.assert_array_equal(v.numpy(), want_max)


def test_transposed_zero_sized_and_int_inputs(num_threads):
    a = data((700, 300), 7)
    t = torch.from_numpy(np.ascontiguousarray(a.T)).T  # a transposed view: columns become rows
    for dim in (0, 1):
        np.testing.assert_allclose(t.sum(dim).numpy(), a.astype(np.float64).sum(dim), rtol=1e-5, atol=1e-4)
        np.testing.assert_array_equal(t.amax(dim).numpy(), a.max(dim))
        np.testing.assert_array_equal(t.argmax(dim).numpy(), a.argmax(dim))
    z = torch.zeros(0, 300)
    assert z.sum(0).tolist() == [0.0] * 300 and z.sum(1).shape == (0,)
    assert z.amax(1).shape == (0,)
    with pytest.raises((IndexError, RuntimeError)):
        z.amax(0)
    ai = np.random.default_rng(1).integers(-1000, 1000, (37, 3, 2 * STRIP + 1)).astype(np.int32)
    ti = torch.from_numpy(ai)
    np.testing.assert_array_equal(ti.sum(0).numpy(), ai.astype(np.int64).sum(0))
    np.testing.assert_array_equal(ti.amax(0).numpy(), ai.max(0))
    np.testing.assert_array_equal(ti.argmin(0).numpy(), ai.argmin(0))
    np.testing.assert_array_equal(ti.cumsum(0).numpy(), np.cumsum(ai.astype(np.int64), 0))


@pytest.mark.parametrize("shape", [(5, STRIP - 1), (ROWS + 1, STRIP + 1), (300, 2 * STRIP + 7), (2, 40, STRIP + 3)], ids=str)
def test_softmax_over_leading_dims(shape, num_threads):
    a = data(shape, sum(shape)) * 4
    a.flat[:: 101] = -np.inf
    t = torch.from_numpy(a)
    for dim in range(len(shape) - 1):
        x = a.astype(np.float64)
        e = np.exp(x - x.max(dim, keepdims=True))
        want = e / e.sum(dim, keepdims=True)
        np.testing.assert_allclose(torch.softmax(t, dim).numpy(), want, rtol=2e-5, atol=1e-7)
        np.testing.assert_allclose(torch.log_softmax(t, dim).numpy(), np.log(want), rtol=2e-5, atol=2e-5)
        # The backward runs the same strips.
        tg = torch.from_numpy(a).requires_grad_()
        g = data(shape, 3)
        torch.softmax(tg, dim).backward(torch.from_numpy(g))
        s = want
        np.testing.assert_allclose(tg.grad.numpy(), s * (g - (g * s).sum(dim, keepdims=True)), rtol=1e-4, atol=1e-6)

"""The CPU softmax / log_softmax kernels and their fused backward against NumPy float64: any dim (rows
when it is last, column strips otherwise), 0- and 1-sized dims, non-contiguous inputs, every float dtype."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradgradcheck
from helpers import assert_close

DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16}
# (rtol, atol) of a result rounded to the dtype; log_softmax values grow with |x|, hence rtol too.
TOL = {"float32": (2e-6, 1e-7), "float64": (1e-12, 1e-15), "float16": (1.5e-3, 1e-6), "bfloat16": (1e-2, 1e-5)}


def np_softmax_ref(a, d, log):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = a.max(axis=d, keepdims=True) if a.size else a.sum(axis=d, keepdims=True)
        e = np.exp(a - m)
        s = e.sum(axis=d, keepdims=True)
        return (a - m) - np.log(s) if log else e / s


def np_softmax_grad(y, g, d, log):
    if log:
        return g - np.exp(y) * g.sum(axis=d, keepdims=True)
    return y * (g - (g * y).sum(axis=d, keepdims=True))


def layouts(t):
    """The same values in other layouts: transposed, stepped, reversed (each a view, not a copy)."""
    yield t
    if t.ndim >= 2:
        yield t.transpose(0, t.ndim - 1).contiguous().transpose(0, t.ndim - 1)
    if t.ndim >= 1:
        big = torch.stack([t, t * 0], dim=t.ndim)  # [..., 2]: every other element is padding
        yield big.select(t.ndim, 0)
        yield t.flip(0).contiguous().flip(0)


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6), st.data())
def test_softmax_matches_numpy(shape, data):
    name = data.draw(st.sampled_from(sorted(DTYPES)))
    log = data.draw(st.booleans())
    a = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)))
    d = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    x0 = torch.from_numpy(a).to(DTYPES[name])
    a = np.asarray(x0.double())  # the values the kernel sees, after rounding to the dtype
    want = np_softmax_ref(a, d if a.ndim else None, log) if a.ndim else np.zeros(()) if log else np.ones(())
    rtol, atol = TOL[name]
    for x in layouts(x0):
        y = x.log_softmax(d) if log else x.softmax(d)
        assert y.dtype is x.dtype and y.shape == x.shape
        assert_close(y.double(), want, rtol=rtol, atol=atol + rtol * (np.abs(want).max() if want.size else 0) * log)


@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5), st.data())
def test_fused_backward_matches_numpy(shape, data):
    name = data.draw(st.sampled_from(sorted(DTYPES)))
    log = data.draw(st.booleans())
    a = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-5, 5)))
    g = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2)))
    d = data.draw(st.integers(0, len(shape) - 1))
    x = torch.from_numpy(a).to(DTYPES[name]).requires_grad_(True)
    gt = torch.from_numpy(g).to(DTYPES[name])
    y = x.log_softmax(d) if log else x.softmax(d)
    y.backward(gt.transpose(0, -1).contiguous().transpose(0, -1))  # a non-contiguous gradient too
    yn = np.asarray(y.detach().double())
    rtol, atol = TOL[name]
    want = np_softmax_grad(yn, np.asarray(gt.double()), d, log)
    # The half types round the result once (and g, y before): a few of their ulps of the terms.
    assert_close(x.grad.double(), want, rtol=rtol * 10,
                 atol=atol * 10 + 1e-7 * (name == "float32") + 4 * rtol * (name in ("float16", "bfloat16")))


@pytest.mark.parametrize("shape,d", [((40, 1100), -1), ((3, 5000), 1), ((3000, 70), 0), ((2, 257, 65), 1), ((33, 2, 40), 0)])
@pytest.mark.parametrize("log", [False, True])
def test_long_rows_strips_and_threads(shape, d, log):
    """Rows longer than a summing block, strips wider than one, and sizes that use the thread pool."""
    a = np.random.default_rng(0).standard_normal(shape) * 4
    for name in ("float32", "float64"):
        x = torch.from_numpy(a).to(DTYPES[name])
        rtol, atol = TOL[name]
        want = np_softmax_ref(np.asarray(x.double()), d, log)
        assert_close(x.log_softmax(d) if log else x.softmax(d), want, rtol=rtol * 2, atol=atol + rtol * 10 * log,
                     dtype=DTYPES[name])
        xg = x.detach().requires_grad_(True)
        y = xg.log_softmax(d) if log else xg.softmax(d)
        g = np.cos(a)
        y.backward(torch.from_numpy(g).to(DTYPES[name]))
        gn = np.asarray(torch.from_numpy(g).to(DTYPES[name]).double())
        assert_close(xg.grad, np_softmax_grad(np.asarray(y.detach().double()), gn, d, log), rtol=rtol * 10,
                     atol=atol * 10 + 2e-7, dtype=DTYPES[name])


def test_special_values_follow_numpy():
    inf, nan = float("inf"), float("nan")
    a = np.array([[0.0, -inf, 1.0], [-inf, -inf, -inf], [1.0, nan, 2.0], [1.0, inf, 2.0], [1e30, -1e30, 0.0]])
    for name in ("float32", "float64"):
        x = torch.from_numpy(a).to(DTYPES[name])
        for d in (1, 0):
            for log in (False, True):
                want = np_softmax_ref(np.asarray(x.double()), d, log)
                assert_close(x.log_softmax(d) if log else x.softmax(d), want, rtol=1e-6, dtype=DTYPES[name])


def test_double_backward_keeps_the_op_chain():
    x = torch.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    for d in (0, 1):
        assert gradgradcheck(lambda t: t.softmax(d), (x,))
        assert gradgradcheck(lambda t: t.log_softmax(d), (x,))
    # create_graph=True records the rule's ops (the gradient has a graph of its own); without it the
    # fused kernel runs: both give the same numbers.
    w = torch.arange(4.0, dtype=torch.float64)
    (chained,) = torch.autograd.grad((x.softmax(1) * w).sum(), x, create_graph=True)
    (fused,) = torch.autograd.grad((x.softmax(1) * w).sum(), x)
    assert chained.requires_grad and not fused.requires_grad
    assert_close(fused, np.asarray(chained.detach()), rtol=1e-12, atol=1e-15)

"""hstack / vstack / dstack / column_stack / atleast_*d against NumPy over random shapes and dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch

DTYPES = [np.float32, np.float64, np.int64, np.int32, np.bool_]


@st.composite
def stack_case(draw, min_dims):
    """A list of arrays whose shapes agree on every dim but the one the stacking op concatenates."""
    nd = draw(st.integers(0, 3))
    base = draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd))
    k = draw(st.integers(1, 4))
    dt = draw(st.sampled_from(DTYPES))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return base, k, dt, rng


def _arrays(base, k, dt, rng, axis_fn):
    out = []
    for _ in range(k):
        shape = list(base)
        ax = axis_fn(len(shape))
        if ax is not None:
            shape[ax] = int(rng.integers(0, 4))
        out.append(np.asarray(rng.standard_normal(shape) * 5).astype(dt))
    return out


def _check(np_fn, rt_fn, arrays):
    expect = np_fn(arrays)
    got = rt_fn([rtorch.from_numpy(a.copy()) for a in arrays])
    assert got.shape == expect.shape
    assert str(got.dtype).endswith(str(expect.dtype).replace("bool", "bool"))
    np.testing.assert_array_equal(got.numpy(), expect)


@settings(max_examples=60, deadline=None)
@given(stack_case(0))
def test_hstack_matches_numpy(case):
    base, k, dt, rng = case
    arrays = _arrays(base, k, dt, rng, lambda nd: 0 if nd == 1 else (1 if nd >= 2 else None))
    _check(np.hstack, rtorch.hstack, arrays)


@settings(max_examples=60, deadline=None)
@given(stack_case(0))
def test_vstack_and_row_stack_match_numpy(case):
    base, k, dt, rng = case
    arrays = _arrays(base, k, dt, rng, lambda nd: 0 if nd >= 2 else None)
    _check(np.vstack, rtorch.vstack, arrays)
    _check(np.vstack, rtorch.row_stack, arrays)


@settings(max_examples=60, deadline=None)
@given(stack_case(0))
def test_dstack_matches_numpy(case):
    base, k, dt, rng = case
    arrays = _arrays(base, k, dt, rng, lambda nd: 2 if nd >= 3 else None)
    _check(np.dstack, rtorch.dstack, arrays)


@settings(max_examples=40, deadline=None)
@given(stack_case(0))
def test_column_stack_matches_numpy(case):
    base, k, dt, rng = case
    base = base[:2]
    arrays = _arrays(base, k, dt, rng, lambda nd: 1 if nd == 2 else None)
    _check(np.column_stack, rtorch.column_stack, arrays)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (0,), (1, 0, 2, 1)])
def test_atleast_nd_matches_numpy(shape):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    t = rtorch.from_numpy(a)
    for np_fn, rt_fn in ((np.atleast_1d, rtorch.atleast_1d), (np.atleast_2d, rtorch.atleast_2d),
                         (np.atleast_3d, rtorch.atleast_3d)):
        got = rt_fn(t)
        assert got.shape == np_fn(a).shape
        np.testing.assert_array_equal(got.numpy(), np_fn(a))
        assert got.data_ptr() == t.data_ptr()  # views, no copies
    pair = rtorch.atleast_2d(t, t)
    assert isinstance(pair, tuple) and len(pair) == 2 and pair[0].shape == np.atleast_2d(a).shape


def test_stacking_gradients_flow_back():
    a = rtorch.randn(3, dtype=rtorch.float64, requires_grad=True)
    b = rtorch.randn(2, 3, dtype=rtorch.float64, requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda a, b: rtorch.vstack([a, b]), (a, b))
    assert rtorch.autograd.gradcheck(lambda a: rtorch.dstack([a, a * 2]), (a,))


def test_stacking_errors():
    with pytest.raises(RuntimeError, match="non-empty"):
        rtorch.hstack([])
    with pytest.raises(TypeError, match="tuple or list"):
        rtorch.vstack(rtorch.ones(3))
    with pytest.raises(RuntimeError):
        rtorch.vstack([rtorch.ones(3), rtorch.ones(4)])  # 1x3 and 1x4 rows do not concatenate

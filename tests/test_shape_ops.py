"""Shape ops that copy: cat / stack / hstack / vstack / dstack / column_stack / atleast_*d, repeat / tile /
repeat_interleave / roll / flip / rot90 / tril / triu / diff, and pad in every mode, against NumPy over random
shapes and dtypes, with gradients and errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
from rtorch.autograd import gradcheck
from helpers import assert_close


def test_cat_stack_and_errors():
    a, b = rtorch.ones(2, 3), rtorch.zeros(1, 3)
    assert rtorch.cat([a, b]).shape == (3, 3)
    assert rtorch.stack([a, a], 1).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match"):
        rtorch.cat([a, rtorch.zeros(1, 2)])


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


@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4)), st.data())
def test_repeat_tile_roll_flip_rot_tri_match_numpy(a, data):
    t = rtorch.from_numpy(a)
    reps = data.draw(st.lists(st.integers(1, 3), min_size=a.ndim, max_size=a.ndim + 1))
    assert_close(t.repeat(*reps), np.tile(a, reps))
    assert_close(t.tile(2), np.tile(a, 2))
    assert_close(t.repeat_interleave(2, dim=0), np.repeat(a, 2, axis=0))
    s = data.draw(st.integers(-5, 5))
    assert_close(t.roll(s, 0), np.roll(a, s, axis=0))
    assert_close(t.roll(s), np.roll(a, s))
    k = data.draw(st.integers(-3, 3))
    assert_close(t.rot90(k, (0, 1)), np.rot90(a, k, axes=(0, 1)))
    dg = data.draw(st.integers(-2, 2))
    assert_close(t.tril(dg), np.tril(a, dg))
    assert_close(t.triu(dg), np.triu(a, dg))
    assert_close(t.diff(dim=0), np.diff(a, axis=0))


def test_pad_modes_match_numpy():
    a = np.arange(12.0).reshape(3, 4)
    t = rtorch.from_numpy(a)
    F = rtorch.nn.functional
    assert_close(F.pad(t, (1, 2)), np.pad(a, ((0, 0), (1, 2))))
    assert_close(F.pad(t, (1, 2, 2, 1), value=7.0), np.pad(a, ((2, 1), (1, 2)), constant_values=7.0))
    assert_close(F.pad(t, (2, 1), mode="reflect"), np.pad(a, ((0, 0), (2, 1)), mode="reflect"))
    assert_close(F.pad(t, (2, 3), mode="replicate"), np.pad(a, ((0, 0), (2, 3)), mode="edge"))
    assert_close(F.pad(t, (2, 3), mode="circular"), np.pad(a, ((0, 0), (2, 3)), mode="wrap"))
    assert_close(F.pad(t, (-1, 0)), a[:, 1:])


GRADS = {
    "repeat": lambda x: x.repeat(2, 1, 3), "roll": lambda x: x.roll(1, 1), "rot90": lambda x: x.rot90(1, (0, 1)),
    "tril": lambda x: x.tril(), "pad_reflect": lambda x: rtorch.nn.functional.pad(x, (2, 1), mode="reflect"),
    "pad_const": lambda x: rtorch.nn.functional.pad(x, (1, 1, 2, 0), value=3.0),
    "repeat_interleave": lambda x: x.repeat_interleave(rtorch.tensor([1, 0, 2]), dim=0),
    "diff": lambda x: x.diff(dim=1), "trace": lambda x: x[:, :3].trace(),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    rng = np.random.default_rng(3)
    x = rtorch.tensor(rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.1, (3, 4)), requires_grad=True)
    assert gradcheck(GRADS[name], (x,))


# ---- sum_to_size (composite op: python/rtorch/_ops/shape.py) ----

@st.composite
def _shape_and_target(draw):
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=4))
    lead = draw(st.integers(0, len(shape)))
    target = [draw(st.sampled_from([d, 1])) for d in shape[lead:]]
    return tuple(shape), tuple(target)


@settings(max_examples=60, deadline=None)
@given(_shape_and_target())
def test_sum_to_size_matches_numpy(case):
    shape, target = case
    a = np.random.default_rng(0).standard_normal(shape)
    x = rtorch.tensor(a)
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(target) if s == 1 and shape[lead + i] != 1)
    want = a.sum(axis=axes, keepdims=True).reshape(target) if axes else a
    got = x.sum_to_size(*target)
    assert tuple(got.shape) == target
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.sum_to_size(target).numpy(), want, rtol=1e-12, atol=1e-12)
    # The reverse of expand: sum_to_size(expand(t)) is t scaled by the repeats.
    if all(target):
        t = rtorch.tensor(np.random.default_rng(1).standard_normal(target))
        reps = int(np.prod(shape)) // max(int(np.prod(target)), 1) if np.prod(shape) else 0
        np.testing.assert_allclose(t.expand(*shape).sum_to_size(*target).numpy(), t.numpy() * reps, rtol=1e-12)


def test_sum_to_size_gradient_and_errors():
    x = rtorch.randn(2, 3, dtype=rtorch.float64, requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda x: x.sum_to_size(1, 3), (x,))
    assert rtorch.autograd.gradgradcheck(lambda x: x.sum_to_size(2, 1) ** 2, (x,))
    for bad in [(4,), (2, 2), (1, 2, 3)]:
        with pytest.raises(RuntimeError, match=r"is not expandable to size \{\[2, 3\]\}"):
            x.sum_to_size(*bad)
    with pytest.raises(TypeError, match="sum_to_size"):
        x.sum_to_size("ab")
    with pytest.raises(TypeError, match="sum_to_size"):
        x.sum_to_size(1.0, 3)


@pytest.mark.parametrize("mode", ["replicate", "circular", "reflect"])
def test_pad_of_empty_batch_with_huge_padding_is_cheap(mode):
    # Another dim is 0: the result is empty whatever the padding, so no index vector of ~1e8 entries is built
    # (the fuzzer found ReflectionPad3d(69150684) on an empty input spending seconds and a gigabyte on one).
    x = rtorch.zeros(0, 3, 4, requires_grad=True)
    if mode == "replicate":
        y = rtorch.nn.functional.pad(x, (100_000_000, 5), mode=mode)
        assert y.shape == (0, 3, 100_000_009) and y.requires_grad
        y.sum().backward()
        assert x.grad.shape == (0, 3, 4)
    else:
        with pytest.raises(RuntimeError, match="wrapping around|Padding size should be less"):
            rtorch.nn.functional.pad(x, (69_150_684, 1), mode=mode)
    y = rtorch.nn.functional.pad(x, (2, 3), mode=mode)
    assert y.shape == (0, 3, 9)

"""`out=` arguments (PyTorch's rules: same object returned, no autograd, dtype category kept; rtorch
raises instead of resizing) and in-place writes whose operands alias the destination."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import rtorch
from torch_ref import torch_ref

BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "maximum": np.maximum,
          "minimum": np.minimum, "atan2": np.arctan2, "hypot": np.hypot}
UNARY = {"exp": np.exp, "tanh": np.tanh, "sqrt": np.sqrt, "abs": np.abs, "neg": np.negative,
         "sin": np.sin, "floor": np.floor}


@settings(max_examples=80, deadline=None)
@given(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
       st.sampled_from(sorted(BINARY)), st.sampled_from([np.float32, np.float64]), st.booleans(),
       st.integers(0, 2**31))
def test_binary_out_matches_numpy(shapes, name, dt, strided_out, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), res = shapes
    a, b = rng.uniform(0.5, 2, sa).astype(dt), rng.uniform(0.5, 2, sb).astype(dt)
    # A non-contiguous out (a transposed view of a bigger buffer) must be written through its strides.
    if strided_out and len(res) >= 2:
        buf = rtorch.zeros(tuple(reversed(res)), dtype=rtorch.float64 if dt == np.float64 else rtorch.float32)
        out = buf.transpose(0, -1) if len(res) == 2 else buf.permute(*reversed(range(len(res))))
    else:
        out = rtorch.empty(res, dtype=rtorch.float64 if dt == np.float64 else rtorch.float32)
    before = out._version
    r = getattr(rtorch, name)(rtorch.from_numpy(a), rtorch.from_numpy(b), out=out)
    assert r is out
    assert out._version > before
    np.testing.assert_allclose(out.numpy(), BINARY[name](a, b), rtol=1e-6 if dt == np.float32 else 1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=0, max_size=3), st.sampled_from(sorted(UNARY)), st.integers(0, 2**31))
def test_unary_out_matches_numpy(shape, name, seed):
    a = np.random.default_rng(seed).uniform(0.1, 3, shape).astype(np.float32)
    out = rtorch.empty(tuple(shape))
    assert getattr(rtorch, name)(rtorch.from_numpy(a), out=out) is out
    np.testing.assert_allclose(out.numpy(), UNARY[name](a), rtol=2e-6)


def test_out_casts_into_a_wider_or_same_category_dtype():
    a = rtorch.tensor([1, 2, 3])
    out = rtorch.empty(3, dtype=rtorch.float64)
    rtorch.add(a, a, out=out)
    assert out.tolist() == [2.0, 4.0, 6.0]
    rtorch.eq(a, 2, out=(o := rtorch.empty(3, dtype=rtorch.int32)))
    assert o.tolist() == [0, 1, 0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        rtorch.mul(rtorch.ones(3), 2, out=rtorch.empty(3, dtype=rtorch.int64))


def test_out_shape_mismatch_raises_instead_of_resizing():
    with pytest.raises(RuntimeError, match=r"out= tensor has shape \[2\] but the result has shape \[3\]"):
        rtorch.add(rtorch.ones(3), 1, out=rtorch.empty(2))


def test_out_with_autograd_raises_like_pytorch():
    x = rtorch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        rtorch.mul(x, 2, out=rtorch.empty(3))
    with rtorch.no_grad():
        out = rtorch.empty(3)
        rtorch.mul(x, 2, out=out)
    assert out.tolist() == [2.0, 2.0, 2.0] and not out.requires_grad


def test_out_for_copying_ops():
    a, b = rtorch.randn(3, 4), rtorch.randn(4, 5)
    for fn, args, expect in [
        (rtorch.matmul, (a, b), a @ b), (rtorch.mm, (a, b), a @ b),
        (rtorch.bmm, (a[None], b[None]), (a @ b)[None]),
        (rtorch.sum, (a, 1), a.sum(1)), (rtorch.mean, (a,), a.mean()),
        (rtorch.clamp, (a, -0.5, 0.5), a.clamp(-0.5, 0.5)),
        (rtorch.where, (a > 0, a, b[:3, :4]), rtorch.where(a > 0, a, b[:3, :4])),
    ]:
        out = rtorch.empty(tuple(expect.shape))
        assert fn(*args, out=out) is out, fn
        np.testing.assert_allclose(out.numpy(), expect.numpy(), rtol=1e-6)
    out = rtorch.empty(6, 4)
    assert rtorch.cat([a, a[:3] * 0 + 1], out=out[:, :]) is not None
    out = rtorch.empty(2, 3, 4)
    rtorch.stack([a, a], out=out)
    assert rtorch.equal(out[1], a)
    z = rtorch.full((2, 2), 7.0)
    assert rtorch.zeros(2, 2, out=z) is z and z.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert rtorch.ones(2, 2, out=z) is z and z.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(RuntimeError, match="does not resize"):
        rtorch.zeros(3, out=z)
    with pytest.raises(TypeError):
        rtorch.add(a, a, out=[1, 2])


def test_out_aliasing_an_input_reads_before_writing():
    a = rtorch.arange(16.0).reshape(4, 4)
    expect = (a + a.t()).numpy()
    rtorch.add(a, a.t(), out=a)
    np.testing.assert_array_equal(a.numpy(), expect)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(1, 3), st.integers(0, 2**31))
def test_inplace_with_overlapping_operand_matches_numpy(n, shift, seed):
    """`x[shift:] += x[:-shift]` and `x.add_(x.t())`: operands alias the destination in another layout.
    NumPy buffers them; rtorch must too (it used to read already-written values)."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    t = rtorch.from_numpy(a.copy())
    t.add_(t.t())
    np.testing.assert_allclose(t.numpy(), a + a.T)
    v = rng.standard_normal(n + shift)
    tv = rtorch.from_numpy(v.copy())
    tv[shift:] += tv[:-shift]
    e = v.copy()
    e[shift:] += e[:-shift].copy()
    np.testing.assert_allclose(tv.numpy(), e)


def test_writing_into_a_broadcast_view_raises():
    x = rtorch.zeros(1).expand(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.add_(rtorch.arange(3.0))
    with pytest.raises(RuntimeError, match="more than one element"):
        rtorch.add(rtorch.ones(3), 1, out=x)


def test_out_matches_pytorch_semantics():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    for name in ["add", "mul", "exp", "sum"]:
        def side(lib):
            out = lib.empty(3 if name == "sum" else (2, 3))
            args = (lib.from_numpy(a),) + ((lib.from_numpy(a),) if name in ("add", "mul") else ())
            getattr(lib, name)(*args, **({"dim": 0} if name == "sum" else {}), out=out)
            return out.numpy()
        ro, to = side(rtorch), torch_ref(side)
        assert ro.dtype == to.dtype
        np.testing.assert_allclose(ro, to, rtol=1e-6)

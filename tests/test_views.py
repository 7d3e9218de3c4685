"""Views: permute / reshape / view / flip / unsqueeze / transpose / narrow / expand / split / chunk / unbind /
diagonal / unfold against NumPy and sharing storage; copies of transposed views; in-place ops through views
of tensors in the graph (PyTorch's CopySlices semantics), every gradient checked by finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close, leaf
from torch_ref import torch_ref


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)), st.data())
def test_views_match_numpy(a, data):
    t = torch.from_numpy(a)
    perm = data.draw(st.permutations(range(a.ndim)))
    assert_close(t.permute(*perm), a.transpose(perm))
    assert_close(t.reshape(-1), a.reshape(-1))
    assert_close(t.flip(0), a[::-1])
    d = data.draw(st.integers(0, a.ndim - 1))
    assert_close(t.unsqueeze(d), np.expand_dims(a, d))
    assert_close(t.transpose(0, -1).contiguous(), np.swapaxes(a, 0, -1))
    step = data.draw(st.integers(-3, 3).filter(lambda s: s != 0))
    assert_close(t[::step], a[::step])


def test_views_share_storage_and_reshape_copies_only_when_needed():
    t = torch.arange(12.0).reshape(3, 4)
    v = t.view(4, 3)
    v[0, 0] = 100
    assert t[0, 0].item() == 100
    tt = t.t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tt.view(12)
    r = tt.reshape(12)  # must copy
    r[0] = -1
    assert t[0, 0].item() == 100
    assert t.narrow(1, 1, 2).data_ptr() == t.data_ptr() + 4
    e = torch.tensor([1.0, 2.0]).expand(3, 2)
    assert e.stride() == (0, 1)


def test_split_chunk_unbind_diagonal_unfold():
    t = torch.arange(10)
    assert [p.tolist() for p in t.split(4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [p.numel() for p in t.chunk(3)] == [4, 4, 2]
    m = torch.arange(9).reshape(3, 3)
    assert m.diagonal().tolist() == [0, 4, 8]
    assert m.diagonal(1).tolist() == [1, 5]
    assert t.unfold(0, 3, 2).tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    assert [x.tolist() for x in m.unbind(1)] == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "float16", "int8", "bool"])
@given(rows=st.integers(1, 300), cols=st.integers(1, 300), r0=st.integers(0, 3), c0=st.integers(0, 3),
       seed=st.integers(0, 2**31 - 1))
def test_transposed_copy_matches_numpy(dtype, rows, cols, r0, c0, seed):
    # x.t().contiguous() of a (possibly offset, cropped) matrix: the blocked register-transpose
    # path for 4- and 8-byte dtypes (tiles of 8x8 / 4x4 plus scalar edges), the scalar tiles otherwise.
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((rows + r0, cols + c0)) * 100).astype(dtype)
    t = torch.from_numpy(a)[r0:, c0:]
    out = t.t().contiguous()
    assert out.is_contiguous() and out.shape == (cols, rows)
    np.testing.assert_array_equal(out.numpy(), a[r0:, c0:].T)
    out2 = torch.from_numpy(a)[r0:, c0:].transpose(0, 1).clone()
    np.testing.assert_array_equal(out2.numpy(), a[r0:, c0:].T)


def test_the_python_idiom_out_slice_iadd():
    # `y[:, 0] += z` is getitem, add_ on the view, then setitem of the view into y.
    def f(x, z):
        y = x * 2
        y[:, 0] += z
        y[:, 1] *= z
        return y

    assert gradcheck(f, (leaf(3, 4), leaf(3, seed=1)))


def test_inplace_on_a_view_rewrites_the_base_history():
    x = leaf(3, 4)
    y = x * 1
    v = y[1:3, ::2]
    v.mul_(3)
    assert y.grad_fn.name() == "CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    y.sum().backward()
    want = np.ones((3, 4))
    want[1:3, ::2] = 3
    np.testing.assert_array_equal(x.grad.numpy(), want)


@pytest.mark.parametrize(
    "program",
    [
        lambda y, z: y[1].add_(z[0]),
        lambda y, z: y[1][1:3].mul_(z[0, 1:3]),  # a view of a view
        lambda y, z: y.t()[0].copy_(z[:, 0]),  # a transposed base window
        lambda y, z: y[:, 1:].sub_(z[:, :3] * y[:, :3].clone()),
        lambda y, z: y.view(12)[::5].div_(z.reshape(12)[:3] + 3),
        lambda y, z: y[::-1][0].mul_(z[1]),  # negative strides
        lambda y, z: y.diagonal().exp_(),
        lambda y, z: y.unsqueeze(0)[0, 2].tanh_(),
    ],
    ids=["select", "view_of_view", "transpose", "slices", "flat_step", "negative_step", "diagonal", "unsqueeze"],
)
def test_gradients_through_inplace_views_match_finite_differences(program):
    def f(x, z):
        y = x * 1.5
        program(y, z)
        return y

    x, z = leaf(3, 4), leaf(3, 4, seed=1)
    assert gradcheck(f, (x, z))
    assert gradgradcheck(f, (x, z))


def test_a_base_without_grad_gets_history_from_the_written_value():
    x = leaf(4)
    out = torch.zeros(3, 4, dtype=torch.float64)
    out[1].copy_(x)  # a view of a tensor that never required grad
    out[2][1:3] = x[:2] * 2  # setitem on a view
    assert out.requires_grad and out.grad_fn.name() in ("CopySlices", "IndexPutBackward0")
    (out * torch.arange(12.0, dtype=torch.float64).reshape(3, 4)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4 + 2 * 9, 5 + 2 * 10, 6, 7])


def test_other_views_follow_the_base_after_an_inplace_write():
    x = leaf(3, 4)
    y = x * 1
    a = y[0]  # made before the write
    b = y[0:2]
    b.mul_(3)  # a sibling view rewrites y's history
    a.sum().backward()
    want = np.zeros((3, 4))
    want[0] = 3
    np.testing.assert_array_equal(x.grad.numpy(), want)

    x.grad = None
    y = x * 1
    v = y[2]
    y.mul_(2)  # the base itself
    v.sum().backward()
    want = np.zeros((3, 4))
    want[2] = 2
    np.testing.assert_array_equal(x.grad.numpy(), want)


def test_fill_and_zero_cut_the_gradient_of_overwritten_values():
    x = leaf(2, 3)
    y = x * 2
    y[:, 1].zero_()
    y[0].fill_(7.0)
    (y * y).sum().backward()
    want = np.zeros((2, 3))
    want[1] = 8 * x.detach().numpy()[1]
    want[1, 1] = 0
    np.testing.assert_allclose(x.grad.numpy(), want)

    x.grad = None
    y = x * 2
    y.zero_()
    assert y.grad_fn.name() == "FillBackward0"
    (y + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))

    x.grad = None
    y = x * 2
    y[1].normal_()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2, 2, 2], [0, 0, 0]])


def test_views_of_leaves_and_no_grad_views_raise_like_pytorch():
    w = leaf(3)
    with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
        w[0:2].add_(1)
    with torch.no_grad():
        w[0:2].add_(1)  # allowed: nothing is recorded
        v = (w * 1)[0:2]
    with pytest.raises(RuntimeError, match="created in no_grad mode"):
        v.mul_(w[:2])
    x = torch.zeros(3)
    with torch.no_grad():
        u = x[1:]
    u.add_(1)  # nothing requires grad: no recording, no error
    assert x.tolist() == [0.0, 1.0, 1.0]


def test_saved_values_overwritten_through_a_view_are_detected():
    x = leaf(4)
    y = x * 1
    s = y.exp()  # saves its output
    s[1:3].mul_(2)
    # exp's saved output was changed through the view: PyTorch raises instead of a wrong gradient.
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()


def test_base_view_and_version_attributes():
    x = torch.zeros(3, 4)
    assert x._base is None and not x._is_view()
    v = x[1:].t()
    assert v._is_view() and v._base.shape == x.shape and v._base.data_ptr() == x.data_ptr()
    assert x[1:][0]._base.shape == x.shape  # a view of a view points at the root
    before = x._version
    v.add_(1)
    assert x._version > before and v._version == x._version
    assert x.detach()._base is None  # detach is not a differentiable view


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 4),
    cols=st.integers(1, 5),
    r0=st.integers(0, 3),
    c0=st.integers(0, 4),
    step=st.sampled_from([1, 2, -1]),
    op=st.sampled_from(["mul_", "add_", "copy_", "setitem", "sigmoid_"]),
    transpose=st.booleans(),
)
def test_random_window_writes_match_finite_differences_and_numpy(rows, cols, r0, c0, step, op, transpose):
    r0, c0 = r0 % rows, c0 % cols

    def window(t):
        t = t.t() if transpose else t
        return t[r0:, ::step] if not transpose else t[c0:, ::step]

    def f(x, z):
        y = x * 1.25
        w = window(y)
        zz = z.reshape(-1)[: w.numel()].reshape(w.shape) if w.numel() else z.reshape(-1)[:0].reshape(w.shape)
        if op == "mul_":
            w.mul_(zz)
        elif op == "add_":
            w.add_(zz * zz)
        elif op == "copy_":
            w.copy_(zz)
        elif op == "setitem":
            w[...] = zz * 2
        else:
            w.sigmoid_()
        return y

    x, z = leaf(rows, cols), leaf(rows * cols, seed=3)
    assert gradcheck(f, (x, z))
    # Forward against NumPy doing the same writes on an array.
    yn = x.detach().numpy() * 1.25
    wn = (yn.T if transpose else yn)[(c0 if transpose else r0):, ::step]
    zn = z.detach().numpy()[: wn.size].reshape(wn.shape)
    if op == "mul_":
        wn *= zn
    elif op == "add_":
        wn += zn * zn
    elif op == "copy_":
        wn[...] = zn
    elif op == "setitem":
        wn[...] = zn * 2
    else:
        wn[...] = 1 / (1 + np.exp(-wn))
    np.testing.assert_allclose(f(x, z).detach().numpy(), yn, rtol=1e-12)


def test_matches_pytorch_when_present():
    xs = np.random.default_rng(5).standard_normal((4, 5))

    def side(lib):
        x = lib.tensor(xs, requires_grad=True)
        y = x.sin() * 1.5
        y[1:3, ::2] *= 3
        y.t()[0].add_(y[:, 4].clone())
        y[0].zero_()
        a = y[3]
        y[2:].exp_()
        (y.sum() + (a * a).sum()).backward()
        return y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()
    res = side(torch), torch_ref(side)
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-12)
    assert res[1][2].endswith(res[0][2])  # PyTorch: "torch::autograd::CopySlices"


# ---- split / chunk / unbind return tuples; in-place view ops; resize_; as_strided (issue 16 items 12 and bugs) ----

def test_split_chunk_unbind_meshgrid_return_tuples():
    t = torch.arange(6)
    for parts in (t.split(2), t.split([1, 5]), t.chunk(3), t.reshape(2, 3).unbind(1), torch.split(t, 4),
                  torch.chunk(t, 2), torch.unbind(t.reshape(3, 2)), torch.meshgrid(t, t, indexing="ij")):
        assert type(parts) is tuple and all(isinstance(p, torch.Tensor) for p in parts)
    x = torch.ones(2, requires_grad=True)
    assert type(torch.autograd.grad((x * 2).sum(), x)) is tuple


@pytest.mark.parametrize("op, args, ref", [
    ("unsqueeze_", (0,), lambda a: a[None]),
    ("unsqueeze_", (-1,), lambda a: a[..., None]),
    ("squeeze_", (), lambda a: a.squeeze()),
    ("squeeze_", (1,), lambda a: a.squeeze(1)),
    ("t_", (), lambda a: a.T),
    ("transpose_", (0, 2), lambda a: a.swapaxes(0, 2)),
    ("swapdims_", (0, 1), lambda a: a.swapaxes(0, 1)),
    ("swapaxes_", (1, 2), lambda a: a.swapaxes(1, 2)),
])
def test_inplace_view_ops_change_the_tensor_itself(op, args, ref):
    shape = (3, 4) if op == "t_" else (2, 1, 3)
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    t = torch.tensor(a)
    ptr, ident = t.data_ptr(), id(t)
    r = getattr(t, op)(*args)
    assert r is t and id(t) == ident and t.data_ptr() == ptr  # same object, same memory
    assert_close(t, ref(a))
    t.add_(1)  # still a working tensor over the same storage
    assert_close(t, ref(a) + 1)


def test_inplace_view_ops_autograd_like_pytorch():
    w = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w.unsqueeze_(0)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        w[1:].t_()
    y = w * 2
    y.unsqueeze_(0)
    assert y.shape == (1, 3, 1) and y.grad_fn.name() == "UnsqueezeBackward1"
    (y * torch.arange(3.0, dtype=torch.float64).reshape(1, 3, 1)).sum().backward()
    assert w.grad.tolist() == [[0.0], [2.0], [4.0]]
    assert gradcheck(lambda x: (x * 1).t_(), (torch.randn(2, 3, dtype=torch.float64, requires_grad=True),))
    assert gradcheck(lambda x: (x * 1).unsqueeze_(1).squeeze_(1), (torch.randn(4, dtype=torch.float64,
                                                                                requires_grad=True),))
    assert gradgradcheck(lambda x: (x * x).transpose_(0, 1), (torch.randn(2, 3, dtype=torch.float64,
                                                                            requires_grad=True),))
    assert (w * 1).t_().grad_fn.name() == "TBackward1"
    assert (w * 1).transpose_(0, 1).grad_fn.name() == "TransposeBackward1"
    # Under no_grad a leaf may change shape and keeps requires_grad, .grad and leafness (PyTorch).
    with torch.no_grad():
        w.unsqueeze_(0)
    assert w.shape == (1, 3, 1) and w.requires_grad and w.is_leaf
    with pytest.raises(RuntimeError, match="t_\\(\\) expects a tensor with <= 2 dimensions"):
        torch.zeros(2, 3, 4).t_()


def test_inplace_view_of_a_view_keeps_its_base():
    base = torch.arange(6.0)
    v = base[2:]
    v.unsqueeze_(0)
    assert v.shape == (1, 4) and v._base is not None
    v[0, 0] = 100.0
    assert base[2].item() == 100.0


def test_resize_():
    x = torch.arange(6.0)
    assert x.resize_(2, 2) is x and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    x.resize_(2, 3)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]  # the storage kept all six
    x.resize_(3, 3)  # grows: old elements kept, new ones zero
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [0.0, 0.0, 0.0]]
    y = torch.zeros(2, 3).t()
    y.resize_(6)
    assert y.is_contiguous() and y.stride() == (1,)
    z = torch.zeros(2)
    assert z.resize_as_(torch.zeros(3, 1)).shape == (3, 1)
    assert torch.zeros(4).resize_(torch.Size([2, 2])).shape == (2, 2)
    e = torch.Tensor().resize_(3)
    assert e.shape == (3,)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        torch.zeros(2, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError, match="negative dimension"):
        torch.zeros(2).resize_(-1)


def test_as_strided():
    x = torch.arange(6.0)
    assert x.as_strided((2, 2), (1, 2), 1).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert torch.as_strided(x, (3,), (2,)).tolist() == [0.0, 2.0, 4.0]
    assert x[2:].as_strided((2,), (1,)).tolist() == [2.0, 3.0]  # default offset: the view's own
    with pytest.raises(RuntimeError, match="out of bounds for storage"):
        x.as_strided((4, 4), (1, 2), 1)
    with pytest.raises(RuntimeError, match="Negative strides"):
        x.as_strided((2,), (-1,), 1)
    y = torch.arange(6.0)
    y.as_strided_((3,), (2,))
    assert y.tolist() == [0.0, 2.0, 4.0] and y.stride() == (2,)
    g = torch.arange(6.0, dtype=torch.float64).requires_grad_()
    assert gradcheck(lambda t: (t * 1).as_strided((2, 2), (1, 2), 1), (g,))
    assert gradcheck(lambda t: (t * 1).as_strided((3, 2), (1, 1)), (g,))  # overlapping windows accumulate


def test_empty_tensors_with_zero_strides_take_in_place_ops():
    # NumPy gives empty arrays 0 strides; an empty tensor has no elements that could overlap.
    t = torch.tensor(np.full((2, 0), 1.0))
    assert t.add_(1).shape == (2, 0)
    e = torch.from_numpy(np.empty((3, 0)))
    e.mul_(2).zero_()
    with pytest.raises(RuntimeError, match="refers to a single memory location"):
        torch.zeros(1).expand(3).add_(1)


def test_slice_bounds_beyond_int64_are_clamped():
    x = torch.zeros(3, 4)
    assert x[slice(-2**63, 2**63)].shape == (3, 4)
    assert x[slice(-2**70, 2**70)].shape == (3, 4)
    x[slice(-2**63, 2**63)] = 1.0
    assert x.sum().item() == 12.0

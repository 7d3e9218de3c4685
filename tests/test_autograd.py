"""Autograd: every differentiable op against float64 finite differences, and PyTorch's semantics."""
import gc

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close, leaf
from torch_ref import torch_ref


UNARY_OPS = {
    "neg": lambda x: -x, "abs": lambda x: x.abs(), "exp": lambda x: x.exp(), "log": lambda x: (x * x + 1).log(),
    "sqrt": lambda x: (x * x + 1).sqrt(), "sin": lambda x: x.sin(), "cos": lambda x: x.cos(),
    "tan": lambda x: (x * 0.3).tan(), "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(), "square": lambda x: x.square(), "expm1": lambda x: x.expm1(),
    "log1p": lambda x: (x * x).log1p(), "asin": lambda x: (x * 0.4).asin(), "acos": lambda x: (x * 0.4).acos(),
    "atan": lambda x: x.atan(), "sinh": lambda x: x.sinh(), "cosh": lambda x: x.cosh(), "asinh": lambda x: x.asinh(),
    "acosh": lambda x: (x * x + 1.5).acosh(), "atanh": lambda x: (x * 0.4).atanh(), "erf": lambda x: x.erf(),
    "erfc": lambda x: x.erfc(), "erfinv": lambda x: (x * 0.4).erfinv(), "rsqrt": lambda x: (x * x + 1).rsqrt(),
    "reciprocal": lambda x: (x * x + 1).reciprocal(), "gelu": lambda x: x.gelu(),
    "gelu_tanh": lambda x: x.gelu(approximate="tanh"), "silu": lambda x: x.silu(), "mish": lambda x: x.mish(),
    "softplus": lambda x: x.softplus(), "elu": lambda x: x.elu(), "leaky_relu": lambda x: x.leaky_relu(0.1),
    "pow3": lambda x: x ** 3, "pow_half": lambda x: (x * x + 1) ** 0.5, "exp2": lambda x: x.exp2(),
    "log2": lambda x: (x * x + 1).log2(), "log10": lambda x: (x * x + 1).log10(), "logit": lambda x: (x * 0.2 + 0.5).logit(),
    "hardtanh": lambda x: x.hardtanh(),
}


@pytest.mark.parametrize("name", sorted(UNARY_OPS))
def test_unary_gradients(name):
    x = leaf((3, 4), seed=hash(name) % 1000)
    assert gradcheck(UNARY_OPS[name], (x,))


SMOOTH_FOR_SECOND_ORDER = ["exp", "log", "sqrt", "sin", "tanh", "sigmoid", "square", "erf", "gelu", "silu", "softplus",
                           "pow3", "reciprocal", "atan"]


@pytest.mark.parametrize("name", SMOOTH_FOR_SECOND_ORDER)
def test_unary_second_order(name):
    assert gradgradcheck(UNARY_OPS[name], (leaf((2, 3), seed=7),))


BINARY_OPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / (b * b + 1),
    "pow": lambda a, b: (a * a + 1) ** b, "atan2": torch.atan2, "hypot": torch.hypot, "maximum": torch.maximum,
    "minimum": torch.minimum, "add_scalar": lambda a, b: 2.0 + a - b * 3, "rdiv": lambda a, b: 1.0 / (a * a + 1) + b,
}


@pytest.mark.parametrize("name", sorted(BINARY_OPS))
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3))
def test_binary_gradients_with_broadcasting(name, shapes):
    (sa, sb), _ = shapes
    a, b = leaf(sa, seed=1), leaf(sb, seed=2)
    assert gradcheck(BINARY_OPS[name], (a, b))


@pytest.mark.parametrize("name", ["mul", "div", "pow", "atan2"])
def test_binary_second_order(name):
    assert gradgradcheck(BINARY_OPS[name], (leaf((2, 3), seed=3), leaf((3,), seed=4)))


REDUCE_AND_SHAPE_OPS = {
    "sum": lambda x: x.sum(), "sum_dim": lambda x: x.sum(1, keepdim=True), "mean": lambda x: x.mean((0, 2)),
    "prod": lambda x: x.prod(1), "amax": lambda x: x.amax(1), "max_dim": lambda x: x.max(2).values,
    "min": lambda x: x.min(), "var": lambda x: x.var(1), "std": lambda x: x.std(), "norm": lambda x: x.norm(),
    "logsumexp": lambda x: x.logsumexp(1), "softmax": lambda x: x.softmax(-1), "log_softmax": lambda x: x.log_softmax(0),
    "cumsum": lambda x: x.cumsum(1), "cumprod": lambda x: x.cumprod(2), "reshape": lambda x: x.reshape(6, 4),
    "permute": lambda x: x.permute(2, 0, 1) * 1, "transpose": lambda x: x.transpose(0, 2).contiguous(),
    "expand": lambda x: x[:, :1].expand(2, 5, 4), "slice": lambda x: x[:, ::-2, 1:3],
    "select": lambda x: x[1, 2], "narrow": lambda x: x.narrow(2, 1, 2), "diagonal": lambda x: x.diagonal(0, 1, 2),
    "unfold": lambda x: x.unfold(2, 2, 1), "flip": lambda x: x.flip(0, 2), "cat": lambda x: torch.cat([x, x * 2], 1),
    "stack": lambda x: torch.stack([x, x.exp()], 0), "split": lambda x: x.split(1, 1)[2] * 3,
    "index": lambda x: x[torch.tensor([1, 1, 0])], "adv_index": lambda x: x[:, torch.tensor([0, 2, 0]), torch.tensor([1, 1, 3])],
    "mask": lambda x: x[x > 0], "gather": lambda x: x.gather(2, torch.tensor([[[0, 3]] * 3] * 2)),
    "index_select": lambda x: x.index_select(1, torch.tensor([2, 0, 2])), "where": lambda x: torch.where(x > 0, x, x * x),
    "masked_fill": lambda x: x.masked_fill(x < 0, 0.5), "clamp": lambda x: x.clamp(-0.5, 0.5),
    "matmul": lambda x: x @ x.transpose(1, 2), "bmm_vec": lambda x: x @ x[0, 0],
    "squeeze": lambda x: x[:, :1].squeeze(1), "unsqueeze": lambda x: x.unsqueeze(1), "flatten": lambda x: x.flatten(1),
    "scatter_add": lambda x: torch.zeros(2, 3, 5, dtype=torch.float64).scatter_add(2, torch.tensor([[[0, 1, 1, 4]] * 3] * 2), x),
}


@pytest.mark.parametrize("name", sorted(REDUCE_AND_SHAPE_OPS))
def test_reduce_view_index_gradients(name):
    assert gradcheck(REDUCE_AND_SHAPE_OPS[name], (leaf((2, 3, 4), seed=5),))


@pytest.mark.parametrize("name", ["sum", "softmax", "log_softmax", "matmul", "var", "logsumexp", "prod"])
def test_reduction_second_order(name):
    assert gradgradcheck(REDUCE_AND_SHAPE_OPS[name], (leaf((2, 3, 4), seed=6),))


def test_prod_gradient_with_zeros():
    x = torch.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0]], dtype=torch.float64, requires_grad=True)
    x.prod(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]]


def test_max_ties_follow_pytorch():
    x = torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()  # full reduction: the gradient is split between ties
    assert x.grad.tolist() == [0.0, 0.5, 0.5]
    y = torch.tensor([[1.0, 3.0, 3.0]], requires_grad=True)
    y.max(1).values.sum().backward()  # with dim: the first index wins
    assert y.grad.tolist() == [[0.0, 1.0, 0.0]]


def test_gradients_accumulate_until_zeroed():
    x = torch.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_backward_twice_needs_retain_graph():
    x = torch.ones(2, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_inplace_modification_of_saved_tensor_is_detected():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    z = y.exp()
    y.add_(1)  # exp saved its output, not y: fine
    w = y * y
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()
    z.sum().backward()


def test_leaf_inplace_and_int_requires_grad_errors():
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with torch.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="floating point"):
        torch.ones(2, dtype=torch.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="implicitly created only for scalar"):
        (x * 2).backward()


def test_no_grad_records_nothing_and_is_a_decorator():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    assert y.grad_fn is None and not y.requires_grad

    @torch.no_grad()
    def f(t):
        return t * 2

    assert f(x).grad_fn is None
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()
    with torch.inference_mode():
        assert (x * 2).grad_fn is None


def test_autograd_grad_and_create_graph():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    assert g.tolist() == [3.0, 12.0]
    (h,) = torch.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0]
    assert x.grad is None


def test_hooks_retain_grad_and_grad_fn_names():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    z = y.sum()
    assert z.grad_fn.name() == "SumBackward0" and y.grad_fn.name() == "MulBackward0"  # PyTorch's names
    z.backward()
    assert y.grad.tolist() == [10.0, 10.0, 10.0]  # retain_grad sees the gradient after hooks (PyTorch 2)
    assert x.grad.tolist() == [20.0, 20.0, 20.0]
    assert x.is_leaf and not y.is_leaf and x.grad_fn is None


def test_custom_function():
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]
    assert gradcheck(Cube.apply, (leaf((3,)),))


def test_long_chain_does_not_overflow_the_stack():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(10000):
        y = y * 1.0001
    y.sum().backward()
    assert abs(x.grad.item() - 1.0001 ** 10000) < 1e-2


def test_graph_is_freed_when_outputs_are_dropped():
    import weakref

    x = torch.ones(100, requires_grad=True)
    y = (x * 2).exp()
    node = y.grad_fn
    ref = weakref.ref(y)
    del y, node
    gc.collect()
    assert ref() is None


def test_setitem_on_nonleaf_records_gradient():
    x = torch.ones(4, dtype=torch.float64, requires_grad=True)
    y = x * 2
    y[1:3] = torch.tensor([5.0, 5.0], dtype=torch.float64)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0, 2.0]


def test_inplace_on_a_view_of_a_graph_tensor_reaches_the_base():
    x = torch.ones(4, requires_grad=True)
    y = x * 2
    v = y[1:3]
    v.mul_(3)
    y.view(2, 2)[0] = 1.0
    (v.sum() + y.sum()).backward()  # v is y[1:3] after both writes: [1, 6]
    assert y.tolist() == [1.0, 1.0, 6.0, 2.0]
    assert x.grad.tolist() == [0.0, 0.0, 12.0, 2.0]


def test_inplace_ops_on_graph_tensors_keep_what_backward_needs():
    x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    y = x * 1.0
    y.mul_(x)      # mul saves both operands: self must be the value before the write
    y.sin_()       # sin saves its input
    y.sum().backward()
    xv = np.array([0.5, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), np.cos(xv * xv) * 2 * xv, rtol=1e-12)
    z = x * 3.0
    z.div_(2.0, rounding_mode="trunc")  # trunc has zero gradient; its div input must still be intact
    z.sum().backward()


def test_first_gradient_is_kept_without_a_copy_unless_shared():
    # A fresh gradient that nobody else holds becomes .grad as is (no 16 MB copy per step for a
    # big input); one that is still referenced elsewhere is copied, so in-place updates of .grad
    # never write into someone else's tensor.
    class Fresh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            r = g * 2
            Fresh.ptr = r.data_ptr()
            return r

    class Kept(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            Kept.r = g * 2
            return Kept.r

    x = torch.ones(1000, requires_grad=True)
    Fresh.apply(x).sum().backward()
    assert x.grad.data_ptr() == Fresh.ptr
    y = torch.ones(1000, requires_grad=True)
    Kept.apply(y).sum().backward()
    assert y.grad.data_ptr() != Kept.r.data_ptr()
    y.grad.add_(1)
    assert Kept.r[0].item() == 2.0 and y.grad[0].item() == 3.0


# ---- issue 16: in-place activations in the graph, hook removal, custom Function outputs, grad_fn names ----

import json  # noqa: E402
import pathlib  # noqa: E402
import warnings  # noqa: E402

import rtorch.nn as nn  # noqa: E402
import rtorch.nn.functional as F  # noqa: E402

_COMPAT = json.loads((pathlib.Path(__file__).parent / "fixtures" / "compat.json").read_text())

# Each applies an in-place activation to `y`, a tensor in the graph (the product of the leaf with 1.5).
INPLACE_ACTIVATIONS = {
    "relu_": lambda y: y.relu_(),
    "F.relu": lambda y: F.relu(y, inplace=True),
    "nn.ReLU": lambda y: nn.ReLU(inplace=True)(y),
    "F.relu_": lambda y: F.relu_(y),
    "nn.LeakyReLU": lambda y: nn.LeakyReLU(0.1, inplace=True)(y),
    "nn.ELU": lambda y: nn.ELU(0.7, inplace=True)(y),
    "nn.Hardtanh": lambda y: nn.Hardtanh(-0.5, 0.8, inplace=True)(y),
    "nn.ReLU6": lambda y: nn.ReLU6(inplace=True)(y * 4),
    "nn.SiLU": lambda y: nn.SiLU(inplace=True)(y),
    "nn.Mish": lambda y: nn.Mish(inplace=True)(y),
    "sigmoid_": lambda y: y.sigmoid_(),
    "tanh_": lambda y: y.tanh_(),
    "exp_": lambda y: y.exp_(),
}


@pytest.mark.parametrize("name", sorted(INPLACE_ACTIVATIONS))
def test_inplace_activation_in_the_graph(name):
    f = INPLACE_ACTIVATIONS[name]
    x = leaf((3, 4), seed=7)
    with torch.no_grad():  # keep the samples off the kinks of relu / hardtanh
        x.add_(torch.where(x.abs() < 0.05, torch.full_like(x, 0.1), torch.zeros_like(x)))
    assert gradcheck(lambda x: f(x * 1.5), (x,))
    if name not in ("relu_", "F.relu", "nn.ReLU", "F.relu_", "nn.Hardtanh", "nn.ReLU6", "nn.LeakyReLU"):
        assert gradgradcheck(lambda x: f(x * 1.5), (x,))
    # the same values as the out-of-place form, and the input tensor is the output
    y = x.detach() * 1.5
    out = f(y)
    if name != "nn.ReLU6":
        assert out is y
    ref = {"relu_": F.relu, "F.relu": F.relu, "nn.ReLU": F.relu, "F.relu_": F.relu,
           "nn.LeakyReLU": lambda t: F.leaky_relu(t, 0.1), "nn.ELU": lambda t: F.elu(t, 0.7),
           "nn.Hardtanh": lambda t: F.hardtanh(t, -0.5, 0.8), "nn.ReLU6": lambda t: F.relu6(t * 4), "nn.SiLU": F.silu,
           "nn.Mish": F.mish, "sigmoid_": torch.sigmoid, "tanh_": torch.tanh, "exp_": torch.exp}[name]
    assert torch.allclose(out, ref(x.detach() * 1.5))


def test_inplace_activation_in_a_cnn_block():
    # conv -> batchnorm -> ReLU(inplace) -> maxpool -> dropout2d(inplace): backward must run (it raised before).
    torch.manual_seed(0)
    block = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(inplace=True), nn.MaxPool2d(2),
                          nn.Dropout2d(0.3, inplace=True), nn.Flatten(), nn.Linear(12, 1), nn.LeakyReLU(inplace=True))
    x = torch.randn(4, 2, 4, 4)
    block(x).sum().backward()
    assert all(p.grad is not None for p in block.parameters())
    x64 = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    conv = nn.Conv2d(2, 2, 3, padding=1).double()
    assert gradcheck(lambda t: F.max_pool2d(F.relu(conv(t), inplace=True), 2), (x64,))


def test_inplace_activation_result_is_saved_like_pytorch():
    # The result is saved: changing it in place afterwards makes backward raise (as in PyTorch) ...
    x = torch.randn(5, requires_grad=True)
    y = (x * 1).relu_()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    # ... and the in-place forms of elu / leaky_relu need a non-negative alpha / slope at backward, as in PyTorch.
    for fn, msg in ((lambda y: F.leaky_relu(y, -0.1, inplace=True), "leakyReLu"),
                    (lambda y: F.elu(y, -0.5, inplace=True), "elu")):
        with pytest.raises(RuntimeError, match=f"In-place {msg} backward calculation is triggered with a negative"):
            fn(x * 1).sum().backward()
    # Out of place, relu keeps only its output: an in-place change of its input afterwards is fine.
    z = x * 1
    r = z.relu()
    z.add_(1)
    r.sum().backward()
    # An inplace activation on a leaf that requires grad is refused (PyTorch's message).
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.relu(x, inplace=True)


def test_register_hook_handle_removes_the_hook():
    calls = []
    x = torch.ones(2, requires_grad=True)
    h = x.register_hook(lambda g: calls.append("leaf") or g * 3)
    y = x * 2
    hy = y.register_hook(lambda g: calls.append("nonleaf"))
    (y * 1).sum().backward(retain_graph=True)
    assert calls == ["nonleaf", "leaf"] and x.grad.tolist() == [6.0, 6.0]
    h.remove()
    hy.remove()
    h.remove()  # removing twice is harmless
    x.grad = None
    calls.clear()
    (y * 1).sum().backward()
    assert calls == [] and x.grad.tolist() == [2.0, 2.0]
    z = torch.ones(1, requires_grad=True)
    with z.register_hook(lambda g: g * 0) as handle:  # a context manager, like PyTorch's RemovableHandle
        pass
    assert type(handle).__name__ == "RemovableHandle"
    (z * 5).sum().backward()
    assert z.grad.item() == 5.0


def _leaf_hook_scenario(torch, use_grad):
    """A leaf reached by three edges (x * x + x): its hook must run once, on the summed gradient, as
    PyTorch's AccumulateGrad does; a non-linear hook (clamp) tells one call on the sum from one per edge."""
    x = torch.tensor([0.5, -2.0, 3.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(g.detach().clone()) or g.clamp(-1.0, 4.0))
    post = []
    x.register_post_accumulate_grad_hook(lambda t: post.append(t.grad.detach().clone()))
    loss = (x * x + x).sum()
    if use_grad:
        (g,) = torch.autograd.grad(loss, x)
    else:
        loss.backward()
        g = x.grad
    return g, calls, post


@pytest.mark.parametrize("use_grad", [False, True])
def test_leaf_hook_runs_once_on_summed_gradient(use_grad):
    ref = torch_ref(lambda torch: _leaf_hook_scenario(torch, use_grad))
    g, calls, post = _leaf_hook_scenario(torch, use_grad)
    assert len(calls) == len(ref[1]) == 1
    assert_close(calls[0], ref[1][0])
    assert_close(g, ref[0])
    assert len(post) == len(ref[2])
    for a, b in zip(post, ref[2]):
        assert_close(a, b)


def _pruning_scenario(torch, how):
    """Hooks and retain_grad on two branches, one of which leads to no requested input: PyTorch runs
    neither the unneeded branch's backward nor its hooks, nor the hooks of leaves not asked for."""
    events = []
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: events.append(("hook a", g.clone())))
    b.register_hook(lambda g: events.append(("hook b", g.clone())))
    a.register_post_accumulate_grad_hook(lambda t: events.append(("post a", t.grad.clone())))
    b.register_post_accumulate_grad_hook(lambda t: events.append(("post b", t.grad.clone())))
    u = a * 2
    u.retain_grad()
    u.register_hook(lambda g: events.append(("hook u", g.clone())))
    v = b.exp()
    v.retain_grad()
    v.register_hook(lambda g: events.append(("hook v", g.clone())))
    w = u * v
    w.retain_grad()
    loss = w.sum() + (a * 3).sum()
    if how == "grad a":
        out = torch.autograd.grad(loss, [a])
    elif how == "grad u":
        out = torch.autograd.grad(loss, [u])
    elif how == "backward inputs a":
        loss.backward(inputs=[a])
        out = (a.grad, b.grad)
    else:
        loss.backward()
        out = (a.grad, b.grad)
    return out, events, (u.grad, v.grad, w.grad)


@pytest.mark.parametrize("how", ["grad a", "grad u", "backward inputs a", "backward"])
def test_backward_runs_only_the_branches_that_reach_the_inputs(how):
    ref = torch_ref(lambda torch: _pruning_scenario(torch, how))
    out, events, retained = _pruning_scenario(torch, how)
    assert [e[0] for e in events] == [e[0] for e in ref[1]]
    for (_, g), (_, r) in zip(events, ref[1]):
        assert_close(g, r)
    for got, want in zip(out + retained, ref[0] + ref[2]):
        assert (got is None) == (want is None)
        if got is not None:
            assert_close(got, want)


def test_function_mark_non_differentiable_and_all_output_grads():
    seen = {}

    class SortWithIndices(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            doubled = values * 2
            ctx.mark_non_differentiable(doubled)
            return values, idx, doubled, "tag"

        @staticmethod
        def backward(ctx, g_values, g_idx, g_doubled, g_tag):
            seen.update(idx=g_idx, doubled=g_doubled, tag=g_tag)
            (idx,) = ctx.saved_tensors
            return torch.zeros_like(g_values).scatter(0, idx, g_values)

    x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, idx, doubled, tag = SortWithIndices.apply(x)
    assert values.requires_grad and not idx.requires_grad and not doubled.requires_grad and tag == "tag"
    (values * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]
    assert seen["doubled"].tolist() == [0.0, 0.0, 0.0] and seen["tag"] is None  # zeros for the marked output


def test_variable_is_a_tensor():
    from rtorch.autograd import Variable

    t = torch.ones(2)
    v = Variable(t, requires_grad=True)
    assert v is not t and v.data_ptr() == t.data_ptr() and v.requires_grad and v.is_leaf
    assert isinstance(t, Variable) and not isinstance(3, Variable)
    y = torch.ones(2, requires_grad=True) * 2
    assert Variable(y).grad_fn is None and not Variable(y).requires_grad
    with pytest.warns(UserWarning, match="volatile was removed"):
        Variable(t, volatile=True)
    with pytest.raises(TypeError, match="Variable data has to be a tensor"):
        Variable([1, 2])
    assert Variable().shape == (0,)


def test_data_assignment_shares_the_new_tensor_and_keeps_autograd_state():
    p = nn.Parameter(torch.zeros(2))
    p.grad = torch.ones(2)
    src = torch.arange(5.0)
    p.data = src
    assert p.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and p.requires_grad and isinstance(p, nn.Parameter)
    assert p.grad.tolist() == [1.0, 1.0]  # kept, as in PyTorch
    src[0] = 7.0
    assert p[0].item() == 7.0  # shares memory
    p.data = torch.zeros(3, dtype=torch.float64)
    assert p.dtype is torch.float64
    with pytest.raises(RuntimeError, match="must be floating point"):
        p.data = torch.zeros(2, dtype=torch.int64)
    opt_state = {p: 1}
    p.data = torch.ones(1)
    assert opt_state[p] == 1  # hashing is by identity, stable across .data =
    p.grad = None
    (p * 3).sum().backward()
    assert p.grad.tolist() == [3.0]


def test_grad_fn_names_match_pytorch():
    names = _COMPAT["grad_fn_names"]
    x = torch.tensor(np.random.default_rng(0).standard_normal((4, 3)), dtype=torch.float32, requires_grad=True)
    p = torch.rand(4, 3).clamp(0.1, 0.9).requires_grad_()
    t = torch.rand(4, 3)
    ci = torch.tensor([0, 1, 2, 1])
    img = torch.randn(2, 3, 6, 6, requires_grad=True)
    w = torch.randn(2, 3, requires_grad=True)
    losses = {
        "mse_loss": lambda r: F.mse_loss(x, t, reduction=r), "l1_loss": lambda r: F.l1_loss(x, t, reduction=r),
        "smooth_l1_loss": lambda r: F.smooth_l1_loss(x, t, reduction=r),
        "huber_loss": lambda r: F.huber_loss(x, t, reduction=r), "nll_loss": lambda r: F.nll_loss(x, ci, reduction=r),
        "cross_entropy": lambda r: F.cross_entropy(x, ci, reduction=r),
        "binary_cross_entropy": lambda r: F.binary_cross_entropy(p, t, reduction=r),
        "binary_cross_entropy_with_logits": lambda r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
        "kl_div": lambda r: F.kl_div(x, t, reduction=r),
    }
    got = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, f in losses.items():
            for r in ("mean", "sum", "none"):
                got[f"{k}/{r}"] = f(r).grad_fn.name()
    ops = {
        "linear": lambda: F.linear(x, w), "linear_bias": lambda: F.linear(x, w, torch.randn(2, requires_grad=True)),
        "conv2d": lambda: F.conv2d(img, torch.randn(4, 3, 3, 3, requires_grad=True)),
        "max_pool2d": lambda: F.max_pool2d(img, 2), "avg_pool2d": lambda: F.avg_pool2d(img, 2),
        "layer_norm": lambda: F.layer_norm(x, (3,)), "batch_norm": lambda: F.batch_norm(img, None, None, training=True),
        "group_norm": lambda: F.group_norm(img, 1), "softmax": lambda: F.softmax(x, 1),
        "log_softmax": lambda: F.log_softmax(x, 1), "gelu": lambda: F.gelu(x), "silu": lambda: F.silu(x),
        "elu": lambda: F.elu(x), "leaky_relu": lambda: F.leaky_relu(x), "hardtanh": lambda: F.hardtanh(x),
        "relu6": lambda: F.relu6(x), "softplus": lambda: F.softplus(x), "mish": lambda: F.mish(x),
        "relu": lambda: F.relu(x), "dropout": lambda: F.dropout(x, 0.5), "embedding": lambda: F.embedding(ci, x),
        "pad": lambda: F.pad(x, (1, 1)), "mean": lambda: x.mean(), "mean_dim": lambda: x.mean(1),
        "sum": lambda: x.sum(), "sum_dim": lambda: x.sum(1),
    }
    got.update({k: f().grad_fn.name() for k, f in ops.items()})
    inplace = {
        "relu_": lambda y: F.relu(y, inplace=True), "leaky_relu_": lambda y: F.leaky_relu(y, 0.1, inplace=True),
        "elu_": lambda y: F.elu(y, inplace=True), "hardtanh_": lambda y: F.hardtanh(y, inplace=True),
        "relu6_": lambda y: F.relu6(y, inplace=True), "silu_": lambda y: F.silu(y, inplace=True),
        "sigmoid_": lambda y: y.sigmoid_(), "unsqueeze_": lambda y: y.unsqueeze_(0), "t_": lambda y: y.t_(),
        "transpose_": lambda y: y.transpose_(0, 1), "squeeze_": lambda y: y.unsqueeze(0).squeeze_(),
        "squeeze_dim": lambda y: y.unsqueeze(0).squeeze_(0),
    }
    got.update({k: f(x * 1).grad_fn.name() for k, f in inplace.items()})
    assert set(got) == set(names)
    wrong = {k: (got[k], names[k]) for k in names if got[k] != names[k]}
    assert not wrong, f"(rtorch, PyTorch) names that differ: {wrong}"


def test_composite_naming_never_renames_an_earlier_node():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    assert F.dropout(y, 0.0) is y and y.grad_fn.name() == "MulBackward0"
    F.pad(y, (0, 0))
    F.linear(y.reshape(1, 3), torch.ones(1, 3))
    assert y.grad_fn.name() == "MulBackward0"


def test_products_save_an_operand_only_for_the_other_ones_gradient():
    # d(b*w)/db = w, d(b/w)/db = 1/w: b itself is saved only when w needs a gradient (PyTorch's rule), so
    # changing b in place before backward is fine for `b * 0.5`, `b / 2`, `b * constant_tensor`.
    for f in (lambda b: b * 0.5, lambda b: b / 2, lambda b: b * torch.full((3,), 0.5), lambda b: 0.5 * b,
              lambda b: b.mul(0.5), lambda b: b.div(torch.full((3,), 2.0))):
        a = torch.ones(3, requires_grad=True)
        b = a.clone()
        q = f(b)
        b.add_(1)
        q.sum().backward()
        assert a.grad.tolist() == [0.5, 0.5, 0.5]
    # Where the saved value is needed, the in-place change is still caught.
    for f in (lambda b: 2 / b, lambda b, w=torch.full((3,), 2.0, requires_grad=True): b * w):
        a = torch.ones(3, requires_grad=True)
        b = a.clone()
        q = f(b)
        b.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            q.sum().backward()

"""The activation kernels that replaced nnfunc's compositions (hardswish, hardsigmoid, hardshrink, softshrink,
logsigmoid; rows of src/opdefs/unary.rs): the compositions stay here as the reference, plus the in-place forms
through autograd, grad_fn names, edge values and PyTorch's errors. Values and gradients per dtype: test_op_rows."""
import threading

import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F
from helpers import assert_close

# nnfunc's compositions from tensor ops, as they were before the kernels: the kernels must match them to
# the rounding of the dtype (the kernel divides once where the composition rounds an extra intermediate).
COMPOSED = {
    "hardswish": lambda x: x * ((x + 3.0).hardtanh(0.0, 6.0) / 6.0),
    "hardsigmoid": lambda x: (x + 3.0).hardtanh(0.0, 6.0) / 6.0,
    "hardshrink": lambda x: rtorch.where((x > 0.5) | (x < -0.5), x, x.new_zeros(())),
    "softshrink": lambda x: rtorch.where(x > 0.5, x - 0.5, rtorch.where(x < -0.5, x + 0.5, x.new_zeros(()))),
    "logsigmoid": lambda x: -(-x).softplus(1.0, 20.0),
}
KERNEL = {name: getattr(F, name) for name in COMPOSED}
# PyTorch's grad_fn names for these functions (torch 2.x: F.hardswish(x).grad_fn.name(), ...).
GRAD_FN = {"hardswish": "HardswishBackward0", "hardsigmoid": "HardsigmoidBackward0",
           "hardshrink": "HardshrinkBackward0", "softshrink": "SoftshrinkBackward0",
           "logsigmoid": "LogSigmoidBackward0"}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_kernel_matches_the_composition(name, dtype, threads, rng):
    # 70000 elements: past the threading grain (32768), strided and contiguous
    x = rtorch.tensor(rng.uniform(-8, 8, (700, 100)), dtype=dtype)
    before = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        for v in (x, x.t(), x[:, ::3]):
            eps = float(np.finfo(np.float32 if dtype == rtorch.float32 else np.float64).eps)
            # logsigmoid: the composition's softplus switches to linear past 20, the kernel stays exact
            assert_close(KERNEL[name](v), COMPOSED[name](v), rtol=4 * eps, atol=4 * eps)
    finally:
        rtorch.set_num_threads(before)


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_gradient_matches_the_composition_and_names_the_node(name, rng):
    x = rng.uniform(-5, 5, (4, 6))
    x = np.where(np.abs(np.abs(x) - 3) < 1e-3, 1.0, x)
    x = np.where(np.abs(np.abs(x) - 0.5) < 1e-3, 1.0, x)
    a = rtorch.tensor(x, requires_grad=True)
    b = rtorch.tensor(x, requires_grad=True)
    g = rtorch.tensor(rng.standard_normal((4, 6)))
    ya = KERNEL[name](a)
    assert ya.grad_fn.name() == GRAD_FN[name]
    ya.backward(g)
    COMPOSED[name](b).backward(g)
    assert_close(a.grad, b.grad, rtol=1e-12, atol=1e-12)


def test_edge_values_match_torch():
    # recorded from torch 2.x (CPU): signed zeros, NaN, the kinks, large magnitudes
    nan = float("nan")
    x = rtorch.tensor([nan, -0.0, -3.0, 3.0, -200.0, 200.0])
    hs = F.hardswish(x).numpy()
    assert np.isnan(hs[0]) and np.signbit(hs[1]) and np.signbit(hs[2]) and hs[3] == 3.0
    assert hs[4] == 0.0 and hs[5] == 200.0
    assert np.isnan(F.hardsigmoid(x).numpy()[0])
    sh = F.hardshrink(x).numpy()
    assert np.isnan(sh[0]) and sh[1] == 0.0 and not np.signbit(sh[1])
    ss = F.softshrink(x).numpy()
    assert np.isnan(ss[0]) and ss[1] == 0.0 and np.signbit(ss[1])
    ls = F.logsigmoid(x).numpy()
    assert np.isnan(ls[0]) and ls[4] == -200.0 and ls[5] == 0.0
    assert F.logsigmoid(rtorch.tensor([-1e4], dtype=rtorch.float64)).item() == -1e4
    # far above 0 the result is the denormal -e^-x, not 0 (torch: -8.194008692231508e-40 at 90 in float32)
    tail = F.logsigmoid(rtorch.full((64,), 90.0)).numpy()
    assert np.all(np.abs(tail / -8.194008692231508e-40 - 1) < 1e-3)


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_inplace_in_the_graph(name, rng):
    x = rng.uniform(-5, 5, (3, 5))
    a = rtorch.tensor(x, requires_grad=True)
    y = a * 2.0
    out = KERNEL[name](y, inplace=True)
    assert out is y and y.grad_fn.name() == GRAD_FN[name]
    y.sum().backward()
    b = rtorch.tensor(x, requires_grad=True)
    KERNEL[name](b * 2.0).sum().backward()
    assert_close(a.grad, b.grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_inplace_on_a_view_and_on_a_leaf(name):
    base = rtorch.linspace(-5, 5, 12).reshape(3, 4)
    want = KERNEL[name](base[:, 1])
    KERNEL[name](base[:, 1], inplace=True)
    assert_close(base[:, 1], want)
    leaf = rtorch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        KERNEL[name](leaf, inplace=True)


@pytest.mark.parametrize("dtype", [rtorch.float16, rtorch.bfloat16])
@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_half_dtypes_keep_their_dtype(name, dtype):
    x = rtorch.linspace(-6, 6, 25)
    out = KERNEL[name](x.to(dtype))
    assert out.dtype == dtype
    assert_close(out.float(), KERNEL[name](x.to(dtype).float()).to(dtype).float())


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_integer_input_raises_like_torch(name):
    kernel = {"logsigmoid": "log_sigmoid"}.get(name, name)
    with pytest.raises(NotImplementedError, match=f'"{kernel}_cpu" not implemented for \'Long\''):
        KERNEL[name](rtorch.tensor([1, 2]))


def test_unknown_activation_name_raises():
    with pytest.raises(ValueError, match="unknown activation"):
        rtorch._rtorch._activation(rtorch.ones(2), "nope")


def test_threads_share_the_kernels(rng):
    x = rtorch.tensor(rng.standard_normal((64, 512)).astype(np.float32))
    want = {name: KERNEL[name](x) for name in KERNEL}
    bad = []

    def work():
        for _ in range(20):
            for name, f in KERNEL.items():
                if not rtorch.equal(f(x), want[name]):
                    bad.append(name)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad

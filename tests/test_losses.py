"""Losses: the fused class-index losses (rtorch._rtorch.cross_entropy_loss / nll_loss, used by F.cross_entropy
and F.nll_loss on the CPU) against a NumPy reference, the tensor-op path they replace, PyTorch and finite
differences (double backward included), their errors and edge cases; the regression, binary cross-entropy
and KL-divergence losses and their modules against NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from rtorch.nn._functional import loss as floss
from helpers import assert_close, n, noncontig, np_softmax, t
from torch_ref import TorchError, catch, live_ref, torch_ref


# ------------------------------------------------------------------ the fused cross_entropy / nll_loss kernels
REDUCTIONS = ["none", "sum", "mean"]


def np_loss(x, y, w=None, ignore_index=-100, ls=0.0, reduction="mean", log_input=False):
    """The documented formula in float64, classes on axis 1 (axis 0 for a 1-D input)."""
    x = np.asarray(x, np.float64)
    if x.ndim == 1:
        x, y = x[None], np.asarray(y).reshape(1)
        out = np_loss(x, y, w, ignore_index, ls, reduction, log_input)
        return out.reshape(()) if reduction == "none" else out
    C = x.shape[1]
    rows = np.moveaxis(x, 1, -1).reshape(-1, C)
    if not log_input and rows.size:
        m = rows.max(1, keepdims=True)
        rows = rows - (m + np.log(np.exp(rows - m).sum(1, keepdims=True)))
    w = np.ones(C) if w is None else np.asarray(w, np.float64)
    losses, wsum = np.zeros(len(rows)), 0.0
    for i, (row, c) in enumerate(zip(rows, np.asarray(y).reshape(-1))):
        if c == ignore_index:
            continue
        q = np.full(C, ls / C)
        q[c] += 1 - ls
        losses[i] = -(w * q * row).sum()
        wsum += w[c]
    if reduction == "none":
        return losses.reshape(np.asarray(y).shape)
    if reduction == "sum":
        return losses.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.float64(losses.sum()) / wsum


def shapes():
    """(input shape, class dim size): (C,), (M, C) with M from 0, (N, C, d1[, d2])."""
    c = st.integers(1, 7)
    one = c.map(lambda c: (c,))
    two = st.tuples(st.integers(0, 9), c)
    nd = st.tuples(st.integers(0, 3), c, st.integers(1, 4)) | st.tuples(st.integers(1, 3), c, st.integers(0, 3), st.integers(1, 3))
    return one | two | nd


def draw_case(g, shape, ignore_index, p_ignore):
    C = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])
    y = g.integers(0, C, tshape)
    y = np.where(g.random(tshape) < p_ignore, ignore_index, y)
    return C, np.asarray(y, np.int64)


@settings(max_examples=150, deadline=None)
@given(
    shape=shapes(),
    weighted=st.booleans(),
    ignore_index=st.sampled_from([-100, 0, 2, -1]),
    p_ignore=st.sampled_from([0.0, 0.3, 1.0]),
    ls=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(["float32", "float64"]),
    contiguous=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_forward_matches_numpy(shape, weighted, ignore_index, p_ignore, ls, reduction, dtype, contiguous, seed):
    g = np.random.default_rng(seed)
    x = g.standard_normal(shape) * 3
    C, y = draw_case(g, shape, ignore_index, p_ignore)
    w = g.uniform(0.2, 2.0, C) if weighted else None
    dt = getattr(rtorch, dtype)
    xt = rtorch.tensor(x, dtype=dt)
    xt = xt if contiguous else noncontig(xt)
    wt = None if w is None else rtorch.tensor(w, dtype=dt)
    out = F.cross_entropy(xt, rtorch.tensor(y), weight=wt, ignore_index=ignore_index, label_smoothing=ls,
                          reduction=reduction)
    assert out.dtype == dt
    ref = np_loss(x, y, w, ignore_index, ls, reduction)
    assert tuple(out.shape) == np.shape(ref)
    tol = 1e-12 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(out.double().numpy(), ref, rtol=tol, atol=tol)


@settings(max_examples=80, deadline=None)
@given(
    shape=shapes(),
    weighted=st.booleans(),
    ignore_index=st.sampled_from([-100, 1]),
    p_ignore=st.sampled_from([0.0, 0.4]),
    reduction=st.sampled_from(REDUCTIONS),
    seed=st.integers(0, 2**16),
)
def test_nll_loss_forward_and_grad_match_numpy(shape, weighted, ignore_index, p_ignore, reduction, seed):
    g = np.random.default_rng(seed)
    x = g.standard_normal(shape)
    C, y = draw_case(g, shape, ignore_index, p_ignore)
    w = g.uniform(0.2, 2.0, C) if weighted else None
    xt = rtorch.tensor(x, requires_grad=True)
    out = F.nll_loss(xt, rtorch.tensor(y), weight=None if w is None else rtorch.tensor(w),
                     ignore_index=ignore_index, reduction=reduction)
    ref = np_loss(x, y, w, ignore_index, reduction=reduction, log_input=True)
    np.testing.assert_allclose(out.detach().numpy(), ref, rtol=1e-12, atol=1e-12)
    # d/dx of sum(v * loss): -v_r w_t at the target, /Σw for mean, 0 elsewhere.
    v = g.standard_normal(np.shape(ref))
    out.backward(rtorch.tensor(v))
    x2 = x[None] if x.ndim == 1 else x
    xr = np.moveaxis(x2, 1, -1)
    gr = np.zeros(xr.shape)
    yr, vr = y.reshape(xr.shape[:-1]), np.broadcast_to(v, y.shape).reshape(xr.shape[:-1])
    ww = np.ones(C) if w is None else w
    denom = ww[yr[yr != ignore_index]].sum() if reduction == "mean" else 1.0
    for idx in np.ndindex(*yr.shape):
        if yr[idx] != ignore_index:
            gr[idx + (yr[idx],)] = -vr[idx] * ww[yr[idx]] / denom
    gr = np.moveaxis(gr, -1, 1).reshape(x.shape)
    np.testing.assert_allclose(xt.grad.numpy(), gr, rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    shape=shapes(),
    weighted=st.booleans(),
    ignore_index=st.sampled_from([-100, 0]),
    p_ignore=st.sampled_from([0.0, 0.3, 1.0]),
    ls=st.sampled_from([0.0, 0.2, 1.0]),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(["float32", "float64"]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_matches_torch(shape, weighted, ignore_index, p_ignore, ls, reduction, dtype, seed):
    check_cross_entropy(shape, weighted, ignore_index, p_ignore, ls, reduction, dtype, seed, live_ref)


def check_cross_entropy(shape, weighted, ignore_index, p_ignore, ls, reduction, dtype, seed, reference):
    """cross_entropy's value and input gradient against PyTorch's (`reference`: torch_ref or live_ref)."""
    g = np.random.default_rng(seed)
    x = (g.standard_normal(shape) * 3).astype(dtype)
    C, y = draw_case(g, shape, ignore_index, p_ignore)
    w = g.uniform(0.2, 2.0, C).astype(dtype) if weighted else None
    kw = dict(ignore_index=ignore_index, label_smoothing=ls, reduction=reduction)

    def side(lib):
        xs = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.cross_entropy(xs, lib.tensor(y), weight=None if w is None else lib.tensor(w), **kw)
        v = np.random.default_rng(seed + 1).standard_normal(tuple(out.shape)).astype(dtype)
        out.backward(lib.tensor(v))
        return out.detach().numpy(), xs.grad.numpy()
    tol = 1e-10 if dtype == "float64" else 2e-5
    for a, b in zip(side(rtorch), reference(side)):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# Fixed cases for the same check without PyTorch (recorded): every reduction, class dim 1 of 1-d to 4-d
# inputs, ignored targets (all of them too), label smoothing 0 / 0.2 / 1, weights.
CE_CASES = [((5,), False, -100, 0.0, 0.0, "mean", "float64"), ((4, 3), True, -100, 0.3, 0.2, "mean", "float32"),
            ((4, 3), True, 0, 1.0, 0.2, "mean", "float64"), ((2, 4, 3), False, 2, 0.3, 1.0, "sum", "float32"),
            ((3, 5, 2, 2), True, -1, 0.3, 0.2, "none", "float64"), ((0, 3), False, -100, 0.0, 0.2, "mean", "float64"),
            ((6, 2), True, -100, 0.0, 0.0, "sum", "float32"), ((2, 3, 0), True, 0, 0.3, 0.0, "none", "float32"),
            ((1, 7, 3), True, 2, 0.3, 1.0, "mean", "float64"), ((3, 4, 1, 2), False, -100, 1.0, 0.0, "sum", "float64")]


@pytest.mark.parametrize("case", CE_CASES, ids=str)
def test_cross_entropy_fixed_cases_match_torch(case):
    check_cross_entropy(*case, seed=len(case[0]) * 7 + int(case[3] * 10), reference=torch_ref)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ls", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 2, 2), (3,)])
def test_gradcheck_and_gradgradcheck(shape, weighted, ls, reduction):
    g = np.random.default_rng(7)
    C, y = draw_case(g, shape, 1, 0.3)
    x = rtorch.tensor(g.standard_normal(shape), requires_grad=True)
    w = rtorch.tensor(g.uniform(0.5, 2.0, C)) if weighted else None
    yt = rtorch.tensor(y)
    ce = lambda x: F.cross_entropy(x, yt, weight=w, ignore_index=1, label_smoothing=ls, reduction=reduction)
    assert gradcheck(ce, (x,))
    assert gradgradcheck(ce, (x,))
    nll = lambda x: F.nll_loss(x, yt, weight=w, ignore_index=1, reduction=reduction)
    assert gradcheck(nll, (x,))
    assert gradgradcheck(nll, (x,))


def test_double_backward_matches_torch():
    g = np.random.default_rng(3)
    x = g.standard_normal((4, 5))
    y = np.array([1, -100, 4, 0])
    w = g.uniform(0.5, 2.0, 5)

    def side(lib):
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(y), weight=lib.tensor(w), label_smoothing=0.2)
        (gx,) = lib.autograd.grad(loss, xt, create_graph=True)
        (gx * lib.tensor(x)).sum().backward()
        return gx.detach().numpy(), xt.grad.numpy()
    grads = side(rtorch), torch_ref(side)
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_path_equals_tensor_op_path(reduction, monkeypatch):
    g = np.random.default_rng(1)
    x = g.standard_normal((6, 2, 5, 3)).astype(np.float32)  # classes on dim 1: the strip kernel
    y = rtorch.tensor(np.where(g.random((6, 5, 3)) < 0.2, -100, g.integers(0, 2, (6, 5, 3))))
    w = rtorch.tensor([0.7, 1.9])

    def run():
        xt = rtorch.tensor(x, requires_grad=True)
        out = F.cross_entropy(xt, y, weight=w, label_smoothing=0.15, reduction=reduction)
        out.sum().backward()
        return out, xt.grad.numpy()

    real, took = floss._fused_class_loss, []
    monkeypatch.setattr(floss, "_fused_class_loss", lambda *a: took.append(real(*a)) or took[-1])
    fused, gf = run()
    assert took and all(took)  # the fused kernel ran (both paths show PyTorch's grad_fn name, so ask the gate)
    monkeypatch.setattr(floss, "_fused_class_loss", lambda *a: False)
    plain, gp = run()
    assert fused.grad_fn.name() == plain.grad_fn.name() == "AddBackward0"  # PyTorch's, with label smoothing
    np.testing.assert_allclose(fused.detach().numpy(), plain.detach().numpy(), rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(gf, gp, rtol=2e-6, atol=2e-6)


def test_grad_fn_names():
    x = rtorch.randn(4, 3, requires_grad=True)
    y = rtorch.tensor([0, 1, 2, 0])
    # PyTorch's names: cross_entropy is log_softmax + nll_loss there, so it shows NllLossBackward0 too.
    assert F.cross_entropy(x, y).grad_fn.name() == "NllLossBackward0"
    assert F.cross_entropy(x, y, reduction="none").grad_fn.name() == "NllLossBackward0"
    assert F.cross_entropy(x, y, label_smoothing=0.3).grad_fn.name() == "AddBackward0"
    assert F.nll_loss(x, y).grad_fn.name() == "NllLossBackward0"
    x4 = rtorch.randn(2, 3, 2, 2, requires_grad=True)
    assert F.nll_loss(x4, rtorch.zeros(2, 2, 2, dtype=rtorch.int64)).grad_fn.name() == "NllLoss2DBackward0"
    with rtorch.no_grad():
        assert F.cross_entropy(x, y).grad_fn is None


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ls", [0.0, 0.4])
def test_no_rows_and_all_ignored(reduction, ls):
    cases = [(np.zeros((0, 4)), np.zeros(0, np.int64)), (np.ones((3, 4)), np.full(3, -100)),
             (np.zeros((2, 4, 0)), np.zeros((2, 0), np.int64))]
    for x, y in cases:
        def side(lib):
            xr = lib.tensor(x, requires_grad=True)
            out = lib.nn.functional.cross_entropy(xr, lib.tensor(y), label_smoothing=ls, reduction=reduction)
            out.sum().backward()
            return out.detach().numpy(), xr.grad.numpy()
        (out, grad), (ref, ref_grad) = side(rtorch), torch_ref(side)
        assert out.dtype == ref.dtype and grad.dtype == ref_grad.dtype
        np.testing.assert_array_equal(out, ref)  # nan for mean, as PyTorch
        np.testing.assert_array_equal(grad, ref_grad)


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("bad", [7, 4, -3])
def test_out_of_range_target_raises_like_torch(fn, bad):
    x = np.zeros((4, 4))
    for y in ([0, 1, bad, 3], [[[0, bad]], [[1, 1]]]):
        xs = x if len(np.shape(y)) == 1 else x.reshape(2, 4, 1, 2)
        err = torch_ref(lambda torch: catch(getattr(torch.nn.functional, fn), torch.tensor(xs), torch.tensor(y)))
        assert isinstance(err, TorchError) and err.type == "IndexError"
        assert err.message.startswith(f"Target {bad} is out of bounds."), err
        with pytest.raises(IndexError, match=f"Target {bad} is out of bounds."):
            getattr(F, fn)(rtorch.tensor(xs), rtorch.tensor(y))
        with pytest.raises(IndexError, match=f"Target {bad} is out of bounds."):
            getattr(F, fn)(rtorch.tensor(xs), rtorch.tensor(y), reduction="none")
    # An out-of-range ignore_index is fine when it is what the target holds.
    assert F.cross_entropy(rtorch.tensor(x), rtorch.tensor([0, 1, bad, 3]), ignore_index=bad).item() == pytest.approx(np.log(4))


def test_bad_arguments():
    x, y = rtorch.zeros(3, 4), rtorch.tensor([0, 1, 2])
    with pytest.raises(RuntimeError, match="weight"):
        F.cross_entropy(x, y, weight=rtorch.ones(3))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.cross_entropy(x, y, reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, y, label_smoothing=1.5)
    with pytest.raises(ValueError, match="batch_size"):
        F.cross_entropy(x, rtorch.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="Expected target size"):
        F.nll_loss(rtorch.zeros(2, 3, 4), rtorch.zeros(2, 5, dtype=rtorch.int64))
    with pytest.raises(TypeError, match="floating point"):
        rtorch._rtorch.cross_entropy_loss(rtorch.zeros(3, 4, dtype=rtorch.int64), y)
    with pytest.raises(RuntimeError):
        rtorch._rtorch.nll_loss(x, rtorch.tensor([0, 1]))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_inputs_compute_in_float32(dtype):
    g = np.random.default_rng(5)
    dt = getattr(rtorch, dtype)
    x = rtorch.tensor(g.standard_normal((8, 6)) * 2, dtype=rtorch.float64).to(dt).requires_grad_()
    y = rtorch.tensor(g.integers(0, 6, 8))
    out = F.cross_entropy(x, y, label_smoothing=0.1)
    assert out.dtype == dt
    xr = x.detach().double().numpy()
    tol = 1e-2 if dtype == "bfloat16" else 2e-3
    np.testing.assert_allclose(out.double().item(), np_loss(xr, y.numpy(), ls=0.1), rtol=tol)
    out.backward()
    assert x.grad.dtype == dt
    x64 = rtorch.tensor(xr, requires_grad=True)
    F.cross_entropy(x64, y, label_smoothing=0.1).backward()
    np.testing.assert_allclose(x.grad.double().numpy(), x64.grad.numpy(), atol=tol)


def test_extreme_logits_stay_finite():
    x = rtorch.tensor([[1000.0, -1000.0, 0.0], [-1e4, -1e4 + 1, -1e4 - 2]], requires_grad=True)
    out = F.cross_entropy(x, rtorch.tensor([1, 0]), reduction="none", label_smoothing=0.1)
    np.testing.assert_allclose(out.detach().numpy(), np_loss(x.detach().double().numpy(), np.array([1, 0]), ls=0.1,
                                                              reduction="none"), rtol=1e-6)
    out.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_weight_that_requires_grad_uses_tensor_ops():
    g = np.random.default_rng(2)
    x = rtorch.tensor(g.standard_normal((4, 3)))
    w = rtorch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = rtorch.tensor([0, 2, 1, 2])
    out = F.cross_entropy(x, y, weight=w)
    np.testing.assert_allclose(out.item(), np_loss(x.numpy(), y.numpy(), w.detach().numpy()), rtol=1e-12)
    out.backward()
    assert w.grad is not None


def test_module_and_large_rows():
    # Rows longer than the kernels' 1024-element blocks, through nn.CrossEntropyLoss.
    g = np.random.default_rng(4)
    x = g.standard_normal((3, 3000)).astype(np.float32)
    y = np.array([5, 2999, 0])
    out = rtorch.nn.CrossEntropyLoss(label_smoothing=0.05)(rtorch.tensor(x), rtorch.tensor(y))
    np.testing.assert_allclose(out.item(), np_loss(x, y, ls=0.05), rtol=1e-5)


# ------------------------------------------------------------------ regression, cross-entropy, NLL and binary cross-entropy losses (modules and functional)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(reduction, rng):
    x, y = rng.standard_normal((4, 5)) * 2, rng.standard_normal((4, 5))
    red = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    d = np.abs(x - y)
    cases = [
        (nn.MSELoss(reduction=reduction), (x - y) ** 2),
        (nn.L1Loss(reduction=reduction), d),
        (nn.SmoothL1Loss(reduction=reduction), np.where(d < 1, 0.5 * d**2, d - 0.5)),
        (nn.SmoothL1Loss(reduction=reduction, beta=0.5), np.where(d < 0.5, 0.5 * d**2 / 0.5, d - 0.25)),
        (nn.HuberLoss(reduction=reduction), np.where(d < 1, 0.5 * d**2, d - 0.5)),
        (nn.HuberLoss(reduction=reduction, delta=2.0), np.where(d < 2, 0.5 * d**2, 2 * (d - 1.0))),
    ]
    for loss_fn, ref in cases:
        assert_close(loss_fn(t(x, rtorch.float32), t(y, rtorch.float32)), red(ref), atol=1e-5, dtype=rtorch.float32)


def test_mse_grad(rng):
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    xt = t(x, rtorch.float32, requires_grad=True)
    F.mse_loss(xt, t(y, rtorch.float32)).backward()
    assert_close(xt.grad, 2 * (x - y) / x.size, atol=1e-6, dtype=rtorch.float32)


def np_log_softmax(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("ls", [0.0, 0.1])
def test_cross_entropy_matches_numpy(reduction, use_weight, ls, rng):
    x = rng.standard_normal((6, 4)) * 3
    y = np.array([0, 3, 1, -100, 2, 3])
    w = rng.uniform(0.5, 2.0, 4) if use_weight else None
    loss = nn.CrossEntropyLoss(weight=None if w is None else t(w, rtorch.float32), reduction=reduction,
                               label_smoothing=ls)
    out = loss(t(x, rtorch.float32), rtorch.tensor(y.tolist()))
    assert_close(out, np_loss(x, y, w, -100, ls, reduction), atol=1e-5, dtype=rtorch.float32)


def test_cross_entropy_spatial_and_unbatched(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    y = rng.integers(0, 3, (2, 4, 5))
    out = F.cross_entropy(t(x, rtorch.float32), rtorch.tensor(y.tolist()), reduction="none")
    assert tuple(out.shape) == (2, 4, 5)
    assert_close(out, np_loss(x, y, reduction="none"), atol=1e-5, dtype=rtorch.float32)
    assert_close(F.cross_entropy(t(x, rtorch.float32), rtorch.tensor(y.tolist())), np_loss(x, y), atol=1e-5,
                 dtype=rtorch.float32)
    x1 = rng.standard_normal(5)
    assert_close(F.cross_entropy(t(x1, rtorch.float32), rtorch.tensor(2)), -np_log_softmax(x1[None], 1)[0, 2],
                 atol=1e-5, dtype=rtorch.float32)


def test_cross_entropy_probability_targets(rng):
    x = rng.standard_normal((4, 3))
    p = np_softmax(rng.standard_normal((4, 3)), 1)
    ref = -(p * np_log_softmax(x, 1)).sum(1)
    assert_close(F.cross_entropy(t(x, rtorch.float32), t(p, rtorch.float32)), ref.mean(), atol=1e-5,
                 dtype=rtorch.float32)
    assert_close(F.cross_entropy(t(x, rtorch.float32), t(p, rtorch.float32), reduction="none"), ref, atol=1e-5,
                 dtype=rtorch.float32)
    q = p * 0.8 + 0.2 / 3
    assert_close(F.cross_entropy(t(x, rtorch.float32), t(p, rtorch.float32), label_smoothing=0.2),
                 (-(q * np_log_softmax(x, 1)).sum(1)).mean(), atol=1e-5, dtype=rtorch.float32)


def test_cross_entropy_gradient(rng):
    x = rng.standard_normal((5, 4))
    y = np.array([1, 0, 3, 3, 2])
    xt = t(x, rtorch.float32, requires_grad=True)
    F.cross_entropy(xt, rtorch.tensor(y.tolist())).backward()
    onehot = np.eye(4)[y]
    assert_close(xt.grad, (np_softmax(x, 1) - onehot) / 5, atol=1e-6, dtype=rtorch.float32)


def test_nll_loss(rng):
    logp = np_log_softmax(rng.standard_normal((5, 3)), 1)
    y = np.array([2, 0, 1, 1, -1])
    w = np.array([1.0, 2.0, 0.5])
    out = nn.NLLLoss(weight=t(w, rtorch.float32), ignore_index=-1)(t(logp, rtorch.float32), rtorch.tensor(y.tolist()))
    picked = np.array([-logp[i, c] * w[c] for i, c in enumerate(y[:4])])
    assert_close(out, picked.sum() / w[y[:4]].sum(), atol=1e-6, dtype=rtorch.float32)
    out_none = F.nll_loss(t(logp, rtorch.float32), rtorch.tensor([0, 1, 2, 0, 1]), reduction="none")
    assert_close(out_none, -logp[np.arange(5), [0, 1, 2, 0, 1]], atol=1e-6, dtype=rtorch.float32)


def test_bce_losses(rng):
    z = rng.standard_normal((4, 3)) * 3
    p = 1 / (1 + np.exp(-z))
    y = rng.integers(0, 2, (4, 3)).astype(np.float64)
    w = rng.uniform(0.5, 1.5, (4, 3))
    ref = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert_close(nn.BCELoss()(t(p, rtorch.float32), t(y, rtorch.float32)), ref.mean(), atol=1e-5, dtype=rtorch.float32)
    assert_close(nn.BCELoss(weight=t(w, rtorch.float32), reduction="sum")(t(p, rtorch.float32), t(y, rtorch.float32)),
                 (ref * w).sum(), atol=1e-4, dtype=rtorch.float32)
    assert_close(nn.BCEWithLogitsLoss()(t(z, rtorch.float32), t(y, rtorch.float32)), ref.mean(), atol=1e-5,
                 dtype=rtorch.float32)
    assert_close(nn.BCEWithLogitsLoss(reduction="none")(t(z, rtorch.float32), t(y, rtorch.float32)), ref, atol=1e-5,
                 dtype=rtorch.float32)
    pw = np.array([1.0, 2.0, 3.0])
    ref_pw = -(pw * y * np.log(p) + (1 - y) * np.log(1 - p))
    assert_close(nn.BCEWithLogitsLoss(pos_weight=t(pw, rtorch.float32))(t(z, rtorch.float32), t(y, rtorch.float32)),
                 ref_pw.mean(), atol=1e-5, dtype=rtorch.float32)
    # extreme logits stay finite
    big = F.binary_cross_entropy_with_logits(t([100.0, -100.0], rtorch.float32), t([0.0, 1.0], rtorch.float32),
                                             reduction="none")
    assert_close(big, [100.0, 100.0], rtol=1e-6)
    # BCE clamps log at -100
    assert_close(F.binary_cross_entropy(t([0.0, 1.0], rtorch.float32), t([1.0, 0.0], rtorch.float32), reduction="none"),
                 [100.0, 100.0])


def test_bce_with_logits_gradient(rng):
    z = rng.standard_normal((3, 2))
    y = rng.integers(0, 2, (3, 2)).astype(np.float64)
    zt = t(z, rtorch.float32, requires_grad=True)
    F.binary_cross_entropy_with_logits(zt, t(y, rtorch.float32)).backward()
    assert_close(zt.grad, (1 / (1 + np.exp(-z)) - y) / 6, atol=1e-6, dtype=rtorch.float32)


def test_legacy_reduction_flags(rng):
    x, y = t(rng.standard_normal(4), rtorch.float32), t(rng.standard_normal(4), rtorch.float32)
    with pytest.warns(UserWarning):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"
    assert_close(loss(x, y), ((n(x) - n(y)) ** 2).sum(), atol=1e-5)


# ------------------------------------------------------------------ KL divergence
RNG = np.random.default_rng(5)


def np_kl(inp, tgt, reduction, log_target):
    if log_target:
        loss = np.exp(tgt) * (tgt - inp)
    else:
        loss = np.where(tgt > 0, tgt * np.log(np.where(tgt > 0, tgt, 1.0)), 0.0) - tgt * inp
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean(), "batchmean": loss.sum() / inp.shape[0]}[reduction]


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_numpy_and_gradcheck(reduction, log_target):
    logits = RNG.standard_normal((4, 6))
    inp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    tgt = RNG.dirichlet(np.ones(6), size=4)
    tgt[0, 2] = 0.0  # 0 * log 0 counts as 0
    if log_target:
        tgt = np.log(tgt + 1e-3)
    out = F.kl_div(rtorch.tensor(inp), rtorch.tensor(tgt), reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(out.numpy(), np_kl(inp, tgt, reduction, log_target), rtol=1e-12, atol=1e-12)
    x = rtorch.tensor(inp, requires_grad=True)
    assert rtorch.autograd.gradcheck(
        lambda a: F.kl_div(a, rtorch.tensor(tgt), reduction=reduction, log_target=log_target), (x,))
    mod = nn.KLDivLoss(reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(mod(rtorch.tensor(inp), rtorch.tensor(tgt)).numpy(), out.numpy())
    assert not np.isnan(out.numpy()).any()


def test_kl_div_bad_reduction():
    with pytest.raises(ValueError, match="valid value"):
        F.kl_div(rtorch.zeros(2, 2), rtorch.zeros(2, 2), reduction="avg")


def test_kl_div_parity_with_torch():
    g = np.random.default_rng(31)  # its own generator: the shared RNG's state depends on which tests ran
    inp, tgt = g.standard_normal((3, 5)), g.random((3, 5))
    for red in ("sum", "mean", "batchmean", "none"):
        a = F.kl_div(rtorch.tensor(inp), rtorch.tensor(tgt), reduction=red).numpy()
        b = torch_ref(lambda torch: torch.nn.functional.kl_div(torch.tensor(inp), torch.tensor(tgt), reduction=red))
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)

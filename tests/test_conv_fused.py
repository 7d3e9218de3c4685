"""The fused CPU conv2d (one op, ConvolutionBackward0): forward and every gradient against PyTorch
over random geometries (groups, stride, padding, dilation, 0/1-sized dims, non-contiguous views,
partial requires_grad), finite differences, double backward through the create_graph path."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


@st.composite
def geometries(draw):
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    # The padded input must hold one dilated kernel.
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    return dict(n=draw(st.sampled_from([0, 1, 2, 3])), c=cg * groups, o=og * groups, groups=groups,
                k=(kh, kw), stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), hw=(h, w))


def make(rng, shape, layout, dtype):
    """(numpy base, view function): the view of the base is `shape`, laid out as `layout` says."""
    if layout == "contig":
        return rng.standard_normal(shape).astype(dtype), lambda t: t
    if layout == "step":  # every other column
        base = rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)
        return base, lambda t: t[..., ::2]
    # transposed last two dims
    base = rng.standard_normal(shape[:-2] + (shape[-1], shape[-2])).astype(dtype)
    return base, lambda t: t.transpose(-1, -2)


def run_both(g, dtype, layout, bias, req, seed):
    rng = np.random.default_rng(seed)
    xs = (g["n"], g["c"]) + g["hw"]
    ws = (g["o"], g["c"] // g["groups"]) + g["k"]
    xb, xv = make(rng, xs, layout, dtype)
    wb, wv = make(rng, ws, "T" if layout == "T" else "contig", dtype)
    bb = rng.standard_normal(g["o"]).astype(dtype) if bias else None
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"])
    results = []
    for lib in (rtorch, torch):
        leaves = [lib.tensor(a, requires_grad=r) if a is not None else None for a, r in zip((xb, wb, bb), req)]
        x, w = xv(leaves[0]), wv(leaves[1])
        y = lib.nn.functional.conv2d(x, w, leaves[2], **kw)
        cot = rng.standard_normal(tuple(y.shape)).astype(dtype) if lib is rtorch else cot
        if any(r for r, a in zip(req, (xb, wb, bb)) if a is not None):
            y.backward(lib.tensor(cot))
        grads = [None if t is None or t.grad is None else t.grad.detach().numpy() for t in leaves]
        results.append((y, y.detach().numpy(), grads))
    return results


@settings(max_examples=120, deadline=None)
@given(g=geometries(), dtype=st.sampled_from([np.float64, np.float32]),
       layout=st.sampled_from(["contig", "step", "T"]), bias=st.booleans(),
       req=st.tuples(st.booleans(), st.booleans(), st.booleans()), seed=st.integers(0, 2**31))
def test_conv2d_matches_torch(g, dtype, layout, bias, req, seed):
    (ry, ro, rg), (ty, to, tg) = run_both(g, dtype, layout, bias, req, seed)
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    assert ro.shape == to.shape and ro.dtype == to.dtype
    np.testing.assert_allclose(ro, to, **tol)
    for name, a, b in zip("xwb", rg, tg):
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, **tol, err_msg=f"grad {name}")
    if ry.requires_grad:
        assert ry.grad_fn.name() == "ConvolutionBackward0"


def test_bench_shape_matches_torch_and_threads_agree():
    """The benchmark's shape (many images: the per-image parallel split) at 1 and 2 threads."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3, 32, 32)).astype(np.float32)
    w = (rng.standard_normal((64, 3, 3, 3)) * 0.2).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    cot = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv2d(tx, tw, tb, padding=1)
    ty.backward(torch.tensor(cot))
    old = rtorch.get_num_threads()
    try:
        for threads in (1, 2):
            rtorch.set_num_threads(threads)
            rx, rw, rb = (rtorch.tensor(a, requires_grad=True) for a in (x, w, b))
            ry = F.conv2d(rx, rw, rb, padding=1)
            ry.backward(rtorch.tensor(cot))
            np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-4)
            for r, t in ((rx, tx), (rw, tw), (rb, tb)):
                np.testing.assert_allclose(r.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=2e-3)
    finally:
        rtorch.set_num_threads(old)


def test_large_single_image_uses_threads_inside_gemm():
    """One big image (fewer images than threads): the product itself is split."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 16, 40, 40))
    w = rng.standard_normal((32, 16, 3, 3))
    rx, rw = rtorch.tensor(x, requires_grad=True), rtorch.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ry, ty = F.conv2d(rx, rw, stride=2, padding=1), torch.nn.functional.conv2d(tx, tw, stride=2, padding=1)
    np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    (ry * ry).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(rx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(rw.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_inputs_compute_in_f32(dtype):
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((6, 2, 3, 3)), rng.standard_normal(6)
    rd, td = getattr(rtorch, dtype), getattr(torch, dtype)
    rs = [rtorch.tensor(a).to(rd).requires_grad_() for a in (x, w, b)]
    ts = [torch.tensor(a).to(td).requires_grad_() for a in (x, w, b)]
    ry = F.conv2d(*rs, padding=1, groups=2)
    ty = torch.nn.functional.conv2d(*ts, padding=1, groups=2)
    assert ry.dtype == rd
    # Both round the f32 result once; allow a few ulps of the 16-bit type.
    tol = 2e-2 if dtype == "float16" else 1e-1
    np.testing.assert_allclose(ry.float().detach().numpy(), ty.float().detach().numpy(), rtol=tol, atol=tol)
    ry.float().sum().backward()
    ty.float().sum().backward()
    for r, t in zip(rs, ts):
        assert r.grad.dtype == rd
        np.testing.assert_allclose(r.grad.float().numpy(), t.grad.float().numpy(), rtol=tol, atol=tol * 4)


GRADCHECK_CASES = [
    dict(n=2, c=2, o=3, groups=1, k=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(1, 1), hw=(4, 5)),
    dict(n=1, c=4, o=2, groups=2, k=(2, 2), stride=(2, 1), padding=(0, 1), dilation=(2, 1), hw=(5, 3)),
    dict(n=2, c=3, o=3, groups=3, k=(1, 3), stride=(1, 1), padding=(0, 2), dilation=(1, 2), hw=(1, 2)),
]


@pytest.mark.parametrize("g", GRADCHECK_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck_and_gradgradcheck(g, bias):
    rng = np.random.default_rng(5)
    x = rtorch.tensor(rng.standard_normal((g["n"], g["c"]) + g["hw"]), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((g["o"], g["c"] // g["groups"]) + g["k"]), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(g["o"]), requires_grad=True)
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"])
    if bias:
        fn, ins = (lambda x, w, b: F.conv2d(x, w, b, **kw)), (x, w, b)
    else:
        fn, ins = (lambda x, w: F.conv2d(x, w, None, **kw)), (x, w)
    assert gradcheck(fn, ins)
    assert gradgradcheck(fn, ins)


def test_double_backward_matches_torch():
    """create_graph: the gradient is itself differentiable (the composed path), as in PyTorch."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((4, 2, 3, 3))
    out = []
    for lib in (rtorch, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, stride=2, padding=1, groups=2)
        gx, = lib.autograd.grad((y * y).sum(), [xt], create_graph=True)
        assert gx.requires_grad
        (gx * gx).sum().backward()
        out.append((gx.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-9)


def test_unbatched_and_conv1d_go_through_the_fused_op():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    r = F.conv2d(rtorch.tensor(x, requires_grad=True), rtorch.tensor(w), padding=1)
    t = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    assert r.grad_fn is not None
    np.testing.assert_allclose(r.detach().numpy(), t.numpy(), rtol=1e-10, atol=1e-10)
    x1, w1 = rng.standard_normal((2, 3, 9)), rng.standard_normal((4, 3, 2))
    r1 = F.conv1d(rtorch.tensor(x1, requires_grad=True), rtorch.tensor(w1), stride=2)
    t1 = torch.nn.functional.conv1d(torch.tensor(x1), torch.tensor(w1), stride=2)
    np.testing.assert_allclose(r1.detach().numpy(), t1.numpy(), rtol=1e-10, atol=1e-10)


def test_no_grad_records_nothing_and_saved_input_modified_raises():
    rng = np.random.default_rng(8)
    x = rtorch.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    with rtorch.no_grad():
        assert F.conv2d(x, w).grad_fn is None
    x2 = rtorch.tensor(rng.standard_normal((1, 2, 4, 4)))
    y = F.conv2d(x2, w)
    x2.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_bad_shapes_raise():
    x = rtorch.zeros((1, 4, 5, 5))
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 3, 3, 3)))  # channel mismatch
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 4, 7, 7)))  # kernel larger than input
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 4, 3, 3)), rtorch.zeros(3))  # bias size


@pytest.mark.parametrize("stride", [1, 2])
def test_taps_entirely_in_the_padding(stride):
    # Padding wider than the input: some kernel taps see only padding for every output column
    # (their column range is empty and starts left of the row); this used to index out of bounds.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 3, 1)).astype(np.float64)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float64)
    kw = dict(stride=stride, padding=3, dilation=3)
    xr, wr = rtorch.from_numpy(x).requires_grad_(), rtorch.from_numpy(w).requires_grad_()
    xt, wt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    yr, yt = F.conv2d(xr, wr, **kw), torch.nn.functional.conv2d(xt, wt, **kw)
    np.testing.assert_allclose(yr.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    yr.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xr.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(wr.grad.numpy(), wt.grad.numpy(), rtol=1e-12, atol=1e-12)

"""CUDA backend: parity with the CPU backend (forward and backward), memory, errors.

Skipped unless a GPU is present. Every check compares the device result with the same op on the
CPU backend (which the rest of the suite checks against NumPy), on random and non-contiguous inputs.
"""
import gc

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F


def test_without_gpu_reports_unavailable_cleanly():
    if rtorch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert rtorch.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="is_available"):
        rtorch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="is_available"):
        rtorch.ones(2).cuda()


pytestmark_gpu = pytest.mark.skipif(not rtorch.cuda.is_available(), reason="no CUDA GPU")

RNG = np.random.default_rng(0)
FLOATS = [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.bfloat16]


def tol(dtype):
    return {rtorch.float16: 2e-3, rtorch.bfloat16: 2e-2, rtorch.float64: 1e-12}.get(dtype, 2e-5)


def close(gpu, cpu, dtype=None, atol=None):
    assert gpu.device.type == "cuda", gpu.device
    g, cpu = gpu.detach().cpu(), cpu.detach()
    assert g.dtype == cpu.dtype and tuple(g.shape) == tuple(cpu.shape), (g.dtype, cpu.dtype, g.shape, cpu.shape)
    a = g.double().numpy() if g.dtype.is_floating_point else g.numpy()
    b = cpu.double().numpy() if cpu.dtype.is_floating_point else cpu.numpy()
    t = atol if atol is not None else tol(dtype or cpu.dtype)
    np.testing.assert_allclose(a, b, rtol=t, atol=t, equal_nan=True)


def rand(*shape, dtype=rtorch.float32, lo=-2.0, hi=2.0):
    return rtorch.tensor(RNG.uniform(lo, hi, size=shape), dtype=dtype)


@pytestmark_gpu
def test_device_queries():
    assert rtorch.cuda.device_count() >= 1
    assert isinstance(rtorch.cuda.get_device_name(), str)
    major, _ = rtorch.cuda.get_device_capability()
    assert major >= 7
    x = rtorch.ones(4, device="cuda")
    assert x.device.type == "cuda" and x.is_cuda and str(x.device) == "cuda:0"
    rtorch.cuda.synchronize()
    free, total = rtorch.cuda.mem_get_info()
    assert 0 < free <= total


@pytestmark_gpu
@pytest.mark.parametrize("dtype", FLOATS + [rtorch.int64, rtorch.int32, rtorch.uint8, rtorch.bool])
def test_round_trip_all_dtypes(dtype):
    x = rand(3, 5).to(dtype) if dtype != rtorch.bool else rand(3, 5) > 0
    g = x.cuda()
    assert g.dtype == dtype and g.device.type == "cuda"
    assert rtorch.equal(g.cpu(), x)
    # Non-contiguous source, both directions.
    assert rtorch.equal(x.t().cuda().cpu(), x.t())
    assert rtorch.equal(g.t().cpu(), x.t())
    assert rtorch.equal(g[:, ::2].cpu(), x[:, ::2])
    # A contiguous CPU view with a storage offset: the upload starts at its first element (the
    # offset counts elements, not bytes).
    assert rtorch.equal(x[1:].cuda().cpu(), x[1:]) and rtorch.equal(x[1:].cuda(non_blocking=True).cpu(), x[1:])
    assert rtorch.equal(x.reshape(-1)[7:].cuda().cpu(), x.reshape(-1)[7:])


UNARY = ["exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos", "abs", "neg", "relu", "floor", "erf",
         "expm1", "log1p", "rsqrt", "reciprocal", "square", "sign", "atan", "round"]


@pytestmark_gpu
@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary_parity(name, dtype):
    x = rand(17, 33, dtype=dtype, lo=0.1 if name in ("log", "sqrt", "rsqrt", "reciprocal") else -2.0)
    for view in (x, x.t(), x[::2, 1::3]):
        close(getattr(view.cuda(), name)(), getattr(view, name)(), dtype)


@pytestmark_gpu
def test_activations_parity():
    x = rand(64, 40)
    g = x.cuda()
    for f in (F.gelu, F.silu, F.mish, F.softplus, F.elu, F.leaky_relu, lambda t: F.gelu(t, approximate="tanh"),
              lambda t: F.hardtanh(t, -0.5, 0.5)):
        close(f(g), f(x))


BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "pow", "atan2", "remainder", "fmod"]


@pytestmark_gpu
@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_broadcast_parity(name, dtype):
    a = rand(4, 1, 6, dtype=dtype, lo=0.5)
    b = rand(5, 1, dtype=dtype, lo=0.5)
    close(getattr(a.cuda(), name)(b.cuda()), getattr(a, name)(b), dtype)
    close(getattr(a.cuda().transpose(0, 2), name)(2.5), getattr(a.transpose(0, 2), name)(2.5), dtype)


@pytestmark_gpu
def test_integer_and_comparison_ops():
    a = rtorch.tensor(RNG.integers(-50, 50, size=(7, 9)))
    b = rtorch.tensor(RNG.integers(1, 9, size=(9,)))
    ga, gb = a.cuda(), b.cuda()
    for f in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x // y, lambda x, y: x % y,
              lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y, lambda x, y: x < y,
              lambda x, y: x == y, lambda x, y: rtorch.maximum(x, y), lambda x, y: x / y):
        close(f(ga, gb), f(a, b))
    # Type promotion: int tensor with a float scalar and a float tensor.
    close(ga * 0.5, a * 0.5)
    x = rand(9)
    close(ga + x.cuda(), a + x)
    # A 0-d CPU tensor joins a CUDA tensor, as in PyTorch.
    close(ga + rtorch.tensor(3), a + 3)


@pytestmark_gpu
def test_mixed_device_error():
    with pytest.raises(RuntimeError, match="same device"):
        rtorch.ones(3).cuda() + rtorch.ones(3)


@pytestmark_gpu
@pytest.mark.parametrize("dtype", FLOATS + [rtorch.int64])
def test_reductions_parity(dtype):
    x = rand(6, 7, 8, dtype=dtype) if dtype.is_floating_point else rtorch.tensor(RNG.integers(-9, 9, (6, 7, 8)))
    g = x.cuda()
    t = 5e-2 if dtype in (rtorch.float16, rtorch.bfloat16) else None
    for dims in (None, 0, 1, 2, (0, 2), (1, 2)):
        for keep in (False, True):
            if dims is None:
                close(g.sum(), x.sum(), atol=t)
                continue
            close(g.sum(dims, keepdim=keep), x.sum(dims, keepdim=keep), atol=t)
            close(g.amax(dims, keepdim=keep), x.amax(dims, keepdim=keep))
            close(g.amin(dims, keepdim=keep), x.amin(dims, keepdim=keep))
            if dtype.is_floating_point:
                close(g.mean(dims, keepdim=keep), x.mean(dims, keepdim=keep), atol=t)
    for d in (0, 1, 2):
        gv, gi = g.max(d)
        cv, ci = x.max(d)
        close(gv, cv)
        close(gi, ci)
        close(g.argmin(d), x.argmin(d))
        close(g.cumsum(d), x.cumsum(d), atol=t)
    close((g > 0).all(1), (x > 0).all(1))
    close((g > 0).any(0), (x > 0).any(0))
    close(g.transpose(0, 2).sum(1), x.transpose(0, 2).sum(1), atol=t)


@pytestmark_gpu
def test_large_sum_accuracy():
    x = rtorch.rand(1 << 24)
    close(x.cuda().sum(), x.sum(), atol=1.0)
    assert abs(x.cuda().sum().item() - x.double().sum().item()) < 1.0


@pytestmark_gpu
@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_parity(dtype):
    x = rand(13, 70, dtype=dtype) * 5
    for d in (0, 1, -1):
        close(x.cuda().softmax(d), x.softmax(d), dtype, atol=5e-2 if dtype == rtorch.bfloat16 else None)
        close(x.cuda().log_softmax(d), x.log_softmax(d), dtype, atol=5e-2 if dtype == rtorch.bfloat16 else None)
    # Backward: the CUDA softmax-backward kernels over rows of every dim (non-contiguous g too).
    x3 = rand(4, 9, 33, dtype=rtorch.float64) * 3
    g3 = rand(33, 9, 4, dtype=rtorch.float64).permute(2, 1, 0)
    for log in (False, True):
        for d in (0, 1, 2):
            grads = []
            for dev in ("cpu", "cuda"):
                xi = x3.to(dev).to(dtype).detach().requires_grad_()
                y = xi.log_softmax(d) if log else xi.softmax(d)
                y.backward(g3.to(dev).to(dtype))
                assert xi.grad.device.type == dev
                grads.append(xi.grad)
            close(grads[1], grads[0], dtype, atol=5e-2 if dtype == rtorch.bfloat16 else None)


@pytestmark_gpu
@pytest.mark.parametrize("r", [1, 2, 31, 32, 33, 100, 200, 500, 1000, 1024, 1025, 3000])
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.bfloat16], ids=str)
def test_softmax_row_lengths(dtype, r):
    # Rows up to 1024 take the one-warp-per-row kernels, longer ones the block kernels.
    rng = np.random.default_rng(r)
    a = rng.normal(scale=4, size=(37, r))
    a[3, :] = -np.inf  # an all -inf row gives NaN, as in PyTorch
    a[5, r // 2] = -np.inf
    a[7, r // 3] = np.nan
    a[9, 0] = 80.0  # exp would overflow without the max shift
    x = rtorch.tensor(a).to(dtype)
    at = 5e-2 if dtype == rtorch.bfloat16 else None
    for log in (False, True):
        f = (lambda t: t.log_softmax(1)) if log else (lambda t: t.softmax(1))
        close(f(x.cuda()), f(x), dtype, atol=at)
        xs = [x.to(dev).detach().requires_grad_() for dev in ("cpu", "cuda")]
        g = rtorch.tensor(rng.normal(size=(37, r))).to(dtype)
        for xi in xs:
            f(xi[10:]).backward(g[10:].to(xi.device))
        close(xs[1].grad, xs[0].grad, dtype, atol=at)


@pytestmark_gpu
def test_softmax_many_rows_grid_stride():
    # More rows than one launch's grid covers (65535 blocks x 4 rows): the grid-stride loop.
    x = rand(300_000, 3)
    close(x.cuda().softmax(-1), x.softmax(-1))


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.bfloat16])
def test_matmul_parity(dtype):
    t = {rtorch.float16: 2e-2, rtorch.bfloat16: 1e-1}.get(dtype, 1e-4)
    for (m, k, n) in ((1, 1, 1), (3, 5, 7), (64, 33, 17), (128, 256, 64)):
        a, b = rand(m, k, dtype=dtype), rand(k, n, dtype=dtype)
        close(a.cuda() @ b.cuda(), (a.float() @ b.float()).to(dtype), atol=t * max(1, k ** 0.5))
        # Transposed operands go to cuBLAS without copies; sliced ones are copied first.
        close(b.t().cuda() @ a.t().cuda(), (b.float().t() @ a.float().t()).to(dtype), atol=t * max(1, k ** 0.5))
    a, b = rand(4, 6, 8, dtype=dtype), rand(4, 8, 5, dtype=dtype)
    close(rtorch.bmm(a.cuda(), b.cuda()), rtorch.bmm(a.float(), b.float()).to(dtype), atol=t * 3)
    close(a.cuda() @ b[0].cuda(), (a.float() @ b[0].float()).to(dtype), atol=t * 3)
    close(a.cuda()[:, ::2, :] @ b.cuda()[:, :, 1:], (a.float()[:, ::2] @ b.float()[:, :, 1:]).to(dtype), atol=t * 3)


@pytestmark_gpu
def test_matmul_int_raises_like_pytorch():
    with pytest.raises(TypeError, match="not implemented for 'int64'|Long"):
        rtorch.ones(2, 2, dtype=rtorch.int64).cuda() @ rtorch.ones(2, 2, dtype=rtorch.int64).cuda()


@pytestmark_gpu
def test_indexing_and_where():
    x = rand(10, 6)
    g = x.cuda()
    idx = rtorch.tensor([3, 0, 9, 3])
    close(g[idx.cuda()], x[idx])
    close(g[g > 0], x[x > 0])
    close(g[2:8:2, 1], x[2:8:2, 1])
    close(rtorch.where(g > 0, g, 0.0), rtorch.where(x > 0, x, 0.0))
    j = rtorch.tensor([[5, 0], [2, 2]])
    close(g[:2].gather(1, j.cuda()), x[:2].gather(1, j))
    close(g.masked_fill(g < 0, -1.0), x.masked_fill(x < 0, -1.0))
    h, y = g.clone(), x.clone()
    h[h < 0] = 0.0
    y[y < 0] = 0.0
    close(h, y)
    h[1:3] = 7.0
    y[1:3] = 7.0
    close(h, y)
    vals, order = g.sort(1)
    cv, co = x.sort(1)
    close(vals, cv)
    close(order, co)
    close(g.topk(2, 1)[0], x.topk(2, 1)[0])
    close(rtorch.cat([g, g * 2], 1), rtorch.cat([x, x * 2], 1))
    close(rtorch.stack([g, g], 0), rtorch.stack([x, x], 0))
    close(g.nonzero(), x.nonzero())


@pytestmark_gpu
def test_autograd_mlp_gradients_match_cpu():
    rtorch.manual_seed(0)
    cpu = nn.Sequential(nn.Linear(20, 32), nn.GELU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5))
    gpu = nn.Sequential(nn.Linear(20, 32), nn.GELU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5))
    gpu.load_state_dict(cpu.state_dict())
    gpu.cuda()
    x, y = rand(8, 20), rtorch.tensor(RNG.integers(0, 5, 8))
    loss_c = F.cross_entropy(cpu(x), y)
    loss_g = F.cross_entropy(gpu(x.cuda()), y.cuda())
    close(loss_g, loss_c)
    loss_c.backward()
    loss_g.backward()
    for (n, pc), pg in zip(cpu.named_parameters(), gpu.parameters()):
        assert pg.grad is not None and pg.grad.device.type == "cuda", n
        close(pg.grad, pc.grad, atol=1e-5)


@pytestmark_gpu
def test_gradcheck_float64_on_device():
    x = rand(3, 4, dtype=rtorch.float64).cuda().requires_grad_()
    w = rand(4, 5, dtype=rtorch.float64).cuda().requires_grad_()
    f = lambda a, b: ((a @ b).tanh().softmax(1) * (a.sum(1, keepdim=True) ** 2)).log_softmax(0)  # noqa: E731
    assert rtorch.autograd.gradcheck(f, (x, w))


@pytestmark_gpu
def test_cpu_to_gpu_gradient_flows_back():
    x = rand(5).requires_grad_()
    y = (x.cuda() * 3).sum()
    y.backward()
    assert x.grad.device.type == "cpu"
    close(x.grad.cuda(), rtorch.full((5,), 3.0))


@pytestmark_gpu
def test_training_loop_on_gpu_matches_cpu():
    def run(device):
        rtorch.manual_seed(1)
        model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3)).to(device)
        opt = rtorch.optim.Adam(model.parameters(), lr=1e-2)
        rtorch.manual_seed(2)
        x = rtorch.randn(256, 8).to(device)
        y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
        losses = []
        for _ in range(50):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    lc, lg = run("cpu"), run("cuda")
    assert lg[-1] < 0.5 * lg[0]
    np.testing.assert_allclose(lg, lc, rtol=1e-3, atol=1e-4)


@pytestmark_gpu
def test_conv_and_pool_parity():
    rtorch.manual_seed(3)
    x = rtorch.randn(2, 3, 12, 12, requires_grad=True)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    gx = x.detach().cuda().requires_grad_()
    gconv = nn.Conv2d(3, 4, 3, padding=1)
    gconv.load_state_dict(conv.state_dict())
    gconv.cuda()
    yc = F.max_pool2d(conv(x).relu(), 2)
    yg = F.max_pool2d(gconv(gx).relu(), 2)
    close(yg, yc, atol=1e-5)
    yc.sum().backward()
    yg.sum().backward()
    close(gx.grad, x.grad, atol=1e-5)
    close(gconv.weight.grad, conv.weight.grad, atol=1e-4)


@pytestmark_gpu
def test_memory_is_reused_and_oom_is_recoverable():
    rtorch.cuda.empty_cache()
    base = rtorch.cuda.memory_allocated()
    x = rtorch.empty(1 << 20, device="cuda")
    assert rtorch.cuda.memory_allocated() - base == 4 << 20
    del x
    assert rtorch.cuda.memory_allocated() == base
    free, total = rtorch.cuda.mem_get_info()
    with pytest.raises(rtorch.cuda.OutOfMemoryError, match="out of memory"):
        rtorch.empty(total // 2 + free, dtype=rtorch.uint8, device="cuda")
    assert isinstance(rtorch.cuda.OutOfMemoryError("x"), RuntimeError)
    # The process stays usable.
    y = rtorch.ones(1000, device="cuda") * 2
    assert y.sum().item() == 2000.0


@pytestmark_gpu
def test_item_tolist_and_numpy_error():
    g = rtorch.arange(6.0).reshape(2, 3).cuda()
    assert g[1, 2].item() == 5.0
    assert g.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    with pytest.raises(TypeError, match="cpu"):
        g.numpy()
    assert "device='cuda:0'" in repr(g)


@pytestmark_gpu
def test_random_on_device_matches_cpu_stream():
    # The device Philox kernels reproduce the host stream (uniforms and integers bit for bit; normals
    # to an ulp, as device and host sin/cos/log differ in the last bit), and advance the generator
    # by the same number of blocks (so the draws after them agree too).
    for dtype in (rtorch.float32, rtorch.float64, rtorch.float16):
        for n in (1, 7, 100, 4099):
            rtorch.manual_seed(7)
            a = [rtorch.randn(n, dtype=dtype, device="cuda"), rtorch.rand(n, dtype=dtype, device="cuda"),
                 rtorch.randint(-5, 1000, (n,), device="cuda"), rtorch.randn(3, device="cuda")]
            rtorch.manual_seed(7)
            b = [rtorch.randn(n, dtype=dtype), rtorch.rand(n, dtype=dtype), rtorch.randint(-5, 1000, (n,)),
                 rtorch.randn(3)]
            ulp = {rtorch.float64: 4e-16, rtorch.float32: 2.4e-7, rtorch.float16: 2e-3}[dtype]
            for k, (x, y) in enumerate(zip(a, b)):
                if k in (1, 2):
                    close(x, y, atol=0)
                else:
                    g, c = x.cpu().double().numpy(), y.double().numpy()
                    np.testing.assert_allclose(g, c, rtol=ulp if k == 0 else 4e-7, atol=0)
    d = F.dropout(rtorch.ones(1000, device="cuda"), 0.5)
    assert d.device.type == "cuda" and 300 < (d > 0).sum().item() < 700


@pytestmark_gpu
def test_tf32_switch_defaults_off():
    assert rtorch.backends.cuda.matmul.allow_tf32 is False
    rtorch.backends.cuda.matmul.allow_tf32 = True
    try:
        a = rand(256, 256)
        close(a.cuda() @ a.cuda(), a @ a, atol=0.5)
    finally:
        rtorch.backends.cuda.matmul.allow_tf32 = False


@pytestmark_gpu
def test_gather_scatter_on_device():
    x = rand(5, 7)
    g = x.cuda()
    idx = rtorch.tensor(RNG.integers(0, 7, (5, 4)))
    close(g.gather(1, idx.cuda()), x.gather(1, idx))
    close(g.t().gather(0, idx.t().cuda()), x.t().gather(0, idx.t()))
    src = rand(5, 4)
    close(g.scatter_add(1, idx.cuda(), src.cuda()), x.scatter_add(1, idx, src))
    one = idx[:, :1]
    close(g.scatter(1, one.cuda(), 2.0), x.scatter(1, one, 2.0))
    with pytest.raises(RuntimeError, match="out of bounds"):
        g.gather(1, rtorch.tensor([[7]]).cuda())
    with pytest.raises(RuntimeError, match="out of bounds"):
        g.gather(1, rtorch.tensor([[-1]]).cuda())
    # Gradients of gather flow through the device scatter-add.
    xg = g.clone().requires_grad_()
    xc = x.clone().requires_grad_()
    (xg.gather(1, idx.cuda()) * 3).sum().backward()
    (xc.gather(1, idx) * 3).sum().backward()
    close(xg.grad, xc.grad)


@pytestmark_gpu
def test_tril_triu_and_causal_attention_on_device():
    x = rand(5, 6)
    close(x.cuda().tril(), x.tril())
    close(x.cuda().triu(1), x.triu(1))
    q, k, v = rand(2, 3, 4, 8), rand(2, 3, 4, 8), rand(2, 3, 4, 8)
    close(F.scaled_dot_product_attention(q.cuda(), k.cuda(), v.cuda(), is_causal=True),
          F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5)


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float16])
def test_fused_optimizers_on_device_match_cpu(dtype):
    def run(device):
        rtorch.manual_seed(0)
        p = rtorch.nn.Parameter(rtorch.randn(64, 33).to(dtype).to(device))
        opt = rtorch.optim.AdamW([p], lr=0.01, weight_decay=0.1, amsgrad=True)
        sgd_p = rtorch.nn.Parameter(rtorch.randn(50).to(dtype).to(device))
        sgd = rtorch.optim.SGD([sgd_p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)
        for _ in range(5):
            opt.zero_grad()
            sgd.zero_grad()
            ((p.float() ** 2).sum() + (sgd_p.float() ** 3).sum()).backward()
            opt.step()
            sgd.step()
        return p.detach(), sgd_p.detach()
    for a, b in zip(run("cuda"), run("cpu")):
        close(a, b, atol=1e-5 if dtype == rtorch.float32 else 2e-2)


# ---------------------------------------------------------------------------------------------
# Recently added ops, in-place ops through views (CopySlices), nn layers and DLPack on the device.
# `on_both` runs one program on CPU copies and on device copies of the same inputs and compares the
# outputs and the gradients of every floating input (under the same random cotangents).
# ---------------------------------------------------------------------------------------------
def _leaf(t, device, grad):
    """A fresh leaf copy of `t` on `device` (floating ones require grad when `grad`)."""
    t = t.detach().clone().to(device)
    if grad and t.dtype.is_floating_point:
        t.requires_grad_()
    return t


def on_both(fn, *inputs, grad=True, atol=None):
    """fn(*inputs) on the CPU and on the device: outputs and input gradients must agree."""
    runs = {}
    for dev in ("cpu", "cuda"):
        xs = [_leaf(t, dev, grad) if isinstance(t, rtorch.Tensor) else t for t in inputs]
        out = fn(*xs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        terms = []
        for k, o in enumerate(outs):
            if grad and o.requires_grad:
                cot = np.random.default_rng(100 + k).standard_normal(tuple(o.shape))
                terms.append((o * rtorch.tensor(cot, dtype=o.dtype).to(dev)).sum())
        if terms:
            sum(terms[1:], terms[0]).backward()
        runs[dev] = (outs, xs)
    (c_outs, c_xs), (g_outs, g_xs) = runs["cpu"], runs["cuda"]
    assert len(g_outs) == len(c_outs)
    for g, c in zip(g_outs, c_outs):
        close(g, c, atol=atol)
    for k, (g, c) in enumerate(zip(g_xs, c_xs)):
        if isinstance(c, rtorch.Tensor) and c.requires_grad:
            assert (g.grad is None) == (c.grad is None), f"input {k}: gradient on one backend only"
            if c.grad is not None:
                assert g.grad.device.type == "cuda", f"input {k}: gradient on {g.grad.device}"
                close(g.grad, c.grad, atol=atol)
    return c_outs, g_outs


@pytestmark_gpu
def test_index_add_copy_select_on_device():
    x = rand(5, 6)
    src0, src1 = rand(3, 6), rand(5, 3)
    rep = rtorch.tensor([4, 0, 4])  # repeated indices accumulate in index_add
    on_both(lambda x, s, i: x.index_add(0, i, s, alpha=0.5), x, src0, rep)
    on_both(lambda x, s, i: (x * 1).index_add_(1, i, s), x, src1, rtorch.tensor([5, 2, 5]))
    on_both(lambda x, s, i: rtorch.index_add(x, 1, i, s), x, src1, rtorch.tensor([0, 1, 2], dtype=rtorch.int32))
    on_both(lambda x, s, i: x.index_copy(0, i, s), x, src0, rtorch.tensor([3, 1, 0]))
    on_both(lambda x, s, i: (x * 1).index_copy_(1, i, s), x, src1, rtorch.tensor([0, 5, 2]))
    on_both(lambda x, i: x.index_select(0, i), x, rep)
    on_both(lambda x, i: x.t().index_select(1, i), x, rtorch.tensor([1, 1, 3]))
    on_both(lambda x, i: rtorch.index_select(x, 1, i), x, rtorch.tensor([5, 0], dtype=rtorch.int32))
    for dtype in (rtorch.float64, rtorch.float16, rtorch.bfloat16):
        on_both(lambda x, s, i: x.index_add(0, i, s), x.to(dtype), src0.to(dtype), rep, grad=False)
    xi = rtorch.tensor(RNG.integers(-9, 9, (5, 6)))
    on_both(lambda x, s, i: x.index_add(0, i, s, alpha=2), xi, xi[:3].clone(), rep)
    on_both(lambda x, s, i: x.index_copy(1, i, s), xi, xi[:, :2].clone(), rtorch.tensor([4, 1]))


@pytestmark_gpu
def test_index_fill_values_on_device():
    x = rand(4, 5)
    i1, i0 = rtorch.tensor([3, -1, 0, 3]), rtorch.tensor([1, 3])  # negative indices wrap; repeats count once
    # A Python number, a 0-d CPU tensor (float or int) joining the device tensor, as in PyTorch.
    for value in (2.5, rtorch.tensor(-1.5), rtorch.tensor(7)):
        on_both(lambda x, i: x.index_fill(1, i, value), x, i1)
        on_both(lambda x, i: (x * 1).index_fill_(0, i, value), x, i0)
    # A 0-d tensor on the device that requires grad: it receives the sum over the filled slices.
    on_both(lambda x, v, i: (x * 1).index_fill_(1, i, v), x, rtorch.tensor(0.25), i1)
    on_both(lambda x, v, i: x.t().index_fill(0, i, v), x, rtorch.tensor(-3.0), i0)
    xi = rtorch.tensor(RNG.integers(-9, 9, (4, 5)))
    on_both(lambda x, i: x.index_fill(1, i, -7), xi, i1)


@pytestmark_gpu
def test_addcmul_addcdiv_lerp_on_device():
    a, b = rand(3, 4), rand(3, 4)
    c = rand(4, lo=0.5, hi=2.0)  # broadcast divisor away from zero
    on_both(lambda a, b, c: rtorch.addcmul(a, b, c, value=-0.5), a, b, c)
    on_both(lambda a, b, c: (a * 1).addcmul_(b, c), a, b, c)
    on_both(lambda a, b, c: a.addcdiv(b, c, value=2.0), a, b, c)
    on_both(lambda a, b, c: (a * 1).addcdiv_(b, c, value=0.25), a, b, c)
    on_both(lambda a, b: a.lerp(b, 0.3), a, b)
    on_both(lambda a, b, w: rtorch.lerp(a, b, w), a, b, rand(3, 4, lo=0.0, hi=1.0))
    on_both(lambda a, b, w: (a * 1).lerp_(b, w), a, b, rand(4, lo=0.0, hi=1.0))
    for dtype in (rtorch.float16, rtorch.bfloat16):
        on_both(lambda a, b, c: a.addcdiv(b, c, value=0.5), a.to(dtype), b.to(dtype), c.to(dtype), grad=False)


@pytestmark_gpu
def test_masked_ops_and_where_with_scalars_on_device():
    x = rand(4, 6)
    m = rtorch.tensor(RNG.random((4, 6)) > 0.5)
    row = rtorch.tensor([True, False, True, True, False, False])  # broadcast over the rows
    on_both(lambda x, m: (x * 1).masked_fill_(m, -2.0), x, m)
    on_both(lambda x, m: x.masked_fill(m, 3), x, row)
    on_both(lambda x, m, s: x.masked_scatter(m, s), x, m, rand(30))
    on_both(lambda x, m, s: x.masked_scatter(m, s), x, row, rand(4, 6))
    on_both(lambda x, m: rtorch.where(m, x, 0.0), x, m)
    on_both(lambda x, m: rtorch.where(m, 1.5, x.t()), x, m.t())
    on_both(lambda x, m: x.where(m, -1), x, row)
    on_both(lambda x, y, m: rtorch.where(m, x, y), x, rand(6), m)
    on_both(lambda m: rtorch.where(m, 1.0, 0.0), m, grad=False)
    on_both(lambda m: rtorch.where(m, 2, -3), m, grad=False)
    c_out, g_out = on_both(lambda m: rtorch.where(m), m, grad=False)
    assert len(g_out) == 2 and g_out[0].dtype == rtorch.int64


@pytestmark_gpu
def test_clamp_with_tensor_bounds_on_device():
    x = rand(5, 7)
    lo, hi = rand(7, lo=-1.5, hi=-0.2), rand(5, 1, lo=0.2, hi=1.5)
    on_both(lambda x, lo, hi: x.clamp(lo, hi), x, lo, hi)
    on_both(lambda x, lo, hi: (x * 1).clamp_(min=lo, max=hi), x, lo, hi)
    on_both(lambda x, lo: (x * 1).clamp_(min=lo), x, lo)
    on_both(lambda x, hi: rtorch.clamp(x, max=hi), x, hi)
    on_both(lambda x, lo, hi: x.clip(lo, hi), x, lo, hi, grad=False)
    # 0-d CPU tensors as bounds of a device tensor (PyTorch allows CPU scalars next to CUDA tensors).
    close(x.cuda().clamp(min=rtorch.tensor(-0.5), max=rtorch.tensor(0.5)), x.clamp(-0.5, 0.5))


@pytestmark_gpu
def test_inplace_through_views_of_graph_tensors_on_device():
    # CopySlices: each in-place op through a view rewrites the history of the base `y`.
    def program(x, z, w, s):
        y = x * 2
        y[:, 0] += z
        y[1].mul_(3)
        y.t()[2].copy_(w)  # column 2 of y
        y[0].zero_()
        y[2:, 3:].mul_(s)
        v = y[1:3]
        v[:, 1:].add_(1.5)  # a view of a view: the base is still y
        y.diagonal().sub_(z)
        return y.tanh(), v.sum(1)

    on_both(program, rand(4, 5), rand(4), rand(4), rand(2, 2))

    def fill_and_setitem(x, w):
        y = x * 2.0 + 1.0  # (exp would save its output, which the writes below invalidate)
        y[:, 1].fill_(0.5)
        y[2] = w
        y[y > 2.0] = 0.0
        return y * x

    on_both(fill_and_setitem, rand(4, 3), rand(3))


@pytestmark_gpu
def test_activation_gradients_on_device():
    x = rand(4, 5, lo=-3.0, hi=3.0)
    for f in (F.mish, F.silu, lambda t: F.leaky_relu(t, 0.2), lambda t: F.gelu(t, approximate="tanh"), F.gelu,
              lambda t: F.hardtanh(t, -0.5, 0.5), F.relu6, F.softsign, lambda t: F.elu(t, alpha=0.7),
              lambda t: F.softplus(t, beta=2.0, threshold=3.0)):
        on_both(f, x)


@pytestmark_gpu
@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_packed_sequence_through_rnn_on_device(mode):
    from rtorch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    rtorch.manual_seed(5)
    cls = getattr(nn, mode)
    cpu = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    gpu = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    gpu.load_state_dict(cpu.state_dict())
    gpu.cuda()
    lengths = [3, 5, 1, 4]  # unsorted: sorted_indices / unsorted_indices are used
    x, h0 = rand(4, 5, 3), rand(4, 4, 4)  # h0: (layers * directions, batch, hidden)
    runs = {}
    for dev, model in (("cpu", cpu), ("cuda", gpu)):
        xi, hi = _leaf(x, dev, True), _leaf(h0, dev, True)
        packed = pack_padded_sequence(xi, lengths, batch_first=True, enforce_sorted=False)
        assert packed.data.device.type == dev and packed.batch_sizes.device.type == "cpu"
        assert packed.sorted_indices.device.type == dev and packed.unsorted_indices.device.type == dev
        out, state = model(packed, (hi, hi * 0.5) if mode == "LSTM" else hi)
        assert out.data.device.type == dev
        padded, lens = pad_packed_sequence(out, batch_first=True, total_length=5)
        assert lens.tolist() == lengths and lens.device.type == "cpu"
        states = list(state) if mode == "LSTM" else [state]
        loss = padded.sin().sum() + sum((s * s).sum() for s in states)
        loss.backward()
        runs[dev] = [padded] + states + [xi.grad, hi.grad] + [p.grad for p in model.parameters()]
    for k, (g, c) in enumerate(zip(runs["cuda"], runs["cpu"])):
        assert g is not None and c is not None, k
        close(g, c, atol=1e-5)


@pytestmark_gpu
def test_packed_sequence_helpers_on_device():
    from rtorch.nn.utils.rnn import pack_sequence, pad_sequence, unpack_sequence, unpad_sequence

    seqs = [rand(2, 3), rand(4, 3), rand(1, 3)]
    packed = pack_sequence([s.cuda() for s in seqs], enforce_sorted=False)
    ref = pack_sequence(seqs, enforce_sorted=False)
    close(packed.data, ref.data)
    assert packed.batch_sizes.tolist() == ref.batch_sizes.tolist()
    for got, want in zip(unpack_sequence(packed), seqs):
        close(got, want)
    moved = ref.cuda()
    assert moved.data.device.type == "cuda" and moved.sorted_indices.device.type == "cuda"
    assert moved.batch_sizes.device.type == "cpu" and moved.is_cuda
    back = moved.to("cpu")
    assert back.data.device.type == "cpu" and back.unsorted_indices.device.type == "cpu"
    padded = pad_sequence([s.cuda() for s in seqs], batch_first=True, padding_value=-1.0)
    close(padded, pad_sequence(seqs, batch_first=True, padding_value=-1.0))
    # Lengths may live on the device for unpad_sequence (as in PyTorch).
    parts = unpad_sequence(padded, rtorch.tensor([2, 4, 1]).cuda(), batch_first=True)
    for got, want in zip(parts, seqs):
        close(got, want)


def _copy_module(cpu, make):
    gpu = make()
    gpu.load_state_dict(cpu.state_dict())
    return gpu.cuda()


@pytestmark_gpu
def test_transformer_on_device_matches_cpu():
    def make():
        return nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=2,
                              dim_feedforward=32, batch_first=True)

    rtorch.manual_seed(7)
    cpu = make()
    gpu = _copy_module(cpu, make)
    cpu.eval()
    gpu.eval()
    src, tgt = rand(2, 6, 16), rand(2, 5, 16)
    kpm = rtorch.tensor([[False] * 6, [False] * 4 + [True] * 2])  # the second source is 4 long
    float_causal = nn.Transformer.generate_square_subsequent_mask(5)
    bool_causal = ~rtorch.ones(5, 5, dtype=rtorch.bool).tril()  # True = not allowed (detected as causal)
    for mask in (float_causal, bool_causal, None):
        runs = {}
        for dev, model in (("cpu", cpu), ("cuda", gpu)):
            model.zero_grad()
            s, t = _leaf(src, dev, True), _leaf(tgt, dev, True)
            y = model(s, t, tgt_mask=None if mask is None else mask.to(dev), src_key_padding_mask=kpm.to(dev),
                      memory_key_padding_mask=kpm.to(dev))
            y.sin().sum().backward()
            runs[dev] = [y, s.grad, t.grad] + [p.grad for p in model.parameters()]
        for g, c in zip(runs["cuda"], runs["cpu"]):
            close(g, c, atol=1e-4)


@pytestmark_gpu
def test_transformer_decoder_layer_on_device_matches_cpu():
    def make():
        return nn.TransformerDecoderLayer(16, 4, dim_feedforward=24, activation="gelu", norm_first=True)

    rtorch.manual_seed(8)
    cpu = make()
    gpu = _copy_module(cpu, make)
    cpu.eval()
    gpu.eval()
    tgt, mem = rand(5, 2, 16), rand(3, 2, 16)  # sequence first
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    mem_kpm = rtorch.tensor([[False, False, True], [False, False, False]])
    runs = {}
    for model, dev in ((cpu, "cpu"), (gpu, "cuda")):
        t, m = _leaf(tgt, dev, True), _leaf(mem, dev, True)
        y = model(t, m, tgt_mask=causal.to(dev), memory_key_padding_mask=mem_kpm.to(dev))
        (y * y).sum().backward()
        runs[dev] = [y, t.grad, m.grad] + [p.grad for p in model.parameters()]
    for g, c in zip(runs["cuda"], runs["cpu"]):
        close(g, c, atol=1e-4)
    # A stack of them, with a boolean causal mask detected as causal on the device.
    dec_c = nn.TransformerDecoder(cpu, num_layers=2)
    dec_g = nn.TransformerDecoder(gpu, num_layers=2)
    bool_causal = ~rtorch.ones(5, 5, dtype=rtorch.bool).tril()
    close(dec_g(tgt.cuda(), mem.cuda(), tgt_mask=bool_causal.cuda()),
          dec_c(tgt, mem, tgt_mask=bool_causal), atol=1e-4)


@pytestmark_gpu
def test_embedding_on_device():
    w = rand(10, 4)
    idx = rtorch.tensor([[1, 3, 3], [0, 9, 1]])
    on_both(lambda w, i: F.embedding(i, w), w, idx)
    on_both(lambda w, i: F.embedding(i, w, padding_idx=3), w, idx)
    on_both(lambda w, i: F.embedding(i, w), w, rtorch.tensor([7, 7, 2], dtype=rtorch.int32))
    # nn.Embedding with max_norm renormalises the rows it looks up, in place, on the weight's device.
    rtorch.manual_seed(0)

    def make():
        return nn.Embedding(10, 4, padding_idx=0, max_norm=1.0)

    cpu = make()
    gpu = _copy_module(cpu, make)
    yc, yg = cpu(idx), gpu(idx.cuda())
    close(yg, yc)
    close(gpu.weight, cpu.weight)
    (yc * yc).sum().backward()
    (yg * yg).sum().backward()
    assert gpu.weight.grad.device.type == "cuda"
    close(gpu.weight.grad, cpu.weight.grad)


@pytestmark_gpu
def test_cross_entropy_options_on_device():
    logits, weight = rand(6, 5), rand(5, lo=0.5, hi=2.0)
    t_ign = rtorch.tensor([0, 4, -100, 2, 2, 1])  # -100: the default ignore_index
    t_all = rtorch.tensor([0, 4, 3, 2, 2, 1])
    on_both(lambda x, t: F.cross_entropy(x, t), logits, t_ign)
    on_both(lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), logits, t_ign)
    on_both(lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=2, label_smoothing=0.2), logits, t_all, weight)
    on_both(lambda x, t, w: F.cross_entropy(x, t, weight=w, reduction="sum", label_smoothing=0.05), logits, t_ign,
            weight)
    on_both(lambda x, t: F.cross_entropy(x, t, ignore_index=4, reduction="none", label_smoothing=0.3), logits, t_all)
    on_both(lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), rand(2, 5, 3),
            rtorch.tensor([[1, -100, 4], [0, 0, 3]]))
    on_both(lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1), logits, rand(6, 5).softmax(1))
    on_both(lambda x, t, w: F.nll_loss(x.log_softmax(1), t, weight=w, ignore_index=2), logits, t_all, weight)
    on_both(lambda x, t: nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.1)(x, t), logits, t_all)


@pytestmark_gpu
def test_normalization_on_device():
    x = rand(4, 6, 5)
    on_both(lambda x, w, b: F.layer_norm(x, (5,), w, b), x, rand(5), rand(5))
    on_both(lambda x, w, b: F.layer_norm(x, (6, 5), w, b, eps=1e-3), x, rand(6, 5), rand(6, 5))
    on_both(lambda x: F.layer_norm(x.transpose(0, 1), (5,)), x)  # no affine, non-contiguous input
    on_both(lambda x, w: F.layer_norm(x, (5,), w), x, rand(5))  # weight only
    # Long rows (several warps per row in a fused row kernel), and 16-bit / 64-bit floats.
    wide = rand(3, 1500)
    on_both(lambda x, w, b: F.layer_norm(x, (1500,), w, b), wide, rand(1500), rand(1500), atol=1e-4)
    on_both(lambda x, w, b: F.layer_norm(x, (5,), w, b), x.double(), rand(5).double(), rand(5).double())
    for dtype in (rtorch.float16, rtorch.bfloat16):
        on_both(lambda x, w, b: F.layer_norm(x, (5,), w, b), x.to(dtype), rand(5).to(dtype), rand(5).to(dtype),
                grad=False, atol=5e-2 if dtype == rtorch.bfloat16 else 1e-2)
    on_both(lambda x, w, b: F.group_norm(x, 3, w, b), x, rand(6), rand(6))
    on_both(lambda x: F.group_norm(x, 2), x)
    on_both(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, rand(6), rand(6))
    on_both(lambda x: F.rms_norm(x, (5,)), x)
    # Running statistics are updated in place on the device like on the CPU.
    rm, rv = rand(6), rand(6, lo=0.5, hi=2.0)
    runs = {}
    for dev in ("cpu", "cuda"):
        m, v, xi = rm.clone().to(dev), rv.clone().to(dev), _leaf(x, dev, True)
        y = F.batch_norm(xi, m, v, training=True, momentum=0.3)
        y2 = F.batch_norm(xi, m, v, training=False)
        (y.sin().sum() + (y2 * y2).sum()).backward()
        runs[dev] = (y, y2, m, v, xi.grad)
    for g, c in zip(runs["cuda"], runs["cpu"]):
        close(g, c, atol=1e-5)
    # The modules, training then eval (BatchNorm keeps num_batches_tracked on the device).
    rtorch.manual_seed(3)
    for make, shape in ((lambda: nn.BatchNorm2d(4), (3, 4, 5, 5)), (lambda: nn.BatchNorm1d(4, momentum=None), (8, 4)),
                        (lambda: nn.GroupNorm(2, 4), (3, 4, 5)), (lambda: nn.LayerNorm(5), (3, 4, 5))):
        cpu = make()
        gpu = _copy_module(cpu, make)
        xin = rand(*shape)
        for train in (True, True, False):
            cpu.train(train)
            gpu.train(train)
            cpu.zero_grad()
            gpu.zero_grad()
            xc, xg = _leaf(xin, "cpu", True), _leaf(xin, "cuda", True)
            yc, yg = cpu(xc), gpu(xg)
            close(yg, yc, atol=1e-5)
            (yc.sin() * yc).sum().backward()
            (yg.sin() * yg).sum().backward()
            close(xg.grad, xc.grad, atol=1e-5)
            for pc, pg in zip(cpu.parameters(), gpu.parameters()):
                close(pg.grad, pc.grad, atol=1e-4)
            for bc, bg in zip(cpu.buffers(), gpu.buffers()):
                close(bg, bc, atol=1e-5)


@pytestmark_gpu
def test_python_helpers_work_on_the_input_device():
    # nn.init: trunc_normal_ resamples out-of-range values on the tensor's device; eye_.
    t = rtorch.empty(500, device="cuda")
    nn.init.trunc_normal_(t, std=1.0, a=-0.5, b=0.5)
    assert t.device.type == "cuda" and -0.5 <= t.min().item() and t.max().item() <= 0.5
    close(nn.init.eye_(rtorch.empty(3, 4, device="cuda")), rtorch.eye(3, 4))
    o = nn.init.orthogonal_(rtorch.empty(4, 6, device="cuda"))
    close(o @ o.t(), rtorch.eye(4), atol=1e-5)
    # rtorch.normal with tensor arguments draws next to them.
    z = rtorch.normal(rtorch.zeros(2000, device="cuda"), 2.0)
    assert z.device.type == "cuda" and 1.8 < z.std().item() < 2.2
    z = rtorch.normal(1.0, rtorch.full((3, 4), 0.5, device="cuda"))
    assert z.device.type == "cuda" and tuple(z.shape) == (3, 4)
    # clip_grad_norm_ over parameters on two devices: the total norm is gathered on the first one.
    a = nn.Parameter(rtorch.ones(3))
    b = nn.Parameter(rtorch.ones(4, device="cuda"))
    a.grad, b.grad = rtorch.full((3,), 2.0), rtorch.full((4,), 2.0, device="cuda")
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert abs(total.item() - 2.0 * 7 ** 0.5) < 1e-4
    assert abs(b.grad.norm().item() ** 2 + a.grad.norm().item() ** 2 - 1.0) < 1e-4


@pytestmark_gpu
def test_optimizer_state_loaded_from_cpu_moves_to_the_parameters_device():
    p_cpu = nn.Parameter(rand(5))
    p_gpu = nn.Parameter(p_cpu.detach().cuda())
    opt_c = rtorch.optim.Adam([p_cpu], lr=0.1)
    (p_cpu ** 2).sum().backward()
    opt_c.step()
    opt_g = rtorch.optim.Adam([p_gpu], lr=0.1)
    opt_g.load_state_dict(opt_c.state_dict())
    with rtorch.no_grad():
        p_gpu.copy_(p_cpu)
    state = opt_g.state[p_gpu]
    assert state["exp_avg"].device.type == "cuda" and state["exp_avg_sq"].device.type == "cuda"
    assert state["step"].device.type == "cpu"  # like PyTorch (non-capturable)
    for p, opt in ((p_cpu, opt_c), (p_gpu, opt_g)):
        opt.zero_grad()
        (p ** 2).sum().backward()
        opt.step()
    close(p_gpu, p_cpu, atol=1e-6)
    close(opt_g.state[p_gpu]["exp_avg_sq"], opt_c.state[p_cpu]["exp_avg_sq"], atol=1e-6)


# Device placement of gradients and CPU scalar tensors: PyTorch sends a gradient back to the device of
# the input it belongs to, and accepts 0-d CPU tensors next to CUDA tensors in `where`.
@pytestmark_gpu
def test_where_accepts_cpu_scalar_tensors_on_device():
    x = rand(3, 4)
    m = x > 0
    close(rtorch.where(m.cuda(), x.cuda(), rtorch.tensor(0.0)), rtorch.where(m, x, 0.0))
    close(rtorch.where(m.cuda(), rtorch.tensor(1.0), x.cuda()), rtorch.where(m, 1.0, x))


@pytestmark_gpu
def test_gradient_of_cpu_scalar_tensor_used_with_device_tensor_stays_on_cpu():
    s = rtorch.tensor(2.0, requires_grad=True)
    x = rand(3, 4).cuda()
    (x * s).sum().backward()
    assert s.grad.device.type == "cpu"
    assert abs(s.grad.item() - x.sum().item()) < 1e-4


@pytestmark_gpu
def test_copy_from_cpu_into_device_tensor_sends_gradient_to_cpu():
    w = rand(4).requires_grad_()
    x = rand(3, 4).cuda().requires_grad_()
    y = x * 1
    y[0].copy_(w)  # copy_ across devices
    (y * 2).sum().backward()
    assert w.grad.device.type == "cpu"
    close(w.grad.cuda(), rtorch.full((4,), 2.0))
    close(x.grad, rtorch.tensor([[0.0] * 4, [2.0] * 4, [2.0] * 4]))


# DLPack: zero-copy exchange of device memory (rtorch with itself, then with PyTorch when it has CUDA).
@pytestmark_gpu
def test_dlpack_on_device():
    g = rtorch.arange(12.0).reshape(3, 4).cuda()
    assert g.__dlpack_device__() == (2, 0)
    r = rtorch.from_dlpack(g)
    assert r.device.type == "cuda" and r.data_ptr() == g.data_ptr() and rtorch.equal(r.cpu(), g.cpu())
    r.add_(1)  # shared memory
    assert g.cpu().tolist() == [[float(4 * i + j + 1) for j in range(4)] for i in range(3)]
    gt = g.t()
    rt = rtorch.from_dlpack(gt)
    assert rt.stride() == gt.stride() and rt.data_ptr() == gt.data_ptr() and rtorch.equal(rt.cpu(), gt.cpu())
    view = g[1:, 1::2]  # an offset, strided view
    rv = rtorch.from_dlpack(view)
    assert rv.data_ptr() == view.data_ptr() and rtorch.equal(rv.cpu(), view.cpu())
    # Asking for a CPU capsule copies to the host; without a copy it is an error.
    h = rtorch.from_dlpack(g.__dlpack__(dl_device=(1, 0)))
    assert h.device.type == "cpu" and rtorch.equal(h, g.cpu())
    with pytest.raises(BufferError):
        g.__dlpack__(dl_device=(1, 0), copy=False)
    # The capsule keeps the memory alive after the exporting tensor is gone.
    e = rtorch.full((1000,), 3.0, device="cuda")
    kept = rtorch.from_dlpack(e.__dlpack__(max_version=(1, 0)))
    del e
    assert kept.sum().item() == 3000.0


def _torch_cuda():
    pt = pytest.importorskip("torch")
    if not pt.cuda.is_available():
        pytest.skip("PyTorch has no CUDA here")
    return pt


@pytestmark_gpu
@pytest.mark.parametrize("dt", ["float32", "bfloat16", "float16", "bool", "int64"])
def test_dlpack_shares_device_memory_with_pytorch(dt):
    pt = _torch_cuda()
    base = pt.arange(12, device="cuda").reshape(3, 4)
    x = (base % 3 == 0) if dt == "bool" else base.to(getattr(pt, dt))
    as_list = (lambda t: t.cpu().tolist()) if dt == "bool" else (lambda t: t.cpu().double().tolist())
    # PyTorch -> rtorch: same memory and values, views included.
    r = rtorch.from_dlpack(x)
    assert r.device.type == "cuda" and r.dtype == getattr(rtorch, dt) and tuple(r.shape) == (3, 4)
    assert r.data_ptr() == x.data_ptr() and as_list(r) == as_list(x)
    rt = rtorch.from_dlpack(x.t())
    assert rt.stride() == (1, 4) and rt.data_ptr() == x.data_ptr() and as_list(rt) == as_list(x.t())
    # rtorch -> PyTorch, from rtorch-owned memory (a transposed view too).
    g = rtorch.arange(12).reshape(3, 4).cuda()
    g = (g.remainder(3) == 0) if dt == "bool" else g.to(getattr(rtorch, dt))
    y = pt.from_dlpack(g)
    assert y.device.type == "cuda" and y.dtype == getattr(pt, dt) and y.data_ptr() == g.data_ptr()
    assert as_list(y) == as_list(g)
    yt = pt.from_dlpack(g.t())
    assert yt.stride() == (1, 4) and yt.data_ptr() == g.data_ptr() and as_list(yt) == as_list(g.t())
    if dt != "bool":
        # In-place writes on one side are seen by the other once the writer's work is done.
        r.add_(1)
        rtorch.cuda.synchronize()
        ref = pt.arange(12).reshape(3, 4)  # (base itself may be x: .to(int64) does not copy)
        assert as_list(x) == as_list(ref + 1)
        x.mul_(2)
        pt.cuda.synchronize()
        assert as_list(r) == as_list((ref + 1) * 2)
        y.add_(1)
        pt.cuda.synchronize()
        assert as_list(g) == as_list(ref + 1)
    # Each side keeps the other's memory alive.
    want_y, want_r = as_list(y), as_list(r)
    del g, x, base, rt
    gc.collect()
    pt.cuda.empty_cache()
    rtorch.cuda.empty_cache()
    assert as_list(y) == want_y and as_list(r) == want_r


# ---------------------------------------------------------------------------------------------
# Sort family on the device: rows of up to 2048 elements are ordered by cuda/sort.cu, longer ones on
# the host. Both give the stable order (NaN greatest), so indices must EQUAL the CPU's, not only
# select equal values.
# ---------------------------------------------------------------------------------------------
SORT_DTYPES = FLOATS + [rtorch.int64, rtorch.int32, rtorch.uint8, rtorch.bool]
SORT_SIZES = [0, 1, 2, 3, 17, 1000, 2048, 2049]


def _sort_input(shape, dtype, rng):
    """Values with many ties; floats with NaN, +-inf and -0.0; int64 beyond 2^53."""
    if dtype == rtorch.bool:
        return rtorch.tensor(rng.integers(0, 2, shape).astype(bool))
    if dtype == rtorch.uint8:
        return rtorch.tensor(rng.integers(0, 5, shape).astype(np.uint8))
    if dtype == rtorch.int32:
        return rtorch.tensor(rng.integers(-3, 4, shape).astype(np.int32))
    if dtype == rtorch.int64:
        big = np.array([2**53, 2**53 + 1, 2**53 + 2, -(2**53) - 1, 2**62 + 1, 2**62, 2**63 - 1, -(2**63), -1, 0, 7],
                       dtype=np.int64)
        return rtorch.tensor(rng.choice(big, shape))
    v = rng.integers(-3, 4, shape) * 0.5
    v = np.where(rng.random(shape) < 0.3, rng.uniform(-2, 2, shape), v)
    specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0])
    v = np.where(rng.random(shape) < 0.15, rng.choice(specials, shape), v)
    return rtorch.tensor(v, dtype=dtype)


def _same(g, c, dev="cuda"):
    """Exactly equal results (NaN where NaN), g on `dev`."""
    assert g.device.type == dev, g.device
    g, c = g.detach().cpu(), c.detach()
    assert g.dtype == c.dtype and tuple(g.shape) == tuple(c.shape), (g.dtype, c.dtype, g.shape, c.shape)
    conv = (lambda t: t.double().numpy()) if c.dtype.is_floating_point else (lambda t: t.numpy())
    np.testing.assert_array_equal(conv(g), conv(c))


def _same_pair(g, c, dev="cuda"):
    _same(g[0], c[0], dev)
    _same(g[1], c[1], dev)


def _raises_alike(fn, x, g):
    with pytest.raises(Exception) as cpu_err:
        fn(x)
    with pytest.raises(type(cpu_err.value), match="k|Bool"):
        fn(g)


def _check_sort_family(x, g, dims, dev="cuda"):
    """Every ordering op along each of `dims` on x (CPU) and g (its copy on `dev`, any layout)."""
    is_bool = x.dtype == rtorch.bool
    for d in dims:
        n = x.shape[d] if x.ndim else 1
        for desc in (False, True):
            for stable in (False, True):
                _same_pair(g.sort(dim=d, descending=desc, stable=stable), x.sort(dim=d, descending=desc, stable=stable), dev)
                _same(g.argsort(dim=d, descending=desc, stable=stable), x.argsort(dim=d, descending=desc, stable=stable), dev)
        if is_bool:
            _raises_alike(lambda t: t.topk(1, dim=d), x, g)
            _raises_alike(lambda t: t.kthvalue(1, dim=d), x, g)
            continue
        # (k = 0 of a 0-d tensor: a CPU reshape error, not covered here.)
        for k in sorted({0, 1, n // 2, n}) if x.ndim else (1,):
            if k > n:
                continue
            for largest in (True, False):
                _same_pair(g.topk(k, dim=d, largest=largest), x.topk(k, dim=d, largest=largest), dev)
        _raises_alike(lambda t: t.topk(n + 1, dim=d), x, g)
        for k in sorted({1, (n + 1) // 2, n}):
            if 1 <= k <= n:
                for keep in (False, True):
                    _same_pair(g.kthvalue(k, dim=d, keepdim=keep), x.kthvalue(k, dim=d, keepdim=keep), dev)
        _raises_alike(lambda t: t.kthvalue(n + 1, dim=d), x, g)
    _same(g.msort(), x.msort(), dev)


@pytestmark_gpu
@pytest.mark.parametrize("n", SORT_SIZES)
@pytest.mark.parametrize("dtype", SORT_DTYPES, ids=str)
def test_sort_family_on_device_matches_cpu(dtype, n):
    rng = np.random.default_rng(n)
    # The sorted dim in the middle, last and first; other dims of sizes 3, 2 and 0.
    x = _sort_input((3, n, 2), dtype, rng)
    _check_sort_family(x, x.cuda(), dims=(1, -1, 0))
    # Non-contiguous device views: a transpose and a strided slice.
    y = _sort_input((n, 6), dtype, rng)
    gy = y.cuda().t()[::2]
    _check_sort_family(y.t()[::2], gy, dims=(1, 0))
    assert n == 0 or not gy.is_contiguous()  # an empty view is contiguous
    e = _sort_input((0, n), dtype, rng)
    _check_sort_family(e, e.cuda(), dims=(1,))


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.int64])
def test_sort_many_rows_and_scalars_on_device(dtype):
    rng = np.random.default_rng(5)
    # More rows than one launch has blocks (grid-stride over rows).
    x = _sort_input((70000, 5), dtype, rng)
    g = x.cuda()
    for desc in (False, True):
        _same_pair(g.sort(1, descending=desc), x.sort(1, descending=desc))
    _same_pair(g.topk(2, 1), x.topk(2, 1))
    _same_pair(g.kthvalue(3, 1), x.kthvalue(3, 1))
    # 0-d tensors.
    s = _sort_input((), dtype, rng)
    _check_sort_family(s, s.cuda(), dims=(0, -1))


@pytestmark_gpu
@pytest.mark.parametrize("n", [1, 17, 1000, 2049])
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_sort_family_gradients_on_device(dtype, n):
    # Ties and infinities in the input: gradients follow the (equal) indices.
    x = _sort_input((3, n), dtype, np.random.default_rng(n))
    x = rtorch.where(rtorch.isnan(x), rtorch.zeros_like(x), x)
    for desc in (False, True):
        on_both(lambda t: t.sort(1, descending=desc)[0], x)
        on_both(lambda t: t.t().sort(0, descending=desc, stable=True)[0], x)
    on_both(lambda t: t.topk(max(1, n // 2), 1)[0], x)
    on_both(lambda t: t.topk(1, 1, largest=False)[0], x)
    on_both(lambda t: t.kthvalue((n + 1) // 2, 1)[0], x)
    on_both(lambda t: t.msort(), x)
    for dev in ("cpu", "cuda"):
        t = _leaf(x, dev, True)
        t.sort(1)[0].sum().backward()
        if dev == "cpu":
            cpu_grad = t.grad
        else:
            _same(t.grad, cpu_grad)


# Advanced indexing and nonzero run on the device: offsets are computed there from the index
# tensors, and the data never leaves the GPU.
def _I(*a):
    return np.array(a, dtype=np.int64)


ADV_CASES = [
    ((7, 5), (_I(3, 0, -1, 5),)),  # distinct positions: a plain put with duplicates keeps any one
    ((7, 5), (slice(None), _I(4, -5, 2))),
    ((4, 5, 6), (_I(0, 3, -1), slice(1, 4), _I(5, 0, 2))),  # separated: the block goes first
    ((4, 5, 6), (slice(None), _I([0, 1], [4, 2]), _I([5], [0]))),  # adjacent, broadcast
    ((4, 5, 6), (Ellipsis, _I(1, -1))),
    ((4, 5, 6), (None, _I(2), slice(None, None, 2))),
    ((4, 5, 6), (2, _I(0, 4))),  # an int among tensor indices is advanced too
    ((3, 0, 4), (slice(None), np.zeros(0, np.int64))),
    ((6,), (np.zeros(0, np.int64),)),
    ((5, 4), (np.array([True, False, True, True, False]),)),
    ((5, 4), ("mask",)),
    ((3, 4, 5), (slice(None), "mask45")),
    ((2, 3), (np.array(True),)),
]


def _items(items, shape, rng, device):
    out = []
    for it in items:
        if isinstance(it, str):
            m = rng.random(shape if it == "mask" else (4, 5)) < 0.5
            it = m
        out.append(rtorch.tensor(it).to(device) if isinstance(it, np.ndarray) else it)
    return tuple(out)


def _noncontig(shape, dtype, rng):
    """A non-contiguous tensor of `shape` (a permuted view of a reversed-shape tensor)."""
    base = rtorch.tensor(rng.uniform(-3, 3, size=shape[::-1])).to(dtype)
    return base.permute(*reversed(range(len(shape))))


@pytestmark_gpu
@pytest.mark.parametrize("case", range(len(ADV_CASES)))
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float16, rtorch.int64, rtorch.bool], ids=str)
def test_advanced_indexing_on_device_matches_cpu(dtype, case):
    shape, raw = ADV_CASES[case]
    rng = np.random.default_rng(case)
    x = _noncontig(shape, dtype, rng)
    g = x.cuda()
    items_c = _items(raw, shape, np.random.default_rng(case), "cpu")
    items_g = _items(raw, shape, np.random.default_rng(case), "cuda")
    close(g[items_g], x[items_c])
    # CPU index tensors with a device tensor work too (PyTorch allows it).
    close(g[items_c], x[items_c])
    # Assignment: a broadcast value and a full value; accumulate with duplicates (exact for ints).
    r = x[items_c]
    val = rtorch.tensor(rng.uniform(-3, 3, size=tuple(r.shape))).to(dtype)
    h, y = g.clone(), x.clone()
    h[items_g] = val.cuda()
    y[items_c] = val
    close(h, y)
    h[items_g] = 1
    y[items_c] = 1
    close(h, y)
    if dtype != rtorch.bool:
        h2, y2 = g.clone(), x.clone()
        h2[items_g] += val.cuda()
        y2[items_c] += val
        close(h2, y2, atol=2e-2 if dtype == rtorch.float16 else None)


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.int32, rtorch.bool], ids=str)
def test_index_put_accumulate_duplicates_on_device(dtype):
    rng = np.random.default_rng(7)
    x = rtorch.zeros(6, 4, dtype=dtype)
    idx = rtorch.tensor(rng.integers(-6, 6, size=300))
    v = rtorch.tensor(rng.integers(0, 3, size=(300, 4))).to(dtype)
    want = x.index_put((idx,), v, accumulate=True)
    got = x.cuda().index_put((idx.cuda(),), v.cuda(), accumulate=True)
    close(got, want)
    # In place, through a non-contiguous view of a bigger tensor.
    big = rtorch.zeros(4, 6, dtype=dtype)
    gbig = big.cuda()
    big.t().index_put_((idx,), v, accumulate=True)
    gbig.t().index_put_((idx.cuda(),), v.cuda(), accumulate=True)
    close(gbig, big)


@pytestmark_gpu
def test_advanced_indexing_gradients_on_device():
    rng = np.random.default_rng(3)
    w = rtorch.tensor(rng.normal(size=(9, 4)), dtype=rtorch.float64)
    idx = rtorch.tensor([[1, 8, 1], [0, -1, 1]])
    mask = rtorch.tensor(rng.random((9, 4)) < 0.4)
    outs = []
    for dev in ("cpu", "cuda"):
        p = w.to(dev).detach().requires_grad_()
        cot = rtorch.tensor(rng.normal(size=(2, 3, 4))).to(dev) if dev == "cpu" else outs[0][2].to(dev)
        y = (p[idx.to(dev)] * cot).sum() + (p[mask.to(dev)] ** 2).sum() + p[:, idx.to(dev)[1]].sum()
        y.backward()
        outs.append((y, p.grad, cot))
    close(outs[1][0], outs[0][0])
    close(outs[1][1], outs[0][1])
    # The embedding-style lookup keeps working through nn.Embedding on the device.
    emb = nn.Embedding(9, 4).cuda()
    e = emb(idx.cuda())
    assert e.shape == (2, 3, 4) and e.device.type == "cuda"


@pytestmark_gpu
def test_advanced_indexing_errors_on_device():
    g = rtorch.zeros(7, 5, device="cuda")
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 0 with size 7"):
        g[rtorch.tensor([0, 7]).cuda()]
    with pytest.raises(IndexError, match="index -6 is out of bounds for dimension 1 with size 5"):
        g[:, rtorch.tensor([-6]).cuda()] = 1.0
    with pytest.raises(IndexError):
        g[rtorch.tensor([True, False]).cuda()]
    # The device is still usable after the errors.
    close(g[rtorch.tensor([6]).cuda()], rtorch.zeros(1, 5))


@pytestmark_gpu
@pytest.mark.parametrize("shape", [(0,), (), (1,), (37,), (3, 0, 2), (4, 5, 6), (2, 1, 3, 1, 2)])
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.int64, rtorch.bool, rtorch.bfloat16], ids=str)
def test_nonzero_on_device_matches_cpu(dtype, shape):
    rng = np.random.default_rng(len(shape))
    a = rng.integers(-1, 2, size=shape).astype(np.float64)
    if dtype == rtorch.float32 and a.size:
        a.flat[0] = np.nan  # NaN is non-zero
    x = rtorch.tensor(a).to(dtype)
    g = x.cuda()
    close(g.nonzero(), x.nonzero())
    for gc_, xc in zip(g.nonzero(as_tuple=True), x.nonzero(as_tuple=True)):
        close(gc_, xc)
    close(rtorch.count_nonzero(g), rtorch.count_nonzero(x))


@pytestmark_gpu
def test_nonzero_on_device_large():
    rng = np.random.default_rng(11)
    m = rng.random((3000, 1100)) < 0.3  # 3.3M elements: several scan chunks, positions past 2^21
    x = rtorch.tensor(m)
    close(x.cuda().nonzero(), x.nonzero())
    v = rtorch.tensor(rng.normal(size=m.shape), dtype=rtorch.float32)
    close(v.cuda()[x.cuda()], v[x])


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64], ids=str)
def test_overlapping_view_backward_on_device(dtype):
    # unfold with step < size overlaps: its backward adds every window into the shared
    # elements (an atomic scatter-add on the device).
    rng = np.random.default_rng(5)
    a = rtorch.tensor(rng.normal(size=(3, 40))).to(dtype)
    grads = []
    for dev in ("cpu", "cuda"):
        x = a.to(dev).detach().requires_grad_()
        w = rtorch.tensor(np.arange(3 * 12 * 7).reshape(3, 12, 7) % 5).to(dtype).to(dev)
        y = (x.unfold(1, 7, 3) * w).sum() + (x.t().unfold(0, 5, 1) ** 2).sum()
        y.backward()
        grads.append(x.grad)
    close(grads[1], grads[0])


@pytestmark_gpu
@pytest.mark.parametrize("shape", [(40_000,), (3, 70_001), (1 << 22,), (2, 5, 40_000)])
@pytest.mark.parametrize("dtype", [rtorch.int64, rtorch.float64, rtorch.bool], ids=str)
def test_long_row_scans_on_device(dtype, shape):
    # Few long rows are scanned in pieces side by side, then combined with running piece totals.
    rng = np.random.default_rng(len(shape))
    x = rtorch.tensor(rng.integers(-3, 4, size=shape)).to(dtype)
    close(x.cuda().cumsum(-1), x.cumsum(-1))
    if dtype == rtorch.float64:
        p = rtorch.tensor(1 + rng.normal(scale=1e-4, size=shape))
        close(p.cuda().cumprod(-1), p.cumprod(-1), atol=1e-9)
        g = [p.to(d).detach().requires_grad_() for d in ("cpu", "cuda")]
        for gi in g:
            gi.cumsum(-1).sum().backward()
        close(g[1].grad, g[0].grad)


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.int64, rtorch.int32], ids=str)
def test_searchsorted_on_device_matches_cpu(dtype):
    rng = np.random.default_rng(9)
    flt = dtype.is_floating_point
    seq1 = np.sort(rng.integers(-20, 20, size=33)).astype(np.float64)
    vals = rng.integers(-25, 25, size=(4, 7)).astype(np.float64)
    rows = np.sort(rng.integers(-20, 20, size=(4, 9)), axis=1).astype(np.float64)
    if flt:
        seq1[-2:] = np.nan  # NaN sorts last
        vals[0, :3] = [np.nan, -np.inf, np.inf]
    s1, v, sr = (rtorch.tensor(a).to(dtype) for a in (seq1, vals, rows))
    for right in (False, True):
        close(rtorch.searchsorted(s1.cuda(), v.cuda(), right=right), rtorch.searchsorted(s1, v, right=right))
        close(rtorch.searchsorted(sr.cuda(), v.cuda(), right=right), rtorch.searchsorted(sr, v, right=right))
        close(rtorch.bucketize(v.cuda(), s1.cuda(), right=right), rtorch.bucketize(v, s1, right=right))
    got = rtorch.searchsorted(s1.cuda(), v.cuda(), out_int32=True)
    assert got.dtype == rtorch.int32 and got.device.type == "cuda"
    close(got, rtorch.searchsorted(s1, v, out_int32=True))
    # Mixed dtypes compare in the promoted type; a Python scalar value; non-contiguous values.
    close(rtorch.searchsorted(s1.cuda(), v.cuda().double() + 0.5), rtorch.searchsorted(s1, v.double() + 0.5))
    close(rtorch.searchsorted(s1.cuda(), 3), rtorch.searchsorted(s1, 3))
    close(rtorch.searchsorted(s1.cuda(), v.cuda().t()), rtorch.searchsorted(s1, v.t()))
    with pytest.raises(RuntimeError, match="boundaries tensor should be 1 dimension"):
        rtorch.searchsorted(sr.cuda(), v.cuda()[:3])


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.int64, rtorch.uint8], ids=str)
def test_cummax_cummin_on_device_matches_cpu(dtype):
    rng = np.random.default_rng(4)
    a = rng.integers(0, 6, size=(5, 7, 3)).astype(np.float64)  # many ties
    if dtype.is_floating_point:
        a[1, 2, 0] = a[1, 5, 0] = a[3, 0, 2] = np.nan
    x = rtorch.tensor(a).to(dtype)
    for f in (rtorch.cummax, rtorch.cummin):
        for d in (0, 1, 2, -1):
            gv, gi = f(x.cuda(), d)
            cv, ci = f(x, d)
            close(gv, cv)
            close(gi, ci)
        close(f(x.cuda().permute(2, 0, 1), 1)[1], f(x.permute(2, 0, 1), 1)[1])
    e = rtorch.zeros(0, 4, dtype=dtype)
    assert rtorch.cummax(e.cuda(), 1)[1].shape == (0, 4)
    s = rtorch.tensor(3.0).to(dtype)
    close(rtorch.cummax(s.cuda(), 0)[1], rtorch.cummax(s, 0)[1])
    if dtype == rtorch.float64:
        xs = [x.to(dev).detach().requires_grad_() for dev in ("cpu", "cuda")]
        for xi in xs:
            rtorch.cummax(xi, 1)[0].nan_to_num(0.0).sum().backward()
        close(xs[1].grad, xs[0].grad)


@pytestmark_gpu
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64, rtorch.float16, rtorch.int64], ids=str)
def test_median_on_device_matches_cpu(dtype):
    # Rows the device sort takes are done on the device: NaN rules as the host (first NaN decides
    # for median; nanmedian skips NaNs unless the row is all NaN).
    rng = np.random.default_rng(6)
    a = rng.integers(0, 5, size=(6, 9, 4)).astype(np.float64)
    if dtype.is_floating_point:
        a[rng.random(a.shape) < 0.15] = np.nan
        a[2, :, 1] = np.nan
    x = rtorch.tensor(a).to(dtype)
    fs = [rtorch.median] + ([rtorch.nanmedian] if dtype.is_floating_point else [])
    for f in fs:
        for d in (0, 1, -1):
            for keep in (False, True):
                gv, gi = f(x.cuda(), d, keepdim=keep)
                cv, ci = f(x, d, keepdim=keep)
                close(gv, cv)
                close(gi, ci)
        close(f(x.cuda().transpose(0, 2), 1)[1], f(x.transpose(0, 2), 1)[1])
    long = rtorch.tensor(rng.normal(size=(2, 3000))).to(dtype)  # rows past the sort kernel: host
    close(rtorch.median(long.cuda(), 1)[1], rtorch.median(long, 1)[1])

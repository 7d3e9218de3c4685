"""CUDA backend: parity with the CPU backend (forward and backward), memory, errors.

Skipped unless a GPU is present. Every check compares the device result with the same op on the
CPU backend (which the rest of the suite checks against NumPy), on random and non-contiguous inputs.
"""
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

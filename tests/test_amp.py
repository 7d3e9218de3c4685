"""rtorch.amp: autocast regions (op dtypes recorded from PyTorch's CPU autocast, values, gradients, nesting, threads)
and GradScaler (scaling, skipped steps, backoff/growth, errors, state), plus the torch.cuda/cpu.amp aliases."""
import pickle
import threading
import warnings

import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F

from helpers import assert_close
from torch_ref import torch_ref

# op -> a call on one float32/bfloat16 4x4 tensor; the output dtypes under autocast("cpu") are PyTorch's.
OPS = {
    "matmul": lambda m, F, a: m.matmul(a, a), "@": lambda m, F, a: a @ a, "mm": lambda m, F, a: m.mm(a, a),
    "Tensor.mm": lambda m, F, a: a.mm(a), "bmm": lambda m, F, a: m.bmm(a[None], a[None]),
    "addmm": lambda m, F, a: m.addmm(a, a, a), "baddbmm": lambda m, F, a: m.baddbmm(a[None], a[None], a[None]),
    "addbmm": lambda m, F, a: m.addbmm(a, a[None], a[None]), "einsum": lambda m, F, a: m.einsum("ij,jk->ik", a, a),
    "tensordot": lambda m, F, a: m.tensordot(a, a, 1), "linear": lambda m, F, a: F.linear(a, a),
    "conv1d": lambda m, F, a: F.conv1d(a[None], a[:, :, None]), "prelu": lambda m, F, a: F.prelu(a, m.ones(1, dtype=a.dtype)),
    "linalg.multi_dot": lambda m, F, a: m.linalg.multi_dot([a, a]),
    "addmv": lambda m, F, a: m.addmv(a[0], a, a[0]), "mv": lambda m, F, a: m.mv(a, a[0]),
    "cross_entropy": lambda m, F, a: F.cross_entropy(a, m.zeros(4, dtype=m.long)),
    "mse_loss": lambda m, F, a: F.mse_loss(a, a), "l1_loss": lambda m, F, a: F.l1_loss(a, a),
    "kl_div": lambda m, F, a: F.kl_div(a, a, reduction="batchmean"),
    "bce_logits": lambda m, F, a: F.binary_cross_entropy_with_logits(a, a.sigmoid()),
    "prod": lambda m, F, a: m.prod(a), "cdist": lambda m, F, a: m.cdist(a, a), "trace": lambda m, F, a: m.trace(a),
    "linalg.svdvals": lambda m, F, a: m.linalg.svdvals(a.float()).to(a.dtype) + m.linalg.svdvals(a) * 0,
    "fft.rfft": lambda m, F, a: m.view_as_real(m.fft.rfft(a)),
    "softmax": lambda m, F, a: F.softmax(a, -1), "exp": lambda m, F, a: a.exp(), "sum": lambda m, F, a: a.sum(),
    "layer_norm": lambda m, F, a: F.layer_norm(a, (4,)),
    "cat": lambda m, F, a: m.cat([a, a.float()]), "stack": lambda m, F, a: m.stack([a, a.bfloat16()]),
}


def _dtypes(m, F):
    a = m.ones(4, 4) + m.eye(4)
    out = {}
    with m.autocast("cpu"):
        for name, f in OPS.items():
            out[name] = [str(f(m, F, a).dtype).split(".")[-1], str(f(m, F, a.bfloat16()).dtype).split(".")[-1]]
    return out


def test_output_dtypes_match_pytorch_cpu_autocast():
    want = torch_ref(lambda torch: _dtypes(torch, torch.nn.functional))
    assert _dtypes(rtorch, F) == want


def test_values_are_those_of_the_cast_inputs():
    rng = np.random.default_rng(0)
    x = rtorch.tensor(rng.standard_normal((3, 5)).astype(np.float32))
    lin = rtorch.nn.Linear(5, 2)
    with rtorch.autocast("cpu"):
        y = lin(x)
    want = F.linear(x.bfloat16(), lin.weight.bfloat16(), lin.bias.bfloat16())
    assert y.dtype == rtorch.bfloat16 and rtorch.equal(y, want)
    with rtorch.autocast("cpu", dtype=rtorch.float16):
        assert lin(x).dtype == rtorch.float16
    xd = x.double()
    with rtorch.autocast("cpu"):  # float64 and integer inputs are not eligible
        assert (xd @ xd.T).dtype == rtorch.float64
        assert (rtorch.ones(2, 2, dtype=rtorch.int64) @ rtorch.ones(2, 2, dtype=rtorch.int64)).dtype == rtorch.int64
        out = rtorch.empty(3, 3)
        rtorch.matmul(x, x.T, out=out)  # out= calls are not autocast
        assert out.dtype == rtorch.float32


def test_gradients_reach_float32_parameters():
    rtorch.manual_seed(0)
    model = rtorch.nn.Sequential(rtorch.nn.Linear(4, 8), rtorch.nn.ReLU(), rtorch.nn.Linear(8, 3))
    x, y = rtorch.randn(16, 4), rtorch.randint(0, 3, (16,))
    with rtorch.autocast("cpu"):
        loss = F.cross_entropy(model(x), y)
    assert loss.dtype == rtorch.float32
    loss.backward()
    for p in model.parameters():
        assert p.grad.dtype == rtorch.float32 and bool(rtorch.isfinite(p.grad).all())
    # the same gradient as differentiating the explicitly cast program
    ref = [p.detach().clone().requires_grad_(True) for p in model.parameters()]
    h = F.linear(x.bfloat16(), ref[0].bfloat16(), ref[1].bfloat16()).relu()
    F.cross_entropy(F.linear(h, ref[2].bfloat16(), ref[3].bfloat16()).float(), y).backward()
    for p, r in zip(model.parameters(), ref):
        assert rtorch.equal(p.grad, r.grad)


def test_nesting_decorator_state_and_threads():
    x = rtorch.ones(2, 2)
    assert not rtorch.is_autocast_enabled("cpu")
    with rtorch.autocast("cpu"):
        assert rtorch.is_autocast_enabled("cpu") and rtorch.get_autocast_dtype("cpu") == rtorch.bfloat16
        with rtorch.autocast("cpu", enabled=False):
            assert (x @ x).dtype == rtorch.float32
        assert (x @ x).dtype == rtorch.bfloat16
        seen = []
        t = threading.Thread(target=lambda: seen.append((x @ x).dtype))  # autocast state is per thread
        t.start()
        t.join()
        assert seen == [rtorch.float32]
    assert not rtorch.is_autocast_enabled("cpu") and (x @ x).dtype == rtorch.float32

    @rtorch.autocast("cpu")
    def f(a):
        return a @ a

    assert f(x).dtype == rtorch.bfloat16 and (x @ x).dtype == rtorch.float32
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        rtorch.autocast("tpu")
    with pytest.warns(UserWarning, match="CPU Autocast only supports"):
        ctx = rtorch.autocast("cpu", dtype=rtorch.float32)
    with ctx:
        assert (x @ x).dtype == rtorch.float32
    if not rtorch.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA is not available"):
            rtorch.autocast("cuda")


def test_custom_fwd_bwd():
    class Square(rtorch.autograd.Function):
        @staticmethod
        @rtorch.amp.custom_fwd(device_type="cpu", cast_inputs=rtorch.float32)
        def forward(ctx, a):
            ctx.save_for_backward(a)
            ctx.inner = (a @ a).dtype
            return a * a

        @staticmethod
        @rtorch.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            ctx.bwd_enabled = rtorch.is_autocast_enabled("cpu")
            return 2 * a * g

    x = rtorch.full((2, 2), 3.0, dtype=rtorch.bfloat16, requires_grad=True)
    with rtorch.autocast("cpu"):
        y = Square.apply(x)
    assert y.dtype == rtorch.float32
    y.sum().backward()
    assert_close(x.grad, np.full((2, 2), 6.0), dtype=rtorch.bfloat16)


def _fit(scaler_device="cpu", steps=30):
    rtorch.manual_seed(1)
    model = rtorch.nn.Linear(3, 1)
    opt = rtorch.optim.SGD(model.parameters(), lr=0.05)
    scaler = rtorch.amp.GradScaler(scaler_device, init_scale=1024.0, growth_interval=5)
    x = rtorch.randn(64, 3)
    y = x @ rtorch.tensor([[1.0], [-2.0], [0.5]])
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        with rtorch.autocast("cpu", dtype=rtorch.float16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    return losses, scaler


def test_grad_scaler_trains_and_grows():
    losses, scaler = _fit()
    assert losses[-1] < 0.2 * losses[0]
    assert scaler.get_scale() == 1024.0 * 2 ** 6  # 30 clean steps, growth every 5


def test_grad_scaler_skips_non_finite_steps_and_backs_off():
    p = rtorch.nn.Parameter(rtorch.ones(2))
    opt = rtorch.optim.SGD([p], lr=1.0)
    scaler = rtorch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    scaled = scaler.scale((p * rtorch.tensor([1.0, float("inf")])).sum())
    assert scaled.item() == float("inf")
    scaled.backward()
    assert scaler.step(opt) is None
    assert rtorch.equal(p.detach(), rtorch.ones(2))  # skipped
    scaler.update()
    assert scaler.get_scale() == 4.0 and scaler.state_dict()["_growth_tracker"] == 0
    for k in range(2):  # two clean steps: the gradient is unscaled before the step, then the scale doubles
        p.grad = None
        scaler.scale((p * 3).sum()).backward()
        assert_close(p.grad, np.full(2, 3.0 * scaler.get_scale(), np.float32))
        scaler.step(opt)
        assert_close(p.grad, np.full(2, 3.0, np.float32))
        scaler.update()
    assert scaler.get_scale() == 8.0
    assert_close(p, np.full(2, -5.0, np.float32))


def test_grad_scaler_errors_state_and_disabled():
    p = rtorch.nn.Parameter(rtorch.ones(1))
    opt = rtorch.optim.SGD([p], lr=0.1)
    s = rtorch.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="_scale is None"):
        s.step(opt)
    s.scale(p.sum()).backward()
    s.unscale_(opt)
    with pytest.raises(RuntimeError, match="already been called on this optimizer"):
        s.unscale_(opt)
    s.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        s.step(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step"):
        s.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        s.step(opt, closure=lambda: 0)
    s.update(16.0)
    assert s.get_scale() == 16.0
    with pytest.raises(AssertionError, match="new_scale should be"):
        s.update(rtorch.ones(2))
    state = s.state_dict()
    t = rtorch.amp.GradScaler("cpu")
    t.load_state_dict(state)
    assert t.state_dict() == state == {"scale": 16.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                                      "growth_interval": 2000, "_growth_tracker": 0}
    u = pickle.loads(pickle.dumps(s))
    assert u.get_scale() == 16.0
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        t.load_state_dict({})
    with pytest.raises(AssertionError, match="growth factor must be > 1.0"):
        rtorch.amp.GradScaler("cpu", growth_factor=1.0)
    off = rtorch.amp.GradScaler("cpu", enabled=False)
    loss = p.sum()
    assert off.scale(loss) is loss and off.get_scale() == 1.0 and off.state_dict() == {}
    h = rtorch.nn.Parameter(rtorch.ones(1, dtype=rtorch.float16))
    h.grad = rtorch.ones(1, dtype=rtorch.float16)
    s2 = rtorch.amp.GradScaler("cpu")
    s2.scale(rtorch.ones(1))
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
        s2.unscale_(rtorch.optim.SGD([h], lr=0.1))
    assert [v.item() for v in s.scale([rtorch.ones(1), (rtorch.ones(1) * 2,)])[1]] == [32.0]


def test_device_aliases_warn():
    with pytest.warns(FutureWarning, match=r"torch.cpu.amp.autocast\(args...\)` is deprecated"):
        ctx = rtorch.cpu.amp.autocast()
    with ctx:
        assert (rtorch.ones(2, 2) @ rtorch.ones(2, 2)).dtype == rtorch.bfloat16
    with pytest.warns(FutureWarning):
        assert rtorch.cpu.amp.GradScaler().is_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert rtorch.cuda.amp.GradScaler().is_enabled() == rtorch.cuda.is_available()
    from rtorch.cuda.amp import autocast as cuda_autocast  # importable as in PyTorch
    assert issubclass(cuda_autocast, rtorch.amp.autocast)
    assert rtorch.cpu.is_available() and rtorch.cpu.device_count() == 1

"""The fused native optimizer updates (rtorch._rtorch._adam_step / _sgd_step / _rmsprop_step /
_adagrad_step) against the op-by-op Python path they replace: same formulas, same rounding points,
so float64 agrees to the last bits and float32 to float rounding; RMSprop and Adagrad also against
NumPy and torch.optim."""
import numpy as np
import pytest

import rtorch
import rtorch.optim.adagrad as adagrad_mod
import rtorch.optim.adam as adam_mod
import rtorch.optim.rmsprop as rmsprop_mod
import rtorch.optim.sgd as sgd_mod
from torch_ref import torch_ref

FUSED_MODULES = (adam_mod, sgd_mod, rmsprop_mod, adagrad_mod)

CASES = [
    (rtorch.optim.Adam, dict(lr=0.1)),
    (rtorch.optim.Adam, dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    (rtorch.optim.Adam, dict(lr=0.05, maximize=True, betas=(0.8, 0.9))),
    (rtorch.optim.AdamW, dict(lr=0.1, weight_decay=0.3)),
    (rtorch.optim.SGD, dict(lr=0.1)),
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.9)),  # the plain momentum loop (its own kernel branch)
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.7, dampening=0.2)),
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (rtorch.optim.SGD, dict(lr=0.1, momentum=0.5, dampening=0.3, maximize=True)),
    (rtorch.optim.RMSprop, dict(lr=0.01)),
    (rtorch.optim.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.8)),
    (rtorch.optim.RMSprop, dict(lr=0.02, centered=True, momentum=0.5, maximize=True, eps=1e-6)),
    (rtorch.optim.RMSprop, dict(lr=0.01, centered=True, weight_decay=0.05)),
    (rtorch.optim.Adagrad, dict(lr=0.1)),
    (rtorch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3)),
    (rtorch.optim.Adagrad, dict(lr=0.05, maximize=True, eps=1e-6)),
]


def run(cls, kw, dtype, fused, monkeypatch):
    with monkeypatch.context() as m:
        if not fused:
            for mod in FUSED_MODULES:
                m.setattr(mod, "_fusable", lambda *args: False)
        rng = np.random.default_rng(0)
        p = rtorch.nn.Parameter(rtorch.tensor(rng.standard_normal((7, 5)), dtype=dtype))
        q = rtorch.nn.Parameter(rtorch.tensor(rng.standard_normal(3), dtype=dtype))
        opt = cls([p, q], **kw)
        target = rtorch.tensor(rng.standard_normal((7, 5)), dtype=dtype)
        for _ in range(6):
            opt.zero_grad()
            loss = ((p - target) ** 2).sum() + (q ** 3).sum()
            loss.backward()
            opt.step()
        return [p.detach().numpy().copy(), q.detach().numpy().copy()] + [
            v.numpy().copy() for s in opt.state.values() for k, v in sorted(s.items()) if k != "step"]


@pytest.mark.parametrize("cls,kw", CASES)
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_fused_update_matches_op_by_op(cls, kw, dtype, monkeypatch):
    fused = run(cls, kw, dtype, True, monkeypatch)
    plain = run(cls, kw, dtype, False, monkeypatch)
    assert len(fused) == len(plain) >= 2
    tol = 1e-12 if dtype == rtorch.float64 else 1e-5
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_fused_path_is_taken_and_checks_layouts():
    p = rtorch.zeros(4, requires_grad=True)
    p.grad = rtorch.ones(4)
    m, v = rtorch.zeros(4), rtorch.zeros(4)
    assert rtorch._rtorch._adam_step(p, p.grad, m, v, None, 0.1, 0.9, 0.999, 1e-8, 0.0, 0.1, 0.0316, False, False, False)
    assert m.tolist() == pytest.approx([0.1] * 4)
    with pytest.raises(RuntimeError, match="must match the parameter"):
        rtorch._rtorch._adam_step(p, p.grad, rtorch.zeros(3), v, None, 0.1, 0.9, 0.999, 1e-8, 0.0, 0.1, 0.03, False,
                                  False, False)
    # No fused CPU kernel for 16-bit floats: the step says so and leaves everything untouched.
    h = rtorch.ones(4, dtype=rtorch.float16)
    assert rtorch._rtorch._sgd_step(h, h, None, 0.1, 0.0, 0.0, 0.0, False, False, False) is False
    assert h.tolist() == [1.0] * 4
    with pytest.raises(TypeError, match="floating point parameter"):
        i = rtorch.zeros(4, dtype=rtorch.int32)
        rtorch._rtorch._sgd_step(i, i, None, 0.1, 0.0, 0.0, 0.0, False, False, False)


def np_rmsprop(p, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """torch.optim.RMSprop's documented update in float64."""
    sq, ga, buf = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * p
        sq = alpha * sq + (1 - alpha) * g * g
        if centered:
            ga = alpha * ga + (1 - alpha) * g
            avg = np.sqrt(sq - ga * ga) + eps
        else:
            avg = np.sqrt(sq) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
    return p


def np_adagrad(p, grads, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, maximize=False):
    """torch.optim.Adagrad's documented update in float64."""
    s = np.full_like(p, initial_accumulator_value)
    for t, g in enumerate(grads, 1):
        g = -g if maximize else g
        g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (np.sqrt(s) + eps)
    return p


NP_CASES = [(cls, kw) for cls, kw in CASES if cls in (rtorch.optim.RMSprop, rtorch.optim.Adagrad)]


@pytest.mark.parametrize("cls,kw", NP_CASES)
@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
def test_rmsprop_adagrad_match_numpy(cls, kw, dtype):
    # Gradients fixed in advance (so the reference needs no autograd); several steps.
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal((6, 4))
    grads = [rng.standard_normal((6, 4)) for _ in range(5)]
    p = rtorch.nn.Parameter(rtorch.tensor(p0, dtype=dtype))
    opt = cls([p], **kw)
    for g in grads:
        p.grad = rtorch.tensor(g, dtype=dtype)
        opt.step()
    ref = (np_rmsprop if cls is rtorch.optim.RMSprop else np_adagrad)(p0, grads, **kw)
    tol = 1e-12 if dtype == rtorch.float64 else 2e-5
    np.testing.assert_allclose(p.detach().double().numpy(), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("cls,kw", NP_CASES)
def test_rmsprop_adagrad_match_torch(cls, kw):
    rng = np.random.default_rng(2)
    w0, target = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))

    def run(lib):  # the parameter and the optimizer's state tensors after 8 steps
        p = lib.nn.Parameter(lib.tensor(w0))
        opt = getattr(lib.optim, cls.__name__)([p], **kw)
        for _ in range(8):
            opt.zero_grad()
            (((p - lib.tensor(target)) ** 2).sum() + (p ** 3).sum()).backward()
            opt.step()
        state = opt.state[p]
        return [p.detach().numpy().copy()] + [state[k].numpy().copy() for k in sorted(state) if k != "step"]
    results = run(rtorch), torch_ref(run)
    assert len(results[0]) == len(results[1]) >= 2
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_rmsprop_adagrad_take_the_fused_path(monkeypatch):
    calls = []
    for name in ("_rmsprop_step", "_adagrad_step"):
        real = getattr(rtorch._rtorch, name)
        monkeypatch.setattr(rtorch._rtorch, name, lambda *a, _r=real, _n=name: (calls.append(_n), _r(*a))[1])
    p = rtorch.nn.Parameter(rtorch.ones(3))
    for opt in (rtorch.optim.RMSprop([p], centered=True, momentum=0.9), rtorch.optim.Adagrad([p])):
        p.grad = rtorch.ones(3)
        opt.step()
    assert calls == ["_rmsprop_step", "_adagrad_step"]
    # float16 CPU parameters: the native step declines (no fused CPU kernel for 16-bit floats) and
    # the tensor-op path makes the update: 1 - 0.01 * 1 / (sqrt(0.01) + 1e-8) = 0.9.
    h = rtorch.nn.Parameter(rtorch.ones(3, dtype=rtorch.float16))
    h.grad = rtorch.ones(3, dtype=rtorch.float16)
    rtorch.optim.RMSprop([h]).step()
    assert calls == ["_rmsprop_step", "_adagrad_step", "_rmsprop_step"] and h.dtype == rtorch.float16
    np.testing.assert_allclose(h.detach().float().numpy(), [0.9] * 3, rtol=1e-3)


def test_rmsprop_adagrad_kernels_check_their_state():
    p, g = rtorch.zeros(4), rtorch.ones(4)
    with pytest.raises(RuntimeError, match="must match the parameter"):
        rtorch._rtorch._rmsprop_step(p, g, rtorch.zeros(5), None, None, 0.1, 0.99, 1e-8, 0.0, 0.0, False, False)
    with pytest.raises(RuntimeError, match="centered needs grad_avg"):
        rtorch._rtorch._rmsprop_step(p, g, rtorch.zeros(4), None, None, 0.1, 0.99, 1e-8, 0.0, 0.0, True, False)
    with pytest.raises(RuntimeError, match="momentum needs"):
        rtorch._rtorch._rmsprop_step(p, g, rtorch.zeros(4), None, None, 0.1, 0.99, 1e-8, 0.0, 0.9, False, False)
    with pytest.raises(RuntimeError, match="contiguous"):
        q = rtorch.zeros(4, 2).t()
        rtorch._rtorch._adagrad_step(q, q, q, 0.1, 0.0, 1.0, 1e-10, 0.0, False)
    s = rtorch.zeros(4)
    rtorch._rtorch._adagrad_step(p, g, s, 0.5, 0.0, 1.0, 0.0, 0.0, False)
    assert s.tolist() == [1.0] * 4 and p.tolist() == [-0.5] * 4

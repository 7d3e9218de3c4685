"""Tests for rtorch.optim: SGD/Adam/AdamW against NumPy versions of PyTorch's update rules, and LR schedulers."""
import math

import numpy as np
import pytest

import rtorch as torch
import rtorch.nn as nn
from rtorch.optim import SGD, Adam, AdamW
from rtorch.optim import lr_scheduler as sched

STEPS = 6


def n(x):
    return x.detach().numpy()


def make_problem(seed=0):
    """Parameters and a quadratic loss whose gradient is ``coef * (p - target)`` (float64)."""
    rng = np.random.default_rng(seed)
    p0 = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    targets = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    coefs = [rng.uniform(0.5, 2.0, (3, 2)), rng.uniform(0.5, 2.0, 4)]
    return p0, targets, coefs


def grads_np(ps, targets, coefs):
    return [c * (p - tg) for p, tg, c in zip(ps, targets, coefs)]


def run_rtorch(opt_cls, kwargs, seed=0, steps=STEPS):
    p0, targets, coefs = make_problem(seed)
    params = [nn.Parameter(torch.tensor(p)) for p in p0]
    opt = opt_cls(params, **kwargs)
    tt = [torch.tensor(x) for x in targets]
    cc = [torch.tensor(x) for x in coefs]
    for _ in range(steps):
        opt.zero_grad()
        loss = sum((0.5 * c * (p - tg) ** 2).sum() for p, tg, c in zip(params, tt, cc))
        loss.backward()
        opt.step()
    return [n(p) for p in params], opt


def sgd_np(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False, steps=STEPS):
    ps, targets, coefs = make_problem()
    bufs = [None] * len(ps)
    for _ in range(steps):
        gs = grads_np(ps, targets, coefs)
        for i, (p, g) in enumerate(zip(ps, gs)):
            g = -g if maximize else g
            if weight_decay:
                g = g + weight_decay * p
            if momentum:
                bufs[i] = g.copy() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * g
                g = g + momentum * bufs[i] if nesterov else bufs[i]
            ps[i] = p - lr * g
    return ps


def adam_np(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
            decoupled=False, steps=STEPS):
    ps, targets, coefs = make_problem()
    m = [np.zeros_like(p) for p in ps]
    v = [np.zeros_like(p) for p in ps]
    vmax = [np.zeros_like(p) for p in ps]
    b1, b2 = betas
    for t in range(1, steps + 1):
        gs = grads_np(ps, targets, coefs)
        for i, (p, g) in enumerate(zip(ps, gs)):
            g = -g if maximize else g
            if weight_decay:
                if decoupled:
                    p = p * (1 - lr * weight_decay)
                else:
                    g = g + weight_decay * p
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            mhat = m[i] / (1 - b1**t)
            if amsgrad:
                vmax[i] = np.maximum(vmax[i], v[i])
                vhat = vmax[i] / (1 - b2**t)
            else:
                vhat = v[i] / (1 - b2**t)
            ps[i] = p - lr * mhat / (np.sqrt(vhat) + eps)
    return ps


def assert_params(got, ref):
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ SGD
SGD_CASES = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.5),
    dict(lr=0.05, momentum=0.8, nesterov=True),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.1, momentum=0.9, weight_decay=0.01, maximize=True),
    dict(),
]


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_matches_numpy(kwargs):
    got, opt = run_rtorch(SGD, kwargs)
    assert_params(got, sgd_np(**kwargs))
    if kwargs.get("momentum"):
        assert set(opt.state_dict()["state"][0]) == {"momentum_buffer"}
    else:
        assert opt.state_dict()["state"] == {}


def test_sgd_defaults_and_validation():
    p = nn.Parameter(torch.zeros(2))
    opt = SGD([p])
    g = opt.param_groups[0]
    assert g["lr"] == 1e-3 and g["momentum"] == 0 and g["dampening"] == 0
    assert g["weight_decay"] == 0 and g["nesterov"] is False and g["maximize"] is False
    with pytest.raises(ValueError):
        SGD([p], lr=-1)
    with pytest.raises(ValueError):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError):
        SGD([], lr=0.1)
    with pytest.raises(TypeError):
        SGD(p, lr=0.1)


# ------------------------------------------------------------------ Adam / AdamW
ADAM_CASES = [
    dict(lr=0.1),
    dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.1, amsgrad=True),
    dict(lr=0.1, maximize=True),
    dict(),
]


@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_matches_numpy(kwargs):
    got, opt = run_rtorch(Adam, kwargs)
    assert_params(got, adam_np(**kwargs))
    keys = {"step", "exp_avg", "exp_avg_sq"} | ({"max_exp_avg_sq"} if kwargs.get("amsgrad") else set())
    assert set(opt.state_dict()["state"][0]) == keys
    assert opt.state[opt.param_groups[0]["params"][0]]["step"].item() == STEPS


@pytest.mark.parametrize("kwargs", [dict(lr=0.1), dict(lr=0.1, weight_decay=0.5, amsgrad=True), dict()], ids=str)
def test_adamw_matches_numpy(kwargs):
    got, _ = run_rtorch(AdamW, kwargs)
    ref_kwargs = dict(kwargs)
    ref_kwargs.setdefault("weight_decay", 1e-2)
    assert_params(got, adam_np(decoupled=True, **ref_kwargs))


def test_adam_defaults():
    opt = AdamW([nn.Parameter(torch.zeros(1))])
    g = opt.param_groups[0]
    assert g["lr"] == 1e-3 and g["betas"] == (0.9, 0.999) and g["eps"] == 1e-8
    assert g["weight_decay"] == 1e-2 and g["amsgrad"] is False
    assert Adam([nn.Parameter(torch.zeros(1))]).param_groups[0]["weight_decay"] == 0
    with pytest.raises(ValueError):
        Adam([nn.Parameter(torch.zeros(1))], betas=(1.0, 0.9))


# ------------------------------------------------------------------ base class behaviour
def test_zero_grad_and_skips_params_without_grad():
    a, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    opt = SGD([a, b], lr=0.5, momentum=0.9)
    (a * 3).sum().backward()
    opt.step()
    np.testing.assert_allclose(n(a), [-0.5, -0.5])
    np.testing.assert_allclose(n(b), [1.0, 1.0])
    assert b not in opt.state or not opt.state[b]
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(n(a.grad), [0.0, 0.0])
    opt.zero_grad()
    assert a.grad is None


def test_param_groups_and_add_param_group():
    a, b, c = (nn.Parameter(torch.ones(1)) for _ in range(3))
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    opt.add_param_group({"params": c, "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.9
    with pytest.raises(ValueError):
        opt.add_param_group({"params": [a]})
    for p in (a, b, c):
        p.grad = torch.ones(1)
    opt.step()
    assert [round(float(p.item()), 6) for p in (a, b, c)] == [0.9, 0.5, 0.9]


def test_closure_and_repr():
    p = nn.Parameter(torch.tensor([2.0]))
    opt = SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.item()) == 4.0
    assert float(p.item()) == 1.0
    r = repr(opt)
    assert r.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.25\n" in r and r.endswith(")")


def test_state_dict_format_and_resume():
    full, _ = run_rtorch(Adam, dict(lr=0.1), steps=STEPS)
    # run half the steps, save, load into a fresh optimizer on the same params, continue
    p0, targets, coefs = make_problem()
    params = [nn.Parameter(torch.tensor(p)) for p in p0]
    tt = [torch.tensor(x) for x in targets]
    cc = [torch.tensor(x) for x in coefs]

    def run(opt, k):
        for _ in range(k):
            opt.zero_grad()
            sum((0.5 * c * (p - tg) ** 2).sum() for p, tg, c in zip(params, tt, cc)).backward()
            opt.step()

    opt = Adam(params, lr=0.1)
    run(opt, STEPS // 2)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sd["param_groups"][0]["lr"] == 0.1
    assert set(sd["state"]) == {0, 1}
    opt2 = Adam(params, lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.1
    assert opt2.param_groups[0]["params"][0] is params[0]
    # the loaded state is a copy
    assert opt2.state[params[0]]["exp_avg"] is not opt.state[params[0]]["exp_avg"]
    run(opt2, STEPS - STEPS // 2)
    for got, ref in zip(params, full):
        np.testing.assert_allclose(n(got), ref, rtol=1e-12)


def test_training_reduces_loss():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3)
    xt, yt = torch.tensor(x.tolist()), torch.tensor(y.tolist())
    for opt_cls, kw in [(SGD, dict(lr=0.1, momentum=0.9)), (Adam, dict(lr=0.05)), (AdamW, dict(lr=0.05))]:
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        opt = opt_cls(model.parameters(), **kw)
        loss_fn = nn.MSELoss()
        first = None
        for _ in range(150):
            opt.zero_grad()
            loss = loss_fn(model(xt), yt)
            loss.backward()
            opt.step()
            first = first if first is not None else loss.item()
        assert loss.item() < 0.05 * first, opt_cls.__name__


# ------------------------------------------------------------------ schedulers
def lrs_over(scheduler_fn, epochs=12, lr=0.1):
    opt = SGD([nn.Parameter(torch.zeros(1))], lr=lr)
    s = scheduler_fn(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        s.step()
        out.append(opt.param_groups[0]["lr"])
        assert s.get_last_lr() == [out[-1]]
    return out


def test_step_lr():
    got = lrs_over(lambda o: sched.StepLR(o, step_size=3, gamma=0.5))
    np.testing.assert_allclose(got, [0.1 * 0.5 ** (e // 3) for e in range(13)], rtol=1e-12)


def test_multistep_lr():
    got = lrs_over(lambda o: sched.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.1))
    ref = [0.1 * 0.1 ** sum(m <= e for m in [2, 5, 5, 9]) for e in range(13)]
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_exponential_lr():
    got = lrs_over(lambda o: sched.ExponentialLR(o, gamma=0.9))
    np.testing.assert_allclose(got, [0.1 * 0.9**e for e in range(13)], rtol=1e-12)


def test_cosine_annealing_lr():
    T, eta_min = 5, 0.01
    got = lrs_over(lambda o: sched.CosineAnnealingLR(o, T_max=T, eta_min=eta_min), epochs=15)
    ref = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * e / T)) / 2 for e in range(16)]
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_lambda_lr():
    got = lrs_over(lambda o: sched.LambdaLR(o, lambda e: 1.0 / (e + 1)))
    np.testing.assert_allclose(got, [0.1 / (e + 1) for e in range(13)], rtol=1e-12)


def test_linear_lr():
    got = lrs_over(lambda o: sched.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4))
    ref = [0.1 * (0.25 + 0.75 * min(e, 4) / 4) for e in range(13)]
    np.testing.assert_allclose(got, ref, rtol=1e-9)
    got = lrs_over(lambda o: sched.LinearLR(o))
    ref = [0.1 * (1 / 3 + (2 / 3) * min(e, 5) / 5) for e in range(13)]
    np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_scheduler_state_dict_and_initial_lr():
    opt = SGD([{"params": [nn.Parameter(torch.zeros(1))]},
               {"params": [nn.Parameter(torch.zeros(1))], "lr": 1.0}], lr=0.1)
    s = sched.StepLR(opt, step_size=2, gamma=0.1)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert s.base_lrs == [0.1, 1.0]
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3
    opt2 = SGD([nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))], lr=0.1)
    s2 = sched.StepLR(opt2, step_size=5)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2.step_size == 2
    np.testing.assert_allclose(s.get_last_lr(), [0.01, 0.1], rtol=1e-12)

"""rtorch.optim optimizers: SGD / Adam / AdamW / RMSprop / Adagrad against NumPy versions of PyTorch's update
rules (and PyTorch itself when installed), defaults and argument validation, param groups, closures,
state_dict round trips, and training that reduces the loss."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
from rtorch.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from helpers import n
from torch_ref import torch_ref


STEPS = 6


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
    params = [nn.Parameter(rtorch.tensor(p)) for p in p0]
    opt = opt_cls(params, **kwargs)
    tt = [rtorch.tensor(x) for x in targets]
    cc = [rtorch.tensor(x) for x in coefs]
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
    p = nn.Parameter(rtorch.zeros(2))
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
    opt = AdamW([nn.Parameter(rtorch.zeros(1))])
    g = opt.param_groups[0]
    assert g["lr"] == 1e-3 and g["betas"] == (0.9, 0.999) and g["eps"] == 1e-8
    assert g["weight_decay"] == 1e-2 and g["amsgrad"] is False
    assert Adam([nn.Parameter(rtorch.zeros(1))]).param_groups[0]["weight_decay"] == 0
    with pytest.raises(ValueError):
        Adam([nn.Parameter(rtorch.zeros(1))], betas=(1.0, 0.9))


# ------------------------------------------------------------------ base class behaviour
def test_zero_grad_and_skips_params_without_grad():
    a, b = nn.Parameter(rtorch.ones(2)), nn.Parameter(rtorch.ones(2))
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
    a, b, c = (nn.Parameter(rtorch.ones(1)) for _ in range(3))
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    opt.add_param_group({"params": c, "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.9
    with pytest.raises(ValueError):
        opt.add_param_group({"params": [a]})
    for p in (a, b, c):
        p.grad = rtorch.ones(1)
    opt.step()
    assert [round(float(p.item()), 6) for p in (a, b, c)] == [0.9, 0.5, 0.9]


def test_closure_and_repr():
    p = nn.Parameter(rtorch.tensor([2.0]))
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
    params = [nn.Parameter(rtorch.tensor(p)) for p in p0]
    tt = [rtorch.tensor(x) for x in targets]
    cc = [rtorch.tensor(x) for x in coefs]

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
    rtorch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3)
    xt, yt = rtorch.tensor(x.tolist()), rtorch.tensor(y.tolist())
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


# ------------------------------------------------------------------ a second toy problem (RMSprop, Adagrad)
SIN_STEPS = 7


def make_sin_problem(seed=0):
    """Two parameters and a non-quadratic loss sum(sin(p^3)) whose gradient is 3 p^2 cos(p^3)."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((3, 2)), rng.standard_normal(4)]


def sin_grad_np(p):
    return 3 * p**2 * np.cos(p**3)


def run_rtorch_sin(opt_cls, kwargs, steps=SIN_STEPS, seed=0):
    params = [nn.Parameter(rtorch.tensor(p)) for p in make_sin_problem(seed)]
    opt = opt_cls(params, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        sum((p**3).sin().sum() for p in params).backward()
        opt.step()
    return [p.detach().numpy() for p in params], opt


# ------------------------------------------------------------------ NumPy oracles (PyTorch docs' pseudo-code)
def rmsprop_np(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False,
               steps=SIN_STEPS):
    ps = make_sin_problem()
    v = [np.zeros_like(p) for p in ps]
    b = [np.zeros_like(p) for p in ps]
    g_avg = [np.zeros_like(p) for p in ps]
    for _ in range(steps):
        for i, p in enumerate(ps):
            g = sin_grad_np(p)
            g = -g if maximize else g
            if weight_decay:
                g = g + weight_decay * p
            v[i] = alpha * v[i] + (1 - alpha) * g * g
            vt = v[i]
            if centered:
                g_avg[i] = alpha * g_avg[i] + (1 - alpha) * g
                vt = vt - g_avg[i] ** 2
            if momentum > 0:
                b[i] = momentum * b[i] + g / (np.sqrt(vt) + eps)
                ps[i] = p - lr * b[i]
            else:
                ps[i] = p - lr * g / (np.sqrt(vt) + eps)
    return ps


def adagrad_np(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False,
               steps=SIN_STEPS):
    ps = make_sin_problem()
    s = [np.full_like(p, initial_accumulator_value) for p in ps]
    for t in range(1, steps + 1):
        for i, p in enumerate(ps):
            g = sin_grad_np(p)
            g = -g if maximize else g
            if weight_decay:
                g = g + weight_decay * p
            clr = lr / (1 + (t - 1) * lr_decay)
            s[i] = s[i] + g * g
            ps[i] = p - clr * g / (np.sqrt(s[i]) + eps)
    return ps


RMSPROP_CASES = [
    dict(),
    dict(lr=0.05, alpha=0.9),
    dict(lr=0.05, momentum=0.8),
    dict(lr=0.05, centered=True),
    dict(lr=0.02, alpha=0.95, momentum=0.7, centered=True, weight_decay=0.1, eps=1e-6),
    dict(lr=0.05, maximize=True, weight_decay=0.05),
]


ADAGRAD_CASES = [
    dict(),
    dict(lr=0.3),
    dict(lr=0.3, lr_decay=0.1),
    dict(lr=0.3, weight_decay=0.1, initial_accumulator_value=0.5),
    dict(lr=0.2, eps=1e-3, maximize=True),
]


@pytest.mark.parametrize("kwargs", RMSPROP_CASES, ids=str)
def test_rmsprop_matches_numpy(kwargs):
    got, opt = run_rtorch_sin(RMSprop, kwargs)
    assert_params(got, rmsprop_np(**kwargs))
    keys = ({"step", "square_avg"} | ({"momentum_buffer"} if kwargs.get("momentum") else set())
            | ({"grad_avg"} if kwargs.get("centered") else set()))
    assert set(opt.state_dict()["state"][0]) == keys
    assert opt.state_dict()["state"][1]["step"].item() == SIN_STEPS


@pytest.mark.parametrize("kwargs", ADAGRAD_CASES, ids=str)
def test_adagrad_matches_numpy(kwargs):
    got, opt = run_rtorch_sin(Adagrad, kwargs)
    assert_params(got, adagrad_np(**kwargs))
    assert set(opt.state_dict()["state"][0]) == {"step", "sum"}
    assert opt.state_dict()["state"][0]["step"].item() == SIN_STEPS


def test_rmsprop_first_step_by_hand():
    # g = 2, v = 0.01 * 4 = 0.04, p = 1 - 0.1 * 2 / (0.2 + 1e-8)
    p = nn.Parameter(rtorch.tensor([1.0], dtype=rtorch.float64))
    opt = RMSprop([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [1 - 0.1 * 2 / (0.2 + 1e-8)], atol=1e-14)


def test_adagrad_state_created_in_constructor_and_skips_no_grad():
    a, b = nn.Parameter(rtorch.ones(2)), nn.Parameter(rtorch.ones(3))
    opt = Adagrad([a, b], lr=0.5, initial_accumulator_value=0.25)
    assert set(opt.state_dict()["state"]) == {0, 1}
    np.testing.assert_array_equal(opt.state[b]["sum"].numpy(), [0.25] * 3)
    (a * 2).sum().backward()
    opt.step()
    # sum = 0.25 + 4, p = 1 - 0.5 * 2 / sqrt(4.25)
    np.testing.assert_allclose(a.detach().numpy(), [1 - 1 / math.sqrt(4.25)] * 2, rtol=1e-6)
    np.testing.assert_array_equal(b.detach().numpy(), [1.0] * 3)
    assert opt.state[b]["step"].item() == 0


def test_rmsprop_adagrad_defaults_and_validation():
    p = nn.Parameter(rtorch.zeros(1))
    g = RMSprop([p]).param_groups[0]
    assert (g["lr"], g["alpha"], g["eps"], g["weight_decay"], g["momentum"], g["centered"], g["maximize"]) == \
        (1e-2, 0.99, 1e-8, 0, 0, False, False)
    g = Adagrad([p]).param_groups[0]
    assert (g["lr"], g["lr_decay"], g["weight_decay"], g["initial_accumulator_value"], g["eps"], g["maximize"]) == \
        (1e-2, 0, 0, 0, 1e-10, False)
    for bad in [dict(lr=-1), dict(alpha=-0.1), dict(eps=-1), dict(momentum=-0.5), dict(weight_decay=-1)]:
        with pytest.raises(ValueError, match="Invalid"):
            RMSprop([p], **bad)
    for bad in [dict(lr=-1), dict(lr_decay=-1), dict(weight_decay=-1), dict(initial_accumulator_value=-1),
                dict(eps=-1)]:
        with pytest.raises(ValueError, match="Invalid"):
            Adagrad([p], **bad)


@pytest.mark.parametrize("opt_cls,kwargs", [(RMSprop, dict(lr=0.05, momentum=0.8, centered=True)),
                                            (Adagrad, dict(lr=0.3, lr_decay=0.05))])
def test_rmsprop_adagrad_state_dict_resume(opt_cls, kwargs):
    full, _ = run_rtorch_sin(opt_cls, kwargs, steps=6)
    params = [nn.Parameter(rtorch.tensor(p)) for p in make_sin_problem()]

    def run(opt, k):
        for _ in range(k):
            opt.zero_grad()
            sum((p**3).sin().sum() for p in params).backward()
            opt.step()

    opt = opt_cls(params, **kwargs)
    run(opt, 3)
    opt2 = opt_cls(params, lr=1.0)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == kwargs["lr"]
    run(opt2, 3)
    for got, ref in zip(params, full):
        np.testing.assert_allclose(got.detach().numpy(), ref, rtol=1e-12)


@pytest.mark.parametrize("opt_cls,kw", [(RMSprop, dict(lr=0.01)), (Adagrad, dict(lr=0.3))])
def test_rmsprop_adagrad_training_reduces_loss(opt_cls, kw):
    rtorch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.3)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = opt_cls(model.parameters(), **kw)
    xt, yt = rtorch.tensor(x), rtorch.tensor(y)
    first = None
    for _ in range(200):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xt), yt)
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.1 * first


# ------------------------------------------------------------------ PyTorch parity
def run_torch_sin(torch, opt_name, kwargs, steps=SIN_STEPS):
    ps = [torch.nn.Parameter(torch.tensor(p)) for p in make_sin_problem()]
    opt = getattr(torch.optim, opt_name)(ps, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        sum((p**3).sin().sum() for p in ps).backward()
        opt.step()
    return [p.detach().numpy() for p in ps]


@pytest.mark.parametrize("opt_cls,kwargs",
                         [(RMSprop, k) for k in RMSPROP_CASES] + [(Adagrad, k) for k in ADAGRAD_CASES], ids=str)
def test_optimizer_parity_with_torch(opt_cls, kwargs):
    got, _ = run_rtorch_sin(opt_cls, kwargs)
    assert_params(got, torch_ref(lambda torch: run_torch_sin(torch, opt_cls.__name__, kwargs)))


# ---- issue 16 item 5: Adadelta and LBFGS, against trajectories recorded with PyTorch (tests/fixtures/compat.json) ----

import json as _json  # noqa: E402
import pathlib as _pathlib  # noqa: E402

_RUNS = _json.loads((_pathlib.Path(__file__).parent / "fixtures" / "compat.json").read_text())["optimizers"]


def _quadratic_step(p):
    target = rtorch.tensor([0.3, 0.2, -1.0], dtype=rtorch.float64)
    scale = rtorch.tensor([1.0, 3.0, 0.5], dtype=rtorch.float64)
    ((p - target) ** 2 * scale).sum().backward()


@pytest.mark.parametrize("name", ["default", "wd_lr", "maximize"])
def test_adadelta_matches_pytorch(name):
    run = _RUNS[f"adadelta/{name}"]
    p = rtorch.nn.Parameter(rtorch.tensor([1.5, -0.5, 2.0], dtype=rtorch.float64))
    opt = rtorch.optim.Adadelta([p], **run["kwargs"])
    for want in run["trajectory"]:
        opt.zero_grad()
        _quadratic_step(p)
        opt.step()
        np.testing.assert_allclose(p.tolist(), want, rtol=1e-12, atol=1e-14)
    sd = opt.state_dict()
    np.testing.assert_allclose(sd["state"][0]["square_avg"].tolist(), run["square_avg"], rtol=1e-12)
    np.testing.assert_allclose(sd["state"][0]["acc_delta"].tolist(), run["acc_delta"], rtol=1e-12)
    assert sd["state"][0]["step"].item() == len(run["trajectory"])
    assert sd["param_groups"] == run["param_groups"]
    # the state dict loads back into a fresh optimizer and the run continues identically
    q = rtorch.nn.Parameter(p.detach().clone())
    opt2 = rtorch.optim.Adadelta([q], **run["kwargs"])
    opt2.load_state_dict(sd)
    for o, t in ((opt, p), (opt2, q)):
        o.zero_grad()
        _quadratic_step(t)
        o.step()
    assert p.tolist() == q.tolist()


def test_adadelta_arguments():
    p = rtorch.nn.Parameter(rtorch.zeros(1))
    for kw, msg in (({"lr": -1.0}, "Invalid learning rate"), ({"rho": 1.5}, "Invalid rho"),
                    ({"eps": -1.0}, "Invalid epsilon"), ({"weight_decay": -1.0}, "Invalid weight_decay")):
        with pytest.raises(ValueError, match=msg):
            rtorch.optim.Adadelta([p], **kw)
    assert rtorch.optim.Adadelta([p]).step() is None  # no gradient yet: nothing happens


def _rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


@pytest.mark.parametrize("name", ["strong_wolfe", "fixed_step", "small_history"])
def test_lbfgs_matches_pytorch(name):
    run = _RUNS[f"lbfgs/{name}"]
    p = rtorch.nn.Parameter(rtorch.tensor([-1.2, 1.0], dtype=rtorch.float64))
    opt = rtorch.optim.LBFGS([p], **run["kwargs"])

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(p)
        loss.backward()
        return loss

    for want_loss, want_p in zip(run["losses"], run["trajectory"]):
        assert float(opt.step(closure)) == pytest.approx(want_loss, rel=1e-9, abs=1e-12)
        np.testing.assert_allclose(p.tolist(), want_p, rtol=1e-9, atol=1e-12)
    st = opt.state_dict()["state"][0]
    assert (st["func_evals"], st["n_iter"], len(st["old_dirs"])) == (run["func_evals"], run["n_iter"], run["history"])
    assert opt.state_dict()["param_groups"] == run["param_groups"]


def test_lbfgs_arguments_and_hooks():
    p = rtorch.nn.Parameter(rtorch.ones(2))
    with pytest.raises(ValueError, match="Invalid learning rate"):
        rtorch.optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="per-parameter options"):
        rtorch.optim.LBFGS([{"params": [p]}, {"params": [rtorch.nn.Parameter(rtorch.ones(1))]}])
    opt = rtorch.optim.LBFGS([p], line_search_fn="bogus")
    calls = []
    opt.register_step_pre_hook(lambda *a: calls.append("pre"))
    opt.register_step_post_hook(lambda *a: calls.append("post"))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    opt = rtorch.optim.LBFGS([p], max_iter=50)
    opt.register_step_pre_hook(lambda *a: calls.append("pre"))
    opt.register_step_post_hook(lambda *a: calls.append("post"))
    opt.step(closure)
    assert calls[-2:] == ["pre", "post"] and float((p * p).sum()) < 1e-8
    # a parameter without a gradient contributes zeros
    q = rtorch.nn.Parameter(rtorch.ones(1))
    opt = rtorch.optim.LBFGS([p, q])

    def closure2():
        opt.zero_grad()
        loss = ((p - 3) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure2)
    assert q.item() == 1.0 and p.tolist() == pytest.approx([3.0, 3.0], abs=1e-6)

"""rtorch.optim.lr_scheduler: StepLR / MultiStepLR / ExponentialLR / CosineAnnealingLR / LambdaLR / LinearLR /
ConstantLR / PolynomialLR / CosineAnnealingWarmRestarts / OneCycleLR / SequentialLR / ChainedScheduler /
ReduceLROnPlateau against closed forms, their state_dicts, and PyTorch parity when it is installed; MultiplicativeLR,
CyclicLR and swa_utils (SWALR, AveragedModel, update_bn) against recorded PyTorch results."""
import math
import warnings

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
from rtorch.optim import SGD, Adam
from rtorch.optim import lr_scheduler as sched
from torch_ref import torch_ref


# ------------------------------------------------------------------ schedulers
def lrs_over(scheduler_fn, epochs=12, lr=0.1):
    opt = SGD([nn.Parameter(rtorch.zeros(1))], lr=lr)
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
    opt = SGD([{"params": [nn.Parameter(rtorch.zeros(1))]},
               {"params": [nn.Parameter(rtorch.zeros(1))], "lr": 1.0}], lr=0.1)
    s = sched.StepLR(opt, step_size=2, gamma=0.1)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert s.base_lrs == [0.1, 1.0]
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3
    opt2 = SGD([nn.Parameter(rtorch.zeros(1)), nn.Parameter(rtorch.zeros(1))], lr=0.1)
    s2 = sched.StepLR(opt2, step_size=5)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2.step_size == 2
    np.testing.assert_allclose(s.get_last_lr(), [0.01, 0.1], rtol=1e-12)


# ------------------------------------------------------------------ schedulers: closed forms
def lr_trace(make, epochs=20, opt_cls=SGD, opt_kw=None, keys=("lr",)):
    """Per epoch, the first group's values of ``keys`` (``betas`` -> beta1), stepping after the optimizer."""
    opt = opt_cls([nn.Parameter(rtorch.zeros(1))], **(opt_kw or dict(lr=0.1)))
    s = make(opt)
    out = []
    for _ in range(epochs):
        g = opt.param_groups[0]
        out.append([g[k][0] if k == "betas" else g[k] for k in keys])
        assert s.get_last_lr() == [g["lr"]]
        opt.step()
        s.step()
    return np.array(out).squeeze(-1) if len(keys) == 1 else np.array(out)


def test_constant_lr():
    got = lr_trace(lambda o: sched.ConstantLR(o, factor=0.25, total_iters=6))
    np.testing.assert_allclose(got, [0.1 * (0.25 if e < 6 else 1.0) for e in range(20)], rtol=1e-12)
    got = lr_trace(lambda o: sched.ConstantLR(o))
    np.testing.assert_allclose(got, [0.1 * (1 / 3 if e < 5 else 1.0) for e in range(20)], rtol=1e-12)
    with pytest.raises(ValueError):
        sched.ConstantLR(SGD([nn.Parameter(rtorch.zeros(1))], lr=0.1), factor=1.5)


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5])
def test_polynomial_lr(power):
    got = lr_trace(lambda o: sched.PolynomialLR(o, total_iters=8, power=power))
    np.testing.assert_allclose(got, [0.1 * (1 - min(e, 8) / 8) ** power for e in range(20)], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("T_0,T_mult", [(4, 1), (3, 2), (2, 3)])
def test_cosine_annealing_warm_restarts(T_0, T_mult):
    eta_min = 0.01
    got = lr_trace(lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=T_0, T_mult=T_mult, eta_min=eta_min), epochs=30)
    ref, T_i, T_cur = [], T_0, 0
    for _ in range(30):
        ref.append(eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2)
        T_cur += 1
        if T_cur >= T_i:
            T_cur, T_i = 0, T_i * T_mult
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_cosine_annealing_warm_restarts_fractional_epoch():
    opt = SGD([nn.Parameter(rtorch.zeros(1))], lr=0.1)
    s = sched.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s.step(5.5)  # second cycle (length 8) started at epoch 4: T_cur = 1.5
    assert s.T_i == 8 and s.T_cur == pytest.approx(1.5) and s.last_epoch == 5
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05 * (1 + math.cos(math.pi * 1.5 / 8)))
    with pytest.raises(ValueError):
        sched.CosineAnnealingWarmRestarts(opt, T_0=0)


def one_cycle_ref(total, max_lr, pct, div, final_div, strategy, three_phase, base_m, max_m):
    """(lr, momentum) per step, from the documented phase boundaries."""
    init_lr = max_lr / div
    min_lr = init_lr / final_div
    if strategy == "cos":
        anneal = lambda a, b, x: b + (a - b) / 2 * (math.cos(math.pi * x) + 1)  # noqa: E731
    else:
        anneal = lambda a, b, x: a + (b - a) * x  # noqa: E731
    if three_phase:
        phases = [(pct * total - 1, init_lr, max_lr, max_m, base_m),
                  (2 * pct * total - 2, max_lr, init_lr, base_m, max_m),
                  (total - 1, init_lr, min_lr, max_m, max_m)]
    else:
        phases = [(pct * total - 1, init_lr, max_lr, max_m, base_m), (total - 1, max_lr, min_lr, base_m, max_m)]
    out = []
    for t in range(total):
        start = 0.0
        for i, (end, l0, l1, m0, m1) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                x = (t - start) / (end - start)
                out.append((anneal(l0, l1, x), anneal(m0, m1, x)))
                break
            start = end
    return np.array(out)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_lr_sgd_momentum(strategy, three_phase):
    total = 20
    got = lr_trace(lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=total, anneal_strategy=strategy,
                                              three_phase=three_phase),
                   epochs=total, opt_kw=dict(lr=0.1, momentum=0.9), keys=("lr", "momentum"))
    ref = one_cycle_ref(total, 1.0, 0.3, 25.0, 1e4, strategy, three_phase, 0.85, 0.95)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert got[0, 0] == pytest.approx(0.04) and got[-1, 0] == pytest.approx(0.04 / 1e4)
    assert got[:, 0].max() == pytest.approx(1.0, rel=0.05)


def test_one_cycle_lr_adam_betas_and_epochs():
    got = lr_trace(lambda o: sched.OneCycleLR(o, max_lr=0.5, epochs=3, steps_per_epoch=4, pct_start=0.25,
                                              div_factor=10.0, final_div_factor=100.0, base_momentum=0.8,
                                              max_momentum=0.9),
                   epochs=12, opt_cls=Adam, opt_kw=dict(lr=0.1, betas=(0.5, 0.999)), keys=("lr", "betas"))
    np.testing.assert_allclose(got, one_cycle_ref(12, 0.5, 0.25, 10.0, 100.0, "cos", False, 0.8, 0.9), rtol=1e-12)


def test_one_cycle_lr_errors_and_group_values():
    p = nn.Parameter(rtorch.zeros(1))
    opt = SGD([{"params": [p]}, {"params": [nn.Parameter(rtorch.zeros(1))]}], lr=0.1, momentum=0.9)
    s = sched.OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=10)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.04, 0.08], rel=1e-12)
    assert [g["max_lr"] for g in opt.param_groups] == [1.0, 2.0]
    assert [g["momentum"] for g in opt.param_groups] == pytest.approx([0.95, 0.95], rel=1e-12)
    for _ in range(10):
        s.step()
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        s.step()
    with pytest.raises(ValueError, match="total_steps OR"):
        sched.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="same length"):
        sched.OneCycleLR(opt, max_lr=[1.0], total_steps=5)
    with pytest.raises(ValueError, match="anneal_strategy"):
        sched.OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="exp")
    with pytest.raises(ValueError, match="momentum or beta1"):
        sched.OneCycleLR(_NoMomentum([p]), max_lr=1.0, total_steps=5)


class _NoMomentum(rtorch.optim.Optimizer):
    def __init__(self, params):
        super().__init__(params, dict(lr=0.1))


def test_sequential_lr_matches_pieces():
    # ConstantLR(0.1, 4 epochs) until epoch 5, then ExponentialLR(0.9) from its own epoch 0, then
    # PolynomialLR(total 5, power 2) from epoch 12.
    def make(o):
        return sched.SequentialLR(o, [sched.ConstantLR(o, factor=0.1, total_iters=4),
                                      sched.ExponentialLR(o, gamma=0.9),
                                      sched.PolynomialLR(o, total_iters=5, power=2.0)], milestones=[5, 12])

    got = lr_trace(make, epochs=20)
    ref = []
    for e in range(20):
        if e < 5:
            ref.append(0.1 * (0.1 if e < 4 else 1.0))
        elif e < 12:
            ref.append(0.1 * 0.9 ** (e - 5))
        else:
            ref.append(0.1 * (1 - min(e - 12, 5) / 5) ** 2)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-15)


def test_sequential_lr_warmup_cosine_and_state_dict():
    def make(o):
        return sched.SequentialLR(o, [sched.LinearLR(o, start_factor=0.1, total_iters=5),
                                      sched.CosineAnnealingLR(o, T_max=10)], milestones=[5])

    got = lr_trace(make, epochs=15)
    ref = [0.1 * (0.1 + 0.9 * e / 5) if e < 5 else 0.05 * (1 + math.cos(math.pi * (e - 5) / 10)) for e in range(15)]
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-15)
    opt = SGD([nn.Parameter(rtorch.zeros(1))], lr=0.1)
    s = make(opt)
    for _ in range(3):
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and len(sd["_schedulers"]) == 2 and sd["last_epoch"] == 3
    opt2 = SGD([nn.Parameter(rtorch.zeros(1))], lr=0.1)
    s2 = make(opt2)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2._schedulers[0].last_epoch == 3
    with pytest.raises(ValueError, match="one more"):
        sched.SequentialLR(opt, [sched.ConstantLR(opt)], milestones=[3])


def test_chained_scheduler_multiplies():
    got = lr_trace(lambda o: sched.ChainedScheduler([sched.ConstantLR(o, factor=0.5, total_iters=3),
                                                     sched.ExponentialLR(o, gamma=0.9)]), epochs=10)
    np.testing.assert_allclose(got, [0.1 * 0.9**e * (0.5 if e < 3 else 1.0) for e in range(10)], rtol=1e-9)


def plateau_trace(metrics, lr=0.1, groups=1, **kw):
    opt = SGD([{"params": [nn.Parameter(rtorch.zeros(1))]} for _ in range(groups)], lr=lr)
    s = sched.ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        s.step(m)
        out.append([g["lr"] for g in opt.param_groups])
        assert s.get_last_lr() == out[-1]
    return np.array(out), s


def test_reduce_lr_on_plateau_min_rel_patience():
    # best=1.0 at epoch 1; epochs 2..4 are not better by the 1e-4 relative threshold (0.99995 is not
    # < 0.9999); patience 2 -> reduction after the 3rd bad epoch (epoch 4).
    got, s = plateau_trace([1.0, 0.99995, 1.2, 1.1, 1.3, 0.5, 0.6, 0.6, 0.6], patience=2)
    ref = [0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.001]
    np.testing.assert_allclose(got[:, 0], ref, rtol=1e-12)
    assert s.best == 0.5 and s.num_bad_epochs == 0


def test_reduce_lr_on_plateau_max_abs_cooldown_min_lr():
    # mode max / abs threshold 0.05: 0.53 is not an improvement on 0.5; patience 1, cooldown 2 and
    # min_lr 0.03 (factor 0.5: 0.1 -> 0.05 -> 0.03 -> stays).
    metrics = [0.5, 0.53, 0.52, 0.51, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    got, _ = plateau_trace(metrics, mode="max", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs",
                           cooldown=2, min_lr=0.03)
    ref = [0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03]
    np.testing.assert_allclose(got[:, 0], ref, rtol=1e-12)


def test_reduce_lr_on_plateau_per_group_min_lr_eps_and_tensor_metric():
    got, s = plateau_trace([rtorch.tensor(1.0)] * 6, groups=2, patience=0, factor=0.5, min_lr=[0.02, 0.09])
    np.testing.assert_allclose(got[-1], [0.02, 0.09], rtol=1e-12)
    # eps: a reduction smaller than eps is skipped
    got, _ = plateau_trace([1.0] * 4, lr=1e-8, patience=0, factor=0.5, eps=1e-8)
    np.testing.assert_allclose(got[:, 0], [1e-8] * 4)
    with pytest.raises(ValueError, match="Factor"):
        plateau_trace([1.0], factor=1.0)
    with pytest.raises(ValueError, match="unknown"):
        plateau_trace([1.0], mode="average")
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["num_bad_epochs"] == 0 and sd["last_epoch"] == 6


SCHED_CASES = [  # (optimizer, its kwargs, scheduler factory given the lr_scheduler module, traced group keys)
    ("SGD", dict(lr=0.1, momentum=0.9),
     lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=25), ("lr", "momentum")),
    ("Adam", dict(lr=0.1),
     lambda m, o: m.OneCycleLR(o, max_lr=1.0, epochs=5, steps_per_epoch=5, anneal_strategy="linear",
                               three_phase=True, pct_start=0.25), ("lr", "betas")),
    ("SGD", dict(lr=0.1),
     lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=25, cycle_momentum=False, div_factor=5.0,
                               final_div_factor=100.0), ("lr",)),
    ("SGD", dict(lr=0.1),
     lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.1, total_iters=4), m.ExponentialLR(o, gamma=0.9),
                                     m.PolynomialLR(o, total_iters=5, power=2.0)], milestones=[5, 12]), ("lr",)),
    ("SGD", dict(lr=0.1),
     lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                     m.CosineAnnealingLR(o, T_max=10)], milestones=[5]), ("lr",)),
    ("SGD", dict(lr=0.1),
     lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=3),
                                      m.ExponentialLR(o, gamma=0.9)]), ("lr",)),
    ("SGD", dict(lr=0.1), lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=7), ("lr",)),
    ("SGD", dict(lr=0.1), lambda m, o: m.PolynomialLR(o, total_iters=8, power=0.5), ("lr",)),
    ("SGD", dict(lr=0.1), lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), ("lr",)),
    ("SGD", dict(lr=0.1), lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4), ("lr",)),
]


def _sched_trace(lib, opt_name, opt_kw, make, keys, steps=25, metrics=None):
    opt = getattr(lib.optim, opt_name)([{"params": [lib.nn.Parameter(lib.zeros(1))]},
                                        {"params": [lib.nn.Parameter(lib.zeros(1))], "lr": 0.5}], **opt_kw)
    s = make(lib.optim.lr_scheduler, opt)
    out = []
    for i in range(steps):
        out.append([[g[k][0] if k == "betas" else g[k] for k in keys] for g in opt.param_groups])
        opt.step()
        s.step() if metrics is None else s.step(metrics[i])
    out.append(list(s.get_last_lr()))
    return out


@pytest.mark.parametrize("case", range(len(SCHED_CASES)))
def test_scheduler_parity_with_torch(case):
    opt_name, opt_kw, make, keys = SCHED_CASES[case]

    def trace(torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _sched_trace(torch, opt_name, opt_kw, make, keys)
    ref = torch_ref(trace)
    got = _sched_trace(rtorch, opt_name, opt_kw, make, keys)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(np.array(g, dtype=float), np.array(r, dtype=float), rtol=1e-12)


@pytest.mark.parametrize("kw", [dict(patience=2), dict(patience=0, threshold=0.1),
                                dict(mode="max", patience=1, factor=0.5, threshold_mode="abs", threshold=0.05,
                                     cooldown=2, min_lr=[0.01, 0.2])], ids=str)
def test_reduce_lr_on_plateau_parity_with_torch(kw):
    metrics = list(np.random.default_rng(1).uniform(0.5, 1.0, 30).cumsum() % 1.3)
    make = lambda m, o: m.ReduceLROnPlateau(o, **kw)  # noqa: E731
    ref = torch_ref(lambda torch: _sched_trace(torch, "SGD", dict(lr=0.1), make, ("lr",), steps=30, metrics=metrics))
    got = _sched_trace(rtorch, "SGD", dict(lr=0.1), make, ("lr",), steps=30, metrics=metrics)
    np.testing.assert_allclose(np.array(got[:-1], dtype=float), np.array(ref[:-1], dtype=float), rtol=1e-12)


# ---- issue 17: MultiplicativeLR, CyclicLR, swa_utils (SWALR, AveragedModel, update_bn) against PyTorch ----
def _two_group_opt(lib, opt_name):
    ps = [lib.nn.Parameter(lib.zeros(2)), lib.nn.Parameter(lib.zeros(1))]
    if opt_name == "SGD":
        return lib.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.3}], lr=0.1, momentum=0.9)
    return lib.optim.Adam([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.3}], lr=0.1)


def _schedule(lib, opt_name, make, steps=14):
    """Every group's lr (and momentum / beta1) after construction and after each step, the last lr, and the
    public keys of the scheduler's state_dict."""
    opt = _two_group_opt(lib, opt_name)
    sched = make(lib, opt)

    def snap():
        return [[g["lr"], g["betas"][0] if "betas" in g else g["momentum"]] for g in opt.param_groups]
    out = [snap()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(snap())
    state = sched.state_dict()
    return {"trace": out, "last_lr": sched.get_last_lr(),
            "state_keys": sorted(k for k in state if not k.startswith("_"))}


class _Halving:
    """A callable object: its __dict__ is what the schedulers' state_dict keeps."""

    def __init__(self):
        self.factor = 0.5

    def __call__(self, x):
        return self.factor if x % 3 == 0 else 1.0


SCHEDULES = {
    "multiplicative": lambda lib, o: lib.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.9),
    "multiplicative_per_group": lambda lib, o: lib.optim.lr_scheduler.MultiplicativeLR(
        o, [lambda e: 0.9, lambda e: 1.0 if e < 4 else 0.5]),
    "cyclic_triangular": lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=3),
    "cyclic_triangular2": lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
        o, [0.01, 0.02], [0.1, 0.5], step_size_up=2, step_size_down=3, mode="triangular2",
        base_momentum=[0.7, 0.8], max_momentum=0.95),
    "cyclic_exp_range": lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="exp_range",
                                                                       gamma=0.9),
    "cyclic_scale_fn_iterations": lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
        o, 0.01, 0.1, step_size_up=4, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
        cycle_momentum=False),
    "swalr_cos": lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.05, anneal_epochs=4),
    "swalr_linear_per_group": lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=[0.05, 0.5], anneal_epochs=3,
                                                                       anneal_strategy="linear"),
    "swalr_no_anneal": lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=0),
}


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("case", list(SCHEDULES))
def test_new_schedulers_match_pytorch(case, opt_name):
    ours = _schedule(rtorch, opt_name, SCHEDULES[case])
    ref = torch_ref(lambda torch: _schedule(torch, opt_name, SCHEDULES[case]))
    np.testing.assert_allclose(ours["trace"], ref["trace"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ours["last_lr"], ref["last_lr"], rtol=1e-13)
    assert ours["state_keys"] == ref["state_keys"]


def test_scheduler_argument_errors_match_pytorch():
    def errors(lib):
        from torch_ref import catch
        opt = lib.optim.SGD([lib.nn.Parameter(lib.zeros(1))], lr=0.1)
        plain = lib.optim.Adagrad([lib.nn.Parameter(lib.zeros(1))], lr=0.1)
        L, S = lib.optim.lr_scheduler, lib.optim.swa_utils
        return [catch(L.MultiplicativeLR, opt, 3), catch(L.MultiplicativeLR, opt, [lambda e: 1.0] * 2),
                catch(L.CyclicLR, opt, 0.01, 0.1, mode="bogus"), catch(L.CyclicLR, plain, 0.01, 0.1),
                catch(L.CyclicLR, opt, [0.1, 0.2], 0.3), catch(S.SWALR, opt, 0.1, anneal_strategy="x"),
                catch(S.SWALR, opt, 0.1, anneal_epochs=-1), catch(S.get_ema_avg_fn, 1.5),
                catch(S.get_ema_multi_avg_fn, -0.1),
                catch(S.AveragedModel, lib.nn.Linear(1, 1), avg_fn=lambda *a: a[0], multi_avg_fn=lambda *a: None)]
    ours = errors(rtorch)
    ref = torch_ref(errors)
    assert [(e.type, e.message) for e in ours] == [(e.type, e.message) for e in ref]


def test_cyclic_lr_state_dict_round_trip_keeps_callable_object():
    opt = _two_group_opt(rtorch, "SGD")
    fn = _Halving()
    sched = sched_mod = rtorch.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=fn)
    for _ in range(5):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert state["_scale_fn_custom"] == {"factor": 0.5} and "_scale_fn_ref" not in state
    fn2 = _Halving()
    fn2.factor = 0.25
    opt2 = _two_group_opt(rtorch, "SGD")
    other = sched_mod.__class__(opt2, 0.01, 0.1, step_size_up=2, scale_fn=fn2)
    other.load_state_dict(state)
    assert fn2.factor == 0.5 and other.last_epoch == sched.last_epoch
    opt.step(), sched.step(), opt2.step(), other.step()
    assert sched.get_last_lr() == other.get_last_lr()
    # a mode scheduler restores its scale function from `mode` on load
    plain = rtorch.optim.lr_scheduler.CyclicLR(_two_group_opt(rtorch, "SGD"), 0.01, 0.1, mode="exp_range", gamma=0.5)
    plain.load_state_dict(plain.state_dict())
    assert plain.scale_fn(2) == 0.25


def _averaging(lib, kind):
    """AveragedModel over a small BatchNorm model whose weights change between updates; update_bn after."""
    rng = np.random.default_rng(7)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    S = lib.optim.swa_utils
    kwargs = {"swa": {}, "ema": {"multi_avg_fn": S.get_ema_multi_avg_fn(0.9)},
              "ema_single": {"avg_fn": S.get_ema_avg_fn(0.8)},
              "ema_buffers": {"multi_avg_fn": S.get_ema_multi_avg_fn(0.5), "use_buffers": True},
              "swa_buffers": {"use_buffers": True}}[kind]
    avg = S.AveragedModel(model, **kwargs)
    for _ in range(4):
        with lib.no_grad():
            for p in model.parameters():
                p.add_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        model.train()
        model(lib.tensor(rng.standard_normal((5, 3)).astype(np.float32)))  # moves the BatchNorm statistics
        avg.update_parameters(model)
    out = {"n": int(avg.n_averaged), "state": {k: v for k, v in avg.state_dict().items()}}
    loader = [(lib.tensor(rng.standard_normal((6, 3)).astype(np.float32)), 0) for _ in range(3)]
    S.update_bn(loader, avg)
    out["after_bn"] = {k: v for k, v in avg.module[1].state_dict().items()}
    out["momentum"] = avg.module[1].momentum
    out["training"] = avg.training
    return out


@pytest.mark.parametrize("kind", ["swa", "ema", "ema_single", "ema_buffers", "swa_buffers"])
def test_averaged_model_and_update_bn_match_pytorch(kind):
    ours = _averaging(rtorch, kind)
    ref = torch_ref(lambda torch: _averaging(torch, kind))
    assert ours["n"] == ref["n"] and ours["momentum"] == ref["momentum"] and ours["training"] == ref["training"]
    for part in ("state", "after_bn"):
        assert list(ours[part]) == list(ref[part])
        for k in ref[part]:
            np.testing.assert_allclose(ours[part][k].numpy(), ref[part][k], rtol=1e-5, atol=1e-6, err_msg=k)
            assert ours[part][k].numpy().dtype == ref[part][k].dtype, k


def test_update_bn_without_batchnorm_is_a_no_op_and_restores_mode():
    model = rtorch.nn.Linear(2, 2)
    model.eval()
    rtorch.optim.swa_utils.update_bn([rtorch.ones(1, 2)], model)
    assert not model.training
    bn = rtorch.nn.Sequential(rtorch.nn.BatchNorm1d(2))
    bn.eval()
    rtorch.optim.swa_utils.update_bn([rtorch.tensor([[1.0, 2.0], [3.0, 6.0]])], bn)
    assert not bn.training and bn[0].momentum == 0.1
    assert bn[0].running_mean.tolist() == [2.0, 4.0]

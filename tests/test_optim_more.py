"""rtorch.optim's Adamax / NAdam / RAdam / ASGD / Rprop / Adafactor / Muon / SparseAdam against PyTorch:
trajectories over every option combination in float32 and float64 with two parameter groups and a parameter
without a gradient, PyTorch-shaped state, state_dict round trips (both libraries), argument errors."""
import itertools

import numpy as np
import pytest

import rtorch
from rtorch.optim import _functional
from helpers import needs_torch
from torch_ref import TorchError, catch, torch_ref

STEPS = 7  # RAdam's rectification switches on at step 6 with beta2 = 0.999


def _grid(**options):
    """Every combination of the given option values, as kwargs dicts."""
    keys = list(options)
    return [dict(zip(keys, values)) for values in itertools.product(*options.values())]


# name -> (constructor kwargs of every case, overrides of the second param group, parameter shapes)
MATRIX = [(3, 2), (3,)]
OPTIMIZERS = {
    "Adamax": (_grid(lr=[0.05], weight_decay=[0, 0.1], maximize=[False, True], betas=[(0.9, 0.999), (0.5, 0.9)]),
               dict(lr=0.02, eps=1e-3), MATRIX),
    "NAdam": (_grid(lr=[0.05], weight_decay=[0, 0.1], decoupled_weight_decay=[False, True], maximize=[False, True],
                    momentum_decay=[4e-3, 0.1]),
              dict(lr=0.01, betas=(0.8, 0.99)), MATRIX),
    "RAdam": (_grid(lr=[0.05], weight_decay=[0, 0.1], decoupled_weight_decay=[False, True], maximize=[False, True],
                    betas=[(0.9, 0.999), (0.8, 0.9)]),
              dict(lr=0.01, eps=1e-4), MATRIX),
    "ASGD": (_grid(lr=[0.05], t0=[1e6, 2.0], weight_decay=[0, 0.1], maximize=[False, True],
                   lambd=[1e-4, 0.1], alpha=[0.75, 0.5]),
             dict(lr=0.1, t0=0.0), MATRIX),
    "Rprop": (_grid(lr=[0.05], etas=[(0.5, 1.2), (0.3, 1.5)], step_sizes=[(1e-6, 50), (1e-3, 0.07)],
                    maximize=[False, True]),
              dict(lr=0.01, etas=(0.4, 1.1)), MATRIX),
    "Adafactor": (_grid(lr=[0.05], eps=[(None, 1e-3), (1e-20, 0.5)], d=[1.0, 4.0], weight_decay=[0, 0.1],
                        maximize=[False, True], beta2_decay=[-0.8, -0.5]),
                  dict(lr=0.2, d=1.5), [(3, 2), (3,), (2, 3, 2)]),
    "Muon": (_grid(lr=[0.05], nesterov=[True, False], weight_decay=[0, 0.1],
                   adjust_lr_fn=[None, "original", "match_rms_adamw", "spectral_unclamped"])
             + [dict(lr=0.05, momentum=0.5, ns_steps=2, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3)],
             dict(lr=0.02, momentum=0.9), [(4, 2), (2, 5)]),
}


def _np(x):
    """A tensor of either library as a NumPy array (other values unchanged)."""
    return x.detach().cpu().numpy() if hasattr(x, "detach") else x


def make_params(lib, name, dtype, seed=0):
    """Two parameter groups (the first also holding a parameter that never gets a gradient) from seeded NumPy."""
    rng = np.random.default_rng(seed)
    shapes = OPTIMIZERS[name][2]
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    params = [lib.nn.Parameter(lib.tensor(a)) for a in arrays]
    idle = lib.nn.Parameter(lib.tensor(rng.standard_normal(shapes[0]).astype(dtype)))
    return params, idle


def loss_step(opt, params):
    """One optimisation step on a non-convex loss whose gradient changes sign along the trajectory."""
    opt.zero_grad()
    sum(((2 * p).sin() + 0.3 * p * p).sum() for p in params).backward()
    opt.step()


def build(lib, name, kwargs, dtype, seed=0):
    params, idle = make_params(lib, name, dtype, seed)
    groups = [{"params": [params[0], idle]}, {"params": params[1:], **OPTIMIZERS[name][1]}]
    return getattr(lib.optim, name)(groups, **kwargs), params


def summary(opt, params):
    """(layout, values): the state_dict's param groups, state keys, dtypes and shapes as one string, and every
    parameter and state value flattened into one float64 vector (one small fixture entry per case)."""
    sd = opt.state_dict()
    layout = [[(k, repr(v)) for k, v in sorted(g.items()) if k != "params"] + [("params", g["params"])]
              for g in sd["param_groups"]]
    values = [_np(p).ravel() for p in params]
    for idx in sorted(sd["state"]):
        for key, value in sd["state"][idx].items():
            value = _np(value)
            layout.append((idx, key, str(np.asarray(value).dtype), np.shape(value)))
            values.append(np.asarray(value, dtype=np.float64).ravel())
    return repr(layout), np.concatenate(values).astype(np.float64)


def trajectory(lib, name, kwargs, dtype, steps=STEPS):
    opt, params = build(lib, name, kwargs, dtype)
    for _ in range(steps):
        loss_step(opt, params)
    return summary(opt, params)


def tolerance(name, dtype):
    if name == "Muon":  # Newton-Schulz runs in bfloat16: float32 sums in another order flip an ulp (4e-3) now
        # and then, which five iterations amplify; a wrong rule (lr scale, momentum, decay) moves 10x more
        return dict(rtol=1e-2, atol=5e-3)
    return dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=2e-6)


def trajectories(lib, name, dtype):
    """`trajectory` of every case of `name`: the layouts, and all values in one vector (one fixture entry)."""
    runs = [trajectory(lib, name, kwargs, dtype) for kwargs in OPTIMIZERS[name][0]]
    return [layout for layout, _ in runs], [len(v) for _, v in runs], np.concatenate([v for _, v in runs])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_trajectories_match_pytorch(name, dtype):
    layouts, sizes, values = trajectories(rtorch, name, dtype)
    ref_layouts, ref_sizes, ref_values = torch_ref(lambda torch: trajectories(torch, name, dtype))
    assert sizes == ref_sizes
    bounds = np.cumsum([0] + sizes)
    for i, kwargs in enumerate(OPTIMIZERS[name][0]):
        assert layouts[i] == ref_layouts[i], kwargs
        np.testing.assert_allclose(values[bounds[i]:bounds[i + 1]], ref_values[bounds[i]:bounds[i + 1]],
                                   err_msg=str(kwargs), **tolerance(name, dtype))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_is_pytorch_shaped_and_idle_params_untouched(name):
    opt, params = build(rtorch, name, OPTIMIZERS[name][0][0], "float32")
    idle = opt.param_groups[0]["params"][1]
    before = idle.tolist()
    loss_step(opt, params)
    assert idle not in opt.state and idle.grad is None and idle.tolist() == before
    for p in params:
        for key, value in opt.state[p].items():
            if key == "step" or value.dim() == 0:   # scalar counters and factors are float32, on the CPU
                assert value.dtype == rtorch.float32 and value.dim() == 0, key
            else:
                assert value.dtype == p.dtype, key


def _state_to_lib(lib, sd):
    """A state_dict recorded as NumPy (by torch_ref) rebuilt with `lib`'s tensors."""
    state = {int(i): {k: lib.from_numpy(np.array(v)) if isinstance(v, np.ndarray) else v for k, v in s.items()}
             for i, s in sd["state"].items()}
    return {"state": state, "param_groups": sd["param_groups"]}


def resume_torch(torch, name, kwargs, dtype, steps=3, more=3):
    """PyTorch's state_dict after `steps` steps, and the parameters after a fresh optimizer loaded it and ran
    `more` steps (loading casts float state such as NAdam's mu_product to the parameter's dtype)."""
    opt, params = build(torch, name, kwargs, dtype)
    for _ in range(steps):
        loss_step(opt, params)
    sd = opt.state_dict()
    # cloned: a loaded tensor that needs no cast is shared, not copied, by PyTorch's load_state_dict
    saved = {"state": {str(i): {k: v.clone() if torch.is_tensor(v) else v for k, v in s.items()}
                       for i, s in sd["state"].items()},
             "param_groups": sd["param_groups"],
             "params": [p.detach().clone() for p in params]}
    fresh, fresh_params = build(torch, name, kwargs, dtype, seed=1)
    with torch.no_grad():
        for q, p in zip(fresh_params, params):
            q.copy_(p)
    fresh.load_state_dict(sd)
    for _ in range(more):
        loss_step(fresh, fresh_params)
    return saved, [p.detach() for p in fresh_params]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_pytorch_state_dict_loads_and_resumes(name):
    kwargs = OPTIMIZERS[name][0][-1]
    saved, ref_params = torch_ref(lambda torch: resume_torch(torch, name, kwargs, "float64"))
    opt, params = build(rtorch, name, kwargs, "float64", seed=1)  # other values: all come from the state dict
    with rtorch.no_grad():
        for p, v in zip(params, saved["params"]):
            p.copy_(rtorch.from_numpy(v))
    opt.load_state_dict(_state_to_lib(rtorch, saved))
    for _ in range(3):
        loss_step(opt, params)
    tol = tolerance(name, "float64")
    for p, ref in zip(params, ref_params):
        np.testing.assert_allclose(p.detach().numpy(), ref, **tol)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_dict_round_trip_resumes_identically(name):
    kwargs = OPTIMIZERS[name][0][-1]
    opt, params = build(rtorch, name, kwargs, "float32")
    for _ in range(3):
        loss_step(opt, params)
    sd = opt.state_dict()
    twin, twin_params = build(rtorch, name, kwargs, "float32")
    with rtorch.no_grad():
        for q, p in zip(twin_params, params):
            q.copy_(p)
    twin.load_state_dict(sd)
    for _ in range(3):
        loss_step(opt, params)
        loss_step(twin, twin_params)
    assert [p.tolist() for p in params] == [q.tolist() for q in twin_params]
    assert twin.state_dict()["param_groups"] == opt.state_dict()["param_groups"]


@needs_torch
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_rtorch_state_dict_loads_into_pytorch(name):
    import torch
    kwargs = OPTIMIZERS[name][0][-1]
    opt, params = build(rtorch, name, kwargs, "float64")
    for _ in range(3):
        loss_step(opt, params)
    sd = opt.state_dict()
    tsd = {"state": {i: {k: torch.from_numpy(v.numpy().copy()) if isinstance(v, rtorch.Tensor) else v
                         for k, v in s.items()} for i, s in sd["state"].items()},
           "param_groups": sd["param_groups"]}
    topt, tparams = build(torch, name, kwargs, "float64")
    twin, twin_params = build(rtorch, name, kwargs, "float64")
    with torch.no_grad(), rtorch.no_grad():
        for tp, q, p in zip(tparams, twin_params, params):
            tp.copy_(torch.from_numpy(p.detach().numpy().copy()))
            q.copy_(p)
    # both load the same dict (float scalar state such as NAdam's mu_product is cast to the parameter's dtype
    # on load by either library), then continue in step
    topt.load_state_dict(tsd)
    twin.load_state_dict(sd)
    for _ in range(3):
        loss_step(twin, twin_params)
        loss_step(topt, tparams)
    for p, tp in zip(twin_params, tparams):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), **tolerance(name, "float64"))


# ------------------------------------------------------------------ arguments
BAD_ARGS = {
    "Adamax": [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, -0.1)),
               dict(weight_decay=-1.0)],
    "NAdam": [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(weight_decay=-1.0),
              dict(momentum_decay=-1.0)],
    "RAdam": [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(0.9, 1.0)), dict(weight_decay=-1.0)],
    "ASGD": [dict(lr=-1.0), dict(lambd=-1.0), dict(alpha=-1.0), dict(weight_decay=-1.0)],
    "Rprop": [dict(lr=-1.0), dict(etas=(1.5, 1.2)), dict(etas=(0.5, 0.9)), dict(etas=(0.0, 1.2))],
    "Adafactor": [dict(lr=-1.0), dict(beta2_decay=0.5), dict(eps=(-1.0, 1e-3)), dict(eps=(None, -1.0)),
                  dict(d=0.5), dict(weight_decay=-1.0)],
    "Muon": [dict(lr=-1.0), dict(momentum=-1.0), dict(weight_decay=-1.0), dict(adjust_lr_fn="bogus")],
    "SparseAdam": [dict(lr=0.0), dict(eps=0.0), dict(betas=(1.0, 0.9))],
}


def error_of(fn, *args, **kwargs):
    """The TorchError ``fn`` raised, or None when it succeeded."""
    result = catch(fn, *args, **kwargs)
    return result if isinstance(result, TorchError) else None


def construct_errors(lib, name):
    p = lib.nn.Parameter(lib.zeros(2, 2))
    cls = getattr(lib.optim, name)
    return [error_of(cls, [p], **kw) for kw in BAD_ARGS[name]] + [
        error_of(cls, [p], lr=lib.tensor([0.1, 0.2])),                 # a tensor lr has one element
        error_of(cls, [lib.nn.Parameter(lib.zeros(3))]),               # Muon: 2-D only (others accept it)
    ]


@pytest.mark.parametrize("name", list(BAD_ARGS))
def test_argument_errors_match_pytorch(name):
    ours = construct_errors(rtorch, name)
    ref = torch_ref(lambda torch: construct_errors(torch, name))
    assert len(ours) == len(ref)
    for got, want in zip(ours, ref):
        assert (got is None) == (want is None), (got, want)
        if want is not None:
            assert (got.type, got.message) == (want.type, want.message.replace("torch.Size", "rtorch.Size"))


def step_errors(lib):
    p = lib.nn.Parameter(lib.ones(2, 2))
    p.grad = lib.ones(2, 2)
    errs = [error_of(getattr(lib.optim, n)([p], capturable=True).step) for n in ("Adamax", "NAdam", "RAdam", "ASGD",
                                                                             "Rprop")]
    return errs + [error_of(lib.optim.SparseAdam([p]).step)]


def test_step_errors_match_pytorch():
    ours = step_errors(rtorch)
    ref = torch_ref(step_errors)
    assert [(e.type, e.message) for e in ours] == [(e.type, e.message) for e in ref]


@pytest.mark.parametrize("name", [n for n in OPTIMIZERS])
def test_defaults_and_tensor_lr(name):
    p = rtorch.nn.Parameter(rtorch.ones(2, 2))
    opt = getattr(rtorch.optim, name)([p])
    ref = torch_ref(lambda torch: getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2, 2))]).defaults)
    assert opt.defaults == ref
    # lr as a one-element tensor behaves as the number
    a, b = (getattr(rtorch.optim, name)([rtorch.nn.Parameter(rtorch.ones(2, 2))], lr=lr)
            for lr in (0.05, rtorch.tensor(0.05, dtype=rtorch.float64)))
    for o in (a, b):
        loss_step(o, o.param_groups[0]["params"])
    assert a.param_groups[0]["params"][0].tolist() == b.param_groups[0]["params"][0].tolist()


def test_no_grad_at_all_is_a_no_op_and_closure_is_returned():
    for name in OPTIMIZERS:
        p = rtorch.nn.Parameter(rtorch.ones(2, 2))
        opt = getattr(rtorch.optim, name)([p])
        assert opt.step(lambda: 3.0) == 3.0
        assert p.tolist() == [[1.0, 1.0], [1.0, 1.0]] and not opt.state


def test_adafactor_eps1_none_uses_first_dtype_of_group():
    # PyTorch fixes epsilon1 from the first parameter with a gradient and keeps it for the rest of the group:
    # here float64's 2.2e-16, under which the float32 parameter's tiny second moments are not clamped.
    def run(lib):
        a = lib.nn.Parameter(lib.tensor([[1.0, 2.0], [0.5, 1.0]], dtype=lib.float64))
        b = lib.nn.Parameter(lib.tensor([[1.0, -1.0], [2.0, 0.5]], dtype=lib.float32))
        opt = lib.optim.Adafactor([a, b], lr=0.5)
        a.grad = lib.tensor([[1e-9, -2e-9], [3e-9, 1e-9]], dtype=lib.float64)
        b.grad = lib.tensor([[1e-8, 2e-8], [-1e-8, 3e-8]], dtype=lib.float32)
        opt.step()
        return [a.detach(), b.detach()]
    got, want = run(rtorch), torch_ref(run)
    for g, w in zip(got, want):
        np.testing.assert_allclose(_np(g), w, rtol=1e-6, atol=1e-30)
    assert np.abs(want[1] - [[1.0, -1.0], [2.0, 0.5]]).max() > 1e-3  # an unclamped, full-size update


def test_muon_reaches_an_orthogonal_update():
    # With many Newton-Schulz steps, the update of one step has singular values near 1 (about 0.7..1.2).
    w = rtorch.nn.Parameter(rtorch.zeros(6, 3))
    opt = rtorch.optim.Muon([w], lr=1.0, weight_decay=0.0, momentum=0.0, nesterov=False, ns_steps=10)
    w.grad = rtorch.tensor(np.random.default_rng(3).standard_normal((6, 3)).astype(np.float32))
    opt.step()
    s = np.linalg.svd(-w.detach().numpy() / np.sqrt(2.0), compute_uv=False)  # "original": lr * sqrt(6 / 3)
    assert np.all((s > 0.6) & (s < 1.3)), s


# ------------------------------------------------------------------ SparseAdam
def sparse_case(lib, maximize):
    rng = np.random.default_rng(5)
    param = lib.tensor(rng.standard_normal((5, 2)))
    m = lib.tensor(rng.standard_normal((5, 2)) * 0.1)
    v = lib.tensor(rng.uniform(0, 0.1, (5, 2)))
    # duplicate row 3 (coalescing sums it) and an untouched row 0
    grad = lib.sparse_coo_tensor(lib.tensor([[3, 1, 3, 4]]), lib.tensor(rng.standard_normal((4, 2))), (5, 2))
    f = lib.optim._functional.sparse_adam
    for step in (1, 2):
        f([param], [grad], [m], [v], [step], eps=1e-8, beta1=0.9, beta2=0.99, lr=0.1, maximize=maximize)
    empty = lib.sparse_coo_tensor(lib.zeros((1, 0), dtype=lib.int64), lib.zeros((0, 2), dtype=lib.float64), (5, 2))
    f([param], [empty], [m], [v], [3], eps=1e-8, beta1=0.9, beta2=0.99, lr=0.1, maximize=maximize)
    return [param, m, v]


@pytest.mark.parametrize("maximize", [False, True])
def test_sparse_adam_update_matches_pytorch(maximize):
    ours = sparse_case(rtorch, maximize)
    ref = torch_ref(lambda torch: sparse_case(torch, maximize))
    for got, want in zip(ours, ref):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-14)
    assert ours[0][0].tolist() == ref[0][0].tolist()  # row 0 had no gradient entry


def test_sparse_adam_optimizer_state_and_dense_grad_error():
    w = rtorch.nn.Parameter(rtorch.ones(4, 2))
    opt = rtorch.optim.SparseAdam([w], lr=0.1)
    assert opt.step() is None and not opt.state     # no gradient: nothing to do
    w.grad = rtorch.ones(4, 2)
    with pytest.raises(RuntimeError, match="does not support dense gradients"):
        opt.step()
    assert _functional.__all__ == ["sparse_adam"]


# ------------------------------------------------------------------ hooks
def hook_log(lib):
    """The order in which state_dict / load_state_dict / global step hooks run, and what they change."""
    from importlib import import_module
    optimizer_mod = import_module(lib.__name__ + ".optim.optimizer")
    log = []
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.NAdam([p], lr=0.1)
    opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre_a"))
    opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre_first"), prepend=True)

    def sd_post(o, sd):
        log.append("sd_post")
        sd["extra"] = 1
    opt.register_state_dict_post_hook(sd_post)
    replace = opt.register_state_dict_post_hook(lambda o, sd: {**sd, "replaced": True})

    def load_pre(o, sd):
        log.append(f"load_pre:{sorted(sd)}")
        return {k: v for k, v in sd.items() if k in ("state", "param_groups")}
    opt.register_load_state_dict_pre_hook(load_pre)
    opt.register_load_state_dict_post_hook(lambda o: log.append("load_post"))
    glob_pre = optimizer_mod.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global_pre"))
    glob_post = optimizer_mod.register_optimizer_step_post_hook(lambda o, a, k: log.append("global_post"))
    opt.register_step_pre_hook(lambda o, a, k: log.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: log.append("post"))
    try:
        p.grad = lib.ones(2)
        opt.step()
        sd = opt.state_dict()
        log.append(sorted(sd))
        replace.remove()
        log.append(sorted(opt.state_dict()))
        opt.load_state_dict(sd)
    finally:
        glob_pre.remove()
        glob_post.remove()
    opt.step()  # the global hooks are gone
    return log


def test_optimizer_hooks_match_pytorch():
    assert hook_log(rtorch) == torch_ref(hook_log)


def test_profile_hook_step_runs_hooks_around_a_custom_step():
    class Plain(rtorch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 1.0})

        @rtorch.optim.Optimizer.profile_hook_step
        def step(self, closure=None, scale=1.0):
            calls.append(("step", scale))
            return scale

    calls = []
    opt = Plain([rtorch.nn.Parameter(rtorch.ones(1))])
    opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"scale": 2.0}))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", kwargs["scale"])))
    assert opt.step() == 2.0 and calls == [("step", 2.0), ("post", 2.0)]
    opt.register_step_pre_hook(lambda o, args, kwargs: 3)
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        opt.step()


# ------------------------------------------------------------------ functional API
def _functional_run(lib, name, steps=3):
    """Three updates of ``lib.optim.functional.<name>`` on two float64 parameters (seeded), with every list the
    function takes built as the optimizer would; returns the parameters and those lists."""
    rng = np.random.default_rng(11)
    shapes = [(3, 2), (2, 4)] if name in ("muon", "adafactor") else [(3, 2), (4,)]
    params = [lib.tensor(rng.standard_normal(s)) for s in shapes]
    like = [lib.zeros_like(p) for p in params]

    def zeros():
        return [lib.zeros_like(p) for p in params]

    def steps_():
        return [lib.tensor(0.0) for _ in params]
    adam_kw = dict(amsgrad=True, beta1=0.8, beta2=0.9, lr=0.05, weight_decay=0.1, eps=1e-8, maximize=False)
    table = {
        "adadelta": (lambda: [zeros(), zeros(), steps_()], dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.1,
                                                                 maximize=True)),
        "adagrad": (lambda: [[lib.full_like(p, 0.1) for p in params], steps_()],
                    dict(lr=0.1, weight_decay=0.1, lr_decay=0.01, eps=1e-10, maximize=False)),
        "adam": (lambda: [zeros(), zeros(), zeros(), steps_()], adam_kw),
        "adamw": (lambda: [zeros(), zeros(), zeros(), steps_()], adam_kw),
        "adamax": (lambda: [zeros(), zeros(), steps_()], dict(eps=1e-8, beta1=0.9, beta2=0.99, lr=0.05,
                                                               weight_decay=0.1)),
        "asgd": (lambda: [zeros(), [lib.tensor(1.0) for _ in params], [lib.tensor(0.05) for _ in params], steps_()],
                 dict(lambd=0.01, lr=0.05, t0=1.0, alpha=0.75, weight_decay=0.1)),
        "nadam": (lambda: [zeros(), zeros(), [lib.tensor(1.0) for _ in params], steps_()],
                  dict(beta1=0.9, beta2=0.99, lr=0.05, weight_decay=0.1, momentum_decay=4e-3, eps=1e-8)),
        "radam": (lambda: [zeros(), zeros(), steps_()], dict(beta1=0.9, beta2=0.6, lr=0.05, weight_decay=0.1,
                                                              eps=1e-8)),
        "rmsprop": (lambda: [zeros(), zeros(), zeros(), steps_()], dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1,
                                                                         momentum=0.5, centered=True)),
        "rprop": (lambda: [zeros(), [lib.full_like(p, 0.05) for p in params], steps_()],
                  dict(step_size_min=1e-6, step_size_max=1.0, etaminus=0.5, etaplus=1.2)),
        "sgd": (lambda: [[None for _ in params]], dict(weight_decay=0.1, momentum=0.9, lr=0.05, dampening=0.1,
                                                        nesterov=False, maximize=False)),
        "adafactor": (lambda: [[lib.zeros(p.shape[0], 1, dtype=p.dtype) for p in params],
                               [lib.zeros(1, p.shape[1], dtype=p.dtype) for p in params], [None, None], steps_()],
                      dict(d=1.0, lr=0.05, beta2_decay=-0.8, weight_decay=0.1, eps1=None, eps2=1e-3, maximize=False)),
        "muon": (lambda: [zeros()], dict(lr=0.05, weight_decay=0.1, momentum=0.9, nesterov=True,
                                          ns_coefficients=(3.4445, -4.775, 2.0315), ns_steps=5, eps=1e-7,
                                          adjust_lr_fn=None, has_complex=False)),
    }
    make_lists, kwargs = table[name]
    lists = make_lists()
    fn = getattr(lib.optim.functional, name)
    del like
    for k in range(steps):
        grads = [lib.tensor(rng.standard_normal(tuple(p.shape))) for p in params]
        fn(params, grads, *lists, **kwargs)
    return params, [[t for t in lst if t is not None] for lst in lists]


FUNCTIONAL = ["adadelta", "adagrad", "adam", "adamw", "adamax", "asgd", "nadam", "radam", "rmsprop", "rprop", "sgd",
              "adafactor", "muon"]


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_functional_api_matches_pytorch(name):
    ours = _functional_run(rtorch, name)
    ref = torch_ref(lambda torch: _functional_run(torch, name))
    tol = tolerance("Muon", "float64") if name == "muon" else dict(rtol=1e-10, atol=1e-12)
    for got, want in zip(ours[0], ref[0]):
        np.testing.assert_allclose(got.numpy(), want, **tol)
    assert [len(lst) for lst in ours[1]] == [len(lst) for lst in ref[1]]
    for lst, ref_lst in zip(ours[1], ref[1]):
        for got, want in zip(lst, ref_lst):
            np.testing.assert_allclose(got.numpy(), want, **tol)
            assert got.numpy().dtype == want.dtype


def test_functional_module_names():
    assert rtorch.optim.functional.__all__ == sorted(FUNCTIONAL + ["sparse_adam"])
    with pytest.raises(RuntimeError, match="Foreach is not supported for Muon"):
        rtorch.optim.functional.muon([], [], [], foreach=True, lr=0.1, weight_decay=0.0, momentum=0.9, nesterov=True,
                                     ns_coefficients=(1.0, 0.0, 0.0), ns_steps=1, eps=1e-7, adjust_lr_fn=None,
                                     has_complex=False)


# ------------------------------------------------------------------ swap_in_optimizer_params_and_state
def swap_in_run(lib):
    """A step on swapped-in parameters and state leaves the live optimizer and parameters as they were."""
    rng = np.random.default_rng(4)
    model = lib.nn.Linear(3, 2)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    opt = lib.optim.Adam(model.parameters(), lr=0.1)
    for p in model.parameters():
        p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32))
    opt.step()
    live = [p.detach().clone() for p in model.parameters()]
    osd = opt.state_dict()
    osd = {"state": {i: {k: v.clone() for k, v in s.items()} for i, s in osd["state"].items()},
           "param_groups": [dict(g, lr=0.5) for g in osd["param_groups"]]}
    swapped = {n: lib.nn.Parameter(p.detach().clone() * 2) for n, p in model.named_parameters()}
    for n, p in swapped.items():
        p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32))
    with lib.optim.swap_in_optimizer_params_and_state(opt, swapped, osd):
        inside_lr = opt.param_groups[0]["lr"]
        opt.step()
    unchanged = all(bool((a == b).all()) for a, b in zip(live, model.parameters()))
    errors = [error_of(lambda: lib.optim.swap_in_optimizer_params_and_state(opt, swapped, bad).__enter__())
              for bad in ({"state": [], "param_groups": []}, {"state": {}, "param_groups": []},
                          {"state": {7: {}}, "param_groups": osd["param_groups"]},
                          {"state": {}, "param_groups": [{"params": [0, 1]}]})]
    return {"swapped": [p.detach() for p in swapped.values()], "state": [osd["state"][i]["exp_avg"] for i in (0, 1)],
            "steps": [osd["state"][i]["step"] for i in (0, 1)], "inside_lr": inside_lr,
            "lr_after": opt.param_groups[0]["lr"], "unchanged": unchanged,
            "live_step": opt.state_dict()["state"][0]["step"], "errors": errors}


def test_swap_in_optimizer_params_and_state_matches_pytorch():
    ours, ref = swap_in_run(rtorch), torch_ref(swap_in_run)
    assert ours["unchanged"] and ref["unchanged"]
    assert (ours["inside_lr"], ours["lr_after"]) == (ref["inside_lr"], ref["lr_after"]) == (0.5, 0.1)
    for key in ("swapped", "state", "steps"):
        for got, want in zip(ours[key], ref[key]):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours["live_step"].numpy(), ref["live_step"])
    assert [(e.type, e.message) for e in ours["errors"]] == [(e.type, e.message) for e in ref["errors"]]


# ------------------------------------------------------------------ 0-d and empty parameters
def edge_run(lib, name, shape):
    """Two steps on one parameter of ``shape`` (0-d or empty), or the error PyTorch's rule raises there."""
    # lib.full, not lib.tensor(ndarray): rtorch.tensor gives an empty array zero strides, which in-place ops
    # then refuse as overlapping (a core issue outside the optimizers)
    p = lib.nn.Parameter(lib.full(shape, 0.7))

    def run():
        opt = getattr(lib.optim, name)([p], **OPTIMIZERS[name][0][0])
        for _ in range(2):
            p.grad = lib.full(shape, -0.3)
            opt.step()
        return p.detach()
    return catch(run)


EDGE_CASES = [(n, s) for n in OPTIMIZERS if n != "Muon" for s in [(), (0,), (2, 0)]] + [("Muon", (0, 3))]


@pytest.mark.parametrize("name,shape", EDGE_CASES, ids=[f"{n}-{s}" for n, s in EDGE_CASES])
def test_zero_dim_and_empty_parameters_match_pytorch(name, shape):
    ours = edge_run(rtorch, name, shape)
    ref = torch_ref(lambda torch: edge_run(torch, name, shape))
    if isinstance(ref, TorchError):
        assert isinstance(ours, TorchError) and ours.type == ref.type, (ours, ref)
    else:
        assert not isinstance(ours, TorchError), ours
        np.testing.assert_allclose(ours.numpy(), ref, rtol=1e-6, atol=1e-7)
        assert ours.numpy().shape == ref.shape


@needs_torch
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_dict_files_cross_between_libraries(name):
    # rtorch.save -> torch.load -> a PyTorch optimizer, and torch.save -> rtorch.load -> an rtorch optimizer:
    # both continue exactly as the optimizer that saved the state
    import io

    import torch
    kwargs = OPTIMIZERS[name][0][-1]
    for src, dst in ((rtorch, torch), (torch, rtorch)):
        opt, params = build(src, name, kwargs, "float64")
        for _ in range(2):
            loss_step(opt, params)
        buf = io.BytesIO()
        src.save(opt.state_dict(), buf)
        buf.seek(0)
        loaded = dst.load(buf, weights_only=True) if dst is torch else dst.load(buf)
        twin, twin_params = build(dst, name, kwargs, "float64")
        with dst.no_grad():
            for q, p in zip(twin_params, params):
                q.copy_(dst.from_numpy(p.detach().numpy().copy()))
        twin.load_state_dict(loaded)
        same, same_params = build(src, name, kwargs, "float64")  # the source library, resumed the same way
        buf.seek(0)
        same.load_state_dict(src.load(buf, weights_only=True) if src is torch else src.load(buf))
        with src.no_grad():
            for q, p in zip(same_params, params):
                q.copy_(p)
        for _ in range(2):
            loss_step(twin, twin_params)
            loss_step(same, same_params)
        for q, p in zip(twin_params, same_params):
            np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), **tolerance(name, "float64"))


# ------------------------------------------------------------------ differentiable=True
DIFFERENTIABLE = {
    "SGD": dict(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True),
    "Adam": dict(lr=0.1, amsgrad=True, weight_decay=0.1),
    "AdamW": dict(lr=0.1, weight_decay=0.1),
    "RMSprop": dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1),
    "Adagrad": dict(lr=0.1, weight_decay=0.1),
    "Adadelta": dict(lr=1.0, weight_decay=0.1),
    "Adamax": dict(lr=0.1, weight_decay=0.1),
    "NAdam": dict(lr=0.1, weight_decay=0.1),
    "RAdam": dict(lr=0.1, weight_decay=0.1),
    "ASGD": dict(lr=0.1, t0=0.0, weight_decay=0.1),
    "Rprop": dict(lr=0.1),
}


def differentiable_run(lib, name, warm):
    """d(w . p_new)/d(p_old) and d(w . p_new)/d(grad) through one step of an optimizer made with
    differentiable=True on a non-leaf parameter; `warm` first loads a state of step 9 (RAdam's rectified branch,
    Rprop's sign comparison)."""
    rng = np.random.default_rng(21)
    p0 = lib.tensor(rng.standard_normal(4), requires_grad=True)
    g = lib.tensor(rng.standard_normal(4), requires_grad=True)
    w = lib.tensor(rng.standard_normal(4))
    p = p0.clone()
    p.grad = g
    opt = getattr(lib.optim, name)([p], differentiable=True, **DIFFERENTIABLE[name])
    if warm:
        shaped = {"exp_avg": 0.1, "exp_avg_sq": 0.2, "exp_inf": 0.5, "prev": 0.3, "step_size": 0.05}
        probe = getattr(lib.optim, name)([lib.nn.Parameter(lib.zeros(4, dtype=lib.float64))], **DIFFERENTIABLE[name])
        probe.param_groups[0]["params"][0].grad = lib.ones(4, dtype=lib.float64)
        probe.step()
        sd = probe.state_dict()
        state = {k: (lib.tensor(9.0) if k == "step" else lib.full((4,), shaped[k], dtype=lib.float64))
                 for k in sd["state"][0]}
        opt.load_state_dict({"state": {0: state}, "param_groups": opt.state_dict()["param_groups"]})
    opt.step()
    return list(lib.autograd.grad((p * w).sum(), [p0, g], allow_unused=True))


# Adadelta's and Rprop's differentiable steps still trip rtorch's saved-tensor version check (an operand saved by
# an in-place op's out-of-place computation is changed by a later in-place op of the step; PyTorch saves a copy):
# strict xfails, so a fix shows up as an XPASS.
_INPLACE_SAVED = pytest.mark.xfail(strict=True, raises=RuntimeError, reason="saved operand changed in place (core autograd)")
DIFF_CASES = [pytest.param(n, False, id=f"{n}-first", marks=_INPLACE_SAVED if n in ("Adadelta", "Rprop") else ())
              for n in DIFFERENTIABLE] + \
    [pytest.param(n, True, id=f"{n}-warm", marks=_INPLACE_SAVED if n == "Rprop" else ()) for n in ("RAdam", "Rprop", "Adamax")]


@pytest.mark.parametrize("name,warm", DIFF_CASES)
def test_differentiable_step_gradients_match_pytorch(name, warm):
    ref = torch_ref(lambda torch: differentiable_run(torch, name, warm))
    ours = differentiable_run(rtorch, name, warm)
    for got, want in zip(ours, ref):
        assert (got is None) == (want is None)
        if want is not None:
            # PyTorch's differentiable forms compute some scalings in float32 scalar tensors (the step counter)
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-9)


def test_non_leaf_parameters_need_differentiable():
    p = rtorch.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        rtorch.optim.Adamax([p])
    rtorch.optim.Adamax([p], differentiable=True)


def test_adafactor_eps_must_be_a_pair():
    # PyTorch fails here with Python's "'float' object is not subscriptable"; rtorch names the argument.
    p = rtorch.nn.Parameter(rtorch.zeros(2))
    for bad in (1e-3, (1e-3,), None):
        with pytest.raises(TypeError, match=r"^Adafactor\(\): argument 'eps' must be a pair"):
            rtorch.optim.Adafactor([p], eps=bad)

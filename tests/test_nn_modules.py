"""Tests for rtorch.nn: Module machinery, layers, functional, losses, init and utils against NumPy."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import rtorch as torch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.nn import init

RTOL, ATOL = 1e-5, 1e-6


def t(a, dtype=torch.float32, requires_grad=False):
    x = torch.tensor(np.asarray(a, dtype=np.float64)).to(dtype)
    if requires_grad:
        x.requires_grad_(True)
    return x


def n(x):
    return x.detach().numpy()


def close(x, ref, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(n(x) if isinstance(x, torch.Tensor) else x, ref, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def mlp():
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


# ------------------------------------------------------------------ Parameter
def test_parameter_is_tensor_and_requires_grad():
    p = nn.Parameter(torch.zeros(2, 3))
    assert isinstance(p, torch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf
    assert tuple(p.shape) == (2, 3)
    assert not nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\n")
    assert tuple(nn.Parameter().shape) == (0,)


def test_parameter_grad_flows():
    p = nn.Parameter(t([1.0, 2.0, 3.0]))
    (p * p).sum().backward()
    close(p.grad, [2.0, 4.0, 6.0])


# ------------------------------------------------------------------ Linear
def test_linear_forward_matches_numpy(rng):
    lin = nn.Linear(5, 3)
    x = rng.standard_normal((7, 5))
    ref = x @ n(lin.weight).T + n(lin.bias)
    close(lin(t(x)), ref, rtol=1e-5, atol=1e-5)
    # batched leading dims
    x3 = rng.standard_normal((2, 4, 5))
    close(lin(t(x3)), x3 @ n(lin.weight).T + n(lin.bias), atol=1e-5)


def test_linear_shapes_and_init_bounds():
    lin = nn.Linear(64, 32)
    assert tuple(lin.weight.shape) == (32, 64) and tuple(lin.bias.shape) == (32,)
    bound = 1 / math.sqrt(64)
    w, b = n(lin.weight), n(lin.bias)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    big = nn.Linear(400, 500)
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)): std = bound / sqrt(3)
    np.testing.assert_allclose(n(big.weight).std(), (1 / math.sqrt(400)) / math.sqrt(3), rtol=0.02)
    assert abs(n(big.weight).mean()) < 1e-3


def test_linear_seeded_init_is_deterministic():
    torch.manual_seed(123)
    a = nn.Linear(4, 3)
    torch.manual_seed(123)
    b = nn.Linear(4, 3)
    np.testing.assert_array_equal(n(a.weight), n(b.weight))
    np.testing.assert_array_equal(n(a.bias), n(b.bias))


def test_linear_without_bias_and_repr():
    lin = nn.Linear(4, 2, bias=False)
    assert lin.bias is None
    assert [name for name, _ in lin.named_parameters()] == ["weight"]
    assert repr(lin) == "Linear(in_features=4, out_features=2, bias=False)"


def test_linear_dtype_argument():
    lin = nn.Linear(3, 2, dtype=torch.float64)
    assert lin.weight.dtype == torch.float64 and lin.bias.dtype == torch.float64


def test_linear_backward_matches_numpy(rng):
    lin = nn.Linear(3, 2)
    x = rng.standard_normal((4, 3))
    g = rng.standard_normal((4, 2))
    (lin(t(x)) * t(g)).sum().backward()
    close(lin.weight.grad, g.T @ x, atol=1e-5)
    close(lin.bias.grad, g.sum(0), atol=1e-5)


# ------------------------------------------------------------------ Module machinery
def test_sequential_state_dict_keys():
    model = mlp()
    assert list(model.state_dict().keys()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(model.parameters())) == 4


def test_named_modules_children():
    model = mlp()
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "2"]
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    assert len(list(model.children())) == 3
    assert len(list(model.modules())) == 4
    assert isinstance(model[1], nn.ReLU) and isinstance(model[-1], nn.Linear)
    assert len(model[:2]) == 2 and len(model) == 3


def test_custom_module_registration():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.scale = nn.Parameter(torch.ones(1))
            self.register_buffer("running", torch.zeros(2))
            self.register_buffer("tmp", torch.zeros(1), persistent=False)
            self.plain = 3

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    net = Net()
    assert [k for k, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [k for k, _ in net.named_buffers()] == ["running", "tmp"]
    assert list(net.state_dict().keys()) == ["scale", "running", "fc.weight", "fc.bias"]
    assert net.plain == 3 and "plain" not in net._parameters
    with pytest.raises(TypeError):
        net.scale = torch.ones(1)  # a plain tensor cannot replace a Parameter
    net.scale = None
    assert net.scale is None and "scale" not in dict(net.named_parameters())
    net.running = torch.ones(2)
    close(net.running, [1.0, 1.0])
    del net.fc
    assert not hasattr(net, "fc")
    with pytest.raises(AttributeError):
        net.does_not_exist


def test_shared_parameters_deduplicated():
    lin = nn.Linear(2, 2)
    model = nn.Sequential(lin, lin)
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict().keys()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_state_dict_is_detached():
    sd = mlp().state_dict()
    assert all(not v.requires_grad for v in sd.values())
    kv = mlp().state_dict(keep_vars=True)
    assert all(isinstance(v, nn.Parameter) for v in kv.values())


def test_load_state_dict_roundtrip(rng):
    a, b = mlp(), mlp()
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = t(rng.standard_normal((5, 4)))
    np.testing.assert_array_equal(n(a(x)), n(b(x)))
    assert isinstance(b[0].weight, nn.Parameter) and b[0].weight.requires_grad


def test_load_state_dict_strict_and_non_strict():
    model = mlp()
    sd = model.state_dict()
    del sd["2.bias"]
    sd["extra"] = torch.zeros(1)
    sd["0.junk"] = torch.zeros(1)
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict(sd)
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["2.bias"]
    assert sorted(result.unexpected_keys) == ["0.junk", "extra"]
    bad = mlp().state_dict()
    bad["0.weight"] = torch.zeros(2, 2)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(bad)


def test_train_eval_propagates():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ReLU()))
    assert all(m.training for m in model.modules())
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad(rng):
    model = mlp()
    model(t(rng.standard_normal((3, 4)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.all(n(p.grad) == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_to_dtype_and_float_double(rng):
    model = mlp()
    model.register_buffer("steps", torch.zeros(1, dtype=torch.int64))
    w = n(model[0].weight).copy()
    model.to(torch.float64)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    assert model.steps.dtype == torch.int64  # only floating point tensors are cast
    np.testing.assert_allclose(n(model[0].weight), w.astype(np.float64))
    out = model(t(rng.standard_normal((2, 4)), dtype=torch.float64))
    assert out.dtype == torch.float64
    model.float()
    assert all(p.dtype == torch.float32 for p in model.parameters())
    model.double()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert model.to("cpu") is model and model.cpu() is model
    with pytest.raises(TypeError):
        model.to(torch.int64)


def test_apply_and_requires_grad_():
    model = mlp()

    def fill(m):
        if isinstance(m, nn.Linear):
            init.constant_(m.weight, 0.5)
            init.zeros_(m.bias)

    assert model.apply(fill) is model
    assert np.all(n(model[2].weight) == 0.5) and np.all(n(model[2].bias) == 0)
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(tuple(out.shape)) or out + 1)
    y = lin(torch.ones(3, 2))
    close(y, np.tile(n(lin.bias) + 1, (3, 1)))
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    x = torch.ones(3, 2)
    close(lin(x), np.ones((3, 2)) @ n(lin.weight).T + n(lin.bias))
    assert calls == [(3, 2)]


def test_forward_hooks_with_kwargs_and_prepend():
    lin = nn.Linear(2, 2)
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append("second"))
    lin.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    lin.register_forward_pre_hook(lambda m, a, kw: ((a[0] * 0,), kw), with_kwargs=True)
    out = lin.register_forward_hook(lambda m, a, kw, o: o * 2, with_kwargs=True)
    close(lin(torch.ones(1, 2)), 2 * n(lin.bias)[None])
    assert order == ["first", "second"]
    with out:
        pass  # the handle is a context manager that removes its hook
    close(lin(torch.ones(1, 2)), n(lin.bias)[None])


def test_get_submodule_and_parameter():
    model = nn.Sequential(OrderedDict([("enc", nn.Sequential(nn.Linear(2, 3))), ("act", nn.ReLU())]))
    assert model.get_submodule("enc.0") is model.enc[0]
    assert model.get_parameter("enc.0.bias") is model.enc[0].bias
    with pytest.raises(AttributeError):
        model.get_submodule("enc.5")


def test_deepcopy_and_pickle_module(rng):
    import copy
    import pickle

    model = mlp()
    x = t(rng.standard_normal((2, 4)))
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert clone[0].weight is not model[0].weight
        assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight.requires_grad
        np.testing.assert_array_equal(n(clone(x)), n(model(x)))


def test_float_keeps_parameter_identity():
    model = mlp()
    w = model[0].weight
    model.float()
    model.to("cpu")
    assert model[0].weight is w


def test_forward_not_implemented():
    with pytest.raises(NotImplementedError):
        nn.Module()(torch.ones(1))


def test_repr_like_pytorch():
    expected = (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=3, out_features=2, bias=True)\n"
        ")"
    )
    assert repr(mlp()) == expected
    nested = nn.Sequential(nn.Sequential(nn.Tanh()), nn.Dropout(0.1))
    assert repr(nested) == (
        "Sequential(\n  (0): Sequential(\n    (0): Tanh()\n  )\n  (1): Dropout(p=0.1, inplace=False)\n)"
    )
    assert repr(nn.LeakyReLU(0.2, inplace=True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.GELU()) == "GELU(approximate='none')"
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True)"
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.MSELoss()) == "MSELoss()"


# ------------------------------------------------------------------ containers
def test_sequential_ordered_dict_and_mutation():
    model = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(model.state_dict().keys()) == ["fc.weight", "fc.bias"]
    assert isinstance(model.act, nn.ReLU)
    seq = nn.Sequential(nn.ReLU())
    seq.append(nn.Tanh())
    seq.insert(0, nn.Sigmoid())
    assert [type(m).__name__ for m in seq] == ["Sigmoid", "ReLU", "Tanh"]
    del seq[0]
    assert [k for k, _ in seq.named_children()] == ["0", "1"]


def test_module_list_and_dict():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 4)})

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return {k: h(x) for k, h in self.heads.items()}

    net = Net()
    keys = list(net.state_dict().keys())
    assert keys[:2] == ["layers.0.weight", "layers.0.bias"]
    assert keys[-2:] == ["heads.b.weight", "heads.b.bias"]
    assert len(net.layers) == 3 and len(list(net.parameters())) == 10
    net.layers.append(nn.Linear(2, 2))
    assert len(list(net.parameters())) == 12
    assert isinstance(net.layers[-1], nn.Linear)
    assert list(net.heads.keys()) == ["a", "b"] and "a" in net.heads
    out = net(torch.ones(5, 2))
    assert tuple(out["b"].shape) == (5, 4)


# ------------------------------------------------------------------ shape layers
def test_flatten_unflatten_identity():
    x = torch.zeros(2, 3, 4, 5)
    assert tuple(nn.Flatten()(x).shape) == (2, 60)
    assert tuple(nn.Flatten(0, 2)(x).shape) == (24, 5)
    assert tuple(nn.Unflatten(1, (3, 20))(torch.zeros(2, 60)).shape) == (2, 3, 20)
    assert tuple(nn.Unflatten(-1, (2, 2))(torch.zeros(3, 4)).shape) == (3, 2, 2)
    assert nn.Identity(54, unused="x")(x) is x


# ------------------------------------------------------------------ activations
def _np_gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def _np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.GELU(), _np_gelu),
    (nn.GELU(approximate="tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Softmax(dim=1), lambda x: _np_softmax(x, 1)),
    (nn.Softmax(dim=0), lambda x: _np_softmax(x, 0)),
    (nn.LogSoftmax(dim=1), lambda x: np.log(_np_softmax(x, 1))),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.expm1(x))),
    (nn.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (nn.Softplus(), _np_softplus),
    (nn.Softplus(beta=2.0, threshold=5.0), lambda x: _np_softplus(x, 2.0, 5.0)),
    (nn.Hardtanh(), lambda x: np.clip(x, -1, 1)),
    (nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
]


@pytest.mark.parametrize("module,ref", ACTIVATIONS, ids=lambda v: repr(v) if isinstance(v, nn.Module) else "")
def test_activation_forward(module, ref, rng):
    x = rng.standard_normal((4, 6)) * 4
    close(module(t(x)), ref(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("module,ref", ACTIVATIONS, ids=lambda v: repr(v) if isinstance(v, nn.Module) else "")
def test_activation_gradient_finite_difference(module, ref, rng):
    x = rng.standard_normal((3, 5)) * 3
    x[np.abs(x) < 1e-2] = 0.5  # keep away from kinks
    x[np.abs(np.abs(x) - 1) < 1e-2] = 0.5
    g = rng.standard_normal((3, 5))
    xt = t(x, dtype=torch.float64, requires_grad=True)
    (module(xt) * t(g, dtype=torch.float64)).sum().backward()
    eps = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        num[idx] = ((ref(xp) - ref(xm)) * g).sum() / (2 * eps)
    close(xt.grad, num, rtol=1e-4, atol=1e-5)


def test_inplace_relu_and_functional_aliases(rng):
    x = t(rng.standard_normal((3, 3)))
    y = F.relu(x.clone())
    z = x.clone()
    out = nn.ReLU(inplace=True)(z)
    close(out, n(y))
    close(z, n(y))
    close(F.tanh(x), np.tanh(n(x)))
    close(F.sigmoid(x), 1 / (1 + np.exp(-n(x))))


def test_softmax_default_dim_warns():
    with pytest.warns(UserWarning):
        out = F.softmax(torch.zeros(2, 4))
    close(out, np.full((2, 4), 0.25))


# ------------------------------------------------------------------ dropout
def test_dropout_train_and_eval():
    torch.manual_seed(0)
    drop = nn.Dropout(p=0.3)
    x = torch.ones(200, 200)
    y = n(drop(x))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    drop.eval()
    np.testing.assert_array_equal(n(drop(x)), n(x))
    assert np.all(n(F.dropout(x, p=1.0)) == 0)
    assert np.all(n(F.dropout(x, p=0.0)) == 1)
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


def test_dropout_gradient_is_mask():
    torch.manual_seed(1)
    x = torch.ones(50, 50, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_allclose(n(x.grad), n(y), rtol=1e-6)


# ------------------------------------------------------------------ embedding, layernorm
def test_embedding_forward_and_grad():
    torch.manual_seed(0)
    emb = nn.Embedding(10, 4, padding_idx=0)
    assert np.all(n(emb.weight)[0] == 0)
    idx = torch.tensor([[1, 0, 3], [3, 3, 9]])
    out = emb(idx)
    assert tuple(out.shape) == (2, 3, 4)
    w = n(emb.weight)
    np.testing.assert_array_equal(n(out), w[np.array([[1, 0, 3], [3, 3, 9]])])
    out.sum().backward()
    grad = n(emb.weight.grad)
    counts = np.zeros(10)
    for i in [1, 3, 3, 3, 9]:
        counts[i] += 1
    np.testing.assert_allclose(grad, np.repeat(counts[:, None], 4, axis=1))  # padding row gets none


def test_embedding_init_and_from_pretrained():
    torch.manual_seed(0)
    emb = nn.Embedding(1000, 50)
    assert abs(n(emb.weight).std() - 1.0) < 0.02
    w = t([[1.0, 2.0], [3.0, 4.0]])
    pre = nn.Embedding.from_pretrained(w)
    assert not pre.weight.requires_grad
    close(pre(torch.tensor([1])), [[3.0, 4.0]])


def test_embedding_max_norm_renormalises_looked_up_rows():
    torch.manual_seed(0)
    emb = nn.Embedding(6, 4, max_norm=1.0)
    before = n(emb.weight).copy()
    emb(torch.tensor([1, 3, 3]))
    after = n(emb.weight)
    for row in range(6):
        norm = np.linalg.norm(before[row])
        if row in (1, 3) and norm > 1.0:
            np.testing.assert_allclose(np.linalg.norm(after[row]), 1.0, rtol=1e-5)
        else:
            np.testing.assert_array_equal(after[row], before[row])


def _np_layer_norm(x, shape, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def test_layer_norm_forward_and_grad(rng):
    ln = nn.LayerNorm(6)
    assert np.all(n(ln.weight) == 1) and np.all(n(ln.bias) == 0)
    with torch.no_grad():
        ln.weight.copy_(t(rng.standard_normal(6)))
        ln.bias.copy_(t(rng.standard_normal(6)))
    x = rng.standard_normal((3, 4, 6)) * 2 + 1
    close(ln(t(x)), _np_layer_norm(x, (6,), n(ln.weight), n(ln.bias)), atol=1e-5)
    ln2 = nn.LayerNorm([4, 6], elementwise_affine=False)
    assert list(ln2.parameters()) == []
    close(ln2(t(x)), _np_layer_norm(x, (4, 6)), atol=1e-5)
    xt = t(x, requires_grad=True)
    ln(xt).sum().backward()
    # the sum over the normalised dim is invariant, so dL/dx through y_hat sums to ~0
    assert xt.grad is not None and tuple(xt.grad.shape) == (3, 4, 6)
    close(ln.bias.grad, np.full(6, 12.0), atol=1e-4)


# ------------------------------------------------------------------ losses
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
        close(loss_fn(t(x), t(y)), red(ref), atol=1e-5)


def test_mse_grad(rng):
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    xt = t(x, requires_grad=True)
    F.mse_loss(xt, t(y)).backward()
    close(xt.grad, 2 * (x - y) / x.size, atol=1e-6)


def _np_log_softmax(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _np_cross_entropy(x, y, weight=None, ignore_index=-100, reduction="mean", ls=0.0):
    """Reference from the documented formula, classes on axis 1, index targets."""
    logp = _np_log_softmax(x, 1)
    C = x.shape[1]
    logp = np.moveaxis(logp, 1, -1).reshape(-1, C)
    yy = y.reshape(-1)
    w = np.ones(C) if weight is None else weight
    losses, wsum = [], 0.0
    for row, c in zip(logp, yy):
        if c == ignore_index:
            losses.append(0.0)
            continue
        q = np.full(C, ls / C)
        q[c] += 1 - ls
        losses.append(-(w * q * row).sum())
        wsum += w[c]
    losses = np.array(losses)
    if reduction == "none":
        return losses.reshape(y.shape)
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / wsum


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("ls", [0.0, 0.1])
def test_cross_entropy_matches_numpy(reduction, use_weight, ls, rng):
    x = rng.standard_normal((6, 4)) * 3
    y = np.array([0, 3, 1, -100, 2, 3])
    w = rng.uniform(0.5, 2.0, 4) if use_weight else None
    loss = nn.CrossEntropyLoss(weight=None if w is None else t(w), reduction=reduction, label_smoothing=ls)
    out = loss(t(x), torch.tensor(y.tolist()))
    close(out, _np_cross_entropy(x, y, w, -100, reduction, ls), atol=1e-5)


def test_cross_entropy_spatial_and_unbatched(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    y = rng.integers(0, 3, (2, 4, 5))
    out = F.cross_entropy(t(x), torch.tensor(y.tolist()), reduction="none")
    assert tuple(out.shape) == (2, 4, 5)
    close(out, _np_cross_entropy(x, y, reduction="none"), atol=1e-5)
    close(F.cross_entropy(t(x), torch.tensor(y.tolist())), _np_cross_entropy(x, y), atol=1e-5)
    x1 = rng.standard_normal(5)
    close(F.cross_entropy(t(x1), torch.tensor(2)), -_np_log_softmax(x1[None], 1)[0, 2], atol=1e-5)


def test_cross_entropy_probability_targets(rng):
    x = rng.standard_normal((4, 3))
    p = _np_softmax(rng.standard_normal((4, 3)), 1)
    ref = -(p * _np_log_softmax(x, 1)).sum(1)
    close(F.cross_entropy(t(x), t(p)), ref.mean(), atol=1e-5)
    close(F.cross_entropy(t(x), t(p), reduction="none"), ref, atol=1e-5)
    q = p * 0.8 + 0.2 / 3
    close(F.cross_entropy(t(x), t(p), label_smoothing=0.2), (-(q * _np_log_softmax(x, 1)).sum(1)).mean(), atol=1e-5)


def test_cross_entropy_gradient(rng):
    x = rng.standard_normal((5, 4))
    y = np.array([1, 0, 3, 3, 2])
    xt = t(x, requires_grad=True)
    F.cross_entropy(xt, torch.tensor(y.tolist())).backward()
    onehot = np.eye(4)[y]
    close(xt.grad, (_np_softmax(x, 1) - onehot) / 5, atol=1e-6)


def test_nll_loss(rng):
    logp = _np_log_softmax(rng.standard_normal((5, 3)), 1)
    y = np.array([2, 0, 1, 1, -1])
    w = np.array([1.0, 2.0, 0.5])
    out = nn.NLLLoss(weight=t(w), ignore_index=-1)(t(logp), torch.tensor(y.tolist()))
    picked = np.array([-logp[i, c] * w[c] for i, c in enumerate(y[:4])])
    close(out, picked.sum() / w[y[:4]].sum(), atol=1e-6)
    out_none = F.nll_loss(t(logp), torch.tensor([0, 1, 2, 0, 1]), reduction="none")
    close(out_none, -logp[np.arange(5), [0, 1, 2, 0, 1]], atol=1e-6)


def test_bce_losses(rng):
    z = rng.standard_normal((4, 3)) * 3
    p = 1 / (1 + np.exp(-z))
    y = rng.integers(0, 2, (4, 3)).astype(np.float64)
    w = rng.uniform(0.5, 1.5, (4, 3))
    ref = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    close(nn.BCELoss()(t(p), t(y)), ref.mean(), atol=1e-5)
    close(nn.BCELoss(weight=t(w), reduction="sum")(t(p), t(y)), (ref * w).sum(), atol=1e-4)
    close(nn.BCEWithLogitsLoss()(t(z), t(y)), ref.mean(), atol=1e-5)
    close(nn.BCEWithLogitsLoss(reduction="none")(t(z), t(y)), ref, atol=1e-5)
    pw = np.array([1.0, 2.0, 3.0])
    ref_pw = -(pw * y * np.log(p) + (1 - y) * np.log(1 - p))
    close(nn.BCEWithLogitsLoss(pos_weight=t(pw))(t(z), t(y)), ref_pw.mean(), atol=1e-5)
    # extreme logits stay finite
    big = F.binary_cross_entropy_with_logits(t([100.0, -100.0]), t([0.0, 1.0]), reduction="none")
    close(big, [100.0, 100.0], rtol=1e-6)
    # BCE clamps log at -100
    close(F.binary_cross_entropy(t([0.0, 1.0]), t([1.0, 0.0]), reduction="none"), [100.0, 100.0])


def test_bce_with_logits_gradient(rng):
    z = rng.standard_normal((3, 2))
    y = rng.integers(0, 2, (3, 2)).astype(np.float64)
    zt = t(z, requires_grad=True)
    F.binary_cross_entropy_with_logits(zt, t(y)).backward()
    close(zt.grad, (1 / (1 + np.exp(-z)) - y) / 6, atol=1e-6)


def test_legacy_reduction_flags(rng):
    x, y = t(rng.standard_normal(4)), t(rng.standard_normal(4))
    with pytest.warns(UserWarning):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"
    close(loss(x, y), ((n(x) - n(y)) ** 2).sum(), atol=1e-5)


# ------------------------------------------------------------------ functional extras
def test_functional_misc(rng):
    x = rng.standard_normal((3, 4))
    w, b = rng.standard_normal((2, 4)), rng.standard_normal(2)
    close(F.linear(t(x), t(w), t(b)), x @ w.T + b, atol=1e-5)
    close(F.linear(t(x), t(w)), x @ w.T, atol=1e-5)
    close(F.normalize(t(x), dim=1), x / np.linalg.norm(x, axis=1, keepdims=True), atol=1e-6)
    oh = F.one_hot(torch.tensor([0, 2, 1]), 4)
    np.testing.assert_array_equal(n(oh), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert oh.dtype == torch.int64
    y = rng.standard_normal((3, 4))
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    close(F.cosine_similarity(t(x), t(y)), cos, atol=1e-6)


# ------------------------------------------------------------------ init
def test_init_functions():
    torch.manual_seed(0)
    w = torch.empty(300, 200)
    init.xavier_uniform_(w)
    a = math.sqrt(6 / 500)
    assert np.abs(n(w)).max() <= a
    np.testing.assert_allclose(n(w).std(), a / math.sqrt(3), rtol=0.02)
    init.xavier_normal_(w, gain=2.0)
    np.testing.assert_allclose(n(w).std(), 2 * math.sqrt(2 / 500), rtol=0.02)
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    np.testing.assert_allclose(n(w).std(), math.sqrt(2) / math.sqrt(300), rtol=0.02)
    init.kaiming_uniform_(w, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / 200)
    assert np.abs(n(w)).max() <= bound
    init.normal_(w, 3.0, 0.5)
    assert abs(n(w).mean() - 3.0) < 0.01 and abs(n(w).std() - 0.5) < 0.01
    init.uniform_(w, -2.0, -1.0)
    assert n(w).min() >= -2.0 and n(w).max() <= -1.0
    init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert np.abs(n(w)).max() <= 0.5
    init.constant_(w, 0.25)
    assert np.all(n(w) == 0.25)
    init.ones_(w)
    assert np.all(n(w) == 1)
    init.zeros_(w)
    assert np.all(n(w) == 0)
    e = torch.empty(3, 4)
    init.eye_(e)
    np.testing.assert_array_equal(n(e), np.eye(3, 4))


def test_init_keeps_requires_grad_and_no_graph():
    p = nn.Parameter(torch.empty(3, 3))
    init.kaiming_uniform_(p, a=math.sqrt(5))
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2.0 / 6)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError):
        init.calculate_gain("nope")


# ------------------------------------------------------------------ nn.utils
def test_clip_grad_norm(rng):
    ps = [nn.Parameter(t(rng.standard_normal((3, 2)))), nn.Parameter(t(rng.standard_normal(4)))]
    grads = [rng.standard_normal((3, 2)) * 5, rng.standard_normal(4) * 5]
    for p, g in zip(ps, grads):
        p.grad = t(g)
    total = math.sqrt(sum((g**2).sum() for g in grads))
    out = nn.utils.clip_grad_norm_(ps, max_norm=1.0)
    close(out, total, rtol=1e-5)
    for p, g in zip(ps, grads):
        close(p.grad, g * (1.0 / (total + 1e-6)), rtol=1e-5)
    # below max_norm nothing changes
    before = [n(p.grad).copy() for p in ps]
    nn.utils.clip_grad_norm_(ps, max_norm=10.0)
    for p, b in zip(ps, before):
        close(p.grad, b)
    inf_norm = nn.utils.clip_grad_norm_(ps, max_norm=100.0, norm_type="inf")
    close(inf_norm, max(np.abs(b).max() for b in before), rtol=1e-6)


def test_clip_grad_value_and_vectors(rng):
    lin = nn.Linear(3, 2)
    g = rng.standard_normal((2, 3)) * 3
    lin.weight.grad = t(g)
    lin.bias.grad = t([5.0, -5.0])
    nn.utils.clip_grad_value_(lin.parameters(), 1.0)
    close(lin.weight.grad, np.clip(g, -1, 1))
    close(lin.bias.grad, [1.0, -1.0])
    vec = nn.utils.parameters_to_vector(lin.parameters())
    assert tuple(vec.shape) == (8,)
    close(vec, np.concatenate([n(lin.weight).ravel(), n(lin.bias)]))
    nn.utils.vector_to_parameters(torch.arange(8, dtype=torch.float32), lin.parameters())
    close(lin.weight, np.arange(6).reshape(2, 3))
    close(lin.bias, [6.0, 7.0])

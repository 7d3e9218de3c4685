"""rtorch.nn modules: Parameter, the Module machinery (registration, state_dict, hooks, train/eval, dtype moves,
copying), Linear / Bilinear / Embedding / Flatten and the containers, nn.init, and nn.utils (gradient clipping,
parameter vectors), against NumPy and PyTorch's layouts (parity tests skipped without PyTorch)."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd.gradcheck import gradcheck
from rtorch.nn import init
from helpers import assert_close, n, np_state, randomize, t, to_torch
from torch_ref import assert_grads_close, param_grads, torch_ref


def mlp():
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


# ------------------------------------------------------------------ Parameter
def test_parameter_is_tensor_and_requires_grad():
    p = nn.Parameter(rtorch.zeros(2, 3))
    assert isinstance(p, rtorch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf
    assert tuple(p.shape) == (2, 3)
    assert not nn.Parameter(rtorch.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\n")
    assert tuple(nn.Parameter().shape) == (0,)


def test_parameter_grad_flows():
    p = nn.Parameter(t([1.0, 2.0, 3.0], rtorch.float32))
    (p * p).sum().backward()
    assert_close(p.grad, [2.0, 4.0, 6.0])


# ------------------------------------------------------------------ Linear
def test_linear_forward_matches_numpy(rng):
    lin = nn.Linear(5, 3)
    x = rng.standard_normal((7, 5))
    ref = x @ n(lin.weight).T + n(lin.bias)
    assert_close(lin(t(x, rtorch.float32)), ref, rtol=1e-5, atol=1e-5, dtype=rtorch.float32)
    # batched leading dims
    x3 = rng.standard_normal((2, 4, 5))
    assert_close(lin(t(x3, rtorch.float32)), x3 @ n(lin.weight).T + n(lin.bias), atol=1e-5, dtype=rtorch.float32)


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
    rtorch.manual_seed(123)
    a = nn.Linear(4, 3)
    rtorch.manual_seed(123)
    b = nn.Linear(4, 3)
    np.testing.assert_array_equal(n(a.weight), n(b.weight))
    np.testing.assert_array_equal(n(a.bias), n(b.bias))


def test_linear_without_bias_and_repr():
    lin = nn.Linear(4, 2, bias=False)
    assert lin.bias is None
    assert [name for name, _ in lin.named_parameters()] == ["weight"]
    assert repr(lin) == "Linear(in_features=4, out_features=2, bias=False)"


def test_linear_dtype_argument():
    lin = nn.Linear(3, 2, dtype=rtorch.float64)
    assert lin.weight.dtype == rtorch.float64 and lin.bias.dtype == rtorch.float64


def test_linear_backward_matches_numpy(rng):
    lin = nn.Linear(3, 2)
    x = rng.standard_normal((4, 3))
    g = rng.standard_normal((4, 2))
    (lin(t(x, rtorch.float32)) * t(g, rtorch.float32)).sum().backward()
    assert_close(lin.weight.grad, g.T @ x, atol=1e-5, dtype=rtorch.float32)
    assert_close(lin.bias.grad, g.sum(0), atol=1e-5, dtype=rtorch.float32)


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
            self.scale = nn.Parameter(rtorch.ones(1))
            self.register_buffer("running", rtorch.zeros(2))
            self.register_buffer("tmp", rtorch.zeros(1), persistent=False)
            self.plain = 3

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    net = Net()
    assert [k for k, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [k for k, _ in net.named_buffers()] == ["running", "tmp"]
    assert list(net.state_dict().keys()) == ["scale", "running", "fc.weight", "fc.bias"]
    assert net.plain == 3 and "plain" not in net._parameters
    with pytest.raises(TypeError):
        net.scale = rtorch.ones(1)  # a plain tensor cannot replace a Parameter
    net.scale = None
    assert net.scale is None and "scale" not in dict(net.named_parameters())
    net.running = rtorch.ones(2)
    assert_close(net.running, [1.0, 1.0])
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
    x = t(rng.standard_normal((5, 4)), rtorch.float32)
    np.testing.assert_array_equal(n(a(x)), n(b(x)))
    assert isinstance(b[0].weight, nn.Parameter) and b[0].weight.requires_grad


def test_load_state_dict_strict_and_non_strict():
    model = mlp()
    sd = model.state_dict()
    del sd["2.bias"]
    sd["extra"] = rtorch.zeros(1)
    sd["0.junk"] = rtorch.zeros(1)
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict(sd)
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["2.bias"]
    assert sorted(result.unexpected_keys) == ["0.junk", "extra"]
    bad = mlp().state_dict()
    bad["0.weight"] = rtorch.zeros(2, 2)
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
    model(t(rng.standard_normal((3, 4)), rtorch.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.all(n(p.grad) == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_to_dtype_and_float_double(rng):
    model = mlp()
    model.register_buffer("steps", rtorch.zeros(1, dtype=rtorch.int64))
    w = n(model[0].weight).copy()
    model.to(rtorch.float64)
    assert all(p.dtype == rtorch.float64 for p in model.parameters())
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    assert model.steps.dtype == rtorch.int64  # only floating point tensors are cast
    np.testing.assert_allclose(n(model[0].weight), w.astype(np.float64))
    out = model(t(rng.standard_normal((2, 4)), dtype=rtorch.float64))
    assert out.dtype == rtorch.float64
    model.float()
    assert all(p.dtype == rtorch.float32 for p in model.parameters())
    model.double()
    assert all(p.dtype == rtorch.float64 for p in model.parameters())
    assert model.to("cpu") is model and model.cpu() is model
    with pytest.raises(TypeError):
        model.to(rtorch.int64)


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
    y = lin(rtorch.ones(3, 2))
    assert_close(y, np.tile(n(lin.bias) + 1, (3, 1)))
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    x = rtorch.ones(3, 2)
    assert_close(lin(x), np.ones((3, 2)) @ n(lin.weight).T + n(lin.bias), dtype=rtorch.float32)
    assert calls == [(3, 2)]


def test_forward_hooks_with_kwargs_and_prepend():
    lin = nn.Linear(2, 2)
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append("second"))
    lin.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    lin.register_forward_pre_hook(lambda m, a, kw: ((a[0] * 0,), kw), with_kwargs=True)
    out = lin.register_forward_hook(lambda m, a, kw, o: o * 2, with_kwargs=True)
    assert_close(lin(rtorch.ones(1, 2)), 2 * n(lin.bias)[None])
    assert order == ["first", "second"]
    with out:
        pass  # the handle is a context manager that removes its hook
    assert_close(lin(rtorch.ones(1, 2)), n(lin.bias)[None])


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
    x = t(rng.standard_normal((2, 4)), rtorch.float32)
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
        nn.Module()(rtorch.ones(1))


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
    out = net(rtorch.ones(5, 2))
    assert tuple(out["b"].shape) == (5, 4)


# ------------------------------------------------------------------ shape layers
def test_flatten_unflatten_identity():
    x = rtorch.zeros(2, 3, 4, 5)
    assert tuple(nn.Flatten()(x).shape) == (2, 60)
    assert tuple(nn.Flatten(0, 2)(x).shape) == (24, 5)
    assert tuple(nn.Unflatten(1, (3, 20))(rtorch.zeros(2, 60)).shape) == (2, 3, 20)
    assert tuple(nn.Unflatten(-1, (2, 2))(rtorch.zeros(3, 4)).shape) == (3, 2, 2)
    assert nn.Identity(54, unused="x")(x) is x


# ------------------------------------------------------------------ embedding
def test_embedding_forward_and_grad():
    rtorch.manual_seed(0)
    emb = nn.Embedding(10, 4, padding_idx=0)
    assert np.all(n(emb.weight)[0] == 0)
    idx = rtorch.tensor([[1, 0, 3], [3, 3, 9]])
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
    rtorch.manual_seed(0)
    emb = nn.Embedding(1000, 50)
    assert abs(n(emb.weight).std() - 1.0) < 0.02
    w = t([[1.0, 2.0], [3.0, 4.0]], rtorch.float32)
    pre = nn.Embedding.from_pretrained(w)
    assert not pre.weight.requires_grad
    assert_close(pre(rtorch.tensor([1])), [[3.0, 4.0]])


def test_embedding_max_norm_renormalises_looked_up_rows():
    rtorch.manual_seed(0)
    emb = nn.Embedding(6, 4, max_norm=1.0)
    before = n(emb.weight).copy()
    emb(rtorch.tensor([1, 3, 3]))
    after = n(emb.weight)
    for row in range(6):
        norm = np.linalg.norm(before[row])
        if row in (1, 3) and norm > 1.0:
            np.testing.assert_allclose(np.linalg.norm(after[row]), 1.0, rtol=1e-5)
        else:
            np.testing.assert_array_equal(after[row], before[row])


# ------------------------------------------------------------------ Bilinear
def test_bilinear_matches_numpy_and_init(rng):
    rtorch.manual_seed(0)
    m = nn.Bilinear(5, 3, 4)
    assert list(m.state_dict()) == ["weight", "bias"] and tuple(m.weight.shape) == (4, 5, 3)
    bound = 1 / math.sqrt(5)
    assert np.abs(n(m.weight)).max() <= bound and np.abs(n(m.weight)).max() > 0.8 * bound
    assert np.abs(n(m.bias)).max() <= bound
    assert repr(m) == "Bilinear(in1_features=5, in2_features=3, out_features=4, bias=True)"
    m = m.double()
    x1, x2 = rng.standard_normal((2, 6, 5)), rng.standard_normal((2, 6, 3))
    ref = np.einsum("...i,oij,...j->...o", x1, n(m.weight), x2) + n(m.bias)
    assert_close(m(t(x1), t(x2)), ref, rtol=1e-6, atol=1e-8)
    assert tuple(nn.Bilinear(5, 3, 4, bias=False).double()(t(x1[0, 0]), t(x2[0, 0])).shape) == (4,)


def test_bilinear_gradcheck_and_errors(rng):
    x1, x2 = t(rng.standard_normal((3, 2)), requires_grad=True), t(rng.standard_normal((3, 4)), requires_grad=True)
    w, b = t(rng.standard_normal((5, 2, 4)), requires_grad=True), t(rng.standard_normal(5), requires_grad=True)
    assert gradcheck(F.bilinear, (x1, x2, w, b))
    with pytest.raises(RuntimeError, match=r"batch dimensions do not match: got \[3\] and \[2\]"):
        F.bilinear(x1, t(rng.standard_normal((2, 4))), w)
    with pytest.raises(RuntimeError, match="input1 size does not match weight size: got 2 but expected 3"):
        F.bilinear(x1, x2, t(rng.standard_normal((5, 3, 4))))
    with pytest.raises(RuntimeError, match="input2 size does not match weight size: got 4 but expected 6"):
        F.bilinear(x1, x2, t(rng.standard_normal((5, 2, 6))))


# ------------------------------------------------------------------ init
def test_init_functions():
    rtorch.manual_seed(0)
    w = rtorch.empty(300, 200)
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
    e = rtorch.empty(3, 4)
    init.eye_(e)
    np.testing.assert_array_equal(n(e), np.eye(3, 4))


def test_init_keeps_requires_grad_and_no_graph():
    p = nn.Parameter(rtorch.empty(3, 3))
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


@pytest.mark.parametrize("shape", [(5, 5), (3, 8), (8, 3), (4, 2, 3)])
def test_orthogonal_init(shape):
    rtorch.manual_seed(0)
    w = rtorch.empty(*shape, dtype=rtorch.float64)
    assert nn.init.orthogonal_(w, gain=2.0) is w
    m = w.numpy().reshape(shape[0], -1)
    rows, cols = m.shape
    gram = m @ m.T if rows <= cols else m.T @ m
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-10)
    # Different seeds give different matrices; the same seed the same one.
    rtorch.manual_seed(0)
    again = nn.init.orthogonal_(rtorch.empty(*shape, dtype=rtorch.float64), gain=2.0)
    assert rtorch.equal(again, w)
    rtorch.manual_seed(1)
    assert not rtorch.equal(nn.init.orthogonal_(rtorch.empty(*shape, dtype=rtorch.float64), gain=2.0), w)


def test_orthogonal_rejects_1d():
    with pytest.raises(ValueError, match="2 or more"):
        nn.init.orthogonal_(rtorch.empty(4))


# ------------------------------------------------------------------ nn.utils
def test_clip_grad_norm(rng):
    ps = [nn.Parameter(t(rng.standard_normal((3, 2)), rtorch.float32)),
          nn.Parameter(t(rng.standard_normal(4), rtorch.float32))]
    grads = [rng.standard_normal((3, 2)) * 5, rng.standard_normal(4) * 5]
    for p, g in zip(ps, grads):
        p.grad = t(g, rtorch.float32)
    total = math.sqrt(sum((g**2).sum() for g in grads))
    out = nn.utils.clip_grad_norm_(ps, max_norm=1.0)
    assert_close(out, total, rtol=1e-5)
    for p, g in zip(ps, grads):
        assert_close(p.grad, g * (1.0 / (total + 1e-6)), rtol=1e-5, dtype=rtorch.float32)
    # below max_norm nothing changes
    before = [n(p.grad).copy() for p in ps]
    nn.utils.clip_grad_norm_(ps, max_norm=10.0)
    for p, b in zip(ps, before):
        assert_close(p.grad, b)
    inf_norm = nn.utils.clip_grad_norm_(ps, max_norm=100.0, norm_type="inf")
    assert_close(inf_norm, max(np.abs(b).max() for b in before), rtol=1e-6)


def test_clip_grad_value_and_vectors(rng):
    lin = nn.Linear(3, 2)
    g = rng.standard_normal((2, 3)) * 3
    lin.weight.grad = t(g, rtorch.float32)
    lin.bias.grad = t([5.0, -5.0], rtorch.float32)
    nn.utils.clip_grad_value_(lin.parameters(), 1.0)
    assert_close(lin.weight.grad, np.clip(g, -1, 1), dtype=rtorch.float32)
    assert_close(lin.bias.grad, [1.0, -1.0])
    vec = nn.utils.parameters_to_vector(lin.parameters())
    assert tuple(vec.shape) == (8,)
    assert_close(vec, np.concatenate([n(lin.weight).ravel(), n(lin.bias)]))
    nn.utils.vector_to_parameters(rtorch.arange(8, dtype=rtorch.float32), lin.parameters())
    assert_close(lin.weight, np.arange(6).reshape(2, 3), dtype=rtorch.float32)
    assert_close(lin.bias, [6.0, 7.0])


def test_bilinear_conv_transpose_and_pool1d_match_torch(rng):
    rb = randomize(nn.Bilinear(4, 3, 5), rng)
    x1, x2 = rng.standard_normal((2, 6, 4)).astype(np.float32), rng.standard_normal((2, 6, 3)).astype(np.float32)
    kw = dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 0), groups=2, dilation=(2, 1))
    rc = randomize(nn.ConvTranspose2d(4, 6, (3, 4), **kw), rng)
    x = rng.standard_normal((2, 4, 5, 4)).astype(np.float32)
    rc2 = randomize(nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1), rng)
    x_small = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    x_1d = rng.standard_normal((2, 3, 11)).astype(np.float32)
    pools = ((2, None, 0), (3, 2, 1), (4, 3, 2))
    states = [np_state(m) for m in (rb, rc, rc2)]

    def torch_side(torch):
        tb, tc, tc2 = (m.float() for m in (torch.nn.Bilinear(4, 3, 5), torch.nn.ConvTranspose2d(4, 6, (3, 4), **kw),
                                            torch.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)))
        for m, state in zip((tb, tc, tc2), states):
            m.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        ts = [to_torch(torch, a, True) for a in (x1, x2)]
        yb = tb(*ts)
        yb.sum().backward()
        xt = to_torch(torch, x, True)
        yc = tc(xt)
        yc.sum().backward()
        sized = [tc2(to_torch(torch, x_small), output_size=size) for size in ([10, 11], [12, 10])]
        pooled = []
        for k, s, p in pools:
            ot, it = torch.nn.MaxPool1d(k, s, p, return_indices=True)(to_torch(torch, x_1d))
            avg = [torch.nn.AvgPool1d(k, s, p, count_include_pad=cip)(to_torch(torch, x_1d)) for cip in (True, False)]
            pooled.append((ot, it, avg, repr(torch.nn.AvgPool1d(k, s, p)), repr(torch.nn.MaxPool1d(k, s, p))))
        return ((yb, [a.grad for a in ts], param_grads(tb), repr(tb)),
                (yc, xt.grad, param_grads(tc), repr(tc)), sized, pooled)
    bil, conv, sized, pooled = torch_ref(torch_side)

    yt, gts, pgt, rep = bil
    rs = [t(a, rtorch.float32, True) for a in (x1, x2)]
    yr = rb(*rs)
    assert_close(yr, yt, rtol=1e-4, atol=1e-5)
    yr.sum().backward()
    for a, b in zip(rs, gts):
        assert_close(a.grad, b, rtol=1e-4, atol=1e-5)
    assert_grads_close(rb, pgt)
    assert repr(rb) == rep

    yt, gxt, pgt, rep = conv
    assert repr(rc) == rep
    xr = t(x, rtorch.float32, True)
    yr = rc(xr)
    assert_close(yr, yt, rtol=1e-4, atol=1e-5)
    yr.sum().backward()
    assert_close(xr.grad, gxt, rtol=1e-4, atol=1e-5)
    assert_grads_close(rc, pgt, atol=1e-4)
    for size, ref in zip(([10, 11], [12, 10]), sized):
        assert_close(rc2(t(x_small, rtorch.float32), output_size=size), ref, rtol=1e-4, atol=1e-5)

    xr = t(x_1d, rtorch.float32, True)
    for (k, s, p), (ot, it, avg, avg_repr, max_repr) in zip(pools, pooled):
        orr, ir = nn.MaxPool1d(k, s, p, return_indices=True)(xr)
        assert_close(orr, ot, rtol=1e-4, atol=1e-5)
        assert_close(ir, it)
        for cip, ref in zip((True, False), avg):
            assert_close(nn.AvgPool1d(k, s, p, count_include_pad=cip)(xr), ref, rtol=1e-4, atol=1e-5)
        assert repr(nn.AvgPool1d(k, s, p)) == avg_repr
        assert repr(nn.MaxPool1d(k, s, p)) == max_repr


def test_init_statistics_match_torch_layout():
    # the same parameter names, shapes and zero/one initialisations as PyTorch
    makers = (lambda m: m.BatchNorm2d(5), lambda m: m.GroupNorm(2, 4), lambda m: m.RMSNorm(3),
              lambda m: m.MultiheadAttention(8, 4, kdim=3, add_bias_kv=True),
              lambda m: m.TransformerEncoderLayer(8, 2, 16), lambda m: m.Bilinear(2, 3, 4),
              lambda m: m.ConvTranspose2d(4, 6, 3, groups=2))

    def layout(torch):  # per module: [name, shape, the constant value or None] of every state entry
        out = []
        for make in makers:
            rows = []
            for k, v in make(torch.nn).state_dict().items():
                tv = v.float().numpy()
                rows.append([k, tuple(v.shape), float(tv.flat[0]) if tv.size and np.all(tv == tv.flat[0]) else None])
            out.append(rows)
        return out
    for make, rows in zip(makers, torch_ref(layout), strict=True):
        rsd = make(nn).state_dict()
        assert list(rsd) == [k for k, _, _ in rows]
        for k, shape, const in rows:
            assert tuple(rsd[k].shape) == shape, k
            if const is not None:  # constant initialisations (zeros / ones) must agree exactly
                assert np.all(n(rsd[k]).astype(np.float32) == const), k


# ---- issue 16 item 14: nn.init's whole namespace; Module.to / .double() keep the Parameter objects ----



def test_init_has_pytorchs_names():
    import rtorch.nn.init as init

    for name in ("calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
                 "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
                 "sparse_", "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
                 "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"):
        assert callable(getattr(init, name)) and name in init.__all__, name
    w = rtorch.empty(4, 2, 3, 3)
    init.dirac_(w)
    x = rtorch.randn(1, 2, 5, 5)
    y = rtorch.nn.functional.conv2d(x, w, padding=1)
    assert rtorch.equal(y[:, :2], x) and float(y[:, 2:].abs().sum()) == 0.0  # passes the first 2 channels through
    w = rtorch.empty(6, 3, 3)
    init.dirac_(w, groups=2)
    assert float(w.sum()) == 6.0
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(rtorch.empty(2, 2))
    s = rtorch.empty(10, 4)
    init.sparse_(s, sparsity=0.3)
    assert ((s == 0).sum(0) >= 3).all()
    with pytest.warns(FutureWarning, match="nn.init.xavier_uniform` is now deprecated"):
        init.xavier_uniform(rtorch.empty(3, 3))


def test_module_conversion_keeps_parameter_objects():
    m = rtorch.nn.Linear(3, 2)
    params = list(m.parameters())
    opt = rtorch.optim.SGD(m.parameters(), lr=0.1)
    m(rtorch.ones(1, 3)).sum().backward()
    m.double()
    assert all(a is b for a, b in zip(params, m.parameters()))  # as in PyTorch: optimizers keep working
    assert m.weight.dtype is rtorch.float64 and m.weight.grad.dtype is rtorch.float64
    opt.step()
    out = m(rtorch.ones(1, 3, dtype=rtorch.float64))
    assert out.dtype is rtorch.float64 and m.weight.requires_grad and isinstance(m.weight, rtorch.nn.Parameter)


def test_parameter_list_registers_and_prints_as_pytorch():
    pl = nn.ParameterList([nn.Parameter(rtorch.ones(2)), rtorch.zeros(3, 4)])
    assert repr(pl) == ("ParameterList(\n    (0): Parameter containing: [rtorch.float32 of size 2]\n"
                        "    (1): Parameter containing: [rtorch.float32 of size 3x4]\n)")
    assert isinstance(pl[1], nn.Parameter) and pl[1].requires_grad  # a plain tensor is wrapped
    pl.append(rtorch.ones(1))
    assert len(pl) == 3 and pl[-1].shape == (1,) and isinstance(pl[0:2], nn.ParameterList) and len(pl[0:2]) == 2
    assert list(pl.state_dict()) == ["0", "1", "2"]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        pl[5]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        pl.extend(3)

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = nn.ParameterList([nn.Parameter(rtorch.full((2,), float(i))) for i in range(3)])

        def forward(self, x):
            return sum(p * x for p in self.ps)

    m = M()
    assert list(m.state_dict()) == ["ps.0", "ps.1", "ps.2"] and len(list(m.parameters())) == 3
    opt = rtorch.optim.SGD(m.parameters(), lr=1.0)
    m(rtorch.ones(2)).sum().backward()
    opt.step()
    assert m.ps[2].tolist() == [1.0, 1.0]  # 2 - 1 * grad(1): the optimizer reached the listed parameters
    m2 = M()
    m2.load_state_dict(m.state_dict())
    assert m2.ps[0].tolist() == [-1.0, -1.0]


def test_parameter_dict_behaves_like_an_ordered_dict():
    pd = nn.ParameterDict({"a": nn.Parameter(rtorch.ones(2)), "b": rtorch.zeros(2, dtype=rtorch.float64)})
    assert repr(pd) == ("ParameterDict(\n    (a): Parameter containing: [rtorch.FloatTensor of size 2]\n"
                        "    (b): Parameter containing: [rtorch.DoubleTensor of size 2]\n)")
    assert list(pd.state_dict()) == ["a", "b"] and "a" in pd and len(pd) == 2
    pd["c"] = rtorch.ones(1)
    assert list(pd) == ["a", "b", "c"] and isinstance(pd["c"], nn.Parameter)
    assert pd.pop("a").shape == (2,) and list(pd.keys()) == ["b", "c"] and "a" not in dict(pd.named_parameters())
    assert pd.get("zz") is None and pd.setdefault("d", rtorch.ones(3)).shape == (3,)
    assert [k for k, _ in pd.items()] == ["b", "c", "d"] and len(list(pd.values())) == 3
    assert pd.popitem()[0] == "d" and list(pd) == ["b", "c"]
    with pytest.raises(AttributeError, match="'ParameterDict' object has no attribute 'zz'"):
        pd["zz"]
    with pytest.raises(ValueError, match="element #0 has length 3"):
        pd.update([("x", 1, 2)])
    with pytest.raises(TypeError, match="iterable of key/value pairs, but got int"):  # PyTorch's message
        nn.ParameterDict(32)
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []

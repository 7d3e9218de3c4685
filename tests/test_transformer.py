"""Tests for nn.TransformerDecoderLayer, nn.TransformerDecoder and nn.Transformer.

Forward values are checked against a NumPy decoder written here, gradients with float64 gradcheck, masks with
causality and padding checks; the ``*_matches_torch`` tests (skipped without PyTorch) copy the weights into PyTorch
(eval mode, so dropout is off) and compare outputs, input and parameter gradients, and state_dicts both ways."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck


def t(a, dtype=rtorch.float64):
    return rtorch.tensor(np.asarray(a, dtype=np.float64)).to(dtype)


def n(x):
    return x.detach().numpy()


def close(x, ref, rtol=1e-10, atol=1e-12):
    got = n(x)
    assert got.shape == np.shape(ref), f"shape {got.shape} != {np.shape(ref)}"
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def randomize(m, rng, scale=0.5):
    with rtorch.no_grad():
        for p in m.parameters():
            p.copy_(t(rng.standard_normal(tuple(p.shape)) * scale).to(p.dtype))
    return m


# ============================================================================ NumPy reference
def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_mha(q, kv, p, H, attn_mask=None, kpm=None):
    """Multi-head attention on (L, N, E) query and (S, N, E) key/value with packed in_proj parameters ``p``."""
    E = q.shape[-1]
    d = E // H
    wq, wk, wv = np.split(p["in_proj_weight"], 3)
    bq, bk, bv = np.split(p["in_proj_bias"], 3) if "in_proj_bias" in p else (0, 0, 0)
    Q, K, V = q @ wq.T + bq, kv @ wk.T + bk, kv @ wv.T + bv
    L, N, S = q.shape[0], q.shape[1], kv.shape[0]
    Q, K, V = (a.reshape(a.shape[0], N, H, d).transpose(1, 2, 0, 3) for a in (Q, K, V))  # (N, H, len, d)
    s = Q @ K.swapaxes(-1, -2) / math.sqrt(d)
    if attn_mask is not None:
        s = np.where(attn_mask, -np.inf, s) if attn_mask.dtype == bool else s + attn_mask
    if kpm is not None:
        s = np.where(kpm[:, None, None, :], -np.inf, s)
    o = (np_softmax(s) @ V).transpose(2, 0, 1, 3).reshape(L, N, E)
    return o @ p["out_proj.weight"].T + p.get("out_proj.bias", 0)


def np_layer_norm(x, p, name, eps=1e-5):
    y = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)
    return y * p[f"{name}.weight"] + p.get(f"{name}.bias", 0)


def sub(p, prefix):
    return {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}


def np_decoder_layer(x, mem, p, H, norm_first=False, act="relu", tgt_mask=None, memory_mask=None, tkpm=None,
                     mkpm=None):
    f = {"relu": lambda z: np.maximum(z, 0),
         "gelu": lambda z: 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))}[act]

    def sa(y):
        return np_mha(y, y, sub(p, "self_attn."), H, tgt_mask, tkpm)

    def ca(y):
        return np_mha(y, mem, sub(p, "multihead_attn."), H, memory_mask, mkpm)

    def ff(y):
        return f(y @ p["linear1.weight"].T + p["linear1.bias"]) @ p["linear2.weight"].T + p["linear2.bias"]

    if norm_first:
        x = x + sa(np_layer_norm(x, p, "norm1"))
        x = x + ca(np_layer_norm(x, p, "norm2"))
        return x + ff(np_layer_norm(x, p, "norm3"))
    x = np_layer_norm(x + sa(x), p, "norm1")
    x = np_layer_norm(x + ca(x), p, "norm2")
    return np_layer_norm(x + ff(x), p, "norm3")


def np_state(m):
    return {k: n(v) for k, v in m.state_dict().items()}


# ============================================================================ structure
DECODER_LAYER_KEYS = [
    "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
    "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias", "multihead_attn.out_proj.weight",
    "multihead_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
    "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias"]


def test_decoder_layer_structure():
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    assert list(layer.state_dict()) == DECODER_LAYER_KEYS
    assert layer.dropout.p == layer.dropout1.p == layer.dropout3.p == 0.1 and layer.multihead_attn.dropout == 0.1
    assert layer.norm3.eps == 1e-5 and layer.activation is F.relu and not layer.norm_first
    assert tuple(layer.linear1.weight.shape) == (16, 8)
    assert list(nn.TransformerDecoderLayer(8, 2, 16, bias=False).state_dict()) == [
        k for k in DECODER_LAYER_KEYS if not k.endswith("bias")]
    assert nn.TransformerDecoderLayer(8, 2, activation="gelu").activation is F.gelu
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerDecoderLayer(8, 2, activation="tanh")
    layer = nn.TransformerDecoderLayer(8, 2, 16, layer_norm_eps=1e-3, batch_first=True, dtype=rtorch.float64)
    assert layer.norm2.eps == 1e-3 and layer.self_attn.batch_first and layer.multihead_attn.batch_first
    assert all(p.dtype == rtorch.float64 for p in layer.parameters())


def test_transformer_structure_and_init():
    model = nn.Transformer(8, 2, num_encoder_layers=2, num_decoder_layers=3, dim_feedforward=16)
    keys = list(model.state_dict())
    assert keys[0] == "encoder.layers.0.self_attn.in_proj_weight"
    assert "encoder.norm.weight" in keys and "decoder.norm.bias" in keys
    assert "decoder.layers.2.multihead_attn.out_proj.weight" in keys and "decoder.layers.3.norm1.weight" not in keys
    assert len(model.encoder.layers) == 2 and len(model.decoder.layers) == 3
    assert model.d_model == 8 and model.nhead == 2 and model.batch_first is False
    # every matrix is xavier-uniform; the layers do not share weights
    for name, p in model.named_parameters():
        if p.dim() > 1:
            fan_out, fan_in = p.shape[0], p.shape[1]
            assert np.abs(n(p)).max() <= math.sqrt(6 / (fan_in + fan_out)) + 1e-7, name
    a, b = model.decoder.layers[0].linear1.weight, model.decoder.layers[1].linear1.weight
    assert a is not b and not np.array_equal(n(a), n(b))
    custom = nn.Linear(8, 8)
    assert nn.Transformer(8, 2, 1, 1, 16, custom_encoder=custom).encoder is custom


def test_generate_square_subsequent_mask():
    m = nn.Transformer.generate_square_subsequent_mask(3)
    np.testing.assert_array_equal(n(m), [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]])
    assert m.dtype == rtorch.float32
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=rtorch.float64).dtype == rtorch.float64
    assert nn.Transformer(8, 2, 1, 1, 16).generate_square_subsequent_mask(4).shape == (4, 4)  # also on an instance


# ============================================================================ values
@pytest.mark.parametrize("norm_first,act", [(False, "relu"), (True, "gelu")])
def test_decoder_layer_matches_numpy(norm_first, act, rng):
    E, H, T, S, N = 8, 2, 5, 6, 3
    layer = randomize(nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, activation=act,
                                                 norm_first=norm_first).double(), rng)
    p = np_state(layer)
    x, mem = rng.standard_normal((T, N, E)), rng.standard_normal((S, N, E))
    tgt_mask = np.triu(np.full((T, T), -np.inf), 1)
    memory_mask = rng.random((T, S)) > 0.7
    memory_mask[:, 0] = False
    tkpm, mkpm = np.zeros((N, T), bool), np.zeros((N, S), bool)
    tkpm[1, 4], mkpm[2, 3:] = True, True
    close(layer(t(x), t(mem)), np_decoder_layer(x, mem, p, H, norm_first, act))
    got = layer(t(x), t(mem), tgt_mask=t(tgt_mask), memory_mask=rtorch.tensor(memory_mask),
                tgt_key_padding_mask=rtorch.tensor(tkpm), memory_key_padding_mask=rtorch.tensor(mkpm))
    close(got, np_decoder_layer(x, mem, p, H, norm_first, act, tgt_mask, memory_mask, tkpm, mkpm))
    # the causal hint with its mask gives the same result
    close(layer(t(x), t(mem), tgt_mask=t(tgt_mask), tgt_is_causal=True),
          np_decoder_layer(x, mem, p, H, norm_first, act, tgt_mask))
    # batch_first and unbatched inputs are the same computation
    bf = nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, activation=act, norm_first=norm_first,
                                    batch_first=True).double()
    bf.load_state_dict(layer.state_dict())
    close(bf(t(x.transpose(1, 0, 2)), t(mem.transpose(1, 0, 2))), n(layer(t(x), t(mem))).transpose(1, 0, 2))
    close(layer(t(x[:, 1]), t(mem[:, 1])), n(layer(t(x), t(mem)))[:, 1])


def test_decoder_layer_callable_activation(rng):
    layer = randomize(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, activation=F.silu).double(), rng)
    ref = randomize(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0).double(), rng)
    ref.load_state_dict(layer.state_dict())
    ref.activation = lambda z: z * z.sigmoid()
    x, mem = t(rng.standard_normal((3, 2, 4))), t(rng.standard_normal((4, 2, 4)))
    close(layer(x, mem), n(ref(x, mem)))


def test_decoder_stack_matches_numpy_and_gradcheck(rng):
    E, H, T, S, N = 4, 2, 3, 4, 2
    dec = randomize(nn.TransformerDecoder(nn.TransformerDecoderLayer(E, H, 6, dropout=0.0), 2,
                                          norm=nn.LayerNorm(E)).double(), rng)
    assert dec.layers[0].linear1.weight is not dec.layers[1].linear1.weight and dec.num_layers == 2
    x, mem = rng.standard_normal((T, N, E)), rng.standard_normal((S, N, E))
    mask = np.triu(np.full((T, T), -np.inf), 1)
    mkpm = np.zeros((N, S), bool)
    mkpm[0, -1] = True
    p = np_state(dec)
    ref = x
    for i in range(2):
        ref = np_decoder_layer(ref, mem, sub(p, f"layers.{i}."), H, tgt_mask=mask, mkpm=mkpm)
    ref = np_layer_norm(ref, p, "norm")
    kw = dict(tgt_mask=t(mask), memory_key_padding_mask=rtorch.tensor(mkpm))
    close(dec(t(x), t(mem), **kw), ref)
    xt, mt = t(x).requires_grad_(True), t(mem).requires_grad_(True)
    assert gradcheck(lambda a, b: dec(a, b, **kw), (xt, mt))
    # and with respect to the parameters (gradcheck perturbs them in place)
    params = [dec.layers[1].multihead_attn.in_proj_weight, dec.layers[0].norm3.bias, dec.norm.weight]
    assert gradcheck(lambda *_: dec(t(x), t(mem), **kw), params)


def test_transformer_matches_encoder_then_decoder(rng):
    E, H = 8, 2
    model = randomize(nn.Transformer(E, H, 2, 2, 16, dropout=0.0, batch_first=True).double(), rng)
    src, tgt = t(rng.standard_normal((3, 6, E))), t(rng.standard_normal((3, 4, E)))
    mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=rtorch.float64)
    skpm = rtorch.tensor(np.array([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]]))
    out = model(src, tgt, tgt_mask=mask, src_key_padding_mask=skpm, memory_key_padding_mask=skpm)
    memory = model.encoder(src, src_key_padding_mask=skpm)
    close(out, n(model.decoder(tgt, memory, tgt_mask=mask, memory_key_padding_mask=skpm)))
    assert tuple(out.shape) == (3, 4, E)
    # unbatched
    close(model(src[1], tgt[1], tgt_mask=mask), n(model(src[1:2], tgt[1:2], tgt_mask=mask))[0])


def test_transformer_gradcheck(rng):
    model = randomize(nn.Transformer(4, 2, 1, 1, 6, dropout=0.0).double(), rng)
    src = t(rng.standard_normal((3, 2, 4))).requires_grad_(True)
    tgt = t(rng.standard_normal((2, 2, 4))).requires_grad_(True)
    mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=rtorch.float64)
    assert gradcheck(lambda s, g: model(s, g, tgt_mask=mask), (src, tgt))


def test_causal_mask_and_padding_hide_positions(rng):
    E, T = 8, 5
    model = randomize(nn.Transformer(E, 2, 1, 2, 16, dropout=0.0).double(), rng, scale=0.3)
    src, tgt = rng.standard_normal((6, 2, E)), rng.standard_normal((T, 2, E))
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=rtorch.float64)
    base = n(model(t(src), t(tgt), tgt_mask=mask))
    later = tgt.copy()
    later[3:] += 10.0  # changing future target steps leaves the earlier outputs alone
    moved = n(model(t(src), t(later), tgt_mask=mask))
    np.testing.assert_allclose(moved[:3], base[:3], rtol=1e-12, atol=1e-12)
    assert not np.allclose(moved[3:], base[3:])
    # a padded source step does not reach the output when both the encoder and cross-attention skip it
    kpm = np.zeros((2, 6), bool)
    kpm[:, -1] = True
    other = src.copy()
    other[-1] += 10.0
    kw = dict(tgt_mask=mask, src_key_padding_mask=rtorch.tensor(kpm), memory_key_padding_mask=rtorch.tensor(kpm))
    np.testing.assert_allclose(n(model(t(src), t(tgt), **kw)), n(model(t(other), t(tgt), **kw)), rtol=1e-12,
                               atol=1e-12)


def test_tgt_is_causal_detection(rng):
    dec = randomize(nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0), 2).double(), rng)
    x, mem = t(rng.standard_normal((3, 2, 4))), t(rng.standard_normal((4, 2, 4)))
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=rtorch.float64)
    seen = []
    orig = nn.MultiheadAttention.forward

    def spy(self, *a, **kw):
        seen.append(kw.get("is_causal"))
        return orig(self, *a, **kw)

    nn.MultiheadAttention.forward = spy
    try:
        detected = dec(x, mem, tgt_mask=mask)  # tgt_is_causal=None: a causal mask is recognised
        explicit = dec(x, mem, tgt_mask=mask, tgt_is_causal=False)
    finally:
        nn.MultiheadAttention.forward = orig
    assert seen == [True, False, True, False, False, False, False, False]  # self-attn, cross-attn per layer
    close(detected, n(explicit))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        dec.layers[0](x, mem, tgt_is_causal=True)


def test_dropout_only_in_training(rng):
    layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.5)
    x, mem = rtorch.randn(4, 2, 8), rtorch.randn(5, 2, 8)
    layer.eval()
    np.testing.assert_array_equal(n(layer(x, mem)), n(layer(x, mem)))
    layer.train()
    rtorch.manual_seed(0)
    a = n(layer(x, mem))
    assert not np.allclose(a, n(layer(x, mem)))


def test_transformer_errors():
    model = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(rtorch.randn(5, 2, 8), rtorch.randn(4, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        model(rtorch.randn(5, 2, 8), rtorch.randn(4, 2, 6))
    bf = nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        bf(rtorch.randn(2, 5, 8), rtorch.randn(3, 5, 8))


def test_state_dict_round_trip_through_safetensors(tmp_path, rng):
    model = randomize(nn.Transformer(8, 2, 1, 2, 16), rng)
    path = str(tmp_path / "transformer.safetensors")
    rtorch.save(model.state_dict(), path)
    fresh = nn.Transformer(8, 2, 1, 2, 16)
    fresh.load_state_dict(rtorch.load(path))
    model.eval()
    fresh.eval()
    src, tgt = rtorch.randn(5, 2, 8), rtorch.randn(3, 2, 8)
    np.testing.assert_array_equal(n(model(src, tgt)), n(fresh(src, tgt)))


# ============================================================================ PyTorch parity
def _torch():
    return pytest.importorskip("torch")


def _perturb_vectors(torch, module):
    """Give the biases and norm parameters (zeros/ones at init) non-trivial values."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() == 1:
                p.copy_(torch.randn(p.shape) * 0.5 + (1.0 if "norm" in name and name.endswith("weight") else 0.0))


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "activation": "gelu"}, {"batch_first": True},
                                {"bias": False, "layer_norm_eps": 1e-3}, {"activation": "callable"}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_transformer_matches_torch(kw, dtype, rng):
    torch = _torch()
    E, H, T, S, N = 8, 2, 5, 6, 3
    tkw, rkw = dict(kw), dict(kw)
    if kw.get("activation") == "callable":
        tkw["activation"], rkw["activation"] = torch.nn.functional.silu, F.silu
    torch.manual_seed(0)
    tm = torch.nn.Transformer(E, H, 2, 2, 16, dropout=0.1, **tkw).to(getattr(torch, dtype))
    rm = nn.Transformer(E, H, 2, 2, 16, dropout=0.1, **rkw).to(getattr(rtorch, dtype))
    _perturb_vectors(torch, tm)
    assert list(tm.state_dict()) == list(rm.state_dict())
    rm.load_state_dict({k: rtorch.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    tm.eval()
    rm.eval()
    bf = kw.get("batch_first", False)
    src = rng.standard_normal((N, S, E) if bf else (S, N, E)).astype(dtype)
    tgt = rng.standard_normal((N, T, E) if bf else (T, N, E)).astype(dtype)
    tmask = rng.standard_normal((S, S)).astype(dtype)
    cmask = np.triu(np.full((T, T), -np.inf, dtype), 1)
    mmask = rng.random((T, S)) > 0.8
    mmask[:, 0] = False
    skpm, tkpm = np.zeros((N, S), bool), np.zeros((N, T), bool)
    skpm[1, 4:], tkpm[2, 3:] = True, True
    mask_sets = [
        {},
        dict(tgt_mask=cmask, src_key_padding_mask=skpm, tgt_key_padding_mask=tkpm, memory_key_padding_mask=skpm,
             memory_mask=mmask),
        dict(src_mask=tmask, tgt_mask=cmask, tgt_is_causal=True),
    ]
    tol = dict(rtol=1e-4, atol=2e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    for masks in mask_sets:
        mt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        mr = {k: rtorch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        ta = [torch.tensor(src, requires_grad=True), torch.tensor(tgt, requires_grad=True)]
        ra = [rtorch.tensor(src).requires_grad_(True), rtorch.tensor(tgt).requires_grad_(True)]
        yt, yr = tm(*ta, **mt), rm(*ra, **mr)
        np.testing.assert_allclose(n(yr), yt.detach().numpy(), **tol)
        g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
        tm.zero_grad()
        rm.zero_grad()
        (yt * torch.tensor(g)).sum().backward()
        (yr * rtorch.tensor(g)).sum().backward()
        for a, b in zip(ra, ta):
            np.testing.assert_allclose(n(a.grad), b.grad.numpy(), **tol)
        rp = dict(rm.named_parameters())
        for name, p in tm.named_parameters():
            np.testing.assert_allclose(n(rp[name].grad), p.grad.numpy(), err_msg=name, **tol)


@pytest.mark.parametrize("kw", [{}, {"norm_first": True}, {"batch_first": True}])
def test_decoder_layer_matches_torch_and_loads_back(kw, rng):
    torch = _torch()
    E, H, T, S, N = 8, 4, 4, 4, 2
    torch.manual_seed(1)
    tl = torch.nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double()
    _perturb_vectors(torch, tl)
    rl = nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double()
    rl.load_state_dict({k: rtorch.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
    td = torch.nn.TransformerDecoder(tl, 2, norm=torch.nn.LayerNorm(E).double())
    rd = nn.TransformerDecoder(rl, 2, norm=nn.LayerNorm(E).double())
    shape = (lambda L: (N, L, E) if kw.get("batch_first") else (L, N, E))
    x, mem = rng.standard_normal(shape(T)), rng.standard_normal(shape(S))
    causal = np.triu(np.ones((T, S), bool), 1)  # memory_is_causal with a square memory
    yt = td(torch.tensor(x), torch.tensor(mem), tgt_mask=torch.tensor(causal), memory_mask=torch.tensor(causal),
            memory_is_causal=True)
    yr = rd(t(x), t(mem), tgt_mask=rtorch.tensor(causal), memory_mask=rtorch.tensor(causal), memory_is_causal=True)
    np.testing.assert_allclose(n(yr), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    # rtorch -> PyTorch: a freshly built PyTorch stack loads rtorch's state_dict and agrees
    randomize(rd, rng)
    fresh = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double(), 2,
                                        norm=torch.nn.LayerNorm(E).double())
    fresh.load_state_dict({k: torch.tensor(n(v)) for k, v in rd.state_dict().items()})
    np.testing.assert_allclose(n(rd(t(x), t(mem))), fresh(torch.tensor(x), torch.tensor(mem)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)

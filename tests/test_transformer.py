"""Transformers: nn.TransformerEncoderLayer / TransformerEncoder, nn.TransformerDecoderLayer / TransformerDecoder
and nn.Transformer: structure and init, forward values against a NumPy encoder/decoder written here, gradients
with float64 gradcheck, masks (causality and padding), and parity with PyTorch (skipped without it: weights
copied both ways, eval mode, outputs, input and parameter gradients, state_dicts)."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck
from helpers import assert_close, n, np_layer_norm, np_mha, np_state, randomize, t, to_torch
from torch_ref import assert_grads_close, param_grads, torch_ref


# ============================================================================ encoder
def np_encoder_layer(x, p, H, norm_first=False, act="relu", mask=None, kpm=None, prefix=""):
    p = {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}
    sa_p = {k[len("self_attn."):]: v for k, v in p.items() if k.startswith("self_attn.")}
    f = (lambda z: np.maximum(z, 0)) if act == "relu" else \
        (lambda z: 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2))))

    def sa(y):
        return np_mha(y, y, y, sa_p, H, mask, kpm)[0]

    def ff(y):
        return f(y @ p["linear1.weight"].T + p["linear1.bias"]) @ p["linear2.weight"].T + p["linear2.bias"]

    def ln(y, i):
        return np_layer_norm(y, 1, p[f"norm{i}.weight"], p[f"norm{i}.bias"])

    if norm_first:
        x = x + sa(ln(x, 1))
        return x + ff(ln(x, 2))
    x = ln(x + sa(x), 1)
    return ln(x + ff(x), 2)


def test_encoder_layer_structure():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
        "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    assert layer.dropout.p == 0.1 and layer.self_attn.dropout == 0.1 and layer.norm1.eps == 1e-5
    assert list(nn.TransformerEncoderLayer(8, 2, 16, bias=False).state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight", "linear2.weight",
        "norm1.weight", "norm2.weight"]
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


@pytest.mark.parametrize("norm_first,act", [(False, "relu"), (True, "gelu")])
def test_encoder_layer_matches_numpy(norm_first, act, rng):
    E, H, S, N = 8, 2, 5, 3
    layer = randomize(nn.TransformerEncoderLayer(E, H, 12, dropout=0.0, activation=act,
                                                 norm_first=norm_first).double(), rng)
    x = rng.standard_normal((S, N, E))
    mask = np.triu(np.full((S, S), -np.inf), 1)
    kpm = np.zeros((N, S), bool)
    kpm[1, 4] = True
    got = layer(t(x), src_mask=t(mask), src_key_padding_mask=rtorch.tensor(kpm))
    assert_close(got, np_encoder_layer(x, np_state(layer), H, norm_first, act, mask, kpm), rtol=1e-6, atol=1e-8)
    assert_close(layer(t(x)), np_encoder_layer(x, np_state(layer), H, norm_first, act), rtol=1e-6, atol=1e-8)
    # the is_causal hint with the matching mask gives the same result
    assert_close(layer(t(x), src_mask=t(mask), is_causal=True),
                 np_encoder_layer(x, np_state(layer), H, norm_first, act, mask), rtol=1e-6, atol=1e-8)
    bf = nn.TransformerEncoderLayer(E, H, 12, dropout=0.0, activation=act, norm_first=norm_first,
                                    batch_first=True).double()
    bf.load_state_dict(layer.state_dict())
    assert_close(bf(t(x.transpose(1, 0, 2))), n(layer(t(x))).transpose(1, 0, 2), rtol=1e-6, atol=1e-8)


def test_encoder_stack_matches_numpy_and_gradcheck(rng):
    E, H, S, N = 4, 2, 3, 2
    layer = nn.TransformerEncoderLayer(E, H, 6, dropout=0.0)
    enc = randomize(nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(E)).double(), rng)
    assert len(enc.layers) == 2 and enc.layers[0] is not layer and enc.layers[0] is not enc.layers[1]
    assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    assert list(enc.state_dict())[:2] == ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]
    assert "norm.weight" in enc.state_dict()
    x = rng.standard_normal((S, N, E))
    mask = np.triu(np.full((S, S), -np.inf), 1)
    p = np_state(enc)
    ref = x
    for i in range(2):
        ref = np_encoder_layer(ref, p, H, mask=mask, prefix=f"layers.{i}.")
    ref = np_layer_norm(ref, 1, p["norm.weight"], p["norm.bias"])
    assert_close(enc(t(x), mask=t(mask)), ref, rtol=1e-6, atol=1e-8)
    xt = t(x, requires_grad=True)
    assert gradcheck(lambda x: enc(x, mask=t(mask)), (xt,))


# ============================================================================ decoder: NumPy reference
def sub(p, prefix):
    return {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}


def np_decoder_layer(x, mem, p, H, norm_first=False, act="relu", tgt_mask=None, memory_mask=None, tkpm=None,
                     mkpm=None):
    f = {"relu": lambda z: np.maximum(z, 0),
         "gelu": lambda z: 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))}[act]

    def sa(y):
        return np_mha(y, y, y, sub(p, "self_attn."), H, tgt_mask, tkpm)[0]

    def ca(y):
        return np_mha(y, mem, mem, sub(p, "multihead_attn."), H, memory_mask, mkpm)[0]

    def ln(y, name):
        return np_layer_norm(y, 1, p[f"{name}.weight"], p.get(f"{name}.bias"))

    def ff(y):
        return f(y @ p["linear1.weight"].T + p["linear1.bias"]) @ p["linear2.weight"].T + p["linear2.bias"]

    if norm_first:
        x = x + sa(ln(x, "norm1"))
        x = x + ca(ln(x, "norm2"))
        return x + ff(ln(x, "norm3"))
    x = ln(x + sa(x), "norm1")
    x = ln(x + ca(x), "norm2")
    return ln(x + ff(x), "norm3")


# ============================================================================ decoder: structure
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


# ============================================================================ decoder: values
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
    assert_close(layer(t(x), t(mem)), np_decoder_layer(x, mem, p, H, norm_first, act), rtol=1e-10, atol=1e-12)
    got = layer(t(x), t(mem), tgt_mask=t(tgt_mask), memory_mask=rtorch.tensor(memory_mask),
                tgt_key_padding_mask=rtorch.tensor(tkpm), memory_key_padding_mask=rtorch.tensor(mkpm))
    assert_close(got, np_decoder_layer(x, mem, p, H, norm_first, act, tgt_mask, memory_mask, tkpm, mkpm), rtol=1e-10,
                 atol=1e-12)
    # the causal hint with its mask gives the same result
    assert_close(layer(t(x), t(mem), tgt_mask=t(tgt_mask), tgt_is_causal=True),
                 np_decoder_layer(x, mem, p, H, norm_first, act, tgt_mask), rtol=1e-10, atol=1e-12)
    # batch_first and unbatched inputs are the same computation
    bf = nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, activation=act, norm_first=norm_first,
                                    batch_first=True).double()
    bf.load_state_dict(layer.state_dict())
    assert_close(bf(t(x.transpose(1, 0, 2)), t(mem.transpose(1, 0, 2))), n(layer(t(x), t(mem))).transpose(1, 0, 2),
                 rtol=1e-10, atol=1e-12)
    assert_close(layer(t(x[:, 1]), t(mem[:, 1])), n(layer(t(x), t(mem)))[:, 1], rtol=1e-10, atol=1e-12)


def test_decoder_layer_callable_activation(rng):
    layer = randomize(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, activation=F.silu).double(), rng)
    ref = randomize(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0).double(), rng)
    ref.load_state_dict(layer.state_dict())
    ref.activation = lambda z: z * z.sigmoid()
    x, mem = t(rng.standard_normal((3, 2, 4))), t(rng.standard_normal((4, 2, 4)))
    assert_close(layer(x, mem), n(ref(x, mem)), rtol=1e-10, atol=1e-12)


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
    ref = np_layer_norm(ref, 1, p["norm.weight"], p.get("norm.bias"))
    kw = dict(tgt_mask=t(mask), memory_key_padding_mask=rtorch.tensor(mkpm))
    assert_close(dec(t(x), t(mem), **kw), ref, rtol=1e-10, atol=1e-12)
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
    assert_close(out, n(model.decoder(tgt, memory, tgt_mask=mask, memory_key_padding_mask=skpm)), rtol=1e-10,
                 atol=1e-12)
    assert tuple(out.shape) == (3, 4, E)
    # unbatched
    assert_close(model(src[1], tgt[1], tgt_mask=mask), n(model(src[1:2], tgt[1:2], tgt_mask=mask))[0], rtol=1e-10,
                 atol=1e-12)


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
    assert_close(detected, n(explicit), rtol=1e-10, atol=1e-12)
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
def _seeded(module, seed):
    """The rtorch module with seeded NumPy weights (biases and norms non-trivial), and those weights."""
    randomize(module, np.random.default_rng(seed), scale=0.3)
    return module, np_state(module)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "activation": "gelu"}, {"batch_first": True},
                                {"bias": False, "layer_norm_eps": 1e-3}, {"activation": "callable"}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_transformer_matches_torch(kw, dtype, rng):
    E, H, T, S, N = 8, 2, 5, 6, 3
    rkw = dict(kw)
    if kw.get("activation") == "callable":
        rkw["activation"] = F.silu
    rm, state = _seeded(nn.Transformer(E, H, 2, 2, 16, dropout=0.1, **rkw).to(getattr(rtorch, dtype)), 0)
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
    gs = [rng.standard_normal(tgt.shape).astype(dtype) for _ in mask_sets]

    def torch_side(torch):
        tkw = dict(kw)
        if kw.get("activation") == "callable":
            tkw["activation"] = torch.nn.functional.silu
        tm = torch.nn.Transformer(E, H, 2, 2, 16, dropout=0.1, **tkw).to(getattr(torch, dtype))
        tm.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        tm.eval()
        outs = []
        for i, (masks, g) in enumerate(zip(mask_sets, gs)):
            mt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
            ta = [torch.tensor(src, requires_grad=True), torch.tensor(tgt, requires_grad=True)]
            tm.zero_grad()
            yt = tm(*ta, **mt)
            (yt * torch.tensor(g)).sum().backward()
            # parameter gradients with every mask at once only (they are most of the fixture's size)
            outs.append((yt, [a.grad for a in ta], param_grads(tm) if i == 1 else None))
        return outs
    tol = dict(rtol=1e-4, atol=2e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    for masks, g, (yt, gt, pgt) in zip(mask_sets, gs, torch_ref(torch_side)):
        mr = {k: rtorch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        ra = [rtorch.tensor(src).requires_grad_(True), rtorch.tensor(tgt).requires_grad_(True)]
        yr = rm(*ra, **mr)
        assert_close(yr, yt, **tol)
        rm.zero_grad()
        (yr * rtorch.tensor(g)).sum().backward()
        for a, b in zip(ra, gt):
            assert_close(a.grad, b, **tol)
        if pgt is None:
            continue
        rp = dict(rm.named_parameters())
        assert list(rp) == list(pgt)
        for name, p in pgt.items():
            np.testing.assert_allclose(n(rp[name].grad), p, err_msg=name, **tol)


@pytest.mark.parametrize("kw", [{}, {"norm_first": True}, {"batch_first": True}])
def test_decoder_layer_matches_torch_and_loads_back(kw, rng):
    E, H, T, S, N = 8, 4, 4, 4, 2
    rl, layer_state = _seeded(nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double(), 1)
    rd = nn.TransformerDecoder(rl, 2, norm=nn.LayerNorm(E).double())
    shape = (lambda L: (N, L, E) if kw.get("batch_first") else (L, N, E))
    x, mem = rng.standard_normal(shape(T)), rng.standard_normal(shape(S))
    causal = np.triu(np.ones((T, S), bool), 1)  # memory_is_causal with a square memory
    yr = rd(t(x), t(mem), tgt_mask=rtorch.tensor(causal), memory_mask=rtorch.tensor(causal), memory_is_causal=True)
    # rtorch -> PyTorch: a freshly built PyTorch stack loads rtorch's state_dict and agrees
    randomize(rd, rng)
    stack_state = np_state(rd)

    def torch_side(torch):
        tl = torch.nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double()
        tl.load_state_dict({k: torch.tensor(v) for k, v in layer_state.items()})
        td = torch.nn.TransformerDecoder(tl, 2, norm=torch.nn.LayerNorm(E).double())
        yt = td(torch.tensor(x), torch.tensor(mem), tgt_mask=torch.tensor(causal),
                memory_mask=torch.tensor(causal), memory_is_causal=True)
        fresh = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(E, H, 12, dropout=0.0, **kw).double(),
                                            2, norm=torch.nn.LayerNorm(E).double())
        fresh.load_state_dict({k: torch.tensor(v) for k, v in stack_state.items()})
        return yt, fresh(torch.tensor(x), torch.tensor(mem))
    yt, y_fresh = torch_ref(torch_side)
    np.testing.assert_allclose(n(yr), yt, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(n(rd(t(x), t(mem))), y_fresh, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "activation": "gelu"}, {"batch_first": True},
                                {"bias": False, "layer_norm_eps": 1e-3}])
def test_transformer_encoder_matches_torch(kw, rng):
    E, H, S, N = 8, 2, 5, 3
    re, state = _seeded(nn.TransformerEncoder(nn.TransformerEncoderLayer(E, H, 16, dropout=0.0, **kw), 2,
                                              norm=nn.LayerNorm(E)), 2)
    bf = kw.get("batch_first", False)
    x = rng.standard_normal((N, S, E) if bf else (S, N, E)).astype(np.float32)
    mask = np.triu(np.full((S, S), -np.inf, np.float32), 1)
    kpm = np.zeros((N, S), bool)
    kpm[2, 3:] = True
    gs = [rng.standard_normal(x.shape).astype(np.float32) for _ in range(2)]

    def torch_side(torch):
        tl = torch.nn.TransformerEncoderLayer(E, H, 16, dropout=0.0, **kw)
        te = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(E), enable_nested_tensor=False)
        te.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        outs = []
        for use_masks, g in zip((False, True), gs):
            te.zero_grad()
            mkw_t = {"mask": to_torch(torch, mask), "src_key_padding_mask": to_torch(torch, kpm)} if use_masks else {}
            xt = to_torch(torch, x, True)
            yt = te(xt, **mkw_t)
            (yt * to_torch(torch, g)).sum().backward()
            outs.append((yt, xt.grad, param_grads(te)))
        return outs
    for use_masks, g, (yt, gxt, pgt) in zip((False, True), gs, torch_ref(torch_side)):
        re.zero_grad()
        mkw_r = {"mask": t(mask, rtorch.float32), "src_key_padding_mask": rtorch.tensor(kpm)} if use_masks else {}
        xr = t(x, rtorch.float32, True)
        yr = re(xr, **mkw_r)
        assert_close(yr, yt, atol=1e-4, rtol=1e-4)
        (yr * t(g, rtorch.float32)).sum().backward()
        assert_close(xr.grad, gxt, atol=1e-4, rtol=1e-4)
        assert_grads_close(re, pgt, atol=1e-4)

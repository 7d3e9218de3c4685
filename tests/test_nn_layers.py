"""Tests for the nn layers built from tensor ops: batch/group/RMS norm, scaled_dot_product_attention,
MultiheadAttention, the Transformer encoder, interpolate/Upsample, Bilinear, ConvTranspose2d and the 1-D pools.

Forward values are checked against NumPy references written here and gradients with float64 gradcheck; the
``*_matches_torch`` tests (skipped without PyTorch) copy the same weights into PyTorch and compare outputs,
gradients and buffers."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd.gradcheck import gradcheck


def t(a, dtype=rtorch.float64, requires_grad=False):
    x = rtorch.tensor(np.asarray(a, dtype=np.float64)).to(dtype)
    if requires_grad:
        x.requires_grad_(True)
    return x


def n(x):
    return x.detach().numpy()


def close(x, ref, rtol=1e-6, atol=1e-8):
    got = n(x) if isinstance(x, rtorch.Tensor) else np.asarray(x)
    assert got.shape == np.shape(ref), f"shape {got.shape} != {np.shape(ref)}"
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def np_softmax(x, axis=-1):
    with np.errstate(invalid="ignore"):  # a fully -inf row gives NaN, as softmax does
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


# ============================================================================ batch norm
def np_batch_norm_train(x, w=None, b=None, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    if w is not None:
        y = y * w.reshape(shape) + b.reshape(shape)
    count = x.size // x.shape[1]
    return y, mean, var * count / (count - 1)


@pytest.mark.parametrize("cls,shape", [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (4, 3, 5)),
                                       (nn.BatchNorm2d, (2, 3, 4, 5))])
def test_batch_norm_training_and_running_stats(cls, shape, rng):
    bn = cls(3, momentum=0.3).double()
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == rtorch.int64 and int(bn.num_batches_tracked) == 0
    close(bn.weight, np.ones(3))
    close(bn.bias, np.zeros(3))
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    with rtorch.no_grad():
        bn.weight.copy_(t(w))
        bn.bias.copy_(t(b))
    rm, rv = np.zeros(3), np.ones(3)
    for step in range(3):
        x = rng.standard_normal(shape) * (step + 1) + step
        y_ref, mean, uvar = np_batch_norm_train(x, w, b)
        close(bn(t(x)), y_ref)
        rm, rv = 0.7 * rm + 0.3 * mean, 0.7 * rv + 0.3 * uvar  # running_var uses the unbiased variance
        close(bn.running_mean, rm)
        close(bn.running_var, rv)
    assert int(bn.num_batches_tracked) == 3 and bn.num_batches_tracked.dtype == rtorch.int64
    bn.eval()
    x = rng.standard_normal(shape)
    bshape = (1, 3) + (1,) * (len(shape) - 2)
    close(bn(t(x)), (x - rm.reshape(bshape)) / np.sqrt(rv.reshape(bshape) + 1e-5) * w.reshape(bshape)
          + b.reshape(bshape))
    close(bn.running_mean, rm)  # eval leaves the buffers alone
    assert int(bn.num_batches_tracked) == 3


def test_batch_norm_cumulative_average_and_options(rng):
    bn = nn.BatchNorm1d(4, momentum=None, affine=False).double()
    assert list(bn.parameters()) == [] and bn.weight is None
    xs = [rng.standard_normal((5, 4)) + i for i in range(4)]
    for x in xs:
        y = bn(t(x))
    close(y, np_batch_norm_train(xs[-1])[0])
    close(bn.running_mean, np.mean([x.mean(0) for x in xs], axis=0))
    close(bn.running_var, np.mean([x.var(0, ddof=1) for x in xs], axis=0))
    bn.reset_running_stats()
    close(bn.running_mean, np.zeros(4))
    close(bn.running_var, np.ones(4))
    assert int(bn.num_batches_tracked) == 0

    # without running statistics, eval mode normalises with the batch statistics
    bn2 = nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    assert bn2.running_mean is None and list(bn2.state_dict()) == ["weight", "bias"]
    x = rng.standard_normal((3, 2, 2, 2))
    close(bn2(t(x)), np_batch_norm_train(x)[0])
    # .double()/.float() leave the int64 counter alone
    bn3 = nn.BatchNorm2d(2).double()
    assert bn3.running_mean.dtype == rtorch.float64 and bn3.num_batches_tracked.dtype == rtorch.int64
    assert repr(nn.BatchNorm2d(8)) == \
        "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"


def test_batch_norm_functional_gradcheck(rng):
    x = t(rng.standard_normal((4, 3, 2)), requires_grad=True)
    w = t(rng.standard_normal(3), requires_grad=True)
    b = t(rng.standard_normal(3), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    rm, rv = t(rng.standard_normal(3)), t(rng.random(3) + 0.5)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    y = F.batch_norm(t(rng.standard_normal((4, 3))), rm, rv, training=False, eps=0.0)
    assert tuple(y.shape) == (4, 3)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D"):
        nn.BatchNorm2d(3)(rtorch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D"):
        nn.BatchNorm1d(3)(rtorch.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\[1, 3\]"):
        nn.BatchNorm1d(3)(rtorch.zeros(1, 3))
    with pytest.raises(RuntimeError, match=r"running_mean should contain 3 elements not 4.*\[2, 3, 5\]"):
        nn.BatchNorm1d(4)(rtorch.zeros(2, 3, 5))
    with pytest.raises(RuntimeError, match="running_mean and running_var must be given"):
        F.batch_norm(rtorch.zeros(2, 3), None, None, training=False)


# ============================================================================ group norm, RMS norm
def np_group_norm(x, g, w=None, b=None, eps=1e-5):
    N, C = x.shape[:2]
    xr = x.reshape(N, g, -1)
    y = ((xr - xr.mean(-1, keepdims=True)) / np.sqrt(xr.var(-1, keepdims=True) + eps)).reshape(x.shape)
    shape = (1, C) + (1,) * (x.ndim - 2)
    if w is not None:
        y = y * w.reshape(shape) + b.reshape(shape)
    return y


@pytest.mark.parametrize("shape,groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4), 4), ((2, 6, 2, 2), 1)])
def test_group_norm_forward(shape, groups, rng):
    gn = nn.GroupNorm(groups, shape[1]).double()
    assert list(gn.state_dict()) == ["weight", "bias"]
    w, b = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    with rtorch.no_grad():
        gn.weight.copy_(t(w))
        gn.bias.copy_(t(b))
    x = rng.standard_normal(shape) * 3 + 1
    close(gn(t(x)), np_group_norm(x, groups, w, b))
    close(nn.GroupNorm(groups, shape[1], affine=False, eps=0.1).double()(t(x)), np_group_norm(x, groups, eps=0.1))


def test_group_norm_gradcheck_and_errors(rng):
    x = t(rng.standard_normal((2, 4, 3)), requires_grad=True)
    w = t(rng.standard_normal(4), requires_grad=True)
    b = t(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"divisible by num_groups.*\[2, 6, 3\].*num_groups=4"):
        F.group_norm(rtorch.zeros(2, 6, 3), 4)
    assert repr(nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True)"


def np_rms_norm(x, k, w=None, eps=1e-6):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y if w is None else y * w


def test_rms_norm_forward_and_default_eps(rng):
    m = nn.RMSNorm([3, 4], eps=1e-3).double()
    assert list(m.state_dict()) == ["weight"] and tuple(m.weight.shape) == (3, 4)
    w = rng.standard_normal((3, 4))
    with rtorch.no_grad():
        m.weight.copy_(t(w))
    x = rng.standard_normal((2, 3, 4))
    close(m(t(x)), np_rms_norm(x, 2, w, 1e-3))
    # eps=None is the dtype's machine epsilon: visible on inputs whose mean square is ~eps
    small = rng.standard_normal((5, 6)) * 1e-4
    got32 = F.rms_norm(t(small, rtorch.float32), (6,))
    np.testing.assert_allclose(n(got32), np_rms_norm(small, 1, eps=float(np.finfo(np.float32).eps)), rtol=1e-4)
    assert not np.allclose(n(got32), np_rms_norm(small, 1, eps=1e-6), rtol=1e-2)
    tiny = small * 1e-6
    close(F.rms_norm(t(tiny), 6), np_rms_norm(tiny, 1, eps=float(np.finfo(np.float64).eps)))
    assert repr(nn.RMSNorm(4)) == "RMSNorm((4,), eps=None, elementwise_affine=True)"
    assert list(nn.RMSNorm(4, elementwise_affine=False).parameters()) == []


def test_rms_norm_gradcheck_and_errors(rng):
    x = t(rng.standard_normal((3, 4)), requires_grad=True)
    w = t(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w, 1e-5), (x, w))
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[5\].*\[3, 4\]"):
        F.rms_norm(rtorch.zeros(3, 4), (5,))


# ============================================================================ scaled_dot_product_attention
def np_sdpa(q, k, v, mask=None, is_causal=False, scale=None):
    L, S = q.shape[-2], k.shape[-2]
    s = q @ np.swapaxes(k, -1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if is_causal:
        mask = np.tril(np.ones((L, S), bool))
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    p = np_softmax(s)
    p = np.where(np.isnan(p), 0.0, p)  # fully masked rows attend to nothing
    return p @ v


@pytest.mark.parametrize("case", ["plain", "bool", "float", "causal", "scale", "broadcast"])
def test_sdpa_matches_numpy(case, rng):
    B, H, L, S, E, Ev = 2, 3, 4, 5, 6, 7
    q, k, v = rng.standard_normal((B, H, L, E)), rng.standard_normal((B, H, S, E)), rng.standard_normal((B, H, S, Ev))
    kw, ref_kw = {}, {}
    if case == "bool":
        m = rng.random((B, H, L, S)) > 0.3
        m[..., 0] = True
        kw["attn_mask"] = rtorch.tensor(m)
        ref_kw["mask"] = m
    elif case == "float":
        m = rng.standard_normal((L, S))
        kw["attn_mask"] = t(m)
        ref_kw["mask"] = m
    elif case == "causal":
        q = rng.standard_normal((B, H, S, E))
        kw["is_causal"] = ref_kw["is_causal"] = True
    elif case == "scale":
        kw["scale"] = ref_kw["scale"] = 0.37
    elif case == "broadcast":  # 3-D inputs, a (L, S) bool mask broadcast over the batch
        q, k, v = q[0], k[0], v[0]
        m = np.ones((L, S), bool)
        m[1, 2:] = False
        kw["attn_mask"] = rtorch.tensor(m)
        ref_kw["mask"] = m
    close(F.scaled_dot_product_attention(t(q), t(k), t(v), **kw), np_sdpa(q, k, v, **ref_kw))


def test_sdpa_gqa_fully_masked_rows_and_dropout(rng):
    q, k, v = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((2, 2, 6, 3))
    got = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True)
    close(got, np_sdpa(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1)))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(t(q), t(k), t(v))  # 4 query heads vs 2 key heads without enable_gqa

    # a row with no allowed key gives zeros, and no NaN reaches the gradients
    m = np.ones((3, 6), bool)
    m[1] = False
    qt, kt, vt = (t(a, requires_grad=True) for a in (q, k[:, :1].repeat(4, 1), v[:, :1].repeat(4, 1)))
    out = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=rtorch.tensor(m))
    close(out, np_sdpa(q, k[:, :1].repeat(4, 1), v[:, :1].repeat(4, 1), mask=m))
    assert np.all(n(out)[:, :, 1] == 0)
    out.sum().backward()
    assert all(np.isfinite(n(x.grad)).all() for x in (qt, kt, vt))
    assert np.all(n(qt.grad)[:, :, 1] == 0)

    rtorch.manual_seed(0)
    base = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True)
    dropped = F.scaled_dot_product_attention(t(q), t(k), t(v), dropout_p=0.5, enable_gqa=True)
    assert tuple(dropped.shape) == tuple(base.shape) and not np.allclose(n(dropped), n(base))
    close(F.scaled_dot_product_attention(t(q), t(k), t(v), dropout_p=1.0, enable_gqa=True), np.zeros(base.shape))


def test_sdpa_gradcheck(rng):
    q = t(rng.standard_normal((2, 3, 4)), requires_grad=True)
    k = t(rng.standard_normal((2, 5, 4)), requires_grad=True)
    v = t(rng.standard_normal((2, 5, 3)), requires_grad=True)
    bias = t(rng.standard_normal((3, 5)), requires_grad=True)
    assert gradcheck(lambda q, k, v, b: F.scaled_dot_product_attention(q, k, v, attn_mask=b), (q, k, v, bias))
    qc = t(rng.standard_normal((2, 5, 4)), requires_grad=True)
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (qc, k, v))


def test_sdpa_errors():
    with pytest.raises(RuntimeError, match=r"query \[2, 3, 4\], key \[2, 5, 6\]"):
        F.scaled_dot_product_attention(rtorch.zeros(2, 3, 4), rtorch.zeros(2, 5, 6), rtorch.zeros(2, 5, 6))
    with pytest.raises(RuntimeError, match=r"value \[2, 4, 4\]"):
        F.scaled_dot_product_attention(rtorch.zeros(2, 3, 4), rtorch.zeros(2, 5, 4), rtorch.zeros(2, 4, 4))
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(rtorch.zeros(3, 4), rtorch.zeros(3, 4), rtorch.zeros(3, 4),
                                       attn_mask=rtorch.zeros(3, 3), is_causal=True)


# ============================================================================ MultiheadAttention
def np_mha(q, k, v, p, H, attn_mask=None, kpm=None, sep=False):
    """Reference multi-head attention on (L, N, E) inputs with the parameters ``p`` (NumPy state_dict)."""
    E = q.shape[-1]
    d = E // H
    if sep:
        wq, wk, wv = p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]
    else:
        wq, wk, wv = np.split(p["in_proj_weight"], 3)
    bq, bk, bv = np.split(p["in_proj_bias"], 3) if "in_proj_bias" in p else (0, 0, 0)
    Q, K, V = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv
    L, N, S = q.shape[0], q.shape[1], k.shape[0]
    Q, K, V = (a.reshape(a.shape[0], N, H, d).transpose(1, 2, 0, 3) for a in (Q, K, V))  # (N, H, len, d)
    s = Q @ K.swapaxes(-1, -2) / math.sqrt(d)
    if attn_mask is not None:
        s = np.where(attn_mask, -np.inf, s) if attn_mask.dtype == bool else s + attn_mask
    if kpm is not None:
        s = np.where(kpm[:, None, None, :], -np.inf, s)
    w = np_softmax(s)
    o = (w @ V).transpose(2, 0, 1, 3).reshape(L, N, E)
    return o @ p["out_proj.weight"].T + p.get("out_proj.bias", 0), w


def np_state(m):
    return {k: n(v) for k, v in m.state_dict().items()}


def randomize(m, rng, scale=0.5):
    with rtorch.no_grad():
        for p in m.parameters():
            p.copy_(t(rng.standard_normal(tuple(p.shape)) * scale).to(p.dtype))
    return m


def test_mha_parameters_and_init():
    m = nn.MultiheadAttention(8, 2)
    assert list(m.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert tuple(m.in_proj_weight.shape) == (24, 8) and m.q_proj_weight is None and m.head_dim == 4
    assert np.all(n(m.in_proj_bias) == 0) and np.all(n(m.out_proj.bias) == 0)
    bound = math.sqrt(6 / (8 + 24))  # xavier_uniform_ over the packed (3E, E) matrix
    assert np.abs(n(m.in_proj_weight)).max() <= bound and np.abs(n(m.in_proj_weight)).max() > 0.8 * bound
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear" and isinstance(m.out_proj, nn.Linear)

    s = nn.MultiheadAttention(8, 4, kdim=5, vdim=3, bias=False, add_bias_kv=True)
    assert list(s.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight", "bias_k", "bias_v",
                                    "out_proj.weight"]
    assert tuple(s.k_proj_weight.shape) == (8, 5) and tuple(s.v_proj_weight.shape) == (8, 3)
    assert s.in_proj_weight is None and s.in_proj_bias is None and tuple(s.bias_k.shape) == (1, 1, 8)
    assert nn.MultiheadAttention(4, 2).bias_k is None
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(10, 3)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", ["none", "bool", "float", "padding", "both"])
def test_mha_matches_numpy(masks, need_weights, rng):
    E, H, L, S, N = 8, 2, 4, 5, 3
    m = randomize(nn.MultiheadAttention(E, H).double(), rng)
    q, k, v = rng.standard_normal((L, N, E)), rng.standard_normal((S, N, E)), rng.standard_normal((S, N, E))
    am = kpm = None
    if masks in ("bool", "both"):
        am = rng.random((L, S)) > 0.7
        am[:, 0] = False
    if masks == "float":
        am = rng.standard_normal((L, S))
    if masks in ("padding", "both"):
        kpm = np.zeros((N, S), bool)
        kpm[0, 3:] = True
        kpm[2, 1] = True
    out, w = m(t(q), t(k), t(v), key_padding_mask=None if kpm is None else rtorch.tensor(kpm),
               attn_mask=None if am is None else (rtorch.tensor(am) if am.dtype == bool else t(am)),
               need_weights=need_weights)
    ref, ref_w = np_mha(q, k, v, np_state(m), H, am, kpm)
    close(out, ref)
    if need_weights:
        close(w, ref_w.mean(1))
    else:
        assert w is None


def test_mha_layouts_and_separate_weights(rng):
    E, H, L, S, N = 6, 3, 3, 4, 2
    m = randomize(nn.MultiheadAttention(E, H, batch_first=True).double(), rng)
    q, kv = rng.standard_normal((N, L, E)), rng.standard_normal((N, S, E))
    out, w = m(t(q), t(kv), t(kv), average_attn_weights=False)
    ref, ref_w = np_mha(q.transpose(1, 0, 2), kv.transpose(1, 0, 2), kv.transpose(1, 0, 2), np_state(m), H)
    close(out, ref.transpose(1, 0, 2))
    close(w, ref_w)  # per-head weights (N, H, L, S)
    out1, w1 = m(t(q[0]), t(kv[0]), t(kv[0]))  # unbatched (L, E)
    close(out1, ref[:, 0])
    close(w1, ref_w[0].mean(0))

    s = randomize(nn.MultiheadAttention(E, H, kdim=4, vdim=5).double(), rng)
    q, k, v = rng.standard_normal((L, N, E)), rng.standard_normal((S, N, 4)), rng.standard_normal((S, N, 5))
    close(s(t(q), t(k), t(v))[0], np_mha(q, k, v, np_state(s), H, sep=True)[0])


def test_mha_bias_kv_and_zero_attn(rng):
    E, H, L, S, N = 4, 2, 3, 2, 2
    m = randomize(nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True).double(), rng)
    p = np_state(m)
    q, kv = rng.standard_normal((L, N, E)), rng.standard_normal((S, N, E))
    out, w = m(t(q), t(kv), t(kv))
    assert tuple(w.shape) == (N, L, S + 2)
    # equivalent to attending over [projected keys; bias_k; 0]: append the rows after the in-projection
    wq, wk, wv = np.split(p["in_proj_weight"], 3)
    bq, bk, bv = np.split(p["in_proj_bias"], 3)
    K = np.concatenate([kv @ wk.T + bk, np.broadcast_to(p["bias_k"], (1, N, E)), np.zeros((1, N, E))])
    V = np.concatenate([kv @ wv.T + bv, np.broadcast_to(p["bias_v"], (1, N, E)), np.zeros((1, N, E))])
    ident = {"in_proj_weight": np.concatenate([wq, np.eye(E), np.eye(E)]),
             "in_proj_bias": np.concatenate([bq, np.zeros(2 * E)]),
             "out_proj.weight": p["out_proj.weight"], "out_proj.bias": p["out_proj.bias"]}
    ref, ref_w = np_mha(q, K, V, ident, H)
    close(out, ref)
    close(w, ref_w.mean(1))


def test_mha_gradcheck(rng):
    m = randomize(nn.MultiheadAttention(4, 2).double(), rng)
    x = t(rng.standard_normal((3, 2, 4)), requires_grad=True)
    mask = rtorch.tensor(np.triu(np.ones((3, 3), bool), 1))
    assert gradcheck(lambda x: m(x, x, x, attn_mask=mask)[0], (x,))
    assert gradcheck(lambda x: m(x, x, x, need_weights=False)[0], (x,))
    w = m.in_proj_weight
    assert gradcheck(lambda w: F.multi_head_attention_forward(
        x.detach(), x.detach(), x.detach(), 4, 2, w, m.in_proj_bias, None, None, False, 0.0, m.out_proj.weight,
        m.out_proj.bias)[0], (w,))


def test_mha_errors():
    m = nn.MultiheadAttention(8, 2)
    with pytest.raises(RuntimeError, match=r"expecting embedding dimension of 8, but got 6"):
        m(rtorch.zeros(3, 2, 6), rtorch.zeros(3, 2, 6), rtorch.zeros(3, 2, 6))
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(3, 4\), but should be \(3, 3\)"):
        m(rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8), attn_mask=rtorch.zeros(3, 4))
    with pytest.raises(RuntimeError, match=r"key_padding_mask shape of \(2, 3\), but got \(2, 4\)"):
        m(rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8),
          key_padding_mask=rtorch.zeros(2, 4, dtype=rtorch.bool))
    with pytest.raises(RuntimeError, match=r"3-D but found 2-D and 3-D"):
        m(rtorch.zeros(3, 2, 8), rtorch.zeros(3, 8), rtorch.zeros(3, 2, 8))
    with pytest.raises(RuntimeError, match=r"4-D query tensor of shape \[1, 3, 2, 8\]"):
        m(rtorch.zeros(1, 3, 2, 8), rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8))
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        m(rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8), rtorch.zeros(3, 2, 8), is_causal=True)


# ============================================================================ Transformer encoder
def np_layer_norm(x, w, b, eps=1e-5):
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) * w + b


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
        return np_layer_norm(y, p[f"norm{i}.weight"], p[f"norm{i}.bias"])

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
    close(got, np_encoder_layer(x, np_state(layer), H, norm_first, act, mask, kpm))
    close(layer(t(x)), np_encoder_layer(x, np_state(layer), H, norm_first, act))
    # the is_causal hint with the matching mask gives the same result
    close(layer(t(x), src_mask=t(mask), is_causal=True), np_encoder_layer(x, np_state(layer), H, norm_first, act,
                                                                          mask))
    bf = nn.TransformerEncoderLayer(E, H, 12, dropout=0.0, activation=act, norm_first=norm_first,
                                    batch_first=True).double()
    bf.load_state_dict(layer.state_dict())
    close(bf(t(x.transpose(1, 0, 2))), n(layer(t(x))).transpose(1, 0, 2))


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
    ref = np_layer_norm(ref, p["norm.weight"], p["norm.bias"])
    close(enc(t(x), mask=t(mask)), ref)
    xt = t(x, requires_grad=True)
    assert gradcheck(lambda x: enc(x, mask=t(mask)), (xt,))


# ============================================================================ interpolate / Upsample
def np_nearest(x, sizes, scales=None, exact=False):
    out = x
    for k, o in enumerate(sizes):
        ax = 2 + k
        i = x.shape[ax]
        s = 1 / scales[k] if scales else i / o
        if exact:
            src = np.minimum(np.floor((np.arange(o) + 0.5) * s).astype(int), i - 1)
        else:
            src = np.minimum(np.floor(np.arange(o) * s).astype(int), i - 1) if o != i else np.arange(o)
        out = np.take(out, src, axis=ax)
    return out


def np_linear_1d_weights(i, o, align_corners, scale=None):
    """(o, i) interpolation matrix of PyTorch's linear source-index rule."""
    A = np.zeros((o, i))
    for d in range(o):
        if align_corners:
            src = d * (i - 1) / (o - 1) if o > 1 else 0.0
        else:
            s = 1 / scale if scale else i / o
            src = max((d + 0.5) * s - 0.5, 0.0)
        i0 = min(int(math.floor(src)), i - 1)
        i1 = min(i0 + 1, i - 1)
        lam = src - i0
        A[d, i0] += 1 - lam
        A[d, i1] += lam
    return A


def np_bilinear_resize(x, size, align_corners, scales=None):
    Ah = np_linear_1d_weights(x.shape[2], size[0], align_corners, scales and scales[0])
    Aw = np_linear_1d_weights(x.shape[3], size[1], align_corners, scales and scales[1])
    return np.einsum("hH,ncHW,wW->nchw", Ah, x, Aw)


@pytest.mark.parametrize("in_hw,size", [((4, 5), (7, 10)), ((6, 6), (3, 4)), ((3, 5), (3, 9)), ((1, 4), (5, 1))])
def test_interpolate_nearest_2d(in_hw, size, rng):
    x = rng.standard_normal((2, 3) + in_hw)
    close(F.interpolate(t(x), size=size), np_nearest(x, size))
    close(F.interpolate(t(x), size=size, mode="nearest-exact"), np_nearest(x, size, exact=True))
    close(F.interpolate(t(x), scale_factor=2), np_nearest(x, (2 * in_hw[0], 2 * in_hw[1])))


def test_interpolate_nearest_1d_and_scale_factor(rng):
    x = rng.standard_normal((2, 3, 7))
    close(F.interpolate(t(x), size=11), np_nearest(x, (11,)))
    close(F.interpolate(t(x), scale_factor=1.5), np_nearest(x, (10,), scales=(1.5,)))
    # scale 1.7 on 7 gives 11 outputs; the source index uses 1/1.7, not 7/11
    close(F.interpolate(t(x), scale_factor=1.7), np_nearest(x, (11,), scales=(1.7,)))
    assert not np.allclose(np_nearest(x, (11,), scales=(1.7,)), np_nearest(x, (11,)))
    close(F.interpolate(t(x), scale_factor=1.7, recompute_scale_factor=True), np_nearest(x, (11,)))


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("in_hw,size", [((4, 5), (7, 10)), ((6, 7), (3, 4)), ((3, 3), (3, 8)), ((2, 4), (1, 1))])
def test_interpolate_bilinear(in_hw, size, align_corners, rng):
    x = rng.standard_normal((2, 3) + in_hw)
    close(F.interpolate(t(x), size=size, mode="bilinear", align_corners=align_corners),
          np_bilinear_resize(x, size, align_corners))


def test_interpolate_bilinear_scale_factor_linear_and_known_values(rng):
    x = rng.standard_normal((1, 2, 5, 4))
    close(F.interpolate(t(x), scale_factor=(1.5, 2.5), mode="bilinear"),
          np_bilinear_resize(x, (7, 10), False, scales=(1.5, 2.5)))
    y = rng.standard_normal((2, 3, 5))
    A = np_linear_1d_weights(5, 8, False)
    close(F.interpolate(t(y), size=8, mode="linear"), np.einsum("lL,ncL->ncl", A, y))
    # worked example: [1, 2] doubled is [1, 1.25, 1.75, 2] (half-pixel centres) or [1, 4/3, 5/3, 2] (corners)
    close(F.interpolate(t([[[1.0, 2.0]]]), scale_factor=2, mode="linear"), [[[1.0, 1.25, 1.75, 2.0]]])
    close(F.interpolate(t([[[1.0, 2.0]]]), size=4, mode="linear", align_corners=True),
          [[[1.0, 4 / 3, 5 / 3, 2.0]]])


def test_interpolate_gradcheck(rng):
    x = t(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"), (x,))
    assert gradcheck(lambda x: F.interpolate(x, size=(4, 7), mode="bilinear", align_corners=True), (x,))
    assert gradcheck(lambda x: F.interpolate(x, scale_factor=1.5), (x,))


def test_interpolate_errors():
    x = rtorch.zeros(1, 2, 3, 4)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D input"):
        F.interpolate(rtorch.zeros(1, 2, 3), size=5, mode="bilinear")
    with pytest.raises(ValueError, match=r"spatial dimensions of \[3, 4\] and output size of \[5, 5, 5\]"):
        F.interpolate(x, size=(5, 5, 5))
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(x, size=3, mode="bicubic")


def test_upsample_module(rng):
    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
    assert repr(up) == "Upsample(scale_factor=2.0, mode='bilinear')"
    assert repr(nn.Upsample(size=(3, 4))) == "Upsample(size=(3, 4), mode='nearest')"
    assert list(up.parameters()) == []
    x = rng.standard_normal((1, 2, 3, 4))
    close(up(t(x)), np_bilinear_resize(x, (6, 8), True))
    close(nn.Upsample(size=(5, 6))(t(x)), np_nearest(x, (5, 6)))


# ============================================================================ Bilinear
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
    close(m(t(x1), t(x2)), ref)
    close(nn.Bilinear(5, 3, 4, bias=False).double()(t(x1[0, 0]), t(x2[0, 0])).shape, (4,))


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


# ============================================================================ ConvTranspose2d
def np_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    N, Cin, H, W = x.shape
    _, opg, kh, kw = w.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    Hf, Wf = (H - 1) * sh + dh * (kh - 1) + 1 + oph, (W - 1) * sw + dw * (kw - 1) + 1 + opw
    full = np.zeros((N, opg * groups, Hf, Wf))
    ipg = Cin // groups
    for c in range(Cin):
        g = c // ipg
        for i in range(kh):
            for j in range(kw):
                full[:, g * opg:(g + 1) * opg, i * dh:i * dh + sh * (H - 1) + 1:sh,
                     j * dw:j * dw + sw * (W - 1) + 1:sw] += x[:, c][:, None] * w[c, :, i, j][None, :, None, None]
    out = full[:, :, ph:Hf - ph, pw:Wf - pw]
    return out if b is None else out + b[None, :, None, None]


def test_conv_transpose2d_module(rng):
    rtorch.manual_seed(0)
    m = nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                           dilation=(1, 2))
    assert tuple(m.weight.shape) == (4, 3, 3, 2) and tuple(m.bias.shape) == (6,)
    assert m.transposed is True and m.output_padding == (1, 0) and list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(3 * 3 * 2)  # fan_in of the transposed weight: (out / groups) * kH * kW
    assert np.abs(n(m.weight)).max() <= bound + 1e-7 and np.abs(n(m.weight)).max() > 0.8 * bound
    assert np.abs(n(m.bias)).max() <= bound + 1e-7
    assert repr(m) == ("ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), "
                       "dilation=(1, 2), output_padding=(1, 0), groups=2)")
    m = m.double()
    x = rng.standard_normal((2, 4, 3, 5))
    close(m(t(x)), np_conv_transpose2d(x, n(m.weight), n(m.bias), (2, 1), (1, 0), (1, 0), 2, (1, 2)))
    assert gradcheck(lambda x: m(x), (t(x[:1, :, :2, :3], requires_grad=True),))


def test_conv_transpose2d_output_size(rng):
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    x = rng.standard_normal((1, 2, 4, 4))
    assert tuple(m(t(x)).shape) == (1, 3, 7, 7)
    y = m(t(x), output_size=[8, 7])
    close(y, np_conv_transpose2d(x, n(m.weight), n(m.bias), (2, 2), (1, 1), (1, 0), 1, (1, 1)))
    assert tuple(m(t(x), output_size=(1, 3, 8, 8)).shape) == (1, 3, 8, 8)
    assert tuple(m(t(x[0]), output_size=(8, 8)).shape) == (3, 8, 8)
    with pytest.raises(ValueError, match=r"requested an output size of \[9, 8\], but valid sizes range from 7 to 8"):
        m(t(x), output_size=(9, 8))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        m(t(x), output_size=(8,))
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")


# ============================================================================ 1-D pooling
def np_pool1d(x, k, s, p, op, d=1, count_include_pad=True):
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(p, p)], constant_values=fill)
    L = (xp.shape[-1] - d * (k - 1) - 1) // s + 1
    wins = np.stack([xp[..., i * d:i * d + s * (L - 1) + 1:s] for i in range(k)])
    if op == "max":
        return wins.max(0), wins.argmax(0)
    cnt = np.stack([np.pad(np.ones(x.shape[-1]), (p, p))[i * d:i * d + s * (L - 1) + 1:s] for i in range(k)]).sum(0)
    return wins.sum(0) / (k if count_include_pad else cnt)


@pytest.mark.parametrize("k,s,p,d", [(2, None, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2), (4, 3, 2, 1)])
def test_max_pool1d(k, s, p, d, rng):
    x = rng.standard_normal((2, 3, 11))
    m = nn.MaxPool1d(k, s, p, d, return_indices=True)
    out, idx = m(t(x))
    ref, arg = np_pool1d(x, k, s or k, p, "max", d)
    close(out, ref)
    # the window argmax as an index into the unpadded input
    starts = np.arange(ref.shape[-1]) * (s or k) - p
    assert np.array_equal(n(idx), starts + arg * d) and idx.dtype == rtorch.int64
    close(F.max_pool1d(t(x[0]), k, s, p, d), ref[0])  # unbatched (C, L)
    assert repr(nn.MaxPool1d(2)) == "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"


@pytest.mark.parametrize("k,s,p,cip", [(2, None, 0, True), (3, 2, 1, True), (3, 2, 1, False), (5, 1, 2, False)])
def test_avg_pool1d(k, s, p, cip, rng):
    x = rng.standard_normal((2, 3, 10))
    m = nn.AvgPool1d(k, s, p, count_include_pad=cip)
    close(m(t(x)), np_pool1d(x, k, s or k, p, "avg", count_include_pad=cip))
    xt = t(x[:1, :2, :6], requires_grad=True)
    assert gradcheck(lambda x: F.avg_pool1d(x, k, s, p, count_include_pad=cip), (xt,))
    assert repr(nn.AvgPool1d(3, 2)) == "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))"


def test_pool1d_errors():
    with pytest.raises(RuntimeError, match=r"2-D \(C, L\) or 3-D \(N, C, L\) input, got input of size \[1, 2, 3, 4\]"):
        F.max_pool1d(rtorch.zeros(1, 2, 3, 4), 2)
    with pytest.raises(RuntimeError, match=r"got input of size \[5\]"):
        F.avg_pool1d(rtorch.zeros(5), 2)


# ============================================================================ parity with PyTorch (optional)
def _torch():
    return pytest.importorskip("torch")


def to_torch(torch, x, requires_grad=False):
    y = torch.tensor(np.asarray(x))
    return y.requires_grad_(True) if requires_grad else y


def copy_weights(torch_module, rt_module):
    """Load the PyTorch module's state_dict into the rtorch module (the key sets must be equal)."""
    sd = {k: rtorch.tensor(v.detach().cpu().numpy()) for k, v in torch_module.state_dict().items()}
    assert list(sd) == list(rt_module.state_dict())
    rt_module.load_state_dict(sd)


def assert_grads_match(torch_module, rt_module, atol=1e-5):
    tp = dict(torch_module.named_parameters())
    for name, p in rt_module.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None or np.allclose(n(p.grad), 0), name
            continue
        np.testing.assert_allclose(n(p.grad), tp[name].grad.numpy(), rtol=1e-4, atol=atol, err_msg=name)


def compare(rt, ref, atol=1e-5, rtol=1e-4):
    ref = ref.detach().numpy() if hasattr(ref, "detach") else ref
    np.testing.assert_allclose(n(rt), ref, rtol=rtol, atol=atol)


@pytest.mark.parametrize("cls,shape,kw", [
    ("BatchNorm1d", (8, 3), {}), ("BatchNorm1d", (4, 3, 6), {"momentum": None}),
    ("BatchNorm2d", (3, 3, 4, 5), {"momentum": 0.2}), ("BatchNorm2d", (2, 3, 3, 3), {"affine": False}),
    ("BatchNorm2d", (2, 3, 3, 3), {"track_running_stats": False}),
])
def test_batch_norm_matches_torch(cls, shape, kw, rng):
    torch = _torch()
    tm, rm = getattr(torch.nn, cls)(3, **kw), getattr(nn, cls)(3, **kw)
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.copy_(torch.randn(3))
            tm.bias.copy_(torch.randn(3))
    copy_weights(tm, rm)
    for step in range(3):
        x = (rng.standard_normal(shape) * 2 + step).astype(np.float32)
        xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
        g = rng.standard_normal(shape).astype(np.float32)
        yt, yr = tm(xt), rm(xr)
        compare(yr, yt)
        (yt * to_torch(torch, g)).sum().backward()
        (yr * t(g, rtorch.float32)).sum().backward()
        compare(xr.grad, xt.grad)
    assert_grads_match(tm, rm)
    for k, v in tm.state_dict().items():
        compare(rm.state_dict()[k], v, atol=1e-6)
        assert str(rm.state_dict()[k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1]
    tm.eval()
    rm.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    compare(rm(t(x, rtorch.float32)), tm(to_torch(torch, x)))


def test_group_and_rms_norm_match_torch(rng):
    torch = _torch()
    tg, rg = torch.nn.GroupNorm(3, 6), nn.GroupNorm(3, 6)
    with torch.no_grad():
        tg.weight.copy_(torch.randn(6))
        tg.bias.copy_(torch.randn(6))
    copy_weights(tg, rg)
    x = rng.standard_normal((2, 6, 4, 3)).astype(np.float32)
    xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
    yt, yr = tg(xt), rg(xr)
    compare(yr, yt)
    (yt ** 2).sum().backward()
    (yr * yr).sum().backward()
    compare(xr.grad, xt.grad, atol=1e-4)
    assert_grads_match(tg, rg, atol=1e-4)

    for eps in (None, 1e-3):
        tr, rr = torch.nn.RMSNorm([3, 4], eps=eps), nn.RMSNorm([3, 4], eps=eps)
        with torch.no_grad():
            tr.weight.copy_(torch.randn(3, 4))
        copy_weights(tr, rr)
        x = (rng.standard_normal((5, 3, 4)) * 1e-3).astype(np.float32)
        xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
        yt, yr = tr(xt), rr(xr)
        compare(yr, yt)
        (yt * yt).sum().backward()
        (yr * yr).sum().backward()
        compare(xr.grad, xt.grad, atol=1e-3, rtol=1e-3)
        assert_grads_match(tr, rr)
        assert repr(rr) == repr(tr)


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"mask": "bool"}, {"mask": "float"}, {"scale": 0.3},
                                {"mask": "dead_row"}, {"enable_gqa": True}])
def test_sdpa_matches_torch(kw, rng):
    torch = _torch()
    kw = dict(kw)
    hk = 2 if kw.get("enable_gqa") else 4
    q = rng.standard_normal((2, 4, 5, 8)).astype(np.float32)
    k = rng.standard_normal((2, hk, 5, 8)).astype(np.float32)
    v = rng.standard_normal((2, hk, 5, 3)).astype(np.float32)
    mask = kw.pop("mask", None)
    tkw, rkw = dict(kw), dict(kw)
    if mask is not None:
        m = rng.random((5, 5)) > 0.4 if mask != "float" else rng.standard_normal((5, 5)).astype(np.float32)
        if mask == "dead_row":
            m[2] = False
        tkw["attn_mask"], rkw["attn_mask"] = to_torch(torch, m), rtorch.tensor(m)
    ts = [to_torch(torch, a, True) for a in (q, k, v)]
    rs = [t(a, rtorch.float32, True) for a in (q, k, v)]
    yt = torch.nn.functional.scaled_dot_product_attention(*ts, **tkw)
    yr = F.scaled_dot_product_attention(*rs, **rkw)
    compare(yr, yt)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (yt * to_torch(torch, g)).sum().backward()
    (yr * t(g, rtorch.float32)).sum().backward()
    for a, b in zip(rs, ts):
        compare(a.grad, b.grad)


@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"kdim": 5, "vdim": 3}, {"bias": False},
                                {"add_bias_kv": True, "add_zero_attn": True}])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_mha_matches_torch(kw, need_weights, average, rng):
    torch = _torch()
    E, H, L, S, N = 8, 2, 4, 6, 3
    torch.manual_seed(0)
    tm, rm = torch.nn.MultiheadAttention(E, H, **kw), nn.MultiheadAttention(E, H, **kw)
    if kw.get("bias", True):
        with torch.no_grad():
            tm.in_proj_bias.normal_()
            tm.out_proj.bias.normal_()
    copy_weights(tm, rm)
    bf = kw.get("batch_first", False)
    shape = (lambda s: (N, s) if bf else (s, N))
    q = rng.standard_normal(shape(L) + (E,)).astype(np.float32)
    k = rng.standard_normal(shape(S) + (kw.get("kdim", E),)).astype(np.float32)
    v = rng.standard_normal(shape(S) + (kw.get("vdim", E),)).astype(np.float32)
    kpm = np.zeros((N, S), bool)
    kpm[0, -2:] = True
    am = rng.standard_normal((L, S)).astype(np.float32)
    extra = 2 if kw.get("add_bias_kv") else 0
    ts = [to_torch(torch, a, True) for a in (q, k, v)]
    rs = [t(a, rtorch.float32, True) for a in (q, k, v)]
    ot, wt = tm(*ts, key_padding_mask=to_torch(torch, kpm), attn_mask=to_torch(torch, am),
                need_weights=need_weights, average_attn_weights=average)
    orr, wr = rm(*rs, key_padding_mask=rtorch.tensor(kpm), attn_mask=t(am, rtorch.float32),
                 need_weights=need_weights, average_attn_weights=average)
    compare(orr, ot)
    if need_weights:
        assert tuple(wr.shape) == tuple(wt.shape)
        assert wr.shape[-1] == S + extra
        compare(wr, wt)
    else:
        assert wr is None and wt is None
    g = rng.standard_normal(tuple(ot.shape)).astype(np.float32)
    (ot * to_torch(torch, g)).sum().backward()
    (orr * t(g, rtorch.float32)).sum().backward()
    for a, b in zip(rs, ts):
        compare(a.grad, b.grad)
    assert_grads_match(tm, rm)


def test_mha_unbatched_bool_masks_match_torch(rng):
    torch = _torch()
    tm, rm = torch.nn.MultiheadAttention(6, 3), nn.MultiheadAttention(6, 3)
    copy_weights(tm, rm)
    x = rng.standard_normal((5, 6)).astype(np.float32)
    am = np.triu(np.ones((5, 5), bool), 1)
    kpm = np.array([False, False, False, True, False])
    ot, wt = tm(*(to_torch(torch, x),) * 3, attn_mask=to_torch(torch, am), key_padding_mask=to_torch(torch, kpm))
    orr, wr = rm(*(t(x, rtorch.float32),) * 3, attn_mask=rtorch.tensor(am), key_padding_mask=rtorch.tensor(kpm))
    compare(orr, ot)
    compare(wr, wt)


@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "activation": "gelu"}, {"batch_first": True},
                                {"bias": False, "layer_norm_eps": 1e-3}])
def test_transformer_encoder_matches_torch(kw, rng):
    torch = _torch()
    E, H, S, N = 8, 2, 5, 3
    torch.manual_seed(0)
    tl = torch.nn.TransformerEncoderLayer(E, H, 16, dropout=0.0, **kw)
    rl = nn.TransformerEncoderLayer(E, H, 16, dropout=0.0, **kw)
    te = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(E), enable_nested_tensor=False)
    re = nn.TransformerEncoder(rl, 2, norm=nn.LayerNorm(E))
    with torch.no_grad():  # make biases and norms non-trivial
        for name, p in te.named_parameters():
            if "bias" in name or "norm" in name:
                p.copy_(torch.randn(p.shape) * 0.5 + (1.0 if name.endswith("norm1.weight") else 0.0))
    copy_weights(te, re)
    bf = kw.get("batch_first", False)
    x = rng.standard_normal((N, S, E) if bf else (S, N, E)).astype(np.float32)
    mask = np.triu(np.full((S, S), -np.inf, np.float32), 1)
    kpm = np.zeros((N, S), bool)
    kpm[2, 3:] = True
    for use_masks in (False, True):
        te.zero_grad()
        re.zero_grad()
        mkw_t = {"mask": to_torch(torch, mask), "src_key_padding_mask": to_torch(torch, kpm)} if use_masks else {}
        mkw_r = {"mask": t(mask, rtorch.float32), "src_key_padding_mask": rtorch.tensor(kpm)} if use_masks else {}
        xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
        yt, yr = te(xt, **mkw_t), re(xr, **mkw_r)
        compare(yr, yt, atol=1e-4)
        g = rng.standard_normal(x.shape).astype(np.float32)
        (yt * to_torch(torch, g)).sum().backward()
        (yr * t(g, rtorch.float32)).sum().backward()
        compare(xr.grad, xt.grad, atol=1e-4)
        assert_grads_match(te, re, atol=1e-4)


@pytest.mark.parametrize("kw", [
    {"size": (7, 9)}, {"scale_factor": 2}, {"scale_factor": (1.5, 2.7)}, {"size": (3, 2)},
    {"size": (7, 9), "mode": "nearest-exact"}, {"size": (7, 9), "mode": "bilinear"},
    {"size": (7, 9), "mode": "bilinear", "align_corners": True}, {"scale_factor": 1.7, "mode": "bilinear"},
    {"size": (2, 3), "mode": "bilinear"}, {"scale_factor": 1.7, "mode": "bilinear", "recompute_scale_factor": True},
])
def test_interpolate_matches_torch(kw, rng):
    torch = _torch()
    x = rng.standard_normal((2, 3, 5, 4)).astype(np.float32)
    xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
    yt = torch.nn.functional.interpolate(xt, **kw)
    yr = F.interpolate(xr, **kw)
    compare(yr, yt, atol=1e-6)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (yt * to_torch(torch, g)).sum().backward()
    (yr * t(g, rtorch.float32)).sum().backward()
    compare(xr.grad, xt.grad)
    x1 = rng.standard_normal((2, 3, 6)).astype(np.float32)
    kw1 = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    kw1["mode"] = {"bilinear": "linear"}.get(kw.get("mode"), kw.get("mode", "nearest"))
    compare(F.interpolate(t(x1, rtorch.float32), **kw1), torch.nn.functional.interpolate(to_torch(torch, x1), **kw1),
            atol=1e-6)
    up_kw = {k: v for k, v in kw.items() if k != "recompute_scale_factor"}
    assert repr(nn.Upsample(**up_kw)) == repr(torch.nn.Upsample(**up_kw))


def test_bilinear_conv_transpose_and_pool1d_match_torch(rng):
    torch = _torch()
    tb, rb = torch.nn.Bilinear(4, 3, 5), nn.Bilinear(4, 3, 5)
    copy_weights(tb, rb)
    x1, x2 = rng.standard_normal((2, 6, 4)).astype(np.float32), rng.standard_normal((2, 6, 3)).astype(np.float32)
    ts, rs = [to_torch(torch, a, True) for a in (x1, x2)], [t(a, rtorch.float32, True) for a in (x1, x2)]
    yt, yr = tb(*ts), rb(*rs)
    compare(yr, yt)
    yt.sum().backward()
    yr.sum().backward()
    for a, b in zip(rs, ts):
        compare(a.grad, b.grad)
    assert_grads_match(tb, rb)
    assert repr(rb) == repr(tb)

    kw = dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 0), groups=2, dilation=(2, 1))
    tc, rc = torch.nn.ConvTranspose2d(4, 6, (3, 4), **kw), nn.ConvTranspose2d(4, 6, (3, 4), **kw)
    assert repr(rc) == repr(tc)
    copy_weights(tc, rc)
    x = rng.standard_normal((2, 4, 5, 4)).astype(np.float32)
    xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
    yt, yr = tc(xt), rc(xr)
    compare(yr, yt)
    yt.sum().backward()
    yr.sum().backward()
    compare(xr.grad, xt.grad)
    assert_grads_match(tc, rc, atol=1e-4)
    tc2, rc2 = torch.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1), nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)
    copy_weights(tc2, rc2)
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    for size in ([10, 11], [12, 10]):
        compare(rc2(t(x, rtorch.float32), output_size=size), tc2(to_torch(torch, x), output_size=size))

    x = rng.standard_normal((2, 3, 11)).astype(np.float32)
    for k, s, p in ((2, None, 0), (3, 2, 1), (4, 3, 2)):
        xt, xr = to_torch(torch, x, True), t(x, rtorch.float32, True)
        ot, it = torch.nn.MaxPool1d(k, s, p, return_indices=True)(xt)
        orr, ir = nn.MaxPool1d(k, s, p, return_indices=True)(xr)
        compare(orr, ot)
        assert np.array_equal(n(ir), it.numpy())
        for cip in (True, False):
            compare(nn.AvgPool1d(k, s, p, count_include_pad=cip)(xr),
                    torch.nn.AvgPool1d(k, s, p, count_include_pad=cip)(xt))
        assert repr(nn.AvgPool1d(k, s, p)) == repr(torch.nn.AvgPool1d(k, s, p))
        assert repr(nn.MaxPool1d(k, s, p)) == repr(torch.nn.MaxPool1d(k, s, p))


def test_init_statistics_match_torch_layout():
    torch = _torch()
    # the same parameter names, shapes and zero/one initialisations as PyTorch
    for make in (lambda m: m.BatchNorm2d(5), lambda m: m.GroupNorm(2, 4), lambda m: m.RMSNorm(3),
                 lambda m: m.MultiheadAttention(8, 4, kdim=3, add_bias_kv=True),
                 lambda m: m.TransformerEncoderLayer(8, 2, 16), lambda m: m.Bilinear(2, 3, 4),
                 lambda m: m.ConvTranspose2d(4, 6, 3, groups=2)):
        tm, rm = make(torch.nn), make(nn)
        tsd, rsd = tm.state_dict(), rm.state_dict()
        assert list(tsd) == list(rsd)
        for k in tsd:
            assert tuple(tsd[k].shape) == tuple(rsd[k].shape), k
            tv = tsd[k].float().numpy()
            if np.all(tv == tv.flat[0]):  # constant initialisations (zeros / ones) must agree exactly
                assert np.all(n(rsd[k]).astype(np.float32) == tv.flat[0]), k

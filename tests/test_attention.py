"""Attention: F.scaled_dot_product_attention (the fused CPU kernel, forward and backward) against NumPy, finite
differences and PyTorch over broadcast batch dims, masks, fully masked rows, strided inputs and dtypes; and
nn.MultiheadAttention (parameters, layouts, bias_kv / zero_attn, masks) against a NumPy reference and PyTorch."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close, n, np_mha, np_state, randomize, t, to_torch
from torch_ref import assert_grads_close, live_ref, load_state, module_state, param_grads, torch_ref


FUSED = "ScaledDotProductFlashAttentionForCpuBackward0"


# ------------------------------------------------------------------ NumPy reference (float64)
def sum_to(g, shape):
    """Sum a broadcast gradient back to `shape`."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def np_probs(q, k, mask=None, is_causal=False, scale=None):
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(E) if scale is None else scale)
    if is_causal:
        mask = np.tril(np.ones((L, S), bool))
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    mx = s.max(-1, keepdims=True) if S else np.zeros(s.shape[:-1] + (1,))
    dead = np.isneginf(mx)
    e = np.exp(s - np.where(dead, 0.0, mx))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = e / e.sum(-1, keepdims=True)
    if mask is not None:
        p = np.where(dead, 0.0, p)  # rows with every key masked attend to nothing
    return p


def np_sdpa(q, k, v, **kw):
    return np_probs(q, k, **kw) @ v


def np_sdpa_grads(q, k, v, g, scale=None, **kw):
    p = np_probs(q, k, scale=scale, **kw)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    dv = np.swapaxes(p, -1, -2) @ g
    dp = g @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (p * dp).sum(-1, keepdims=True))
    dq = ds @ k * scale
    dk = np.swapaxes(ds, -1, -2) @ q * scale
    return sum_to(dq, q.shape), sum_to(dk, k.shape), sum_to(dv, v.shape)


# ------------------------------------------------------------------ inputs
def stored(a, layout):
    """(array in memory, view that shows it as `a`): contiguous, transposed or stepped layouts."""
    if layout == "transposed" and a.ndim >= 2:  # stored (..., E, L) and viewed back
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)), lambda t: t.transpose(-1, -2)
    if layout == "heads" and a.ndim >= 3:  # (B.., L, H, E).transpose: what MultiheadAttention makes
        return np.ascontiguousarray(np.swapaxes(a, -3, -2)), lambda t: t.transpose(-3, -2)
    if layout == "stepped":
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
        big[..., ::2] = a
        return big, lambda t: t[..., ::2]
    return a, lambda t: t


def strided(a, layout, dtype, requires_grad=False):
    """An rtorch tensor with the values of `a` in the given layout (a leaf when requires_grad)."""
    mem, view = stored(a, layout)
    t = view(rtorch.tensor(mem, dtype=dtype))
    assert tuple(t.shape) == a.shape
    return t.requires_grad_(requires_grad) if requires_grad else t


def rounded(t):
    return t.detach().double().numpy()


@st.composite
def attention_case(draw, with_empty=True):
    min_side = 0 if with_empty else 1
    shapes = draw(mutually_broadcastable_shapes(num_shapes=4, min_dims=0, max_dims=3, min_side=min_side, max_side=3))
    qb, kb, vb, mb = shapes.input_shapes
    L, S = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    E, Ev = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["none", "causal", "bool", "float", "float_inf"]))
    mshape = None
    if kind in ("bool", "float", "float_inf"):
        last = (draw(st.sampled_from([L, 1])), draw(st.sampled_from([S, 1])))
        mshape = tuple(mb) + last
        mshape = mshape[draw(st.integers(0, len(mshape) - 1)):]  # fewer leading dims broadcast too
    layouts = [draw(st.sampled_from(["contiguous", "transposed", "heads", "stepped"])) for _ in range(3)]
    return dict(q=tuple(qb) + (L, E), k=tuple(kb) + (S, E), v=tuple(vb) + (S, Ev), kind=kind, mshape=mshape,
                layouts=layouts, scale=draw(st.sampled_from([None, 0.37])), seed=draw(st.integers(0, 2**16)))


def build(case, dtype, requires_grad=False):
    g = np.random.default_rng(case["seed"])
    arrays = [g.standard_normal(case[n]) for n in "qkv"]
    ts = [strided(a, lay, dtype, requires_grad) for a, lay in zip(arrays, case["layouts"])]
    kw, ref_kw = {"scale": case["scale"]}, {"scale": case["scale"]}
    kind, ms = case["kind"], case["mshape"]
    if kind == "causal":
        kw["is_causal"] = ref_kw["is_causal"] = True
    elif kind == "bool":
        m = g.random(ms) > 0.35
        kw["attn_mask"], ref_kw["mask"] = rtorch.tensor(m), m
    elif kind in ("float", "float_inf"):
        m = g.standard_normal(ms)
        if kind == "float_inf":
            m[g.random(ms) > 0.5] = -np.inf
        mt = rtorch.tensor(m, dtype=dtype)
        kw["attn_mask"], ref_kw["mask"] = mt, rounded(mt)
    return ts, kw, ref_kw


TOL = {rtorch.float32: (2e-5, 2e-5), rtorch.float64: (1e-10, 1e-10)}


# ------------------------------------------------------------------ forward and backward vs NumPy
@settings(max_examples=150, deadline=None)
@given(case=attention_case(), dtype=st.sampled_from([rtorch.float32, rtorch.float64]))
def test_forward_and_grads_match_numpy(case, dtype):
    ts, kw, ref_kw = build(case, dtype, requires_grad=True)
    out = F.scaled_dot_product_attention(*ts, **kw)
    q, k, v = (rounded(t) for t in ts)
    ref = np_sdpa(q, k, v, **ref_kw)
    assert out.dtype == dtype and tuple(out.shape) == ref.shape
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(rounded(out), ref, rtol=rtol * 10, atol=atol * 10)
    if out.numel() == 0:
        return
    assert out.grad_fn.name() == FUSED
    g = np.random.default_rng(1).standard_normal(ref.shape)
    out.backward(rtorch.tensor(g, dtype=dtype))
    for t, r in zip(ts, np_sdpa_grads(q, k, v, rounded(rtorch.tensor(g, dtype=dtype)), **ref_kw)):
        assert t.grad.dtype == dtype and tuple(t.grad.shape) == tuple(t.shape)
        np.testing.assert_allclose(rounded(t.grad), r, rtol=rtol * 50, atol=atol * 50)


@settings(max_examples=40, deadline=None)
@given(case=attention_case(with_empty=False))
def test_gradcheck_and_gradgradcheck(case):
    ts, kw, _ = build(case, rtorch.float64)
    # gradcheck perturbs its inputs in place: they are the memory, the strided views are made inside
    mems = [stored(rounded(t), lay) for t, lay in zip(ts, case["layouts"])]
    leaves = [rtorch.tensor(m, dtype=rtorch.float64, requires_grad=True) for m, _ in mems]
    f = lambda *xs: F.scaled_dot_product_attention(*(view(x) for x, (_, view) in zip(xs, mems)), **kw)
    assert gradcheck(f, leaves)
    assert gradgradcheck(f, leaves)  # the create_graph path: the tensor-op chain


def test_row_blocks_and_backward_splits():
    # L and S long enough for several row blocks, one problem: the backward splits its rows over
    # jobs with partial dK/dV sums. Causal with L > S and L < S, and a padding-style bool mask.
    g = np.random.default_rng(0)
    for L, S, kw in [(150, 300, {}), (300, 150, {"is_causal": True}), (130, 400, {"is_causal": True}), (200, 200, "mask")]:
        q, k, v = g.standard_normal((1, L, 24)), g.standard_normal((1, S, 24)), g.standard_normal((1, S, 40))
        ref_kw = {}
        if kw == "mask":
            m = np.ones((L, S), bool)
            m[:, 150:] = False
            m[7] = False
            kw, ref_kw = {"attn_mask": rtorch.tensor(m)}, {"mask": m}
        else:
            ref_kw = dict(kw)
        for dtype in (rtorch.float32, rtorch.float64):
            ts = [strided(a, "contiguous", dtype, True) for a in (q, k, v)]
            out = F.scaled_dot_product_attention(*ts, **kw)
            rtol, atol = TOL[dtype]
            np.testing.assert_allclose(rounded(out), np_sdpa(q, k, v, **ref_kw), rtol=rtol * 10, atol=atol * 10)
            go = g.standard_normal(tuple(out.shape))
            out.backward(rtorch.tensor(go, dtype=dtype))
            for t, r in zip(ts, np_sdpa_grads(q, k, v, go, **ref_kw)):
                np.testing.assert_allclose(rounded(t.grad), r, rtol=rtol * 100, atol=atol * 100)


def test_thread_count_does_not_change_results():
    g = np.random.default_rng(1)
    q, k, v = g.standard_normal((2, 90, 16)), g.standard_normal((2, 200, 16)), g.standard_normal((2, 200, 8))
    go = g.standard_normal((2, 90, 8))
    old = rtorch.get_num_threads()
    results = []
    try:
        for n in (1, 3):
            rtorch.set_num_threads(n)
            ts = [rtorch.tensor(a, requires_grad=True) for a in (q, k, v)]
            out = F.scaled_dot_product_attention(*ts, is_causal=True)
            out.backward(rtorch.tensor(go))
            results.append([rounded(out)] + [rounded(t.grad) for t in ts])
    finally:
        rtorch.set_num_threads(old)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_fully_masked_rows_give_zeros_and_zero_grads():
    g = np.random.default_rng(2)
    q, k, v = g.standard_normal((2, 3, 4, 5)), g.standard_normal((2, 3, 6, 5)), g.standard_normal((2, 3, 6, 2))
    keep = np.ones((4, 6), bool)
    keep[1] = False
    bias = np.zeros((4, 6))
    bias[2] = -np.inf
    for mask in (rtorch.tensor(keep), rtorch.tensor(bias)):
        ts = [rtorch.tensor(a, requires_grad=True) for a in (q, k, v)]
        out = F.scaled_dot_product_attention(*ts, attn_mask=mask)
        dead = 1 if mask.dtype == rtorch.bool else 2
        assert np.all(rounded(out)[:, :, dead] == 0)
        out.sum().backward()
        assert all(np.isfinite(rounded(t.grad)).all() for t in ts)
        assert np.all(rounded(ts[0].grad)[:, :, dead] == 0)


def test_unmasked_rows_of_minus_inf_stay_nan_like_softmax():
    # Without a mask PyTorch's softmax of a row of -inf scores is NaN; the kernel keeps that.
    q = rtorch.tensor([[[-np.inf, 0.0], [1.0, 0.0]]])
    k = rtorch.tensor([[[1.0, 0.0], [2.0, 0.0]]])
    out = F.scaled_dot_product_attention(q, k, rtorch.ones(1, 2, 3))
    assert np.isnan(rounded(out)[0, 0]).all() and np.isfinite(rounded(out)[0, 1]).all()


def test_empty_keys_and_empty_batches():
    for qs, ks, vs in [((2, 3, 4), (2, 0, 4), (2, 0, 5)), ((0, 3, 4), (1, 2, 4), (1, 2, 5)), ((2, 0, 4), (2, 3, 4), (2, 3, 5))]:
        for kw in ({}, {"is_causal": True}, {"attn_mask": rtorch.ones(qs[-2], ks[-2], dtype=rtorch.bool)}):
            ts = [rtorch.randn(*s, dtype=rtorch.float64).requires_grad_() for s in (qs, ks, vs)]
            out = F.scaled_dot_product_attention(*ts, **kw)
            assert tuple(out.shape) == np.broadcast_shapes(qs[:1], ks[:1]) + (qs[1], vs[2])
            assert np.all(rounded(out) == 0)  # no keys (or no rows): nothing to attend to
            out.sum().backward()
            for t in ts:
                assert tuple(t.grad.shape) == tuple(t.shape) and np.all(rounded(t.grad) == 0)


@pytest.mark.parametrize("dtype", [rtorch.float16, rtorch.bfloat16])
def test_half_types_compute_in_float32(dtype):
    g = np.random.default_rng(3)
    q, k, v = g.standard_normal((2, 5, 8)), g.standard_normal((2, 7, 8)), g.standard_normal((2, 7, 3))
    ts = [rtorch.tensor(a, dtype=dtype, requires_grad=True) for a in (q, k, v)]
    mask = rtorch.tensor(g.standard_normal((5, 7)), dtype=dtype)
    out = F.scaled_dot_product_attention(*ts, attn_mask=mask)
    assert out.dtype == dtype and out.grad_fn.name() == FUSED
    tol = 1e-2 if dtype == rtorch.float16 else 6e-2
    ref = np_sdpa(*(rounded(t) for t in ts), mask=rounded(mask))
    np.testing.assert_allclose(rounded(out), ref, rtol=tol, atol=tol)
    out.sum().backward()
    for t, r in zip(ts, np_sdpa_grads(*(rounded(t) for t in ts), np.ones(ref.shape), mask=rounded(mask))):
        assert t.grad.dtype == dtype
        np.testing.assert_allclose(rounded(t.grad), r, rtol=4 * tol, atol=4 * tol)


# ------------------------------------------------------------------ dispatch and errors
def test_what_takes_the_fused_path():
    q = rtorch.randn(2, 3, 4, requires_grad=True)
    assert F.scaled_dot_product_attention(q, q, q).grad_fn.name() == FUSED
    # dropout, a float mask that needs a gradient, and mixed dtypes keep the tensor-op chain
    assert F.scaled_dot_product_attention(q, q, q, dropout_p=0.5).grad_fn.name() != FUSED
    bias = rtorch.zeros(3, 3, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q, attn_mask=bias)
    assert out.grad_fn.name() != FUSED
    out.sum().backward()
    assert bias.grad is not None and tuple(bias.grad.shape) == (3, 3)
    with pytest.raises(TypeError, match="same dtype"):  # the chain's matmul message, as before
        F.scaled_dot_product_attention(q, q.double(), q)
    # no grad: no node
    with rtorch.no_grad():
        assert F.scaled_dot_product_attention(q, q, q).grad_fn is None


def test_errors_are_exceptions_not_panics():
    z = rtorch.zeros
    with pytest.raises(RuntimeError, match="attn_mask of shape"):
        F.scaled_dot_product_attention(z(2, 3, 4), z(2, 5, 4), z(2, 5, 6), attn_mask=z(4, 5, dtype=rtorch.bool))
    with pytest.raises(RuntimeError, match="batch dims"):
        F.scaled_dot_product_attention(z(2, 4, 3, 5), z(2, 2, 6, 5), z(2, 2, 6, 3))
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(z(3, 4), z(3, 4), z(3, 4), attn_mask=z(3, 3), is_causal=True)
    native = rtorch._rtorch.scaled_dot_product_attention
    with pytest.raises(RuntimeError, match="at least 2 dims"):
        native(z(4), z(4), z(4))
    with pytest.raises(TypeError, match="dtype bool or float32"):  # dtype errors are TypeErrors here
        native(z(3, 4), z(3, 4), z(3, 4), z(3, 3, dtype=rtorch.int64))
    with pytest.raises(TypeError, match="one floating point dtype"):
        native(z(3, 4, dtype=rtorch.int64), z(3, 4, dtype=rtorch.int64), z(3, 4, dtype=rtorch.int64))


def test_saved_inputs_modified_in_place_raise():
    q = rtorch.randn(2, 3, 4, requires_grad=True)
    k = rtorch.randn(2, 3, 4)
    out = F.scaled_dot_product_attention(q, k, k.clone())
    k.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


# ------------------------------------------------------------------ F.scaled_dot_product_attention and
# nn.MultiheadAttention against NumPy written here (masks, GQA, bias_kv, layouts)
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
    assert_close(F.scaled_dot_product_attention(t(q), t(k), t(v), **kw), np_sdpa(q, k, v, **ref_kw), rtol=1e-6,
                 atol=1e-8)


def test_sdpa_gqa_fully_masked_rows_and_dropout(rng):
    q, k, v = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((2, 2, 6, 3))
    got = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True)
    assert_close(got, np_sdpa(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1)), rtol=1e-6, atol=1e-8)
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(t(q), t(k), t(v))  # 4 query heads vs 2 key heads without enable_gqa

    # a row with no allowed key gives zeros, and no NaN reaches the gradients
    m = np.ones((3, 6), bool)
    m[1] = False
    qt, kt, vt = (t(a, requires_grad=True) for a in (q, k[:, :1].repeat(4, 1), v[:, :1].repeat(4, 1)))
    out = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=rtorch.tensor(m))
    assert_close(out, np_sdpa(q, k[:, :1].repeat(4, 1), v[:, :1].repeat(4, 1), mask=m), rtol=1e-6, atol=1e-8)
    assert np.all(n(out)[:, :, 1] == 0)
    out.sum().backward()
    assert all(np.isfinite(n(x.grad)).all() for x in (qt, kt, vt))
    assert np.all(n(qt.grad)[:, :, 1] == 0)

    rtorch.manual_seed(0)
    base = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True)
    dropped = F.scaled_dot_product_attention(t(q), t(k), t(v), dropout_p=0.5, enable_gqa=True)
    assert tuple(dropped.shape) == tuple(base.shape) and not np.allclose(n(dropped), n(base))
    assert_close(F.scaled_dot_product_attention(t(q), t(k), t(v), dropout_p=1.0, enable_gqa=True),
                 np.zeros(base.shape), rtol=1e-6, atol=1e-8)


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
    assert_close(out, ref, rtol=1e-6, atol=1e-8)
    if need_weights:
        assert_close(w, ref_w.mean(1), rtol=1e-6, atol=1e-8)
    else:
        assert w is None


def test_mha_layouts_and_separate_weights(rng):
    E, H, L, S, N = 6, 3, 3, 4, 2
    m = randomize(nn.MultiheadAttention(E, H, batch_first=True).double(), rng)
    q, kv = rng.standard_normal((N, L, E)), rng.standard_normal((N, S, E))
    out, w = m(t(q), t(kv), t(kv), average_attn_weights=False)
    ref, ref_w = np_mha(q.transpose(1, 0, 2), kv.transpose(1, 0, 2), kv.transpose(1, 0, 2), np_state(m), H)
    assert_close(out, ref.transpose(1, 0, 2), rtol=1e-6, atol=1e-8)
    assert_close(w, ref_w, rtol=1e-6, atol=1e-8)  # per-head weights (N, H, L, S)
    out1, w1 = m(t(q[0]), t(kv[0]), t(kv[0]))  # unbatched (L, E)
    assert_close(out1, ref[:, 0], rtol=1e-6, atol=1e-8)
    assert_close(w1, ref_w[0].mean(0), rtol=1e-6, atol=1e-8)

    s = randomize(nn.MultiheadAttention(E, H, kdim=4, vdim=5).double(), rng)
    q, k, v = rng.standard_normal((L, N, E)), rng.standard_normal((S, N, 4)), rng.standard_normal((S, N, 5))
    assert_close(s(t(q), t(k), t(v))[0], np_mha(q, k, v, np_state(s), H, sep=True)[0], rtol=1e-6, atol=1e-8)


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
    assert_close(out, ref, rtol=1e-6, atol=1e-8)
    assert_close(w, ref_w.mean(1), rtol=1e-6, atol=1e-8)


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


# ------------------------------------------------------------------ PyTorch 2.x
def as_torch(torch, t, requires_grad=False):
    if t.dtype == rtorch.bool:
        return torch.from_numpy(np.array(t.numpy(), copy=True))
    r = torch.from_numpy(rounded(t)).to(getattr(torch, str(t.dtype).split(".")[-1]))
    return r.requires_grad_(requires_grad)


@settings(max_examples=60, deadline=None)
@given(case=attention_case(with_empty=False), dtype=st.sampled_from([rtorch.float32, rtorch.float64]))
def test_matches_torch(case, dtype):
    check_sdpa(case, dtype, live_ref)


def check_sdpa(case, dtype, reference):
    """scaled_dot_product_attention's output and input gradients against PyTorch's (`reference`: torch_ref or
    live_ref)."""
    if case["kind"] == "float_inf":
        case = dict(case, kind="float")  # torch's CPU kernels differ among themselves on -inf biases
    ts, kw, _ = build(case, dtype, requires_grad=True)
    out = F.scaled_dot_product_attention(*ts, **kw)
    batch = tuple(out.shape[:-2])
    g = np.random.default_rng(0).standard_normal(tuple(out.shape))

    def torch_side(torch):
        tt = [as_torch(torch, t, True) for t in ts]
        # torch's fused CPU kernels want equal batch dims: expand (its gradient sums them back)
        te = [x.expand(batch + tuple(x.shape[-2:])) for x in tt]
        tkw = dict(kw)
        if "attn_mask" in kw:
            m = as_torch(torch, kw["attn_mask"])
            # torch wants a mask of at least 2 dims; leading 1s broadcast the same way
            tkw["attn_mask"] = m.reshape((1,) * max(0, 2 - m.dim()) + tuple(m.shape))
        ref = torch.nn.functional.scaled_dot_product_attention(*te, **tkw)
        ref.backward(torch.from_numpy(g).to(ref.dtype))
        return ref.detach().double(), [b.grad.double() for b in tt]
    ref, ref_grads = reference(torch_side)
    rtol, atol = (1e-4, 1e-5) if dtype == rtorch.float32 else (1e-9, 1e-10)
    np.testing.assert_allclose(rounded(out), ref, rtol=rtol, atol=atol)
    out.backward(rtorch.tensor(g, dtype=dtype))
    for a, b in zip(ts, ref_grads, strict=True):
        np.testing.assert_allclose(rounded(a.grad), b, rtol=rtol * 10, atol=atol * 10)


def _sdpa_case(q, k, v, kind="none", mshape=None, layouts=("contiguous",) * 3, scale=None, seed=0):
    return dict(q=q, k=k, v=v, kind=kind, mshape=mshape, layouts=list(layouts), scale=scale, seed=seed)


# Fixed cases for the same check without PyTorch (recorded): broadcast batch dims, every mask kind and
# broadcast mask shapes, causal with L < S and L > S, every layout, a custom scale.
SDPA_CASES = [
    _sdpa_case((4, 3), (5, 3), (5, 2)),
    _sdpa_case((2, 4, 3), (2, 5, 3), (2, 5, 4), "causal", layouts=("transposed", "heads", "stepped"), scale=0.37,
               seed=1),
    _sdpa_case((2, 3, 4, 2), (1, 3, 6, 2), (2, 1, 6, 3), "bool", (3, 4, 6), ("heads", "contiguous", "transposed"),
               seed=2),
    _sdpa_case((3, 1, 5, 4), (1, 2, 5, 4), (3, 2, 5, 1), "float", (1, 5), ("stepped", "stepped", "contiguous"), seed=3),
    _sdpa_case((1, 7, 5), (1, 2, 5), (1, 2, 5), "float_inf", (7, 2), seed=4),
    _sdpa_case((2, 1, 3), (2, 7, 3), (2, 7, 2), "causal", seed=5),
    _sdpa_case((2, 2, 6, 1), (2, 2, 3, 1), (2, 2, 3, 3), "causal", layouts=("transposed",) * 3, scale=0.37, seed=6),
    _sdpa_case((3, 2), (3, 2), (3, 5), "bool", (3, 3), ("stepped",) * 3, seed=7),
    _sdpa_case((2, 3, 2, 2), (2, 3, 2, 2), (3, 2, 2), "float", (3, 2, 2), ("heads", "transposed", "contiguous"),
               seed=8),
    _sdpa_case((3, 3, 4), (3, 3, 4), (3, 3, 4), "bool", (1, 3), scale=0.37, seed=9),
]


@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64], ids=str)
@pytest.mark.parametrize("case", range(len(SDPA_CASES)))
def test_sdpa_fixed_cases_match_torch(case, dtype):
    check_sdpa(SDPA_CASES[case], dtype, torch_ref)


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_layout_matches_torch(causal):
    # (B, L, H, E) projections viewed as (B, H, L, E), as attention layers make them.
    g = np.random.default_rng(4)
    B, L, H, E = 3, 37, 4, 16
    xs = [g.standard_normal((B, L, H, E)).astype(np.float32) for _ in range(3)]

    def side(lib):
        ts = [lib.tensor(x, requires_grad=True) for x in xs]
        out = lib.nn.functional.scaled_dot_product_attention(*(t.transpose(1, 2) for t in ts), is_causal=causal)
        (out * out).sum().backward()
        return out.detach().numpy(), [t.grad.numpy() for t in ts]
    (out, grads), (ref, ref_grads) = side(rtorch), torch_ref(side)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    for a, b in zip(grads, ref_grads):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"mask": "bool"}, {"mask": "float"}, {"scale": 0.3},
                                {"mask": "dead_row"}, {"enable_gqa": True}])
def test_sdpa_matches_torch(kw, rng):
    kw = dict(kw)
    hk = 2 if kw.get("enable_gqa") else 4
    q = rng.standard_normal((2, 4, 5, 8)).astype(np.float32)
    k = rng.standard_normal((2, hk, 5, 8)).astype(np.float32)
    v = rng.standard_normal((2, hk, 5, 3)).astype(np.float32)
    mask = kw.pop("mask", None)
    m = None
    if mask is not None:
        m = rng.random((5, 5)) > 0.4 if mask != "float" else rng.standard_normal((5, 5)).astype(np.float32)
        if mask == "dead_row":
            m[2] = False
    g = rng.standard_normal((2, 4, 5, 3)).astype(np.float32)

    def side(lib):
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        mkw = {} if m is None else {"attn_mask": lib.tensor(m)}
        y = lib.nn.functional.scaled_dot_product_attention(*ts, **kw, **mkw)
        (y * lib.tensor(g)).sum().backward()
        return y, [a.grad for a in ts]
    yt, gt = torch_ref(side)
    yr, gr = side(rtorch)
    assert_close(yr, yt, rtol=1e-4, atol=1e-5)
    for a, b in zip(gr, gt):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def _mha_torch_side(E, H, kw, inputs, g, need_weights=True, average=True, **masks):
    """The PyTorch half of an nn.MultiheadAttention parity test: (initial weights, output, attention weights,
    input gradients, parameter gradients) for the NumPy `inputs` (q, k, v), masks and output cotangent `g`."""
    def side(torch):
        torch.manual_seed(0)
        tm = torch.nn.MultiheadAttention(E, H, **kw)
        if kw.get("bias", True):
            with torch.no_grad():
                tm.in_proj_bias.normal_()
                tm.out_proj.bias.normal_()
        init = module_state(tm)
        ts = [to_torch(torch, a, True) for a in inputs]
        ot, wt = tm(*ts, need_weights=need_weights, average_attn_weights=average,
                    **{name: to_torch(torch, m) for name, m in masks.items()})
        if g is not None:
            (ot * to_torch(torch, g)).sum().backward()
        return init, ot, wt, [a.grad for a in ts], param_grads(tm)
    return side


@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"kdim": 5, "vdim": 3}, {"bias": False},
                                {"add_bias_kv": True, "add_zero_attn": True}])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_mha_matches_torch(kw, need_weights, average, rng):
    E, H, L, S, N = 8, 2, 4, 6, 3
    bf = kw.get("batch_first", False)
    shape = (lambda s: (N, s) if bf else (s, N))
    q = rng.standard_normal(shape(L) + (E,)).astype(np.float32)
    k = rng.standard_normal(shape(S) + (kw.get("kdim", E),)).astype(np.float32)
    v = rng.standard_normal(shape(S) + (kw.get("vdim", E),)).astype(np.float32)
    kpm = np.zeros((N, S), bool)
    kpm[0, -2:] = True
    am = rng.standard_normal((L, S)).astype(np.float32)
    g = rng.standard_normal(shape(L) + (E,)).astype(np.float32)
    extra = 2 if kw.get("add_bias_kv") else 0
    init, ot, wt, grads_t, pgrads_t = torch_ref(_mha_torch_side(E, H, kw, (q, k, v), g, need_weights, average,
                                                                key_padding_mask=kpm, attn_mask=am))
    rm = load_state(nn.MultiheadAttention(E, H, **kw), init)
    rs = [t(a, rtorch.float32, True) for a in (q, k, v)]
    orr, wr = rm(*rs, key_padding_mask=rtorch.tensor(kpm), attn_mask=t(am, rtorch.float32),
                 need_weights=need_weights, average_attn_weights=average)
    assert_close(orr, ot, rtol=1e-4, atol=1e-5)
    if need_weights:
        assert tuple(wr.shape) == wt.shape
        assert wr.shape[-1] == S + extra
        assert_close(wr, wt, rtol=1e-4, atol=1e-5)
    else:
        assert wr is None and wt is None
    (orr * t(g, rtorch.float32)).sum().backward()
    for a, b in zip(rs, grads_t):
        assert_close(a.grad, b, rtol=1e-4, atol=1e-5)
    assert_grads_close(rm, pgrads_t)


def test_mha_unbatched_bool_masks_match_torch(rng):
    x = rng.standard_normal((5, 6)).astype(np.float32)
    am = np.triu(np.ones((5, 5), bool), 1)
    kpm = np.array([False, False, False, True, False])
    init, ot, wt, _, _ = torch_ref(_mha_torch_side(6, 3, {}, (x, x, x), None, attn_mask=am, key_padding_mask=kpm))
    rm = load_state(nn.MultiheadAttention(6, 3), init)
    orr, wr = rm(*(t(x, rtorch.float32),) * 3, attn_mask=rtorch.tensor(am), key_padding_mask=rtorch.tensor(kpm))
    assert_close(orr, ot, rtol=1e-4, atol=1e-5)
    assert_close(wr, wt, rtol=1e-4, atol=1e-5)

"""The fused scaled_dot_product_attention kernel (forward and backward) against NumPy, finite
differences and PyTorch: broadcast batch dims, masks, fully masked rows, strided inputs, dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck

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


# ------------------------------------------------------------------ PyTorch 2.x
def to_torch(torch, t, requires_grad=False):
    if t.dtype == rtorch.bool:
        return torch.from_numpy(np.array(t.numpy(), copy=True))
    r = torch.from_numpy(rounded(t)).to(getattr(torch, str(t.dtype).split(".")[-1]))
    return r.requires_grad_(requires_grad)


@settings(max_examples=60, deadline=None)
@given(case=attention_case(with_empty=False), dtype=st.sampled_from([rtorch.float32, rtorch.float64]))
def test_matches_torch(case, dtype):
    torch = pytest.importorskip("torch")
    if case["kind"] == "float_inf":
        case = dict(case, kind="float")  # torch's CPU kernels differ among themselves on -inf biases
    ts, kw, _ = build(case, dtype, requires_grad=True)
    out = F.scaled_dot_product_attention(*ts, **kw)
    batch = tuple(out.shape[:-2])
    tt = [to_torch(torch, t, True) for t in ts]
    # torch's fused CPU kernels want equal batch dims: expand (its gradient sums them back)
    te = [x.expand(batch + tuple(x.shape[-2:])) for x in tt]
    tkw = dict(kw)
    if "attn_mask" in kw:
        m = to_torch(torch, kw["attn_mask"])
        # torch wants a mask of at least 2 dims; leading 1s broadcast the same way
        tkw["attn_mask"] = m.reshape((1,) * max(0, 2 - m.dim()) + tuple(m.shape))
    ref = torch.nn.functional.scaled_dot_product_attention(*te, **tkw)
    rtol, atol = (1e-4, 1e-5) if dtype == rtorch.float32 else (1e-9, 1e-10)
    np.testing.assert_allclose(rounded(out), ref.detach().double().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(0).standard_normal(tuple(out.shape))
    out.backward(rtorch.tensor(g, dtype=dtype))
    ref.backward(torch.from_numpy(g).to(ref.dtype))
    for a, b in zip(ts, tt):
        np.testing.assert_allclose(rounded(a.grad), b.grad.double().numpy(), rtol=rtol * 10, atol=atol * 10)


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_layout_matches_torch(causal):
    # (B, L, H, E) projections viewed as (B, H, L, E), as attention layers make them.
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(4)
    B, L, H, E = 3, 37, 4, 16
    xs = [g.standard_normal((B, L, H, E)).astype(np.float32) for _ in range(3)]
    rs = [rtorch.tensor(x, requires_grad=True) for x in xs]
    ts = [torch.tensor(x, requires_grad=True) for x in xs]
    out = F.scaled_dot_product_attention(*(r.transpose(1, 2) for r in rs), is_causal=causal)
    ref = torch.nn.functional.scaled_dot_product_attention(*(t.transpose(1, 2) for t in ts), is_causal=causal)
    np.testing.assert_allclose(rounded(out), ref.detach().numpy(), rtol=1e-4, atol=1e-5)
    (out * out).sum().backward()
    (ref * ref).sum().backward()
    for a, b in zip(rs, ts):
        np.testing.assert_allclose(rounded(a.grad), b.grad.numpy(), rtol=1e-3, atol=1e-4)

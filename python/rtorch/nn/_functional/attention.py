"""nn.functional attention: scaled_dot_product_attention and multi_head_attention_forward."""
import math

import rtorch
from rtorch.nn._functional.linear import linear
from rtorch.nn._functional.dropout import dropout


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A boolean mask (True = masked out) as an additive float mask of ``target_type`` (0 / -inf);
    a float mask is returned unchanged."""
    if mask is None:
        return None
    if mask.dtype == rtorch.bool:
        zeros = rtorch.zeros(tuple(mask.shape), dtype=target_type, device=mask.device)
        return zeros.masked_fill(mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise TypeError(f"only bool and floating types of {mask_name} are supported, got {mask.dtype}")
    return mask


def _safe_softmax_rows(scores):
    """Softmax over the last dim whose fully ``-inf`` rows give zeros instead of NaN (and no NaN gradient),
    as PyTorch's math attention kernel does."""
    with rtorch.no_grad():
        dead = (scores == float("-inf")).all(-1, keepdim=True)
    if not bool(dead.any()):
        return scores.softmax(-1)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def _fused_attention_ok(query, key, value, attn_mask):
    """Whether the fused CPU kernel computes exactly what the tensor-op chain below would: CPU tensors of
    one float dtype and a bool mask or a float mask of that dtype that needs no gradient. Anything else
    (CUDA, mixed dtypes, integer masks) keeps the chain with its promotion rules and error messages."""
    dt = query.dtype
    if not query.is_floating_point() or key.dtype != dt or value.dtype != dt:
        return False
    if not (query.is_cpu and key.is_cpu and value.is_cpu):
        return False
    if attn_mask is None:
        return True
    return attn_mask.is_cpu and (attn_mask.dtype == rtorch.bool or (attn_mask.dtype == dt and not attn_mask.requires_grad))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    r"""Attention :math:`\mathrm{softmax}(QK^T \cdot \text{scale} + \text{bias})\,V` over the last two dims.

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev)
        attn_mask: broadcastable to (..., L, S): a bool mask keeps the positions where it is ``True``;
            a float mask is added to the scores
        dropout_p: dropout probability applied to the attention weights (always, as in PyTorch)
        is_causal: apply a top-left-aligned causal mask (cannot be combined with ``attn_mask``)
        scale: defaults to :math:`1/\sqrt{E}`
        enable_gqa: allow key/value with fewer heads (dim -3) than query; they are repeated to match

    Returns:
        tensor of shape (..., L, Ev). Rows whose every position is masked give zeros.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> q = k = rtorch.zeros(1, 2, 4)
        >>> v = rtorch.tensor([[[1.0], [3.0]]])
        >>> F.scaled_dot_product_attention(q, k, v)
        tensor([[[2.],
                 [2.]]])
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
        tensor([[[1.],
                 [2.]]])
    """
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"scaled_dot_product_attention: query, key and value must have at least 2 dims, got "
                           f"query {list(query.shape)}, key {list(key.shape)}, value {list(value.shape)}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and "
                           f"value (..., S, Ev), got query {list(query.shape)}, key {list(key.shape)}, "
                           f"value {list(value.shape)}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    L, S = query.shape[-2], key.shape[-2]
    if scale is None:
        # With an empty head dim every score is 0 whatever the scale (PyTorch then averages the values).
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] > 0 else 1.0
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk != 0 or hq % hv != 0:
            raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa the number of query heads ({hq}) "
                               f"must be a multiple of the key ({hk}) and value ({hv}) heads")
        key = key.repeat_interleave(hq // hk, -3)
        value = value.repeat_interleave(hq // hv, -3)
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True")
    if dropout_p == 0.0 and _fused_attention_ok(query, key, value, attn_mask):
        # One fused CPU kernel that keeps only the row log-sum-exps for its fused backward.
        return rtorch._rtorch.scaled_dot_product_attention(query, key, value, attn_mask, is_causal, scale)
    scores = query.matmul(key.transpose(-2, -1)) * scale
    masked = False
    if is_causal:
        keep = rtorch.ones((L, S), dtype=rtorch.bool, device=query.device).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
        masked = True
    elif attn_mask is not None:
        if attn_mask.dtype == rtorch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
        masked = True
    attn = _safe_softmax_rows(scores) if masked else scores.softmax(-1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, training=True)
    return attn.matmul(value)


def _in_projection_packed(q, k, v, w, b=None):
    """Project q, k, v with the three (E, E) blocks of the packed (3E, E) ``w`` (and (3E,) ``b``)."""
    wq, wk, wv = w.chunk(3)
    bq, bk, bv = (None, None, None) if b is None else b.chunk(3)
    return linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the (already seq-first) inputs are batched; raise on inconsistent ranks."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise RuntimeError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                               f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise RuntimeError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                               f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise RuntimeError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                               f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise RuntimeError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                               f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise RuntimeError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                               f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise RuntimeError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                   f"but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise RuntimeError(f"Expected `attn_mask` shape to be {expected} but got "
                                       f"{tuple(attn_mask.shape)}")
        return False
    raise RuntimeError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                       f"tensor of shape {list(query.shape)}")


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    r"""The computation of :class:`~rtorch.nn.MultiheadAttention` on sequence-first inputs.

    Shapes: query (L, N, E) or (L, E); key (S, N, Ek), value (S, N, Ev) (or unbatched);
    key_padding_mask (N, S) or (S,), ``True``/``-inf`` = ignore that key; attn_mask (L, S) or (N*num_heads, L, S),
    ``True``/``-inf`` = not allowed. Returns ``(output (L, N, E), weights)`` where ``weights`` is
    (N, L, S) averaged over heads, (N, num_heads, L, S) with ``average_attn_weights=False``, or ``None``
    when ``need_weights=False``.
    """
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v are not supported yet")
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = tuple(query.shape)
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", None, "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the causal hint lets the attention build the mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise RuntimeError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim} "
                           f"(query of shape {list(query.shape)})")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise RuntimeError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise RuntimeError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                               f"{tuple(value.shape[:2])}")
        bq, bk, bv = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = linear(query, q_proj_weight, bq), linear(key, k_proj_weight, bk), linear(value, v_proj_weight, bv)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise RuntimeError(f"key shape {list(key.shape)} does not match value shape {list(value.shape)}")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)

    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    def pad_last(mask):
        zeros = rtorch.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype, device=mask.device)
        return rtorch.cat([mask, zeros], -1)

    if bias_k is not None and bias_v is not None:
        k = rtorch.cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = rtorch.cat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask = None if attn_mask is None else pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise RuntimeError("bias_k and bias_v must both be given or both be None")

    # (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        zero = rtorch.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k = rtorch.cat([k, zero], 1)
        v = rtorch.cat([v, zero], 1)
        attn_mask = None if attn_mask is None else pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise RuntimeError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                               f"{tuple(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)).matmul(k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = scores.softmax(-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        out = weights.matmul(v)  # (N * heads, L, head_dim)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not is_batched:
        out = out.squeeze(1)
    return out, None


__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

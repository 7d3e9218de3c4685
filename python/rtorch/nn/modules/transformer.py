"""Transformer encoder: TransformerEncoderLayer (self-attention + feed-forward) and TransformerEncoder (a stack)."""
import copy

import rtorch
from rtorch.nn import functional as F
from rtorch.nn.modules.activation import MultiheadAttention
from rtorch.nn.modules.container import ModuleList
from rtorch.nn.modules.dropout import Dropout
from rtorch.nn.modules.linear import Linear
from rtorch.nn.modules.module import Module
from rtorch.nn.modules.normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder"]


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    """An (sz, sz) float mask with -inf above the diagonal and 0 elsewhere (each position sees its past)."""
    allowed = rtorch.ones((sz, sz), dtype=rtorch.bool, device=device).tril()
    return rtorch.zeros((sz, sz), dtype=dtype, device=device).masked_fill(~allowed, float("-inf"))


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """``is_causal`` if given, else whether ``mask`` equals the square causal mask (as PyTorch's hint)."""
    make_causal = bool(is_causal)
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.shape[-2]
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype) \
            if mask.dtype.is_floating_point else ~rtorch.ones((sz, sz), dtype=rtorch.bool).tril()
        make_causal = tuple(mask.shape) == tuple(causal.shape) and bool((mask == causal).all())
    return make_causal


def _get_activation_fn(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


class TransformerEncoderLayer(Module):
    r"""One Transformer encoder block: self-attention, then a feed-forward network, each with dropout, a
    residual connection and a LayerNorm (after the sum, or before the sublayer when ``norm_first``).

    Args:
        d_model: the number of expected features E in the input
        nhead: the number of attention heads
        dim_feedforward: hidden size of the feed-forward network. Default: 2048
        dropout: dropout probability. Default: 0.1
        activation: ``"relu"``, ``"gelu"`` or a callable. Default: ``"relu"``
        layer_norm_eps: eps of the two LayerNorms. Default: 1e-5
        batch_first: inputs and outputs are (N, S, E) instead of (S, N, E). Default: ``False``
        norm_first: pre-norm (LayerNorm before attention / feed-forward). Default: ``False``
        bias: biases in the Linear and LayerNorm layers. Default: ``True``

    Forward: ``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)``.

    Example::

        >>> import rtorch
        >>> layer = rtorch.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)
        >>> tuple(layer(rtorch.randn(2, 7, 16)).shape)
        (2, 7, 16)
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        self.activation = activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    r"""A stack of ``num_layers`` deep copies of ``encoder_layer``, followed by the optional ``norm``.

    Args:
        encoder_layer: a :class:`TransformerEncoderLayer` (copied, so the layers do not share weights)
        num_layers: number of layers
        norm: an optional final normalisation module

    Forward: ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)``; ``is_causal=None``
    detects a square causal ``mask``.

    Example::

        >>> import rtorch
        >>> layer = rtorch.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> enc = rtorch.nn.TransformerEncoder(layer, num_layers=3)
        >>> tuple(enc(rtorch.randn(5, 2, 8)).shape)
        (5, 2, 8)
    """

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        first = self.layers[0] if len(self.layers) else None
        batch_first = first is not None and first.self_attn.batch_first
        seq_len = None
        if src.dim() == 3:
            seq_len = src.shape[1] if batch_first else src.shape[0]
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        out = src
        for mod in self.layers:
            out = mod(out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            out = self.norm(out)
        return out

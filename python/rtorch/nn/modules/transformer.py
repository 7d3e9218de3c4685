"""Transformer layers: encoder and decoder blocks, their stacks, and the encoder-decoder Transformer."""
import copy

import rtorch
from rtorch.nn import functional as F
from rtorch.nn import init
from rtorch.nn.modules.activation import MultiheadAttention
from rtorch.nn.modules.container import ModuleList
from rtorch.nn.modules.dropout import Dropout
from rtorch.nn.modules.linear import Linear
from rtorch.nn.modules.module import Module
from rtorch.nn.modules.normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder",
           "Transformer"]


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    """An (sz, sz) float mask with -inf above the diagonal and 0 elsewhere (each position sees its past)."""
    allowed = rtorch.ones((sz, sz), dtype=rtorch.bool, device=device).tril()
    return rtorch.zeros((sz, sz), dtype=dtype, device=device).masked_fill(~allowed, float("-inf"))


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """``is_causal`` if given, else whether ``mask`` equals the square causal mask (as PyTorch's hint)."""
    make_causal = bool(is_causal)
    if mask is not None and mask.dim() not in (2, 3):
        raise RuntimeError(f"expected a 2-D or 3-D attention mask, but found a {mask.dim()}-D tensor "
                           f"of shape {list(mask.shape)}")
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.shape[-2]
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype) \
            if mask.dtype.is_floating_point else ~rtorch.ones((sz, sz), dtype=rtorch.bool, device=mask.device).tril()
        make_causal = tuple(mask.shape) == tuple(causal.shape) and bool((mask == causal).all())
    return make_causal


def _get_seq_len(src, batch_first):
    """The sequence length of an unbatched (S, E) or batched (S, N, E) / (N, S, E) input."""
    if src.dim() == 2:
        return src.shape[0]
    return src.shape[1 if batch_first else 0]


def _get_clones(module, n):
    """``n`` independent deep copies of ``module`` in a ModuleList (the layers of a stack share no weights)."""
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _get_activation_fn(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


class TransformerEncoderLayer(Module):
    r"""One Transformer encoder block: self-attention, then a feed-forward network.

    Each sublayer has dropout, a residual connection and a LayerNorm (after the sum, or before the
    sublayer when ``norm_first``).

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
        """Passes ``src`` through the encoder block.

        Args:
            src (Tensor): (S, N, E), (N, S, E) with ``batch_first``, or unbatched (S, E).
            src_mask (Tensor, optional): (S, S) attention mask.
            src_key_padding_mask (Tensor, optional): (N, S); ``True`` hides that position.
            is_causal (bool, optional): a hint that ``src_mask`` is the causal mask. Default: ``False``.
        """
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
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Passes ``src`` through each encoder layer in turn, then the final ``norm``.

        Args:
            src (Tensor): (S, N, E), (N, S, E) with ``batch_first``, or unbatched (S, E).
            mask (Tensor, optional): (S, S) attention mask.
            src_key_padding_mask (Tensor, optional): (N, S); ``True`` hides that position.
            is_causal (bool, optional): whether ``mask`` is the causal mask; ``None`` detects it.
        """
        first = self.layers[0] if len(self.layers) else None
        batch_first = first is not None and first.self_attn.batch_first
        seq_len = _get_seq_len(src, batch_first) if src.dim() == 3 else None
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        out = src
        for mod in self.layers:
            out = mod(out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            out = self.norm(out)
        return out


class TransformerDecoderLayer(Module):
    r"""One Transformer decoder block: self-attention, cross-attention to ``memory``, then a feed-forward network.

    The cross-attention attends to the encoder's output ``memory``; each sublayer has dropout, a residual
    connection and a LayerNorm (after the sum, or before the sublayer when ``norm_first``).

    Args:
        d_model: the number of expected features E in the input
        nhead: the number of attention heads
        dim_feedforward: hidden size of the feed-forward network. Default: 2048
        dropout: dropout probability. Default: 0.1
        activation: ``"relu"``, ``"gelu"`` or a callable. Default: ``F.relu``
        layer_norm_eps: eps of the three LayerNorms. Default: 1e-5
        batch_first: inputs and outputs are (N, T, E) instead of (T, N, E). Default: ``False``
        norm_first: pre-norm (LayerNorm before each sublayer). Default: ``False``
        bias: biases in the Linear and LayerNorm layers. Default: ``True``

    Forward: ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)``. ``tgt_mask`` (T, T) and
    ``memory_mask`` (T, S) are bool (``True`` = may not attend) or additive float masks; the key padding
    masks are (N, T) and (N, S); ``*_is_causal`` are hints that the matching mask is the causal mask.

    Example::

        >>> import rtorch
        >>> layer = rtorch.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)
        >>> tuple(layer(rtorch.randn(2, 7, 16), rtorch.randn(2, 5, 16)).shape)
        (2, 7, 16)
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                            **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first,
                                                 bias=bias, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        self.activation = activation

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """Passes ``tgt`` through the decoder block, attending to ``memory``.

        Args:
            tgt (Tensor): (T, N, E), (N, T, E) with ``batch_first``, or unbatched (T, E).
            memory (Tensor): the encoder output, (S, N, E) (batch layout as ``tgt``).
            tgt_mask (Tensor, optional): (T, T) self-attention mask.
            memory_mask (Tensor, optional): (T, S) cross-attention mask.
            tgt_key_padding_mask (Tensor, optional): (N, T); ``True`` hides that position.
            memory_key_padding_mask (Tensor, optional): (N, S); ``True`` hides that position.
            tgt_is_causal (bool, optional): a hint that ``tgt_mask`` is the causal mask.
            memory_is_causal (bool, optional): a hint that ``memory_mask`` is the causal mask.
        """
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


class TransformerDecoder(Module):
    r"""A stack of ``num_layers`` deep copies of ``decoder_layer``, followed by the optional ``norm``.

    Args:
        decoder_layer: a :class:`TransformerDecoderLayer` (copied, so the layers do not share weights)
        num_layers: number of layers
        norm: an optional final normalisation module

    Forward: ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)``; ``tgt_is_causal=None``
    detects a square causal ``tgt_mask``.

    Example::

        >>> import rtorch
        >>> layer = rtorch.nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> dec = rtorch.nn.TransformerDecoder(layer, num_layers=3)
        >>> tuple(dec(rtorch.randn(6, 2, 8), rtorch.randn(5, 2, 8)).shape)
        (6, 2, 8)
    """

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Passes ``tgt`` through each decoder layer in turn (each attending to ``memory``), then the final ``norm``.

        The arguments are those of :meth:`TransformerDecoderLayer.forward`; ``tgt_is_causal=None``
        detects a causal ``tgt_mask``.
        """
        output = tgt
        batch_first = len(self.layers) > 0 and self.layers[0].self_attn.batch_first
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _get_seq_len(tgt, batch_first))
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    r"""The encoder-decoder Transformer of "Attention Is All You Need".

    A :class:`TransformerEncoder` over ``src`` and a :class:`TransformerDecoder` over ``tgt`` that attends
    to the encoder's output, each stack ending with a LayerNorm. Matrices (every parameter with more than
    one dim) are xavier-uniform initialised.

    Args:
        d_model: the number of features E of encoder and decoder inputs. Default: 512
        nhead: the number of attention heads. Default: 8
        num_encoder_layers: number of encoder layers. Default: 6
        num_decoder_layers: number of decoder layers. Default: 6
        dim_feedforward: hidden size of the feed-forward networks. Default: 2048
        dropout: dropout probability. Default: 0.1
        activation: ``"relu"``, ``"gelu"`` or a callable. Default: ``F.relu``
        custom_encoder, custom_decoder: modules used instead of the default stacks. Default: ``None``
        layer_norm_eps: eps of the LayerNorms. Default: 1e-5
        batch_first: inputs and outputs are (N, S, E) instead of (S, N, E). Default: ``False``
        norm_first: pre-norm layers. Default: ``False``
        bias: biases in the Linear and LayerNorm layers. Default: ``True``

    Forward: ``forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
    memory_is_causal=False)`` returns (T, N, E) (or (N, T, E) with ``batch_first``, (T, E) unbatched).

    Example::

        >>> import rtorch
        >>> model = rtorch.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
        ...                               dim_feedforward=32, batch_first=True)
        >>> src, tgt = rtorch.randn(3, 10, 16), rtorch.randn(3, 7, 16)
        >>> mask = rtorch.nn.Transformer.generate_square_subsequent_mask(7)
        >>> tuple(model(src, tgt, tgt_mask=mask).shape)
        (3, 7, 16)
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation=F.relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args, **kw), num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args, **kw), num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Encodes ``src`` and decodes ``tgt`` against it; returns (T, N, E) (or (N, T, E) with ``batch_first``).

        Args:
            src (Tensor): (S, N, E), or (N, S, E) with ``batch_first``.
            tgt (Tensor): (T, N, E), or (N, T, E) with ``batch_first``.
            src_mask, tgt_mask, memory_mask (Tensor, optional): (S, S), (T, T) and (T, S) attention masks.
            src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask (Tensor, optional):
                (N, S), (N, T) and (N, S); ``True`` hides that position.
            src_is_causal, tgt_is_causal, memory_is_causal (bool, optional): whether the matching
                mask is causal (``None`` detects it).
        """
        batch_dim = 0 if self.batch_first else 1
        if src.dim() == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        r"""An (sz, sz) float mask with ``-inf`` above the diagonal and 0 elsewhere (each position sees its past).

        Example::

            >>> rtorch.nn.Transformer.generate_square_subsequent_mask(3)
            tensor([[0., -inf, -inf],
                    [0., 0., -inf],
                    [0., 0., 0.]])
        """
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)

"""Activation layers (ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax, LeakyReLU, ELU, Softplus, ...)
and MultiheadAttention (whose softmax is its nonlinearity, as in PyTorch's layout)."""
import rtorch
from rtorch.nn import functional as F
from rtorch.nn import init
from rtorch.nn.parameter import Parameter
from rtorch.nn.modules.linear import NonDynamicallyQuantizableLinear
from rtorch.nn.modules.module import Module

__all__ = [
    "ReLU", "ReLU6", "Hardtanh", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid", "Softmax",
    "Softmin", "LogSoftmax", "LeakyReLU", "ELU", "Softplus", "Softsign", "MultiheadAttention",
]


class _InplaceActivation(Module):
    """Shared ``inplace`` flag and repr for the activations that accept it."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    r"""Apply :math:`\max(0, x)` elementwise."""

    def forward(self, input):
        """Applies ReLU to ``input`` (any shape; in place when ``inplace=True``)."""
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    r"""Apply :math:`x \sigma(x)` elementwise."""

    def forward(self, input):
        """Applies SiLU to ``input`` (any shape; in place when ``inplace=True``)."""
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceActivation):
    r"""Apply :math:`x \tanh(\mathrm{softplus}(x))` elementwise."""

    def forward(self, input):
        """Applies Mish to ``input`` (any shape; in place when ``inplace=True``)."""
        return F.mish(input, inplace=self.inplace)


class Hardtanh(Module):
    r"""Clamp elementwise to ``[min_val, max_val]``."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if max_val <= min_val:
            raise ValueError("max_val must be greater than min_val")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        """Clamps ``input`` (any shape) to ``[min_val, max_val]``."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    r"""Apply :math:`\min(\max(0, x), 6)` elementwise."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return "inplace=True" if self.inplace else ""


class GELU(Module):
    r"""Gaussian Error Linear Unit; ``approximate='tanh'`` uses the tanh estimate."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        """Applies GELU to ``input`` (any shape)."""
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    r"""Apply the hyperbolic tangent elementwise."""

    def forward(self, input):
        """Applies tanh to ``input`` (any shape)."""
        return input.tanh()


class Sigmoid(Module):
    r"""Apply the logistic sigmoid elementwise."""

    def forward(self, input):
        """Applies the logistic sigmoid to ``input`` (any shape)."""
        return input.sigmoid()


class Softsign(Module):
    r"""Apply :math:`x / (1 + |x|)` elementwise."""

    def forward(self, input):
        """Applies softsign to ``input`` (any shape)."""
        return F.softsign(input)


class _DimActivation(Module):
    """Shared ``dim`` argument of Softmax, Softmin and LogSoftmax."""

    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        """Applies the function along ``self.dim`` of ``input``."""
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"dim={self.dim}"


class Softmax(_DimActivation):
    r"""Apply softmax along ``dim`` so that slices sum to 1."""

    _fn = staticmethod(F.softmax)


class Softmin(_DimActivation):
    r"""Apply softmin (softmax of ``-x``) along ``dim``."""

    _fn = staticmethod(F.softmin)


class LogSoftmax(_DimActivation):
    r"""Apply :math:`\log(\mathrm{softmax}(x))` along ``dim``."""

    _fn = staticmethod(F.log_softmax)


class LeakyReLU(Module):
    r"""Apply :math:`\max(0,x) + \text{negative\_slope} \min(0,x)` elementwise."""

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        """Applies leaky ReLU to ``input`` (any shape; in place when ``inplace=True``)."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class ELU(Module):
    r"""Apply :math:`x` for :math:`x > 0`, else :math:`\alpha (e^x - 1)`."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        """Applies ELU to ``input`` (any shape; in place when ``inplace=True``)."""
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class Softplus(Module):
    r"""Apply :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, reverting to linear above ``threshold``."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        """Applies softplus to ``input`` (any shape)."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"beta={self.beta}, threshold={self.threshold}"


class MultiheadAttention(Module):
    r"""Multi-head attention: several attention heads over learnt projections of query, key and value.

    :math:`\mathrm{Concat}(head_1, \dots, head_h) W^O` with
    :math:`head_i = \mathrm{softmax}(Q W_i^Q (K W_i^K)^T / \sqrt{d}) V W_i^V`.

    Args:
        embed_dim: model dimension E (split into ``num_heads`` heads of E / num_heads)
        num_heads: number of parallel heads (must divide ``embed_dim``)
        dropout: dropout probability on the attention weights. Default: 0.0
        bias: add biases to the input and output projections. Default: ``True``
        add_bias_kv: append learnt ``bias_k`` / ``bias_v`` rows to the keys and values. Default: ``False``
        add_zero_attn: append a zero row to the (projected) keys and values. Default: ``False``
        kdim, vdim: feature sizes of key and value. Default: ``embed_dim``
        batch_first: inputs and outputs are (N, L, E) instead of (L, N, E). Default: ``False``

    Attributes:
        in_proj_weight: (3E, E), xavier-uniform, when kdim == vdim == E; otherwise ``q_proj_weight`` (E, E),
            ``k_proj_weight`` (E, kdim) and ``v_proj_weight`` (E, vdim)
        in_proj_bias: (3E,), zeros; out_proj: a Linear(E, E) whose bias is zeroed

    Forward: ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(output, weights)``, ``weights`` being ``None``
    when ``need_weights=False``. ``key_padding_mask`` (N, S): ``True`` ignores that key; ``attn_mask``
    (L, S) or (N * num_heads, L, S): ``True`` forbids attending (float masks are added).

    Example::

        >>> import rtorch
        >>> mha = rtorch.nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = rtorch.randn(3, 5, 8)
        >>> out, w = mha(x, x, x)
        >>> tuple(out.shape), tuple(w.shape)
        ((3, 5, 8), (3, 5, 5))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise ValueError(f"embed_dim must be divisible by num_heads (got embed_dim={embed_dim}, "
                             f"num_heads={num_heads})")
        kw = {"device": device, "dtype": dtype}
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(rtorch.empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(rtorch.empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(rtorch.empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(rtorch.empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(rtorch.empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(rtorch.empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(rtorch.empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """Attends from ``query`` to ``key`` / ``value``; returns ``(output, weights)``.

        Args:
            query (Tensor): (L, N, E), or (N, L, E) with ``batch_first``, or unbatched (L, E).
            key (Tensor): (S, N, kdim) (batch layout as ``query``).
            value (Tensor): (S, N, vdim) (batch layout as ``query``).
            key_padding_mask (Tensor, optional): (N, S); ``True`` (or a float added to the scores)
                hides that key.
            need_weights (bool, optional): also return the attention weights. Default: ``True``.
            attn_mask (Tensor, optional): (L, S) or (N * num_heads, L, S); ``True`` forbids
                attending, float masks are added to the scores.
            average_attn_weights (bool, optional): average the returned weights over the heads.
                Default: ``True``.
            is_causal (bool, optional): a hint that ``attn_mask`` is the causal mask. Default: ``False``.

        Returns:
            ``output`` shaped like ``query`` (with E features) and ``weights`` of shape (N, L, S)
            (or (N, num_heads, L, S) without averaging), or ``None`` when ``need_weights=False``.
        """
        is_batched = query.dim() == 3
        if self.batch_first and is_batched:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and is_batched:
            out = out.transpose(0, 1)
        return out, weights


# ------------------------------------------- activations composed in nn._functional (nnfunc, session 3)
class SELU(_InplaceActivation):
    r"""Apply :math:`\text{scale} (\max(0,x) + \min(0, \alpha (e^x - 1)))` with SELU's fixed constants.

    Args:
        inplace (bool): overwrite the input. Default: ``False``.

    Example::

        >>> rtorch.nn.SELU()(rtorch.tensor([1.0]))
        tensor([1.0507])
    """

    def forward(self, input):
        """Applies SELU to ``input`` (any shape)."""
        return F.selu(input, self.inplace)


class CELU(Module):
    r"""Apply :math:`\max(0,x) + \min(0, \alpha (e^{x/\alpha} - 1))` elementwise.

    Args:
        alpha (float): the scale of the negative part. Default: 1.0.
        inplace (bool): overwrite the input. Default: ``False``.
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        """Applies CELU to ``input`` (any shape)."""
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    r"""Gated linear unit :math:`a \sigma(b)` of the two halves of the input along ``dim``.

    Args:
        dim (int): the dimension to split (its size must be even). Default: -1.
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        """Applies GLU to ``input`` along ``self.dim``."""
        return F.glu(input, self.dim)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"dim={self.dim}"


class _Shrink(Module):
    """Shared ``lambd`` argument and repr of Hardshrink and Softshrink."""

    _fn = None

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        """Applies the shrinkage to ``input`` (any shape)."""
        return type(self)._fn(input, self.lambd)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.lambd}"


class Hardshrink(_Shrink):
    r"""Keep :math:`x` where :math:`|x| > \lambda`, zero elsewhere.

    Args:
        lambd (float): the threshold. Default: 0.5.
    """

    _fn = staticmethod(F.hardshrink)


class Softshrink(_Shrink):
    r"""Shrink towards zero by :math:`\lambda` (zero inside :math:`[-\lambda, \lambda]`).

    Args:
        lambd (float): the shrinkage, at least 0. Default: 0.5.
    """

    _fn = staticmethod(F.softshrink)


class Hardswish(_InplaceActivation):
    r"""Apply :math:`x \cdot \mathrm{ReLU6}(x + 3) / 6` elementwise.

    Args:
        inplace (bool): overwrite the input. Default: ``False``.
    """

    def forward(self, input):
        """Applies hard swish to ``input`` (any shape)."""
        return F.hardswish(input, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr`` (PyTorch shows none)."""
        return ""


class Hardsigmoid(_InplaceActivation):
    r"""Apply :math:`\mathrm{ReLU6}(x + 3) / 6` elementwise.

    Args:
        inplace (bool): overwrite the input. Default: ``False``.
    """

    def forward(self, input):
        """Applies the hard sigmoid to ``input`` (any shape)."""
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr`` (PyTorch shows none)."""
        return ""


class LogSigmoid(Module):
    r"""Apply :math:`\log \sigma(x)` elementwise (computed stably)."""

    def forward(self, input):
        """Applies log-sigmoid to ``input`` (any shape)."""
        return F.logsigmoid(input)


class Tanhshrink(Module):
    r"""Apply :math:`x - \tanh(x)` elementwise."""

    def forward(self, input):
        """Applies tanhshrink to ``input`` (any shape)."""
        return F.tanhshrink(input)


class Softmax2d(Module):
    r"""Apply softmax over the channels (dim -3) of a (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):
        """Applies softmax over the channel dimension of ``input`` (3-D or 4-D)."""
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class Threshold(Module):
    r"""Keep :math:`x` where :math:`x >` ``threshold``, replace it by ``value`` elsewhere.

    Args:
        threshold (float): the threshold.
        value (float): the replacement.
        inplace (bool): overwrite the input. Default: ``False``.
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        """Applies the threshold to ``input`` (any shape)."""
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class RReLU(Module):
    r"""Randomized leaky ReLU: random negative slopes from ``U(lower, upper)`` in training, their mean in eval.

    Args:
        lower (float): the lower bound of the slope. Default: 1/8.
        upper (float): the upper bound of the slope. Default: 1/3.
        inplace (bool): overwrite the input. Default: ``False``.
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        """Applies RReLU to ``input`` (random slopes while ``self.training``)."""
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    r"""Parametric ReLU :math:`\max(0,x) + a \min(0,x)` with a learned slope ``a``, one shared or one per channel.

    Args:
        num_parameters (int): 1 or the number of channels (dim 1 of the input). Default: 1.
        init (float): the initial slope. Default: 0.25.

    Example::

        >>> m = rtorch.nn.PReLU()
        >>> m(rtorch.tensor([-2.0, 2.0]))
        tensor([-0.5000,  2.0000], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        self.init = init
        super().__init__()
        self.weight = Parameter(rtorch.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Sets every slope to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input):
        """Applies PReLU to ``input`` with the learned slopes."""
        return F.prelu(input, self.weight)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"num_parameters={self.num_parameters}"


__all__ += ["SELU", "CELU", "GLU", "Hardshrink", "Softshrink", "Hardswish", "Hardsigmoid", "LogSigmoid",
            "Tanhshrink", "Softmax2d", "Threshold", "RReLU", "PReLU"]

"""Normalisation layers over trailing, grouped or neighbouring dims: LayerNorm, GroupNorm, RMSNorm and
LocalResponseNorm and its legacy form CrossMapLRN2d."""
import numbers

import rtorch
from rtorch.nn import functional as F
from rtorch.nn import init
from rtorch.nn.parameter import Parameter
from rtorch.nn.modules.module import Module
from rtorch.autograd.function import Function

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm"]


def _as_shape(normalized_shape):
    """An int or a sequence of ints as a shape tuple."""
    if isinstance(normalized_shape, numbers.Integral):
        return (normalized_shape,)
    return tuple(normalized_shape)


class _AffineNorm(Module):
    """Base of the normalisation layers: the optional learnt scale ``weight`` (ones) and shift ``bias`` (zeros)."""

    def _init_affine(self, shape, device=None, dtype=None, **enabled):
        """Register each parameter named in ``enabled`` (``weight=...``, ``bias=...``) with ``shape``, or as
        ``None`` where it is switched off; a name left out is not registered at all (RMSNorm has no bias)."""
        for name, on in enabled.items():
            if on:
                setattr(self, name, Parameter(rtorch.empty(shape, device=device, dtype=dtype)))
            else:
                self.register_parameter(name, None)

    def reset_parameters(self):
        """Resets ``weight`` to ones and ``bias`` to zeros (where present)."""
        if getattr(self, "weight", None) is not None:
            init.ones_(self.weight)
        if getattr(self, "bias", None) is not None:
            init.zeros_(self.bias)


class LayerNorm(_AffineNorm):
    r"""Layer normalisation over the trailing ``normalized_shape`` dimensions.

    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta`,
    with ``weight`` (:math:`\gamma`) set to ones and ``bias`` (:math:`\beta`) to zeros.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self._init_affine(self.normalized_shape, device, dtype, weight=elementwise_affine,
                          bias=elementwise_affine and bias)
        self.reset_parameters()

    def forward(self, input):
        """Normalises ``input`` over its trailing ``normalized_shape`` dimensions."""
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(_AffineNorm):
    r"""Applies group normalisation over an (N, C, *) input.

    The C channels are split into ``num_groups`` groups, each normalised over its channels and positions,
    then scaled and shifted per channel.

    Args:
        num_groups: number of groups (must divide ``num_channels``)
        num_channels: the number of channels C
        eps: added to the variance for numerical stability. Default: 1e-5
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros). Default: ``True``
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels must be divisible by num_groups (got num_channels={num_channels}, "
                             f"num_groups={num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self._init_affine(num_channels, device, dtype, weight=affine, bias=affine)
        self.reset_parameters()

    def forward(self, input):
        """Normalises the channel groups of an (N, C, *) ``input``."""
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class RMSNorm(_AffineNorm):
    r"""Applies root-mean-square normalisation over the trailing ``normalized_shape`` dimensions.

    :math:`y = x / \sqrt{\mathrm{mean}(x^2) + \epsilon} * \gamma`, with ``weight`` (:math:`\gamma`) set to ones.

    ``eps=None`` uses the machine epsilon of the input's dtype.
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self._init_affine(self.normalized_shape, device, dtype, weight=elementwise_affine)
        self.reset_parameters()

    def forward(self, x):
        """Normalises ``x`` by its root mean square over the trailing ``normalized_shape`` dimensions."""
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    r"""Normalise each element by the energy of its ``size`` neighbouring channels.

    The output is :math:`x / (k + \frac{\alpha}{n} \sum x^2)^\beta` over the channel window.

    Args:
        size (int): the number of neighbouring channels.
        alpha (float): multiplicative factor. Default: 1e-4.
        beta (float): exponent. Default: 0.75.
        k (float): additive factor. Default: 1.
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        """Normalises ``input`` (N, C, *) across channels."""
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ += ["LocalResponseNorm"]


def _channel_window_sums(t, lo, hi):
    """``out[:, c] = t[:, lo[c]:hi[c] + 1].sum(1)`` for every channel ``c``, by differences of a cumulative sum."""
    zero = rtorch.zeros_like(t.narrow(1, 0, 1))
    csum = rtorch.cat([zero, t.cumsum(1)], 1)
    hi = rtorch.tensor(hi, device=t.device) + 1
    lo = rtorch.tensor(lo, device=t.device)
    return csum.index_select(1, hi) - csum.index_select(1, lo)


class _CrossMapLRN2dFn(Function):
    """Lua Torch's SpatialCrossMapLRN as PyTorch keeps it: a running window sum over channels, and its own
    backward formula (which is not the exact derivative of the forward; PyTorch's gradients are reproduced)."""

    @staticmethod
    def forward(ctx, input, size, alpha, beta, k):
        channels = input.shape[1]
        pre_pad = int((size - 1) / 2 + 1)
        # The running sum adds channel c + pre_pad - 1 and drops c - pre_pad only once c > pre_pad, so
        # channel 0, once it leaves the window, stays in every later sum (Lua Torch's behaviour).
        lo = [max(0, c - pre_pad + 1) for c in range(channels)]
        hi = [min(channels - 1, c + pre_pad - 1) for c in range(channels)]
        square = input * input
        scale = _channel_window_sums(square, lo, hi)
        keeps_first = rtorch.tensor([float(x >= 1) for x in lo], dtype=input.dtype, device=input.device)
        scale = scale + square.narrow(1, 0, 1) * keeps_first.view(1, -1, 1, 1)
        scale = scale * (alpha / size) + k
        output = scale.pow(-beta) * input
        ctx.save_for_backward(input, output, scale)
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, output, scale = ctx.saved_tensors
        size, channels = ctx.size, input.shape[1]
        inverse_pre_pad = int(size - (size - 1) / 2)
        ratio = grad_output * output / scale
        lo = [max(0, c - inverse_pre_pad) for c in range(channels)]
        hi = [min(channels - 1, c + size - 1 - inverse_pre_pad) for c in range(channels)]
        accum = _channel_window_sums(ratio, lo, hi)
        grad = scale.pow(-ctx.beta) * grad_output - (2 * ctx.alpha * ctx.beta / size) * input * accum
        return grad, None, None, None, None


class CrossMapLRN2d(Module):
    r"""Local response normalisation across channels of a 4-D input, as Lua Torch's SpatialCrossMapLRN.

    Kept for models ported from Lua Torch; new code should use :class:`LocalResponseNorm`. The channel window
    follows Lua Torch's running sum (channel 0 stays in the sums of every later channel once the window has
    passed it), and the backward pass uses Lua Torch's formula, both as PyTorch does.

    Args:
        size (int): the number of neighbouring channels.
        alpha (float): multiplicative factor. Default: 1e-4.
        beta (float): exponent. Default: 0.75.
        k (float): additive factor. Default: 1.

    Example::

        >>> m = rtorch.nn.CrossMapLRN2d(3)
        >>> m(rtorch.ones(1, 4, 2, 2)).shape
        rtorch.Size([1, 4, 2, 2])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        """Normalises the 4-D ``input`` (N, C, H, W) across channels."""
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        if self.size <= 0:  # PyTorch divides by it (ZeroDivisionError for 0)
            raise ValueError(f"CrossMapLRN2d: size must be positive, got {self.size}")
        return _CrossMapLRN2dFn.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ += ["CrossMapLRN2d"]

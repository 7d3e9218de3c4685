"""Convolution layers: Conv1d, Conv2d (cross-correlation, as in PyTorch) and ConvTranspose2d."""
import math

import rtorch
from rtorch.nn import functional as F
from rtorch.nn import init
from rtorch.nn.parameter import Parameter
from rtorch.nn.modules.module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Shared construction, initialisation and repr of the convolution layers."""

    _n = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size = F._ntuple(kernel_size, n, "kernel_size")
        stride = F._ntuple(stride, n, "stride")
        dilation = F._ntuple(dilation, n, "dilation")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = F._ntuple(padding, n, "padding")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        if padding_mode != "zeros" and self._transposed:
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        # F.pad's (last dim first) amounts for the non-zero padding modes; 'same' puts the odd
        # extra element at the end, as PyTorch does.
        if padding == "same":
            totals = [d * (k - 1) for d, k in zip(dilation, kernel_size)]
            pads = [(t // 2, t - t // 2) for t in totals]
        elif padding == "valid":
            pads = [(0, 0)] * n
        else:
            pads = [(p, p) for p in padding]
        self._reversed_padding_repeated_twice = [x for pair in reversed(pads) for x in pair]
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = self._transposed
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        # a transposed convolution's weight maps the other way: (in, out / groups, *kernel)
        shape = (in_channels, out_channels // groups) if self._transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(rtorch.empty((*shape, *kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(rtorch.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialises ``weight`` and ``bias`` from U(-sqrt(k), sqrt(k)), ``k = 1 / fan_in``, as PyTorch does."""
        # kaiming_uniform_ with a=sqrt(5) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as in PyTorch
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _padded(self, input):
        """The input and the conv's own padding: non-zero padding modes pad with F.pad first."""
        if self.padding_mode == "zeros":
            return input, self.padding
        return F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), 0

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        n = self._n
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    r"""Applies a 1-D convolution over an input of shape (N, C_in, L) or (C_in, L).

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size, stride, dilation: ints (or 1-tuples)
        padding: an int, ``'valid'`` or ``'same'``. Default: 0
        groups: blocked connections from input to output channels. Default: 1
        bias: add a learnable bias. Default: ``True``
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: ``'zeros'``

    Attributes:
        weight: shape (out_channels, in_channels / groups, kernel_size), initialised from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`,
            :math:`k = \text{groups} / (C_\text{in} \cdot \text{kernel\_size})`
        bias: shape (out_channels), initialised the same way
    """

    _n = 1

    def forward(self, input):
        """Convolves ``input`` of shape (N, C_in, L) or (C_in, L) with the layer's weight."""
        x, padding = self._padded(input)
        return F.conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    r"""Applies a 2-D convolution over an input of shape (N, C_in, H, W) or (C_in, H, W).

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size, stride, dilation: an int or a pair (height, width)
        padding: an int, a pair, ``'valid'`` or ``'same'``. Default: 0
        groups: blocked connections from input to output channels. Default: 1
        bias: add a learnable bias. Default: ``True``
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: ``'zeros'``

    Attributes:
        weight: shape (out_channels, in_channels / groups, kH, kW), initialised from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`, :math:`k = \text{groups} / (C_\text{in} \cdot kH \cdot kW)`
        bias: shape (out_channels), initialised the same way
    """

    _n = 2

    def forward(self, input):
        """Convolves ``input`` of shape (N, C_in, H, W) or (C_in, H, W) with the layer's weight."""
        x, padding = self._padded(input)
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    r"""Applies a 2-D transposed convolution over an input of shape (N, C_in, H, W) or (C_in, H, W).

    Also called "deconvolution": the gradient of :class:`Conv2d` with respect to its input.

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size, stride, dilation: an int or a pair (height, width)
        padding: ``dilation * (kernel_size - 1) - padding`` zeros are added to both sides of the input
            (an int or a pair). Default: 0
        output_padding: extra size added to one side of the output (smaller than stride or dilation). Default: 0
        groups: blocked connections from input to output channels. Default: 1
        bias: add a learnable bias. Default: ``True``
        padding_mode: only ``'zeros'`` is supported

    Attributes:
        weight: shape (in_channels, out_channels / groups, kH, kW), initialised from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`,
            :math:`k = \text{groups} / (C_\text{out} \cdot kH \cdot kW)`
        bias: shape (out_channels), initialised the same way

    ``forward(input, output_size=None)``: ``output_size`` picks among the output sizes a strided layer can
    produce (it sets ``output_padding`` for that call).

    Example::

        >>> import rtorch
        >>> up = rtorch.nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)
        >>> x = rtorch.randn(1, 16, 6, 6)
        >>> tuple(up(x).shape), tuple(up(x, output_size=[12, 12]).shape)
        ((1, 8, 11, 11), (1, 8, 12, 12))
    """

    _n = 2
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__} does not support string padding, got padding={padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)
        self.output_padding = F._ntuple(output_padding, self._n, "output_padding")

    def _output_padding(self, input, output_size):
        """The output padding that makes the output exactly ``output_size`` (spatial, or with N, C)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            # IndexError: the class PyTorch raises here (its own size lookup fails).
            raise IndexError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv_transpose{n}d, "
                               f"but got input of size: {list(input.shape)}")
        non_spatial = 2 if input.dim() == n + 2 else 1
        try:
            output_size = [int(s) for s in output_size]
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"ConvTranspose{n}D: output_size must be a sequence of ints, got {output_size!r}") from None
        if len(output_size) == non_spatial + n:
            output_size = output_size[non_spatial:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                             f"{non_spatial + n} elements (got {len(output_size)})")
        res = []
        for d in range(n):
            lo = ((input.shape[d + non_spatial] - 1) * self.stride[d] - 2 * self.padding[d]
                  + self.dilation[d] * (self.kernel_size[d] - 1) + 1)
            hi = lo + self.stride[d] - 1
            if not lo <= output_size[d] <= hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from "
                                 f"{lo} to {hi} (for an input of {list(input.shape[non_spatial:])})")
            res.append(output_size[d] - lo)
        return tuple(res)

    def forward(self, input, output_size=None):
        """Applies the transposed convolution to ``input`` of shape (N, C_in, H, W) or (C_in, H, W).

        Args:
            input (Tensor): the input.
            output_size (sequence of int, optional): the wanted spatial (or full) output size, one
                of the sizes a strided layer can produce; it sets ``output_padding`` for this call.
        """
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


# ------------------------------------------- convolutions composed in nn._functional.conv (nnfunc, session 3)
class Conv3d(_ConvNd):
    r"""Applies a 3-D convolution over an input of shape (N, C_in, D, H, W) or (C_in, D, H, W).

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size, stride, dilation: an int or a triple (depth, height, width)
        padding: an int, a triple, ``'valid'`` or ``'same'``. Default: 0
        groups: blocked connections from input to output channels. Default: 1
        bias: add a learnable bias. Default: ``True``
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: ``'zeros'``
    """

    _n = 3

    def forward(self, input):
        """Convolves ``input`` of shape (N, C_in, D, H, W) or (C_in, D, H, W) with the layer's weight."""
        x, padding = self._padded(input)
        return F.conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class ConvTranspose1d(ConvTranspose2d):
    r"""Applies a 1-D transposed convolution over an input of shape (N, C_in, L) or (C_in, L).

    The arguments are those of :class:`ConvTranspose2d` with ints (or 1-tuples); ``weight`` is
    (in_channels, out_channels / groups, kernel_size).
    """

    _n = 1

    def forward(self, input, output_size=None):
        """Applies the transposed convolution (``output_size`` picks among the possible output lengths)."""
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


class ConvTranspose3d(ConvTranspose2d):
    r"""Applies a 3-D transposed convolution over an input of shape (N, C_in, D, H, W) or (C_in, D, H, W).

    The arguments are those of :class:`ConvTranspose2d` with triples; ``weight`` is
    (in_channels, out_channels / groups, kD, kH, kW).
    """

    _n = 3

    def forward(self, input, output_size=None):
        """Applies the transposed convolution (``output_size`` picks among the possible output sizes)."""
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


__all__ += ["Conv3d", "ConvTranspose1d", "ConvTranspose3d"]

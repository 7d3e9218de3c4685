"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d and AdaptiveAvgPool2d."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d"]


class _MaxPoolNd(Module):
    """Shared arguments and repr of MaxPool1d/2d (each subclass picks the functional form in ``forward``)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class _AvgPoolNd(Module):
    """Shared arguments and repr of AvgPool1d/2d (``stride`` already defaulted by the subclass)."""

    def __init__(self, kernel_size, stride, padding, ceil_mode, count_include_pad):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_MaxPoolNd):
    r"""Applies 2-D max pooling over (N, C, H, W) or (C, H, W) inputs.

    Args:
        kernel_size: window size (an int or a pair)
        stride: window step. Default: ``kernel_size``
        padding: implicit negative-infinity padding on both sides. Default: 0
        dilation: spacing between window elements. Default: 1
        return_indices: also return the argmax indices (flat within each H*W plane). Default: ``False``
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
    """

    def forward(self, input):
        """Max-pools ``input`` of shape (N, C, H, W) or (C, H, W) (and returns the argmax if ``return_indices``)."""
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool2d(_AvgPoolNd):
    r"""Applies 2-D average pooling over (N, C, H, W) or (C, H, W) inputs.

    Args:
        kernel_size: window size (an int or a pair)
        stride: window step. Default: ``kernel_size``
        padding: implicit zero padding on both sides. Default: 0
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
        count_include_pad: include the zero padding in the averaging divisor. Default: ``True``
        divisor_override: if given, the divisor instead of the window size. Default: ``None``
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride if (stride is not None) else kernel_size, padding, ceil_mode,
                         count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, input):
        """Average-pools ``input`` of shape (N, C, H, W) or (C, H, W)."""
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool2d(Module):
    r"""Applies 2-D average pooling whose windows adapt so that the output has a fixed ``output_size``.

    Inputs are (N, C, H, W) or (C, H, W); ``output_size`` is an int or a pair, where ``None`` keeps that
    input dimension.
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        """Average-pools ``input`` of shape (N, C, H, W) or (C, H, W) to ``output_size``."""
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"output_size={self.output_size}"


class MaxPool1d(_MaxPoolNd):
    r"""Applies 1-D max pooling over (N, C, L) or (C, L) inputs.

    Args:
        kernel_size: window size
        stride: window step. Default: ``kernel_size``
        padding: implicit negative-infinity padding on both sides. Default: 0
        dilation: spacing between window elements. Default: 1
        return_indices: also return the argmax indices along L. Default: ``False``
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
    """

    def forward(self, input):
        """Max-pools ``input`` of shape (N, C, L) or (C, L) (and returns the argmax if ``return_indices``)."""
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(_AvgPoolNd):
    r"""Applies 1-D average pooling over (N, C, L) or (C, L) inputs.

    Args:
        kernel_size: window size
        stride: window step. Default: ``kernel_size``
        padding: implicit zero padding on both sides. Default: 0
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
        count_include_pad: include the zero padding in the averaging divisor. Default: ``True``
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(F._ntuple(kernel_size, 1, "kernel_size"),
                         F._ntuple(stride if (stride is not None) else kernel_size, 1, "stride"),
                         F._ntuple(padding, 1, "padding"), ceil_mode, count_include_pad)

    def forward(self, input):
        """Average-pools ``input`` of shape (N, C, L) or (C, L)."""
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

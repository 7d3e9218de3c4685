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


class _AvgPoolDivisorNd(_AvgPoolNd):
    """Shared arguments and forward of AvgPool2d/3d (``divisor_override`` too; ``_fn`` is the functional form)."""

    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride if (stride is not None) else kernel_size, padding, ceil_mode,
                         count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, input):
        r"""Average-pools ``input`` of shape (N, C, \*spatial) or (C, \*spatial)."""
        return self._fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                        self.count_include_pad, self.divisor_override)


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


class AvgPool2d(_AvgPoolDivisorNd):
    r"""Applies 2-D average pooling over (N, C, H, W) or (C, H, W) inputs.

    Args:
        kernel_size: window size (an int or a pair)
        stride: window step. Default: ``kernel_size``
        padding: implicit zero padding on both sides. Default: 0
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
        count_include_pad: include the zero padding in the averaging divisor. Default: ``True``
        divisor_override: if given, the divisor instead of the window size. Default: ``None``
    """

    _fn = staticmethod(F.avg_pool2d)


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


# ------------------------------------------- pools composed in nn._functional.pooling (nnfunc, session 3)
class MaxPool3d(_MaxPoolNd):
    r"""Applies 3-D max pooling over (N, C, D, H, W) or (C, D, H, W) inputs.

    Args:
        kernel_size: window size (an int or a triple)
        stride: window step. Default: ``kernel_size``
        padding: implicit negative-infinity padding on both sides. Default: 0
        dilation: spacing between window elements. Default: 1
        return_indices: also return the argmax indices (flat within each D*H*W volume). Default: ``False``
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
    """

    def forward(self, input):
        """Max-pools ``input`` (and returns the argmax if ``return_indices``)."""
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool3d(_AvgPoolDivisorNd):
    r"""Applies 3-D average pooling over (N, C, D, H, W) or (C, D, H, W) inputs.

    Args:
        kernel_size: window size (an int or a triple)
        stride: window step. Default: ``kernel_size``
        padding: implicit zero padding on both sides. Default: 0
        ceil_mode: use ceil instead of floor for the output size. Default: ``False``
        count_include_pad: include the zero padding in the averaging divisor. Default: ``True``
        divisor_override: if given, the divisor instead of the window size. Default: ``None``
    """

    _fn = staticmethod(F.avg_pool3d)


class _AdaptiveMaxPoolNd(Module):
    """Shared arguments, forward and repr of AdaptiveMaxPool1d/2d/3d."""

    _fn = None

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):
        """Max-pools ``input`` to ``output_size`` (and returns the argmax if ``return_indices``)."""
        return type(self)._fn(input, self.output_size, self.return_indices)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    r"""Adaptive max pooling of (N, C, L) or (C, L) to ``output_size``; ``return_indices`` adds the argmax."""

    _fn = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    r"""Adaptive max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (``None`` keeps a size)."""

    _fn = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    r"""Adaptive max pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (``None`` keeps a size)."""

    _fn = staticmethod(F.adaptive_max_pool3d)


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    r"""Adaptive average pooling of (N, C, L) or (C, L) to ``output_size``."""

    def forward(self, input):
        """Average-pools ``input`` to ``output_size``."""
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool3d(AdaptiveAvgPool2d):
    r"""Adaptive average pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size`` (``None`` keeps a size)."""

    def forward(self, input):
        """Average-pools ``input`` to ``output_size``."""
        return F.adaptive_avg_pool3d(input, self.output_size)


class _LPPoolNd(Module):
    """Shared arguments and repr of LPPool1d/2d/3d."""

    _fn = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        """Power-average pools ``input``."""
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    r"""Applies 1-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}` over (N, C, L) or (C, L)."""

    _fn = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    r"""Applies 2-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}` over (N, C, H, W) or (C, H, W)."""

    _fn = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    r"""Applies 3-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}` over (N, C, D, H, W) or (C, D, H, W)."""

    _fn = staticmethod(F.lp_pool3d)


class _MaxUnpoolNd(Module):
    """Shared arguments, forward and repr of MaxUnpool1d/2d/3d (``n`` spatial dims)."""

    n = 1
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = F._ntuple(kernel_size, self.n, "kernel_size")
        self.stride = F._ntuple(stride if stride is not None else kernel_size, self.n, "stride")
        self.padding = F._ntuple(padding, self.n, "padding")

    def forward(self, input, indices, output_size=None):
        """Places the values of ``input`` at ``indices`` in a zero tensor of the unpooled size."""
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool1d` (values at their indices, zeros elsewhere)."""

    n = 1
    _fn = staticmethod(F.max_unpool1d)

    def forward(self, input, indices, output_size=None):
        """Places the values of ``input`` (N, C, L) at ``indices`` in a zero tensor of the unpooled size."""
        return super().forward(input, indices, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool2d` (values at their indices, zeros elsewhere)."""

    n = 2
    _fn = staticmethod(F.max_unpool2d)

    def forward(self, input, indices, output_size=None):
        """Places the values of ``input`` (N, C, H, W) at ``indices`` in a zero tensor of the unpooled size."""
        return super().forward(input, indices, output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool3d` (values at their indices, zeros elsewhere)."""

    n = 3
    _fn = staticmethod(F.max_unpool3d)

    def forward(self, input, indices, output_size=None):
        """Places the values of ``input`` (N, C, D, H, W) at ``indices`` in a zero tensor of the unpooled size."""
        return super().forward(input, indices, output_size)


__all__ += ["MaxPool3d", "AvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
            "AdaptiveAvgPool1d", "AdaptiveAvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d",
            "MaxUnpool2d", "MaxUnpool3d"]


class _FractionalMaxPoolNd(Module):
    """Shared arguments and forward of FractionalMaxPool2d/3d."""

    _fn = None
    n = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        self.kernel_size = F._ntuple(kernel_size, self.n, "kernel_size")
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = F._ntuple(output_size, self.n, "output_size") if output_size is not None else None
        self.output_ratio = (tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else
                             (output_ratio,) * self.n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"FractionalMaxPool{self.n}d requires specifying either an output size, or a pooling "
                             f"ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        """Fractionally max-pools ``input`` (and returns the indices if ``return_indices``)."""
        return type(self)._fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                              _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    r"""Applies 2-D fractional max pooling (pseudo-random overlapping windows) to ``output_size``."""

    _fn = staticmethod(F.fractional_max_pool2d)
    n = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    r"""Applies 3-D fractional max pooling (pseudo-random overlapping windows) to ``output_size``."""

    _fn = staticmethod(F.fractional_max_pool3d)
    n = 3


__all__ += ["FractionalMaxPool2d", "FractionalMaxPool3d"]

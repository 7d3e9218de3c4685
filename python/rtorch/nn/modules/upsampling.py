"""Upsample layers (Upsample, UpsamplingNearest2d, UpsamplingBilinear2d): modules around interpolate."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["Upsample"]


class Upsample(Module):
    r"""Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs to ``size`` or by ``scale_factor``.

    Args:
        size: output spatial size (an int or a tuple)
        scale_factor: multiplier of the spatial size (a float or a tuple)
        mode: ``'nearest'`` (default), ``'nearest-exact'``, ``'linear'`` (3-D), ``'bilinear'`` / ``'bicubic'``
            (4-D), ``'trilinear'`` (5-D) or ``'area'``
        align_corners: for the linear modes, align the corner pixels of input and output. Default: ``False``
        recompute_scale_factor: compute the source index from the output size instead of ``scale_factor``

    Example::

        >>> import rtorch
        >>> up = rtorch.nn.Upsample(scale_factor=2, mode="bilinear")
        >>> up(rtorch.tensor([[[[1.0, 2.0]]]]))
        tensor([[[[1.0000, 1.2500, 1.7500, 2.0000],
                  [1.0000, 1.2500, 1.7500, 2.0000]]]])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        """Resizes ``input`` with :func:`rtorch.nn.functional.interpolate` and the layer's settings."""
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        if self.scale_factor is not None:
            info = "scale_factor=" + repr(self.scale_factor)
        else:
            info = "size=" + repr(self.size)
        return info + ", mode=" + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    r"""Nearest-neighbour upsampling of (N, C, H, W) inputs (``Upsample(mode='nearest')``).

    Args:
        size (int or tuple, optional): the output size.
        scale_factor (float or tuple, optional): the multiplier of the spatial size.
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    r"""Bilinear upsampling of (N, C, H, W) inputs with aligned corners.

    The same as ``Upsample(mode='bilinear', align_corners=True)``.

    Args:
        size (int or tuple, optional): the output size.
        scale_factor (float or tuple, optional): the multiplier of the spatial size.
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


__all__ += ["UpsamplingNearest2d", "UpsamplingBilinear2d"]

"""Sliding-block layers: Fold (col2im) and Unfold (im2col)."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    r"""Sum sliding local blocks (N, C k_h k_w, L) back into (N, C, H, W).

    Args:
        output_size (int or tuple): (H, W).
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): Default: 1.
        padding (int or tuple): Default: 0.
        stride (int or tuple): Default: 1.
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        """Returns the folded (N, C, H, W) tensor."""
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    r"""Extract sliding local blocks of (N, C, H, W) as (N, C k_h k_w, L).

    Args:
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): Default: 1.
        padding (int or tuple): Default: 0.
        stride (int or tuple): Default: 1.
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        """Returns the (N, C k_h k_w, L) blocks of ``input``."""
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")

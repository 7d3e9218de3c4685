"""Rearrangement layers: PixelShuffle, PixelUnshuffle and ChannelShuffle."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle", "ChannelShuffle"]


class PixelShuffle(Module):
    r"""Rearrange (*, C r^2, H, W) into (*, C, H r, W r).

    Args:
        upscale_factor (int): r.
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        """Returns ``input`` with its channels moved into space."""
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    r"""Rearrange (*, C, H r, W r) into (*, C r^2, H, W).

    Args:
        downscale_factor (int): r.
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        """Returns ``input`` with space moved into its channels."""
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    r"""Interleave ``groups`` groups of channels of (N, C, *).

    Args:
        groups (int): divides C.
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        """Returns ``input`` with its channels shuffled."""
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"groups={self.groups}"

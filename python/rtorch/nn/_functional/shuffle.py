"""nn.functional element rearrangements: pixel_shuffle, pixel_unshuffle, channel_shuffle (views and one copy)."""


def _factor(op, name, value):
    """``value`` as a Python int, or PyTorch's TypeError naming the argument."""
    try:
        if isinstance(value, bool):
            raise TypeError
        return value.__index__()
    except (TypeError, AttributeError):
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not {type(value).__name__}") from None


def pixel_shuffle(input, upscale_factor):
    r"""Rearrange (*, C r^2, H, W) into (*, C, H r, W r) (sub-pixel convolution's upsampling).

    Args:
        input (Tensor): at least 3-D.
        upscale_factor (int): r, positive.

    Example::

        >>> rtorch.nn.functional.pixel_shuffle(rtorch.arange(4.0).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    r = _factor("pixel_shuffle", "upscale_factor", upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    nb = len(batch)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    r"""Rearrange (*, C, H r, W r) into (*, C r^2, H, W): the inverse of :func:`pixel_shuffle`.

    Args:
        input (Tensor): at least 3-D.
        downscale_factor (int): r, positive.

    Example::

        >>> rtorch.nn.functional.pixel_unshuffle(rtorch.arange(4.0).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    r = _factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    nb = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    return x.reshape(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    r"""Split the channels (dim 1) of (N, C, *) into ``groups`` and interleave them.

    The channels are viewed as (g, C/g) and transposed to (C/g, g).

    Args:
        input (Tensor): at least 3-D.
        groups (int): divides C, positive.

    Example::

        >>> rtorch.nn.functional.channel_shuffle(rtorch.arange(4.0).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(input.shape)


native_channel_shuffle = channel_shuffle

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]

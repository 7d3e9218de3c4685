"""nn.functional convolutions: conv1d/conv2d/conv_transpose2d/unfold/fold on the native kernels (with the _ntuple/_pair
argument helpers), and composed from those native 2-D ones: conv3d (a conv2d per kernel depth offset over the
strided depth slices), conv_transpose3d (a conv_transpose2d per depth offset, placed at its strided output depths)
and conv_transpose1d (a height-1 conv_transpose2d)."""
import rtorch


def _F():
    from rtorch.nn import functional  # the checked public forms (functional imports this module)
    return functional


def _triple(v, name):
    return _ntuple(v, 3, name)


def _batched5(input, weight, op):
    if weight.dim() != 5:
        raise RuntimeError(f"{op}: expected a 5-D weight, but got weight of size {list(weight.shape)}")
    if input.dim() == 5:
        return input, False
    if input.dim() == 4:
        return input.unsqueeze(0), True
    raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to {op}, but got input of size: "
                       f"{list(input.shape)}")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 3-D convolution (cross-correlation) of ``input`` (N, C, D, H, W) or (C, D, H, W) with ``weight``.

    Args:
        input (Tensor): (N, C_in, D, H, W) or (C_in, D, H, W).
        weight (Tensor): (C_out, C_in / groups, kD, kH, kW).
        bias (Tensor, optional): (C_out,).
        stride (int or tuple): Default: 1.
        padding (int, tuple, 'valid' or 'same'): zero padding on both sides. Default: 0.
        dilation (int or tuple): Default: 1.
        groups (int): Default: 1.

    Example::

        >>> rtorch.nn.functional.conv3d(rtorch.ones(1, 1, 3, 3, 3), rtorch.ones(1, 1, 2, 2, 2)).shape
        rtorch.Size([1, 1, 2, 2, 2])
    """
    F = _F()
    x, unbatched = _batched5(input, weight, "conv3d")
    s = _triple(stride, "stride")
    d = _triple(dilation, "dilation")
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
        if padding == "same" and any(v != 1 for v in s):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        if padding == "same":
            totals = [dd * (kk - 1) for dd, kk in zip(d, k)]
            x = F.pad(x, [v for t in reversed(totals) for v in (t // 2, t - t // 2)])
        p = (0, 0, 0)
    else:
        p = _triple(padding, "padding")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    n, c, depth = x.shape[:3]
    padded = [x.shape[2 + i] + 2 * p[i] for i in range(3)]
    if any(padded[i] < d[i] * (k[i] - 1) + 1 for i in range(3)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(str(d[i] * (k[i] - 1) + 1) for i in range(3))}). Kernel size can't "
                           f"be greater than actual input size")
    if p[0]:
        x = F.pad(x, (0, 0, 0, 0, p[0], p[0]))
    dout = (padded[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    # The depth taps folded into the channels: one conv2d over (N*D_out) images of kD*C channels, ordered
    # (group, depth tap, channel in group) so that groups stay contiguous; the weight likewise.
    cg, h, w = c // groups, x.shape[3], x.shape[4]
    taps = [x[:, :, kd * d[0]:kd * d[0] + (dout - 1) * s[0] + 1:s[0]].reshape(n, groups, cg, dout, h, w)
            .permute(0, 3, 1, 2, 4, 5) for kd in range(k[0])]
    cols = rtorch.stack(taps, 3).reshape(n * dout, groups * k[0] * cg, h, w)
    wk = weight.permute(0, 2, 1, 3, 4).reshape(weight.shape[0], k[0] * cg, *k[1:])
    out = F.conv2d(cols, wk, None, s[1:], p[1:], d[1:], groups)
    out = out.reshape(n, dout, weight.shape[0], *out.shape[2:]).transpose(1, 2)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out.squeeze(0) if unbatched else out


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 3-D transposed convolution; ``weight`` is (C_in, C_out / groups, kD, kH, kW).

    Args:
        input (Tensor): (N, C_in, D, H, W) or (C_in, D, H, W).
        weight (Tensor): (C_in, C_out / groups, kD, kH, kW).
        bias (Tensor, optional): (C_out,).
        stride (int or tuple): Default: 1.
        padding (int or tuple): ``dilation * (kernel_size - 1) - padding`` zeros on both sides. Default: 0.
        output_padding (int or tuple): extra size on one side of the output. Default: 0.
        groups (int): Default: 1.
        dilation (int or tuple): Default: 1.

    Example::

        >>> rtorch.nn.functional.conv_transpose3d(rtorch.ones(1, 1, 2, 2, 2), rtorch.ones(1, 1, 2, 2, 2)).shape
        rtorch.Size([1, 1, 3, 3, 3])
    """
    F = _F()
    x, unbatched = _batched5(input, weight, "conv_transpose3d")
    s = _triple(stride, "stride")
    p = _triple(padding, "padding")
    op = _triple(output_padding, "output_padding")
    d = _triple(dilation, "dilation")
    for i in range(3):
        if op[i] >= s[i] and op[i] >= d[i]:
            raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                               f"output_padding_depth: {op[0]} output_padding_height: {op[1]} output_padding_width: "
                               f"{op[2]} stride_depth: {s[0]} stride_height: {s[1]} stride_width: {s[2]} "
                               f"dilation_depth: {d[0]} dilation_height: {d[1]} dilation_width: {d[2]}")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input "
                           f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
                           f"instead")
    n, c, depth = x.shape[:3]
    kd_size = weight.shape[2]
    full = (depth - 1) * s[0] + d[0] * (kd_size - 1) + 1 + op[0]
    out_len = full - 2 * p[0]
    if out_len <= 0:
        raise RuntimeError(f"conv_transpose3d: the output depth {out_len} is not positive")
    planes = x.transpose(1, 2).reshape(n * depth, c, *x.shape[3:])
    acc = None
    for kd in range(kd_size):
        y = F.conv_transpose2d(planes, weight[:, :, kd], None, s[1:], p[1:], op[1:], groups, d[1:])
        y = y.reshape(n, depth, *y.shape[1:])                       # (N, D, C_out, H_o, W_o)
        if s[0] > 1:  # interleave stride - 1 zero planes between the input depths
            gap = y.new_zeros((n, depth, s[0] - 1, *y.shape[2:]))
            y = rtorch.cat([y.unsqueeze(2), gap], 2).reshape(n, depth * s[0], *y.shape[2:])
            y = y[:, :(depth - 1) * s[0] + 1]
        before = kd * d[0]
        after = full - before - y.shape[1]
        parts = [y]
        if before:
            parts.insert(0, y.new_zeros((n, before, *y.shape[2:])))
        if after:
            parts.append(y.new_zeros((n, after, *y.shape[2:])))
        y = rtorch.cat(parts, 1) if len(parts) > 1 else y
        acc = y if acc is None else acc + y
    out = acc[:, p[0]:p[0] + out_len].transpose(1, 2)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 1-D transposed convolution; ``weight`` is (C_in, C_out / groups, K).

    Args:
        input (Tensor): (N, C_in, L) or (C_in, L).
        weight (Tensor): (C_in, C_out / groups, K).
        bias (Tensor, optional): (C_out,).
        stride, padding, output_padding, dilation (int or 1-tuple): as :func:`conv_transpose2d`.
        groups (int): Default: 1.

    Example::

        >>> rtorch.nn.functional.conv_transpose1d(rtorch.ones(1, 1, 2), rtorch.ones(1, 1, 2))
        tensor([[[1., 2., 1.]]])
    """
    F = _F()
    if weight.dim() != 3:
        raise RuntimeError(f"conv_transpose1d: expected a 3-D weight, but got weight of size {list(weight.shape)}")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of "
                           f"size: {list(input.shape)}")
    one = lambda v, name: F._ntuple(v, 1, name)[0]  # noqa: E731
    out = F.conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, one(stride, "stride")),
                             (0, one(padding, "padding")), (0, one(output_padding, "output_padding")), groups,
                             (1, one(dilation, "dilation")))
    return out.squeeze(-2)


def conv_tbc(input, weight, bias, pad=0):
    r"""Applies a 1-D convolution over a (time, batch, channels) sequence.

    Args:
        input (Tensor): (T, B, C_in).
        weight (Tensor): (K, C_in, C_out).
        bias (Tensor): (C_out,).
        pad (int): time steps of zero padding on both sides. Default: 0.

    Example::

        >>> rtorch.conv_tbc(rtorch.ones(4, 1, 2), rtorch.ones(3, 2, 1), rtorch.zeros(1)).flatten()
        tensor([6., 6.])
    """
    F = _F()
    if input.dim() != 3 or weight.dim() != 3 or bias.dim() != 1:
        raise RuntimeError(f"conv_tbc: expected a 3-D input, a 3-D weight and a 1-D bias, got sizes "
                           f"{list(input.shape)}, {list(weight.shape)} and {list(bias.shape)}")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight")
    out = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=int(pad))
    return out.permute(2, 0, 1)


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
def _native(name):
    """The native op ``rtorch._rtorch.<name>``, or NotImplementedError if this build lacks it."""
    fn = getattr(rtorch._rtorch, name, None)
    if fn is None:
        raise NotImplementedError(
            f"rtorch.nn.functional.{name}: the native core of this rtorch build has no '{name}' op "
            f"(rtorch._rtorch.{name} is missing); rebuild the extension from a source tree that provides it"
        )
    return fn


def _ntuple(x, n, what):
    """``x`` (an int or a sequence of ``n`` ints, or of one int) as a tuple of ``n`` Python ints."""
    import numbers

    def is_int(v):  # Python and NumPy integers, not bools
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(x):
        return (int(x),) * n
    try:
        t = tuple(x)
    except TypeError:
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {type(x).__name__}") from None
    if len(t) == 1:
        t = t * n
    if len(t) != n or not all(is_int(v) for v in t):
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {x!r}")
    return tuple(int(v) for v in t)


def _pair(x, what):
    return _ntuple(x, 2, what)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 2-D convolution (cross-correlation) of ``input`` (N, C, H, W) or (C, H, W) with ``weight``.

    ``weight`` has shape (O, C/groups, kH, kW).

    ``padding`` is an int, a pair, ``'valid'`` (no padding) or ``'same'`` (output size = input size;
    stride 1 only; an odd total padding puts the extra row/column at the bottom/right, as in PyTorch).
    """
    stride = _pair(stride, "stride")
    dilation = _pair(dilation, "dilation")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
    else:
        padding = _pair(padding, "padding")
    return _native("conv2d")(input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 1-D convolution (cross-correlation) of ``input`` (N, C, L) or (C, L) with ``weight``.

    ``weight`` has shape (O, C/groups, K); computed as a :func:`conv2d` over a height-1 image.
    """
    stride, = _ntuple(stride, 1, "stride")
    dilation, = _ntuple(dilation, 1, "dilation")
    if not isinstance(padding, str):
        padding, = _ntuple(padding, 1, "padding")
        padding = (0, padding)
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), padding, (1, dilation), groups)
    return out.squeeze(-2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 2-D transposed convolution ("deconvolution"); ``weight`` is (C_in, C_out/groups, kH, kW)."""
    return _native("conv_transpose2d")(input, weight, bias, _pair(stride, "stride"), _pair(padding, "padding"),
                                       _pair(output_padding, "output_padding"), groups, _pair(dilation, "dilation"))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    r"""Extract sliding local blocks of (N, C, H, W) as (N, C*kH*kW, L) (im2col)."""
    return _native("unfold")(input, _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                             _pair(padding, "padding"), _pair(stride, "stride"))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    r"""Sum sliding local blocks (N, C*kH*kW, L) back into (N, C, H, W) (col2im, the adjoint of unfold)."""
    return _native("fold")(input, _pair(output_size, "output_size"), _pair(kernel_size, "kernel_size"),
                           _pair(dilation, "dilation"), _pair(padding, "padding"), _pair(stride, "stride"))


__all__ = ["conv3d", "conv_transpose1d", "conv_transpose3d", "conv_tbc"]
__all__ += ["conv2d", "conv1d", "conv_transpose2d", "unfold", "fold"]

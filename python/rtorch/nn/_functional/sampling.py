"""nn.functional resampling aliases and sampling: upsample / upsample_nearest / upsample_bilinear (deprecated
forms of interpolate), gumbel_softmax, affine_grid and grid_sample (its corner indices and weights composed from
tensor ops, then one native tap gather on the CPU)."""
import math
import warnings

import rtorch


def _F():
    from rtorch.nn import functional  # functional imports this module at its end
    return functional


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    r"""Deprecated form of :func:`interpolate` (same arguments); warns.

    Example::

        >>> rtorch.nn.functional.upsample(rtorch.tensor([[[1.0, 2.0]]]), scale_factor=2)  # doctest: +SKIP
        tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return _F().interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    r"""Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``; warns."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return _F().interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    r"""Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)``; warns."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return _F().interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    r"""Sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with Gumbel noise ``g``.

    With ``hard=True`` the result is one-hot (the argmax) in the forward pass and the soft sample's gradient in
    the backward pass (straight-through).

    Args:
        logits (Tensor): unnormalized log-probabilities, any shape.
        tau (float): the temperature. Default: 1.
        hard (bool): return one-hot samples. Default: ``False``.
        eps (float): unused (kept for PyTorch's signature). Default: 1e-10.
        dim (int): the class dimension. Default: -1.

    Example::

        >>> y = rtorch.nn.functional.gumbel_softmax(rtorch.zeros(2, 3), hard=True)
        >>> y.sum(-1).tolist()
        [1.0, 1.0]
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    with rtorch.no_grad():
        u = rtorch.empty(logits.shape, dtype=logits.dtype, device=logits.device).uniform_(0.0, 1.0)
        # Exp(1) samples by inversion, then Gumbel(0, 1) = -log(Exp(1))
        gumbels = -(-(1.0 - u).log()).clamp_min(rtorch.finfo(logits.dtype).tiny).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = rtorch.zeros_like(y_soft).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


def _base_coords(n, align_corners, dtype, device):
    """The normalized pixel-centre coordinates of a size-n axis (PyTorch's linspace_from_neg_one)."""
    if n <= 1:
        return rtorch.zeros(n, dtype=dtype, device=device)
    c = rtorch.linspace(-1.0, 1.0, n, dtype=dtype, device=device)
    return c if align_corners else c * ((n - 1) / n)


def affine_grid(theta, size, align_corners=None):
    r"""Generate the sampling grid of a batch of affine transforms, for :func:`grid_sample`.

    Args:
        theta (Tensor): (N, 2, 3) for 2-D or (N, 3, 4) for 3-D transforms.
        size (tuple): the output size (N, C, H, W) or (N, C, D, H, W).
        align_corners (bool, optional): treat -1 and 1 as the corner pixels' centres. Default: ``False``.

    Example::

        >>> g = rtorch.nn.functional.affine_grid(rtorch.tensor([[[1.0, 0, 0], [0, 1, 0]]]), (1, 1, 2, 2),
        ...                                      align_corners=True)
        >>> g.reshape(-1, 2).tolist()
        [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]]
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(v) for v in size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"torch.Size({list(theta.shape)}).")
        spatial = size[2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"torch.Size({list(theta.shape)}).")
        spatial = size[2:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    n = len(spatial)
    dt, dev = theta.dtype, theta.device
    # base[..., k] = coordinate along the k-th axis counted from the last (x = W, y = H, z = D), then 1
    axes = [_base_coords(spatial[n - 1 - k], align_corners, dt, dev) for k in range(n)]
    cols = []
    for k in range(n):
        shape = [1] * n
        shape[n - 1 - k] = spatial[n - 1 - k]
        cols.append(axes[k].reshape(shape).expand(*spatial))
    cols.append(rtorch.ones(spatial, dtype=dt, device=dev))
    base = rtorch.stack(cols, -1).reshape(1, -1, n + 1)           # (1, prod(spatial), n + 1)
    grid = base.matmul(theta.transpose(1, 2))                      # (N, prod(spatial), n)
    return grid.reshape(size[0], *spatial, n)


def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low, twice_high):
    if twice_low == twice_high:
        return coord * 0
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (coord - lo).abs()
    extra = rtorch.fmod(c, span)
    flips = (c / span).floor()
    even = (flips - 2 * (flips / 2).floor()) == 0
    return rtorch.where(even, extra + lo, span - extra + lo)


def _source_index(coord, size, padding_mode, align_corners):
    """ATen's grid_sampler_compute_source_index: unnormalize, then apply the padding mode to the coordinate."""
    c = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def _linear_index(sizes, idxs):
    """(flat index into prod(sizes), in-range mask) of the integer coordinates ``idxs`` (one (N, P) tensor per
    spatial dim, counted from the first); out-of-range coordinates are clamped into range."""
    valid = None
    lin = None
    for size, i in zip(sizes, idxs):
        ok = (i >= 0) & (i < size)
        valid = ok if valid is None else valid & ok
        ic = i.clamp(0, size - 1)
        lin = ic if lin is None else lin * size + ic
    return lin, valid


def _sample(flat, sizes, taps):
    """Sum over the taps ``[(idxs, weight), ...]`` of ``weight * flat`` gathered at the integer coordinates
    ``idxs`` (as `_linear_index`; a weight is (N, P)), zero where a coordinate is out of range: (N, C, P).

    On the CPU one native tap gather (``rtorch._rtorch._gather_taps``, differentiable in the input and the
    weights); elsewhere one gather per tap."""
    lins, ws = zip(*((lin, w * valid.to(w.dtype)) for lin, valid, w in
                     ((*_linear_index(sizes, idx), w) for idx, w in taps)))
    native = getattr(rtorch._rtorch, "_gather_taps", None)
    if native is not None and flat.device.type == "cpu" and flat.dtype.is_floating_point:
        idx, w = rtorch.stack(lins, -1), rtorch.stack(ws, -1).to(flat.dtype)
        if flat.shape[1] >= 8:
            # Channels last ([N, 1, S, C]): each tap is one vector multiply-add over a location's channels,
            # not C scalar gathers; the two transposing copies cost less than the gathers they replace.
            out = native(flat.transpose(1, 2).unsqueeze(1), idx, w)
            if out is not None:
                return out.squeeze(1).transpose(1, 2).contiguous()
        else:
            out = native(flat.unsqueeze(-1), idx, w)
            if out is not None:
                return out.squeeze(-1)
    n, c = flat.shape[:2]
    out = None
    for lin, w in zip(lins, ws):
        term = flat.gather(2, lin.unsqueeze(1).expand(n, c, lin.shape[1])) * w.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _cubic_weights(t):
    a = -0.75

    def near(v):
        return ((a + 2) * v - (a + 3)) * v * v + 1

    def far(v):
        return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    r"""Sample ``input`` at the normalized locations of ``grid`` (x, y[, z] in [-1, 1]).

    Args:
        input (Tensor): (N, C, H, W) or (N, C, D, H, W).
        grid (Tensor): (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3); the last dim is (x, y[, z]).
        mode (str): ``'bilinear'`` (trilinear for 5-D), ``'nearest'`` or ``'bicubic'`` (4-D). Default:
            ``'bilinear'``.
        padding_mode (str): ``'zeros'``, ``'border'`` or ``'reflection'`` for locations outside the input.
        align_corners (bool, optional): -1 and 1 are the corner pixels' centres. Default: ``False``.

    Example::

        >>> x = rtorch.arange(4.0).reshape(1, 1, 2, 2)
        >>> rtorch.nn.functional.grid_sample(x, rtorch.zeros(1, 1, 1, 2), align_corners=True)
        tensor([[[[1.5000]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    n_sp = input.dim() - 2
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != n_sp:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {n_sp} in last dimension, but got grid "
                           f"with sizes {list(grid.shape)}")
    if mode == "bicubic" and n_sp != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    n, c = input.shape[:2]
    sizes = list(input.shape[2:])                       # (D,) H, W
    out_sp = list(grid.shape[1:-1])
    # explicit sizes (not -1): an empty batch reshapes too
    g = grid.reshape(n, math.prod(out_sp), n_sp).to(input.dtype)
    flat = input.reshape(n, c, math.prod(sizes))
    # grid's last dim is (x, y, z): x indexes the last spatial dim
    coords = [g[..., n_sp - 1 - k] for k in range(n_sp)]   # per spatial dim, first first
    if mode == "bicubic":
        raw = [_unnormalize(cc, s, align_corners) for cc, s in zip(coords, sizes)]
        base = [r.floor() for r in raw]
        ws = [_cubic_weights(r - b) for r, b in zip(raw, base)]
        taps = []
        for i in range(4):
            for j in range(4):
                tap = []
                for k, (b, s) in enumerate(zip(base, sizes)):
                    t = b + (i if k == 0 else j) - 1
                    if padding_mode != "zeros":  # ATen bounds each tap through the padding mode
                        t = _pad_tap(t, s, padding_mode, align_corners)
                    tap.append(t.to(rtorch.int64))
                taps.append((tap, ws[0][i] * ws[1][j]))
        return _sample(flat, sizes, taps).reshape(n, c, *out_sp)
    src = [_source_index(cc, s, padding_mode, align_corners) for cc, s in zip(coords, sizes)]
    if mode == "nearest":
        one = rtorch.ones(src[0].shape, dtype=flat.dtype, device=flat.device)
        out = _sample(flat, sizes, [([s_.round().to(rtorch.int64) for s_ in src], one)])
        return out.reshape(n, c, *out_sp)
    lows = [s_.floor() for s_ in src]
    fracs = [s_ - lo for s_, lo in zip(src, lows)]
    taps = []
    for corner in range(2 ** n_sp):
        idx, w = [], None
        for k in range(n_sp):
            hi = (corner >> (n_sp - 1 - k)) & 1
            idx.append((lows[k] + hi).to(rtorch.int64))
            wk = fracs[k] if hi else 1 - fracs[k]
            w = wk if w is None else w * wk
        taps.append((idx, w))
    return _sample(flat, sizes, taps).reshape(n, c, *out_sp)


def _pad_tap(t, size, padding_mode, align_corners):
    """A bicubic tap's integer coordinate bounded through the padding mode (ATen's get_value_bounded)."""
    if padding_mode == "border":
        return t.clamp(0, size - 1)
    r = _reflect(t, 0, 2 * (size - 1)) if align_corners else _reflect(t, -1, 2 * size - 1)
    return r.clamp(0, size - 1)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    r"""Grid sampling with ATen's integer modes (``torch.grid_sampler``).

    As :func:`rtorch.nn.functional.grid_sample` with interpolation 0 bilinear, 1 nearest, 2 bicubic and padding
    0 zeros, 1 border, 2 reflection.
    """
    if interpolation_mode not in (0, 1, 2):
        raise RuntimeError(f"grid_sampler(): interpolation_mode must be 0, 1 or 2, got {interpolation_mode}")
    if padding_mode not in (0, 1, 2):
        raise RuntimeError(f"grid_sampler(): padding_mode must be 0, 1 or 2, got {padding_mode}")
    return grid_sample(input, grid, ("bilinear", "nearest", "bicubic")[interpolation_mode],
                       ("zeros", "border", "reflection")[padding_mode], align_corners)


__all__ = ["upsample", "upsample_nearest", "upsample_bilinear", "gumbel_softmax", "affine_grid", "grid_sample"]

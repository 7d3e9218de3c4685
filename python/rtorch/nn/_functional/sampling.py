"""nn.functional resampling and sampling: interpolate (its index/weight taps per dim), upsample / upsample_nearest /
upsample_bilinear (deprecated forms of interpolate), gumbel_softmax, affine_grid and grid_sample (its corner indices
and weights composed from tensor ops, then one native tap gather on the CPU)."""
import math
import warnings

import numpy as np

import rtorch
from rtorch.nn._functional.pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    r"""Deprecated form of :func:`interpolate` (same arguments); warns.

    Example::

        >>> rtorch.nn.functional.upsample(rtorch.tensor([[[1.0, 2.0]]]), scale_factor=2)  # doctest: +SKIP
        tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    r"""Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``; warns."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    r"""Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)``; warns."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


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


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
_INTERP_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area")


def _interp_np_dtype(dtype):
    # PyTorch computes source indices in float for float32/half inputs and in double for float64
    return np.float64 if dtype == rtorch.float64 else np.float32


def _interp_scale(in_size, out_size, scale, align_corners, ftype):
    """The source/destination scale of one dimension, as ATen's ``area_pixel_compute_scale``."""
    if align_corners:
        return ftype((in_size - 1) / (out_size - 1)) if out_size > 1 else ftype(0.0)
    if scale is not None and scale > 0:
        return ftype(1.0 / float(scale))
    return ftype(ftype(in_size) / ftype(out_size))


def _nearest_index(in_size, out_size, scale, exact, ftype):
    """Source index of each output position, as ATen's ``nearest_idx`` / ``nearest_exact_idx`` (the legacy
    rule special-cases an exact doubling)."""
    if not exact and out_size == 2 * in_size:
        return np.arange(out_size, dtype=np.int64) >> 1
    s = _interp_scale(in_size, out_size, scale, False, ftype)
    dst = np.arange(out_size, dtype=ftype)
    src = np.floor((dst + ftype(0.5)) * s) if exact else np.floor(dst * s)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _linear_weights(in_size, out_size, scale, align_corners, ftype):
    """Indices (i0, i1) and weights (w0, w1) of the two source samples of each output position."""
    s = _interp_scale(in_size, out_size, scale, align_corners, ftype)
    dst = np.arange(out_size, dtype=ftype)
    if align_corners:
        src = s * dst
    else:
        src = np.maximum(s * (dst + ftype(0.5)) - ftype(0.5), ftype(0.0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = i0 + (i0 < in_size - 1)
    w1 = np.clip(src - i0.astype(ftype), 0, 1).astype(ftype)
    w0 = (ftype(1.0) - w1).astype(ftype)
    return i0, i1, w0, w1


def _cubic_taps(in_size, out_size, scale, align_corners, ftype):
    """The four (index, weight) taps of each output position for bicubic resampling, as ATen's
    ``upsample_bicubic2d`` (cubic convolution with A = -0.75, source index not clamped, taps clamped)."""
    s = _interp_scale(in_size, out_size, scale, align_corners, ftype)
    dst = np.arange(out_size, dtype=ftype)
    src = (s * dst) if align_corners else (s * (dst + ftype(0.5)) - ftype(0.5))
    x0 = np.floor(src)
    t = (src - x0).astype(ftype)
    a = ftype(-0.75)

    def near(v):  # |v| <= 1
        return ((a + 2) * v - (a + 3)) * v * v + 1

    def far(v):  # 1 < |v| < 2
        return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a

    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    base = x0.astype(np.int64)
    return [(np.clip(base + k - 1, 0, in_size - 1), w.astype(ftype)) for k, w in enumerate(weights)]


def _native_resample(x, dim, n_in, idx, w):
    """The native resampling pass (``rtorch._rtorch._resample``: one kernel and its adjoint as backward) of dim
    ``dim`` through the per-output taps ``idx`` / ``w`` (numpy (n_out, taps)), or None where it does not apply
    (off the CPU, a non-float dtype, a build without it)."""
    fn = getattr(rtorch._rtorch, "_resample", None)
    if fn is None or x.device.type != "cpu" or not x.dtype.is_floating_point:
        return None
    return fn(x, dim, n_in, np.asarray(idx, dtype=np.int64).ravel().tolist(),
              np.asarray(w, dtype=np.float64).ravel().tolist(), idx.shape[1])


def _resample_taps(x, dim, taps):
    """Sum of gathers along ``dim`` weighted per output position: ``taps`` is [(indices, weights), ...]."""
    idx, w = np.stack([i for i, _ in taps], 1), np.stack([w for _, w in taps], 1)
    native = _native_resample(x, dim, x.shape[dim], idx, w)
    if native is not None:
        return native
    shape = [1] * x.dim()
    shape[dim] = len(taps[0][0])
    out = None
    for idx, w in taps:
        term = x.index_select(dim, rtorch.tensor(idx, dtype=rtorch.int64, device=x.device)) * \
            rtorch.tensor(w, dtype=x.dtype, device=x.device).reshape(shape)
        out = term if out is None else out + term
    return out


def _resample_dim(x, dim, idx0, idx1=None, w0=None, w1=None):
    """Gather along ``dim`` (nearest), or blend two gathers with per-position weights (linear)."""
    if idx1 is None:
        native = _native_resample(x, dim, x.shape[dim], idx0[:, None], np.ones((len(idx0), 1)))
    else:
        native = _native_resample(x, dim, x.shape[dim], np.stack([idx0, idx1], 1), np.stack([w0, w1], 1))
    if native is not None:
        return native
    i0 = rtorch.tensor(idx0, dtype=rtorch.int64, device=x.device)
    if idx1 is None:
        return x.index_select(dim, i0)
    i1 = rtorch.tensor(idx1, dtype=rtorch.int64, device=x.device)
    shape = [1] * x.dim()
    shape[dim] = len(idx0)
    a = rtorch.tensor(w0, dtype=x.dtype, device=x.device).reshape(shape)
    b = rtorch.tensor(w1, dtype=x.dtype, device=x.device).reshape(shape)
    return x.index_select(dim, i0) * a + x.index_select(dim, i1) * b


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    r"""Resize the spatial dims of an (N, C, L), (N, C, H, W) or (N, C, D, H, W) input.

    Modes: ``'nearest'`` (PyTorch's legacy rule, source index :math:`\lfloor i \cdot s \rfloor`) and
    ``'nearest-exact'`` for any of them, ``'linear'`` (3-D), ``'bilinear'`` and ``'bicubic'`` (4-D) and
    ``'trilinear'`` (5-D) with ``align_corners`` True or False (default False), and ``'area'`` (adaptive average
    pooling). Exactly one of ``size`` and ``scale_factor`` must be given; with ``scale_factor`` the output size is
    :math:`\lfloor \text{in} \cdot \text{scale} \rfloor` and the source index uses ``1 / scale_factor`` unless
    ``recompute_scale_factor=True``.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.interpolate(rtorch.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(rtorch.tensor([[[1.0, 2.0]]]), size=3, mode="linear", align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    if mode not in _INTERP_MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported yet (supported: "
                                  f"{', '.join(_INTERP_MODES)})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported yet")
    if mode.startswith("nearest") or mode == "area":
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if dim not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
                                  f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    for m, want in (("linear", 1), ("bilinear", 2), ("bicubic", 2), ("trilinear", 3)):
        if mode == m and dim != want:
            raise NotImplementedError(f"Got {input.dim()}D input, but {m} mode needs {want + 2}D input")
    in_sizes = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dim
        if len(sizes) != dim:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(in_sizes)} and output size of {list(sizes)}. "
                             f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        scales = (None,) * dim
    elif scale_factor is not None:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * dim
        if len(scales) != dim:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                             f"input with spatial dimensions of {list(in_sizes)} and scale_factor of shape "
                             f"{list(scales)}.")
        sizes = tuple(int(math.floor(float(i) * float(s))) for i, s in zip(in_sizes, scales))
        if recompute_scale_factor:
            scales = (None,) * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(s <= 0 for s in sizes):
        raise RuntimeError(f"interpolate: output size {list(sizes)} must be greater than 0 (input of size "
                           f"{list(input.shape)})")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](input, sizes)
    ftype = _interp_np_dtype(input.dtype)
    out = input
    # The last dim first, as PyTorch nests its sums (W inside H inside D: the same rounding); the
    # last-dim pass (a gather per output) also runs on the smallest tensor when upsampling.
    for k in reversed(range(dim)):
        d = 2 + k
        i, o, s = in_sizes[k], sizes[k], scales[k]
        if mode.startswith("nearest"):
            if o != i or mode == "nearest-exact":
                out = _resample_dim(out, d, _nearest_index(i, o, s, mode == "nearest-exact", ftype))
        elif mode == "bicubic":
            out = _resample_taps(out, d, _cubic_taps(i, o, s, align_corners, ftype))
        else:
            out = _resample_dim(out, d, *_linear_weights(i, o, s, align_corners, ftype))
    return out


__all__ = ["upsample", "upsample_nearest", "upsample_bilinear", "gumbel_softmax", "affine_grid", "grid_sample"]
__all__ += ["interpolate"]

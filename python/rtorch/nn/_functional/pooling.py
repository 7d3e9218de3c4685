"""nn.functional pooling: 1-D/2-D max and average pooling and adaptive_avg_pool2d on the native kernels; composed from
tensor ops: 3-D max/avg pooling, adaptive max pooling (1/2/3-D), adaptive average pooling (1/3-D), LP pooling and
max unpooling.

Every pool gathers its windows with one broadcast advanced index, ``x[:, :, I_0, ..., I_{n-1}]`` where ``I_d``
holds, per output position and kernel offset, the input index along dim d (clamped into range, with a validity
mask for padding and adaptive windows). A max pool then takes the first maximum of each window (NaN wins, as in
PyTorch) and gathers that one element, so its gradient goes to one input element per window, as PyTorch's does.

On the CPU, float inputs take the native window-table kernels instead (``rtorch._rtorch._max_pool_nd`` and its
adaptive / average siblings: one pass per pooled volume, with their own backward); the composition above is the
path of every other device and dtype.
"""
import math

import numpy as np

import rtorch
from rtorch.nn._functional._util import _grad_fn_name, _named
from rtorch.nn._functional.conv import _native, _ntuple, _pair
from rtorch.nn._functional.padding import pad


def _int(e, name, op):
    """``e`` as an int, or PyTorch's TypeError naming the op and the argument (a float, a NaN tensor...)."""
    import numbers
    if isinstance(e, bool) or not isinstance(e, numbers.Integral):
        if not (hasattr(e, "__index__") and not isinstance(e, float)):
            raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type(e).__name__}")
    try:
        return int(e.__index__() if hasattr(e, "__index__") else e)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type(e).__name__}") from None


def _kernel(name, x):
    """The native window-table kernel ``rtorch._rtorch.<name>`` when it can take ``x`` (a float tensor on the
    CPU, and a build that has it), else None."""
    if x.device.type != "cpu" or not x.dtype.is_floating_point:
        return None
    return getattr(rtorch._rtorch, name, None)


def _tuple(v, n, name, op):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(_int(e, name, op) for e in v) * n
        if len(v) != n:
            raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of {n} ints")
        return tuple(_int(e, name, op) for e in v)
    return (_int(v, name, op),) * n


def _batched(input, n, op, what=None):
    """(input with a batch dim, whether it was added) after PyTorch's rank check."""
    if input.dim() == n + 2:
        return input, False
    if input.dim() == n + 1:
        return input.unsqueeze(0), True
    raise RuntimeError(what or f"{op}: expected {n + 1}D or {n + 2}D input, but got {input.dim()}D")


def _pool_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _index(idx, valid, n, d, device):
    """Per-dim (O, K) index and mask as broadcastable tensors for dim d of n: shape (1.., O, 1.., 1.., K, 1..)."""
    shape = [1] * (2 * n)
    shape[d], shape[n + d] = idx.shape
    t = rtorch.tensor(np.clip(idx, 0, None).astype(np.int64), device=device).reshape(shape)
    m = rtorch.tensor(valid, device=device).reshape(shape)
    return t, m


def _windows(x, idxs, valids):
    """Windows (N, C, O_0..O_{n-1}, K) of ``x`` (N, C, *spatial), the validity mask (O.., K) and the flat index
    of each window element into the spatial dims."""
    n = len(idxs)
    dev = x.device
    ts, ms = zip(*(_index(np.minimum(i, x.shape[2 + d] - 1), v, n, d, dev) for d, (i, v) in enumerate(zip(idxs,
                                                                                                        valids))))
    w = x[(slice(None), slice(None)) + tuple(ts)]
    mask = ms[0]
    flat = ts[0]
    for d in range(1, n):
        mask = mask & ms[d]
        flat = flat * x.shape[2 + d] + ts[d]
    outs = [len(i) for i in idxs]
    k = int(np.prod([i.shape[1] for i in idxs]))
    w = w.reshape(*x.shape[:2], *outs, k)
    mask = mask.expand(*outs, *[i.shape[1] for i in idxs]).reshape(*outs, k)
    flat = flat.expand(*outs, *[i.shape[1] for i in idxs]).reshape(*outs, k)
    return w, mask, flat


def _strided_windows(x, k, s, p, d, out, fill):
    """The pooling windows of ``x`` (N, C, *spatial) as (N, C, *out, prod(k)): padded with ``fill`` on both sides
    (and on the right as far as ceil mode's last window reaches), then one ``unfold`` view per dim; the final
    reshape is the only copy. Its backward (through the views) sums the overlapping windows' gradients."""
    n = len(k)
    spatial = x.shape[2:]
    pads = []
    for i in reversed(range(n)):
        need = (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1
        pads += [p[i], max(0, need - (spatial[i] + p[i]))]
    if any(pads):
        x = pad(x, pads, value=fill)
    w = x
    for i in range(n):
        w = w.unfold(2 + i, d[i] * (k[i] - 1) + 1, s[i])
        if d[i] > 1:
            w = w[..., ::d[i]]
        w = w.narrow(2 + i, 0, out[i])
    return w.reshape(*x.shape[:2], *out, int(np.prod(k)))


def _flat_index(idxs, spatial, device):
    """The flat input index (into prod(spatial)) of every window element: (*out, prod(k)), int64."""
    n = len(idxs)
    flat = None
    for dd, idx in enumerate(idxs):
        shape = [1] * (2 * n)
        shape[dd], shape[n + dd] = idx.shape
        part = np.clip(idx, 0, spatial[dd] - 1).reshape(shape)
        flat = part if flat is None else flat * spatial[dd] + part
    outs = [i.shape[0] for i in idxs]
    ks = [i.shape[1] for i in idxs]
    flat = np.broadcast_to(flat, outs + ks).reshape(*outs, -1)
    return rtorch.tensor(np.ascontiguousarray(flat), device=device)


def _lowest(dtype):
    return -math.inf if dtype.is_floating_point else rtorch.iinfo(dtype).min


def _max_of_windows(w, mask, flat):
    """(values, flat input indices) of each window's first maximum."""
    fill = rtorch.full((), _lowest(w.dtype), dtype=w.dtype, device=w.device)
    w = rtorch.where(mask, w, fill)
    arg = w.argmax(-1, keepdim=True)
    values = w.gather(-1, arg).squeeze(-1)
    idx = flat.expand(w.shape).gather(-1, arg).squeeze(-1)
    return values, idx


def _sliding(size, k, s, p, d, ceil_mode, op):
    out = _pool_size(size, k, s, p, d, ceil_mode)
    o = np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d
    return o, (o >= 0) & (o < size)


def _check_pool(op, k, s, p, d, shape, out, n):
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, but got {k}")
    if any(v <= 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{op}: dilation must be greater than zero, but got {d}")
    for kk, pp, dd in zip(k, p, d):
        if pp < 0 or pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    if any(o < 1 for o in out):
        ins = "x".join(str(v) for v in shape)
        outs = "x".join(str(v) for v in list(shape[:-n]) + list(out))
        raise RuntimeError(f"Given input size: ({ins}). Calculated output size: ({outs}). Output size is too small")


def _max_pool(input, n, kernel_size, stride, padding, dilation, ceil_mode, op):
    if input.dtype == rtorch.bool:
        raise NotImplementedError(f'"{op}" not implemented for \'Bool\'')
    k = _tuple(kernel_size, n, "kernel_size", op)
    s = _tuple(stride if stride is not None and stride != [] and stride != () else kernel_size, n, "stride", op)
    p = _tuple(padding, n, "padding", op)
    d = _tuple(dilation, n, "dilation", op)
    x, unbatched = _batched(input, n, op, f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    spatial = x.shape[2:]
    out = [_pool_size(spatial[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(n)]
    _check_pool(op, k, s, p, d, list(x.shape[1:]) if not unbatched else list(input.shape), out, n)
    native = _kernel("_max_pool_nd", x)
    r = native(x, list(k), list(s), list(p), list(d), bool(ceil_mode)) if native else None
    if r is not None:
        values, idx = r
    else:
        idxs, valids = zip(*(_sliding(spatial[i], k[i], s[i], p[i], d[i], ceil_mode, op) for i in range(n)))
        w = _strided_windows(x, k, s, p, d, out, _lowest(x.dtype))
        flat = _flat_index(idxs, spatial, x.device)
        arg = w.argmax(-1, keepdim=True)
        values = w.gather(-1, arg).squeeze(-1)
        idx = flat.expand(w.shape).gather(-1, arg).squeeze(-1)
    if unbatched:
        values, idx = values.squeeze(0), idx.squeeze(0)
    return values, idx


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    r"""Applies 3-D max pooling returning ``(values, indices)``; indices are flat into each input's D*H*W.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size, stride, padding, dilation: ints or 3-tuples (stride defaults to ``kernel_size``).
        ceil_mode (bool): ceil instead of floor for the output size. Default: ``False``.

    Example::

        >>> v, i = rtorch.nn.functional.max_pool3d_with_indices(rtorch.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
        >>> v.flatten(), i.flatten()
        (tensor([7.]), tensor([7]))
    """
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Applies 3-D max pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        padding (int or tuple): implicit -inf padding, at most half the kernel. Default: 0.
        dilation (int or tuple): Default: 1.
        ceil_mode (bool): ceil instead of floor for the output size. Default: ``False``.
        return_indices (bool): also return the flat indices of the maxima. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.max_pool3d(rtorch.arange(8.0).reshape(1, 1, 2, 2, 2), 2).flatten()
        tensor([7.])
    """
    values, idx = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return (values, idx) if return_indices else values


def _avg_pool(input, n, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op):
    k = _tuple(kernel_size, n, "kernel_size", op)
    s = _tuple(stride if stride is not None and stride != [] and stride != () else kernel_size, n, "stride", op)
    p = _tuple(padding, n, "padding", op)
    x, unbatched = _batched(input, n, op, f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    spatial = x.shape[2:]
    out = [_pool_size(spatial[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(n)]
    _check_pool(op, k, s, p, (1,) * n, list(x.shape[1:]) if not unbatched else list(input.shape), out, n)
    native = _kernel("_avg_pool_nd", x) if divisor_override is None or (
        isinstance(divisor_override, int) and divisor_override > 0) else None
    r = native(x, list(k), list(s), list(p), bool(ceil_mode), bool(count_include_pad), divisor_override) \
        if native else None
    if r is not None:
        return r.squeeze(0) if unbatched else r
    idxs, valids, counts = [], [], []
    for i in range(n):
        o, v = _sliding(spatial[i], k[i], s[i], p[i], 1, ceil_mode, op)
        idxs.append(o)
        valids.append(v)
        start = np.arange(out[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], spatial[i] + p[i])
        counts.append((end - start) if count_include_pad else
                      (np.minimum(end, spatial[i]) - np.maximum(start, 0)))
    total = _strided_windows(x, k, s, p, (1,) * n, out, 0).sum(-1)
    if divisor_override is not None:
        out_t = total / divisor_override
    else:
        div = counts[0]
        for c in counts[1:]:
            div = np.multiply.outer(div, c)
        out_t = total / rtorch.tensor(div.astype(np.float64), dtype=total.dtype, device=total.device)
    return out_t.squeeze(0) if unbatched else out_t


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    r"""Applies 3-D average pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding, at most half the kernel. Default: 0.
        ceil_mode (bool): ceil instead of floor for the output size. Default: ``False``.
        count_include_pad (bool): count the padding in the divisor. Default: ``True``.
        divisor_override (int, optional): divide by this instead.

    Example::

        >>> rtorch.nn.functional.avg_pool3d(rtorch.arange(8.0).reshape(1, 1, 2, 2, 2), 2).flatten()
        tensor([3.5000])
    """
    if not input.dtype.is_floating_point:
        from rtorch.nn._functional._util import scalar_name
        raise NotImplementedError(f'"avg_pool3d_out_frame" not implemented for \'{scalar_name(input.dtype)}\'')
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
                     "avg_pool3d")


def _adaptive(x, n, output_size, op):
    spatial = x.shape[2:]
    if isinstance(output_size, (list, tuple)) and len(output_size) not in (1, n):
        raise RuntimeError(f"{op}(): internal error: output_size.size() must be {n}")
    osz = _tuple(output_size, n, "output_size", op) if not isinstance(output_size, (list, tuple)) else \
        tuple(spatial[i] if v is None else int(v) for i, v in enumerate(
            output_size if len(output_size) == n else tuple(output_size) * n))
    if any(o < 0 for o in osz):
        raise RuntimeError(f"{op}(): elements of output_size must be greater than or equal to 0 but received "
                           f"{{{', '.join(map(str, osz))}}}")
    idxs, valids, counts = [], [], []
    for i in range(n):
        size, o = spatial[i], osz[i]
        start = (np.arange(o) * size) // o
        end = -((-(np.arange(o) + 1) * size) // o)
        kmax = int((end - start).max()) if o else 0
        idx = start[:, None] + np.arange(max(kmax, 1))[None, :]
        idxs.append(idx)
        valids.append(idx < end[:, None])
        counts.append(end - start)
    return osz, idxs, valids, counts


def _adaptive_check(input, n, output_size, op):
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got {list(input.shape)}")
    for i in range(1, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")


def _adaptive_max(input, n, output_size, op):
    if input.dtype == rtorch.bool:
        raise NotImplementedError(f'"{op}" not implemented for \'Bool\'')
    _adaptive_check(input, n, output_size, op)
    x, unbatched = _batched(input, n, op)
    osz, idxs, valids, _ = _adaptive(x, n, output_size, op)
    if any(o == 0 for o in osz) or x.shape[0] == 0:
        shape = [*x.shape[:2], *osz]
        v, i = x.new_zeros(shape), rtorch.zeros(shape, dtype=rtorch.int64, device=x.device)
    elif _kernel("_adaptive_max_pool_nd", x) is not None:
        v, i = rtorch._rtorch._adaptive_max_pool_nd(x, list(osz))
    else:
        v, i = _max_of_windows(*_windows(x, idxs, valids))
    return (v.squeeze(0), i.squeeze(0)) if unbatched else (v, i)


def _adaptive_avg(input, n, output_size, op):
    _adaptive_check(input, n, output_size, op)
    x, unbatched = _batched(input, n, op)
    osz, idxs, valids, counts = _adaptive(x, n, output_size, op)
    if any(o == 0 for o in osz) or x.shape[0] == 0:
        out = x.new_zeros([*x.shape[:2], *osz])
    elif _kernel("_adaptive_avg_pool_nd", x) is not None:
        out = rtorch._rtorch._adaptive_avg_pool_nd(x, list(osz))
    else:
        w, mask, _ = _windows(x, idxs, valids)
        div = counts[0]
        for c in counts[1:]:
            div = np.multiply.outer(div, c)
        out = rtorch.where(mask, w, w.new_zeros(())).sum(-1) / rtorch.tensor(div.astype(np.float64), dtype=w.dtype,
                                                                               device=w.device)
    return out.squeeze(0) if unbatched else out


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    r"""Adaptive 1-D max pooling returning ``(values, indices)``.

    Example::

        >>> v, i = rtorch.nn.functional.adaptive_max_pool1d_with_indices(rtorch.tensor([[[1.0, 3.0, 2.0]]]), 1)
        >>> v, i
        (tensor([[[3.]]]), tensor([[[1]]]))
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    return _adaptive_max(input, 1, output_size, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    r"""Adaptive 2-D max pooling returning ``(values, indices)`` (indices flat into H*W)."""
    return _adaptive_max(input, 2, output_size, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    r"""Adaptive 3-D max pooling returning ``(values, indices)`` (indices flat into D*H*W)."""
    return _adaptive_max(input, 3, output_size, "adaptive_max_pool3d")


def _returning(fn):
    def pool(input, output_size, return_indices=False):
        v, i = fn(input, output_size)
        return (v, i) if return_indices else v
    return pool


def adaptive_max_pool1d(input, output_size, return_indices=False):
    r"""Adaptive 1-D max pooling of (N, C, L) or (C, L) to ``output_size``.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        output_size (int): the output length.
        return_indices (bool): also return the indices of the maxima. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.adaptive_max_pool1d(rtorch.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        tensor([[[3., 2.]]])
    """
    return _returning(adaptive_max_pool1d_with_indices)(input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    r"""Adaptive 2-D max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (``None`` keeps a size).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        output_size (int or tuple): the output size.
        return_indices (bool): also return the flat indices of the maxima. Default: ``False``.
    """
    return _returning(adaptive_max_pool2d_with_indices)(input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    r"""Adaptive 3-D max pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size``.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        output_size (int or tuple): the output size (``None`` keeps a size).
        return_indices (bool): also return the flat indices of the maxima. Default: ``False``.
    """
    return _returning(adaptive_max_pool3d_with_indices)(input, output_size, return_indices)


def adaptive_avg_pool1d(input, output_size):
    r"""Adaptive 1-D average pooling of (N, C, L) or (C, L) to ``output_size``.

    Example::

        >>> rtorch.nn.functional.adaptive_avg_pool1d(rtorch.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        tensor([[[2., 1.]]])
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    return _adaptive_avg(input, 1, output_size, "adaptive_avg_pool1d")


def adaptive_avg_pool3d(input, output_size):
    r"""Adaptive 3-D average pooling of (N, C, D, H, W) or (C, D, H, W) to ``output_size``.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        output_size (int or tuple): the output size (``None`` keeps a size).
    """
    return _adaptive_avg(input, 3, output_size, "adaptive_avg_pool3d")


def _lp_pool(input, n, norm_type, kernel_size, stride, ceil_mode, avg):
    k = _tuple(kernel_size, n, "kernel_size", "lp_pool")
    out = avg(input.pow(norm_type), kernel_size, stride if stride is not None else kernel_size, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(int(np.prod(k))).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Applies 1-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        norm_type (float): p.
        kernel_size (int): the window.
        stride (int, optional): Default: ``kernel_size``.
        ceil_mode (bool): Default: ``False``.

    Example::

        >>> rtorch.nn.functional.lp_pool1d(rtorch.tensor([[[3.0, 4.0]]]), 2, 2)
        tensor([[[5.]]])
    """
    return _lp_pool(input, 1, norm_type, kernel_size, stride, ceil_mode, avg_pool1d)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Applies 2-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}`.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        norm_type (float): p.
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        ceil_mode (bool): Default: ``False``.
    """
    return _lp_pool(input, 2, norm_type, kernel_size, stride, ceil_mode, avg_pool2d)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Applies 3-D power-average pooling :math:`(\sum_{window} x^p)^{1/p}`.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        norm_type (float): p.
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        ceil_mode (bool): Default: ``False``.
    """
    return _lp_pool(input, 3, norm_type, kernel_size, stride, ceil_mode, avg_pool3d)


def _max_unpool(input, indices, n, kernel_size, stride, padding, output_size, op):
    k = _tuple(kernel_size, n, "kernel_size", op)
    s = _tuple(stride if stride is not None else kernel_size, n, "stride", op)
    p = _tuple(padding, n, "padding", op)
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got {list(input.shape)}")
    if indices.dtype != rtorch.int64:
        from rtorch.nn._functional._util import scalar_name
        raise RuntimeError(f"elements in indices should be type int64 but got: {scalar_name(indices.dtype)}")
    if any(v <= 0 for v in k + s) or any(v < 0 for v in p):
        raise RuntimeError(f"{op}(): kernel_size and stride must be positive and padding non-negative, got "
                           f"kernel_size={k}, stride={s}, padding={p}")
    spatial = input.shape[-n:]
    default = [(spatial[i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(n)]
    if output_size is None:
        out = default
    else:
        out = [int(v) for v in output_size]
        if len(out) == n + 2 or len(out) == n + 1 and input.dim() == n + 1:
            out = out[-n:]
        if len(out) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                             f"length of '{len(out)}'")
        for i in range(n):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < out[i] < hi:
                raise ValueError(f'invalid output_size "{out}" (dim {i} must be between {lo} and {hi})')
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    lead = list(input.shape[:-n])
    total = int(np.prod(out))
    flat_idx = indices.reshape(*lead, -1)
    if flat_idx.numel() and (bool((flat_idx < 0).any()) or bool((flat_idx >= total).any())):
        bad = int(flat_idx[(flat_idx < 0) | (flat_idx >= total)][0])
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(str(v) for v in out)})")
    res = input.new_zeros(lead + [total]).scatter(-1, flat_idx, input.reshape(*lead, -1))
    return res.reshape(lead + out)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Partial inverse of :func:`max_pool1d`: put each value at its index, zeros elsewhere.

    Args:
        input (Tensor): (N, C, L) or (C, L) pooled values.
        indices (Tensor): the indices ``max_pool1d(..., return_indices=True)`` returned.
        kernel_size, stride, padding: those of the pooling.
        output_size (tuple, optional): the exact output size.

    Example::

        >>> rtorch.nn.functional.max_unpool1d(rtorch.tensor([[[5.0]]]), rtorch.tensor([[[1]]]), 2)
        tensor([[[0., 5.]]])
    """
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size, "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Partial inverse of :func:`max_pool2d`: put each value at its flat index, zeros elsewhere.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W) pooled values.
        indices (Tensor): the indices ``max_pool2d(..., return_indices=True)`` returned.
        kernel_size, stride, padding: those of the pooling.
        output_size (tuple, optional): the exact output size.
    """
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size, "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Partial inverse of :func:`max_pool3d`: put each value at its flat index, zeros elsewhere.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W) pooled values.
        indices (Tensor): the indices ``max_pool3d(..., return_indices=True)`` returned.
        kernel_size, stride, padding: those of the pooling.
        output_size (tuple, optional): the exact output size.
    """
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size, "max_unpool3d")


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Applies 2-D max pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

    With ``return_indices=True`` also returns the flat index of each maximum within its H*W plane.
    """
    kernel_size = _pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    dilation = _pair(dilation, "dilation")
    out = _native("max_pool2d")(input, kernel_size, stride, padding, dilation, bool(ceil_mode), bool(return_indices))
    if return_indices and not isinstance(out, (tuple, list)):
        raise NotImplementedError("max_pool2d: this rtorch build's native op does not return indices")
    return tuple(out) if return_indices else out


@_grad_fn_name("AvgPool2DBackward0")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    r"""Applies 2-D average pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

    ``count_include_pad`` (default True) counts the zero padding in each window's divisor;
    ``divisor_override`` divides every window's sum by that number instead.
    """
    kernel_size = _pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    if divisor_override is not None and (not isinstance(divisor_override, int) or isinstance(divisor_override, bool)
                                         or divisor_override <= 0):
        raise ValueError(f"divisor must be not zero (a positive int), got divisor_override={divisor_override!r}")
    return _native("avg_pool2d")(input, kernel_size, stride, padding, bool(ceil_mode), bool(count_include_pad),
                                 divisor_override)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Applies 1-D max pooling over (N, C, L) or (C, L) ``input``.

    Computed as :func:`max_pool2d` over a height-1 image; ``stride`` defaults to ``kernel_size``. With
    ``return_indices=True`` also returns the index of each maximum along L.
    """
    kernel_size, = _ntuple(kernel_size, 1, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, 1, "stride")[0]
    padding, = _ntuple(padding, 1, "padding")
    dilation, = _ntuple(dilation, 1, "dilation")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"max_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got input of size "
                           f"{list(input.shape)}")
    out = max_pool2d(input.unsqueeze(-2), (1, kernel_size), (1, stride), (0, padding), (1, dilation),
                     ceil_mode=ceil_mode, return_indices=return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    r"""Applies 1-D average pooling over (N, C, L) or (C, L) ``input``.

    Computed as :func:`avg_pool2d` over a height-1 image; ``stride`` defaults to ``kernel_size``.
    """
    kernel_size, = _ntuple(kernel_size, 1, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, 1, "stride")[0]
    padding, = _ntuple(padding, 1, "padding")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"avg_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got input of size "
                           f"{list(input.shape)}")
    out = avg_pool2d(input.unsqueeze(-2), (1, kernel_size), (1, stride), (0, padding), ceil_mode,
                     count_include_pad)
    return out.squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    r"""Applies 2-D adaptive average pooling to (N, C, H, W) or (C, H, W) ``input``, giving ``output_size``.

    ``output_size`` is an int, or a pair whose entries may be ``None`` to keep the input's size.
    """
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}")
    in_hw = tuple(input.shape)[-2:]
    output_size = tuple(in_hw[i] if s is None else s for i, s in enumerate(output_size))
    since = rtorch._rtorch._graph_seq()
    out = _native("adaptive_avg_pool2d")(input, _pair(output_size, "output_size"))
    # PyTorch computes a (1, 1) output as a mean over the last two dims.
    return _named(out, "MeanBackward1" if output_size == (1, 1) else "AdaptiveAvgPool2DBackward0", since)


__all__ = ["max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "adaptive_avg_pool1d", "adaptive_avg_pool3d", "lp_pool1d",
           "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d"]
__all__ += ["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool2d"]

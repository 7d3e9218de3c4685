"""nn.functional fractional max pooling (2-D and 3-D): pseudo-random, overlapping windows (Graham 2014) from one
sample per plane and dimension, as ATen generates them; the maxima are gathered so each window's gradient goes
to its one maximum."""
import numpy as np

import rtorch
from rtorch.nn._functional.conv import _ntuple


def _intervals(samples, in_size, out_size, pool, np_dtype):
    """Window starts (planes, out_size) from per-plane ``samples``: ATen's generate_intervals."""
    s = samples.astype(np_dtype)
    seq = np.empty((len(s), out_size), dtype=np.int64)
    if out_size > 1:
        alpha = np_dtype(in_size - pool) / np_dtype(out_size - 1)
        i = np.arange(out_size - 1, dtype=np_dtype)[None, :]
        seq[:, :-1] = ((i + s[:, None]) * alpha).astype(np.int64) - (s[:, None] * alpha).astype(np.int64)
    if out_size > 0:
        seq[:, -1] = in_size - pool
    return seq


def _fractional(input, n, kernel_size, output_size, output_ratio, random_samples, op):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    k = _ntuple(kernel_size, n, "kernel_size")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{op}(): kernel_size must be greater than zero, but got {k}")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(input.shape)}")
    spatial = list(input.shape[-n:])
    if output_size is None:
        ratio = output_ratio if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * n
        if len(ratio) == 1:
            ratio = tuple(ratio) * n
        for r in ratio:
            if not 0 < r < 1:
                raise ValueError(f"{op} requires output_ratio to lie in the range (0, 1), got {output_ratio}")
        output_size = [int(spatial[i] * ratio[i]) for i in range(n)]
    out = list(_ntuple(output_size, n, "output_size"))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}(): output_size must be positive, but got {out}")
    for d in range(n):
        if out[d] + k[d] - 1 > spatial[d]:
            raise RuntimeError(f"{op}(): pool size {k[d]} too large relative to input size {spatial[d]} "
                               f"(output {out[d]}) in dimension {d}")
    x = input if input.dim() == n + 2 else input.unsqueeze(0)
    nb, c = x.shape[:2]
    if random_samples is None:
        random_samples = rtorch.rand(nb, c, n, dtype=input.dtype, device=input.device)
    if tuple(random_samples.shape) != (nb, c, n):
        raise RuntimeError(f"{op}(): expected _random_samples of shape {[nb, c, n]}, got "
                           f"{list(random_samples.shape)}")
    np_dtype = np.float64 if input.dtype == rtorch.float64 else np.float32
    samples = random_samples.detach().to(rtorch.float64).cpu().numpy().reshape(nb * c, n)
    # ATen's sample order is (w, h) in 2-D and (t, h, w) in 3-D
    order = [1, 0] if n == 2 else [0, 1, 2]
    flat = None
    for d in range(n):
        starts = _intervals(samples[:, order[d]], spatial[d], out[d], k[d], np_dtype)   # (P, O_d)
        idx = starts[:, :, None] + np.arange(k[d])[None, None, :]                       # (P, O_d, K_d)
        shape = [nb * c] + [1] * (2 * n)
        shape[1 + d], shape[1 + n + d] = out[d], k[d]
        idx = idx.reshape(shape)
        flat = idx if flat is None else flat * spatial[d] + idx
    flat = np.broadcast_to(flat, [nb * c] + out + list(k)).reshape(nb, c, -1)
    flat_t = rtorch.tensor(np.ascontiguousarray(flat), device=input.device)
    vals = x.reshape(nb, c, -1).gather(2, flat_t).reshape(nb, c, *out, int(np.prod(k)))
    arg = vals.argmax(-1, keepdim=True)
    values = vals.gather(-1, arg).squeeze(-1)
    indices = flat_t.reshape(nb, c, *out, -1).gather(-1, arg).squeeze(-1)
    if input.dim() == n + 1:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    r"""Applies 2-D fractional max pooling, returning ``(values, indices)`` (indices flat into H*W)."""
    return _fractional(input, 2, kernel_size, output_size, output_ratio, _random_samples, "fractional_max_pool2d")


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r"""Applies 2-D fractional max pooling over (N, C, H, W) or (C, H, W).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): the window.
        output_size (int or tuple, optional): the output size.
        output_ratio (float or tuple, optional): the output size as a fraction of the input size, in (0, 1).
        return_indices (bool): also return the flat indices of the maxima. Default: ``False``.
        _random_samples (Tensor, optional): (N, C, 2) samples in [0, 1) fixing the windows.

    Example::

        >>> x = rtorch.arange(16.0).reshape(1, 1, 4, 4)
        >>> rtorch.nn.functional.fractional_max_pool2d(x, 2, output_size=2,
        ...                                            _random_samples=rtorch.zeros(1, 1, 2)).flatten()
        tensor([ 5.,  7., 13., 15.])
    """
    v, i = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, True, _random_samples)
    return (v, i) if return_indices else v


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    r"""Applies 3-D fractional max pooling, returning ``(values, indices)`` (indices flat into D*H*W)."""
    return _fractional(input, 3, kernel_size, output_size, output_ratio, _random_samples, "fractional_max_pool3d")


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r"""Applies 3-D fractional max pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple): the window.
        output_size (int or tuple, optional): the output size.
        output_ratio (float or tuple, optional): the output size as a fraction of the input size, in (0, 1).
        return_indices (bool): also return the flat indices of the maxima. Default: ``False``.
        _random_samples (Tensor, optional): (N, C, 3) samples in [0, 1) fixing the windows.
    """
    v, i = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, True, _random_samples)
    return (v, i) if return_indices else v


__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
           "fractional_max_pool3d_with_indices"]

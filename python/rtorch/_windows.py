"""The window functions of the torch namespace (hann_window, hamming_window, blackman_window, bartlett_window,
kaiser_window), composed from device tensor ops with PyTorch's formulas."""

from __future__ import annotations

import math

import rtorch as _rt

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _setup(name, window_length, periodic, dtype, layout):
    """PyTorch's argument checks; returns (the length to compute, the float dtype)."""
    if layout is not None and layout != _rt.strided:
        raise RuntimeError(f"{name} is not implemented for sparse types, got: {layout}")
    if not isinstance(window_length, int) or isinstance(window_length, bool):
        raise TypeError(f"{name}(): argument 'window_length' must be int, not {type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    dtype = _rt.get_default_dtype() if dtype is None else dtype
    if not isinstance(dtype, _rt.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    # A periodic window of length N is the symmetric one of length N + 1 without its last point.
    return (window_length + 1 if periodic and window_length > 1 else window_length), dtype


def _finish(w, window_length, requires_grad):
    w = w[:window_length].contiguous()
    return w.requires_grad_(True) if requires_grad else w


def _trivial(window_length, dtype, device, requires_grad):
    if window_length == 0:
        return _rt.empty(0, dtype=dtype, device=device, requires_grad=requires_grad)
    return _rt.ones(1, dtype=dtype, device=device, requires_grad=requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """Returns the Hamming window ``alpha - beta * cos(2 pi n / (N - 1))``.

    Args:
        window_length (int): the length of the window.
        periodic (bool, optional): return the periodic window (for spectral analysis) rather than the symmetric
            one (for filter design). Default: ``True``.
        alpha (float, optional): the constant term. Default: ``0.54``.
        beta (float, optional): the cosine coefficient. Default: ``0.46``.
        dtype (rtorch.dtype, optional): a floating point dtype; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> rtorch.hamming_window(4, periodic=False)
        tensor([0.0800, 0.7700, 0.7700, 0.0800])
    """
    n, dtype = _setup("hamming_window", window_length, periodic, dtype, layout)
    if window_length <= 1:
        return _trivial(window_length, dtype, device, requires_grad)
    k = _rt.arange(n, dtype=dtype, device=device)
    w = (k * (2 * math.pi / (n - 1))).cos() * (-beta) + alpha
    return _finish(w, window_length, requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False):
    """Returns the Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    Args:
        window_length (int): the length of the window.
        periodic (bool, optional): return the periodic window rather than the symmetric one. Default: ``True``.
        dtype (rtorch.dtype, optional): a floating point dtype; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> rtorch.hann_window(4)
        tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    _setup("hann_window", window_length, periodic, dtype, layout)
    return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """Returns the Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    Args:
        window_length (int): the length of the window.
        periodic (bool, optional): return the periodic window rather than the symmetric one. Default: ``True``.
        dtype (rtorch.dtype, optional): a floating point dtype; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> rtorch.blackman_window(3, periodic=False)
        tensor([-1.4901e-08,  1.0000e+00, -1.4901e-08])
    """
    n, dtype = _setup("blackman_window", window_length, periodic, dtype, layout)
    if window_length <= 1:
        return _trivial(window_length, dtype, device, requires_grad)
    k = _rt.arange(n, dtype=dtype, device=device) * (math.pi / (n - 1))
    w = (k * 4).cos() * 0.08 - (k * 2).cos() * 0.5 + 0.42
    return _finish(w, window_length, requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """Returns the Bartlett (triangular) window ``1 - |2n / (N - 1) - 1|``.

    Args:
        window_length (int): the length of the window.
        periodic (bool, optional): return the periodic window rather than the symmetric one. Default: ``True``.
        dtype (rtorch.dtype, optional): a floating point dtype; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> rtorch.bartlett_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    n, dtype = _setup("bartlett_window", window_length, periodic, dtype, layout)
    if window_length <= 1:
        return _trivial(window_length, dtype, device, requires_grad)
    k = _rt.arange(n, dtype=dtype, device=device) * (2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1
    # The rising half is 2n/(N-1), the falling half 2 - 2n/(N-1) (PyTorch's split, exact at the ends).
    w = _rt.cat([k[:half], 2 - k[half:]])
    return _finish(w, window_length, requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False, pin_memory=False):
    """Returns the Kaiser window ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``.

    Args:
        window_length (int): the length of the window.
        periodic (bool, optional): return the periodic window rather than the symmetric one. Default: ``True``.
        beta (float, optional): the shape parameter. Default: ``12.0``.
        dtype (rtorch.dtype, optional): a floating point dtype; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> rtorch.kaiser_window(3, periodic=False, beta=0.0)
        tensor([1., 1., 1.])
    """
    n, dtype = _setup("kaiser_window", window_length, periodic, dtype, layout)
    if window_length <= 1:
        return _trivial(window_length, dtype, device, requires_grad)
    a = (n - 1) / 2.0
    k = _rt.arange(n, dtype=dtype, device=device)
    r = (1 - ((k - a) / a).square()).abs().sqrt() * beta
    w = r.i0() / _rt.tensor(float(beta), dtype=_rt.float64).i0().item()
    return _finish(w.to(dtype), window_length, requires_grad)

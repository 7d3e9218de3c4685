"""rtorch.signal.windows: the window functions of torch.signal.windows (SciPy's conventions: ``sym=True`` gives
the symmetric window, ``sym=False`` the periodic one), composed from device tensor ops."""

from __future__ import annotations

import math

import rtorch as _rt

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]

_ARGS = """        sym (bool, optional): ``True`` for the symmetric window (filter design), ``False`` for the periodic one
            (spectral analysis). Default: ``True``.
        dtype (rtorch.dtype, optional): float32 or float64; the default float dtype if ``None``.
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``."""


def _doc(text):
    def deco(fn):
        fn.__doc__ = text.replace("{ARGS}", _ARGS)
        return fn
    return deco


def _checks(name, M, dtype, layout):
    """PyTorch's argument checks (ValueError, as torch.signal.windows raises); returns the dtype."""
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and layout != _rt.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    dtype = _rt.get_default_dtype() if dtype is None else dtype
    if dtype not in (_rt.float32, _rt.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _trivial(M, dtype, device, requires_grad):
    """The windows of length 0 and 1 (empty; one 1), or None."""
    if M == 0:
        return _rt.empty(0, dtype=dtype, device=device, requires_grad=requires_grad)
    if M == 1:
        return _rt.ones(1, dtype=dtype, device=device, requires_grad=requires_grad)
    return None


def _done(w, requires_grad):
    return w.requires_grad_(True) if requires_grad else w


def _linspace(start, step, M, dtype, device):
    return _rt.linspace(start, start + (M - 1) * step, M, dtype=dtype, device=device)


@_doc("""Computes the exponential (Poisson) window ``exp(-|n - center| / tau)``.

    Args:
        M (int): the length of the window.
        center (float, optional): where the window peaks; only for ``sym=False``. Default: the middle.
        tau (float, optional): the decay, positive. Default: ``1.0``.
{ARGS}

    Example::

        >>> rtorch.signal.windows.exponential(3)
        tensor([0.3679, 1.0000, 0.3679])
    """)
def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    k = _linspace(-center, 1.0, M, dtype, device)
    return _done((-k.abs() / tau).exp(), requires_grad)


@_doc("""Computes the cosine (sine) window ``sin(pi (n + 1/2) / M)``.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.cosine(3)
        tensor([0.5000, 1.0000, 0.5000])
    """)
def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("cosine", M, dtype, layout)
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    constant = math.pi / (M + 1 if not sym and M > 1 else M)
    k = _linspace(0.5 * constant, constant, M, dtype, device)
    return _done(k.sin(), requires_grad)


@_doc("""Computes the Gaussian window ``exp(-(n - (M - 1)/2)^2 / (2 std^2))``.

    Args:
        M (int): the length of the window.
        std (float, optional): the standard deviation, positive. Default: ``1.0``.
{ARGS}

    Example::

        >>> rtorch.signal.windows.gaussian(3)
        tensor([0.6065, 1.0000, 0.6065])
    """)
def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / (std * math.sqrt(2))
    k = _linspace(start * constant, constant, M, dtype, device)
    return _done((-k.square()).exp(), requires_grad)


@_doc("""Computes the Kaiser window ``I0(beta sqrt(1 - (2n / (M - 1) - 1)^2)) / I0(beta)``.

    Args:
        M (int): the length of the window.
        beta (float, optional): the shape parameter, non-negative. Default: ``12.0``.
{ARGS}

    Example::

        >>> rtorch.signal.windows.kaiser(3, beta=0.0)
        tensor([1., 1., 1.])
    """)
def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    b = _rt.tensor(float(beta), dtype=dtype, device=device)
    start = -float(beta)
    constant = 2.0 * beta / (M if not sym else M - 1)
    end = min(float(beta), start + (M - 1) * constant)
    k = _rt.linspace(start, end, M, dtype=dtype, device=device)
    return _done((b * b - k.square()).sqrt().i0() / b.i0(), requires_grad)


@_doc("""Computes the generic weighted sum of cosines ``sum_i (-1)^i a_i cos(2 pi i n / (M - 1))``.

    Args:
        M (int): the length of the window.
        a (sequence of float): the coefficients ``a_i``.
{ARGS}

    Example::

        >>> rtorch.signal.windows.general_cosine(3, a=[0.5, 0.5])
        tensor([0., 1., 0.])
    """)
def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("general_cosine", M, dtype, layout)
    if a is None or not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    constant = 2 * math.pi / (M if not sym else M - 1)
    k = _linspace(0.0, constant, M, dtype, device)
    coeffs = _rt.tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, device=device)
    i = _rt.arange(len(a), dtype=dtype, device=device)
    return _done((coeffs.unsqueeze(-1) * (i.unsqueeze(-1) * k).cos()).sum(0), requires_grad)


@_doc("""Computes the generalized Hamming window ``alpha - (1 - alpha) cos(2 pi n / (M - 1))``.

    Args:
        M (int): the length of the window.
        alpha (float, optional): the window coefficient. Default: ``0.54``.
{ARGS}

    Example::

        >>> rtorch.signal.windows.general_hamming(3, alpha=0.5)
        tensor([0., 1., 0.])
    """)
def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


@_doc("""Computes the Hamming window ``0.54 - 0.46 cos(2 pi n / (M - 1))``.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.hamming(3)
        tensor([0.0800, 1.0000, 0.0800])
    """)
def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


@_doc("""Computes the Hann window ``0.5 - 0.5 cos(2 pi n / (M - 1))``.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.hann(3)
        tensor([0., 1., 0.])
    """)
def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


@_doc("""Computes the Blackman window ``0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1))``.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.blackman(3)
        tensor([-1.4901e-08,  1.0000e+00, -1.4901e-08])
    """)
def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


@_doc("""Computes the Bartlett (triangular) window ``1 - |2n / (M - 1) - 1|``.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.bartlett(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """)
def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = _checks("bartlett", M, dtype, layout)
    t = _trivial(M, dtype, device, requires_grad)
    if t is not None:
        return t
    constant = 2 / (M if not sym else M - 1)
    k = _linspace(-1.0, constant, M, dtype, device)
    return _done(1 - k.abs(), requires_grad)


@_doc("""Computes the minimum 4-term Blackman-Harris window of Nuttall.

    Args:
        M (int): the length of the window.
{ARGS}

    Example::

        >>> rtorch.signal.windows.nuttall(3)
        tensor([3.6280e-04, 1.0000e+00, 3.6280e-04])
    """)
def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)

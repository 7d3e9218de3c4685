"""The Array API's ``fft`` extension over rtorch.fft (the standard's ``axis``/``axes`` keywords)."""
import rtorch

from ._helpers import as_int, check_array, device_arg, dtype_arg

__all__ = ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft", "fftfreq",
           "rfftfreq", "fftshift", "ifftshift"]

_NORMS = ("backward", "ortho", "forward")

_DOC_1D = """{summary}

    Args:
        x (Tensor): the input array{input_note}.
        n (int, optional): the transform length along ``axis`` (the input is zero-padded or trimmed).
        axis (int): the axis to transform.
        norm (str): ``'backward'`` (scale the inverse by 1/n), ``'ortho'`` (1/sqrt(n) both ways) or
            ``'forward'`` (scale the forward transform by 1/n).

    Example::

        >>> xp.fft.{name}(xp.asarray([1.0, 0.0, 0.0, 0.0]))
"""

_DOC_ND = """{summary}

    Args:
        x (Tensor): the input array{input_note}.
        s (sequence of ints, optional): the transform length along each of ``axes``.
        axes (sequence of ints, optional): the axes (default: all, or the last ``len(s)``).
        norm (str): ``'backward'``, ``'ortho'`` or ``'forward'`` (as for the 1-D transforms).

    Example::

        >>> xp.fft.{name}(xp.ones((2, 2)))
"""


def _check(name, x, norm):
    check_array(x, f"fft.{name}")
    if norm not in _NORMS:
        raise ValueError(f"array_api.fft.{name}(): norm must be one of {_NORMS}, got {norm!r}")


def _one_d(name, op, summary, input_note=""):
    def fn(x, /, *, n=None, axis=-1, norm="backward"):
        _check(name, x, norm)
        if n is not None and as_int(n, f"fft.{name}", "n") < 1:
            raise ValueError(f"array_api.fft.{name}(): n must be positive, got {n}")
        return op(x, n=n, dim=as_int(axis, f"fft.{name}", "axis"), norm=norm)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _DOC_1D.format(summary=summary, name=name, input_note=input_note)
    return fn


def _n_d(name, op, summary, input_note=""):
    def fn(x, /, *, s=None, axes=None, norm="backward"):
        _check(name, x, norm)
        if s is not None:
            s = tuple(as_int(v, f"fft.{name}", "s") for v in s)
            if any(v < 1 for v in s):
                raise ValueError(f"array_api.fft.{name}(): s must hold positive lengths, got {s}")
        if axes is not None:
            axes = tuple(as_int(v, f"fft.{name}", "axes") for v in axes)
        return op(x, s=s, dim=axes, norm=norm)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _DOC_ND.format(summary=summary, name=name, input_note=input_note)
    return fn


fft = _one_d("fft", rtorch.fft.fft, "Computes the one-dimensional discrete Fourier transform.")
ifft = _one_d("ifft", rtorch.fft.ifft, "Computes the one-dimensional inverse discrete Fourier transform.")
fftn = _n_d("fftn", rtorch.fft.fftn, "Computes the n-dimensional discrete Fourier transform.")
ifftn = _n_d("ifftn", rtorch.fft.ifftn, "Computes the n-dimensional inverse discrete Fourier transform.")
rfft = _one_d("rfft", rtorch.fft.rfft, "Computes the one-dimensional discrete Fourier transform of a real "
              "signal (the n//2 + 1 non-negative frequencies).", " (real)")
irfft = _one_d("irfft", rtorch.fft.irfft, "Computes the inverse of :func:`rfft` (a real signal of length n, "
               "default 2 * (m - 1)).", " (the non-negative frequencies of a Hermitian signal)")
rfftn = _n_d("rfftn", rtorch.fft.rfftn, "Computes the n-dimensional discrete Fourier transform of a real "
             "signal (the last axis halved).", " (real)")
irfftn = _n_d("irfftn", rtorch.fft.irfftn, "Computes the inverse of :func:`rfftn` (a real result).")
hfft = _one_d("hfft", rtorch.fft.hfft, "Computes the discrete Fourier transform of a Hermitian-symmetric "
              "signal given by its non-negative frequencies (a real result).")
ihfft = _one_d("ihfft", rtorch.fft.ihfft, "Computes the inverse of :func:`hfft` from a real signal.", " (real)")


def fftfreq(n, /, *, d=1.0, dtype=None, device=None):
    """Returns the sample frequencies of a length-``n`` transform with sample spacing ``d``.

    Args:
        n (int): the window length.
        d (float): the sample spacing.
        dtype (rtorch.dtype, optional): a real floating-point dtype (default: the default float dtype).
        device (optional): the result's device.

    Example::

        >>> xp.fft.fftfreq(4)
        tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    n = as_int(n, "fft.fftfreq", "n")
    if n < 1:
        raise ValueError(f"array_api.fft.fftfreq(): n must be positive, got {n}")
    return rtorch.fft.fftfreq(n, d=d, dtype=dtype_arg(dtype), device=device_arg(device))


def rfftfreq(n, /, *, d=1.0, dtype=None, device=None):
    """Returns the sample frequencies of :func:`rfft` for a length-``n`` signal with sample spacing ``d``.

    Args:
        n (int): the window length.
        d (float): the sample spacing.
        dtype (rtorch.dtype, optional): a real floating-point dtype (default: the default float dtype).
        device (optional): the result's device.

    Example::

        >>> xp.fft.rfftfreq(4)
        tensor([0.0000, 0.2500, 0.5000])
    """
    n = as_int(n, "fft.rfftfreq", "n")
    if n < 1:
        raise ValueError(f"array_api.fft.rfftfreq(): n must be positive, got {n}")
    return rtorch.fft.rfftfreq(n, d=d, dtype=dtype_arg(dtype), device=device_arg(device))


def fftshift(x, /, *, axes=None):
    """Shifts the zero-frequency component to the centre along ``axes`` (all when None).

    Args:
        x (Tensor): the array of frequencies or spectrum.
        axes (int or sequence of ints, optional): the axes to shift.

    Example::

        >>> xp.fft.fftshift(xp.fft.fftfreq(4))
        tensor([-0.5000, -0.2500,  0.0000,  0.2500])
    """
    return rtorch.fft.fftshift(check_array(x, "fft.fftshift"), dim=axes)


def ifftshift(x, /, *, axes=None):
    """Undoes :func:`fftshift` along ``axes`` (all when None).

    Args:
        x (Tensor): the shifted array.
        axes (int or sequence of ints, optional): the axes to shift.

    Example::

        >>> xp.fft.ifftshift(xp.fft.fftshift(xp.arange(5)))
        tensor([0, 1, 2, 3, 4])
    """
    return rtorch.fft.ifftshift(check_array(x, "fft.ifftshift"), dim=axes)

"""Numerical integration and differentiation (`@composite`): trapezoid, trapz, cumulative_trapezoid
and gradient."""
from __future__ import annotations

import builtins

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from ._common import rt as _rt

__all__ = ["trapezoid", "trapz", "cumulative_trapezoid", "gradient"]


def _trapz_spacing(y, x, dx, dim, op):
    """The widths between samples along ``dim``: ``dx`` (a number), or the differences of ``x``."""
    if x is None:
        return dx
    if not isinstance(x, Tensor):
        if isinstance(x, (str, bytes)) or not hasattr(type(x), "__float__"):
            raise TypeError(f"{op}(): argument 'x' must be Tensor or Number, not {type(x).__name__}")
        return float(x)
    if x.dim() == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = -1
        return x.diff().reshape(shape[:dim] + [x.shape[0] - 1] + shape[dim + 1:]) if y.dim() else x.diff()
    return x.diff(dim=dim)


@composite(method=False)
def trapezoid(y: Tensor, x: Tensor | float | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Integrates ``y`` along a dim by the trapezoidal rule.

    Integral of ``y`` along ``dim`` by the trapezoidal rule, with samples at ``x`` (1-D or shaped as
    ``y``) or spaced ``dx`` apart (default 1).

    Args:
        y (Tensor): the sample values.
        x (Tensor or Number, optional): the sample points, or their spacing.
        dx (float, optional): the spacing between samples (keyword only). Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.trapezoid(rtorch.tensor([1., 2., 4.]))
        tensor(4.5000)
    """
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _common.wrap_dim(dim, y.dim())
    if not y.is_floating_point():
        y = y.to(_rt().get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.sum(d)
    mid = (y.narrow(d, 0, n - 1) + y.narrow(d, 1, n - 1)) / 2
    w = _trapz_spacing(y, x, 1.0 if dx is None else dx, d, "trapezoid")
    return (mid * w).sum(d)


@composite(method=False)
def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`.

    Args:
        y (Tensor): the sample values.
        x (Tensor, optional): the sample points.
        dx (float, optional): the spacing between samples. Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.trapz(rtorch.tensor([1., 2., 4.]), dx=2)
        tensor(9.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


@composite(method=False)
def cumulative_trapezoid(y: Tensor, x: Tensor | float | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """Running integral of ``y`` along ``dim`` by the trapezoidal rule (one element fewer than ``y``).

    Args:
        y (Tensor): the sample values.
        x (Tensor or Number, optional): the sample points, or their spacing.
        dx (float, optional): the spacing between samples (keyword only). Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.cumulative_trapezoid(rtorch.tensor([1., 2., 4.]))
        tensor([1.5000, 4.5000])
    """
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _common.wrap_dim(dim, y.dim())
    if not y.is_floating_point():
        y = y.to(_rt().get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.clone()
    mid = (y.narrow(d, 0, n - 1) + y.narrow(d, 1, n - 1)) / 2
    w = _trapz_spacing(y, x, 1.0 if dx is None else dx, d, "cumulative_trapezoid")
    return (mid * w).cumsum(d)


def _gradient_axis(f, d, h, edge_order):
    """Second-order accurate central differences of ``f`` along dim ``d`` with spacing ``h`` (a number
    or a 1-D tensor of coordinates), and first- or second-order one-sided differences at the edges."""
    rt = _rt()
    n = f.shape[d]
    sl = lambda a, b: f.narrow(d, a, b - a)  # noqa: E731
    if isinstance(h, Tensor):
        dx = h.diff().to(f.dtype)
        shape = [1] * f.dim()
        shape[d] = -1
        h1 = dx[:-1].reshape(shape)
        h2 = dx[1:].reshape(shape)
        a = -h2 / (h1 * (h1 + h2))
        b = (h2 - h1) / (h1 * h2)
        c = h1 / (h2 * (h1 + h2))
        mid = a * sl(0, n - 2) + b * sl(1, n - 1) + c * sl(2, n)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / dx[0]
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / dx[-1]
        else:
            h1, h2 = dx[0], dx[1]
            first = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * sl(0, 1) + (h1 + h2) / (h1 * h2) * sl(1, 2)
                     - h1 / (h2 * (h1 + h2)) * sl(2, 3))
            h1, h2 = dx[-2], dx[-1]
            last = (h2 / (h1 * (h1 + h2)) * sl(n - 3, n - 2) - (h1 + h2) / (h1 * h2) * sl(n - 2, n - 1)
                    + (2 * h2 + h1) / (h2 * (h1 + h2)) * sl(n - 1, n))
    else:
        mid = (sl(2, n) - sl(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / h
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / h
        else:
            first = (-1.5 * sl(0, 1) + 2 * sl(1, 2) - 0.5 * sl(2, 3)) / h
            last = (0.5 * sl(n - 3, n - 2) - 2 * sl(n - 2, n - 1) + 1.5 * sl(n - 1, n)) / h
    return rt.cat([first, mid, last], d)


@composite(method=False)
def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple[Tensor, ...]:
    """Estimates the gradient of a function sampled in ``input`` along each of ``dim`` (all dims by default).

    Central differences in the interior and one-sided differences of order ``edge_order`` at the
    boundaries, as NumPy's ``gradient``; one tensor per dim.

    Args:
        input (Tensor): the sampled values.
        spacing (Number, list of Numbers or list of 1-D Tensors): the sample spacing (one for all
            dims, one per dim) or the sample coordinates along each dim. Default 1.
        dim (int or list of ints, optional): the dims to differentiate. Default: all.
        edge_order (int): 1 or 2. Default 1.

    Example::

        >>> rtorch.gradient(rtorch.tensor([1., 2., 4., 8.]))
        (tensor([1.0000, 1.5000, 3.0000, 4.0000]),)
    """
    rt = _rt()
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(builtins.range(input.dim())) if dim is None else _common.int_list(dim, "gradient", "dim")
    dims = [_common.wrap_dim(d, input.dim()) for d in dims]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            what = ("since dim argument was not given" if dim is None else "since dim argument was given")
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {input.dim()}', {what}, but got a list of length "
                               f"{len(spacing)}")
        hs = list(spacing)
    else:
        hs = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    f = input if input.is_floating_point() else input.to(rt.get_default_dtype())
    return tuple(_gradient_axis(f, d, (h if isinstance(h, Tensor) and h.dim() else float(h)), edge_order)
                 for d, h in zip(dims, hs))

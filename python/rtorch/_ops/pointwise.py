"""Elementwise ops composed from existing ones (`@composite`): the clamp_min/clamp_max functions, the
in-place clamp forms, rsub, and the Tensor.hardshrink / Tensor.prelu methods."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor
from ._common import rt as _rt

__all__ = ["clamp_min", "clamp_max", "clamp_min_", "clamp_max_", "clamp_", "clip_", "rsub"]


@composite(method=False)
def clamp_min(input: Tensor, min: Tensor | float) -> Tensor:
    """Elementwise ``max(input, min)``: :meth:`Tensor.clamp` with a lower bound only.

    Args:
        input (Tensor): the input.
        min (Number or Tensor): the lower bound (a tensor broadcasts).

    Example::

        >>> rtorch.clamp_min(rtorch.tensor([1, 5]), 3)
        tensor([3, 5])
    """
    return input.clamp_min(min)


@composite(method=False)
def clamp_max(input: Tensor, max: Tensor | float) -> Tensor:
    """Elementwise ``min(input, max)``: :meth:`Tensor.clamp` with an upper bound only.

    Args:
        input (Tensor): the input.
        max (Number or Tensor): the upper bound (a tensor broadcasts).

    Example::

        >>> rtorch.clamp_max(rtorch.tensor([1, 5]), 3)
        tensor([1, 3])
    """
    return input.clamp_max(max)


@composite()
def clamp_min_(input, min: Tensor | float) -> Tensor:
    """In-place :meth:`clamp_min`.

    Args:
        min (Number or Tensor): the lower bound.

    Example::

        >>> rtorch.tensor([1., 5.]).clamp_min_(3)
        tensor([3., 5.])
    """
    return input.clamp_(min=min)


@composite()
def clamp_max_(input, max: Tensor | float) -> Tensor:
    """In-place :meth:`clamp_max`.

    Args:
        max (Number or Tensor): the upper bound.

    Example::

        >>> rtorch.tensor([1., 5.]).clamp_max_(3)
        tensor([1., 3.])
    """
    return input.clamp_(max=max)


@composite(method=False)
def clamp_(input: Tensor, min: Tensor | float | None = None, max: Tensor | float | None = None) -> Tensor:
    """In-place :func:`clamp` (the function form of :meth:`Tensor.clamp_`).

    Args:
        input (Tensor): the tensor to clamp in place.
        min (Number or Tensor, optional): the lower bound.
        max (Number or Tensor, optional): the upper bound.

    Example::

        >>> rtorch.clamp_(rtorch.tensor([-1., 5.]), 0, 1)
        tensor([0., 1.])
    """
    return input.clamp_(min, max)


@composite()
def clip_(input, min: Tensor | float | None = None, max: Tensor | float | None = None) -> Tensor:
    """Alias of :meth:`clamp_`.

    Args:
        min (Number or Tensor, optional): the lower bound.
        max (Number or Tensor, optional): the upper bound.

    Example::

        >>> rtorch.tensor([-1., 5.]).clip_(0, 1)
        tensor([0., 1.])
    """
    return input.clamp_(min, max)


@composite(method=False)
def rsub(input: Tensor, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """``other - alpha * input`` (subtraction with the operands reversed).

    Args:
        input (Tensor): the tensor subtracted.
        other (Tensor or Number): the tensor or number subtracted from.
        alpha (Number): multiplier of ``input``. Default 1.

    Example::

        >>> rtorch.rsub(rtorch.tensor([1., 2.]), 5)
        tensor([4., 3.])
    """
    if isinstance(other, Tensor):
        return other.sub(input, alpha=alpha)
    return (input if alpha == 1 else input * alpha).neg().add(other) if input.dtype != _rt().bool else \
        _rt().sub(other, input, alpha=alpha)


@composite(function=False)
def hardshrink(self, lambd: float = 0.5) -> Tensor:
    """The method form of :func:`rtorch.nn.functional.hardshrink`: ``x`` where ``|x| > lambd``, else 0.

    Example::

        >>> rtorch.tensor([0.3, -1.0]).hardshrink()
        tensor([ 0., -1.])
    """
    from ..nn import functional as F
    return F.hardshrink(self, lambd)


@composite(function=False)
def prelu(self, weight: Tensor) -> Tensor:
    """The method form of :func:`rtorch.nn.functional.prelu`: ``max(0, x) + weight * min(0, x)`` per channel.

    Example::

        >>> rtorch.tensor([-1.0, 2.0]).prelu(rtorch.tensor([0.25]))
        tensor([-0.2500,  2.0000])
    """
    from ..nn import functional as F
    return F.prelu(self, weight)

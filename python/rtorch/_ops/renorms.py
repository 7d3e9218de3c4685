"""Sub-tensor norm capping (`@composite`): renorm and Tensor.renorm_."""
from __future__ import annotations

import builtins

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from ._common import rt as _rt
from .shape import _dtype_name

__all__ = ["renorm"]


@composite()
def renorm(input, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescales the slices of ``input`` whose norm exceeds ``maxnorm``.

    Rescales each slice of ``input`` along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to norm
    ``maxnorm`` (a factor ``maxnorm / (norm + 1e-7)``, as PyTorch); other slices are unchanged.

    Args:
        p (float): the norm (> 0).
        dim (int): the dim whose slices are renormalised.
        maxnorm (float): the largest norm kept (>= 0).

    Example::

        >>> rtorch.tensor([[3., 4.], [1., 0.]]).renorm(2, 0, 1)
        tensor([[0.6000, 0.8000],
                [1.0000, 0.0000]])
    """
    rt = _rt()
    if float(p) <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if float(maxnorm) < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    if not input.is_floating_point():
        raise NotImplementedError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                  f"Got {_dtype_name(input.dtype)}")
    d = _common.wrap_dim(dim, input.dim())
    others = [i for i in builtins.range(input.dim()) if i != d]
    norms = input.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p) if p != 2 else \
        input.square().sum(others, keepdim=True).sqrt()
    factor = rt.where(norms > maxnorm, maxnorm / (norms + 1e-7), rt.ones_like(norms))
    return input * factor


@composite(function=False)
def renorm_(self, p: float, dim: int, maxnorm: float) -> Tensor:
    """In-place :meth:`renorm`.

    Args:
        p (float): the norm (> 0).
        dim (int): the dim whose slices are renormalised.
        maxnorm (float): the largest norm kept (>= 0).

    Example::

        >>> rtorch.tensor([[3., 4.]]).renorm_(2, 0, 1)
        tensor([[0.6000, 0.8000]])
    """
    return self.copy_(renorm(self, p, dim, maxnorm))

"""Filling ops (`@composite`): fill, fill_ and Tensor.fill_diagonal_."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor
from ._common import rt as _rt

__all__ = ["fill", "fill_"]


def _fill_value(value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               f"dimensions.")
        return value.item()
    return value


@composite(method=False)
def fill(input: Tensor, value: float | Tensor) -> Tensor:
    """A tensor shaped as ``input`` (same dtype and device) filled with ``value``.

    Args:
        input (Tensor): gives the shape, dtype and device.
        value (Number or 0-d Tensor): the fill value.

    Example::

        >>> rtorch.fill(rtorch.zeros(2), 3)
        tensor([3., 3.])
    """
    return _rt().full_like(input, _fill_value(value))


@composite(method=False)
def fill_(input: Tensor, value: float | Tensor) -> Tensor:
    """Fills ``input`` with ``value`` in place (the function form of :meth:`Tensor.fill_`).

    Args:
        input (Tensor): the tensor to fill.
        value (Number or 0-d Tensor): the fill value.

    Example::

        >>> rtorch.fill_(rtorch.zeros(2), 3)
        tensor([3., 3.])
    """
    return input.fill_(_fill_value(value))


@composite(function=False)
def fill_diagonal_(self, fill_value: float, wrap: bool = False) -> Tensor:
    """Fills the main diagonal of ``self`` in place.

    Fills the main diagonal of ``self`` (at least 2-D; all dims equal beyond 2-D) with ``fill_value``;
    with ``wrap`` a tall matrix restarts the diagonal every ``cols + 1`` rows.

    Args:
        fill_value (Number): the value.
        wrap (bool): continue the diagonal below a tall matrix's first square. Default False.

    Example::

        >>> rtorch.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    nd = self.dim()
    if nd < 2:
        raise RuntimeError("dimensions must larger than 1")
    if nd > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(self.shape)
    if nd > 2 or not wrap or self.shape[0] <= self.shape[1] + 1:
        step = sum(self.stride())
        # The diagonal is a strided view: one element every sum(strides).
        self.as_strided((n,), (step,), self.storage_offset()).fill_(fill_value) if n else None
        return self
    rows, cols = self.shape
    r = 0
    while r < rows:
        block = self.narrow(0, r, min(cols, rows - r))
        block.diagonal().fill_(fill_value)
        r += cols + 1
    return self

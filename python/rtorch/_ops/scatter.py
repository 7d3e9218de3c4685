"""The ``*_scatter`` ops (declared with `@composite`): a copy of the input with a view of it replaced by
``src``, the out-of-place forms of writing through select / slice / diagonal / as_strided views."""
from __future__ import annotations

import operator
from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor
from . import _common

__all__ = ["select_scatter", "slice_scatter", "diagonal_scatter", "as_strided_scatter"]


def _embed(self, src, view_of):
    """A copy of ``self`` whose view ``view_of(copy)`` holds ``src`` (same shape; cast to self's dtype).
    The write goes through the view, so gradients reach both ``self`` (outside the view) and ``src``."""
    if not isinstance(src, Tensor):
        raise TypeError(f"expected Tensor as argument 'src', but got {type(src).__name__}")
    out = self.clone()
    view = view_of(out)
    if tuple(src.shape) != tuple(view.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(view.shape)}")
    view.copy_(src)
    return out


@composite()
def select_scatter(input, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``.

    Args:
        src (Tensor): the values to embed; its shape is that of ``input.select(dim, index)``.
        dim (int): the dim to select along.
        index (int): the index to select.

    Example::

        >>> rtorch.zeros(2, 2).select_scatter(rtorch.ones(2), 0, 0)
        tensor([[1., 1.],
                [0., 0.]])
    """
    dim = _common.wrap_dim(dim, input.dim())
    index = operator.index(index)
    n = input.shape[dim] if input.dim() else 1
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return _embed(input, src, lambda t: t.select(dim, index))


@composite()
def slice_scatter(input, src: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``.

    Args:
        src (Tensor): the values to embed; its shape is that of the slice.
        dim (int): the dim to slice. Default 0.
        start (int, optional): first index of the slice. Default: the dim's start.
        end (int, optional): end (exclusive) of the slice. Default: the dim's end.
        step (int): step of the slice (positive). Default 1.

    Example::

        >>> rtorch.zeros(4).slice_scatter(rtorch.ones(2), start=1, end=3)
        tensor([0., 1., 1., 0.])
    """
    dim = _common.wrap_dim(dim, input.dim())
    step = operator.index(step)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = (slice(None),) * dim + (slice(start, end, step),)
    return _embed(input, src, lambda t: t[key])


@composite()
def diagonal_scatter(input, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``.

    Args:
        src (Tensor): the values to embed; its shape is that of the diagonal view.
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below. Default 0.
        dim1 (int): first dim of the diagonal's planes. Default 0.
        dim2 (int): second dim of the diagonal's planes. Default 1.

    Example::

        >>> rtorch.zeros(2, 2).diagonal_scatter(rtorch.ones(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _embed(input, src, lambda t: t.diagonal(offset, dim1, dim2))


@composite()
def as_strided_scatter(input, src: Tensor, size: Sequence[int], stride: Sequence[int],
                       storage_offset: int | None = None) -> Tensor:
    """Embeds ``src`` into a copy of ``input`` through an as_strided view.

    A copy of ``input`` with ``input.as_strided(size, stride, storage_offset)`` replaced by ``src``
    (the view is taken of the contiguous copy).

    Args:
        src (Tensor): the values to embed; its shape is ``size``.
        size (sequence of ints): the view's shape.
        stride (sequence of ints): the view's strides.
        storage_offset (int, optional): the view's first element. Default 0.

    Example::

        >>> rtorch.zeros(4).as_strided_scatter(rtorch.ones(2), (2,), (2,), 1)
        tensor([0., 1., 0., 1.])
    """
    size = _common.int_list(size, "as_strided_scatter", "size")
    stride = _common.int_list(stride, "as_strided_scatter", "stride")
    off = 0 if storage_offset is None else operator.index(storage_offset)
    return _embed(input.contiguous(), src, lambda t: t.as_strided(size, stride, off))

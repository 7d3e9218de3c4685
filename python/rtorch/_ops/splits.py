"""The unsafe splits (`@composite`): unsafe_split, unsafe_chunk, unsafe_split_with_sizes."""
from __future__ import annotations

from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes"]


@composite()
def unsafe_split(input, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :meth:`split` (PyTorch's version skips the view checks of in-place ops on the pieces).

    Args:
        split_size (int): the size of each piece (the last may be smaller).
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(5).unsafe_split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return input.split(split_size, dim)


@composite()
def unsafe_chunk(input, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :meth:`chunk` (PyTorch's version skips the view checks of in-place ops on the pieces).

    Args:
        chunks (int): the number of pieces.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(5).unsafe_chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    return input.chunk(chunks, dim)


@composite()
def unsafe_split_with_sizes(input, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :func:`split_with_sizes`.

    Args:
        split_sizes (sequence of ints): the size of each piece.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(3).unsafe_split_with_sizes([1, 2])
        (tensor([0]), tensor([1, 2]))
    """
    from .shape import split_with_sizes
    return split_with_sizes(input, split_sizes, dim)

"""The ``*_copy`` ops (`@composite`, functions only, as in PyTorch): the result of a view op as a new
tensor that shares no memory with the input."""
from __future__ import annotations

from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["permute_copy", "view_copy", "expand_copy", "diagonal_copy", "select_copy", "slice_copy",
           "split_copy", "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy",
           "unfold_copy", "unsqueeze_copy", "alias_copy", "detach_copy", "narrow_copy", "as_strided_copy"]


def _copy_all(views):
    return tuple(v.clone() for v in views)


@composite(method=False)
def permute_copy(input: Tensor, dims: Sequence[int]) -> Tensor:
    """:meth:`Tensor.permute` as a new tensor (no shared memory).

    Args:
        input (Tensor): the input.
        dims (sequence of ints): the new order of the dims.

    Example::

        >>> rtorch.permute_copy(rtorch.zeros(2, 3), (1, 0)).shape
        rtorch.Size([3, 2])
    """
    return input.permute(dims).clone()


@composite(method=False)
def view_copy(input: Tensor, size: Sequence[int]) -> Tensor:
    """:meth:`Tensor.view` (a shape or a dtype) as a new tensor.

    Args:
        input (Tensor): the input.
        size (sequence of ints or dtype): the new shape (or dtype to reinterpret as).

    Example::

        >>> rtorch.view_copy(rtorch.arange(4), (2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return input.view(size).clone()


@composite(method=False)
def expand_copy(input: Tensor, size: Sequence[int], *, implicit: bool = False) -> Tensor:
    """:meth:`Tensor.expand` as a new tensor (every element materialised).

    Args:
        input (Tensor): the input.
        size (sequence of ints): the expanded shape (-1 keeps a dim).
        implicit (bool): unused (PyTorch's internal flag).

    Example::

        >>> rtorch.expand_copy(rtorch.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return input.expand(size).clone()


@composite(method=False)
def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """:meth:`Tensor.diagonal` as a new tensor.

    Args:
        input (Tensor): the input.
        offset (int): which diagonal. Default 0.
        dim1 (int): first dim of the planes. Default 0.
        dim2 (int): second dim of the planes. Default 1.

    Example::

        >>> rtorch.diagonal_copy(rtorch.eye(2))
        tensor([1., 1.])
    """
    return input.diagonal(offset, dim1, dim2).clone()


@composite(method=False)
def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    """:meth:`Tensor.select` as a new tensor.

    Args:
        input (Tensor): the input.
        dim (int): the dim to select along.
        index (int): the index to select.

    Example::

        >>> rtorch.select_copy(rtorch.arange(4).view(2, 2), 0, 1)
        tensor([2, 3])
    """
    return input.select(dim, index).clone()


@composite(method=False)
def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:
    """The slice ``start:end:step`` of ``input`` along ``dim`` as a new tensor.

    Args:
        input (Tensor): the input.
        dim (int): the dim to slice. Default 0.
        start (int, optional): first index. Default: the dim's start.
        end (int, optional): end (exclusive). Default: the dim's end.
        step (int): the step (positive). Default 1.

    Example::

        >>> rtorch.slice_copy(rtorch.arange(5), 0, 1, 4, 2)
        tensor([1, 3])
    """
    from . import _common
    d = _common.wrap_dim(dim, input.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return input[(slice(None),) * d + (slice(start, end, step),)].clone()


@composite(method=False)
def split_copy(input: Tensor, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """:meth:`Tensor.split` with every piece a new tensor.

    Args:
        input (Tensor): the input.
        split_size (int or sequence of ints): size of each piece, or the list of sizes.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.split_copy(rtorch.arange(3), 2)
        (tensor([0, 1]), tensor([2]))
    """
    return _copy_all(input.split(split_size, dim))


@composite(method=False)
def split_with_sizes_copy(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """:func:`split_with_sizes` with every piece a new tensor.

    Args:
        input (Tensor): the input.
        split_sizes (sequence of ints): the size of each piece; they sum to the dim's size.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.split_with_sizes_copy(rtorch.arange(3), [1, 2])
        (tensor([0]), tensor([1, 2]))
    """
    from .shape import split_with_sizes
    return _copy_all(split_with_sizes(input, split_sizes, dim))


@composite(method=False)
def squeeze_copy(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """:meth:`Tensor.squeeze` as a new tensor.

    Args:
        input (Tensor): the input.
        dim (int or sequence of ints, optional): the size-1 dims to remove. Default: all of them.

    Example::

        >>> rtorch.squeeze_copy(rtorch.zeros(1, 2, 1)).shape
        rtorch.Size([2])
    """
    return (input.squeeze() if dim is None else input.squeeze(dim)).clone()


@composite(method=False)
def t_copy(input: Tensor) -> Tensor:
    """:meth:`Tensor.t` as a new tensor.

    Args:
        input (Tensor): at most 2-D.

    Example::

        >>> rtorch.t_copy(rtorch.zeros(2, 3)).shape
        rtorch.Size([3, 2])
    """
    return input.t().clone()


@composite(method=False)
def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """:meth:`Tensor.transpose` as a new tensor.

    Args:
        input (Tensor): the input.
        dim0 (int): first dim to swap.
        dim1 (int): second dim to swap.

    Example::

        >>> rtorch.transpose_copy(rtorch.zeros(2, 3), 0, 1).shape
        rtorch.Size([3, 2])
    """
    return input.transpose(dim0, dim1).clone()


@composite(method=False)
def unbind_copy(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """:meth:`Tensor.unbind` with every slice a new tensor.

    Args:
        input (Tensor): the input.
        dim (int): the dim to remove. Default 0.

    Example::

        >>> rtorch.unbind_copy(rtorch.arange(2))
        (tensor(0), tensor(1))
    """
    return _copy_all(input.unbind(dim))


@composite(method=False)
def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """:meth:`Tensor.unfold` (sliding windows) as a new tensor.

    Args:
        input (Tensor): the input.
        dimension (int): the dim to unfold.
        size (int): the window size.
        step (int): the step between windows.

    Example::

        >>> rtorch.unfold_copy(rtorch.arange(4), 0, 2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    return input.unfold(dimension, size, step).clone()


@composite(method=False)
def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    """:meth:`Tensor.unsqueeze` as a new tensor.

    Args:
        input (Tensor): the input.
        dim (int): where to insert the size-1 dim.

    Example::

        >>> rtorch.unsqueeze_copy(rtorch.zeros(2), 0).shape
        rtorch.Size([1, 2])
    """
    return input.unsqueeze(dim).clone()


@composite(method=False)
def alias_copy(input: Tensor) -> Tensor:
    """A copy of ``input`` (the copy form of PyTorch's internal ``alias`` view).

    Args:
        input (Tensor): the input.

    Example::

        >>> rtorch.alias_copy(rtorch.tensor([1, 2]))
        tensor([1, 2])
    """
    return input.clone()


@composite(method=False)
def detach_copy(input: Tensor) -> Tensor:
    """:meth:`Tensor.detach` as a new tensor: a copy outside the autograd graph.

    Args:
        input (Tensor): the input.

    Example::

        >>> rtorch.detach_copy(rtorch.ones(2, requires_grad=True)).requires_grad
        False
    """
    return input.detach().clone()


@composite()
def narrow_copy(input, dim: int, start: int, length: int) -> Tensor:
    """:meth:`Tensor.narrow` as a new tensor.

    Args:
        dim (int): the dim to narrow.
        start (int): the first index.
        length (int): the number of elements.

    Example::

        >>> rtorch.arange(5).narrow_copy(0, 1, 2)
        tensor([1, 2])
    """
    return input.narrow(dim, start, length).clone()


@composite(method=False)
def as_strided_copy(input: Tensor, size: Sequence[int], stride: Sequence[int],
                    storage_offset: int | None = None) -> Tensor:
    """:meth:`Tensor.as_strided` as a new tensor.

    Args:
        input (Tensor): the input.
        size (sequence of ints): the view's shape.
        stride (sequence of ints): the view's strides.
        storage_offset (int, optional): the view's first element. Default: the input's offset.

    Example::

        >>> rtorch.as_strided_copy(rtorch.arange(4), (2,), (2,))
        tensor([0, 2])
    """
    return (input.as_strided(size, stride) if storage_offset is None
            else input.as_strided(size, stride, storage_offset)).clone()

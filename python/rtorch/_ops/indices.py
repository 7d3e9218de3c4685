"""Index-producing ops (`@composite`): tril_indices/triu_indices, unravel_index and argwhere."""
from __future__ import annotations

import operator
from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from ._common import rt as _rt
from .shape import _dtype_name

__all__ = ["tril_indices", "triu_indices", "unravel_index", "argwhere"]


def _tril_count(row, col, offset):
    """The number of (i, j) with 0 <= i < row, 0 <= j < col, j <= i + offset (exact for any size)."""
    start = min(row, max(0, -offset))                 # rows before it hold nothing
    full = min(row, max(start, col - offset - 1))     # rows from it on hold all col entries
    # Rows start..full-1 hold i + offset + 1 entries: an arithmetic series.
    partial = (full - start) * (start + full - 1 + 2 * (offset + 1)) // 2
    return partial + (row - full) * col


def _tri_indices(row, col, offset, dtype, device, layout, lower, op):
    import numpy as np
    rt = _rt()
    if layout is not None and not isinstance(layout, rt.layout):
        raise TypeError(f"{op}(): argument 'layout' must be torch.layout, not {type(layout).__module__}."
                        f"{type(layout).__name__}".replace("rtorch.", "torch."))
    row, col, offset = operator.index(row), operator.index(col), operator.index(offset)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = rt.int64 if dtype is None else dtype
    if dtype not in (rt.int64, rt.int32, rt.int16, rt.int8, rt.uint8):
        raise NotImplementedError(f"\"{op}\" not implemented for '{_dtype_name(dtype)}'")
    n = _tril_count(row, col, offset) if lower else row * col - _tril_count(row, col, offset - 1)
    if 2 * n * 8 >= 2 ** 63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes=[2, {n}]")
    rt.empty((2, n), dtype=dtype, device="cpu")  # refused with rtorch's AllocationError before NumPy tries
    # The coordinates are an arithmetic pattern of the two sizes: built on the host (NumPy), then uploaded once.
    r, c = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return rt.tensor(np.stack([r, c]).astype(np.int64).reshape(2, -1), dtype=dtype, device=device)


@composite(method=False)
def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Returns the coordinates of the lower triangle of a matrix.

    The coordinates of the lower triangle (on and below the ``offset``-th diagonal) of a ``row x col``
    matrix: a ``(2, N)`` tensor, row-major order.

    Args:
        row (int): number of rows.
        col (int): number of columns.
        offset (int): diagonal offset (> 0 includes diagonals above the main one). Default 0.
        dtype (dtype, optional): an integer dtype. Default ``int64``.
        device (device, optional): the result's device.
        layout (layout, optional): only ``strided``.

    Example::

        >>> rtorch.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype, device, layout, True, "tril_indices")


@composite(method=False)
def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Returns the coordinates of the upper triangle of a matrix.

    The coordinates of the upper triangle (on and above the ``offset``-th diagonal) of a ``row x col``
    matrix: a ``(2, N)`` tensor, row-major order.

    Args:
        row (int): number of rows.
        col (int): number of columns.
        offset (int): diagonal offset (< 0 includes diagonals below the main one). Default 0.
        dtype (dtype, optional): an integer dtype. Default ``int64``.
        device (device, optional): the result's device.
        layout (layout, optional): only ``strided``.

    Example::

        >>> rtorch.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    return _tri_indices(row, col, offset, dtype, device, layout, False, "triu_indices")


@composite(method=False)
def unravel_index(indices: Tensor, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Converts flat indices into coordinates of a tensor of ``shape``.

    Converts flat indices into coordinates of a tensor of ``shape`` (row-major): one tensor per dim,
    each shaped like ``indices``. Negative and too-large flat indices wrap as PyTorch does.

    Args:
        indices (Tensor): integer flat indices.
        shape (int or sequence of ints): the shape to index (non-negative sizes).

    Example::

        >>> rtorch.unravel_index(rtorch.tensor([4, 5]), (2, 3))
        (tensor([1, 1]), tensor([1, 2]))
    """
    rt = _rt()
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a Tensor, but got {type(indices).__name__}")
    if indices.is_floating_point() or indices.dtype == rt.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    dims = _common.int_list(shape, "unravel_index", "shape")
    if any(d < 0 for d in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(dims)}")
    idx = indices.long()
    out = []
    for d in reversed(dims):
        out.append(idx.remainder(d) if d else idx * 0)
        idx = idx.div(d, rounding_mode="floor") if d else idx
    return tuple(reversed(out))


@composite()
def argwhere(input) -> Tensor:
    """Returns the coordinates of the non-zero elements of ``input``, one row per element.

    An ``(N, input.dim())`` int64 tensor in row-major order (as :func:`nonzero`).

    Example::

        >>> rtorch.tensor([[0, 1], [2, 0]]).argwhere()
        tensor([[0, 1],
                [1, 0]])
    """
    if input.dim() == 0:
        return _rt().zeros(1 if bool(input != 0) else 0, 0, dtype=_rt().int64, device=input.device)
    return input.nonzero()

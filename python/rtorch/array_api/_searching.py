"""The Array API's searching functions: argmax, argmin, count_nonzero, nonzero, searchsorted, where."""
import rtorch

from . import _dtypes
from ._helpers import axes_tuple, check_array, normalize_axis


def _arg(fn, op, x, axis, keepdims):
    check_array(x, fn)
    if x.numel() == 0:
        raise ValueError(f"array_api.{fn}(): x is empty (shape {tuple(x.shape)})")
    if x.dtype.is_complex:
        raise TypeError(f"array_api.{fn}(): x must have a real dtype, got {x.dtype}")
    if axis is None:
        out = op(x.reshape(-1).to(rtorch.uint8) if x.dtype == rtorch.bool else x.reshape(-1))
        return out.reshape((1,) * x.ndim) if keepdims else out
    return op(x.to(rtorch.uint8) if x.dtype == rtorch.bool else x,
              dim=normalize_axis(axis, x.ndim, fn), keepdim=keepdims)


def argmax(x, /, *, axis=None, keepdims=False):
    """Returns the indices of the maxima along ``axis`` (of the flattened array when None); the first on ties.

    Args:
        x (Tensor): a non-empty real array.
        axis (int, optional): the axis to search.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.argmax(xp.asarray([1, 3, 3]))
        tensor(1)
    """
    return _arg("argmax", rtorch.argmax, x, axis, keepdims)


def argmin(x, /, *, axis=None, keepdims=False):
    """Returns the indices of the minima along ``axis`` (of the flattened array when None); the first on ties.

    Args:
        x (Tensor): a non-empty real array.
        axis (int, optional): the axis to search.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.argmin(xp.asarray([2, 0, 0]))
        tensor(1)
    """
    return _arg("argmin", rtorch.argmin, x, axis, keepdims)


def count_nonzero(x, /, *, axis=None, keepdims=False):
    """Counts the non-zero elements along ``axis`` (every axis when None); default integer dtype.

    Args:
        x (Tensor): the array.
        axis (int, tuple of ints or None): the axes to count over.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.count_nonzero(xp.asarray([[0, 1], [2, 3]]), axis=1)
        tensor([1, 2])
    """
    check_array(x, "count_nonzero")
    axes = axes_tuple(axis, x.ndim, "count_nonzero")
    out = (x != 0).to(rtorch.int64)
    return out.sum(dim=axes, keepdim=keepdims) if axes else out


def nonzero(x, /):
    """Returns a tuple of index arrays, one per axis, of the non-zero elements (row-major order).

    Args:
        x (Tensor): an array of at least one dimension.

    Example::

        >>> xp.nonzero(xp.asarray([[0, 1], [2, 0]]))
        (tensor([0, 1]), tensor([1, 0]))
    """
    check_array(x, "nonzero")
    if x.ndim == 0:
        raise ValueError("array_api.nonzero(): x must have at least one dimension, got a 0-d array")
    return tuple(rtorch.nonzero(x, as_tuple=True))


def searchsorted(x1, x2, /, *, side="left", sorter=None):
    """Returns the indices at which to insert ``x2``'s elements into the sorted 1-D ``x1`` to keep it sorted.

    Args:
        x1 (Tensor): a 1-D array, sorted ascending unless ``sorter`` sorts it.
        x2 (Tensor): the values to insert.
        side (str): ``'left'`` (first suitable position) or ``'right'`` (last).
        sorter (Tensor, optional): integer indices that sort ``x1``.

    Example::

        >>> xp.searchsorted(xp.asarray([1, 2, 3]), xp.asarray([2, 5]))
        tensor([1, 3])
    """
    check_array(x1, "searchsorted", "x1")
    check_array(x2, "searchsorted", "x2")
    if x1.ndim != 1:
        raise ValueError(f"array_api.searchsorted(): x1 must be 1-D, got shape {tuple(x1.shape)}")
    if side not in ("left", "right"):
        raise ValueError(f"array_api.searchsorted(): side must be 'left' or 'right', got {side!r}")
    if x1.dtype.is_complex or x2.dtype.is_complex:
        raise TypeError("array_api.searchsorted(): complex arrays have no order")
    dt = _dtypes.promote(x1.dtype, x2.dtype)
    if sorter is not None:
        check_array(sorter, "searchsorted", "sorter")
        x1 = x1[sorter.to(rtorch.int64)]
    return rtorch.searchsorted(x1.to(dt).contiguous(), x2.to(dt).contiguous(), side=side)


def where(condition, x1, x2, /):
    """Returns elements of ``x1`` where ``condition`` is True and of ``x2`` elsewhere (broadcast together).

    Args:
        condition (Tensor): a boolean array.
        x1 (Tensor or scalar): chosen where ``condition`` is True.
        x2 (Tensor or scalar): chosen elsewhere (promoted with ``x1`` by the standard's rules).

    Example::

        >>> xp.where(xp.asarray([True, False]), xp.asarray([1, 2]), 0)
        tensor([1, 0])
    """
    from ._helpers import binary_operands
    check_array(condition, "where", "condition")
    a, b = binary_operands("where", x1, x2)
    return rtorch.where(condition.to(rtorch.bool), a, b)

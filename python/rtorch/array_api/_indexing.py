"""The Array API's indexing functions: take and take_along_axis."""
import rtorch

from . import _dtypes
from ._helpers import check_array, normalize_axis


def _index_array(fn, indices):
    check_array(indices, fn, "indices")
    if indices.dtype not in _dtypes.INTEGRAL:
        raise TypeError(f"array_api.{fn}(): indices must have an integer dtype, got {indices.dtype}")
    return indices.to(rtorch.int64)


def take(x, indices, /, *, axis=None):
    """Returns the elements of ``x`` at ``indices`` along ``axis`` (negative indices count from the end).

    Args:
        x (Tensor): the array (``axis`` may be None only when it is 1-D).
        indices (Tensor): a 1-D integer array.
        axis (int, optional): the axis to index.

    Example::

        >>> xp.take(xp.asarray([[1, 2], [3, 4]]), xp.asarray([1]), axis=1)
        tensor([[2],
                [4]])
    """
    check_array(x, "take")
    idx = _index_array("take", indices)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"array_api.take(): axis is required for an array of {x.ndim} dimensions")
        axis = 0
    if x.ndim == 0:
        raise ValueError("array_api.take(): x must have at least one dimension")
    if idx.ndim != 1:
        raise ValueError(f"array_api.take(): indices must be 1-D, got shape {tuple(idx.shape)}")
    return rtorch.index_select(x, normalize_axis(axis, x.ndim, "take"), idx)


def take_along_axis(x, indices, /, *, axis=-1):
    """Returns ``x``'s elements at ``indices`` along ``axis``.

    ``indices`` has ``x``'s number of dimensions and broadcasts against it along the other axes.

    Args:
        x (Tensor): the array.
        indices (Tensor): an integer array of ``x.ndim`` dimensions.
        axis (int): the axis to index.

    Example::

        >>> x = xp.asarray([[3, 1], [2, 4]])
        >>> xp.take_along_axis(x, xp.argsort(x, axis=1), axis=1)
        tensor([[1, 3],
                [2, 4]])
    """
    check_array(x, "take_along_axis")
    idx = _index_array("take_along_axis", indices)
    if idx.ndim != x.ndim:
        raise ValueError(f"array_api.take_along_axis(): indices must have {x.ndim} dimensions like x, "
                         f"got shape {tuple(idx.shape)}")
    axis = normalize_axis(axis, x.ndim, "take_along_axis")
    idx = rtorch.where(idx < 0, idx + x.shape[axis], idx)
    return rtorch.take_along_dim(x, idx, dim=axis)

"""The Array API's sorting functions: argsort and sort (stable by default, ascending or descending)."""
import rtorch

from ._helpers import check_array, normalize_axis


def _sort(fn, x, axis, descending, stable):
    check_array(x, fn)
    if x.dtype.is_complex:
        raise TypeError(f"array_api.{fn}(): complex arrays have no order")
    if x.ndim == 0:
        return x.clone(), rtorch.zeros((), dtype=rtorch.int64, device=x.device)
    axis = normalize_axis(axis, x.ndim, fn)
    # rtorch's stable descending sort keeps equal elements in their original order, as the standard asks
    return rtorch.sort(x, dim=axis, descending=bool(descending), stable=True)


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """Returns the indices that sort ``x`` along ``axis`` (equal elements keep their order: always stable).

    NaNs sort last (first when descending), as PyTorch and NumPy do.

    Args:
        x (Tensor): a real array.
        axis (int): the axis to sort along.
        descending (bool): largest first.
        stable (bool): accepted; the sort is always stable.

    Example::

        >>> xp.argsort(xp.asarray([3, 1, 2]))
        tensor([1, 2, 0])
    """
    return _sort("argsort", x, axis, descending, stable)[1]


def sort(x, /, *, axis=-1, descending=False, stable=True):
    """Returns ``x`` sorted along ``axis`` (NaNs last; first when descending).

    Args:
        x (Tensor): a real array.
        axis (int): the axis to sort along.
        descending (bool): largest first.
        stable (bool): accepted; the sort is always stable.

    Example::

        >>> xp.sort(xp.asarray([3, 1, 2]), descending=True)
        tensor([3, 2, 1])
    """
    return _sort("sort", x, axis, descending, stable)[0]

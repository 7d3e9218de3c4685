"""The Array API's utility functions: all, any and diff."""
import rtorch

from ._helpers import as_int, axes_tuple, check_array, normalize_axis


def _test(fn, op, x, axis, keepdims):
    check_array(x, fn)
    b = x.to(rtorch.bool) if x.dtype != rtorch.bool else x
    axes = axes_tuple(axis, x.ndim, fn)
    if not axes:
        return b.clone()
    out = b
    for a in sorted(axes, reverse=True):  # one dim at a time: the highest first keeps the numbering
        out = op(out, dim=a, keepdim=bool(keepdims))
    return out


def all(x, /, *, axis=None, keepdims=False):  # noqa: A001 - the standard's name
    """Tests whether every element along ``axis`` is true (non-zero); True for an empty reduction.

    Args:
        x (Tensor): the array.
        axis (int, tuple of ints or None): the axes to reduce.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.all(xp.asarray([[1, 0], [1, 1]]), axis=1)
        tensor([False,  True])
    """
    return _test("all", rtorch.all, x, axis, keepdims)


def any(x, /, *, axis=None, keepdims=False):  # noqa: A001 - the standard's name
    """Tests whether any element along ``axis`` is true (non-zero); False for an empty reduction.

    Args:
        x (Tensor): the array.
        axis (int, tuple of ints or None): the axes to reduce.
        keepdims (bool): keep the reduced axes with size one.

    Example::

        >>> xp.any(xp.asarray([[0, 0], [1, 0]]), axis=1)
        tensor([False,  True])
    """
    return _test("any", rtorch.any, x, axis, keepdims)


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    """Returns the ``n``-th forward difference along ``axis`` (``out[i] = x[i+1] - x[i]``, applied ``n`` times).

    Args:
        x (Tensor): an array of at least one dimension.
        axis (int): the axis.
        n (int): how many times to difference (non-negative).
        prepend (Tensor, optional): values put before ``x`` along ``axis`` first.
        append (Tensor, optional): values put after ``x`` along ``axis`` first.

    Example::

        >>> xp.diff(xp.asarray([1, 4, 9, 16]), n=2)
        tensor([2, 2])
    """
    from ._manipulation import _arrays
    check_array(x, "diff")
    if x.ndim == 0:
        raise ValueError("array_api.diff(): x must have at least one dimension, got a 0-d array")
    n = as_int(n, "diff", "n")
    if n < 0:
        raise ValueError(f"array_api.diff(): n must be non-negative, got {n}")
    axis = normalize_axis(axis, x.ndim, "diff")
    parts = [p for p in (prepend, x, append) if p is not None]
    parts = _arrays("diff", parts)
    x = rtorch.cat(parts, dim=axis) if len(parts) > 1 else parts[0]
    head = (slice(None),) * axis
    for _ in range(n):
        later, earlier = x[head + (slice(1, None),)], x[head + (slice(None, -1),)]
        x = later != earlier if x.dtype == rtorch.bool else later - earlier
    return x
